"""OGB split folders: ``train/`` and ``test/`` each a raw OGB folder holding the chosen
graphs' lines of every input file, in input order, compressed as the input was (gzip with
no name and no date, so the bytes are the same on every run)."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

from .table import Table

PER_GRAPH = ("num-node-list", "num-edge-list", "graph-label")
PER_NODE = ("node-feat",)
PER_EDGE = ("edge", "edge-feat")


def write(table: Table, rows: np.ndarray, folder: Path, side: str) -> list[str]:
    """Write the graphs ``rows`` as ``side/<file>.csv[.gz]`` for every input file."""
    graphs = table.graphs
    assert graphs is not None
    node_lines = _line_numbers(graphs.node_counts, rows)
    edge_lines = _line_numbers(graphs.edge_counts, rows)
    (folder / side).mkdir()
    written = []
    for stem, lines in sorted(graphs.lines.items()):
        chosen = rows if stem in PER_GRAPH else node_lines if stem in PER_NODE else edge_lines
        data = b"".join(lines[int(i)] + b"\n" for i in chosen)
        name = f"{side}/{stem}.csv"
        if graphs.compressed[stem]:
            name += ".gz"
            data = gzip.compress(data, compresslevel=9, mtime=0)
        (folder / name).write_bytes(data)
        written.append(name)
    return written


def _line_numbers(counts: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Line numbers of the items (nodes or edges) of the graphs ``rows``, in order."""
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    if not len(rows):
        return np.zeros(0, dtype=np.int64)
    return np.concatenate([np.arange(starts[r], starts[r] + counts[r]) for r in rows])
