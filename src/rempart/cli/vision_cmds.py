"""``rempart inspect``, ``rempart compare`` and ``rempart models``: the vision stack from the shell.

JSON contract (stable; one line per image or pair, models loaded once per invocation)::

    inspect IMAGE... --json  ->  {"path", "faces": [{"box": [x, y, w, h], "apparent_age": {"estimate",
                                  "low", "high"}, "possible_minor", "possible_minor_challenge25",
                                  "presentation": "female"|"male"|"unknown", ...}], "exposure": {"level",
                                  "persons": [...], "nsfw_score", ...}, "hashes": {"pdq", "pdq_quality",
                                  "phash"}, "provenance": {...}, "degraded", "failed", ...}
    compare A B --json       ->  {"file_a", "file_b", "same_person", "distance", "threshold"[, "reason"]}
    compare --pairs CSV      ->  the same for every ``file_a,file_b`` row (a header row is skipped)

An image that cannot be read gives ``{"path", "error": {"code", "message"}}`` (for a pair, the
``file_a``/``file_b`` line carries the ``error``) and the batch goes on. The exit code is 0 when at
least one image (or pair) was analysed, 3 when every input was rejected, 4 when the models cannot load.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from rempart.errors import InputError, RempartError
from rempart.media.loading import load_path
from rempart.vision.analyzer import ImageAnalyzer
from rempart.vision.values import ImageSignals


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("inspect", help="print every image signal (faces, age, exposure, hashes, provenance)")
    p.add_argument("images", nargs="+", metavar="IMAGE", help="image files (JPEG, PNG, WebP, GIF, HEIC)")
    p.add_argument("--json", action="store_true", help="one JSON line per image (the stable contract)")
    p.add_argument("--no-identity", dest="identity", action="store_false", help="skip face embeddings")
    p.add_argument("--embeddings", action="store_true", help="include the 128-d embeddings in the JSON")
    p.add_argument("--detectors", action="store_true", help="include every detector result in the JSON")
    p.set_defaults(handler=run_inspect)

    c = sub.add_parser("compare", help="same person in two images? (face embedding distance)")
    c.add_argument("images", nargs="*", metavar="IMAGE", help="IMAGE_A IMAGE_B")
    c.add_argument("--pairs", metavar="CSV", help="compare every file_a,file_b row of a CSV file")
    c.add_argument("--json", action="store_true", help="JSON lines (the stable contract)")
    c.set_defaults(handler=run_compare)

    m = sub.add_parser("models", help="list the vision models: package, version, file digest, licence")
    m.add_argument("--json", action="store_true", help="one JSON line per model")
    m.set_defaults(handler=run_models)


def run_inspect(args: argparse.Namespace) -> int:
    return inspect_paths(
        ImageAnalyzer(),
        args.images,
        sys.stdout,
        as_json=args.json,
        identity=args.identity,
        embeddings=args.embeddings,
        detectors=args.detectors,
    )


def run_compare(args: argparse.Namespace) -> int:
    if args.pairs is not None:
        if args.images:
            raise InputError("give either IMAGE_A IMAGE_B or --pairs CSV, not both")
        pairs = read_pairs(Path(args.pairs))
    elif len(args.images) == 2:
        pairs = iter([(args.images[0], args.images[1], None)])
    else:
        raise InputError("compare needs exactly two images (or --pairs CSV)")
    return compare_pairs(ImageAnalyzer(), pairs, sys.stdout, as_json=args.json)


def run_models(args: argparse.Namespace) -> int:
    from rempart.vision.weights import ALL_WEIGHTS, model_info

    for weight in ALL_WEIGHTS:
        try:
            info = model_info(weight).to_dict()
            info["role"] = weight.role
        except RempartError as exc:
            info = {
                "name": weight.name,
                "package": weight.package,
                "role": weight.role,
                "error": {"code": exc.code, "message": str(exc)},
            }
        if args.json:
            print(json.dumps(info, ensure_ascii=False))
        else:
            digest = (info.get("sha256") or "-")[:16]
            where = (
                f"{info.get('file') or '(code)'} sha256:{digest}" if "error" not in info else info["error"]["message"]
            )
            print(f"{info['name']:<34} {info['package']} {info.get('version', '?'):<10} {where}")
            print(f"{'':<34} {weight.role}; licence: {weight.licence}")
    return 0


def inspect_paths(
    analyzer: ImageAnalyzer,
    paths: Sequence[str],
    out: IO[str],
    *,
    as_json: bool,
    identity: bool = True,
    embeddings: bool = False,
    detectors: bool = False,
) -> int:
    """Analyze each path and print one line (JSON) or one block (text) per image."""
    done = 0
    for path in paths:
        try:
            image = load_path(path)
        except InputError as exc:
            _emit(out, as_json, {"path": path, "error": {"code": exc.code, "message": str(exc)}})
            continue
        analyzer.load()
        signals = analyzer.analyze(image, identity=identity)
        done += 1
        if as_json:
            line = {"path": path, **signals.to_dict(with_results=detectors, with_embeddings=embeddings)}
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
        else:
            out.write(human_summary(path, signals) + "\n")
        out.flush()
    return 0 if done or not paths else 3


def read_pairs(path: Path) -> Iterator[tuple[str, str, str | None]]:
    """(file_a, file_b, problem) per CSV row; relative paths resolve from the CSV's folder if not found."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from None
    base = path.parent
    for number, row in enumerate(csv.reader(text.splitlines()), start=1):
        cells = [c.strip() for c in row]
        if not cells or all(not c for c in cells) or cells[0].startswith("#"):
            continue
        if number == 1 and [c.lower() for c in cells[:2]] == ["file_a", "file_b"]:
            continue
        if len(cells) < 2 or not cells[0] or not cells[1]:
            yield (cells[0] if cells else "", "", f"line {number}: expected 'file_a,file_b'")
            continue
        yield (_resolve(cells[0], base), _resolve(cells[1], base), None)


