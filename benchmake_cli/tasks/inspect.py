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

import os
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..analysis import cost_model
from ..bundle import manifest as manifest_io
from ..encode import Encoded, EncodeOptions, column_as_numbers, encode_table, table_frame
from ..errors import DataError, ParameterError
from ..formats import ReadOptions, read_table
from ..formats.folder import input_bytes
from ..formats.table import Table
from ..method import backend
from ..method.factorize import default_threads
from ..method.order import content_hash, order_rows, row_digests
from ..method.split import (
    DEFAULT_ITERATIONS,
    ProgressCallback,
    SplitParameters,
    check_fraction,
    check_fraction_range,
)
from ..pipeline.plan import Plan, Work, make_plan
from ..request import SplitRequest

DEFAULT_FRAC = 0.2


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


@dataclass(frozen=True)
class SplitPlan:
    """What ``split --frac F`` would do with this input, and what it would cost."""

    frac: float
    n: int
    d: int
    k: int
    iterations: int
    threads: int
    w_bytes: int  #: the factor W (n × k float64; in shards, one shard's) on the device used
    peak_bytes: dict[str, int]  #: W plus work buffers, per device (in shards: one shard's)
    device: str  #: what ``--device auto`` would pick
    device_reason: str
    cpu_available_bytes: int | None
    gpu_free_bytes: int | None  #: ``None`` without a usable GPU
    gpu_total_bytes: int | None
    estimates: dict[str, cost_model.TimeEstimate]  #: all shards, one after another
    mode: str = "whole"  #: ``whole`` or ``sharded``: how ``split`` runs it
    shards: int = 1
    shard_n: int | None = None  #: rows of one shard (the memory figures are one shard's)
    shard_k: int | None = None  #: test rows of that shard

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["estimates"] = {name: e.to_dict() for name, e in self.estimates.items()}
        data["fits"] = {
            "cpu": self.cpu_available_bytes is None
            or self.peak_bytes["cpu"] <= self.cpu_available_bytes,
            "gpu": self.gpu_free_bytes is not None
            and self.peak_bytes["gpu"] <= self.gpu_free_bytes,
        }
        return data


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
            "assumed": self.assumed,
            "plan": self.plan.to_dict() if self.plan is not None else None,
        }


def is_manifest(path: str | Path) -> bool:
    """Whether ``inspect`` should read ``path`` as a manifest rather than as data.

    >>> is_manifest("splits/manifest.json"), is_manifest("data.csv")
    (True, False)
    """
    path = Path(path)
    return path.suffix.lower() == ".json" or (path / manifest_io.FILE_NAME).is_file()


def inspect_data(
    path: str | Path,
    read_options: ReadOptions | None = None,
    encode_options: EncodeOptions | None = None,
    *,
    frac: float = DEFAULT_FRAC,
    iterations: int = DEFAULT_ITERATIONS,
    threads: int | None = None,
    progress: ProgressCallback | None = None,
) -> DataReport:
    """Read and encode a data file as ``split`` would, and report on it.

    Problems that would make ``split`` refuse the file (missing values, no usable feature)
    are reported, not raised; when missing values are the only problem, the plan assumes
    ``--drop-missing``. Unreadable files and unknown column names raise as in ``split``.
    """
    check_fraction_range(frac)
    read_options = read_options or ReadOptions()
    encode_options = encode_options or EncodeOptions()
    table = read_table(path, read_options)
    request = SplitRequest(
        path=Path(path),
        params=SplitParameters(frac=frac, iterations=iterations),
        read=read_options,
        encode=encode_options,
    )
    mode = make_plan(request)
    report = DataReport(
        path=table.path,
        format=table.format,
        file_bytes=input_bytes(table.path),
        shape=_shape(table),
        read_options=table.read_options,
        columns=_column_summaries(table, encode_options),
    )
    report.hints = _identifier_hints(report.columns, report.n_rows)
    too_wide = None if encode_options.strict else _too_wide_to_encode(report)
    if too_wide is not None:
        report.problems.append(too_wide)
        width = _encoded_width(report.columns)
        report.assumed.append(f"d = {width} counted from the columns, not encoded")
        report.plan = plan_split(
            report.n_rows,
            width,
            frac=frac,
            iterations=iterations,
            threads=threads,
            source=table.path.name,
            mode=mode,
        )
        return report
    encoded = _encode_or_report(table, encode_options, report)
    if encoded is not None:
        _describe_encoding(report, encoded, progress)
        report.plan = plan_split(
            encoded.n,
            encoded.d,
            frac=frac,
            iterations=iterations,
            threads=threads,
            source=table.path.name,
            mode=mode,
        )
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


