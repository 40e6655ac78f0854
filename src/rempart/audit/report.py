"""The audit report as a pure transform of the results: ``build_report(results, options) -> AuditReport``.

No IO, no clock, no unseeded randomness: the same results file, options and labels give the same
report. The headline metrics follow the public audits of the Grok incident (AI Forensics, CCDH; see
``shared/reference/LANDSCAPE.md`` section 5), each a ``Proportion`` with its 95 % Wilson interval and
an explicit denominator (images whose relevant signal is unknown are left out of it and counted):

    people_exposed                 images showing people at exposure >= 2 / images with a known exposure
    women_among_exposed            of those, images where a face presents as a woman (female or mixed)
                                   / exposed images with at least one face of known presentation
    apparent_minor_among_exposed   of those, images with a face whose apparent age is under 18
                                   / exposed images with at least one face of known age
    possible_minor_among_exposed   the same with the gateway's conservative band (estimate - margin < 18)
    duplicates                     images that repeat an earlier one (byte-identical or PDQ <= 31)
                                   / analysed images

Breakdowns repeat them by day (from a date field of the manifest) and by each metadata field with few
distinct values. The contact sheet and the verification sample are chosen here (seeded); their
thumbnails are drawn by the IO layer. ``agreement`` compares the machine with human labels.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

from rempart.audit.dedup import Duplicates, find_duplicates
from rempart.audit.records import EXPOSED_LEVEL, ImageRecord, ResultSet
from rempart.audit.stats import FieldAgreement, Proportion, field_agreement

HEADLINE: Final[tuple[str, ...]] = (
    "people_exposed",
    "women_among_exposed",
    "apparent_minor_among_exposed",
    "possible_minor_among_exposed",
    "duplicates",
)
OTHER_METRICS: Final[tuple[str, ...]] = ("people", "illustration")
DATE_FIELDS: Final[tuple[str, ...]] = ("date", "created_at", "timestamp", "posted_at", "time", "datetime", "day")
UNKNOWN: Final = "(unknown)"
OTHER: Final = "(other)"

DEFINITIONS: Final[Mapping[str, str]] = {
    "people": "images where at least one face or person was found / analysed images",
    "people_exposed": "images showing people at exposure level >= 2 (swimwear, underwear or more) "
    "/ analysed images whose exposure check succeeded",
    "women_among_exposed": "of those, images where some face presents as a woman (alone or with men) "
    "/ exposed images with at least one face of confident presentation",
    "apparent_minor_among_exposed": "of those, images with a face whose apparent-age estimate is under 18 "
    "/ exposed images with at least one face of known age",
    "possible_minor_among_exposed": "the same with the gateway's conservative age band (estimate minus its margin "
    "under 18): an upper bound that over-counts young adults",
    "duplicates": "images that repeat an earlier one in the corpus (byte-identical, or PDQ distance <= 31 "
    "with quality >= 50) / analysed images",
    "illustration": "images the heuristic calls illustrations / images it called photo or illustration",
}


@dataclass(frozen=True, slots=True)
class ReportOptions:
    breakdown_fields: tuple[str, ...] | None = None
    """Metadata fields to break down by; None picks every field with 2..``auto_max_distinct`` values."""
    date_field: str | None = None
    """The field holding the post's date; None tries ``DATE_FIELDS`` in order."""
    auto_max_distinct: int = 30
    max_groups: int = 30
    examples: int = 24
    sample_size: int = 200
    seed: int = 0


@dataclass(frozen=True, slots=True)
class Group:
    value: str
    n: int
    metrics: Mapping[str, Proportion]

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "n": self.n, "metrics": {k: v.to_dict() for k, v in self.metrics.items()}}


@dataclass(frozen=True, slots=True)
class Breakdown:
    field: str
    groups: tuple[Group, ...]
    folded: int = 0
    """Distinct values folded into the ``(other)`` group."""
    is_date: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "is_date": self.is_date,
            "folded_values": self.folded,
            "groups": [g.to_dict() for g in self.groups],
        }


