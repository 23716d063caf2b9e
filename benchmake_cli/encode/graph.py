"""Graph encoding: one fixed-length vector per graph of an OGB raw folder.

The vector of a graph is, in this order:

1. its number of nodes and its number of edges (lines of ``edge.csv``);
2. its degree histogram: how many of its nodes have degree 0, 1, …, D, where D is the
   largest degree in the whole data set capped at :data:`DEGREE_CAP` (the last bin then
   counts every degree ≥ D). Edges are taken as undirected: a node's degree is the number
   of edge lines it appears in, a self-loop counting twice;
3. with ``node-feat``: the mean, then the sum, then the maximum of each node-feature column
   over the graph's nodes (all 0 for a graph without nodes).

Each part depends only on the graph itself (sums run over its own nodes in file order), so
the same graph gives the same vector wherever it sits in the file.
"""

from __future__ import annotations

import numpy as np

from ..errors import DataError
from ..formats.table import GraphSet, Table
from . import tabular
from .options import Encoded, EncodeOptions

DEGREE_CAP = 32


def encode(table: Table, options: EncodeOptions) -> Encoded:
    """One row per graph of a graph data set; a node-feature matrix (a table or a 2-D array
    read as ``graph``) is encoded as a table, one row per node."""
    if table.graphs is None:
        encoded = tabular.encode(table, options)
        encoded.parameters["representation"] = "node-feature matrix, one row per node"
        return encoded
    graphs = table.graphs
    return _encode_graphs(graphs, int(_degrees(graphs).max(initial=0)), _feature_width(graphs))


class DegreeAccumulator:
    """The degree bins of graphs read in chunks: every chunk's largest degree is taken in a
    first pass (:meth:`add`), then every chunk is encoded over the bins of the whole
    (:meth:`encode_chunk`): the same rows as :func:`encode` of the whole folder."""

    def __init__(self, options: EncodeOptions) -> None:
        self.largest = 0
        self.width = 0

    def add(self, chunk: Table) -> None:
        """Take one chunk's largest degree and node-feature width."""
        graphs = _graphs(chunk)
        self.largest = max(self.largest, int(_degrees(graphs).max(initial=0)))
        self.width = max(self.width, _feature_width(graphs))

    def encode_chunk(self, chunk: Table, row_offset: int) -> Encoded:
        """One chunk's rows over the whole's bins (rows count from ``row_offset``)."""
        encoded = _encode_graphs(_graphs(chunk), self.largest, self.width)
        encoded.rows = encoded.rows + row_offset
        return encoded


def _graphs(chunk: Table) -> GraphSet:
    if chunk.graphs is None:
        raise DataError(
            f"{chunk.path}: a node-feature table is split whole or in memory, not streamed"
        )
    return chunk.graphs


def _feature_width(graphs: GraphSet) -> int:
    """Node-feature columns (0 without ``node-feat`` or without a node in the whole set)."""
    features = graphs.node_features
    return int(features.shape[1]) if features is not None and features.size else 0


def _encode_graphs(graphs: GraphSet, largest: int, width: int) -> Encoded:
    """One row per graph: counts, degree histogram (bins up to the ``largest`` degree, at
    most :data:`DEGREE_CAP`) and the ``width`` node features' mean, sum and max."""
    n = graphs.count
    degrees = _degrees(graphs)
    cap = min(largest, DEGREE_CAP)
    graph_of_node = np.repeat(np.arange(n), graphs.node_counts)
    bins = np.minimum(degrees, cap)
    histogram = np.bincount(graph_of_node * (cap + 1) + bins, minlength=n * (cap + 1))
    parts = [
        graphs.node_counts[:, None].astype(np.float64),
        graphs.edge_counts[:, None].astype(np.float64),
        histogram.reshape(n, cap + 1).astype(np.float64),
    ]
    names = (
        ["nodes", "edges"]
        + [f"degree={d}" for d in range(cap)]
        + [f"degree>={cap}" if cap == DEGREE_CAP else f"degree={cap}"]
    )
    if width:
        parts += list(_feature_summaries(graphs, width))
        for summary in ("mean", "sum", "max"):
            names += [f"{summary}(f{j})" for j in range(width)]
    X = np.ascontiguousarray(np.hstack(parts), dtype=np.float64)
    return Encoded(
        X=X,
        rows=np.arange(n),
        feature_names=names,
        columns_used=["graphs"],
        parameters={
            "vector": "nodes, edges, degree histogram, node-feature mean, sum, max",
            "degree_bins": cap + 1,
            "degree_cap": DEGREE_CAP,
            "edges": "undirected: degree = edge lines a node appears in (self-loop twice)",
            "node_features": width,
        },
    )


def _degrees(graphs: GraphSet) -> np.ndarray:
    """Degree of every node (global numbering: graphs one after another)."""
    total = int(graphs.node_counts.sum())
    if not len(graphs.edges):
        return np.zeros(total, dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(graphs.node_counts)[:-1]])
    shift = np.repeat(offsets, graphs.edge_counts)
    ends = (graphs.edges + shift[:, None]).ravel()
    return np.bincount(ends, minlength=total)


def _feature_summaries(graphs: GraphSet, width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, sum and max of each of the ``width`` node-feature columns, per graph."""
    n = graphs.count
    features = graphs.node_features
    if features is None or not features.size:  # a chunk of graphs without nodes
        features = np.zeros((0, width))
    total = np.zeros((n, width))
    peak = np.zeros((n, width))
    present = graphs.node_counts > 0
    if present.any():
        starts = np.concatenate([[0], np.cumsum(graphs.node_counts)[:-1]])[present]
        total[present] = np.add.reduceat(features, starts, axis=0)
        peak[present] = np.maximum.reduceat(features, starts, axis=0)
    mean = np.divide(
        total, graphs.node_counts[:, None], out=np.zeros_like(total), where=present[:, None]
    )
    return mean, total, peak
