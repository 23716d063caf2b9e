"""Graph-level data sets in OGB's raw layout: a folder of headerless CSV files, each plain
(``.csv``) or gzip-compressed (``.csv.gz``).

- ``num-node-list`` and ``num-edge-list``: one line per graph, its node and edge counts;
- ``edge``: one ``source,target`` line per edge, node numbers local to the edge's graph
  (graphs follow each other in the order of the count lists);
- ``node-feat`` (optional): one line of numbers per node, graphs following each other;
- ``edge-feat`` (optional, carried into the split files, not encoded): one line per edge;
- ``graph-label`` (optional, carried along): one line per graph.

The counts must add up: as many count lines in both lists (and labels), node-feat rows as
the node counts' sum, edge rows as the edge counts' sum, and every edge's nodes inside its
graph. A mismatch is refused, naming the files and the numbers.

Split folders: ``train/`` and ``test/`` each a raw OGB folder holding the chosen graphs'
lines of every input file, in input order, compressed as the input was (gzip with no name
and no date, so the bytes are the same on every run).
"""

from __future__ import annotations

import gzip
import io
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from .folder import OGB_MARKERS
from .spec import FolderFormat, ReadOptions
from .table import GraphSet, Table

REQUIRED = ("num-node-list", "num-edge-list", "edge")
OPTIONAL = ("node-feat", "edge-feat", "graph-label")
PER_GRAPH = ("num-node-list", "num-edge-list", "graph-label")
PER_NODE = ("node-feat",)
PER_EDGE = ("edge", "edge-feat")


def detect(root: Path) -> bool:
    """Whether ``root`` holds an OGB raw data set (its ``num-node-list.csv[.gz]``)."""
    return any((root / marker).is_file() for marker in OGB_MARKERS)


def read(root: Path) -> Table:
    """Read an OGB raw folder; the graphs keep the order of the count lists."""
    found = {stem: _find(root, stem, required=stem in REQUIRED) for stem in REQUIRED + OPTIONAL}
    files = {stem: path for stem, path in found.items() if path is not None}
    lines = {stem: _lines(path) for stem, path in files.items()}
    node_counts = _counts(files["num-node-list"], lines["num-node-list"])
    edge_counts = _counts(files["num-edge-list"], lines["num-edge-list"])
    if len(node_counts) == 0:
        raise DataError(f"{files['num-node-list']}: holds no graphs")
    expected = {
        "num-edge-list": ("num-node-list", len(node_counts), "graphs"),
        "graph-label": ("num-node-list", len(node_counts), "graphs"),
        "edge": ("num-edge-list", int(edge_counts.sum()), "edges"),
        "edge-feat": ("num-edge-list", int(edge_counts.sum()), "edges"),
        "node-feat": ("num-node-list", int(node_counts.sum()), "nodes"),
    }
    for stem, (reference, count, what) in expected.items():
        if stem in files and len(lines[stem]) != count:
            raise DataError(
                f"{files[stem]}: {len(lines[stem])} lines, but {files[reference].name} gives "
                f"{count} {what}; the counts do not add up"
            )
    edges = _numbers(files["edge"], lines["edge"], np.int64)
    if len(edges) and edges.shape[1] != 2:
        raise DataError(f"{files['edge']}: every line must be 'source,target'")
    edges = edges.reshape(-1, 2)
    _check_edges(files["edge"], edges, node_counts, edge_counts)
    features = None
    if "node-feat" in files:
        features = _numbers(files["node-feat"], lines["node-feat"], np.float64)
    graphs = GraphSet(
        node_counts=node_counts,
        edge_counts=edge_counts,
        edges=edges,
        node_features=features,
        lines=lines,
        compressed={stem: path.name.endswith(".gz") for stem, path in files.items()},
    )
    labels = (
        np.array([line.decode("utf-8", "replace") for line in lines["graph-label"]], dtype=str)
        if "graph-label" in files
        else None
    )
    return Table(
        path=root,
        format="ogb",
        graphs=graphs,
        labels=labels,
        modality="graph",
        read_options={},
        info={
            "files": sorted(path.name for path in files.values()),
            "graphs": len(node_counts),
            "nodes": int(node_counts.sum()),
            "edges": int(edge_counts.sum()),
        },
    )


