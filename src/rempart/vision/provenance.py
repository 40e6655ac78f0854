"""Provenance present: C2PA content credentials and other declarations of AI generation.

Sources, strongest first: an embedded C2PA manifest store (read with c2pa-python, remote-manifest
and OCSP fetching switched off, so reading never touches the network), whose actions may carry an
IPTC ``digitalSourceType``; an XMP packet declaring ``Iptc4xmpExt:DigitalSourceType``
``trainedAlgorithmicMedia`` / ``compositeWithTrainedAlgorithmicMedia`` or the IPTC 2025 AI fields;
PNG text chunks written by generators (A1111/Forge ``parameters``, ComfyUI ``prompt``/``workflow``,
InvokeAI, NovelAI ``Comment``); EXIF ``Software``/``UserComment`` naming a generator or holding
generation parameters. A raw byte scan catches the IPTC token and a C2PA JUMBF box in containers
whose metadata Pillow does not surface (HEIF, some WebP). Absence of a marker proves nothing:
metadata is stripped by most re-encoding, and this check is never a reason to allow.

Labels: ``c2pa_manifest`` (score 1.0; evidence: validation state, claim generator),
``ai_generated_marker`` (score 1.0; evidence: where and what), ``provenance_marker`` (other
metadata of interest, not an AI declaration).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Mapping
from typing import Any, Final

from rempart.errors import ModelError, ModelUnavailableError
from rempart.media.image import LoadedImage
from rempart.signals import DetectorResult, Evidence, Finding, ModelInfo, run_detector
from rempart.vision.backends import ManifestBackend
from rempart.vision.values import ProvenanceMarker, ProvenanceSignal
from rempart.vision.weights import C2PA, model_info

MIME_TYPES: Final[Mapping[str, str]] = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
    "HEIF": "image/heic",
    "AVIF": "image/avif",
}

AI_SOURCE_TYPES: Final = ("trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia")
"""IPTC digital source types that declare generative AI (the second contains the first's name)."""

OTHER_SOURCE_TYPES: Final = ("algorithmicMedia", "compositeSynthetic", "algorithmicallyEnhanced")

GENERATOR_NAMES: Final = re.compile(
    r"midjourney|dall[-·\s]?e|stable[\s_-]?diffusion|sdxl|automatic1111|comfyui|invokeai|novelai|fooocus|"
    r"adobe firefly|\bfirefly\b|imagen\b|dreamstudio|leonardo\.ai|ideogram|nightcafe|craiyon|"
    r"\bflux\.1\b|black forest labs|openai|gpt-image",
    re.IGNORECASE,
)

GENERATOR_TEXT_KEYS: Final[Mapping[str, str]] = {
    "parameters": "A1111/Forge generation parameters",
    "prompt": "ComfyUI prompt graph",
    "workflow": "ComfyUI workflow",
    "invokeai_metadata": "InvokeAI metadata",
    "invokeai_graph": "InvokeAI graph",
    "sd-metadata": "InvokeAI (legacy) metadata",
    "dream": "InvokeAI (legacy) dream",
    "generation_data": "generation metadata",
}

_PARAMS = re.compile(r"\b(steps|sampler|cfg scale|seed|negative prompt)\s*:", re.IGNORECASE)
_AI_XMP_FIELDS = re.compile(r"Iptc4xmpExt:(AISystemUsed|AISystemVersionUsed|AIPromptInformation|AIPromptWriterName)")
_XMP_VALUE = re.compile(r"<xmp:CreatorTool>([^<]{1,200})</xmp:CreatorTool>|xmp:CreatorTool=\"([^\"]{1,200})\"")


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def scan_metadata(image: LoadedImage) -> tuple[ProvenanceMarker, ...]:
    """Markers from text chunks, XMP, EXIF and a raw byte scan. Pure: no IO, no models."""
    markers: list[ProvenanceMarker] = []
    meta = image.metadata
    for key, value in meta.text_chunks.items():
        lowered = key.lower()
        if lowered in GENERATOR_TEXT_KEYS:
            structured = bool(_PARAMS.search(value)) or '"class_type"' in value or '"nodes"' in value
            markers.append(
                ProvenanceMarker(
                    "png_text",
                    key,
                    _short(value),
                    ai_generated=structured or lowered not in ("prompt", "parameters"),
                )
            )
        elif (lowered == "comment" and '"sampler"' in value and '"steps"' in value) or (
            lowered in ("software", "source") and GENERATOR_NAMES.search(value)
        ):
            markers.append(ProvenanceMarker("png_text", key, _short(value), ai_generated=True))
    for key, value in meta.exif.items():
        if (key == "UserComment" and _PARAMS.search(value)) or (
            key in ("Software", "Make", "Model", "ImageDescription", "Artist") and GENERATOR_NAMES.search(value)
        ):
            markers.append(ProvenanceMarker("exif", key, _short(value), ai_generated=True))
    xmp = meta.xmp or _raw_xmp(image.data)
    if xmp:
        markers.extend(_xmp_markers(xmp))
    elif any(token.encode() in image.data for token in AI_SOURCE_TYPES):
        token = next(t for t in AI_SOURCE_TYPES if t.encode() in image.data)
        markers.append(ProvenanceMarker("iptc", "DigitalSourceType", token, ai_generated=True))
    return tuple(markers)


def _raw_xmp(data: bytes) -> str | None:
    start = data.find(b"<x:xmpmeta")
    if start < 0:
        return None
    end = data.find(b"</x:xmpmeta>", start)
    if end < 0 or end - start > 4 * 1024 * 1024:
        return None
    return data[start : end + 12].decode("utf-8", errors="replace")


def _xmp_markers(xmp: str) -> list[ProvenanceMarker]:
    markers: list[ProvenanceMarker] = []
    for token in AI_SOURCE_TYPES[::-1]:
        if token in xmp:
            markers.append(ProvenanceMarker("xmp", "Iptc4xmpExt:DigitalSourceType", token, ai_generated=True))
            break
    else:
        for token in OTHER_SOURCE_TYPES:
            if token in xmp:
                markers.append(ProvenanceMarker("xmp", "Iptc4xmpExt:DigitalSourceType", token, ai_generated=False))
                break
    for match in _AI_XMP_FIELDS.finditer(xmp):
        markers.append(ProvenanceMarker("xmp", match.group(0), "present", ai_generated=True))
        break
    tool = _XMP_VALUE.search(xmp)
    if tool is not None:
        value = tool.group(1) or tool.group(2) or ""
        if GENERATOR_NAMES.search(value):
            markers.append(ProvenanceMarker("xmp", "xmp:CreatorTool", _short(value), ai_generated=True))
    return markers


def summarise_manifest(store: Mapping[str, Any]) -> tuple[str | None, tuple[ProvenanceMarker, ...]]:
    """Validation state and markers (claim generator, digital source types) of a C2PA manifest store."""
    state = store.get("validation_state")
    manifests = store.get("manifests")
    active_id = store.get("active_manifest")
    markers: list[ProvenanceMarker] = []
    if not isinstance(manifests, Mapping) or not manifests:
        return (str(state) if state else None), ()
    active = manifests.get(active_id) if isinstance(active_id, str) else None
    for manifest_id, manifest in manifests.items():
        if not isinstance(manifest, Mapping):
            continue
        is_active = manifest is active
        generator = _claim_generator(manifest)
        if is_active and generator:
            markers.append(
                ProvenanceMarker(
                    "c2pa",
                    "claim_generator",
                    _short(generator),
                    ai_generated=bool(GENERATOR_NAMES.search(generator)),
                )
            )
        for source_type in _source_types(manifest):
            ai = any(source_type.endswith(t) for t in AI_SOURCE_TYPES)
            key = "digitalSourceType" if is_active else f"ingredient {manifest_id}: digitalSourceType"
            markers.append(ProvenanceMarker("c2pa", key, source_type.rsplit("/", 1)[-1], ai_generated=ai))
    return (str(state) if state else None), tuple(markers)


def _claim_generator(manifest: Mapping[str, Any]) -> str | None:
    info = manifest.get("claim_generator_info")
    if isinstance(info, list) and info and isinstance(info[0], Mapping):
        name = info[0].get("name")
        version = info[0].get("version")
        if name:
            return f"{name} {version}" if version else str(name)
    generator = manifest.get("claim_generator")
    return str(generator) if generator else None


def _source_types(manifest: Mapping[str, Any]) -> list[str]:
    found: list[str] = []
    assertions = manifest.get("assertions")
    if not isinstance(assertions, list):
        return found
    for assertion in assertions:
        if not isinstance(assertion, Mapping) or not str(assertion.get("label", "")).startswith("c2pa.actions"):
            continue
        data = assertion.get("data")
        actions = data.get("actions") if isinstance(data, Mapping) else None
        for action in actions if isinstance(actions, list) else []:
            if isinstance(action, Mapping) and isinstance(action.get("digitalSourceType"), str):
                found.append(action["digitalSourceType"])
    return found


class C2paManifestBackend:
    """c2pa-python's Reader with network fetching disabled."""

    def __init__(self) -> None:
        self._c2pa: Any = None
        self._context: Any = None

    def load(self) -> None:
        if self._context is not None:
            return
        try:
            import c2pa  # type: ignore[import-untyped,unused-ignore]
        except ImportError:
            raise ModelUnavailableError("c2pa-python is not installed") from None
        try:
            settings = c2pa.Settings.from_dict({"verify": {"remote_manifest_fetch": False, "ocsp_fetch": False}})
            self._context = c2pa.Context(settings)
        except Exception as exc:
            raise ModelError(f"cannot configure the C2PA reader: {exc}") from None
        self._c2pa = c2pa

    @property
    def loaded(self) -> bool:
        return self._context is not None

    def model_info(self) -> tuple[ModelInfo, ...]:
        return (model_info(C2PA),)

    def read(self, data: bytes, mime_type: str) -> Mapping[str, Any] | None:
        if self._context is None:
            raise ModelError("C2paManifestBackend used before load()")
        reader = self._c2pa.Reader.try_create(mime_type, io.BytesIO(data), None, self._context)
        if reader is None:
            return None
        with reader:
            store = json.loads(reader.json())
        if not isinstance(store, Mapping):
            raise ValueError("C2PA reader returned a non-object manifest store")
        return store


def _has_jumbf_c2pa(data: bytes) -> bool:
    at = data.find(b"jumb")
    return at >= 0 and data.find(b"c2pa", at, at + 4096) >= 0


class ProvenanceDetector:
    """``vision.provenance``: C2PA manifest present (and its validation), AI-generation markers."""

    name = "vision.provenance"
    version = "1.0"

    def __init__(self, backend: ManifestBackend) -> None:
        self.backend = backend
        self._models: tuple[ModelInfo, ...] = ()

    def load(self) -> None:
        self.backend.load()
        self._models = self.backend.model_info()

    def detect(self, image: LoadedImage) -> DetectorResult:
        def run() -> tuple[tuple[Finding, ...], Mapping[str, Any]]:
            markers = list(scan_metadata(image))
            validation: str | None = None
            present = False
            try:
                store = self.backend.read(image.data, MIME_TYPES.get(image.format, "application/octet-stream"))
            except ModelError:
                raise
            except Exception as exc:
                if not _has_jumbf_c2pa(image.data):
                    raise
                store, present, validation = (
                    None,
                    True,
                    f"unreadable: {type(exc).__name__}: {_short(str(exc))}",
                )
            if store is not None:
                present = True
                validation, c2pa_markers = summarise_manifest(store)
                markers = list(c2pa_markers) + markers
            signal = ProvenanceSignal(
                c2pa_present=present,
                c2pa_validation=validation,
                ai_generated_marker=any(m.ai_generated for m in markers),
                markers=tuple(markers),
            )
            findings: list[Finding] = []
            if present:
                findings.append(Finding("c2pa_manifest", 1.0, (Evidence("c2pa", validation or "unknown"),)))
            for m in markers:
                label = "ai_generated_marker" if m.ai_generated else "provenance_marker"
                findings.append(Finding(label, 1.0, (Evidence(m.kind, m.value, detail={"key": m.key}),)))
            return tuple(findings), {"provenance": signal}

        return run_detector(self.name, self.version, run, models=self._models)
