"""Liveness, readiness and Prometheus metrics (no authentication: keep them off the public edge)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST

from rempart.api.deps import ServicesDep
from rempart.api.schemas import HealthOut
from rempart.auth import RedisRateLimiter

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="Liveness: the process serves requests")
async def healthz() -> HealthOut:
    return HealthOut(status="ok")


@router.get(
    "/readyz",
    summary="Readiness: models loaded, database reachable and migrated, capacity left (rate-limit backend shown)",
    responses={503: {"model": HealthOut}},
)
async def readyz(services: ServicesDep) -> JSONResponse:
    checks: dict[str, str] = {}
    checks["models"] = "ok" if services.guard.prompt_screen.loaded else "not loaded"
    try:
        current = await asyncio.wait_for(services.db.run(services.store.schema_is_current), timeout=2.0)
        checks["database"] = "ok" if current else "schema not at head (run: rempart db upgrade)"
    except Exception as exc:
        checks["database"] = f"unavailable: {type(exc).__name__}"
    checks["capacity"] = "saturated" if services.pools.saturated else "ok"
    ready = all(v == "ok" for v in checks.values())
    limiter = services.limiter
    if isinstance(limiter, RedisRateLimiter):
        checks["rate_limits"] = "redis" if await limiter.ping() else "in-process (redis unreachable)"
    body = HealthOut(status="ready" if ready else "not ready", checks=checks)
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
async def metrics(services: ServicesDep) -> Response:
    return Response(services.metrics.render(), media_type=CONTENT_TYPE_LATEST)
