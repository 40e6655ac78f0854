"""The store and its migrations, on SQLite and PostgreSQL: schema agreement, atomic decisions, lineage lookup."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from gateway_fakes import draw_image, reencode
from sqlalchemy import func, select

from rempart.cli.main import main
from rempart.errors import ConfigError, NotFoundError, StorageError
from rempart.storage import (
    NewDecision,
    SqlStore,
    StoredImage,
    current_revision,
    fingerprint_image,
    fingerprint_text,
    hamming,
    head_revision,
    make_engine,
    new_id,
    normalise_url,
    upgrade,
    utcnow,
)
from rempart.storage.models import Base, DecisionRow, LineageRow, ReviewRow, SessionRow

LIMITS = {"max_bytes": 10_000_000, "max_pixels": 40_000_000}


def _decision(tenant: str, **overrides: object) -> NewDecision:
    values: dict[str, object] = {
        "id": new_id("dec"),
        "tenant": tenant,
        "key_id": None,
        "request_id": "req_1",
        "stage": "request",
        "action": "allow",
        "categories": (),
        "severity": "none",
        "degraded": False,
        "rules": (),
        "signals": {"prompt": {"status": "ok", "exposure": 0}},
        "policy_name": "p",
        "policy_digest": "sha256:x",
        "models": (),
        "received_at": utcnow(),
        "detector_ms": 1.0,
        "queue_ms": 0.0,
        "text": fingerprint_text("hello"),
    }
    values.update(overrides)
    return NewDecision(**values)  # type: ignore[arg-type]


@pytest.fixture
def store(database_url: str) -> SqlStore:
    engine = make_engine(database_url)
    upgrade(engine)
    yield SqlStore(engine)  # type: ignore[misc]
    engine.dispose()


def test_migrations_match_the_models_and_are_idempotent(store: SqlStore) -> None:
    assert current_revision(store.engine) == head_revision()
    assert upgrade(store.engine) == head_revision()
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_a_failed_decision_write_leaves_nothing_behind(store: SqlStore) -> None:
    tenant = "atomic-" + new_id("t")[-6:]
    image = fingerprint_image(draw_image(501), **LIMITS)
    bad = _decision(
        tenant,
        action="review",
        session_id="s-atomic",
        start_lineage=True,
        images=(StoredImage("source", image),),
        parent_id="dec_" + "9" * 26,  # no such decision: the foreign key fails at the end
    )
    with pytest.raises(StorageError):
        store.record(bad)
    with store.engine.connect() as conn:
        for table, column in (
            (DecisionRow, DecisionRow.tenant),
            (LineageRow, LineageRow.tenant),
            (SessionRow, SessionRow.tenant),
            (ReviewRow, ReviewRow.tenant),
        ):
            assert conn.scalar(select(func.count()).select_from(table).where(column == tenant)) == 0
    with pytest.raises(NotFoundError):
        store.get_decision(tenant, bad.id)


def test_a_review_decision_and_its_review_item_commit_together(store: SqlStore) -> None:
    tenant = "review-" + new_id("t")[-6:]
    record = store.record(_decision(tenant, action="review"))
    assert [i.decision_id for i in store.list_reviews(tenant)] == [record.id]
    resolved = store.resolve_review(tenant, record.id, outcome="allow", reviewer_key_id="k", note=None, at=utcnow())
    assert resolved.status == "resolved"
    with pytest.raises(NotFoundError):
        store.resolve_review("other", record.id, outcome="allow", reviewer_key_id="k", note=None, at=utcnow())


def test_lineage_lookup_by_digest_dhash_session_and_window(store: SqlStore) -> None:
    tenant = "lin-" + new_id("t")[-6:]
    since = utcnow() - timedelta(hours=1)
    photo = fingerprint_image(draw_image(502), **LIMITS)
    first = store.record(
        _decision(
            tenant, images=(StoredImage("source", photo),), start_lineage=True, session_id="s1", requested_exposure=2
        )
    )
    assert first.lineage_id is not None and first.lineage_step == 1
    by_digest = store.find_lineage(tenant, since=since, images=[photo])
    assert by_digest is not None and by_digest.matched_by == "sha256" and by_digest.max_requested_exposure == 2
    near = fingerprint_image(reencode(draw_image(502), "JPEG", 60, scale=0.5), **LIMITS)
    assert near.sha256 != photo.sha256 and hamming(near.dhash_int, photo.dhash_int) <= 6
    by_dhash = store.find_lineage(tenant, since=since, images=[near])
    assert by_dhash is not None and by_dhash.matched_by == "dhash" and by_dhash.id == first.lineage_id
    other = fingerprint_image(draw_image(503), **LIMITS)
    assert store.find_lineage(tenant, since=since, images=[other]) is None
    by_session = store.find_lineage(tenant, since=since, session_id="s1")
    assert by_session is not None and by_session.matched_by == "session"
    assert store.find_lineage("someone-else", since=since, images=[photo]) is None
    assert store.find_lineage(tenant, since=utcnow() + timedelta(seconds=5), images=[photo]) is None
    second = store.record(_decision(tenant, lineage=by_digest, requested_exposure=3))
    assert second.lineage_step == 2 and second.lineage_exposure == 2
    again = store.find_lineage(tenant, since=since, images=[photo])
    assert again is not None and again.max_requested_exposure == 3 and again.steps == 2


def test_fingerprints_refuse_bad_images() -> None:
    from rempart.errors import ImageTooLargeError, InvalidImageError

    with pytest.raises(InvalidImageError):
        fingerprint_image(b"\x89PNG\r\n\x1a\n truncated", **LIMITS)
    with pytest.raises(ImageTooLargeError):
        fingerprint_image(draw_image(504), max_bytes=100, max_pixels=10**9)
    with pytest.raises(ImageTooLargeError):
        fingerprint_image(draw_image(504), max_bytes=10**9, max_pixels=1000)


def test_database_urls_are_normalised() -> None:
    assert normalise_url("postgres://u@h/db").drivername == "postgresql+psycopg"
    assert normalise_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    with pytest.raises(ConfigError):
        normalise_url("mysql://u@h/db")
    with pytest.raises(ConfigError):
        normalise_url("::not a url::")


def test_cli_db_upgrade_and_current(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["db", "current", "--database-url", url]) == 1
    assert '"up_to_date": false' in capsys.readouterr().out
    assert main(["db", "upgrade", "--database-url", url]) == 0
    assert head_revision() in capsys.readouterr().out
    assert main(["db", "current", "--database-url", url]) == 0
