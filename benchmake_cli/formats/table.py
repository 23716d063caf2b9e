"""What a reader returns: the input as read, before encoding."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


@dataclass
class GraphSet:
    """Graph-level data in OGB's raw layout: graphs stored one after another.

    ``edges`` holds each graph's edges with node numbers local to that graph (0-based), as
    OGB's raw files do; ``node_counts`` and ``edge_counts`` say how many rows of
    ``node_features`` and ``edges`` belong to each graph, in order.
    """

    node_counts: np.ndarray  #: int64, one per graph
    edge_counts: np.ndarray  #: int64, one per graph
    edges: np.ndarray  #: int64, (total edges) × 2, local node numbers
    node_features: np.ndarray | None  #: float64, (total nodes) × f, or None without node-feat
    lines: dict[str, list[bytes]]  #: original text lines of each file, for writing subsets
    compressed: dict[str, bool]  #: whether each file was gzip-compressed (``.csv.gz``)

    @property
    def count(self) -> int:
        return len(self.node_counts)


@dataclass
class Table:
    """An input file or folder as read.

    Tabular inputs come as ``frame`` (one column per input column; for delimited text the
    values are the original strings, so written splits reproduce them exactly). Array inputs
    (NPY, NPZ, HDF5) and image folders come as ``array`` with their original dtype and shape
    (images: n × h × w for mode L, n × h × w × 3 for RGB, uint8). Sequence files come as
    ``sequences``, signal folders as ``signals`` (one length × channels array each, lengths
    possibly differing), OGB folders as ``graphs``. ``records`` holds, per sample, what the
    writers copy back: the relative POSIX path of a file in a folder, or the original text
    of a ``.smi`` line, a FASTA record or a text line.
    """

    path: Path
    format: str
    frame: pd.DataFrame | None = None
    array: np.ndarray | None = None
    arrow: Any = None  #: the pyarrow Table of a Parquet input, written back with its schema
    labels: np.ndarray | None = None  #: carried along, never used: --target-key, class folders
    records: list[str] | None = None
    sequences: list[str] | None = None
    signals: list[np.ndarray] | None = None
    graphs: GraphSet | None = None
    modality: str | None = None  #: --type, or the modality the container implies; None: auto
    read_options: dict[str, Any] = field(default_factory=dict)  #: what verify needs to re-read
    info: dict[str, Any] = field(default_factory=dict)  #: facts for the manifest (parts, shape)
    notes: list[str] = field(default_factory=list)  #: what the reader decided, for the user

    @property
    def n_rows(self) -> int:
        if self.frame is not None:
            return len(self.frame)
        if self.array is not None:
            return int(self.array.shape[0])
        if self.sequences is not None:
            return len(self.sequences)
        if self.signals is not None:
            return len(self.signals)
        if self.graphs is not None:
            return self.graphs.count
        assert self.records is not None  # a folder's listing alone (paths and labels)
        return len(self.records)

    @property
    def columns(self) -> list[str]:
        if self.frame is not None:
            return [str(c) for c in self.frame.columns]
        assert self.array is not None
        width = int(np.prod(self.array.shape[1:])) if self.array.ndim > 1 else 1
        return [str(i) for i in range(width)]