@dataclass(frozen=True, slots=True)
class Example:
    """A contact-sheet entry: which image and what the machine said about it."""

    path: str
    exposure: int | None
    presentation: str
    age_bands: tuple[str, ...]
    apparent_minor: bool
    possible_minor: bool
    style: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "exposure": self.exposure,
            "presentation": self.presentation,
            "age_bands": list(self.age_bands),
            "apparent_minor": self.apparent_minor,
            "possible_minor": self.possible_minor,
            "style": self.style,
        }


@dataclass(frozen=True, slots=True)
class SampleRow:
    """One image drawn for human verification; ``weight`` = stratum size / images drawn from it."""

    path: str
    sha256: str | None
    stratum: str
    weight: float

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "sha256": self.sha256, "stratum": self.stratum, "weight": round(self.weight, 4)}


@dataclass(frozen=True, slots=True)
class HumanLabel:
    """One row of a human-labels file: the image (path or SHA-256) and the fields the reviewer filled."""

    path: str | None
    sha256: str | None
    fields: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class AuditReport:
    generated: str
    totals: Mapping[str, int]
    metrics: Mapping[str, Proportion]
    distributions: Mapping[str, Mapping[str, int]]
    breakdowns: tuple[Breakdown, ...]
    duplicates: Duplicates
    examples: tuple[Example, ...]
    sample: tuple[SampleRow, ...]
    agreement: tuple[FieldAgreement, ...] | None
    runs: tuple[Mapping[str, Any], ...]
    errors: Mapping[str, int]
    options: ReportOptions
    models: tuple[Mapping[str, Any], ...] = ()
    """Distinct models the workers loaded (name, package, version, file digest)."""
    workers: int = 0
    definitions: Mapping[str, str] = field(default_factory=lambda: dict(DEFINITIONS))

    def to_dict(self) -> dict[str, Any]:
        dup = self.duplicates
        return {
            "generated": self.generated,
            "totals": dict(self.totals),
            "metrics": {k: v.to_dict() for k, v in self.metrics.items()},
            "definitions": dict(self.definitions),
            "distributions": {k: dict(v) for k, v in self.distributions.items()},
            "breakdowns": [b.to_dict() for b in self.breakdowns],
            "duplicates": {
                "considered": dup.considered,
                "hashable": dup.hashable,
                "redundant": dup.redundant,
                "in_groups": dup.in_groups,
                "groups": len(dup.groups),
                "index_comparisons": dup.comparisons,
                "largest_groups": [g.to_dict() for g in dup.groups[:50]],
            },
            "examples": [e.to_dict() for e in self.examples],
            "sample": [s.to_dict() for s in self.sample],
            "agreement": None if self.agreement is None else [a.to_dict() for a in self.agreement],
            "errors": dict(self.errors),
            "runs": [dict(r) for r in self.runs],
            "models": [dict(m) for m in self.models],
            "workers": self.workers,
            "options": {
                "breakdown_fields": None
                if self.options.breakdown_fields is None
                else list(self.options.breakdown_fields),
                "date_field": self.options.date_field,
                "examples": self.options.examples,
                "sample_size": self.options.sample_size,
                "seed": self.options.seed,
            },
        }


