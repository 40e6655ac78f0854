"""Dependencies of the routes, as ``Annotated`` aliases: the services and the authenticated caller.

``ScreenCaller``, ``ReaderCaller``, ``ReviewCaller`` and ``AdminCaller`` authenticate the API key
(401 when missing or invalid), check the scope (403) and take a token from the key's rate limit
(429 with Retry-After), in that order.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine

from rempart.api.capacity import DbRunner, Pools
from rempart.api.errors import RateLimitedError
from rempart.api.metrics import Metrics
from rempart.api.service import Gateway
from rempart.auth import Authenticator, Principal, RateLimiter, Scope, retry_after
from rempart.errors import AuthError
from rempart.guard import Guard
from rempart.settings import Settings
from rempart.storage import BatchWriter, DecisionStore


@dataclass(frozen=True, slots=True)
class Services:
    """Everything the routes use, built once at start-up by the app's lifespan."""

    settings: Settings
    guard: Guard
    store: DecisionStore
    gateway: Gateway
    authenticator: Authenticator
    limiter: RateLimiter
    metrics: Metrics
    pools: Pools
    db: DbRunner
    writer: BatchWriter
    engine: Engine | None

    def close(self) -> None:
        self.pools.shutdown()
        self.writer.close()
        self.db.shutdown()
        if self.engine is not None:
            self.engine.dispose()


async def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]

_bearer = HTTPBearer(auto_error=False, description="Authorization: Bearer rk_<key id>_<secret>")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="the API key, as an alternative header")


async def authenticate(
    request: Request,
    services: ServicesDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    header: Annotated[str | None, Depends(_header)],
) -> Principal:
    token = bearer.credentials if bearer is not None else header
    if not token:
        raise AuthError("missing API key: send 'Authorization: Bearer rk_...' or 'X-API-Key: rk_...'")
    principal = services.authenticator.cached(token)
    if principal is None:
        principal = await services.db.run(lambda: services.authenticator.authenticate(token))
    request.state.tenant = principal.tenant
    request.state.key_id = principal.key_id
    return principal


def scoped(*scopes: Scope) -> Callable[..., Awaitable[Principal]]:
    async def dependency(principal: Annotated[Principal, Depends(authenticate)], services: ServicesDep) -> Principal:
        principal.require(*scopes)
        wait = await services.limiter.acquire(principal.key_id, principal.rate_per_minute)
        if wait is not None:
            services.metrics.rejections.labels("rate_limited").inc()
            raise RateLimitedError(
                f"rate limit of {principal.rate_per_minute} requests a minute exceeded", retry_after(wait)
            )
        return principal

    return dependency


ScreenCaller = Annotated[Principal, Depends(scoped(Scope.SCREEN))]
ReaderCaller = Annotated[Principal, Depends(scoped(Scope.AUDIT, Scope.REVIEW))]
ReviewCaller = Annotated[Principal, Depends(scoped(Scope.REVIEW))]
AdminCaller = Annotated[Principal, Depends(scoped(Scope.ADMIN))]
