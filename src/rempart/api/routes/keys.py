"""API-key management for the caller's own tenant (scope admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from rempart.api.deps import AdminCaller, ServicesDep
from rempart.api.openapi import ERROR_RESPONSES
from rempart.api.schemas import IssuedKeyOut, KeyCreateBody, KeyOut, KeyRotateBody
from rempart.auth import IssuedKey, Scope, create_key, revoke_key, rotate_key

router = APIRouter(prefix="/v1/keys", tags=["keys"])
KeyId = Annotated[str, Path(pattern=r"^[0-9a-f]{16}$")]


@router.get("", summary="List the tenant's API keys", responses=ERROR_RESPONSES)
async def list_keys(caller: AdminCaller, services: ServicesDep) -> list[KeyOut]:
    keys = await services.db.run(lambda: services.store.list_keys(caller.tenant))
    return [KeyOut.model_validate(k.to_dict()) for k in keys]


@router.post("", status_code=201, summary="Create an API key (the secret is shown once)", responses=ERROR_RESPONSES)
async def create(body: KeyCreateBody, caller: AdminCaller, services: ServicesDep) -> IssuedKeyOut:
    settings = services.settings
    issued = await services.db.run(
        lambda: create_key(
            services.store,
            tenant=caller.tenant,
            scopes=frozenset(Scope(s) for s in body.scopes),
            rate_per_minute=body.rate_per_minute or settings.default_rate_per_minute,
            pepper=settings.api_key_pepper.get_secret_value(),
            name=body.name,
        )
    )
    return _issued(issued)


@router.post("/{key_id}/rotate", status_code=201, summary="Rotate an API key", responses=ERROR_RESPONSES)
async def rotate(key_id: KeyId, body: KeyRotateBody, caller: AdminCaller, services: ServicesDep) -> IssuedKeyOut:
    issued = await services.db.run(
        lambda: rotate_key(
            services.store,
            key_id,
            pepper=services.settings.api_key_pepper.get_secret_value(),
            grace_seconds=body.grace_seconds,
            tenant=caller.tenant,
        )
    )
    services.authenticator.forget()
    return _issued(issued)


@router.delete("/{key_id}", summary="Revoke an API key now", responses=ERROR_RESPONSES)
async def revoke(key_id: KeyId, caller: AdminCaller, services: ServicesDep) -> KeyOut:
    record = await services.db.run(lambda: revoke_key(services.store, key_id, tenant=caller.tenant))
    services.authenticator.forget()
    return KeyOut.model_validate(record.to_dict())


def _issued(issued: IssuedKey) -> IssuedKeyOut:
    return IssuedKeyOut.model_validate({**issued.record.to_dict(), "api_key": issued.token})
