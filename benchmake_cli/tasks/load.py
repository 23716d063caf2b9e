"""``load_split``: a published split, ready for a model, in one call.

>>> import tempfile, pathlib
>>> from benchmake_cli import load_split, split_file
>>> out = pathlib.Path(tempfile.mkdtemp()) / "splits"
>>> _ = split_file("sample_data/alloys.csv", frac=0.2, out=out, target="hardness_hv",
...                id_columns=["alloy_id"])
>>> s = load_split(out / "manifest.json")
>>> s.train.shape, s.test.shape, len(s.y_test), s.test_rows[:3].tolist()
((240, 10), (60, 10), 60, [14, 17, 18])
>>> s.X_train.shape, list(s.ids_test.columns), s.y_train.name
((240, 8), ['alloy_id'], 'hardness_hv')
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..bundle.indices import read_row_numbers
from ..bundle.locate import locate_data
from ..bundle.manifest import Manifest, open_manifest
from ..errors import VerifyFailedError
from ..formats import ReadOptions
from ..formats.delimited import WHITESPACE
from ..formats.table import Table
from ..request import suggest_keywords
from ..safe_text import quoted
from .bundle_check import check_recorded_values, refuse_broken_bundle
from .sides import read_side, split_graphs


@dataclass
class Graph:
    """One graph of an OGB data set: its edges (local node numbers, one ``(source,
    target)`` row per edge) and its node features (one row per node, or None)."""

    edges: np.ndarray
    node_features: np.ndarray | None


@dataclass
class LoadedSplit:
    """A split as a model uses it.

    ``train`` and ``test`` hold the data in the input's natural type:

    - tables (CSV, TSV, Parquet; a sequence column too): pandas DataFrames, every column
      (named ``"0"``, ``"1"``, ... without a header row);
    - arrays (NPY, NPZ, HDF5): NumPy arrays of the input's dtype and shape per row;
    - sequence files (SMILES ``.smi``, FASTA, text lines): lists of the sequence strings;
    - image and signal folders: lists of the files' paths;
    - OGB graph folders: lists of :class:`Graph`.

    ``y_train`` and ``y_test`` are the target (a table's ``--target`` column, as a pandas
    Series) or labels (``--target-key`` arrays, class folders, OGB graph labels, as NumPy
    arrays), or None when none was recorded. ``train_rows`` and ``test_rows`` are the
    original 0-based row numbers, ascending, in the order of ``train`` and ``test``.

    What a model needs: ``X_train`` and ``X_test`` hold the features only (a table's
    feature columns, in the input's type; for other inputs, ``train`` and ``test``
    themselves, which never hold the labels); ``ids_train`` and ``ids_test`` a table's
    ``--id-col`` columns (None without any).
    """

    train: Any
    test: Any
    y_train: Any
    y_test: Any
    train_rows: np.ndarray
    test_rows: np.ndarray
    manifest: dict[str, Any]
    manifest_path: Path

    def _columns(self, side: Any, kind: str) -> Any:
        if not isinstance(side, pd.DataFrame):
            return side if kind == "features" else None
        encoding = Manifest(self.manifest).encoding
        if kind == "ids":
            names = [str(c) for c in encoding.id_columns]
            return side[names] if names else None
        used = [str(c) for c in encoding.columns_used]
        return side[[c for c in side.columns if str(c) in used]]

    @property
    def X_train(self) -> Any:  # noqa: N802 - the name every ML reader expects
        """The training features: a table's feature columns, else ``train``."""
        return self._columns(self.train, "features")

    @property
    def X_test(self) -> Any:  # noqa: N802
        """The test features: a table's feature columns, else ``test``."""
        return self._columns(self.test, "features")

    @property
    def ids_train(self) -> Any:
        """A table's ``--id-col`` columns on the training side (None without any)."""
        return self._columns(self.train, "ids")

    @property
    def ids_test(self) -> Any:
        """A table's ``--id-col`` columns on the test side (None without any)."""
        return self._columns(self.test, "ids")


