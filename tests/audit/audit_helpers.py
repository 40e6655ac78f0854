"""Analyzer factories for the crash-isolation tests (importable by spawned worker processes)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from rempart.media.image import LoadedImage
from rempart.vision.analyzer import AnalyzerConfig, ImageAnalyzer
from rempart.vision.fakes import ScriptedVision
from rempart.vision.values import ImageSignals


class _CrashingAnalyzer(ImageAnalyzer):
    crash_sha: str = ""

    def analyze(self, image: LoadedImage, *, identity: bool | None = True) -> ImageSignals:
        if image.sha256 == self.crash_sha:
            os._exit(3)  # a native crash, as a segfault in a model library would look to the pool
        return super().analyze(image, identity=identity)


@dataclass(frozen=True)
class CrashingFactory:
    vision: ScriptedVision
    crash_sha: str

    def __call__(self) -> ImageAnalyzer:
        analyzer = _CrashingAnalyzer(self.vision.backends(), AnalyzerConfig(overlap=False))
        analyzer.crash_sha = self.crash_sha
        return analyzer


class _UnloadableAnalyzer(ImageAnalyzer):
    def load(self) -> None:
        from rempart.errors import ModelUnavailableError

        raise ModelUnavailableError("scripted: weights missing")


@dataclass(frozen=True)
class UnloadableFactory:
    def __call__(self) -> ImageAnalyzer:
        return _UnloadableAnalyzer()
