"""The plan of a split: whole or in shards, decided once, before the input is parsed.

:func:`make_plan` is the one place that decides; ``split`` runs the plan, ``verify`` runs
the plan of the recorded options, and ``inspect`` reports it. An input is split in shards
when its method can be (:attr:`~benchmake_cli.method.registry.Method.shardable`) and it
holds more rows than the threshold, whatever its container: an input that can be read in
chunks (CSV, TSV, Parquet tables, NPY, NPZ and HDF5 arrays of rank 1 or 2, .smi, FASTA and
text sequence files, a table's ``--sequence-col``, image and signal folders, OGB graph
folders) is streamed; any other is read whole (``X`` only, ``n × d``) and split in shards
in memory by the same rules (:meth:`Plan.after_reading`). Parquet, NPY, NPZ and HDF5 files
say how many rows they hold in their headers, a folder by its files (an OGB folder: its
graph count list); a text file's rows are counted as lines while its bytes are hashed, so
it is parsed only once, whole or in chunks.
A line count is an upper bound (blank lines and line ends inside quotes are not rows): a
text file split in shards that turns out to hold too few rows is split whole after all.

>>> from benchmake_cli.request import SplitRequest
>>> plan = make_plan(SplitRequest.from_options("sample_data/alloys.csv", frac=0.2))
>>> plan.sharded, plan.rows, plan.source.digest()[0]
(False, 300, 26332)
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..bundle.write import input_digest
from ..formats import has_more_rows_than, streamable
from ..formats import registry as format_registry
from ..formats.delimited import resolve_header
from ..method.base import Method
from ..method.registry import DEFAULT
from ..method.split import count_test_rows
from .shards import shard_count

if TYPE_CHECKING:
    from ..request import SplitRequest

BLOCK_BYTES = 1 << 20  #: bytes read at a time while hashing


@dataclass
class InputSource:
    """The input's bytes, read once: size and SHA-256 (of a folder: of its listing) and,
    for a file, the number of lines it holds (``\\n``, ``\\r\\n`` or ``\\r`` ends)."""

    path: Path
    _digest: tuple[int, str] | None = field(default=None, repr=False)
    _lines: int | None = field(default=None, repr=False)

    def digest(self) -> tuple[int, str]:
        """Byte size and SHA-256, as the manifest records them."""
        if self._digest is None:
            if self.path.is_dir():
                self._digest = input_digest(self.path)
            else:
                self._scan()
        assert self._digest is not None
        return self._digest

    def lines(self) -> int:
        """Lines of a file (the last one need not end with a line end)."""
        if self._lines is None:
            self._scan()
        assert self._lines is not None
        return self._lines

    def _scan(self) -> None:
        sha, size, ends, previous = hashlib.sha256(), 0, 0, b""
        with open(self.path, "rb") as handle:
            for block in iter(lambda: handle.read(BLOCK_BYTES), b""):
                sha.update(block)
                size += len(block)
                ends += block.count(b"\n") + block.count(b"\r") - block.count(b"\r\n")
                if previous == b"\r" and block[:1] == b"\n":  # one "\r\n" across two blocks
                    ends -= 1
                previous = block[-1:]
        self._digest = (size, sha.hexdigest())
        self._lines = ends + int(size > 0 and previous not in (b"\n", b"\r"))


@dataclass(frozen=True)
class Work:
    """The largest factorization of a split: the whole input, or one shard."""

    n: int  #: rows factorized at once
    d: int
    k: int  #: test rows (NMF components) of those rows
    shards: int  #: how many such factorizations run (1: the whole input)
    method: Method = field(default=DEFAULT, repr=False)  #: its memory estimate

    def peak_bytes(self, device: str) -> int:
        """Memory one factorization of the method needs on ``device`` (for the default
        method: ``W``, work buffers and ``X``)."""
        return self.method.estimate_bytes(self.n, self.d, self.k, device == "gpu")

    @property
    def w_bytes(self) -> int:
        """The factor ``W`` (n × k float64) of one factorization."""
        return self.n * self.k * 8


@dataclass(frozen=True)
class Plan:
    """Whole or sharded, and the numbers that decided it."""

    path: Path
    method: Method  #: the request's method, resolved
    sharded: bool
    threshold: int  #: inputs of more rows are sharded (when they can be)
    shard_rows: int  #: most rows per shard on average
    streamed: bool  #: the input can be read in chunks
    rows: int | None  #: input rows known before parsing (text: at most this many)
    source: InputSource

    @property
    def mode(self) -> str:
        return "sharded" if self.sharded else "whole"

    def after_reading(self, rows: int) -> Plan:
        """The plan of an input read whole (one that cannot be read in chunks), once its
        ``rows`` are known: split in shards, in memory, when its method can be and it holds
        more rows than the threshold, exactly as a streamed input would be.

        >>> plan = Plan(Path("x.h5"), DEFAULT, False, 20_000, 5_000, False, None,
        ...             InputSource(Path("x.h5")))
        >>> plan.after_reading(20_000).mode, plan.after_reading(20_001).mode
        ('whole', 'sharded')
        """
        if self.streamed:
            return self
        sharded = self.method.shardable and rows > self.threshold
        return replace(self, sharded=sharded, rows=rows)

    def work(self, n: int, d: int, frac: float) -> Work:
        """The largest factorization a split of ``n × d`` encoded rows at ``frac`` runs: in
        shards, the largest shard holds about ``ceil(n / shards)`` rows (content hashes
        spread rows evenly) and its share of the test rows.

        >>> plan = Plan(Path("x.csv"), DEFAULT, True, 20_000, 5_000, True, None,
        ...             InputSource(Path("x.csv")))
        >>> plan.work(100_000, 9, 0.2)
        Work(n=5000, d=9, k=1000, shards=20)
        """
        if not self.sharded:
            return Work(n, d, count_test_rows(n, frac), 1, self.method)
        shards = shard_count(n, self.shard_rows)
        rows = math.ceil(n / shards)
        return Work(rows, d, count_test_rows(rows, frac), shards, self.method)


def make_plan(request: SplitRequest, source: InputSource | None = None) -> Plan:
    """Decide how ``request`` is split (see the module docstring), reading no more than
    headers and, for a text table, the bytes that are hashed anyway."""
    path = request.path
    source = source or InputSource(path)
    threshold, shard_rows = request.execution.sharding
    streamed = request.chosen.shardable and streamable(path, request.read)
    rows = None
    if streamed:
        entry = format_registry.detect_input(path, request.read.type)
        if entry.values_as_text:  # a row per line
            rows = max(0, source.lines() - int(resolve_header(path, entry.name, request.read)))
        else:
            rows = threshold + 1 if has_more_rows_than(path, threshold, request.read) else None
    return Plan(
        path=path,
        method=request.chosen,
        sharded=streamed and rows is not None and rows > threshold,
        threshold=threshold,
        shard_rows=shard_rows,
        streamed=streamed,
        rows=rows,
        source=source,
    )
