"""The split's own data files (``train.csv``, ``test.npz``, ``train/`` ...), read back.

A split writes each side in the input's format, so the readers that read the input read
the sides too. :func:`read_side` reads one; :func:`join_sides` puts the two back together
in input row order, which encodes to exactly the input's matrix (the bundle check compares
its hashes with the manifest's without the input itself).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ..bundle.indices import read_row_numbers
from ..bundle.manifest import Manifest
from ..encode import EncodeOptions
from ..errors import BenchmakeError, DataError, ManifestError
from ..formats import ReadOptions, read_table, registry
from ..formats.table import GraphSet, Table


def side_read_options(manifest: Manifest) -> ReadOptions:
    """How to read a side file: as the input was read, but NPZ/HDF5 arrays under the names
    the split wrote them with (the joined keys' common name)."""
    options = manifest.read_options()
    if "key" in manifest.input_format().options:
        target = manifest.input.output_target_key
        options = dataclasses.replace(
            options,
            key=(str(manifest.input.output_key),),
            target_key=(str(target),) if target else None,
        )
    return options


def read_side(manifest: Manifest, side: str) -> Table | pd.DataFrame:
    """One side's data (in the manifest's folder) as read by the input's reader; for image
    and signal folders, the listing of the side's files (a ``path``, ``label`` DataFrame)."""
    path = manifest.folder / manifest.side_file(side)
    if manifest.input_format().copies_files:
        try:
            return pd.read_csv(path, dtype=str, keep_default_na=False)
        except (OSError, ValueError) as exc:
            raise DataError(f"{path}: not a listing of the split's files ({exc})") from None
    try:
        return read_table(path, side_read_options(manifest))
    except ManifestError:
        raise
    except BenchmakeError as exc:
        raise DataError(f"{path.name}: cannot be read as the input was ({exc})") from None


def hidden_targets(manifest: Manifest) -> tuple[str, ...]:
    """The columns a public copy left out of its test file (``publish --hide-test-targets``).

    >>> hidden_targets(Manifest({"publication": {"hidden_test_columns": ["y"]}}))
    ('y',)
    """
    return manifest.publication.hidden_test_columns


def drop_hidden(table: Table, manifest: Manifest) -> Table:
    """The joined sides of a public copy without the columns it hid from its test file."""
    hidden = list(hidden_targets(manifest))
    if not hidden:
        return table
    frame = table.frame.drop(columns=hidden) if table.frame is not None else None
    arrow = table.arrow.drop_columns(hidden) if table.arrow is not None else None
    return dataclasses.replace(table, frame=frame, arrow=arrow)


def split_encode_options(manifest: Manifest) -> EncodeOptions:
    """The recorded encoding options, without the target where a public copy hid it: the
    split never reads targets, so the features, their content and the test set are the
    private bundle's."""
    options = manifest.encode_options()
    return dataclasses.replace(options, target=None) if hidden_targets(manifest) else options


def rebuild_input(manifest: Manifest, work: Path) -> Path | None:
    """The input's rows rebuilt from the bundle's own split files, written into ``work`` in
    the input's format (input row order; rows dropped while encoding are in neither side;
    a public copy's hidden columns left out of both). ``None`` where the split files only
    list the input's files (image and signal folders): a listing is not the data. Raises
    :class:`DataError` when a side cannot be read."""
    if manifest.input_format().copies_files:
        return None
    train_rows, test_rows = (
        read_row_numbers(manifest.folder / manifest.split.indices_file(side))
        for side in ("train", "test")
    )
    train, test = (read_side(manifest, side) for side in ("train", "test"))
    assert isinstance(train, Table) and isinstance(test, Table)
    joined = drop_hidden(join_sides(train, test, train_rows, test_rows), manifest)
    written = registry.write_side(joined, np.arange(joined.n_rows), work, "input")
    return work / Path(written[0]).parts[0]


def join_sides(train: Table, test: Table, train_rows: np.ndarray, test_rows: np.ndarray) -> Table:
    """The rows of both sides as one table, in input row order (rows dropped while
    encoding, in neither side, left out)."""
    order = np.argsort(np.concatenate([train_rows, test_rows]), kind="stable")
    both = (train, test)

    def arrays(name: str) -> np.ndarray | None:
        parts = [getattr(t, name) for t in both]
        return None if parts[0] is None else np.concatenate(parts)[order]

    def listed(name: str) -> list[Any] | None:
        parts = [getattr(t, name) for t in both]
        return None if parts[0] is None else [(parts[0] + parts[1])[i] for i in order]

    frame = None
    if train.frame is not None and test.frame is not None:
        joined = pd.concat([train.frame, test.frame], ignore_index=True)
        frame = joined.iloc[order].reset_index(drop=True)
    arrow = None
    if train.arrow is not None and test.arrow is not None:
        arrow = pa.concat_tables([train.arrow, test.arrow]).take(pa.array(order))
    graphs = None
    if train.graphs is not None and test.graphs is not None:
        graphs = _join_graphs(train.graphs, test.graphs, order)
    return dataclasses.replace(
        train,
        frame=frame,
        arrow=arrow,
        array=arrays("array"),
        labels=arrays("labels"),
        records=listed("records"),
        sequences=listed("sequences"),
        signals=listed("signals"),
        graphs=graphs,
    )


def split_graphs(graphs: GraphSet) -> list[tuple[np.ndarray, np.ndarray | None]]:
    """Each graph's ``(edges, node_features)``: local node numbers, one row per edge."""
    node_ends = np.cumsum(graphs.node_counts)
    edge_ends = np.cumsum(graphs.edge_counts)
    edges = np.split(graphs.edges, edge_ends[:-1])
    if graphs.node_features is None:
        return [(e, None) for e in edges]
    return list(zip(edges, np.split(graphs.node_features, node_ends[:-1]), strict=True))


def _join_graphs(first: GraphSet, second: GraphSet, order: np.ndarray) -> GraphSet:
    each = split_graphs(first) + split_graphs(second)
    chosen = [each[i] for i in order]
    counts = np.concatenate([first.node_counts, second.node_counts])[order]
    features = None
    if first.node_features is not None:
        features = np.concatenate([f for _, f in chosen if f is not None] or [np.zeros((0, 0))])
        features = features.reshape(-1, first.node_features.shape[1])
    return GraphSet(
        node_counts=counts,
        edge_counts=np.array([len(e) for e, _ in chosen], dtype=np.int64),
        edges=np.concatenate([e for e, _ in chosen]).reshape(-1, 2).astype(np.int64),
        node_features=features,
        lines={
            stem: _join_lines(first, second, stem, order)
            for stem in first.lines
            if stem in second.lines
        },
        compressed=dict(first.compressed),
    )


def _join_lines(first: GraphSet, second: GraphSet, stem: str, order: np.ndarray) -> list[bytes]:
    """One OGB file's lines of both sides, graph by graph in ``order``."""
    chunks: list[list[bytes]] = []
    for graphs in (first, second):
        sizes = {"node-feat": graphs.node_counts, "edge": graphs.edge_counts}
        sizes["edge-feat"] = graphs.edge_counts
        counts = sizes.get(stem, np.ones(graphs.count, dtype=np.int64))
        ends = np.cumsum(counts)
        lines = graphs.lines[stem]
        chunks += [lines[end - size : end] for end, size in zip(ends, counts, strict=True)]
    return [line for i in order for line in chunks[i]]
