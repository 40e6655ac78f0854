"""Initial schema: API keys, lineages, sessions, decisions, image fingerprints, review queue.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("secret_hash", sa.String(128), nullable=False),
        sa.Column("scopes", sa.String(200), nullable=False),
        sa.Column("rate_per_minute", sa.Integer(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("expires_at", _TS, nullable=True),
        sa.Column("revoked_at", _TS, nullable=True),
        sa.Column("rotated_from", sa.String(32), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
    )
    op.create_index("ix_api_keys_tenant", "api_keys", ["tenant"])

    op.create_table(
        "lineages",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("steps", sa.Integer(), nullable=False),
        sa.Column("max_requested_exposure", sa.SmallInteger(), nullable=True),
        sa.Column("max_output_exposure", sa.SmallInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_lineages"),
    )
    op.create_index("ix_lineages_tenant_updated", "lineages", ["tenant", "updated_at"])

    op.create_table(
        "decisions",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("key_id", sa.String(32), nullable=True),
        sa.Column("request_id", sa.String(128), nullable=True),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("subject_type", sa.String(16), nullable=False),
        sa.Column("parent_id", sa.String(32), nullable=True),
        sa.Column("lineage_id", sa.String(32), nullable=True),
        sa.Column("lineage_step", sa.Integer(), nullable=True),
        sa.Column("session_id", sa.String(128), nullable=True),
        sa.Column("account_id", sa.String(128), nullable=True),
        sa.Column("jurisdiction", sa.String(16), nullable=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("categories", _json(), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("degraded", sa.Boolean(), nullable=False),
        sa.Column("rules", _json(), nullable=False),
        sa.Column("signals", _json(), nullable=False),
        sa.Column("policy_name", sa.String(200), nullable=False),
        sa.Column("policy_digest", sa.String(80), nullable=False),
        sa.Column("models", _json(), nullable=False),
        sa.Column("text_sha256", sa.String(64), nullable=True),
        sa.Column("text_chars", sa.Integer(), nullable=True),
        sa.Column("source_sha256", sa.String(64), nullable=True),
        sa.Column("source_dhash", sa.String(16), nullable=True),
        sa.Column("output_sha256", sa.String(64), nullable=True),
        sa.Column("output_dhash", sa.String(16), nullable=True),
        sa.Column("requested_exposure", sa.SmallInteger(), nullable=True),
        sa.Column("output_exposure", sa.SmallInteger(), nullable=True),
        sa.Column("lineage_exposure", sa.SmallInteger(), nullable=True),
        sa.Column("detector_ms", sa.Float(), nullable=False),
        sa.Column("queue_ms", sa.Float(), nullable=False),
        sa.Column("received_at", _TS, nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(["lineage_id"], ["lineages.id"], name="fk_decisions_lineage_id_lineages"),
        sa.ForeignKeyConstraint(["parent_id"], ["decisions.id"], name="fk_decisions_parent_id_decisions"),
        sa.PrimaryKeyConstraint("id", name="pk_decisions"),
    )
    op.create_index("ix_decisions_lineage_id", "decisions", ["lineage_id"])
    op.create_index("ix_decisions_parent_id", "decisions", ["parent_id"])
    op.create_index("ix_decisions_tenant_created", "decisions", ["tenant", "created_at"])
    op.create_index("ix_decisions_tenant_session", "decisions", ["tenant", "session_id"])

    op.create_table(
        "sessions",
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("id", sa.String(128), nullable=False),
        sa.Column("account_id", sa.String(128), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("steps", sa.Integer(), nullable=False),
        sa.Column("last_lineage_id", sa.String(32), nullable=True),
        sa.ForeignKeyConstraint(["last_lineage_id"], ["lineages.id"], name="fk_sessions_last_lineage_id_lineages"),
        sa.PrimaryKeyConstraint("tenant", "id", name="pk_sessions"),
    )

    op.create_table(
        "image_fingerprints",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("decision_id", sa.String(32), nullable=False),
        sa.Column("lineage_id", sa.String(32), nullable=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("dhash", sa.String(16), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(["decision_id"], ["decisions.id"], name="fk_image_fingerprints_decision_id_decisions"),
        sa.ForeignKeyConstraint(["lineage_id"], ["lineages.id"], name="fk_image_fingerprints_lineage_id_lineages"),
        sa.PrimaryKeyConstraint("id", name="pk_image_fingerprints"),
    )
    op.create_index("ix_image_fingerprints_decision_id", "image_fingerprints", ["decision_id"])
    op.create_index("ix_image_fingerprints_tenant_sha256", "image_fingerprints", ["tenant", "sha256"])

    op.create_table(
        "phash_bands",
        sa.Column("fingerprint_id", sa.Integer(), nullable=False),
        sa.Column("band_key", sa.SmallInteger(), nullable=False),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["fingerprint_id"], ["image_fingerprints.id"], name="fk_phash_bands_fingerprint_id_image_fingerprints"
        ),
        sa.PrimaryKeyConstraint("fingerprint_id", "band_key", name="pk_phash_bands"),
    )
    op.create_index("ix_phash_bands_tenant_key", "phash_bands", ["tenant", "band_key"])

    op.create_table(
        "review_items",
        sa.Column("decision_id", sa.String(32), nullable=False),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("resolved_at", _TS, nullable=True),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("reviewer_key_id", sa.String(32), nullable=True),
        sa.Column("note", sa.String(2000), nullable=True),
        sa.ForeignKeyConstraint(["decision_id"], ["decisions.id"], name="fk_review_items_decision_id_decisions"),
        sa.PrimaryKeyConstraint("decision_id", name="pk_review_items"),
    )
    op.create_index("ix_review_items_tenant_status", "review_items", ["tenant", "status", "created_at"])


def downgrade() -> None:
    for table in ("review_items", "phash_bands", "image_fingerprints", "sessions", "decisions", "lineages", "api_keys"):
        op.drop_table(table)