def _find(root: Path, stem: str, *, required: bool) -> Path | None:
    candidates = [root / f"{stem}.csv", root / f"{stem}.csv.gz"]
    present = [path for path in candidates if path.is_file()]
    if len(present) == 2:
        raise DataError(f"{root}: holds both {stem}.csv and {stem}.csv.gz; keep one")
    if not present:
        if required:
            raise DataError(
                f"{root}: no {stem}.csv[.gz]; an OGB raw folder needs {', '.join(REQUIRED)}"
            )
        return None
    return present[0]


def _lines(path: Path) -> list[bytes]:
    """The file's lines (gzip undone, line ends and a final empty line dropped)."""
    raw = path.read_bytes()
    if path.name.endswith(".gz"):
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise DataError(f"{path}: not a readable gzip file ({exc})") from None
    lines = raw.replace(b"\r\n", b"\n").split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return lines


def _numbers(path: Path, lines: list[bytes], dtype: type) -> np.ndarray:
    if not lines:
        return np.zeros((0, 0), dtype=dtype)
    try:
        frame = pd.read_csv(io.BytesIO(b"\n".join(lines)), header=None, dtype=dtype)
    except (ValueError, pd.errors.ParserError) as exc:
        message = str(exc).strip().splitlines()[-1]
        raise DataError(f"{path}: not rows of numbers ({message})") from None
    if len(frame) != len(lines):
        raise DataError(f"{path}: has blank lines; every line must hold numbers")
    values = frame.to_numpy(dtype=dtype)
    if dtype is np.float64 and not np.isfinite(values).all():
        row = int(np.flatnonzero(~np.isfinite(values).all(axis=1))[0])
        raise DataError(f"{path}: line {row + 1}: missing or infinite value")
    return values


def _counts(path: Path, lines: list[bytes]) -> np.ndarray:
    counts = _numbers(path, lines, np.int64)
    if counts.ndim != 2 or (counts.size and counts.shape[1] != 1):
        raise DataError(f"{path}: every line must hold one count")
    counts = counts.reshape(-1)
    if (counts < 0).any():
        line = int(np.flatnonzero(counts < 0)[0]) + 1
        raise DataError(f"{path}: line {line}: negative count {counts[line - 1]}")
    return counts


def _check_edges(
    path: Path, edges: np.ndarray, node_counts: np.ndarray, edge_counts: np.ndarray
) -> None:
    if not len(edges):
        return
    limit = np.repeat(node_counts, edge_counts)
    bad = (edges < 0).any(axis=1) | (edges >= limit[:, None]).any(axis=1)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        graph = int(np.searchsorted(np.cumsum(edge_counts), row, side="right"))
        raise DataError(
            f"{path}: line {row + 1}: edge {edges[row, 0]},{edges[row, 1]} leaves graph {graph} "
            f"({node_counts[graph]} nodes; node numbers are local to each graph)"
        )


def write(
    table: Table, rows: np.ndarray, folder: Path, side: str, files: str = "list"
) -> list[str]:
    """Write the graphs ``rows`` as ``side/<file>.csv[.gz]`` for every input file."""
    graphs = table.graphs
    assert graphs is not None
    node_lines = _line_numbers(graphs.node_counts, rows)
    edge_lines = _line_numbers(graphs.edge_counts, rows)
    chosen = {
        **dict.fromkeys(PER_GRAPH, rows),
        **dict.fromkeys(PER_NODE, node_lines),
        **dict.fromkeys(PER_EDGE, edge_lines),
    }  # every file's lines: one per graph, per node or per edge
    (folder / side).mkdir()
    written = []
    for stem, lines in sorted(graphs.lines.items()):
        data = b"".join(lines[int(i)] + b"\n" for i in chosen[stem])
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


class Ogb(FolderFormat):
    """A graph-level data set in OGB's raw layout; each side is written as such a folder."""

    name = "ogb"
    container = "ogb"
    description = "an OGB graph folder"
    fits = ("graph",)
    folder_kind = "graph"

    def detect(self, root: Path) -> bool:
        return detect(root)

    def read(self, path: Path, options: ReadOptions) -> Table:
        return read(path)

    def write_side(
        self, table: Table, rows: np.ndarray, folder: Path, side: str, files: str
    ) -> list[str]:
        return write(table, rows, folder, side)


FORMAT = Ogb()
