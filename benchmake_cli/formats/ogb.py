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
and no date, so the bytes are the same on every run). A folder is read whole or graph by
graph (:func:`chunks`), and written whole or chunk by chunk (:class:`GraphWriter`).
"""

from __future__ import annotations

import gzip
import io
import itertools
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

from ..errors import DataError
from .folder import OGB_MARKERS
from .spec import ChunkedFormat, FolderFormat, ReadOptions, SideChunkWriter, write_in_one_chunk
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
    files = _files(root)
    lines = {stem: _lines(path) for stem, path in files.items()}
    counts = _count_lists(files, lines)
    _check_totals(files, {stem: len(found) for stem, found in lines.items()}, counts)
    return _graph_table(root, files, lines, counts, (0, 0, 0), _info(files, counts))


def chunks(root: Path, rows: int) -> Iterator[Table]:
    """The graphs in tables of at most ``rows`` graphs, in order: the count lists are read
    whole (one number per graph), every other file line by line as the graphs need it,
    after a first pass that counts each file's lines (refused as a whole read refuses)."""
    files = _files(root)
    lines = {stem: _lines(files[stem]) for stem in ("num-node-list", "num-edge-list")}
    counts = _count_lists(files, lines)
    totals = {stem: len(lines.get(stem, ())) or _count_lines(path) for stem, path in files.items()}
    _check_totals(files, totals, counts)
    info = _info(files, counts)
    streams = {stem: _iter_lines(path) for stem, path in files.items() if stem not in lines}
    node_counts, edge_counts = counts
    at = np.zeros(3, dtype=np.int64)  # graphs, nodes and edges before the chunk
    for start in range(0, len(node_counts), rows):
        part = (node_counts[start : start + rows], edge_counts[start : start + rows])
        sizes = {"graph": len(part[0]), "node": int(part[0].sum()), "edge": int(part[1].sum())}
        taken = {stem: found[start : start + rows] for stem, found in lines.items()}
        for stem, stream in streams.items():
            taken[stem] = list(itertools.islice(stream, sizes[_unit(stem)]))
        yield _graph_table(root, files, taken, part, (int(at[0]), int(at[1]), int(at[2])), info)
        at += (sizes["graph"], sizes["node"], sizes["edge"])


def _unit(stem: str) -> str:
    """What one line of the file ``stem`` stands for: a graph, a node or an edge."""
    return "graph" if stem in PER_GRAPH else "node" if stem in PER_NODE else "edge"


def _files(root: Path) -> dict[str, Path]:
    found = {stem: _find(root, stem, required=stem in REQUIRED) for stem in REQUIRED + OPTIONAL}
    return {stem: path for stem, path in found.items() if path is not None}


def _count_lists(
    files: dict[str, Path], lines: dict[str, list[bytes]]
) -> tuple[np.ndarray, np.ndarray]:
    node_counts = _counts(files["num-node-list"], lines["num-node-list"])
    edge_counts = _counts(files["num-edge-list"], lines["num-edge-list"])
    if len(node_counts) == 0:
        raise DataError(f"{files['num-node-list']}: holds no graphs")
    return node_counts, edge_counts


def _check_totals(
    files: dict[str, Path], totals: dict[str, int], counts: tuple[np.ndarray, np.ndarray]
) -> None:
    """Every file holds a line per graph, node or edge, as the count lists say."""
    node_counts, edge_counts = counts
    expected = {
        "num-edge-list": ("num-node-list", len(node_counts), "graphs"),
        "graph-label": ("num-node-list", len(node_counts), "graphs"),
        "edge": ("num-edge-list", int(edge_counts.sum()), "edges"),
        "edge-feat": ("num-edge-list", int(edge_counts.sum()), "edges"),
        "node-feat": ("num-node-list", int(node_counts.sum()), "nodes"),
    }
    for stem, (reference, count, what) in expected.items():
        if stem in files and totals[stem] != count:
            raise DataError(
                f"{files[stem]}: {totals[stem]} lines, but {files[reference].name} gives "
                f"{count} {what}; the counts do not add up"
            )


def _info(files: dict[str, Path], counts: tuple[np.ndarray, np.ndarray]) -> dict[str, Any]:
    node_counts, edge_counts = counts
    return {
        "files": sorted(path.name for path in files.values()),
        "graphs": len(node_counts),
        "nodes": int(node_counts.sum()),
        "edges": int(edge_counts.sum()),
    }


def _graph_table(
    root: Path,
    files: dict[str, Path],
    lines: dict[str, list[bytes]],
    counts: tuple[np.ndarray, np.ndarray],
    before: tuple[int, int, int],
    info: dict[str, Any],
) -> Table:
    """The graphs whose lines are ``lines`` (after ``before`` graphs, nodes and edges)."""
    node_counts, edge_counts = counts
    edges = _numbers(files["edge"], lines["edge"], np.int64, before[2])
    if len(edges) and edges.shape[1] != 2:
        raise DataError(f"{files['edge']}: every line must be 'source,target'")
    edges = edges.reshape(-1, 2)
    _check_edges(files["edge"], edges, counts, (before[0], before[2]))
    features = None
    if "node-feat" in files:
        features = _numbers(files["node-feat"], lines["node-feat"], np.float64, before[1])
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
        info=info,
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


