"""The audit's per-image record and the append-only JSONL results file it is stored in.

One line per event, each a JSON object with a ``type``:

    {"type": "run", "schema": 1, "started": ..., "models": [...], "config": {...}}   a scan (re)started
    {"type": "image", "schema": 1, "path": ..., "sha256": ..., "status": "ok"|"error", ...}   one image
    {"type": "worker", "worker": "host:pid", "models": [...]}   a worker's loaded models (name, version, digest)
    {"type": "meta", "path": ..., "sha256": ..., "meta": {...}}   the manifest's metadata changed on a re-run

Records are keyed by path and SHA-256 of the file's bytes; the last line for a path wins, so a file
that changed between runs is analysed again and its new record supersedes the old one. A line that is
not valid JSON (a run killed mid-write) is counted and skipped, never fatal. ``parse_results`` is a
pure function of the lines; reading and appending live in ``rempart.audit.runner``.

Definitions used by the report (and documented in it):
* *people*: at least one face or person was found;
* *exposed*: people and an image exposure level >= 2 (swimwear, underwear and above); unknown when
  the exposure check failed;
* *presentation*: ``female`` when some face presents as female and none as male, ``male`` the
  reverse, ``mixed`` both, ``unknown`` when no face has a confident presentation;
* *apparent minor*: some face's apparent-age estimate is under 18; *possible minor*: some face's
  age band (estimate minus its margin, the gateway's fail-closed flag) reaches under 18.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final, Literal

SCHEMA_VERSION: Final = 1
MINOR_AGE: Final = 18.0
EXPOSED_LEVEL: Final = 2

AGE_BANDS: Final[tuple[tuple[float, str], ...]] = (
    (13.0, "under 13"),
    (18.0, "13-17"),
    (25.0, "18-24"),
    (35.0, "25-34"),
    (50.0, "35-49"),
    (65.0, "50-64"),
    (float("inf"), "65+"),
)
"""Upper bound (exclusive) of each apparent-age band and its label."""

Presentation = Literal["female", "male", "mixed", "unknown"]
RecordStatus = Literal["ok", "error"]


def age_band(estimate: float | None) -> str:
    """The band label of an apparent age in years, ``unknown`` when there is none."""
    if estimate is None:
        return "unknown"
    for upper, label in AGE_BANDS:
        if estimate < upper:
            return label
    return AGE_BANDS[-1][1]  # pragma: no cover - the last bound is infinite


@dataclass(frozen=True, slots=True)
class AuditItem:
    """One image to audit: its path and the manifest's metadata for it (values are strings)."""

    path: str
    meta: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FaceRecord:
    """One face: box ``[x, y, w, h]``, apparent age (years) with its band, presentation."""

    box: tuple[int, int, int, int]
    score: float
    age: float | None
    age_low: float | None
    age_high: float | None
    presentation: str
    """``female``, ``male`` or ``unknown`` (the vision stack's vocabulary)."""
    p_female: float | None = None

    @property
    def age_known(self) -> bool:
        return self.age is not None

    @property
    def band(self) -> str:
        return age_band(self.age)

    @property
    def apparent_minor(self) -> bool:
        return self.age is not None and self.age < MINOR_AGE

    @property
    def possible_minor(self) -> bool:
        """The age band reaches under 18 (False when the age is unknown: counted apart in the report)."""
        return self.age_low is not None and self.age_low < MINOR_AGE

    def to_dict(self) -> dict[str, Any]:
        return {
            "box": list(self.box),
            "score": round(self.score, 4),
            "age": _round(self.age, 1),
            "age_low": _round(self.age_low, 1),
            "age_high": _round(self.age_high, 1),
            "band": self.band,
            "presentation": self.presentation,
            "p_female": _round(self.p_female, 4),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FaceRecord:
        box = data.get("box") or (0, 0, 0, 0)
        return cls(
            box=(int(box[0]), int(box[1]), int(box[2]), int(box[3])),
            score=float(data.get("score") or 0.0),
            age=_float(data.get("age")),
            age_low=_float(data.get("age_low")),
            age_high=_float(data.get("age_high")),
            presentation=str(data.get("presentation") or "unknown"),
            p_female=_float(data.get("p_female")),
        )


@dataclass(frozen=True, slots=True)
class ImageRecord:
    """What the audit learnt about one image, or why it could not (``status == "error"``)."""

    path: str
    sha256: str | None
    status: RecordStatus
    meta: Mapping[str, str] = field(default_factory=dict)
    error_code: str | None = None
    error_message: str | None = None
    width: int | None = None
    height: int | None = None
    format: str | None = None
    faces: tuple[FaceRecord, ...] = ()
    persons: int = 0
    exposure: int | None = None
    """Whole-image exposure level 0-5; None when the exposure check failed."""
    nsfw: float | None = None
    pdq: str | None = None
    pdq_quality: int | None = None
    phash: str | None = None
    style: str = "unknown"
    """``photo``, ``illustration``, ``uncertain`` (the heuristic could not tell) or ``unknown`` (not run)."""
    p_illustration: float | None = None
    degraded: bool = False
    failed: tuple[str, ...] = ()
    latency_ms: float = 0.0
    worker: str = ""

    @property
    def key(self) -> tuple[str, str | None]:
        return (self.path, self.sha256)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def has_people(self) -> bool:
        return self.persons > 0 or bool(self.faces)

    @property
    def exposed(self) -> bool | None:
        """People at exposure level >= 2; None when the exposure is unknown."""
        if not self.ok or self.exposure is None:
            return None
        return self.has_people and self.exposure >= EXPOSED_LEVEL

    @property
    def presentation(self) -> Presentation:
        kinds = {f.presentation for f in self.faces}
        female, male = "female" in kinds, "male" in kinds
        if female and male:
            return "mixed"
        if female:
            return "female"
        if male:
            return "male"
        return "unknown"

    @property
    def ages_known(self) -> bool:
        """At least one face has an apparent age (the denominator of the minor shares)."""
        return any(f.age_known for f in self.faces)

    @property
    def apparent_minor(self) -> bool:
        return any(f.apparent_minor for f in self.faces)

    @property
    def possible_minor(self) -> bool:
        return any(f.possible_minor for f in self.faces)

    @property
    def unknown_age_faces(self) -> int:
        return sum(not f.age_known for f in self.faces)

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": "image",
            "schema": SCHEMA_VERSION,
            "path": self.path,
            "sha256": self.sha256,
            "status": self.status,
            "meta": dict(self.meta),
            "error": {"code": self.error_code, "message": self.error_message} if self.error_code else None,
            "width": self.width,
            "height": self.height,
            "format": self.format,
            "faces": [f.to_dict() for f in self.faces],
            "persons": self.persons,
            "exposure": self.exposure,
            "nsfw": _round(self.nsfw, 4),
            "pdq": self.pdq,
            "pdq_quality": self.pdq_quality,
            "phash": self.phash,
            "style": self.style,
            "p_illustration": _round(self.p_illustration, 4),
            "degraded": self.degraded,
            "failed": list(self.failed),
            "latency_ms": round(self.latency_ms, 2),
            "worker": self.worker,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ImageRecord:
        error = data.get("error") or {}
        status: RecordStatus = "ok" if data.get("status") == "ok" else "error"
        return cls(
            path=str(data["path"]),
            sha256=str(data["sha256"]) if data.get("sha256") else None,
            status=status,
            meta=_string_map(data.get("meta")),
            error_code=str(error["code"]) if error.get("code") else None,
            error_message=str(error["message"]) if error.get("message") else None,
            width=_int(data.get("width")),
            height=_int(data.get("height")),
            format=str(data["format"]) if data.get("format") else None,
            faces=tuple(FaceRecord.from_dict(f) for f in data.get("faces") or ()),
            persons=int(data.get("persons") or 0),
            exposure=_int(data.get("exposure")),
            nsfw=_float(data.get("nsfw")),
            pdq=str(data["pdq"]) if data.get("pdq") else None,
            pdq_quality=_int(data.get("pdq_quality")),
            phash=str(data["phash"]) if data.get("phash") else None,
            style=str(data.get("style") or "unknown"),
            p_illustration=_float(data.get("p_illustration")),
            degraded=bool(data.get("degraded")),
            failed=tuple(str(x) for x in data.get("failed") or ()),
            latency_ms=float(data.get("latency_ms") or 0.0),
            worker=str(data.get("worker") or ""),
        )

    def with_meta(self, meta: Mapping[str, str]) -> ImageRecord:
        return replace(self, meta=dict(meta))


@dataclass(frozen=True, slots=True)
class ResultSet:
    """The current state of a results file: the latest record per path, the run headers, bad lines."""

    records: tuple[ImageRecord, ...]
    runs: tuple[Mapping[str, Any], ...] = ()
    workers: tuple[Mapping[str, Any], ...] = ()
    """One line per worker that contributed: its name and the models (package, version, digest) it loaded."""
    corrupt_lines: int = 0
    superseded: int = 0
    """Records replaced by a later one for the same path (a changed file, a retried error)."""

    @property
    def analysed(self) -> tuple[ImageRecord, ...]:
        return tuple(r for r in self.records if r.ok)

    @property
    def errors(self) -> tuple[ImageRecord, ...]:
        return tuple(r for r in self.records if not r.ok)


def parse_results(lines: Iterable[str]) -> ResultSet:
    """Fold the lines of a results file into its current state (pure; order of first appearance kept)."""
    latest: dict[str, ImageRecord] = {}
    runs: list[Mapping[str, Any]] = []
    workers: list[Mapping[str, Any]] = []
    corrupt = superseded = 0
    for line in lines:
        text = line.strip()
        if not text:
            continue
        try:
            data = json.loads(text)
            if not isinstance(data, dict):
                raise ValueError("not an object")
            kind = data.get("type", "image")
            if kind == "run":
                runs.append(data)
            elif kind == "worker":
                workers.append(data)
            elif kind == "meta":
                path = str(data["path"])
                current = latest.get(path)
                if current is not None and current.sha256 == data.get("sha256"):
                    latest[path] = current.with_meta(_string_map(data.get("meta")))
            elif kind == "image":
                record = ImageRecord.from_dict(data)
                if record.path in latest:
                    superseded += 1
                latest[record.path] = record
            else:
                corrupt += 1
        except (ValueError, KeyError, TypeError, IndexError):
            corrupt += 1
    return ResultSet(tuple(latest.values()), tuple(runs), tuple(workers), corrupt, superseded)


def meta_line(path: str, sha256: str | None, meta: Mapping[str, str]) -> dict[str, Any]:
    return {"type": "meta", "path": path, "sha256": sha256, "meta": dict(meta)}


def _string_map(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        return {}
    return {str(k): "" if v is None else str(v) for k, v in value.items()}


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _int(value: Any) -> int | None:
    return None if value is None else int(value)