def _resolve(name: str, base: Path) -> str:
    candidate = Path(name)
    if candidate.is_absolute() or candidate.exists() or not (base / candidate).exists():
        return name
    return str(base / candidate)


def compare_pairs(
    analyzer: ImageAnalyzer, pairs: Iterable[tuple[str, str, str | None]], out: IO[str], *, as_json: bool
) -> int:
    """Compare each pair; every image is analysed once per invocation however many pairs name it."""
    cache: dict[str, ImageSignals | RempartError] = {}
    done = total = 0
    for file_a, file_b, problem in pairs:
        total += 1
        line: dict[str, Any] = {"file_a": file_a, "file_b": file_b}
        if problem is not None:
            line["error"] = {"code": "invalid_record", "message": problem}
            _emit(out, as_json, line)
            continue
        a, b = _signals(analyzer, file_a, cache), _signals(analyzer, file_b, cache)
        failed = next(((name, s) for name, s in (("file_a", a), ("file_b", b)) if isinstance(s, RempartError)), None)
        if failed is not None:
            name, exc = failed
            assert isinstance(exc, RempartError)
            line["error"] = {"code": exc.code, "message": f"{name}: {exc}"}
            _emit(out, as_json, line)
            continue
        assert isinstance(a, ImageSignals) and isinstance(b, ImageSignals)
        match = analyzer.compare(a, b)
        line.update(match.to_dict())
        if a.degraded or b.degraded:
            line["degraded"] = True
        done += 1
        _emit(out, as_json, line)
    return 0 if done or not total else 3


def _signals(
    analyzer: ImageAnalyzer, path: str, cache: dict[str, ImageSignals | RempartError]
) -> ImageSignals | RempartError:
    if path not in cache:
        try:
            image = load_path(path)
        except InputError as exc:
            cache[path] = exc
        else:
            analyzer.load()
            cache[path] = analyzer.analyze(image, identity=True)
    return cache[path]


def _emit(out: IO[str], as_json: bool, line: dict[str, Any]) -> None:
    if as_json:
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
    elif "error" in line:
        who = line.get("path") or f"{line.get('file_a')} vs {line.get('file_b')}"
        out.write(f"{who}: error: {line['error']['message']}\n")
    else:
        reason = f" ({line['reason']})" if line.get("reason") else ""
        distance = "n/a" if line.get("distance") is None else f"{line['distance']:.3f}"
        verdict = "SAME PERSON" if line["same_person"] else "different / unknown"
        out.write(
            f"{line['file_a']} vs {line['file_b']}: {verdict}  distance {distance} "
            f"(threshold {line['threshold']}){reason}\n"
        )
    out.flush()


def human_summary(path: str, s: ImageSignals) -> str:
    img = s.image
    lines = [f"{path}: {img.format} {img.width}x{img.height}  sha256 {img.sha256[:16]}…  ({s.latency_ms:.0f} ms)"]
    if s.exposure is not None:
        lines.append(
            f"  exposure: level {int(s.exposure.level)} ({s.exposure.level.name.lower()})"
            + (f"  nsfw {s.exposure.nsfw_score:.3f}" if s.exposure.nsfw_score is not None else "")
        )
        lines.extend(f"    - {reason}" for reason in s.exposure.reasons)
    lines.append(f"  faces: {len(s.faces)}   persons: {len(s.persons)}")
    for f in s.faces:
        age = f.apparent_age
        age_text = f"age {age.estimate:.0f} [{age.low:.0f}-{age.high:.0f}]" if age else "age unknown"
        flags = [
            name
            for name, on in (
                ("POSSIBLE MINOR", f.possible_minor),
                ("under challenge-25", f.possible_minor_challenge25),
            )
            if on
        ]
        lines.append(
            f"    face {f.index}: box {f.box.to_list()} ({f.source}, {f.score:.2f})  {age_text}  "
            f"{f.presentation.value}" + (f"  [{', '.join(flags)}]" if flags else "")
        )
    for p in s.persons:
        regions = ", ".join(f"{r.label} {r.score:.2f}" for r in p.regions) or "no body regions"
        face = f"face {p.face_index}" if p.face_index is not None else "no face"
        lines.append(f"    person {p.index} ({face}): level {int(p.level)}; {regions}")
    if s.hashes is not None:
        lines.append(f"  pdq {s.hashes.pdq} (quality {s.hashes.pdq_quality})  phash {s.hashes.phash}")
    if s.provenance is not None:
        prov = s.provenance
        c2pa = f"C2PA manifest ({prov.c2pa_validation})" if prov.c2pa_present else "no C2PA manifest"
        lines.append(f"  provenance: {c2pa}; AI-generation marker: {'yes' if prov.ai_generated_marker else 'no'}")
        lines.extend(f"    - {m.kind} {m.key}: {m.value}" for m in prov.markers)
    for r in s.results:
        if r.status.value != "ok":
            lines.append(f"  ! {r.detector}: {r.status.value}: {r.error}")
    return "\n".join(lines)