def metrics(records: Sequence[ImageRecord], redundant: frozenset[str] | set[str]) -> dict[str, Proportion]:
    """Every metric of ``HEADLINE`` and ``OTHER_METRICS`` over ``records`` (errors are left out)."""
    analysed = [r for r in records if r.ok]
    known = [r for r in analysed if r.exposure is not None]
    exposed = [r for r in known if r.exposed]
    presented = [r for r in exposed if r.presentation != "unknown"]
    aged = [r for r in exposed if r.ages_known]
    styled = [r for r in analysed if r.style in ("photo", "illustration")]
    return {
        "people_exposed": Proportion(len(exposed), len(known)),
        "women_among_exposed": Proportion(
            sum(r.presentation in ("female", "mixed") for r in presented), len(presented)
        ),
        "apparent_minor_among_exposed": Proportion(sum(r.apparent_minor for r in aged), len(aged)),
        "possible_minor_among_exposed": Proportion(sum(r.possible_minor for r in aged), len(aged)),
        "duplicates": Proportion(sum(r.path in redundant for r in analysed), len(analysed)),
        "people": Proportion(sum(r.has_people for r in analysed), len(analysed)),
        "illustration": Proportion(sum(r.style == "illustration" for r in styled), len(styled)),
    }


def day_of(value: str) -> str | None:
    """The calendar day (``YYYY-MM-DD``, UTC when a zone is given) of an ISO date or an epoch, else None."""
    text = value.strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        number = None
    if number is not None:
        if number > 1e11:  # milliseconds
            number /= 1000.0
        if 0 < number < 1e10:
            return datetime.fromtimestamp(number, UTC).strftime("%Y-%m-%d")
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" UTC", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC)
    return parsed.strftime("%Y-%m-%d")


def _pick_date_field(records: Sequence[ImageRecord], wanted: str | None) -> str | None:
    if wanted is not None:
        return wanted
    keys = {k for r in records for k in r.meta}
    for name in DATE_FIELDS:
        if name in keys and any(day_of(r.meta.get(name, "")) for r in records):
            return name
    return None


def _auto_fields(records: Sequence[ImageRecord], date_field: str | None, max_distinct: int) -> tuple[str, ...]:
    values: dict[str, set[str]] = {}
    for r in records:
        for k, v in r.meta.items():
            if v:
                values.setdefault(k, set()).add(v)
    return tuple(sorted(k for k, v in values.items() if k != date_field and 2 <= len(v) <= max_distinct))


def _groups(
    records: Sequence[ImageRecord],
    key: Callable[[ImageRecord], str],
    redundant: frozenset[str],
    *,
    max_groups: int,
    chronological: bool,
) -> tuple[tuple[Group, ...], int]:
    buckets: dict[str, list[ImageRecord]] = {}
    for r in records:
        buckets.setdefault(key(r), []).append(r)
    if chronological:
        order = sorted(buckets, key=lambda v: (v == UNKNOWN, v))
        folded_values: list[str] = []
    else:
        order = sorted(buckets, key=lambda v: (v == UNKNOWN, -len(buckets[v]), v))
        order, folded_values = order[:max_groups], order[max_groups:]
    groups = [Group(v, len(buckets[v]), metrics(buckets[v], redundant)) for v in order]
    if folded_values:
        rest = [r for v in folded_values for r in buckets[v]]
        groups.append(Group(OTHER, len(rest), metrics(rest, redundant)))
    return tuple(groups), len(folded_values)


def _examples(records: Sequence[ImageRecord], count: int, seed: int) -> tuple[Example, ...]:
    exposed = sorted((r for r in records if r.exposed), key=lambda r: r.path)
    rng = random.Random(seed)
    rng.shuffle(exposed)
    exposed.sort(key=lambda r: -(r.exposure or 0))  # stable: shuffled within each level
    return tuple(
        Example(
            path=r.path,
            exposure=r.exposure,
            presentation=r.presentation,
            age_bands=tuple(f.band for f in r.faces),
            apparent_minor=r.apparent_minor,
            possible_minor=r.possible_minor,
            style=r.style,
        )
        for r in exposed[:count]
    )


