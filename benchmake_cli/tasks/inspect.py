"""What is inside a data file or a manifest, and what a split of it would take.

:func:`inspect_data` reads and encodes a file the way ``split`` does and reports its format,
shape, columns, awkward values, content hash and a plan for ``split --frac F``: the number
of test rows ``k``, the memory of ``W`` and the time the cost model of
:mod:`benchmake_cli.analysis.cost_model` predicts. :func:`inspect_manifest` summarises a manifest.

>>> report = inspect_data("sample_data/alloys.csv", encode_options=EncodeOptions(
...     target="hardness_hv", id_columns=("alloy_id",)))
>>> report.format, report.n_rows, report.plan.k, report.plan.w_bytes
('csv', 300, 60, 144000)
>>> [c.name for c in report.columns if c.role != "feature"]
['alloy_id', 'hardness_hv']
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..bundle import names
from ..bundle.manifest import open_manifest
from ..encode import Encoded, EncodeOptions, column_as_numbers, encode_table, table_frame
from ..errors import DataError, ParameterError
from ..formats import ReadOptions, read_table
from ..formats.folder import input_bytes
from ..formats.registry import get as get_format
from ..formats.table import Table
from ..method.order import content_hash, order_rows, row_digests
from ..method.registry import DEFAULT_METHOD, get_method
from ..method.split import (
    ProgressCallback,
    SplitParameters,
    check_fraction_range,
)
from ..pipeline.plan import make_plan
from ..request import Execution, SplitRequest
from .hints import advise
from .inspect_header import header_report, table_shape
from .split_plan import DEFAULT_FRAC, SplitPlan, _available_host_memory, plan_split

LABEL_LIKE_ROLE = "feature (label?)"  #: the role of a feature that looks like a label
FEATURE_ROLES = ("feature", LABEL_LIKE_ROLE)


@dataclass(frozen=True)
class ColumnSummary:
    """One input column: its type, its role in a split and its awkward values."""

    name: str
    dtype: str  #: as stored: ``text`` for delimited files, else the NumPy/Arrow dtype
    kind: str  #: what the values are: ``integer``, ``float``, ``boolean`` or ``text``
    role: str  #: ``feature``, ``target``, ``id`` or ``unused``
    missing: int
    distinct: int

    @property
    def constant(self) -> bool:
        return self.distinct <= 1

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "constant": self.constant}


@dataclass
class DataReport:
    """Everything :func:`inspect_data` found out about a data file."""

    path: Path
    format: str
    file_bytes: int
    shape: tuple[int, ...]  #: as read: rows × columns, or the array's shape
    read_options: dict[str, Any]
    columns: list[ColumnSummary]
    modality: str | None = None
    n: int | None = None  #: rows the split would use
    d: int | None = None  #: encoded features
    one_hot: dict[str, list[str]] = field(default_factory=dict)
    dropped_rows: int = 0
    duplicate_rows: int | None = None  #: rows whose features repeat an earlier row's
    content_sha256: str | None = None
    problems: list[str] = field(default_factory=list)  #: why ``split`` would refuse it
    hints: list[str] = field(default_factory=list)  #: options that would likely help
    #: every hint's options as one command line, which ``split`` accepts
    suggested: list[str] = field(default_factory=list)
    #: the reader's notes (line 1 read as data) and label-like features, for stderr
    warnings: list[str] = field(default_factory=list)
    assumed: list[str] = field(default_factory=list)  #: options the plan assumes
    plan: SplitPlan | None = None

    @property
    def n_rows(self) -> int:
        return self.shape[0]

    @property
    def missing_cells(self) -> int:
        return sum(c.missing for c in self.columns)

    @property
    def constant_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.constant]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "data",
            "path": str(self.path),
            "format": self.format,
            "modality": self.modality,
            "file_bytes": self.file_bytes,
            "shape": list(self.shape),
            "read_options": self.read_options,
            "columns": [c.to_dict() for c in self.columns],
            "missing_cells": self.missing_cells,
            "constant_columns": self.constant_columns,
            "n": self.n,
            "d": self.d,
            "one_hot": self.one_hot,
            "dropped_rows": self.dropped_rows,
            "duplicate_rows": self.duplicate_rows,
            "content_sha256": self.content_sha256,
            "problems": self.problems,
            "hints": self.hints,
            "suggested_options": self.suggested,
            "warnings": self.warnings,
            "assumed": self.assumed,
            "plan": self.plan.to_dict() if self.plan is not None else None,
        }


def is_manifest(path: str | Path) -> bool:
    """Whether ``inspect`` should read ``path`` as a manifest rather than as data.

    >>> is_manifest("splits/manifest.json"), is_manifest("data.csv")
    (True, False)
    """
    path = Path(path)
    return path.suffix.lower() == ".json" or (path / names.MANIFEST).is_file()


def inspect_data(
    path: str | Path,
    read_options: ReadOptions | None = None,
    encode_options: EncodeOptions | None = None,
    *,
    frac: float = DEFAULT_FRAC,
    method: str = DEFAULT_METHOD,
    iterations: int | None = None,
    threads: int | None = None,
    shard_rows: int | None = None,
    progress: ProgressCallback | None = None,
) -> DataReport:
    """Read and encode a data file as ``split`` would, and report on it (the plan: of a
    split with ``method``, ``iterations`` by default the method's, whole or in shards as
    ``split --shard-rows shard_rows`` would run it).

    Problems that would make ``split`` refuse the file (missing values, no usable feature)
    are reported, not raised; when missing values are the only problem, the plan assumes
    ``--drop-missing``. Unreadable files and unknown column names raise as in ``split``.
    """
    check_fraction_range(frac)
    iterations = get_method(method).iterations(iterations)
    read_options = read_options or ReadOptions()
    encode_options = encode_options or EncodeOptions()
    request = SplitRequest(
        path=Path(path),
        params=SplitParameters(frac=frac, iterations=iterations),
        read=read_options,
        encode=encode_options,
        method=method,
        execution=Execution(shard_rows=shard_rows),
    )
    mode = make_plan(request)
    if (large := header_report(Path(path), frac, iterations, method, threads, mode)) is not None:
        return large  # too large to read for a report: its header says n and d
    table = read_table(path, read_options)
    mode = mode.after_reading(table.n_rows)
    report = DataReport(
        path=table.path,
        format=table.format,
        file_bytes=input_bytes(table.path),
        shape=table_shape(table),
        read_options=table.read_options,
        columns=_column_summaries(table, encode_options),
    )
    _advise(report, table, encode_options)
    too_wide = None if encode_options.strict else _too_wide_to_encode(report)
    if too_wide is not None:
        report.problems.append(too_wide)
        n, d = report.n_rows, _encoded_width(report.columns)
        report.assumed.append(f"d = {d} counted from the columns, not encoded")
    else:
        encoded = _encode_or_report(table, encode_options, report)
        if encoded is None:
            return report
        _describe_encoding(report, encoded, progress)
        n, d = encoded.n, encoded.d
    report.plan = plan_split(
        n,
        d,
        frac=frac,
        iterations=iterations,
        method=method,
        threads=threads,
        source=table.path.name,
        mode=mode,
    )
    too_big = report.plan.memory_problem(table.path.name, _available_host_memory())
    report.problems += [too_big] if too_big else []
    return report


def _describe_encoding(
    report: DataReport, encoded: Encoded, progress: ProgressCallback | None
) -> None:
    """The encoded matrix's shape, duplicates and content hash (the manifest's)."""
    report.modality = encoded.modality
    report.n, report.d = encoded.n, encoded.d
    report.one_hot = encoded.one_hot
    report.dropped_rows = len(encoded.dropped_rows)
    report_progress = progress or (lambda stage, done, total: None)
    report_progress("hash", 0, encoded.n)
    digests = row_digests(encoded.X)
    report_progress("hash", encoded.n, encoded.n)
    report.duplicate_rows = encoded.n - order_rows(digests).n_unique
    report.content_sha256 = content_hash(digests, encoded.d)


def _encode_or_report(table: Table, options: EncodeOptions, report: DataReport) -> Encoded | None:
    """Encode as ``split`` would; on a data problem, note it and retry with --drop-missing."""
    try:
        return encode_table(table, options)
    except DataError as error:
        report.problems.append(str(error))
    if options.drop_missing:
        return None
    try:
        encoded = encode_table(table, replace(options, drop_missing=True))
    except (DataError, ParameterError):  # still refused, or an input without columns
        return None
    report.assumed.append("--drop-missing")
    return encoded


def _advise(report: DataReport, table: Table, options: EncodeOptions) -> None:
    """Hints (each with the options that act on it), the suggested options, the warnings,
    and label-like features marked in the role column."""
    features = [c for c in report.columns if c.role == "feature"]
    text_unique = {c.name: c.distinct == report.n_rows > 1 for c in features if c.kind == "text"}
    found = advise(table, options, text_unique, [c.name for c in features])
    report.hints, report.suggested, report.warnings = found.hints, found.suggested, found.warnings
    role = {name: LABEL_LIKE_ROLE for name in found.label_like & {c.name for c in features}}
    report.columns = [replace(c, role=role.get(c.name, c.role)) for c in report.columns]


def _encoded_width(columns: list[ColumnSummary]) -> int:
    """Features after encoding: one per numeric feature, one per category of a text one."""
    return sum(c.distinct if c.kind == "text" else 1 for c in columns if c.role in FEATURE_ROLES)


def _too_wide_to_encode(report: DataReport) -> str | None:
    """Why encoding would not fit in memory (one-hot of many categories), or ``None``."""
    width = _encoded_width(report.columns)
    needed = 2 * report.n_rows * width * 8  # the one-hot blocks and the matrix built from them
    available = _available_host_memory()
    if available is None or needed <= available:
        return None
    wide = [c.name for c in report.columns if c.role in FEATURE_ROLES and c.kind == "text"]
    return (
        f"{report.path}: encoding needs about {needed / 2**30:.1f} GiB for {report.n_rows} rows "
        f"x {width} features, more than the {available / 2**30:.1f} GiB available: one-hot "
        f"encoding of text column(s) {', '.join(map(repr, wide))} makes most of them; leave "
        "them out with --id-col or --features, or refuse them with --strict"
    )


def _column_summaries(table: Table, options: EncodeOptions) -> list[ColumnSummary]:
    """One summary per column of a table or array; for sequences, one of the sequences;
    and one of the labels (class folders, names, ``--target-key`` arrays) where there are."""
    if table.frame is not None or table.array is not None:
        frame = table_frame(table)
        stored_as_text = get_format(table.format).values_as_text
        summaries = [
            _column_summary(
                str(name),
                frame[name],
                _role(str(name), options),
                "text" if stored_as_text else None,
            )
            for name in frame.columns
        ]
    else:
        summaries = []
    if table.sequences is not None:
        sequences = pd.Series(table.sequences)
        summaries.append(_column_summary("sequence", sequences, "sequence", "text"))
    if table.labels is not None:
        labels = np.asarray(table.labels)
        rows = labels.reshape(len(labels), -1)
        values = pd.Series([",".join(map(str, row)) for row in rows])
        summaries.append(_column_summary("labels", values, "label", str(labels.dtype)))
    return summaries


def _role(column: str, options: EncodeOptions) -> str:
    if column == options.sequence_col:
        return "sequence"
    if column == options.target:
        return "target"
    if column in options.id_columns:
        return "id"
    if options.sequence_col is None and (options.features is None or column in options.features):
        return "feature"
    return "unused"


def _column_summary(name: str, column: pd.Series, role: str, dtype: str | None) -> ColumnSummary:
    values, missing = column_as_numbers(column)
    if pd.api.types.is_bool_dtype(column.dtype):
        kind = "boolean"
    elif values is None:
        kind = "text"
    else:
        present = values[~missing]
        kind = "integer" if bool(np.all(present == np.round(present))) else "float"
    return ColumnSummary(
        name=name,
        dtype=dtype or str(column.dtype),
        kind=kind,
        role=role,
        missing=int(missing.sum()),
        distinct=_distinct(column),
    )


def _distinct(column: pd.Series) -> int:
    """Distinct values, counting lists and arrays (nested Parquet values) by their text."""
    try:
        return int(column.nunique(dropna=False))
    except TypeError:  # unhashable values
        return int(column.astype(str).nunique(dropna=False))


def inspect_manifest(path: str | Path) -> dict[str, Any]:
    """A summary of a manifest: what was split, how, and which files hold the result.

    >>> import tempfile, pathlib
    >>> from benchmake_cli import split_file
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "splits"
    >>> _ = split_file("sample_data/alloys.csv", frac=0.2, out=out, target="hardness_hv",
    ...                id_columns=["alloy_id"])
    >>> summary = inspect_manifest(out)
    >>> summary["split"]["n_test"], summary["input"]["name"], sorted(summary["files"])[:2]
    (60, 'alloys.csv', ['test.csv', 'test_indices.txt'])
    """
    manifest = open_manifest(path)
    method, data, encoding = manifest.method, manifest.input, manifest.encoding
    return {
        "kind": "manifest",
        "path": str(manifest.file),
        "tool": manifest.record("tool"),
        "method": {
            "name": method.name,
            "version": method.version,
            "parameters": {
                key: method.parameter(key)
                for key in ("frac", "k", "iterations", "tol", "seed", "dtype")
            },
        },
        "input": {
            "name": data.name,
            "path": data.path,
            "format": data.format,
            "bytes": data.bytes,
            "sha256": data.sha256,
        },
        "encoding": {
            "modality": encoding.modality,
            "n": encoding.n,
            "d": encoding.d,
            "columns_used": encoding.columns_used,
            "target": manifest.target_name,
            "one_hot": encoding.one_hot,
            "dropped_rows": len(encoding.dropped_rows),
            "content_sha256": encoding.content_sha256,
        },
        "split": manifest.record("split"),
        "files": {
            name: {"bytes": entry.bytes, "sha256": entry.sha256}
            for name, entry in sorted(manifest.files.items())
        },
        "info": manifest.record("info"),
    }
