"""Duplicates and near-duplicates in a corpus: byte-identical files and PDQ matches, found through an index.

Two images are *near-duplicates* when their PDQ hashes differ in at most 31 of 256 bits and both hashes
have a quality of at least 50 (ThreatExchange's defaults, the same as the gateway's). Comparing every
pair costs n²/2 distance computations (200 million for 20,000 images), so ``PdqIndex`` uses
multi-index hashing (Norouzi, Punjani and Fleet, CVPR 2012): the 256 bits are cut into 16 chunks
of 16 bits; by the pigeonhole principle two hashes within distance 31 agree to within one bit on at
least one chunk, so a query looks up, for each chunk, its exact value and its 16 one-bit neighbours
(272 table lookups) and verifies only the candidates found. With random-looking hashes a table
bucket holds about n / 65,536 entries, so the work grows about linearly with n. The index is exact:
it returns every pair within the radius (a test checks it against brute force).

Identical hashes are merged before indexing, so a thousand copies of one image cost one lookup.
Groups are the connected components of the match graph (union-find): a chain A~B~C lands in one
group even if A and C are more than 31 bits apart; the report says so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final

from rempart.audit.records import ImageRecord
from rempart.vision.hashing import PDQ_MATCH_DISTANCE, PDQ_MIN_QUALITY

PDQ_BITS: Final = 256
CHUNK_BITS: Final = 16
CHUNKS: Final = PDQ_BITS // CHUNK_BITS
_MASK: Final = (1 << CHUNK_BITS) - 1


class PdqIndex:
    """Multi-index hashing over 256-bit hashes for radius queries (exact for radius <= 31)."""

    def __init__(self, radius: int = PDQ_MATCH_DISTANCE) -> None:
        if not 0 <= radius < 2 * CHUNKS:
            raise ValueError(f"radius must be in [0, {2 * CHUNKS - 1}] for {CHUNKS} chunks of {CHUNK_BITS} bits")
        self.radius = radius
        self._tables: list[dict[int, list[int]]] = [defaultdict(list) for _ in range(CHUNKS)]
        self._hashes: list[int] = []
        self.comparisons = 0
        """Full-distance checks made so far (to show the index prunes)."""

    def __len__(self) -> int:
        return len(self._hashes)

    def add(self, value: int) -> int:
        """Insert a hash; returns its id (ids count up from 0)."""
        ident = len(self._hashes)
        self._hashes.append(value)
        for chunk, table in enumerate(self._tables):
            table[(value >> (chunk * CHUNK_BITS)) & _MASK].append(ident)
        return ident

    def query(self, value: int) -> list[tuple[int, int]]:
        """Ids of stored hashes within ``radius`` of ``value``, with their distances, by id."""
        flips = self.radius // CHUNKS  # 0 or 1 bit per chunk for radius < 32
        seen: set[int] = set()
        found: list[tuple[int, int]] = []
        for chunk, table in enumerate(self._tables):
            part = (value >> (chunk * CHUNK_BITS)) & _MASK
            for probe in _neighbours(part, flips):
                for ident in table.get(probe, ()):
                    if ident in seen:
                        continue
                    seen.add(ident)
                    self.comparisons += 1
                    distance = (self._hashes[ident] ^ value).bit_count()
                    if distance <= self.radius:
                        found.append((ident, distance))
        found.sort()
        return found


def _neighbours(part: int, flips: int) -> Iterator[int]:
    yield part
    if flips >= 1:
        for bit in range(CHUNK_BITS):
            yield part ^ (1 << bit)


def near_pairs(hashes: Sequence[int], radius: int = PDQ_MATCH_DISTANCE) -> tuple[list[tuple[int, int, int]], int]:
    """Every pair ``(i, j, distance)`` with ``i < j`` within ``radius``, and the number of distance checks."""
    index = PdqIndex(radius)
    pairs: list[tuple[int, int, int]] = []
    for j, value in enumerate(hashes):
        for i, distance in index.query(value):
            pairs.append((i, j, distance))
        index.add(value)
    return pairs, index.comparisons


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    """Images that are copies or near-copies of each other; ``paths[0]`` is the first in corpus order."""

    paths: tuple[str, ...]
    exact: bool
    """Every member has the same bytes (SHA-256)."""
    max_distance: int
    """Largest PDQ distance along the matches that joined the group (0 for byte-identical files)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "size": len(self.paths),
            "exact": self.exact,
            "max_distance": self.max_distance,
            "paths": list(self.paths),
        }


