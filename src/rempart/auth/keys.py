"""API keys: issuing, hashing, parsing, and turning a presented key into a ``Principal``."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from rempart.errors import AuthError, ForbiddenError, InputError
from rempart.storage.records import ApiKeyRecord, utcnow

TOKEN_PREFIX = "rk"
_TOKEN = re.compile(r"^rk_([0-9a-f]{16})_([A-Za-z0-9_-]{32,128})$")
_TENANT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class Scope(StrEnum):
    SCREEN = "screen"
    """Screen requests and outputs."""
    REVIEW = "review"
    """Read decisions and work the human-review queue."""
    AUDIT = "audit"
    """Read decisions."""
    ADMIN = "admin"
    """Manage the tenant's API keys."""


def parse_scopes(values: Iterable[str]) -> frozenset[Scope]:
    scopes: set[Scope] = set()
    for raw in values:
        for part in raw.replace(",", " ").split():
            try:
                scopes.add(Scope(part.strip().lower()))
            except ValueError as exc:
                allowed = ", ".join(s.value for s in Scope)
                raise InputError(f"unknown scope {part!r} (allowed: {allowed})") from exc
    if not scopes:
        raise InputError("a key needs at least one scope")
    return frozenset(scopes)


def validate_tenant(tenant: str) -> str:
    if not _TENANT.match(tenant):
        raise InputError(
            "a tenant is 1-64 characters: letters, digits, '_', '.', '-' (starting with a letter or digit)"
        )
    return tenant


def hash_secret(secret: str, pepper: str) -> str:
    return "hmac-sha256:" + hmac.new(pepper.encode(), secret.encode(), hashlib.sha256).hexdigest()


def parse_token(token: str) -> tuple[str, str]:
    """``(key_id, secret)`` of a presented key, or ``AuthError`` for anything malformed."""
    match = _TOKEN.match(token.strip())
    if match is None:
        raise AuthError("malformed API key")
    return match.group(1), match.group(2)


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """A new key: its stored record and the token, which is shown once and never stored."""

    record: ApiKeyRecord
    token: str


def issue_key(
    *,
    tenant: str,
    scopes: frozenset[Scope],
    rate_per_minute: int,
    pepper: str,
    name: str = "",
    now: datetime | None = None,
    expires_at: datetime | None = None,
    rotated_from: str | None = None,
) -> IssuedKey:
    if rate_per_minute < 1:
        raise InputError("rate_per_minute must be at least 1")
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    record = ApiKeyRecord(
        id=key_id,
        tenant=validate_tenant(tenant),
        name=name[:200],
        secret_hash=hash_secret(secret, pepper),
        scopes=frozenset(s.value for s in scopes),
        rate_per_minute=rate_per_minute,
        created_at=now or utcnow(),
        expires_at=expires_at,
        rotated_from=rotated_from,
    )
    return IssuedKey(record, f"{TOKEN_PREFIX}_{key_id}_{secret}")


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller."""

    key_id: str
    tenant: str
    scopes: frozenset[str]
    rate_per_minute: int

    def allows(self, *scopes: Scope) -> bool:
        return any(s.value in self.scopes for s in scopes)

    def require(self, *scopes: Scope) -> Principal:
        """This principal if it holds one of ``scopes``, else ``ForbiddenError``."""
        if not self.allows(*scopes):
            needed = " or ".join(s.value for s in scopes)
            raise ForbiddenError(f"this API key lacks the {needed!r} scope")
        return self


class Authenticator:
    """Verifies presented keys against the store, caching verified keys for ``cache_seconds``.

    Only successful verifications are cached, by the full token's digest, so a revoked key stops
    working within ``cache_seconds`` and a wrong secret is always checked against the store.
    """

    def __init__(
        self,
        get_key: Callable[[str], ApiKeyRecord | None],
        pepper: str,
        *,
        cache_seconds: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
        max_cache: int = 10_000,
    ) -> None:
        self._get_key = get_key
        self._pepper = pepper
        self._ttl = cache_seconds
        self._clock = clock
        self._max = max_cache
        self._cache: dict[str, tuple[float, Principal]] = {}
        self._lock = threading.Lock()

    def cached(self, token: str) -> Principal | None:
        """The cached principal for ``token``, if fresh (cheap: call it on the event loop)."""
        if self._ttl <= 0:
            return None
        with self._lock:
            hit = self._cache.get(self._cache_key(token))
        if hit is None or hit[0] < self._clock():
            return None
        return hit[1]

    def authenticate(self, token: str) -> Principal:
        """Verify ``token`` against the store (blocking: call it on a database thread)."""
        hit = self.cached(token)
        if hit is not None:
            return hit
        key_id, secret = parse_token(token)
        record = self._get_key(key_id)
        if record is None or not hmac.compare_digest(record.secret_hash, hash_secret(secret, self._pepper)):
            raise AuthError("invalid API key")
        if not record.active(utcnow()):
            raise AuthError("this API key is expired or revoked")
        principal = Principal(record.id, record.tenant, record.scopes, record.rate_per_minute)
        if self._ttl > 0:
            with self._lock:
                if len(self._cache) >= self._max:
                    self._cache.clear()
                ttl = self._ttl
                if record.expires_at is not None:
                    ttl = min(ttl, max(0.0, (record.expires_at - utcnow()).total_seconds()))
                self._cache[self._cache_key(token)] = (self._clock() + ttl, principal)
        return principal

    def forget(self) -> None:
        with self._lock:
            self._cache.clear()

    @staticmethod
    def _cache_key(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
