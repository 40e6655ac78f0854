"""The ``rempart`` command: subcommands registered from small modules, errors mapped to exit codes.

Every ``RempartError`` becomes a one-line message on stderr and its ``exit_code``; an unexpected
exception is reported in one line too (with ``REMPART_DEBUG=1`` for the traceback), never as a
raw traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from rempart import __version__
from rempart.errors import RempartError

#: Modules that contribute subcommands through ``register(subparsers)``.
COMMAND_MODULES: tuple[str, ...] = (
    "rempart.cli.screen_cmd",
    "rempart.cli.eval_cmd",
    "rempart.cli.vision_cmds",
    "rempart.cli.serve_cmds",
    "rempart.cli.redteam_cmd",
    "rempart.cli.audit_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rempart",
        description="Safety gateway for AI image generation and editing.",
    )
    parser.add_argument("--version", action="version", version=f"rempart {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # optional command module not present in this build
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return int(handler(args) or 0)
    except RempartError as exc:
        print(f"rempart: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("rempart: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if os.environ.get("REMPART_DEBUG"):
            raise
        print(
            f"rempart: internal error: {type(exc).__name__}: {exc} (set REMPART_DEBUG=1 for details)", file=sys.stderr
        )
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