def plan_split(
    n: int,
    d: int,
    *,
    frac: float = DEFAULT_FRAC,
    iterations: int = DEFAULT_ITERATIONS,
    threads: int | None = None,
    source: str = "",
    mode: Plan | None = None,
) -> SplitPlan:
    """What a split of ``n × d`` rows at ``frac`` needs, and where ``--device auto`` runs it
    (``source``: the input's name, for messages). With ``mode`` (the plan ``split`` makes)
    a sharded split's memory is that of one shard, its time that of all shards.

    >>> plan = plan_split(1000, 10, frac=0.2)
    >>> plan.k, plan.w_bytes, plan.peak_bytes["cpu"] > plan.w_bytes, plan.mode
    (200, 1600000, True, 'whole')
    """
    k = check_fraction(n, frac, source)
    threads = threads or default_threads()
    work = mode.work(n, d, frac) if mode is not None else Work(n, d, k, 1)
    peak = {device: work.peak_bytes(device) for device in ("cpu", "gpu")}
    device, _xp, reason = backend.resolve_device("auto", peak["gpu"])
    gpu_free, gpu_total = _gpu_memory()
    devices = ("cpu", "gpu") if gpu_free is not None else ("cpu",)
    estimates = {
        name: _all_shards(
            cost_model.estimate_time(work.n, d, work.k, iterations, device=name, threads=threads),
            work.shards,
        )
        for name in devices
    }
    sharded = work.shards > 1 or (mode is not None and mode.sharded)
    return SplitPlan(
        frac=frac,
        n=n,
        d=d,
        k=k,
        iterations=iterations,
        threads=threads,
        w_bytes=work.w_bytes,
        peak_bytes=peak,
        device=device,
        device_reason=reason,
        cpu_available_bytes=_available_host_memory(),
        gpu_free_bytes=gpu_free,
        gpu_total_bytes=gpu_total,
        estimates=estimates,
        mode="sharded" if sharded else "whole",
        shards=work.shards,
        shard_n=work.n if sharded else None,
        shard_k=work.k if sharded else None,
    )


def _all_shards(estimate: cost_model.TimeEstimate, shards: int) -> cost_model.TimeEstimate:
    """One shard's time estimate, times the number of shards (run one after another)."""
    if shards == 1:
        return estimate
    return replace(
        estimate,
        hashing=estimate.hashing * shards,
        per_iteration=estimate.per_iteration * shards,
        matching=estimate.matching * shards,
    )


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


def _identifier_hints(columns: list[ColumnSummary], n_rows: int) -> list[str]:
    """Text features with a different value in every row: identifiers, most likely."""
    return [
        f"column {c.name!r} is text with a different value in every row: an identifier, "
        f"which split refuses as a feature; pass --id-col {c.name}"
        for c in columns
        if c.role == "feature" and c.kind == "text" and c.distinct == n_rows > 1
    ]


def _encoded_width(columns: list[ColumnSummary]) -> int:
    """Features after encoding: one per numeric feature, one per category of a text one."""
    return sum(c.distinct if c.kind == "text" else 1 for c in columns if c.role == "feature")


