"""The library entry points: split a file, with every step recorded in a manifest.

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "splits"
>>> result = split_file("sample_data/alloys.csv", frac=0.2, out=out, target="hardness_hv",
...                     id_columns=["alloy_id"])
>>> result.n_test, result.n_train, (out / "manifest.json").exists()
(60, 240, True)
"""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import manifest as manifest_io
from ._version import __version__
from .encode import Encoded, EncodeOptions, encode_table
from .errors import ParameterError
from .methods import DEFAULT_METHOD, MethodSplit, get_method, resolve_method_device
from .readers import ReadOptions, read_table
from .split import ProgressCallback, SplitParameters
from .table import Table
from .writers import data_file_names, sha256_file, staged_folder, write_indices, write_subset

#: positions in the reference's hash order, written by ``--reference-indices``
REFERENCE_TEST_INDICES = "reference_test_indices.txt"
REFERENCE_TRAIN_INDICES = "reference_train_indices.txt"


@dataclass
class Prepared:
    """An input read and encoded: what the method sees."""

    table: Table
    encoded: Encoded
    read_options: ReadOptions
    encode_options: EncodeOptions


@dataclass
class SplitResult:
    """What :func:`split_file` did: the rows on each side (input row numbers) and the manifest."""

    train: np.ndarray
    test: np.ndarray
    manifest: dict[str, Any]
    out: Path | None
    seconds: dict[str, float] = field(default_factory=dict)
    #: the test and training positions in the reference's hash order, as it returns them
    #: (``--method benchmake-1.1.2`` only)
    reference_test_positions: np.ndarray | None = None
    reference_train_positions: np.ndarray | None = None

    @property
    def n_train(self) -> int:
        return len(self.train)

    @property
    def n_test(self) -> int:
        return len(self.test)


def prepare(
    path: str | Path,
    read_options: ReadOptions | None = None,
    encode_options: EncodeOptions | None = None,
) -> Prepared:
    """Read and encode an input file."""
    read_options = read_options or ReadOptions()
    encode_options = encode_options or EncodeOptions()
    table = read_table(path, read_options)
    return Prepared(table, encode_table(table, encode_options), read_options, encode_options)


def compute_split(
    prepared: Prepared,
    params: SplitParameters,
    *,
    method: str = DEFAULT_METHOD,
    device: str = "cpu",
    threads: int | None = None,
    progress: ProgressCallback | None = None,
) -> tuple[np.ndarray, np.ndarray, MethodSplit, str]:
    """Split a prepared input with ``method``; returns (train rows, test rows, the method's
    split by encoded position, device used)."""
    encoded = prepared.encoded
    chosen = get_method(method)
    chosen.check(encoded, params)
    device_name, xp = resolve_method_device(chosen, device)
    result = chosen.split(encoded, params, xp=xp, threads=threads, progress=progress)
    return encoded.rows[result.train], encoded.rows[result.test], result, device_name


def split_file(
    path: str | Path,
    *,
    frac: float,
    out: str | Path | None = None,
    sep: str | None = None,
    header: bool = True,
    target: str | None = None,
    features: list[str] | None = None,
    id_columns: list[str] | None = None,
    strict: bool = False,
    drop_missing: bool = False,
    iterations: int = SplitParameters.iterations,
    tol: float = SplitParameters.tol,
    seed: int = SplitParameters.seed,
    method: str = DEFAULT_METHOD,
    reference_indices: bool = False,
    device: str = "cpu",
    threads: int | None = None,
    force: bool = False,
    progress: ProgressCallback | None = None,
) -> SplitResult:
    """Split a data file and, when ``out`` is given, write the split and its manifest there.

    ``reference_indices`` also writes ``reference_test_indices.txt`` and
    ``reference_train_indices.txt``: the positions in the reference's hash order, as
    ``benchmake==1.1.2`` returns them (``method="benchmake-1.1.2"`` only).
    """
    timer = time.perf_counter()
    chosen = get_method(method)
    if reference_indices and not chosen.has_reference_indices:
        raise ParameterError(
            f"--reference-indices: --method {chosen.name} has no reference order; "
            "use it with --method benchmake-1.1.2"
        )
    prepared = prepare(
        path,
        ReadOptions(sep=sep, header=header),
        EncodeOptions(
            target=target,
            features=tuple(features) if features is not None else None,
            id_columns=tuple(id_columns or ()),
            strict=strict,
            drop_missing=drop_missing,
        ),
    )
    params = SplitParameters(frac=frac, iterations=iterations, tol=tol, seed=seed)
    chosen.check(prepared.encoded, params)
    resolve_method_device(chosen, device)
    if out is not None:
        from .writers import check_output_folder

        check_output_folder(Path(out), force)
    read_seconds = time.perf_counter() - timer
    train, test, method_split, device_name = compute_split(
        prepared, params, method=method, device=device, threads=threads, progress=progress
    )
    split_seconds = time.perf_counter() - timer - read_seconds
    manifest = build_manifest(prepared, chosen.name, method_split, train, test, device_name)
    result = SplitResult(
        train=train,
        test=test,
        manifest=manifest,
        out=None,
        reference_test_positions=method_split.reference_test_positions,
        reference_train_positions=method_split.reference_train_positions,
    )
    if out is not None:
        result.out = write_split(
            prepared,
            result,
            Path(out),
            force=force,
            progress=progress,
            reference_indices=reference_indices,
        )
    result.seconds = {
        "read": read_seconds,
        "split": split_seconds,
        "total": time.perf_counter() - timer,
    }
    return result


