"""The prompt screen detector: normalise, find concepts, reason, score.

``PromptScreen.detect`` returns the shared ``DetectorResult``; its ``data`` carries the full
``PromptScreening`` (normalised text, concept matches, rule analysis, classifier probability) for
the policy and for explanations. Input validation (empty, oversized, binary text) happens in
``validate_prompt`` before any model runs and raises ``InvalidTextError`` with a clear message.
"""

from __future__ import annotations

import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from rempart.errors import InvalidTextError
from rempart.signals import DetectorResult, Evidence, Finding, ModelInfo, Status
from rempart.text.classifier import LinearPromptModel, featurize, load_model
from rempart.text.encoder import TextEncoder, UseEncoder
from rempart.text.lexicon import ConceptMatch, ConceptMatcher, load_lexicons
from rempart.text.normalize import NormalizedText, normalize
from rempart.text.rules import PromptAnalysis, analyse

SCREEN_NAME = "prompt_screen"
SCREEN_VERSION = "1.0"
DEFAULT_MAX_CHARS = 16_000


def validate_prompt(text: object, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """Return ``text`` if it is a screenable prompt, else raise ``InvalidTextError`` saying why."""
    if not isinstance(text, str):
        raise InvalidTextError(f"the instruction must be a string, got {type(text).__name__}")
    if not text.strip():
        raise InvalidTextError("the instruction is empty")
    if len(text) > max_chars:
        raise InvalidTextError(f"the instruction is too long ({len(text):,} characters; the limit is {max_chars:,})")
    if "\x00" in text:
        raise InvalidTextError("the instruction contains NUL bytes (binary data?)")
    if "\ufffd" in text and text.count("\ufffd") * 20 > len(text):
        raise InvalidTextError("the instruction is not valid UTF-8 text")
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r")
    if controls * 10 > len(text):
        raise InvalidTextError("the instruction looks like binary data (too many control characters)")
    return text


@dataclass(frozen=True, slots=True)
class PromptInput:
    text: str
    photo_of_person: bool | None = None


@dataclass(frozen=True, slots=True)
class PromptScreening:
    norm: NormalizedText
    matches: tuple[ConceptMatch, ...]
    analysis: PromptAnalysis
    probability: float


class PromptScreen:
    """Rules over multilingual lexicons plus a trained classifier. Call ``load()`` once, then ``detect``."""

    name = SCREEN_NAME
    version = SCREEN_VERSION

    def __init__(
        self,
        encoder: TextEncoder | None = None,
        *,
        lexicon_dir: Path | None = None,
        model: LinearPromptModel | None = None,
        model_dir: Path | None = None,
        max_chars: int = DEFAULT_MAX_CHARS,
    ) -> None:
        self._encoder: TextEncoder = encoder if encoder is not None else UseEncoder()
        self._lexicon_dir = lexicon_dir
        self._model = model
        self._model_dir = model_dir
        self._matcher: ConceptMatcher | None = None
        self.max_chars = max_chars

    @property
    def encoder(self) -> TextEncoder:
        return self._encoder

    @property
    def loaded(self) -> bool:
        return self._matcher is not None and self._model is not None and self._encoder.loaded

    def load(self) -> None:
        if self._model is None:
            self._model = load_model(self._model_dir)
        self._encoder.load()
        if self._matcher is None:
            self._matcher = ConceptMatcher(load_lexicons(self._lexicon_dir), self._encoder.vocabulary())

    @property
    def matcher(self) -> ConceptMatcher:
        """The concept matcher (needs the encoder's vocabulary, so it loads the encoder)."""
        if self._matcher is None:
            self._encoder.load()
            self._matcher = ConceptMatcher(load_lexicons(self._lexicon_dir), self._encoder.vocabulary())
        return self._matcher

    def model_info(self) -> tuple[ModelInfo, ...]:
        infos = list(self._encoder.model_info())
        if self._model is not None:
            infos.append(self._model.model_info())
        return tuple(infos)

    def analyse_text(
        self, text: str, photo_of_person: bool | None = None
    ) -> tuple[NormalizedText, tuple[ConceptMatch, ...], PromptAnalysis]:
        """The rule analysis alone (no model): used by training and by explanations."""
        norm = normalize(text)
        matches = tuple(self.matcher.match(norm))
        return norm, matches, analyse(norm, matches, photo_of_person)

    def classifier_view(self, norm: NormalizedText, analysis: PromptAnalysis) -> NormalizedText:
        """What the classifier reads: the text without its genuinely negated clauses, so that
        "don't remove her clothes, just swap the background" is scored as "just swap the background"."""
        if not analysis.negated_clauses:
            return norm
        return normalize(analysis.without_negated_clauses(norm.text) or ".")

    def screen(self, item: PromptInput) -> PromptScreening:
        if self._model is None or not self._encoder.loaded:
            self.load()
        assert self._model is not None
        norm, matches, analysis = self.analyse_text(item.text, item.photo_of_person)
        view = self.classifier_view(norm, analysis)
        embedding = self._encoder.encode([view.text])[0]
        features = featurize(view, analysis, item.photo_of_person, embedding)
        return PromptScreening(norm, matches, analysis, self._model.probability(features))

    def detect(self, item: PromptInput) -> DetectorResult:
        start = time.perf_counter()
        try:
            result = self.screen(item)
        except Exception as exc:
            return DetectorResult(
                detector=self.name,
                version=self.version,
                status=Status.ERROR,
                latency_ms=(time.perf_counter() - start) * 1000.0,
                error=f"{type(exc).__name__}: {exc}",
                models=self.model_info(),
            )
        return DetectorResult(
            detector=self.name,
            version=self.version,
            status=Status.OK,
            findings=_findings(result),
            latency_ms=(time.perf_counter() - start) * 1000.0,
            models=self.model_info(),
            data={"screening": result},
        )


def _findings(result: PromptScreening) -> tuple[Finding, ...]:
    a = result.analysis
    findings = [Finding("harm_probability", result.probability)]
    if a.exposure:
        findings.append(
            Finding(
                "exposure_intent",
                int(a.exposure) / 5.0,
                tuple(Evidence("rule", h.rule, None, {"reason": h.reason}) for h in a.hits if h.level),
            )
        )
    if a.sexualised:
        findings.append(
            Finding(
                "sexualised",
                1.0,
                tuple(Evidence("rule", h.rule, None, {"reason": h.reason}) for h in a.hits if h.sexualised),
            )
        )
    if a.minor_cue:
        findings.append(
            Finding("minor_cue", 1.0, tuple(Evidence("term", m.matched, (m.start, m.end)) for m in a.minor_evidence))
        )
    if a.real_cue:
        findings.append(
            Finding(
                "real_person_cue", 1.0, tuple(Evidence("term", m.matched, (m.start, m.end)) for m in a.real_evidence)
            )
        )
    return tuple(findings)
