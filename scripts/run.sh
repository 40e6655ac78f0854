#!/usr/bin/env bash
# Set up (on first use) and run the main job: the rempart gateway over HTTP, on SQLite (a file in
# ./var), with the shipped default policy. Extra arguments go to `rempart serve` (e.g. --port 9000).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export REMPART_DATA_DIR=${REMPART_DATA_DIR:-var}
exec .venv/bin/rempart serve "$@"
