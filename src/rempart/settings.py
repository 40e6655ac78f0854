"""Process settings of the gateway, read from the environment (prefix ``REMPART_``) by pydantic-settings.

These are the deployment's knobs (database, secrets, limits, timeouts), not the safety policy,
which is a separate validated file (``REMPART_POLICY``). Settings are built explicitly by the
caller (``Settings()`` in ``rempart serve``, explicit values in tests); nothing here runs at import.

Outside ``environment = "development"`` the settings refuse insecure defaults: the API-key pepper
must be set to a long random secret, and the shipped development pepper is rejected.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from rempart.errors import ConfigError

DEV_PEPPER = "rempart-development-pepper-do-not-use-in-production"
_MIN_PEPPER_CHARS = 32


class Settings(BaseSettings):
    """Everything a ``rempart serve`` process needs to know. Values are immutable once built."""

    model_config = SettingsConfigDict(env_prefix="REMPART_", frozen=True, extra="ignore")

    environment: Literal["development", "test", "production"] = Field(
        "development", description="'development' allows the insecure defaults below; anything else refuses them"
    )
    data_dir: Path = Field(Path("var"), description="where the default SQLite database lives")
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL; default sqlite:///<data_dir>/rempart.db; postgresql+psycopg://... for PostgreSQL",
    )
    sqlite_synchronous: Literal["NORMAL", "FULL"] = Field(
        "FULL", description="FULL survives power loss; NORMAL (WAL) survives process crashes only"
    )
    migrate_on_start: bool = Field(True, description="apply schema migrations when the server starts")
    policy: Path | None = Field(None, description="policy file; default: the shipped policy")

    host: str = "127.0.0.1"
    port: int = Field(8080, ge=1, le=65535)
    workers: int = Field(
        1, ge=1, le=64, description="server processes; each loads the models (set redis_url to share rate limits)"
    )
    redis_url: str | None = Field(None, description="Redis URL: per-key rate limits shared by every server process")

    api_key_pepper: SecretStr = Field(
        SecretStr(DEV_PEPPER),
        description="HMAC key for hashing API keys at rest (>= 32 characters outside development)",
    )
    auth_cache_seconds: float = Field(5.0, ge=0.0, le=300.0, description="how long a verified key is cached")
    default_rate_per_minute: int = Field(600, ge=1, description="per-key rate limit when a key does not set one")

    inference_workers: int = Field(4, ge=1, le=64, description="threads running text-only checks (batched together)")
    inference_queue: int = Field(16, ge=0, le=10_000, description="requests allowed to wait for a worker")
    image_workers: int = Field(1, ge=1, le=64, description="threads running image checks (each uses several cores)")
    image_queue: int = Field(8, ge=0, le=10_000, description="image checks allowed to wait for a worker")
    request_deadline_s: float = Field(2.0, gt=0.0, le=120.0, description="deadline for the detectors of one request")
    storage_timeout_s: float = Field(
        10.0, gt=0.0, le=300.0, description="longest wait for a decision to be committed (then 503, not acknowledged)"
    )
    retry_after_s: int = Field(1, ge=1, le=3600, description="Retry-After sent with 429 and 503")
    db_workers: int = Field(4, ge=1, le=64, description="threads for database reads (decisions have one writer thread)")

    max_body_bytes: int = Field(16 * 1024 * 1024, ge=1024, description="largest request body accepted")
    max_image_bytes: int = Field(10 * 1024 * 1024, ge=1024, description="largest image accepted")
    max_image_pixels: int = Field(40_000_000, ge=1024, description="largest decoded image (decompression bombs)")

    lineage_window_hours: float = Field(72.0, gt=0.0, description="how far back an edit is linked to earlier steps")
    lineage_max_distance: int = Field(6, ge=0, le=7, description="perceptual-hash bits that may differ in one lineage")
    source_cache_size: int = Field(256, ge=0, description="source analyses kept for output checks (also in Redis)")
    source_cache_seconds: float = Field(900.0, ge=0.0)

    switch_interval_ms: float = Field(
        1.0,
        gt=0.0,
        le=100.0,
        description="Python's GIL switch interval in a server process (its default, 5 ms, lets a detector thread "
        "hold up the event loop)",
    )

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_json: bool = Field(True, description="one JSON object per log line")

    @model_validator(mode="after")
    def _refuse_insecure_defaults(self) -> Settings:
        if self.environment == "development":
            return self
        pepper = self.api_key_pepper.get_secret_value()
        if pepper == DEV_PEPPER:
            raise ValueError(
                f"REMPART_API_KEY_PEPPER must be set outside development (environment={self.environment!r})"
            )
        if len(pepper) < _MIN_PEPPER_CHARS:
            raise ValueError(f"REMPART_API_KEY_PEPPER must be at least {_MIN_PEPPER_CHARS} characters")
        return self

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'rempart.db').resolve()}"


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment (and ``overrides``), with validation errors as ``ConfigError``."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(f"invalid settings: {problems}") from exc