@suggest_keywords
def load_split(
    path: str | Path, *, verify: bool = True, data: str | Path | None = None
) -> LoadedSplit:
    """Load the split a manifest (or the folder holding it) describes.

    With ``verify`` (the default) the bundle is checked first, as ``verify --bundle-only``
    checks it: its schema, the SHA-256 of every file it lists, the card, the listings, the
    index files (n, k, disjoint, covering) and the split data files; a difference raises :class:`~benchmake_cli.errors.VerifyFailedError` naming it. ``verify=False``
    skips that. The data itself is not read, except to resolve the file paths of an image
    or signal folder (``data`` names it when it has moved; ``benchmake verify`` checks it).

    Parameters
    ----------
    path : str or Path
        ``manifest.json``, or the folder holding it.
    verify : bool
        Check the bundle's files against the manifest first (the default).
    data : str or Path, optional
        Where the data is, when it is not where the manifest records it.

    Returns
    -------
    LoadedSplit
        The training and test rows (and their labels, when the split has a target).
    """
    manifest = open_manifest(path)
    check_recorded_values(manifest)
    manifest_path, folder = manifest.file, manifest.folder
    if verify:
        refuse_broken_bundle(manifest)
    rows = {
        side: read_row_numbers(folder / manifest.split.indices_file(side))
        for side in ("train", "test")
    }
    loaded = {side: _load_side(manifest, side, data) for side in rows}
    return LoadedSplit(
        train=loaded["train"][0],
        test=loaded["test"][0],
        y_train=loaded["train"][1],
        y_test=loaded["test"][1],
        train_rows=rows["train"],
        test_rows=rows["test"],
        manifest=manifest.data,
        manifest_path=manifest_path,
    )


def _load_side(manifest: Manifest, side: str, data: Any) -> tuple[Any, Any]:
    """``(data, target or labels)`` of one side."""
    target = manifest.encoding.target
    path = manifest.folder / manifest.side_file(side)
    entry = manifest.input_format()
    if entry.container == "table":
        frame = _read_frame(path, entry.values_as_text, manifest.read_options())
        # a public copy's test file lacks its hidden target: y_test is None there
        return frame, frame[target] if target is not None and target in frame else None
    if entry.copies_files:
        return _listed_paths(manifest, side, data)
    table = read_side(manifest, side)
    assert isinstance(table, Table)
    labels = None if table.labels is None else _natural(table.labels)
    if table.graphs is not None:
        return [Graph(e, f) for e, f in split_graphs(table.graphs)], labels
    if table.array is not None:
        return table.array, labels
    assert table.sequences is not None
    return list(table.sequences), None


def _read_frame(path: Path, delimited: bool, read_options: ReadOptions) -> pd.DataFrame:
    """A side's table with typed columns (pandas' own parsing)."""
    if not delimited:
        return pd.read_parquet(path)
    sep = read_options.sep or ","  # the reader records the separator it used
    header = read_options.header
    frame = pd.read_csv(
        path, sep=r"\s+" if sep == WHITESPACE else sep, header=0 if header else None
    )
    if not header:  # named as --target and --features name them: "0", "1", ...
        frame.columns = [str(i) for i in range(frame.shape[1])]
    return frame


def _listed_paths(manifest: Manifest, side: str, data: Any) -> tuple[list[Path], np.ndarray | None]:
    """The files a side lists: its own copies or links (``--copy``, ``--link``), else the
    data folder's files."""
    listing = read_side(manifest, side)
    assert isinstance(listing, pd.DataFrame)
    if manifest.split.files != "list":
        root = manifest.folder / side
    else:
        location = locate_data(manifest, data)
        root = location.path if location.path is not None else Path(location.shown)
    paths = [root / relative for relative in listing["path"]]
    if root.is_dir():  # the data (or the bundle's copies) is here: every listed file must be
        missing = next((p for p in paths if not p.is_file()), None)
        if missing is not None:
            raise VerifyFailedError(
                f"{manifest.side_file(side)} lists {quoted(missing.relative_to(root).as_posix())}, "
                f"which is not a file in {root}; run benchmake verify"
            )
    labels = listing["label"].to_numpy(dtype=str)
    return paths, labels if any(labels) else None


def _natural(labels: np.ndarray) -> np.ndarray:
    """Labels read as text (OGB graph labels) as numbers when every one is a number."""
    if labels.dtype.kind not in "US":
        return labels
    try:
        return labels.astype(np.int64)
    except ValueError:
        pass
    try:
        return labels.astype(np.float64)
    except ValueError:
        return labels