@dataclass(frozen=True, slots=True)
class Duplicates:
    """The duplicate groups of a corpus and the counts the report needs."""

    groups: tuple[DuplicateGroup, ...]
    considered: int
    """Analysed images (the denominator of the duplicate share)."""
    hashable: int
    """Images with a PDQ hash of quality >= 50 (the only ones near-duplicate matching can see)."""
    comparisons: int
    """Full distance checks the index made (brute force would make hashable * (hashable - 1) / 2)."""
    redundant_paths: frozenset[str] = frozenset()
    """Images that match an earlier image in corpus order (same bytes, or PDQ within the radius)."""

    @property
    def redundant(self) -> int:
        """Images that repeat an earlier one (at most the sum over groups of size - 1: chains can be
        ordered so that an image matches only later ones)."""
        return len(self.redundant_paths)

    @property
    def in_groups(self) -> int:
        return sum(len(g.paths) for g in self.groups)

    def group_of(self) -> dict[str, int]:
        """Path -> group number (1-based, in report order)."""
        return {path: number for number, g in enumerate(self.groups, start=1) for path in g.paths}


def find_duplicates(
    records: Iterable[ImageRecord], *, radius: int = PDQ_MATCH_DISTANCE, min_quality: int = PDQ_MIN_QUALITY
) -> Duplicates:
    """Group the analysed records by identical bytes and by PDQ distance <= ``radius`` (pure)."""
    rows = [r for r in records if r.ok]
    uf = _UnionFind(len(rows))
    repeats: set[int] = set()
    by_sha: dict[str, int] = {}
    for i, r in enumerate(rows):
        if r.sha256 is None:
            continue
        first = by_sha.setdefault(r.sha256, i)
        if first != i:
            uf.union(first, i)
            repeats.add(i)
    unique: dict[int, int] = {}  # hash value -> first row carrying it (insertion follows row order)
    for i, r in enumerate(rows):
        if r.pdq is None or r.pdq_quality is None or r.pdq_quality < min_quality:
            continue
        value = int(r.pdq, 16)
        first = unique.setdefault(value, i)
        if first != i:
            uf.union(first, i)
            repeats.add(i)
    values = list(unique)
    owners = list(unique.values())
    pairs, comparisons = near_pairs(values, radius)
    joined: dict[int, int] = defaultdict(int)
    for a, b, _ in pairs:
        uf.union(owners[a], owners[b])
        repeats.add(owners[b])  # a < b, so owners[a] comes first in the corpus
    for a, _, distance in pairs:
        root = uf.find(owners[a])
        joined[root] = max(joined[root], distance)
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(rows)):
        members[uf.find(i)].append(i)
    groups = []
    for root, ids in members.items():
        if len(ids) < 2:
            continue
        shas = {rows[i].sha256 for i in ids}
        groups.append(
            DuplicateGroup(
                paths=tuple(rows[i].path for i in ids),
                exact=len(shas) == 1 and None not in shas,
                max_distance=joined.get(root, 0),
            )
        )
    groups.sort(key=lambda g: (-len(g.paths), g.paths[0]))
    hashable = sum(1 for r in rows if r.pdq is not None and r.pdq_quality is not None and r.pdq_quality >= min_quality)
    return Duplicates(
        tuple(groups),
        considered=len(rows),
        hashable=hashable,
        comparisons=comparisons,
        redundant_paths=frozenset(rows[i].path for i in repeats),
    )
