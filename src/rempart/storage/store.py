"""The store the gateway writes decisions to: the ``DecisionStore`` protocol and its SQL implementation.

Methods are synchronous (the API runs them on its database threads). Every decision is recorded
in one transaction together with everything it triggers: the lineage step, the session, the image
fingerprints and their hash bands, and the review item a ``review`` decision opens; a decision is
acknowledged to the caller only after that transaction commits. SQLAlchemy errors become
``StorageError`` (HTTP 503), a missing or foreign record ``NotFoundError`` (404).

The statements are SQLAlchemy Core on the tables of ``models`` (the ORM unit of work costs several
times more CPU per decision, and the gateway writes one decision per request).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Protocol, TypeVar, cast

from sqlalchemy import Connection, Engine, SmallInteger, Table, bindparam, case, func, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from rempart.errors import NotFoundError, StorageError
from rempart.storage.database import WRITE_OPTION, current_revision, head_revision
from rempart.storage.fingerprints import ImageFingerprint, hamming
from rempart.storage.models import (
    ApiKeyRow,
    DecisionRow,
    FingerprintRow,
    LineageRow,
    PhashBandRow,
    ReviewRow,
    SessionRow,
)
from rempart.storage.records import (
    ApiKeyRecord,
    DecisionRecord,
    LineageMatch,
    LineageState,
    NewDecision,
    ReviewItem,
    as_utc,
    new_id,
    utcnow,
)

T = TypeVar("T")

KEYS = cast(Table, ApiKeyRow.__table__)
DECISIONS = cast(Table, DecisionRow.__table__)
LINEAGES = cast(Table, LineageRow.__table__)
SESSIONS = cast(Table, SessionRow.__table__)
FINGERPRINTS = cast(Table, FingerprintRow.__table__)
BANDS = cast(Table, PhashBandRow.__table__)
REVIEWS = cast(Table, ReviewRow.__table__)

_MAX_CANDIDATES = 500


class DecisionStore(Protocol):
    """What the gateway needs from persistence (a fake can implement it for unit tests)."""

    def ping(self) -> None: ...

    def schema_is_current(self) -> bool: ...

    def get_key(self, key_id: str) -> ApiKeyRecord | None: ...

    def create_key(self, key: ApiKeyRecord) -> ApiKeyRecord: ...

    def list_keys(self, tenant: str | None = None) -> list[ApiKeyRecord]: ...

    def rotate_key(self, old_id: str, new: ApiKeyRecord, old_expires_at: datetime) -> ApiKeyRecord: ...

    def revoke_key(self, key_id: str, at: datetime, tenant: str | None = None) -> ApiKeyRecord: ...

    def find_lineage(
        self,
        tenant: str,
        *,
        since: datetime,
        parent_id: str | None = None,
        images: Sequence[ImageFingerprint] = (),
        session_id: str | None = None,
        max_distance: int = 6,
    ) -> LineageState | None: ...

    def record(self, decision: NewDecision) -> DecisionRecord: ...

    def record_batch(self, decisions: Sequence[NewDecision]) -> list[DecisionRecord | StorageError]: ...

    def get_decision(self, tenant: str, decision_id: str) -> DecisionRecord: ...

    def list_reviews(self, tenant: str, status: str = "open", limit: int = 100) -> list[ReviewItem]: ...

    def resolve_review(
        self, tenant: str, decision_id: str, *, outcome: str, reviewer_key_id: str, note: str | None, at: datetime
    ) -> ReviewItem: ...


class SqlStore:
    """``DecisionStore`` on SQLAlchemy Core: SQLite or PostgreSQL, same code."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._writer = engine.execution_options(**{WRITE_OPTION: True})
        # The per-decision statements, built once: values travel as parameters (compiled-cache hits).
        exposure = SmallInteger()
        self._step_lineage = (
            update(LINEAGES)
            .where(LINEAGES.c.id == bindparam("lineage_id"))
            .values(
                steps=LINEAGES.c.steps + 1,
                updated_at=bindparam("now"),
                max_requested_exposure=_greatest(LINEAGES.c.max_requested_exposure, bindparam("req", type_=exposure)),
                max_output_exposure=_greatest(LINEAGES.c.max_output_exposure, bindparam("out", type_=exposure)),
            )
            .returning(LINEAGES.c.steps)
        )
        self._lineage_by_id = select(LINEAGES).where(LINEAGES.c.id == bindparam("lineage_id"))
        self._lineage_of_decision = select(DECISIONS.c.lineage_id).where(
            DECISIONS.c.id == bindparam("decision_id"), DECISIONS.c.tenant == bindparam("tenant")
        )
        self._lineage_by_digest = (
            select(FINGERPRINTS.c.lineage_id)
            .where(
                FINGERPRINTS.c.tenant == bindparam("tenant"),
                FINGERPRINTS.c.sha256 == bindparam("sha256"),
                FINGERPRINTS.c.lineage_id.is_not(None),
                FINGERPRINTS.c.created_at >= bindparam("since"),
            )
            .order_by(FINGERPRINTS.c.id.desc())
            .limit(1)
        )
        self._lineage_candidates = (
            select(FINGERPRINTS.c.lineage_id, FINGERPRINTS.c.dhash)
            .join(BANDS, BANDS.c.fingerprint_id == FINGERPRINTS.c.id)
            .where(
                BANDS.c.tenant == bindparam("tenant"),
                BANDS.c.band_key.in_(bindparam("keys", expanding=True)),
                FINGERPRINTS.c.lineage_id.is_not(None),
                FINGERPRINTS.c.created_at >= bindparam("since"),
            )
            .order_by(FINGERPRINTS.c.id.desc())
            .limit(_MAX_CANDIDATES)
        )
        self._lineage_of_session = (
            select(LINEAGES)
            .join(SESSIONS, SESSIONS.c.last_lineage_id == LINEAGES.c.id)
            .where(
                SESSIONS.c.tenant == bindparam("tenant"),
                SESSIONS.c.id == bindparam("session_id"),
                SESSIONS.c.updated_at >= bindparam("since"),
            )
        )
        self._row_locks = engine.dialect.name == "postgresql"  # SQLite locks the whole database anyway
        self._lock_lineages = (
            select(LINEAGES.c.id)
            .where(LINEAGES.c.id.in_(bindparam("ids", expanding=True)))
            .order_by(LINEAGES.c.id)
            .with_for_update()
        )
        self._lock_session = (
            select(SESSIONS.c.id)
            .where(SESSIONS.c.tenant == bindparam("tenant"), SESSIONS.c.id == bindparam("session_id"))
            .with_for_update()
        )
        self._insert_lineage = insert(LINEAGES)
        self._insert_decision = insert(DECISIONS)
        self._insert_fingerprint = insert(FINGERPRINTS).returning(FINGERPRINTS.c.id)
        self._insert_bands = insert(BANDS)
        self._insert_review = insert(REVIEWS)
        upsert = (postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert)(SESSIONS)
        self._touch_session = upsert.on_conflict_do_update(
            index_elements=[SESSIONS.c.tenant, SESSIONS.c.id],
            set_={
                "updated_at": upsert.excluded.updated_at,
                "steps": SESSIONS.c.steps + 1,
                "last_lineage_id": func.coalesce(upsert.excluded.last_lineage_id, SESSIONS.c.last_lineage_id),
                "account_id": func.coalesce(upsert.excluded.account_id, SESSIONS.c.account_id),
            },
        )

    # --- plumbing -------------------------------------------------------------------------------

    @contextmanager
    def _transaction(self, *, write: bool) -> Iterator[Connection]:
        try:
            with (self._writer if write else self.engine).begin() as conn:
                yield conn
        except (NotFoundError, StorageError):
            raise
        except SQLAlchemyError as exc:
            raise StorageError(f"database error: {str(exc).splitlines()[0][:300]}") from exc

    def _read(self, fn: Callable[[Connection], T]) -> T:
        with self._transaction(write=False) as conn:
            return fn(conn)

    def _write(self, fn: Callable[[Connection], T]) -> T:
        with self._transaction(write=True) as conn:
            return fn(conn)

    def ping(self) -> None:
        self._read(lambda c: c.execute(text("SELECT 1")).scalar_one())

    def schema_is_current(self) -> bool:
        return current_revision(self.engine) == head_revision()

    # --- API keys -------------------------------------------------------------------------------

    def get_key(self, key_id: str) -> ApiKeyRecord | None:
        def run(conn: Connection) -> ApiKeyRecord | None:
            row = conn.execute(select(KEYS).where(KEYS.c.id == key_id)).mappings().one_or_none()
            return None if row is None else _key(row)

        return self._read(run)

    def create_key(self, key: ApiKeyRecord) -> ApiKeyRecord:
        def run(conn: Connection) -> ApiKeyRecord:
            conn.execute(insert(KEYS).values(**_key_values(key)))
            return key

        return self._write(run)

    def list_keys(self, tenant: str | None = None) -> list[ApiKeyRecord]:
        def run(conn: Connection) -> list[ApiKeyRecord]:
            query = select(KEYS).order_by(KEYS.c.tenant, KEYS.c.created_at)
            if tenant is not None:
                query = query.where(KEYS.c.tenant == tenant)
            return [_key(row) for row in conn.execute(query).mappings()]

        return self._read(run)

    def rotate_key(self, old_id: str, new: ApiKeyRecord, old_expires_at: datetime) -> ApiKeyRecord:
        """Add ``new`` (rotated from ``old_id``) and let the old key live until ``old_expires_at``."""

        def run(conn: Connection) -> ApiKeyRecord:
            old = conn.execute(select(KEYS).where(KEYS.c.id == old_id).with_for_update()).mappings().one_or_none()
            if old is None or old["tenant"] != new.tenant:
                raise NotFoundError(f"no API key {old_id!r}")
            if old["revoked_at"] is not None:
                raise NotFoundError(f"API key {old_id!r} is revoked")
            current = old["expires_at"]
            expires = old_expires_at if current is None else min(as_utc(current), old_expires_at)
            conn.execute(update(KEYS).where(KEYS.c.id == old_id).values(expires_at=expires))
            conn.execute(insert(KEYS).values(**_key_values(new)))
            return new

        return self._write(run)

    def revoke_key(self, key_id: str, at: datetime, tenant: str | None = None) -> ApiKeyRecord:
        def run(conn: Connection) -> ApiKeyRecord:
            row = conn.execute(select(KEYS).where(KEYS.c.id == key_id).with_for_update()).mappings().one_or_none()
            if row is None or (tenant is not None and row["tenant"] != tenant):
                raise NotFoundError(f"no API key {key_id!r}")
            if row["revoked_at"] is None:
                conn.execute(update(KEYS).where(KEYS.c.id == key_id).values(revoked_at=at))
                return _key({**row, "revoked_at": at})
            return _key(row)

        return self._write(run)

    # --- lineage --------------------------------------------------------------------------------

    def find_lineage(
        self,
        tenant: str,
        *,
        since: datetime,
        parent_id: str | None = None,
        images: Sequence[ImageFingerprint] = (),
        session_id: str | None = None,
        max_distance: int = 6,
    ) -> LineageState | None:
        """The lineage this step continues: the parent decision's, else the lineage of an earlier
        image with the same digest, else one within ``max_distance`` dHash bits, else (for a step
        without an image) the session's latest. Only lineages active since ``since`` count."""

        def run(conn: Connection) -> LineageState | None:
            if parent_id is not None:
                lineage_id = conn.execute(
                    self._lineage_of_decision, {"decision_id": parent_id, "tenant": tenant}
                ).scalar_one_or_none()
                if lineage_id is not None:
                    return self._lineage(conn, lineage_id, "parent", None)
            for image in images:
                lineage_id = conn.execute(
                    self._lineage_by_digest, {"tenant": tenant, "sha256": image.sha256, "since": since}
                ).scalar_one_or_none()
                if lineage_id is not None:
                    return self._lineage(conn, lineage_id, "sha256", 0)
            for image in images:
                rows = conn.execute(
                    self._lineage_candidates, {"tenant": tenant, "keys": list(image.band_keys()), "since": since}
                ).all()
                nearest = _nearest(image, rows, max_distance)
                if nearest is not None:
                    return self._lineage(conn, nearest[1], "dhash", nearest[0])
            if session_id is not None and not images:
                row = (
                    conn.execute(self._lineage_of_session, {"tenant": tenant, "session_id": session_id, "since": since})
                    .mappings()
                    .one_or_none()
                )
                if row is not None:
                    return _state(row, "session", None)
            return None

        return self._read(run)

    def _lineage(
        self, conn: Connection, lineage_id: str, how: LineageMatch, distance: int | None
    ) -> LineageState | None:
        row = conn.execute(self._lineage_by_id, {"lineage_id": lineage_id}).mappings().one_or_none()
        return None if row is None else _state(row, how, distance)

    # --- decisions ------------------------------------------------------------------------------

    def record(self, decision: NewDecision) -> DecisionRecord:
        outcome = self.record_batch([decision])[0]
        if isinstance(outcome, StorageError):
            raise outcome
        return outcome

    def record_batch(self, decisions: Sequence[NewDecision]) -> list[DecisionRecord | StorageError]:
        """Record several decisions in one transaction (one commit, one fsync), each under its own
        savepoint: a decision that fails is rolled back alone and reported, the others commit."""
        outcomes: list[DecisionRecord | StorageError | None] = [None] * len(decisions)
        # Sessions are created in sorted order too, so two batches creating the same ones queue.
        order = sorted(range(len(decisions)), key=lambda i: decisions[i].session_id or "")
        try:
            with self._transaction(write=True) as conn:
                if self._row_locks:
                    self._lock_rows(conn, decisions)
                for i in order:
                    try:
                        with conn.begin_nested():
                            outcomes[i] = self._record(conn, decisions[i])
                    except SQLAlchemyError as exc:
                        failure = StorageError(f"cannot record decision: {str(exc).splitlines()[0][:300]}")
                        failure.__cause__ = exc
                        outcomes[i] = failure
        except StorageError as exc:  # the commit itself failed: nothing of the batch is stored
            return [exc] * len(decisions)
        return [o for o in outcomes if o is not None]

    def _lock_rows(self, conn: Connection, decisions: Sequence[NewDecision]) -> None:
        """Take the batch's row locks up front, in one global order (lineages, then sessions, each
        sorted), so two processes' batches touching the same rows queue instead of deadlocking."""
        lineage_ids = sorted({d.lineage.id for d in decisions if d.lineage is not None})
        if lineage_ids:
            conn.execute(self._lock_lineages, {"ids": lineage_ids}).all()
        sessions = sorted({(d.tenant, d.session_id) for d in decisions if d.session_id is not None})
        for tenant, session_id in sessions:
            conn.execute(self._lock_session, {"tenant": tenant, "session_id": session_id}).all()

    def _record(self, conn: Connection, d: NewDecision) -> DecisionRecord:
        now = utcnow()
        lineage_id: str | None = None
        step: int | None = None
        earlier: int | None = None
        if d.lineage is not None:
            earlier = d.lineage.max_requested_exposure
            lineage_id = d.lineage.id
            step = conn.execute(
                self._step_lineage,
                {"lineage_id": lineage_id, "now": now, "req": d.requested_exposure, "out": d.output_exposure},
            ).scalar_one()
        elif d.start_lineage:
            lineage_id, step = new_id("lin"), 1
            conn.execute(
                self._insert_lineage,
                {
                    "id": lineage_id,
                    "tenant": d.tenant,
                    "created_at": now,
                    "updated_at": now,
                    "steps": 1,
                    "max_requested_exposure": d.requested_exposure,
                    "max_output_exposure": d.output_exposure,
                },
            )
        if d.session_id is not None:
            conn.execute(
                self._touch_session,
                {
                    "tenant": d.tenant,
                    "id": d.session_id,
                    "account_id": d.account_id,
                    "created_at": now,
                    "updated_at": now,
                    "steps": 1,
                    "last_lineage_id": lineage_id,
                },
            )
        values = _decision_values(d, lineage_id, step, earlier, now)
        conn.execute(self._insert_decision, values)
        for image in d.images:
            fingerprint_id = conn.execute(
                self._insert_fingerprint,
                {
                    "tenant": d.tenant,
                    "decision_id": d.id,
                    "lineage_id": lineage_id,
                    "role": image.role,
                    "sha256": image.fingerprint.sha256,
                    "dhash": image.fingerprint.dhash,
                    "created_at": now,
                },
            ).scalar_one()
            conn.execute(
                self._insert_bands,
                [
                    {"fingerprint_id": fingerprint_id, "band_key": key, "tenant": d.tenant}
                    for key in image.fingerprint.band_keys()
                ],
            )
        if d.action == "review":
            conn.execute(
                self._insert_review, {"decision_id": d.id, "tenant": d.tenant, "status": "open", "created_at": now}
            )
        return _decision(values)

    def get_decision(self, tenant: str, decision_id: str) -> DecisionRecord:
        def run(conn: Connection) -> DecisionRecord:
            row = conn.execute(select(DECISIONS).where(DECISIONS.c.id == decision_id)).mappings().one_or_none()
            if row is None or row["tenant"] != tenant:
                raise NotFoundError(f"no decision {decision_id!r}")
            return _decision(row)

        return self._read(run)

    # --- review queue ---------------------------------------------------------------------------

    def list_reviews(self, tenant: str, status: str = "open", limit: int = 100) -> list[ReviewItem]:
        def run(conn: Connection) -> list[ReviewItem]:
            rows = conn.execute(
                select(REVIEWS)
                .where(REVIEWS.c.tenant == tenant, REVIEWS.c.status == status)
                .order_by(REVIEWS.c.created_at)
                .limit(limit)
            ).mappings()
            return [_review(r) for r in rows]

        return self._read(run)

    def resolve_review(
        self, tenant: str, decision_id: str, *, outcome: str, reviewer_key_id: str, note: str | None, at: datetime
    ) -> ReviewItem:
        def run(conn: Connection) -> ReviewItem:
            found = (
                conn.execute(select(REVIEWS).where(REVIEWS.c.decision_id == decision_id).with_for_update())
                .mappings()
                .one_or_none()
            )
            if found is None or found["tenant"] != tenant:
                raise NotFoundError(f"no review item for decision {decision_id!r}")
            changes = {
                "status": "resolved",
                "outcome": outcome,
                "reviewer_key_id": reviewer_key_id,
                "note": note,
                "resolved_at": at,
            }
            conn.execute(update(REVIEWS).where(REVIEWS.c.decision_id == decision_id).values(**changes))
            return _review({**found, **changes})

        return self._write(run)


