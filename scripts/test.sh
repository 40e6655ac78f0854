#!/usr/bin/env bash
# Set up the environment and run every check: lint, types, and the whole test suite
# (unit tests on fakes, real-weights tests, SQLite and PostgreSQL integration, HTTP and browser).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check src tests tools benchmarks
.venv/bin/mypy
REMPART_MODELS=1 .venv/bin/python -m pytest "$@"
