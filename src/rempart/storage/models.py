"""The database schema as SQLAlchemy 2 tables (the storage schema, separate from API schemas).

The schema is created and changed only by the Alembic migrations in ``migrations/``; a test pins
that these models and the migrations agree. Tables:

- ``api_keys``: per-tenant keys, the secret stored as an HMAC digest, scopes, rate limit, rotation.
- ``decisions``: one row per request or output check: digests and perceptual hashes of the
  inputs (never the content), the signals summary, the rules that fired, policy digest, model
  versions, timings and the degraded flag.
- ``lineages`` and ``sessions``: successive edits of one photo (or of outputs derived from it),
  and the client's session ids, so escalation is judged across steps.
- ``image_fingerprints`` and ``phash_bands``: every image's SHA-256 and dHash, with the dHash's
  eight bands indexed for near-duplicate lookup.
- ``review_items``: the human-review queue that a ``review`` decision opens, written in the same
  transaction as the decision.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JsonType = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ApiKeyRow(Base):
    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    secret_hash: Mapped[str] = mapped_column(String(128))
    scopes: Mapped[str] = mapped_column(String(200))
    rate_per_minute: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    rotated_from: Mapped[str | None] = mapped_column(String(32), nullable=True)


class LineageRow(Base):
    __tablename__ = "lineages"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    steps: Mapped[int] = mapped_column(Integer, default=0)
    max_requested_exposure: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    max_output_exposure: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)

    __table_args__ = (Index("ix_lineages_tenant_updated", "tenant", "updated_at"),)


class SessionRow(Base):
    __tablename__ = "sessions"

    tenant: Mapped[str] = mapped_column(String(64), primary_key=True)
    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    account_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    steps: Mapped[int] = mapped_column(Integer, default=0)
    last_lineage_id: Mapped[str | None] = mapped_column(ForeignKey("lineages.id"), nullable=True)


class DecisionRow(Base):
    __tablename__ = "decisions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    request_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    stage: Mapped[str] = mapped_column(String(16))
    subject_type: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("decisions.id"), nullable=True, index=True)
    lineage_id: Mapped[str | None] = mapped_column(ForeignKey("lineages.id"), nullable=True, index=True)
    lineage_step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    session_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    account_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    jurisdiction: Mapped[str | None] = mapped_column(String(16), nullable=True)

    action: Mapped[str] = mapped_column(String(16))
    categories: Mapped[list[str]] = mapped_column(JsonType)
    severity: Mapped[str] = mapped_column(String(16))
    degraded: Mapped[bool] = mapped_column(Boolean)
    rules: Mapped[list[dict[str, Any]]] = mapped_column(JsonType)
    signals: Mapped[dict[str, Any]] = mapped_column(JsonType)
    policy_name: Mapped[str] = mapped_column(String(200))
    policy_digest: Mapped[str] = mapped_column(String(80))
    models: Mapped[list[dict[str, Any]]] = mapped_column(JsonType)

    text_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    text_chars: Mapped[int | None] = mapped_column(Integer, nullable=True)
    source_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    source_dhash: Mapped[str | None] = mapped_column(String(16), nullable=True)
    output_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    output_dhash: Mapped[str | None] = mapped_column(String(16), nullable=True)
    requested_exposure: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    output_exposure: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    lineage_exposure: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)

    detector_ms: Mapped[float] = mapped_column(Float)
    queue_ms: Mapped[float] = mapped_column(Float)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_decisions_tenant_created", "tenant", "created_at"),
        Index("ix_decisions_tenant_session", "tenant", "session_id"),
    )


class FingerprintRow(Base):
    __tablename__ = "image_fingerprints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant: Mapped[str] = mapped_column(String(64))
    decision_id: Mapped[str] = mapped_column(ForeignKey("decisions.id"), index=True)
    lineage_id: Mapped[str | None] = mapped_column(ForeignKey("lineages.id"), nullable=True)
    role: Mapped[str] = mapped_column(String(16))
    sha256: Mapped[str] = mapped_column(String(64))
    dhash: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_image_fingerprints_tenant_sha256", "tenant", "sha256"),)


class PhashBandRow(Base):
    __tablename__ = "phash_bands"

    fingerprint_id: Mapped[int] = mapped_column(ForeignKey("image_fingerprints.id"), primary_key=True)
    band_key: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    tenant: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_phash_bands_tenant_key", "tenant", "band_key"),)


class ReviewRow(Base):
    __tablename__ = "review_items"

    decision_id: Mapped[str] = mapped_column(ForeignKey("decisions.id"), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)
    reviewer_key_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    note: Mapped[str | None] = mapped_column(String(2000), nullable=True)

    __table_args__ = (Index("ix_review_items_tenant_status", "tenant", "status", "created_at"),)