# --- helpers (run inside a transaction) -------------------------------------------------------------


def _greatest(column: Any, value: Any) -> Any:
    """``max(column, value)`` in SQL, NULL-aware on both sides, portable across SQLite and PostgreSQL."""
    return case((value.is_(None), column), (column.is_(None), value), (column < value, value), else_=column)


def _state(row: Mapping[Any, Any], how: LineageMatch, distance: int | None) -> LineageState:
    return LineageState(
        id=row["id"],
        steps=row["steps"],
        max_requested_exposure=row["max_requested_exposure"],
        max_output_exposure=row["max_output_exposure"],
        matched_by=how,
        distance=distance,
    )


def _nearest(image: ImageFingerprint, rows: Sequence[Any], max_distance: int) -> tuple[int, str] | None:
    """The closest candidate within ``max_distance`` dHash bits: ``(distance, lineage_id)``. Candidates
    share a band with ``image`` (pigeonhole: every hash within 7 bits shares one of the 8 bands)."""
    target = image.dhash_int
    best: tuple[int, str] | None = None
    for lineage_id, dhash in rows:
        if lineage_id is None:
            continue
        distance = hamming(target, int(dhash, 16))
        if distance <= max_distance and (best is None or distance < best[0]):
            best = (distance, lineage_id)
    return best


