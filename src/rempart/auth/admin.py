"""Key management shared by ``rempart keys`` and the ``/v1/keys`` endpoints: create, rotate, revoke."""

from __future__ import annotations

from datetime import timedelta

from rempart.auth.keys import IssuedKey, Scope, issue_key
from rempart.errors import NotFoundError
from rempart.storage.records import ApiKeyRecord, utcnow
from rempart.storage.store import DecisionStore


def create_key(
    store: DecisionStore,
    *,
    tenant: str,
    scopes: frozenset[Scope],
    rate_per_minute: int,
    pepper: str,
    name: str = "",
) -> IssuedKey:
    issued = issue_key(tenant=tenant, scopes=scopes, rate_per_minute=rate_per_minute, pepper=pepper, name=name)
    store.create_key(issued.record)
    return issued


def rotate_key(
    store: DecisionStore, key_id: str, *, pepper: str, grace_seconds: int, tenant: str | None = None
) -> IssuedKey:
    """A new key with the old one's tenant, scopes and rate limit; the old key keeps working for
    ``grace_seconds`` (0: stops now), so clients can switch without downtime."""
    old = store.get_key(key_id)
    if old is None or (tenant is not None and old.tenant != tenant):
        raise NotFoundError(f"no API key {key_id!r}")
    now = utcnow()
    issued = issue_key(
        tenant=old.tenant,
        scopes=frozenset(Scope(s) for s in old.scopes),
        rate_per_minute=old.rate_per_minute,
        pepper=pepper,
        name=old.name,
        now=now,
        rotated_from=old.id,
    )
    store.rotate_key(old.id, issued.record, now + timedelta(seconds=grace_seconds))
    return issued


def revoke_key(store: DecisionStore, key_id: str, *, tenant: str | None = None) -> ApiKeyRecord:
    return store.revoke_key(key_id, utcnow(), tenant)