def build_manifest(
    prepared: Prepared,
    method: str,
    method_split: MethodSplit,
    train: np.ndarray,
    test: np.ndarray,
    device: str,
) -> dict[str, Any]:
    """The manifest of a split (``input.path`` and ``files`` are filled in when written)."""
    table, encoded = prepared.table, prepared.encoded
    chosen = get_method(method)
    return {
        "schema": manifest_io.SCHEMA,
        "tool": {"name": "benchmake-cli", "version": __version__},
        "method": {
            "name": chosen.name,
            "version": chosen.version,
            "parameters": method_split.parameters,
        },
        "input": {
            "name": table.path.name,
            "path": None,
            "bytes": table.path.stat().st_size,
            "sha256": sha256_file(table.path),
            "format": table.format,
            "read_options": table.read_options,
        },
        "encoding": {
            "modality": encoded.modality,
            "options": prepared.encode_options.to_dict(),
            "input_rows": table.n_rows,
            "n": encoded.n,
            "d": encoded.d,
            "columns_used": encoded.columns_used,
            "one_hot": encoded.one_hot,
            "dropped_rows": encoded.dropped_rows,
            "content_sha256": method_split.content_sha256,
        },
        "split": {
            "n_train": len(train),
            "n_test": len(test),
            "test_content_sha256": method_split.test_content_sha256,
        },
        "files": {},
        "info": {
            "device": device,
            "python": platform.python_version(),
            "numpy": np.__version__,
            **method_split.info,
        },
    }


def write_split(
    prepared: Prepared,
    result: SplitResult,
    out: Path,
    *,
    force: bool = False,
    progress: ProgressCallback | None = None,
    reference_indices: bool = False,
) -> Path:
    """Write indices, data subsets and the manifest into ``out`` (atomically); with
    ``reference_indices``, also the positions as the reference returns them."""
    report = progress or (lambda stage, done, total: None)
    table = prepared.table
    train_name, test_name = data_file_names(table)
    with staged_folder(out, force) as staging:
        files: dict[str, Callable[[Path], None]] = {
            "train_indices.txt": lambda p: write_indices(p, result.train),
            "test_indices.txt": lambda p: write_indices(p, result.test),
            train_name: lambda p: write_subset(table, result.train, p),
            test_name: lambda p: write_subset(table, result.test, p),
        }
        reference = (result.reference_test_positions, result.reference_train_positions)
        if reference_indices:
            if reference[0] is None or reference[1] is None:
                raise ParameterError(
                    "--reference-indices: this split has no reference order; "
                    "use it with --method benchmake-1.1.2"
                )
            files[REFERENCE_TEST_INDICES] = lambda p: write_indices(p, reference[0])
            files[REFERENCE_TRAIN_INDICES] = lambda p: write_indices(p, reference[1])
        hashes: dict[str, dict[str, Any]] = {}
        for done, (name, writer) in enumerate(files.items()):
            report("write", done, len(files))
            writer(staging / name)
            hashes[name] = {
                "sha256": sha256_file(staging / name),
                "bytes": (staging / name).stat().st_size,
            }
        manifest = result.manifest
        manifest["files"] = hashes
        manifest["split"]["train_indices"] = "train_indices.txt"
        manifest["split"]["test_indices"] = "test_indices.txt"
        manifest["split"]["test_indices_sha256"] = hashes["test_indices.txt"]["sha256"]
        if reference_indices:
            manifest["split"]["reference_test_indices"] = REFERENCE_TEST_INDICES
            manifest["split"]["reference_train_indices"] = REFERENCE_TRAIN_INDICES
        manifest["input"]["path"] = Path(
            os.path.relpath(table.path.resolve(), out.resolve().parent / out.name)
        ).as_posix()
        (staging / manifest_io.FILE_NAME).write_text(manifest_io.dumps(manifest), encoding="utf-8")
        report("write", len(files), len(files))
    return out