def _key_values(key: ApiKeyRecord) -> dict[str, Any]:
    return {
        "id": key.id,
        "tenant": key.tenant,
        "name": key.name,
        "secret_hash": key.secret_hash,
        "scopes": " ".join(sorted(key.scopes)),
        "rate_per_minute": key.rate_per_minute,
        "created_at": key.created_at,
        "expires_at": key.expires_at,
        "revoked_at": key.revoked_at,
        "rotated_from": key.rotated_from,
    }


def _key(row: Mapping[Any, Any]) -> ApiKeyRecord:
    return ApiKeyRecord(
        id=row["id"],
        tenant=row["tenant"],
        name=row["name"],
        secret_hash=row["secret_hash"],
        scopes=frozenset(row["scopes"].split()),
        rate_per_minute=row["rate_per_minute"],
        created_at=as_utc(row["created_at"]),
        expires_at=None if row["expires_at"] is None else as_utc(row["expires_at"]),
        revoked_at=None if row["revoked_at"] is None else as_utc(row["revoked_at"]),
        rotated_from=row["rotated_from"],
    )


def _decision_values(
    d: NewDecision, lineage_id: str | None, step: int | None, earlier: int | None, now: datetime
) -> dict[str, Any]:
    source = next((i.fingerprint for i in d.images if i.role == "source"), None)
    output = next((i.fingerprint for i in d.images if i.role == "output"), None)
    return {
        "id": d.id,
        "tenant": d.tenant,
        "key_id": d.key_id,
        "request_id": d.request_id,
        "stage": d.stage,
        "subject_type": "prompt" if d.stage == "request" else "generation",
        "parent_id": d.parent_id,
        "lineage_id": lineage_id,
        "lineage_step": step,
        "session_id": d.session_id,
        "account_id": d.account_id,
        "jurisdiction": d.jurisdiction,
        "action": d.action,
        "categories": list(d.categories),
        "severity": d.severity,
        "degraded": d.degraded,
        "rules": list(d.rules),
        "signals": d.signals,
        "policy_name": d.policy_name,
        "policy_digest": d.policy_digest,
        "models": list(d.models),
        "text_sha256": None if d.text is None else d.text.sha256,
        "text_chars": None if d.text is None else d.text.chars,
        "source_sha256": None if source is None else source.sha256,
        "source_dhash": None if source is None else source.dhash,
        "output_sha256": None if output is None else output.sha256,
        "output_dhash": None if output is None else output.dhash,
        "requested_exposure": d.requested_exposure,
        "output_exposure": d.output_exposure,
        "lineage_exposure": earlier,
        "detector_ms": d.detector_ms,
        "queue_ms": d.queue_ms,
        "received_at": d.received_at,
        "created_at": now,
    }


