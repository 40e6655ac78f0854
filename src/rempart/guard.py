"""The guard: runs the detectors for one request or output, then the pure policy.

This is the one pipeline every entry point uses (CLI, HTTP API, audit, red-team):

    instruction + images --> signals (text/, vision/) --> policy.decide --> Decision

``Guard.load()`` loads every model once (at server start-up, lazily in the CLI). Detector failures
become data on the signals (``Status.ERROR``, ``ImageFacts.failed``) and the policy fails closed.
Images are analysed through the ``ImageInspector`` protocol so the guard does not depend on the
vision stack; without an inspector, a request that carries an image is screened with that check
marked as failed (and so fails closed).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Protocol

from rempart.errors import InputError
from rempart.policy import Context, Decision, ImageFacts, Policy, PromptSignal, Signals, decide, load_policy
from rempart.signals import ModelInfo, Status
from rempart.text.screen import PromptInput, PromptScreen, validate_prompt
from rempart.vocabulary import HarmCategory


class ImageInspector(Protocol):
    """What the guard needs from the vision stack."""

    def load(self) -> None: ...

    def facts(self, image: bytes | str, role: str, source: object | None = None) -> tuple[ImageFacts, object]:
        """Analyse ``image`` (bytes or a path) and return policy facts plus an opaque analysis handle
        (passed back as ``source`` when checking an output against its source)."""
        ...

    def model_info(self) -> tuple[ModelInfo, ...]: ...


@dataclass(frozen=True, slots=True)
class RequestInput:
    text: str
    photo_of_person: bool | None = None
    image: bytes | str | None = None
    output_image: bytes | str | None = None


@dataclass(frozen=True, slots=True)
class GuardResult:
    decision: Decision
    source: ImageFacts | None = None
    output: ImageFacts | None = None
    output_decision: Decision | None = None
    source_handle: object | None = field(default=None, compare=False, repr=False)
    """The inspector's opaque analysis of the source image, for a later output check against it."""

    @property
    def final(self) -> Decision:
        """The output decision when an output was checked, else the request decision."""
        return self.output_decision or self.decision


class Guard:
    def __init__(
        self,
        policy: Policy | None = None,
        prompt_screen: PromptScreen | None = None,
        images: ImageInspector | None = None,
    ) -> None:
        self.policy = policy if policy is not None else load_policy()
        self.prompt_screen = (
            prompt_screen if prompt_screen is not None else PromptScreen(max_chars=self.policy.prompt.max_chars)
        )
        self.images = images

    def load(self) -> None:
        self.prompt_screen.load()
        if self.images is not None:
            self.images.load()

    def model_info(self) -> tuple[ModelInfo, ...]:
        infos = list(self.prompt_screen.model_info())
        if self.images is not None:
            infos.extend(self.images.model_info())
        return tuple(infos)

    def _image_facts(
        self, image: bytes | str, role: str, source: object | None = None
    ) -> tuple[ImageFacts, object | None]:
        if self.images is None:
            return ImageFacts(
                role=role, persons=0, failed=frozenset({"decode", "faces", "age", "exposure", "identity"})
            ), None
        return self.images.facts(image, role, source)

    def screen_request(
        self, item: RequestInput, context: Context | None = None, *, lineage_exposure: int | None = None
    ) -> GuardResult:
        """Screen an instruction (and its source photo); if an output image is given, check it too.
        ``lineage_exposure``: the highest exposure requested earlier in the same lineage of edits."""
        start = time.perf_counter()
        text = validate_prompt(item.text, self.policy.prompt.max_chars)
        ctx = replace(context or Context(), photo_of_person=item.photo_of_person, stage="request")
        source_facts: ImageFacts | None = None
        source_handle: object | None = None
        if item.image is not None:
            source_facts, source_handle = self._image_facts(item.image, "source")
            if ctx.photo_of_person is None and not source_facts.failed:
                ctx = replace(ctx, photo_of_person=source_facts.shows_person)
        prompt = self._prompt_signal(text, ctx.photo_of_person)
        signals = Signals(prompt=prompt, source=source_facts, lineage_exposure=lineage_exposure)
        decision = decide(self.policy, signals, ctx).with_runtime(
            latency_ms=(time.perf_counter() - start) * 1000.0, models=self.model_info()
        )
        if item.output_image is None:
            return GuardResult(decision, source_facts, source_handle=source_handle)
        out = self.screen_output(
            item.output_image,
            source=source_handle,
            source_facts=source_facts,
            request=decision,
            context=ctx,
            lineage_exposure=lineage_exposure,
        )
        return GuardResult(decision, source_facts, out.output, out.decision, source_handle=source_handle)

    def screen_output(
        self,
        image: bytes | str,
        *,
        source: object | None = None,
        source_facts: ImageFacts | None = None,
        request: Decision | None = None,
        context: Context | None = None,
        lineage_exposure: int | None = None,
    ) -> GuardResult:
        """Check a generated image: exposure x apparent age x same person as the source."""
        start = time.perf_counter()
        ctx = replace(context or Context(), stage="output")
        out_facts, _ = self._image_facts(image, "output", source)
        categories: tuple[HarmCategory, ...] = request.categories if request is not None else ()
        signals = Signals(
            source=source_facts, output=out_facts, request_categories=categories, lineage_exposure=lineage_exposure
        )
        decision = decide(self.policy, signals, ctx).with_runtime(
            latency_ms=(time.perf_counter() - start) * 1000.0, models=self.model_info()
        )
        return GuardResult(decision, source_facts, out_facts)

    def _prompt_signal(self, text: str, photo_of_person: bool | None) -> PromptSignal:
        result = self.prompt_screen.detect(PromptInput(text, photo_of_person))
        if result.status is not Status.OK:
            return PromptSignal(result.status, None, None, result.error)
        screening = result.data["screening"]
        return PromptSignal(Status.OK, screening.analysis, screening.probability)


__all__ = ["Guard", "GuardResult", "ImageInspector", "InputError", "RequestInput"]
