"""``rempart serve``, ``rempart db upgrade|current`` and ``rempart keys create|rotate|list|revoke``.

All read their settings from the environment (``REMPART_*``, see ``rempart.settings``); flags
override the few that are commonly changed on the command line. ``keys create`` and ``keys rotate``
print the new secret key once: it is stored only as a hash.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from rempart.errors import ConfigError
from rempart.settings import Settings, load_settings

if TYPE_CHECKING:
    from rempart.storage import SqlStore


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = sub.add_parser("serve", help="run the HTTP gateway (settings from REMPART_* environment variables)")
    serve.add_argument("--host", help="address to bind (default REMPART_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default REMPART_PORT or 8080)")
    serve.add_argument("--policy", type=Path, help="policy file (default REMPART_POLICY or the shipped policy)")
    serve.add_argument("--database-url", help="database URL (default REMPART_DATABASE_URL or SQLite in the data dir)")
    serve.add_argument("--workers", type=int, help="server processes (default REMPART_WORKERS or 1)")
    serve.add_argument("--no-migrate", action="store_true", help="do not apply migrations at start-up")
    serve.set_defaults(handler=run_serve)

    db = sub.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION")
    up = db_sub.add_parser("upgrade", help="apply schema migrations up to the current version")
    up.add_argument("--database-url", help="database URL (default REMPART_DATABASE_URL)")
    up.set_defaults(handler=run_db_upgrade)
    cur = db_sub.add_parser("current", help="print the schema version of the database and of this rempart")
    cur.add_argument("--database-url", help="database URL (default REMPART_DATABASE_URL)")
    cur.set_defaults(handler=run_db_current)
    db.set_defaults(handler=_help(db))

    keys = sub.add_parser("keys", help="manage API keys")
    keys.add_argument("--database-url", help="database URL (default REMPART_DATABASE_URL)")
    keys_sub = keys.add_subparsers(dest="keys_command", metavar="ACTION")
    create = keys_sub.add_parser("create", help="create a key and print it (once)")
    create.add_argument("--tenant", required=True)
    create.add_argument("--scopes", required=True, help="comma-separated: screen, review, audit, admin")
    create.add_argument(
        "--rate-per-minute", type=int, help="per-key rate limit (default REMPART_DEFAULT_RATE_PER_MINUTE)"
    )
    create.add_argument("--name", default="", help="a label for the key")
    create.set_defaults(handler=run_keys_create)
    rotate = keys_sub.add_parser("rotate", help="replace a key; the old one works for --grace-seconds more")
    rotate.add_argument("key_id")
    rotate.add_argument("--grace-seconds", type=int, default=3600)
    rotate.set_defaults(handler=run_keys_rotate)
    listing = keys_sub.add_parser("list", help="list keys (never their secrets)")
    listing.add_argument("--tenant")
    listing.set_defaults(handler=run_keys_list)
    revoke = keys_sub.add_parser("revoke", help="revoke a key now")
    revoke.add_argument("key_id")
    revoke.set_defaults(handler=run_keys_revoke)
    keys.set_defaults(handler=_help(keys))


def _help(parser: argparse.ArgumentParser) -> Callable[[argparse.Namespace], int]:
    def handler(_args: argparse.Namespace) -> int:
        parser.print_help()
        return 2

    return handler


def _settings(args: argparse.Namespace, **extra: object) -> Settings:
    overrides: dict[str, object] = {k: v for k, v in extra.items() if v is not None}
    url = getattr(args, "database_url", None)
    if url:
        overrides["database_url"] = url
    return load_settings(**overrides)


def run_serve(args: argparse.Namespace) -> int:
    from rempart.api.server import serve

    settings = _settings(
        args,
        host=args.host,
        port=args.port,
        policy=args.policy,
        workers=args.workers,
        migrate_on_start=False if args.no_migrate else None,
    )
    serve(settings)
    return 0


@contextmanager
def _store(settings: Settings, *, migrate: bool) -> Iterator[SqlStore]:
    from rempart.storage import SqlStore, make_engine, upgrade

    engine = make_engine(settings.resolved_database_url, sqlite_synchronous=settings.sqlite_synchronous, pool_size=1)
    try:
        store = SqlStore(engine)
        if migrate:
            upgrade(engine)
        elif not store.schema_is_current():
            raise ConfigError("the database schema is not at the current version: run 'rempart db upgrade'")
        yield store
    finally:
        engine.dispose()


def run_db_upgrade(args: argparse.Namespace) -> int:
    from rempart.storage import make_engine, upgrade

    settings = _settings(args)
    engine = make_engine(settings.resolved_database_url, sqlite_synchronous=settings.sqlite_synchronous, pool_size=1)
    try:
        revision = upgrade(engine)
    finally:
        engine.dispose()
    print(f"database at schema revision {revision} ({engine.url.render_as_string(hide_password=True)})")
    return 0


def run_db_current(args: argparse.Namespace) -> int:
    from rempart.storage import current_revision, head_revision, make_engine

    settings = _settings(args)
    engine = make_engine(settings.resolved_database_url, sqlite_synchronous=settings.sqlite_synchronous, pool_size=1)
    try:
        current = current_revision(engine)
    finally:
        engine.dispose()
    head = head_revision()
    print(json.dumps({"database": current, "code": head, "up_to_date": current == head}))
    return 0 if current == head else 1


def run_keys_create(args: argparse.Namespace) -> int:
    from rempart.auth import create_key, parse_scopes

    settings = _settings(args)
    scopes = parse_scopes([args.scopes])
    with _store(settings, migrate=settings.migrate_on_start) as store:
        issued = create_key(
            store,
            tenant=args.tenant,
            scopes=scopes,
            rate_per_minute=args.rate_per_minute or settings.default_rate_per_minute,
            pepper=settings.api_key_pepper.get_secret_value(),
            name=args.name,
        )
    print(json.dumps({**issued.record.to_dict(), "api_key": issued.token}, indent=2))
    return 0


def run_keys_rotate(args: argparse.Namespace) -> int:
    from rempart.auth import rotate_key

    if args.grace_seconds < 0:
        raise ConfigError("--grace-seconds must be 0 or more")
    settings = _settings(args)
    with _store(settings, migrate=False) as store:
        issued = rotate_key(
            store, args.key_id, pepper=settings.api_key_pepper.get_secret_value(), grace_seconds=args.grace_seconds
        )
    print(json.dumps({**issued.record.to_dict(), "api_key": issued.token}, indent=2))
    return 0


def run_keys_list(args: argparse.Namespace) -> int:
    settings = _settings(args)
    with _store(settings, migrate=False) as store:
        keys = store.list_keys(args.tenant)
    for key in keys:
        print(json.dumps(key.to_dict()))
    return 0


def run_keys_revoke(args: argparse.Namespace) -> int:
    from rempart.auth import revoke_key

    settings = _settings(args)
    with _store(settings, migrate=False) as store:
        record = revoke_key(store, args.key_id)
    print(json.dumps(record.to_dict()))
    return 0