def _decision(row: Mapping[Any, Any]) -> DecisionRecord:
    return DecisionRecord(
        id=row["id"],
        tenant=row["tenant"],
        key_id=row["key_id"],
        request_id=row["request_id"],
        stage=row["stage"],
        subject_type=row["subject_type"],
        parent_id=row["parent_id"],
        lineage_id=row["lineage_id"],
        lineage_step=row["lineage_step"],
        lineage_exposure=row["lineage_exposure"],
        session_id=row["session_id"],
        account_id=row["account_id"],
        jurisdiction=row["jurisdiction"],
        action=row["action"],
        categories=tuple(row["categories"]),
        severity=row["severity"],
        degraded=bool(row["degraded"]),
        rules=tuple(row["rules"]),
        signals=dict(row["signals"]),
        policy_name=row["policy_name"],
        policy_digest=row["policy_digest"],
        models=tuple(row["models"]),
        text_sha256=row["text_sha256"],
        text_chars=row["text_chars"],
        source_sha256=row["source_sha256"],
        source_dhash=row["source_dhash"],
        output_sha256=row["output_sha256"],
        output_dhash=row["output_dhash"],
        requested_exposure=row["requested_exposure"],
        output_exposure=row["output_exposure"],
        detector_ms=row["detector_ms"],
        queue_ms=row["queue_ms"],
        received_at=as_utc(row["received_at"]),
        created_at=as_utc(row["created_at"]),
    )


def _review(row: Mapping[Any, Any]) -> ReviewItem:
    return ReviewItem(
        decision_id=row["decision_id"],
        tenant=row["tenant"],
        status=row["status"],
        created_at=as_utc(row["created_at"]),
        resolved_at=None if row["resolved_at"] is None else as_utc(row["resolved_at"]),
        outcome=row["outcome"],
        reviewer_key_id=row["reviewer_key_id"],
        note=row["note"],
    )


__all__ = ["DecisionStore", "SqlStore"]
