"""Persistence: decisions, lineages, sessions, API keys and the review queue, on SQLite or PostgreSQL.

Only digests and perceptual hashes of inputs are stored, never the prompt or the images
(``fingerprints``). The schema lives in ``models`` and changes only through the Alembic migrations
packaged in ``migrations`` (``database.upgrade``). ``SqlStore`` implements the ``DecisionStore``
protocol the gateway uses; every decision is written in one transaction with what it triggers.
"""

from rempart.storage.database import current_revision, head_revision, make_engine, normalise_url, upgrade
from rempart.storage.fingerprints import (
    ImageFingerprint,
    TextFingerprint,
    fingerprint_image,
    fingerprint_text,
    hamming,
)
from rempart.storage.records import (
    ApiKeyRecord,
    DecisionRecord,
    LineageState,
    NewDecision,
    ReviewItem,
    StoredImage,
    new_id,
    utcnow,
)
from rempart.storage.store import DecisionStore, SqlStore
from rempart.storage.writer import BatchWriter

__all__ = [
    "ApiKeyRecord",
    "BatchWriter",
    "DecisionRecord",
    "DecisionStore",
    "ImageFingerprint",
    "LineageState",
    "NewDecision",
    "ReviewItem",
    "SqlStore",
    "StoredImage",
    "TextFingerprint",
    "current_revision",
    "fingerprint_image",
    "fingerprint_text",
    "hamming",
    "head_revision",
    "make_engine",
    "new_id",
    "normalise_url",
    "upgrade",
    "utcnow",
]
