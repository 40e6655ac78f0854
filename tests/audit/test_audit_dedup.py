"""Duplicate detection: the multi-index hash is exact against brute force, and groups are what they claim."""

from __future__ import annotations

import numpy as np
import pytest

from rempart.audit.dedup import PdqIndex, find_duplicates, near_pairs
from rempart.audit.records import ImageRecord


def _random_hashes(count: int, seed: int) -> list[int]:
    rng = np.random.default_rng(seed)
    return [int.from_bytes(rng.bytes(32), "big") for _ in range(count)]


def _flip(value: int, bits: int, rng: np.random.Generator) -> int:
    for bit in rng.choice(256, size=bits, replace=False):
        value ^= 1 << int(bit)
    return value


def test_index_matches_brute_force_with_planted_neighbours() -> None:
    rng = np.random.default_rng(7)
    hashes = _random_hashes(600, 1)
    for distance in (0, 1, 5, 15, 16, 17, 30, 31, 32, 33, 40):  # around the chunking edges and the radius
        for _ in range(3):
            hashes.append(_flip(hashes[int(rng.integers(0, 600))], distance, rng))
    pairs, comparisons = near_pairs(hashes, 31)
    brute = {
        (i, j, (a ^ b).bit_count())
        for i, a in enumerate(hashes)
        for j, b in enumerate(hashes)
        if i < j and (a ^ b).bit_count() <= 31
    }
    assert set(pairs) == brute
    assert {d for _, _, d in pairs} >= {0, 1, 5, 15, 16, 17, 30, 31}
    n = len(hashes)
    assert comparisons < n * (n - 1) // 2 / 20  # the index prunes: far fewer checks than brute force


def test_index_worst_case_distribution_of_flips() -> None:
    # 31 flipped bits spread so that 15 chunks get 2 flips and one chunk gets 1: still found.
    base = _random_hashes(1, 3)[0]
    value = base
    for chunk in range(16):
        flips = 1 if chunk == 0 else 2
        for bit in range(flips):
            value ^= 1 << (chunk * 16 + bit)
    assert (value ^ base).bit_count() == 31
    index = PdqIndex(31)
    index.add(base)
    assert index.query(value) == [(0, 31)]


def test_radius_limit() -> None:
    with pytest.raises(ValueError):
        PdqIndex(32)


def _rec(path: str, sha: str, pdq: int | None, quality: int = 90) -> ImageRecord:
    return ImageRecord(
        path=path, sha256=sha, status="ok", pdq=None if pdq is None else f"{pdq:064x}", pdq_quality=quality
    )


def test_groups_exact_near_low_quality_and_chains() -> None:
    rng = np.random.default_rng(0)
    a, b, far = _random_hashes(3, 9)
    chain1 = _flip(b, 20, rng)
    chain2 = _flip(chain1, 20, rng)  # within 31 of chain1, probably not of b
    records = [
        _rec("a1", "s1", a),
        _rec("a2", "s1", a),  # same bytes
        _rec("b0", "s2", b),
        _rec("b1", "s3", chain1),
        _rec("b2", "s4", chain2),
        _rec("low1", "s5", far, quality=20),
        _rec("low2", "s6", far, quality=20),  # same hash but quality too low: not matched
        _rec("nohash", "s7", None),
        ImageRecord(path="err", sha256="s1", status="error", error_code="invalid_image"),
    ]
    d = find_duplicates(records)
    groups = {g.paths: g for g in d.groups}
    assert set(groups) == {("a1", "a2"), ("b0", "b1", "b2")}
    assert groups[("a1", "a2")].exact and groups[("a1", "a2")].max_distance == 0
    assert not groups[("b0", "b1", "b2")].exact and groups[("b0", "b1", "b2")].max_distance == 20
    assert d.redundant == 3 and d.in_groups == 5
    assert d.considered == 8 and d.hashable == 5
    assert d.group_of() == {"b0": 1, "b1": 1, "b2": 1, "a1": 2, "a2": 2}


def test_ten_thousand_hashes_quickly() -> None:
    hashes = _random_hashes(10_000, 5)
    pairs, comparisons = near_pairs(hashes, 31)
    assert pairs == []  # random 256-bit hashes are ~128 bits apart
    assert comparisons < 600_000  # brute force: 50 million (the index: about 272 * n / 65,536 checks per query)


def test_redundant_counts_images_matching_an_earlier_one() -> None:
    rng = np.random.default_rng(1)
    a = _random_hashes(1, 11)[0]
    b = _flip(a, 20, rng)
    c = _flip(b, 20, rng)
    assert (a ^ c).bit_count() > 31
    # corpus order a, c, b: c matches only b, which comes later; b matches both earlier ones
    d = find_duplicates([_rec("a", "s1", a), _rec("c", "s2", c), _rec("b", "s3", b)])
    (group,) = d.groups
    assert group.paths == ("a", "c", "b") and d.in_groups == 3
    assert d.redundant_paths == {"b"} and d.redundant == 1
