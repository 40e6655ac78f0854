"""``ImageAnalyzer``: loads the vision models once and turns a ``LoadedImage`` into ``ImageSignals``.

The pipeline, in order (each step a detector with its own ``DetectorResult``):

    vision.regions (NudeNet) ─┬─> vision.faces (HOG + NudeNet faces, landmarks) ─┬─> vision.age
    vision.nsfw (open_nsfw) ──┤                                                  ├─> vision.identity
                              └──────────────> vision.exposure (pure grading) <──┘
    vision.hashes (PDQ, pHash)      vision.provenance (C2PA, XMP, text chunks)

With ``AnalyzerConfig.overlap`` (the default) the ONNX Runtime detectors and the hashes run on one
worker thread while dlib scans for faces on the calling thread. A detector that fails yields an
``error`` result and its dependants an ``error`` result naming it; nothing raises past ``analyze``
except a programming error (analyzing before ``load()``). Faces whose age is unknown are flagged as
possible minors (fail closed); ``ImageSignals.degraded`` and ``failed`` tell the policy which checks
are missing. ``compare`` answers "same person?" between two analyses. Constructing an analyzer loads
nothing; ``VisionBackends.real()`` only builds the backends.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

from rempart.errors import ModelError
from rempart.media.image import LoadedImage
from rempart.media.loading import DEFAULT_LIMITS, ImageLimits, load_image
from rempart.signals import DetectorResult, ModelInfo, Status
from rempart.vision.age import AgeAssessment, AgeDetector, AgeRule
from rempart.vision.backends import (
    AgeGenderBackend,
    EmbeddingBackend,
    FaceBackend,
    ManifestBackend,
    NsfwBackend,
    RegionBackend,
)
from rempart.vision.exposure import ExposureGrader, NsfwDetector, RegionDetector
from rempart.vision.faces import FaceDetector
from rempart.vision.hashing import HashDetector
from rempart.vision.identity import DEFAULT_THRESHOLD, IdentityDetector, match_embeddings
from rempart.vision.provenance import ProvenanceDetector
from rempart.vision.values import (
    ExposureSignal,
    FaceGeometry,
    FaceSignal,
    HashSignal,
    IdentityMatch,
    ImageSignals,
    Presentation,
    ProvenanceSignal,
    RawFace,
    Region,
    payload,
)


@dataclass(frozen=True, slots=True)
class AnalyzerConfig:
    """Tunables of the analysis; the defaults are the measured ones (benchmarks/results/vision-*)."""

    detect_side: int = 800
    """Longest side of the copy the HOG face detector scans."""
    min_region_face_score: float = 0.35
    """NudeNet FACE_* score from which a face HOG missed is added."""
    max_identity_faces: int = 4
    hash_side: int = 512
    identity_threshold: float = DEFAULT_THRESHOLD
    age_rule: AgeRule = field(default_factory=AgeRule)
    onnx_threads: int = 2
    identity_min_level: int = 2
    """With ``analyze(identity=None)``, faces are embedded only from this exposure level up (2: swimwear)."""
    embedding: Literal["numpy", "dlib"] = "numpy"
    """``numpy`` runs dlib's ResNet weights with numpy (~16 ms per face); ``dlib`` calls dlib (~70 ms)."""
    overlap: bool = True
    """Run NudeNet, open_nsfw and the hashes on one worker thread while dlib's HOG scan (which holds the
    GIL) runs on the calling thread, then age (worker) beside the embeddings (caller). ONNX Runtime,
    OpenCV and numpy's BLAS release the GIL, so on an idle second core this hides most of their cost."""


@dataclass(frozen=True, slots=True)
class VisionBackends:
    """The six model backends. ``real()`` builds the production ones (cheap: nothing is loaded)."""

    faces: FaceBackend
    regions: RegionBackend
    nsfw: NsfwBackend
    age: AgeGenderBackend
    embeddings: EmbeddingBackend
    manifests: ManifestBackend

    @classmethod
    def real(cls, config: AnalyzerConfig | None = None) -> VisionBackends:
        from rempart.vision.dlib_backends import DlibEmbeddingBackend, DlibFaceBackend
        from rempart.vision.dlib_resnet import NumpyResnetEmbeddingBackend
        from rempart.vision.onnx_backends import CydralAgeGenderBackend, NudeNetRegionBackend, OpenNsfwBackend
        from rempart.vision.provenance import C2paManifestBackend

        cfg = config or AnalyzerConfig()
        return cls(
            faces=DlibFaceBackend(detect_side=cfg.detect_side),
            regions=NudeNetRegionBackend(threads=cfg.onnx_threads),
            nsfw=OpenNsfwBackend(threads=cfg.onnx_threads),
            age=CydralAgeGenderBackend(),
            embeddings=NumpyResnetEmbeddingBackend() if cfg.embedding == "numpy" else DlibEmbeddingBackend(),
            manifests=C2paManifestBackend(),
        )


