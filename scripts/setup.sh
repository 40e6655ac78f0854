#!/usr/bin/env bash
# Create (or update) the project virtual environment in .venv with rempart and its dependencies.
# Idempotent: re-running only installs what changed. Needs Python >= 3.11 and network access to PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.rempart-installed
want=$(cat pyproject.toml scripts/setup.sh scripts/install-extras.sh 2>/dev/null | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  # pdqhash ships as source and compiles C++ during install: make sure a compiler is there first.
  if ! command -v g++ >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq g++ >/dev/null
  fi
  # The browser tests drive Debian's headless Chromium; best effort (they skip without it).
  if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || true
  fi
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[dev,ray]"
  if [ -f scripts/install-extras.sh ]; then
    bash scripts/install-extras.sh .venv/bin/python
  fi
  echo "$want" > "$stamp"
fi