def _too_wide_to_encode(report: DataReport) -> str | None:
    """Why encoding would not fit in memory (one-hot of many categories), or ``None``."""
    width = _encoded_width(report.columns)
    needed = 2 * report.n_rows * width * 8  # the one-hot blocks and the matrix built from them
    available = _available_host_memory()
    if available is None or needed <= available:
        return None
    wide = [c.name for c in report.columns if c.role == "feature" and c.kind == "text"]
    return (
        f"{report.path}: encoding needs about {needed / 2**30:.1f} GiB for {report.n_rows} rows "
        f"x {width} features, more than the {available / 2**30:.1f} GiB available: one-hot "
        f"encoding of text column(s) {', '.join(map(repr, wide))} makes most of them; leave "
        "them out with --id-col or --features, or refuse them with --strict"
    )


def _shape(table: Table) -> tuple[int, ...]:
    """Rows × columns of a table, an array's shape, or the number of samples of a
    sequence file or a folder of signals or graphs."""
    if table.array is not None:
        return tuple(int(s) for s in table.array.shape)
    if table.frame is not None:
        return (len(table.frame), table.frame.shape[1])
    return (table.n_rows,)


def _column_summaries(table: Table, options: EncodeOptions) -> list[ColumnSummary]:
    """One summary per column of a table or array; for sequences, one of the sequences;
    and one of the labels (class folders, names, ``--target-key`` arrays) where there are."""
    if table.frame is not None or table.array is not None:
        frame = table_frame(table)
        stored_as_text = table.format in ("csv", "tsv")
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
        summaries.append(_column_summary("sequence", pd.Series(table.sequences), "feature", "text"))
    if table.labels is not None:
        labels = np.asarray(table.labels)
        rows = labels.reshape(len(labels), -1)
        values = pd.Series([",".join(map(str, row)) for row in rows])
        summaries.append(_column_summary("labels", values, "label", str(labels.dtype)))
    return summaries


def _role(column: str, options: EncodeOptions) -> str:
    if column == options.target:
        return "target"
    if column in options.id_columns:
        return "id"
    if options.features is None or column in options.features:
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


def _available_host_memory() -> int | None:
    """Bytes of memory available to new allocations (Linux ``MemAvailable``)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def _gpu_memory() -> tuple[int | None, int | None]:
    """Free and total bytes of the GPU CuPy would use, or ``(None, None)`` without one."""
    cupy = backend.cupy_or_none()
    if cupy is None:
        return None, None
    free, total = cupy.cuda.runtime.memGetInfo()
    return int(free), int(total)


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
    manifest = manifest_io.load(path)
    path = Path(path)
    parameters = manifest_io.field(manifest, "method", "parameters")
    encoding = manifest["encoding"]
    return {
        "kind": "manifest",
        "path": str(path / manifest_io.FILE_NAME if path.is_dir() else path),
        "tool": manifest["tool"],
        "method": {
            "name": manifest_io.field(manifest, "method", "name"),
            "version": manifest_io.field(manifest, "method", "version"),
            "parameters": {
                key: parameters.get(key)
                for key in ("frac", "k", "iterations", "tol", "seed", "dtype")
            },
        },
        "input": {
            key: manifest["input"].get(key) for key in ("name", "path", "format", "bytes", "sha256")
        },
        "encoding": {
            "modality": encoding.get("modality"),
            "n": encoding.get("n"),
            "d": encoding.get("d"),
            "columns_used": encoding.get("columns_used", []),
            "target": (encoding.get("options") or {}).get("target"),
            "one_hot": encoding.get("one_hot", {}),
            "dropped_rows": len(encoding.get("dropped_rows", [])),
            "content_sha256": encoding.get("content_sha256"),
        },
        "split": dict(manifest["split"]),
        "files": {
            name: {"bytes": entry.get("bytes"), "sha256": entry.get("sha256")}
            for name, entry in sorted(manifest["files"].items())
        },
        "info": manifest.get("info", {}),
    }