class _Runner:
    """Submits work to the worker thread, or runs it at once when there is none."""

    def __init__(self, pool: ThreadPoolExecutor | None) -> None:
        self.pool = pool

    def later(self, fn: Callable[..., DetectorResult], *args: Any) -> Callable[[], DetectorResult]:
        if self.pool is None:
            result = fn(*args)
            return lambda: result
        future: Future[DetectorResult] = self.pool.submit(fn, *args)
        return future.result


def _upstream_error(name: str, version: str, upstream: DetectorResult) -> DetectorResult:
    return DetectorResult(
        detector=name,
        version=version,
        status=Status.ERROR,
        error=f"not run: {upstream.detector} failed ({upstream.error})",
    )


class ImageAnalyzer:
    """Runs every vision detector on an image. Call ``load()`` once; then ``analyze`` is re-entrant."""

    def __init__(self, backends: VisionBackends | None = None, config: AnalyzerConfig | None = None) -> None:
        self.config = config or AnalyzerConfig()
        self._backends = backends
        self._loaded = False
        self.regions: RegionDetector | None = None
        self.nsfw: NsfwDetector | None = None
        self.faces: FaceDetector | None = None
        self.age: AgeDetector | None = None
        self.identity: IdentityDetector | None = None
        self.exposure = ExposureGrader()
        self.hashes = HashDetector(hash_side=self.config.hash_side)
        self.provenance: ProvenanceDetector | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._pool_pid = 0

    def load(self) -> None:
        """Load every model (idempotent). Raises ``ModelUnavailableError`` / ``ModelError``."""
        if self._loaded:
            return
        backends = self._backends or VisionBackends.real(self.config)
        cfg = self.config
        self.regions = RegionDetector(backends.regions)
        self.nsfw = NsfwDetector(backends.nsfw)
        self.faces = FaceDetector(backends.faces, min_region_score=cfg.min_region_face_score)
        self.age = AgeDetector(backends.age, cfg.age_rule)
        self.identity = IdentityDetector(backends.embeddings, max_faces=cfg.max_identity_faces)
        self.provenance = ProvenanceDetector(backends.manifests)
        for detector in (
            self.regions,
            self.nsfw,
            self.faces,
            self.age,
            self.identity,
            self.hashes,
            self.provenance,
        ):
            detector.load()
        self._backends = backends
        self._loaded = True

    def _worker(self) -> ThreadPoolExecutor | None:
        """The overlap thread, started on first use and again after a fork (a child has no threads)."""
        if not self.config.overlap:
            return None
        if self._pool is None or self._pool_pid != os.getpid():
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rempart-vision")
            self._pool_pid = os.getpid()
        return self._pool

    def close(self) -> None:
        """Stop the worker thread (the models stay loaded; the next ``analyze`` starts a new one)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    @property
    def loaded(self) -> bool:
        return self._loaded

    def model_info(self) -> tuple[ModelInfo, ...]:
        if self._backends is None:
            return ()
        seen: dict[str, ModelInfo] = {}
        b = self._backends
        for backend in (b.faces, b.regions, b.nsfw, b.age, b.embeddings, b.manifests):
            for info in backend.model_info():
                seen.setdefault(info.name, info)
        return tuple(seen.values())

    def analyze_source(
        self, source: bytes | str, *, identity: bool | None = True, limits: ImageLimits = DEFAULT_LIMITS
    ) -> ImageSignals:
        """Load (``InvalidImageError`` / ``ImageTooLargeError`` on bad input) and analyze."""
        return self.analyze(load_image(source, limits=limits), identity=identity)

    def analyze(self, image: LoadedImage, *, identity: bool | None = True) -> ImageSignals:
        """Every signal of ``image``.

        ``identity``: True embeds the faces (~16 ms each; a source photo needs them for the later
        comparison); False skips them; None ("auto", for output checks) embeds them only when the
        same-person test can change the decision: exposure at ``identity_min_level`` or above, or
        exposure unknown (a failed detector, so fail closed).
        """
        if not self._loaded:
            raise ModelError("ImageAnalyzer.analyze called before load()")
        assert self.regions and self.nsfw and self.faces and self.age and self.identity and self.provenance
        start = time.perf_counter()
        run = _Runner(self._worker())
        pending_regions = run.later(self.regions.detect, image)
        pending_nsfw = run.later(self.nsfw.detect, image)
        pending_hashes = run.later(self.hashes.detect, image)
        scan = self.faces.scan(image)  # dlib, on this thread, while the worker runs NudeNet
        regions_r = pending_regions()
        regions: tuple[Region, ...] | None = payload(regions_r, "regions")
        faces_r = self.faces.detect(image, regions or (), scanned=scan)
        raw_faces: tuple[RawFace, ...] = payload(faces_r, "faces") or ()
        geometry: tuple[FaceGeometry, ...] = payload(faces_r, "geometry") or ()
        if faces_r.ok:
            pending_age = run.later(self.age.detect, image, geometry)
            eager = self.identity.detect(image, geometry) if identity is True else None  # beside the age model
            nsfw_r = pending_nsfw()
            nsfw_score: float | None = payload(nsfw_r, "score")
            exposure_r = self.exposure.detect(image, raw_faces, regions, nsfw_score)
            identity_r = eager or self._identity_if_needed(image, geometry, identity, exposure_r)
            age_r = pending_age()
        else:
            age_r = _upstream_error(self.age.name, self.age.version, faces_r)
            identity_r = _upstream_error(self.identity.name, self.identity.version, faces_r)
            exposure_r = _upstream_error(self.exposure.name, self.exposure.version, faces_r)
            nsfw_r = pending_nsfw()
        hashes_r = pending_hashes()
        provenance_r = self.provenance.detect(image)
        faces = _face_signals(raw_faces, payload(age_r, "assessments"), payload(identity_r, "embeddings"))
        exposure: ExposureSignal | None = payload(exposure_r, "exposure")
        results = (regions_r, nsfw_r, faces_r, age_r, identity_r, exposure_r, hashes_r, provenance_r)
        hashes: HashSignal | None = payload(hashes_r, "hashes")
        provenance: ProvenanceSignal | None = payload(provenance_r, "provenance")
        return ImageSignals(
            image=image,
            faces=faces,
            persons=exposure.persons if exposure is not None else (),
            exposure=exposure,
            hashes=hashes,
            provenance=provenance,
            results=results,
            latency_ms=(time.perf_counter() - start) * 1000.0,
        )

    def _identity_if_needed(
        self, image: LoadedImage, geometry: Sequence[FaceGeometry], identity: bool | None, exposure_r: DetectorResult
    ) -> DetectorResult:
        assert self.identity is not None
        if identity is False:
            return DetectorResult(self.identity.name, self.identity.version, Status.SKIPPED, error="not requested")
        signal: ExposureSignal | None = payload(exposure_r, "exposure")
        if signal is None or signal.level >= self.config.identity_min_level:
            return self.identity.detect(image, geometry)
        return DetectorResult(
            self.identity.name,
            self.identity.version,
            Status.SKIPPED,
            error=f"not needed: exposure level {int(signal.level)} < {self.config.identity_min_level}",
        )

    def compare(self, a: ImageSignals, b: ImageSignals) -> IdentityMatch:
        return compare(a, b, threshold=self.config.identity_threshold)


def _face_signals(
    raw: Sequence[RawFace],
    assessments: Sequence[AgeAssessment] | None,
    embeddings: Sequence[tuple[float, ...] | None] | None,
) -> tuple[FaceSignal, ...]:
    faces = []
    for index, face in enumerate(raw):
        a = assessments[index] if assessments is not None and index < len(assessments) else None
        e = embeddings[index] if embeddings is not None and index < len(embeddings) else None
        faces.append(
            FaceSignal(
                index=index,
                box=face.box,
                score=face.score,
                source=face.source,
                apparent_age=a.apparent_age if a else None,
                possible_minor=a.possible_minor if a else True,
                possible_minor_challenge25=a.possible_minor_challenge25 if a else True,
                presentation=a.presentation if a else Presentation.UNKNOWN,
                p_female=a.p_female if a else None,
                embedding=e,
            )
        )
    return tuple(faces)


def _identity_gap(signals: ImageSignals, name: str) -> str | None:
    """Why ``signals`` cannot take part in a comparison, or None."""
    faces = signals.result("vision.faces")
    if faces is not None and not faces.ok:
        return f"face detection failed on image {name}"
    if not signals.faces:
        return f"no face in image {name}"
    ident = signals.result("vision.identity")
    if ident is not None and ident.status is Status.SKIPPED:
        return f"identity was not computed for image {name}"
    if ident is not None and not ident.ok:
        return f"identity embedding failed on image {name}"
    return None


def compare(a: ImageSignals, b: ImageSignals, *, threshold: float = DEFAULT_THRESHOLD) -> IdentityMatch:
    """Same person in ``a`` and ``b``? The closest pair of embedded faces decides."""
    for signals, name in ((a, "A"), (b, "B")):
        gap = _identity_gap(signals, name)
        if gap is not None:
            return IdentityMatch(False, None, threshold, reason=gap)
    return match_embeddings([f.embedding for f in a.faces], [f.embedding for f in b.faces], threshold=threshold)