def _open_bytes(path: Path) -> BinaryIO:
    """The file's bytes, gzip undone as they are read."""
    if path.name.endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def _iter_lines(path: Path) -> Iterator[bytes]:
    """The file's lines as :func:`_lines` gives them, read one by one."""
    try:
        with _open_bytes(path) as handle:
            for line in handle:
                if line.endswith(b"\n"):  # "\r\n" ends a line as "\n" does
                    line = line[:-2] if line.endswith(b"\r\n") else line[:-1]
                yield line
    except (OSError, EOFError, zlib.error) as exc:
        if isinstance(exc, PermissionError):
            raise
        raise DataError(f"{path}: not a readable gzip file ({exc})") from None


def _count_lines(path: Path) -> int:
    """How many lines :func:`_lines` gives, counted block by block."""
    ends, last = 0, b"\n"
    try:
        with _open_bytes(path) as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                ends += block.count(b"\n")
                last = block[-1:]
    except (OSError, EOFError, zlib.error) as exc:
        if isinstance(exc, PermissionError):
            raise
        raise DataError(f"{path}: not a readable gzip file ({exc})") from None
    return ends + int(last != b"\n")


def _numbers(path: Path, lines: list[bytes], dtype: type, before: int = 0) -> np.ndarray:
    """The numbers of ``lines``, which follow ``before`` lines of the file ``path``."""
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
        raise DataError(f"{path}: line {before + row + 1}: missing or infinite value")
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
    path: Path,
    edges: np.ndarray,
    counts: tuple[np.ndarray, np.ndarray],
    before: tuple[int, int] = (0, 0),
) -> None:
    """Every edge's nodes are inside its graph (``before``: graphs and edges before these)."""
    node_counts, edge_counts = counts
    if not len(edges):
        return
    limit = np.repeat(node_counts, edge_counts)
    bad = (edges < 0).any(axis=1) | (edges >= limit[:, None]).any(axis=1)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        graph = int(np.searchsorted(np.cumsum(edge_counts), row, side="right"))
        raise DataError(
            f"{path}: line {before[1] + row + 1}: edge {edges[row, 0]},{edges[row, 1]} leaves "
            f"graph {before[0] + graph} ({node_counts[graph]} nodes; node numbers are local to "
            "each graph)"
        )


class GraphWriter:
    """One side's raw OGB folder (``side/<file>.csv[.gz]`` for every input file), chunk by
    chunk: each file holds the chosen graphs' lines in input order, gzip-compressed when the
    input file was (level 9, no name, no date: the bytes of ``gzip.compress(data, 9,
    mtime=0)`` of the whole)."""

    def __init__(self, first: Table, folder: Path, side: str) -> None:
        graphs = first.graphs
        assert graphs is not None
        (folder / side).mkdir()
        self.names: dict[str, str] = {}
        self.handles: dict[str, BinaryIO] = {}
        self.packers: dict[str, Any] = {}
        for stem in sorted(graphs.lines):
            name = f"{side}/{stem}.csv" + (".gz" if graphs.compressed[stem] else "")
            self.names[stem] = name
            self.handles[stem] = open(folder / name, "wb")  # noqa: SIM115 - closed by close()
            if graphs.compressed[stem]:
                self.packers[stem] = zlib.compressobj(9, zlib.DEFLATED, 31)

    def append(self, chunk: Table, rows: np.ndarray) -> None:
        graphs = chunk.graphs
        assert graphs is not None
        chosen = {
            **dict.fromkeys(PER_GRAPH, rows),
            **dict.fromkeys(PER_NODE, _line_numbers(graphs.node_counts, rows)),
            **dict.fromkeys(PER_EDGE, _line_numbers(graphs.edge_counts, rows)),
        }  # every file's lines: one per graph, per node or per edge
        for stem, handle in self.handles.items():
            lines = graphs.lines[stem]
            data = b"".join(lines[int(i)] + b"\n" for i in chosen[stem])
            packer = self.packers.get(stem)
            handle.write(packer.compress(data) if packer is not None else data)

    def close(self) -> list[str]:
        for stem, handle in self.handles.items():
            packer = self.packers.get(stem)
            if packer is not None:
                handle.write(packer.flush())
            handle.close()
        return list(self.names.values())


def write(
    table: Table, rows: np.ndarray, folder: Path, side: str, files: str = "list"
) -> list[str]:
    """Write the graphs ``rows`` as ``side/<file>.csv[.gz]`` for every input file."""
    return write_in_one_chunk(GraphWriter(table, folder, side), table, rows)


def _line_numbers(counts: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Line numbers of the items (nodes or edges) of the graphs ``rows``, in order."""
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    if not len(rows):
        return np.zeros(0, dtype=np.int64)
    return np.concatenate([np.arange(starts[r], starts[r] + counts[r]) for r in rows])


class Ogb(FolderFormat, ChunkedFormat, SideChunkWriter):
    """A graph-level data set in OGB's raw layout, read whole or graph by graph; each side
    is written as such a folder, whole or chunk by chunk."""

    name = "ogb"
    container = "ogb"
    description = "an OGB graph folder"
    fits = ("graph",)
    folder_kind = "graph"

    def detect(self, root: Path) -> bool:
        return detect(root)

    def read(self, path: Path, options: ReadOptions) -> Table:
        return read(path)

    def chunks(self, path: Path, options: ReadOptions, rows: int) -> Iterator[Table]:
        return chunks(path, rows)

    def count(self, path: Path, options: ReadOptions) -> int:
        files = _files(path)
        return len(_counts(files["num-node-list"], _lines(files["num-node-list"])))

    def open_side(self, first: Table, folder: Path, side: str, files: str) -> GraphWriter:
        return GraphWriter(first, folder, side)

    def write_side(
        self, table: Table, rows: np.ndarray, folder: Path, side: str, files: str
    ) -> list[str]:
        return write(table, rows, folder, side)


FORMAT = Ogb()
