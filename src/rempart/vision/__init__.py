"""Image signals: what a source photo or a generated output shows.

``ImageAnalyzer`` (in ``analyzer``) runs the detectors of this package on a ``LoadedImage`` from
``rempart.media`` and returns frozen ``ImageSignals``: faces (box, apparent age band, possible-minor
flags, presentation, identity embedding), persons, exposure level 0-5 per person and for the image,
perceptual hashes and provenance, with every ``DetectorResult`` behind them. ``compare`` tells whether
two analyses show the same person. Models stay behind the backend protocols of ``backends``; the
scripted fakes of ``fakes`` stand in for them in tests.
"""

from rempart.vision.age import AgeRule
from rempart.vision.analyzer import AnalyzerConfig, ImageAnalyzer, VisionBackends, compare
from rempart.vision.identity import DEFAULT_THRESHOLD
from rempart.vision.values import (
    ApparentAge,
    Box,
    ExposureSignal,
    FaceSignal,
    HashSignal,
    IdentityMatch,
    ImageSignals,
    PersonSignal,
    Presentation,
    ProvenanceMarker,
    ProvenanceSignal,
)

__all__ = [
    "DEFAULT_THRESHOLD",
    "AgeRule",
    "AnalyzerConfig",
    "ApparentAge",
    "Box",
    "ExposureSignal",
    "FaceSignal",
    "HashSignal",
    "IdentityMatch",
    "ImageAnalyzer",
    "ImageSignals",
    "PersonSignal",
    "Presentation",
    "ProvenanceMarker",
    "ProvenanceSignal",
    "VisionBackends",
    "compare",
]
