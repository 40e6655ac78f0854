"""A picklable analyzer factory on the scripted fake backends, for audit tests in worker processes.

``ScriptedAnalyzerFactory(vision)`` carries a ``ScriptedVision`` (its scripts are plain data) into a
spawned process or a Ray actor and builds an ``ImageAnalyzer`` on it there. A worker's fakes are a
copy: an unscripted call shows up as a degraded record (the detector's ``error`` result) rather than
in the parent's ``violations`` list, so audit tests assert that no record is degraded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rempart.vision.analyzer import AnalyzerConfig, ImageAnalyzer
from rempart.vision.fakes import ScriptedVision


@dataclass(frozen=True, slots=True)
class ScriptedAnalyzerFactory:
    vision: ScriptedVision

    def __call__(self) -> ImageAnalyzer:
        return ImageAnalyzer(self.vision.backends(), AnalyzerConfig(overlap=False))

    def describe(self) -> dict[str, Any]:
        return {"analyzer": "scripted", "images": len(self.vision.scripts)}
