"""The app factory: ``create_app(settings, guard=None)`` builds the FastAPI app; nothing at import.

``create_app`` only wires routes, middleware and error handlers. The expensive parts are built
when the server starts (the lifespan): the database engine and its migrations, the store, the
guard's models (``Guard.load``), the inference pools and the database threads. Tests pass a guard
on fakes (and may pass a store); ``rempart serve`` passes neither.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from rempart import __version__
from rempart.api.capacity import DbRunner, InferencePool, Pools
from rempart.api.deps import Services
from rempart.api.errors import install_error_handlers
from rempart.api.logs import configure_logging
from rempart.api.metrics import Metrics
from rempart.api.middleware import RequestMiddleware
from rempart.api.openapi import install_openapi
from rempart.api.routes import decisions, health, keys, reviews, screen
from rempart.api.service import Gateway
from rempart.api.sources import RedisSourceCache, SourceCache
from rempart.auth import Authenticator, MemoryRateLimiter, RateLimiter, RedisRateLimiter
from rempart.errors import StorageError
from rempart.guard import Guard, ImageInspector
from rempart.policy import ImageFacts, load_policy
from rempart.settings import Settings, load_settings
from rempart.signals import ModelInfo
from rempart.storage import BatchWriter, DecisionStore, SqlStore, make_engine, upgrade

log = logging.getLogger("rempart.api")

DESCRIPTION = """\
The rempart gateway screens image-generation and editing requests and their outputs, and records
every decision (digests and perceptual hashes of the inputs, never the content).

Authenticate with a per-tenant API key: `Authorization: Bearer rk_<key id>_<secret>`.
Scopes: `screen` (the screening endpoints), `audit` / `review` (read decisions), `review`
(the review queue), `admin` (the tenant's keys). Errors have one shape:
`{"error": {"code", "message", "request_id"}}`; 429 and 503 carry `Retry-After`.
"""

TAGS = [
    {"name": "screen", "description": "Screen requests before generation and outputs after it."},
    {"name": "decisions", "description": "Stored decisions."},
    {"name": "reviews", "description": "The human-review queue."},
    {"name": "keys", "description": "The tenant's API keys."},
    {"name": "operations", "description": "Liveness, readiness, metrics."},
]


class _LoadedInspector:
    """An ``ImageInspector`` whose model list is read once, at ``load``: the guard asks for it on
    every decision, the list cannot change while the process runs, and reading it means package
    metadata and file stats (a third of the CPU of a text-only request when measured)."""

    def __init__(self, inner: ImageInspector) -> None:
        self._inner = inner
        self._info: tuple[ModelInfo, ...] | None = None

    def load(self) -> None:
        self._inner.load()
        self._info = self._inner.model_info()

    def model_info(self) -> tuple[ModelInfo, ...]:
        return self._info if self._info is not None else self._inner.model_info()

    def facts(self, image: bytes | str, role: str, source: object | None = None) -> tuple[ImageFacts, object]:
        return self._inner.facts(image, role, source)


def default_guard(settings: Settings) -> Guard:
    """The production guard: the configured policy, the prompt screen, the vision stack if installed."""
    policy = load_policy(settings.policy)
    images: ImageInspector | None = None
    try:
        from rempart.vision.inspector import VisionInspector
    except ImportError:
        log.warning("the vision stack is not installed: image checks will fail closed")
    else:
        images = _LoadedInspector(VisionInspector(challenge_age=policy.minors.challenge_age))
    return Guard(policy=policy, images=images)


def build_services(
    settings: Settings, metrics: Metrics, guard: Guard | None = None, store: DecisionStore | None = None
) -> Services:
    """Everything blocking the server needs before it can answer (run off the event loop)."""
    engine = None
    if store is None:
        engine = make_engine(
            settings.resolved_database_url,
            sqlite_synchronous=settings.sqlite_synchronous,
            pool_size=settings.db_workers + settings.inference_workers + settings.image_workers + 1,
        )
        sql = SqlStore(engine)
        if settings.migrate_on_start:
            upgrade(engine)
        elif not sql.schema_is_current():
            raise StorageError("the database schema is not at the current version: run 'rempart db upgrade'")
        store = sql
    guard = guard if guard is not None else default_guard(settings)
    guard.load()
    pools = Pools(
        text=InferencePool(
            settings.inference_workers,
            settings.inference_queue,
            retry_after=settings.retry_after_s,
            name="rempart-text",
        ),
        images=InferencePool(
            settings.image_workers, settings.image_queue, retry_after=settings.retry_after_s, name="rempart-images"
        ),
    )
    db = DbRunner(settings.db_workers)
    writer = BatchWriter(store)
    metrics.track_in_flight(lambda: float(pools.in_flight))
    sources: SourceCache | None = None  # the gateway's own in-memory cache
    if settings.redis_url:
        sources = RedisSourceCache(
            settings.redis_url,
            secret=settings.api_key_pepper.get_secret_value().encode(),
            size=settings.source_cache_size,
            ttl_s=settings.source_cache_seconds,
        )
    gateway = Gateway(
        settings=settings, guard=guard, store=store, pools=pools, db=db, writer=writer, metrics=metrics, sources=sources
    )
    authenticator = Authenticator(
        store.get_key, settings.api_key_pepper.get_secret_value(), cache_seconds=settings.auth_cache_seconds
    )
    limiter: RateLimiter = MemoryRateLimiter()
    if settings.redis_url:
        limiter = RedisRateLimiter(settings.redis_url)
    elif settings.workers > 1:
        log.warning(
            "rate limits are enforced by each of the %d server processes alone: set REMPART_REDIS_URL", settings.workers
        )
    return Services(
        settings=settings,
        guard=guard,
        store=store,
        gateway=gateway,
        authenticator=authenticator,
        limiter=limiter,
        metrics=metrics,
        pools=pools,
        db=db,
        writer=writer,
        engine=engine,
    )


def _freeze_heap() -> None:
    """Move everything loaded at start-up (lexicons, vocabularies, model graphs: a few hundred
    thousand objects) out of the garbage collector's sight. Without this, every full collection
    walks them all, a 40-70 ms pause of every request thread that showed as the p99 of text checks;
    they live as long as the process, so there is nothing to collect among them anyway."""
    gc.collect()
    gc.freeze()


def create_app(settings: Settings, guard: Guard | None = None, *, store: DecisionStore | None = None) -> FastAPI:
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = await asyncio.to_thread(build_services, settings, metrics, guard, store)
        app.state.services = services
        _freeze_heap()
        try:
            yield
        finally:
            await services.limiter.close()
            await services.gateway.sources.close()
            await asyncio.to_thread(services.close)

    app = FastAPI(
        title="rempart gateway",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
    )
    app.add_middleware(RequestMiddleware, metrics=metrics, max_body_bytes=settings.max_body_bytes)
    install_error_handlers(app)
    for module in (screen, decisions, reviews, keys, health):
        app.include_router(module.router)
    install_openapi(app)
    return app


def app_from_environment() -> FastAPI:
    """The app as ``rempart serve`` runs it, from ``REMPART_*`` settings: the factory each worker
    process calls (``uvicorn --factory rempart.api.app:app_from_environment``)."""
    settings = load_settings()
    configure_logging(settings.log_level, json_lines=settings.log_json)
    return create_app(settings)
