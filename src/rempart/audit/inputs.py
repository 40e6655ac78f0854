"""What to audit: a folder of images (walked recursively) or a manifest, and the human-labels file.

A *folder* yields every file with an image extension (``.jpg .jpeg .png .webp .gif .heic .heif
.avif``, any case), sorted, each with the metadata ``folder`` (its parent folder relative to the
root, ``.`` at the top). Hidden files and folders are skipped; symbolic links are not followed.

A *manifest* is a CSV file with a header row, or a JSONL file of objects. The image path is the
first of the columns / keys ``path``, ``file``, ``image``, ``image_path``, ``filename``; every other
column or scalar key becomes metadata (a string: post id, date, author, prompt...). Relative paths
are resolved from the manifest's folder. A row without a path raises ``InvalidRecordError`` naming
its line; duplicate paths keep the first row.

A *labels* file is a CSV with ``path`` and/or ``sha256`` and any of the reviewer columns of the
verification template (``people, exposed, exposure_level, presentation, woman, minor, style``).
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

from rempart.audit.records import AuditItem
from rempart.audit.report import HumanLabel
from rempart.errors import InputError, InvalidRecordError

IMAGE_SUFFIXES: Final = frozenset({".jpg", ".jpeg", ".png", ".webp", ".gif", ".heic", ".heif", ".avif"})
PATH_KEYS: Final[tuple[str, ...]] = ("path", "file", "image", "image_path", "filename")
MANIFEST_SUFFIXES: Final = frozenset({".csv", ".jsonl", ".ndjson"})
REVIEW_COLUMNS: Final[tuple[str, ...]] = (
    "people",
    "exposed",
    "exposure_level",
    "presentation",
    "woman",
    "minor",
    "style",
)


def discover(source: str | os.PathLike[str]) -> list[AuditItem]:
    """The items of a folder or a manifest (``InputError`` when ``source`` is neither)."""
    root = Path(source)
    if root.is_dir():
        return list(walk(root))
    if root.is_file() and root.suffix.lower() in MANIFEST_SUFFIXES:
        return read_manifest(root)
    if root.is_file():
        raise InputError(f"{root}: not a folder nor a manifest (.csv or .jsonl)")
    raise InputError(f"{root}: no such folder or file")


def walk(root: Path) -> Iterator[AuditItem]:
    found: list[Path] = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            if name.startswith(".") or Path(name).suffix.lower() not in IMAGE_SUFFIXES:
                continue
            path = Path(folder) / name
            if path.is_symlink():
                continue
            found.append(path)
    base = root.resolve()
    for path in sorted(found):
        full = path.resolve()
        parent = full.parent.relative_to(base).as_posix() if full.parent != base else "."
        yield AuditItem(str(full), {"folder": parent})


def read_manifest(path: Path) -> list[AuditItem]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from None
    rows = _jsonl_rows(text, path) if path.suffix.lower() in (".jsonl", ".ndjson") else _csv_rows(text, path)
    base = path.parent.resolve()
    items: list[AuditItem] = []
    seen: set[str] = set()
    for line, row in rows:
        key = next((k for k in PATH_KEYS if row.get(k)), None)
        if key is None:
            raise InvalidRecordError(f"{path}:{line}: no image path (expected one of {', '.join(PATH_KEYS)})")
        file = Path(row[key]).expanduser()
        full = str(file if file.is_absolute() else (base / file).resolve())
        if full in seen:
            continue
        seen.add(full)
        items.append(AuditItem(full, {k: v for k, v in row.items() if k != key}))
    return items


def _csv_rows(text: str, path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise InvalidRecordError(f"{path}: empty CSV (a header row is required)")
    for row in reader:
        cleaned = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k}
        if any(cleaned.values()):
            yield reader.line_num, cleaned


def _jsonl_rows(text: str, path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data: Any = json.loads(line)
        except ValueError as exc:
            raise InvalidRecordError(f"{path}:{number}: not valid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise InvalidRecordError(f"{path}:{number}: expected a JSON object")
        yield number, {str(k): _scalar(v) for k, v in data.items() if v is not None and not isinstance(v, dict | list)}


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def read_labels(path: Path) -> list[HumanLabel]:
    """The rows of a human-labels CSV (rows with no reviewer field filled are skipped)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from None
    labels = []
    for line, row in _csv_rows(text, path):
        if not row.get("path") and not row.get("sha256"):
            raise InvalidRecordError(f"{path}:{line}: a label row needs a path or a sha256")
        fields = {k: v for k, v in row.items() if k in REVIEW_COLUMNS and v}
        if fields:
            labels.append(HumanLabel(row.get("path") or None, row.get("sha256") or None, fields))
    return labels