def draw_sample(records: Sequence[ImageRecord], size: int, seed: int) -> tuple[SampleRow, ...]:
    """A seeded sample stratified by the machine's verdict: half exposed images, half the others.

    Oversampling the exposed stratum lets a reviewer check the headline numbers (precision) and the
    misses (recall) with the same effort; ``weight`` re-weights a stratum back to the corpus.
    """
    analysed = sorted((r for r in records if r.ok), key=lambda r: r.path)
    strata = {
        "exposed": [r for r in analysed if r.exposed],
        "other": [r for r in analysed if not r.exposed],
    }
    want = {"exposed": min(len(strata["exposed"]), size // 2)}
    want["other"] = min(len(strata["other"]), size - want["exposed"])
    want["exposed"] = min(len(strata["exposed"]), size - want["other"])
    rng = random.Random(seed)
    rows: list[SampleRow] = []
    for name in ("exposed", "other"):
        members, k = strata[name], want[name]
        if k <= 0:
            continue
        for r in rng.sample(members, k):
            rows.append(SampleRow(r.path, r.sha256, name, len(members) / k))
    return tuple(rows)


_TRUE: Final = frozenset({"1", "y", "yes", "true", "t", "x"})
_FALSE: Final = frozenset({"0", "n", "no", "false", "f"})


def _bool(value: str | None) -> str | None:
    if value is None:
        return None
    text = value.strip().lower()
    if text in _TRUE:
        return "yes"
    if text in _FALSE:
        return "no"
    return None


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _level(value: str | None) -> int | None:
    try:
        level = int(float((value or "").strip()))
    except ValueError:
        return None
    return level if 0 <= level <= 5 else None


def _human_exposed(fields: Mapping[str, str]) -> str | None:
    direct = _bool(fields.get("exposed"))
    if direct is not None:
        return direct
    level = _level(fields.get("exposure_level"))
    if level is None:
        return None
    people = _bool(fields.get("people"))
    return _yes(level >= EXPOSED_LEVEL and people != "no")


def _human_presentation(fields: Mapping[str, str]) -> str | None:
    text = (fields.get("presentation") or "").strip().lower()
    aliases = {"woman": "female", "women": "female", "f": "female", "man": "male", "men": "male", "m": "male"}
    text = aliases.get(text, text)
    return text if text in ("female", "male", "mixed", "unknown") else None


def agreement(records: Iterable[ImageRecord], labels: Sequence[HumanLabel]) -> tuple[FieldAgreement, ...]:
    """Field-by-field agreement between the machine and the human labels (joined on path, then SHA-256)."""
    by_path = {r.path: r for r in records if r.ok}
    by_sha = {r.sha256: r for r in by_path.values() if r.sha256}
    pairs: dict[str, list[tuple[str, str]]] = {}

    def add(name: str, machine: str, human: str | None) -> None:
        if human is not None:
            pairs.setdefault(name, []).append((machine, human))

    for label in labels:
        record = by_path.get(label.path or "") or by_sha.get(label.sha256 or "")
        if record is None:
            continue
        f = label.fields
        add("people", _yes(record.has_people), _bool(f.get("people")))
        if record.exposed is not None:
            add("exposed", _yes(record.exposed), _human_exposed(f))
        level = _level(f.get("exposure_level"))
        if record.exposure is not None and level is not None:
            add("exposure_level", str(record.exposure), str(level))
        presentation = _human_presentation(f)
        add("presentation", record.presentation, presentation)
        woman = _bool(f.get("woman"))
        if woman is None and presentation is not None:
            woman = _yes(presentation in ("female", "mixed"))
        add("woman", _yes(record.presentation in ("female", "mixed")), woman)
        minor = _bool(f.get("minor"))
        add("minor", _yes(record.apparent_minor), minor)
        add("minor_possible_band", _yes(record.possible_minor), minor)
        style = (f.get("style") or "").strip().lower()
        add("style", record.style, style if style in ("photo", "illustration") else None)
    notes = {
        "exposed": "people at exposure level >= 2",
        "exposure_level": "exact level 0-5 (unweighted kappa)",
        "minor": "machine: apparent-age estimate under 18",
        "minor_possible_band": "machine: conservative band (the gateway's flag); expected to over-flag",
        "style": "machine 'uncertain' counts as a disagreement",
    }
    order = ("people", "exposed", "exposure_level", "presentation", "woman", "minor", "minor_possible_band", "style")
    return tuple(field_agreement(name, pairs[name], notes.get(name, "")) for name in order if name in pairs)


def build_report(
    results: ResultSet,
    options: ReportOptions | None = None,
    *,
    labels: Sequence[HumanLabel] | None = None,
    generated: str = "",
) -> AuditReport:
    """Everything the HTML, JSON and CSV outputs show (pure; ``generated`` is the caller's timestamp)."""
    opts = options or ReportOptions()
    records = results.records
    analysed = results.analysed
    duplicates = find_duplicates(analysed)
    redundant = duplicates.redundant_paths
    date_field = _pick_date_field(records, opts.date_field)
    breakdowns: list[Breakdown] = []
    if date_field is not None:
        groups, _ = _groups(
            analysed,
            lambda r: day_of(r.meta.get(date_field, "")) or UNKNOWN,
            redundant,
            max_groups=opts.max_groups,
            chronological=True,
        )
        breakdowns.append(Breakdown(f"{date_field} (day)", groups, 0, is_date=True))
    fields = (
        opts.breakdown_fields
        if opts.breakdown_fields is not None
        else _auto_fields(analysed, date_field, opts.auto_max_distinct)
    )
    for name in fields:
        groups, folded = _groups(
            analysed,
            _by_meta(name),
            redundant,
            max_groups=opts.max_groups,
            chronological=False,
        )
        breakdowns.append(Breakdown(name, groups, folded))
    exposed = [r for r in analysed if r.exposed]
    distributions: dict[str, dict[str, int]] = {
        "exposure_level": _count(str(r.exposure) if r.exposure is not None else UNKNOWN for r in analysed),
        "presentation_of_exposed": _count(r.presentation for r in exposed),
        "age_band_of_faces_in_exposed": _count(f.band for r in exposed for f in r.faces),
        "style": _count(r.style for r in analysed),
        "faces_per_image": _count(str(min(len(r.faces), 5)) + ("+" if len(r.faces) >= 5 else "") for r in analysed),
    }
    distributions["exposure_level"] = dict(sorted(distributions["exposure_level"].items()))
    totals = {
        "records": len(records),
        "analysed": len(analysed),
        "errors": len(results.errors),
        "degraded": sum(r.degraded for r in analysed),
        "exposure_unknown": sum(r.exposure is None for r in analysed),
        "exposed": len(exposed),
        "exposed_faces_unknown_age": sum(r.unknown_age_faces for r in exposed),
        "corrupt_lines": results.corrupt_lines,
        "superseded_records": results.superseded,
        "runs": len(results.runs),
    }
    return AuditReport(
        generated=generated,
        totals=totals,
        metrics=metrics(analysed, redundant),
        distributions=distributions,
        breakdowns=tuple(breakdowns),
        duplicates=duplicates,
        examples=_examples(analysed, opts.examples, opts.seed),
        sample=draw_sample(analysed, opts.sample_size, opts.seed),
        agreement=None if labels is None else agreement(analysed, labels),
        runs=results.runs,
        errors=_count(r.error_code or "error" for r in results.errors),
        options=opts,
        models=_models(results.workers),
        workers=len(results.workers),
    )


def _models(workers: Iterable[Mapping[str, Any]]) -> tuple[Mapping[str, Any], ...]:
    seen: dict[tuple[str, str], Mapping[str, Any]] = {}
    for worker in workers:
        for model in worker.get("models") or ():
            if isinstance(model, Mapping):
                seen.setdefault((str(model.get("name")), str(model.get("sha256"))), model)
    return tuple(seen[k] for k in sorted(seen))


def _by_meta(name: str) -> Callable[[ImageRecord], str]:
    return lambda r: r.meta.get(name) or UNKNOWN


def _count(values: Iterable[str]) -> dict[str, int]:
    return dict(Counter(values).most_common())
