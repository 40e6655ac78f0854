"""Database engines and schema migrations (Alembic, shipped inside the package).

``make_engine(url)`` builds a SQLAlchemy engine for SQLite (WAL journal, foreign keys on, a busy
timeout, ``BEGIN IMMEDIATE`` for write transactions so concurrent writers queue instead of
failing) or PostgreSQL (psycopg 3; ``postgresql://`` URLs are read as ``postgresql+psycopg://``).
``upgrade(engine)`` applies the migrations in ``rempart/storage/migrations`` up to head; on
PostgreSQL it holds an advisory lock so several processes starting together migrate once.
Database failures surface as ``StorageError``.
"""

from __future__ import annotations

import random
import sqlite3
import time
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from rempart.errors import ConfigError, StorageError

MIGRATIONS = "rempart.storage:migrations"
_ADVISORY_LOCK = 0x72656D70  # "remp"
WRITE_OPTION = "rempart_write"


def normalise_url(url: str) -> URL:
    """Parse ``url``; plain ``postgresql://`` and ``postgres://`` mean the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"invalid database URL: {exc}") from exc
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigError(f"unsupported database {parsed.get_backend_name()!r}: use sqlite or postgresql")
    return parsed


def make_engine(url: str, *, sqlite_synchronous: str = "FULL", pool_size: int = 4) -> Engine:
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, sqlite_synchronous)
    return create_engine(
        parsed,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        pool_recycle=1800,
        pool_timeout=10,
        # A row lock held too long (another process's transaction) fails the statement instead of
        # stalling every request behind it.
        connect_args={"options": "-c lock_timeout=5000"},
    )


def _sqlite_engine(url: URL, synchronous: str) -> Engine:
    if synchronous not in ("NORMAL", "FULL"):
        raise ConfigError(f"sqlite synchronous must be NORMAL or FULL, not {synchronous!r}")
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30.0, "isolation_level": None})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        # The driver's own transaction handling is off (isolation_level=None): say when and how.
        if conn.get_execution_options().get(WRITE_OPTION, False):
            _begin_immediate(conn.connection.dbapi_connection)
        else:
            conn.exec_driver_sql("BEGIN")

    return engine


def _begin_immediate(dbapi_conn: Any, timeout_s: float = 30.0) -> None:
    """Take SQLite's write lock, retrying every few hundred microseconds while another process holds
    it. SQLite's own busy handler sleeps 1, 2, 5, 10, 15... ms between tries, which turns a lock held
    for a millisecond by another gateway process into tens of milliseconds of latency."""
    cursor = dbapi_conn.cursor()
    try:
        cursor.execute("PRAGMA busy_timeout=0")
        deadline = time.monotonic() + timeout_s
        delay = 0.0001
        while True:
            try:
                cursor.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if ("locked" not in str(exc) and "busy" not in str(exc)) or time.monotonic() > deadline:
                    raise
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 1.5, 0.0003)
    finally:
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", MIGRATIONS)
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def head_revision() -> str:
    script = ScriptDirectory.from_config(_bare_config())
    head = script.get_current_head()
    if head is None:  # pragma: no cover - the package always ships migrations
        raise StorageError("no schema migrations are packaged")
    return head


def _bare_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", MIGRATIONS)
    return cfg


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except SQLAlchemyError as exc:
        raise StorageError(f"cannot read the schema version: {_short(exc)}") from exc


def upgrade(engine: Engine, revision: str = "head") -> str:
    """Apply migrations up to ``revision``; returns the revision the database is at afterwards."""
    cfg = alembic_config(engine)
    try:
        with engine.execution_options(**{WRITE_OPTION: True}).begin() as conn:
            if engine.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _ADVISORY_LOCK})
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    except SQLAlchemyError as exc:
        raise StorageError(f"schema migration failed: {_short(exc)}") from exc
    return current_revision(engine) or ""


def _short(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:300]
