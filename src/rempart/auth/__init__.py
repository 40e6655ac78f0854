"""Who may call the gateway: per-tenant API keys (hashed at rest, rotatable, scoped) and rate limits.

A key is shown once, as ``rk_<key id>_<secret>``; the store keeps the key id and an HMAC-SHA256 of
the secret under the deployment's pepper (the secret is 256 random bits, so a slow hash adds
nothing). ``Authenticator`` turns a presented key into a ``Principal`` or raises ``AuthError``
(401); ``Principal.require`` raises ``ForbiddenError`` (403) for a missing scope.
``RateLimiter`` is a per-key token bucket: in this process, or in Redis when several processes serve.
"""

from rempart.auth.admin import create_key, revoke_key, rotate_key
from rempart.auth.keys import (
    Authenticator,
    IssuedKey,
    Principal,
    Scope,
    hash_secret,
    issue_key,
    parse_scopes,
    parse_token,
)
from rempart.auth.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter, retry_after

__all__ = [
    "Authenticator",
    "IssuedKey",
    "MemoryRateLimiter",
    "Principal",
    "RateLimiter",
    "RedisRateLimiter",
    "Scope",
    "create_key",
    "hash_secret",
    "issue_key",
    "parse_scopes",
    "parse_token",
    "retry_after",
    "revoke_key",
    "rotate_key",
]
