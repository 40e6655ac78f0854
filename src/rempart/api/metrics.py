"""Prometheus metrics of one app instance, on its own registry (nothing global, nothing at import)."""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

_LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.http_requests = Counter(
            "rempart_http_requests", "HTTP requests served", ["route", "method", "status"], registry=r
        )
        self.http_latency = Histogram(
            "rempart_http_request_duration_seconds",
            "Time from the request's arrival to the end of its response",
            ["route"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.decisions = Counter("rempart_decisions", "Decisions recorded", ["stage", "action", "degraded"], registry=r)
        self.detector_latency = Histogram(
            "rempart_detector_duration_seconds",
            "Detector time per check",
            ["stage"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.queue_wait = Histogram(
            "rempart_inference_queue_wait_seconds",
            "Time waiting for an inference worker",
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.rejections = Counter(
            "rempart_rejections", "Requests refused for capacity (rate_limited, overloaded)", ["reason"], registry=r
        )
        self.detector_failures = Counter(
            "rempart_detector_failures",
            "Checks decided fail-closed because detectors timed out or crashed",
            ["kind"],
            registry=r,
        )
        self.inference_in_flight = Gauge(
            "rempart_inference_in_flight", "Detector jobs admitted and not finished", registry=r
        )

    def track_in_flight(self, fn: Callable[[], float]) -> None:
        self.inference_in_flight.set_function(fn)

    def render(self) -> bytes:
        return generate_latest(self.registry)
