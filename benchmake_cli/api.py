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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import manifest as manifest_io
from ._version import __version__
from .backend import is_out_of_memory
from .encode import Encoded, EncodeOptions, encode_table
from .errors import ParameterError
from .factorize import estimate_bytes
from .methods import DEFAULT_METHOD, MethodSplit, get_method, resolve_method_device
from .readers import ReadOptions, read_table
from .readers.image_folder import parse_image_size
from .split import ProgressCallback, SplitParameters
from .table import Table
from .writers import (
    FILE_MODES,
    check_output_folder,
    input_digest,
    sha256_file,
    staged_folder,
    write_indices,
    write_side,
)

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
    notes: list[str] = field(default_factory=list)  #: device choices and fallbacks, for humans
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
    notes: list[str] | None = None,
) -> tuple[np.ndarray, np.ndarray, MethodSplit, str]:
    """Split a prepared input with ``method``; returns (train rows, test rows, the method's
    split by encoded position, device used).

    The device is a speed choice only: a GPU that runs out of memory mid-run falls back to
    the CPU (noted in ``notes``) and gives the same split.
    """
    encoded = prepared.encoded
    chosen = get_method(method)
    k = chosen.check(encoded, params)
    needed = estimate_bytes(encoded.n, encoded.d, k, on_gpu=True)
    device_name, xp, reason = resolve_method_device(chosen, device, needed)
    if notes is not None and device == "auto":
        notes.append(reason)
    try:
        result = chosen.split(encoded, params, xp=xp, threads=threads, progress=progress)
    except Exception as error:
        if device_name != "gpu" or not is_out_of_memory(error):
            raise
        if notes is not None:
            notes.append("the GPU ran out of memory; finished on the CPU (same result)")
        device_name = "cpu"
        result = chosen.split(encoded, params, threads=threads, progress=progress)
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
    type: str = "auto",
    key: str | list[str] | None = None,
    target_key: str | list[str] | None = None,
    image_size: str | tuple[int, int] | None = None,
    mode: str | None = None,
    sequence_col: str | None = None,
    tokens: str = "chars",
    kmer: int = 1,
    resample: int | None = None,
    files: str = "list",
    iterations: int = SplitParameters.iterations,
    tol: float = SplitParameters.tol,
    seed: int = SplitParameters.seed,
    method: str = DEFAULT_METHOD,
    reference_indices: bool = False,
    device: str = "auto",
    threads: int | None = None,
    force: bool = False,
    progress: ProgressCallback | None = None,
) -> SplitResult:
    """Split a data file or folder and, when ``out`` is given, write the split and its
    manifest there.

    ``type`` is ``auto`` or a modality (see :mod:`benchmake_cli.modality`); ``key`` and
    ``target_key`` name NPZ/HDF5 arrays (a list, or comma-separated, is joined in order);
    ``image_size`` (``"64x64"``) and ``mode`` (``L``/``RGB``) decode images;
    ``sequence_col``, ``tokens``, ``kmer`` encode sequences; ``resample`` resamples signals;
    ``files`` (``list``, ``copy``, ``link``) says whether the files of an image or signal
    folder are only listed or also copied or linked into ``train/`` and ``test/``.
    ``method`` is ``benchmake-cli`` (default) or ``benchmake-1.1.2`` (the reference's split,
    reproduced exactly); ``reference_indices`` also writes ``reference_test_indices.txt``
    and ``reference_train_indices.txt``, the positions in the reference's hash order.
    """
    timer = time.perf_counter()
    if files not in FILE_MODES:
        raise ParameterError(f"files={files!r}: use one of {', '.join(FILE_MODES)}")
    chosen = get_method(method)
    if reference_indices and not chosen.has_reference_indices:
        raise ParameterError(
            f"--reference-indices: --method {chosen.name} has no reference order; "
            "use it with --method benchmake-1.1.2"
        )
    prepared = prepare(
        path,
        ReadOptions(
            sep=sep,
            header=header,
            type=type,
            key=_keys(key),
            target_key=_keys(target_key),
            image_size=parse_image_size(image_size),
            mode=mode,
        ),
        EncodeOptions(
            target=target,
            features=tuple(features) if features is not None else None,
            id_columns=tuple(id_columns or ()),
            strict=strict,
            drop_missing=drop_missing,
            sequence_col=sequence_col,
            tokens=tokens,
            kmer=kmer,
            resample=resample,
        ),
    )
    if files != "list" and prepared.table.format not in ("image-folder", "signal-folder"):
        raise ParameterError(
            f"--{files}: applies to folders of images or signals, not {prepared.table.path.name}"
        )
    params = SplitParameters(frac=frac, iterations=iterations, tol=tol, seed=seed)
    chosen.check(prepared.encoded, params)
    resolve_method_device(chosen, device)
    if out is not None:
        check_output_folder(Path(out), force)
    read_seconds = time.perf_counter() - timer
    notes: list[str] = []
    train, test, method_split, device_name = compute_split(
        prepared,
        params,
        method=method,
        device=device,
        threads=threads,
        progress=progress,
        notes=notes,
    )
    split_seconds = time.perf_counter() - timer - read_seconds
    manifest = build_manifest(prepared, chosen.name, method_split, train, test, device_name)
    result = SplitResult(
        train=train,
        test=test,
        manifest=manifest,
        out=None,
        notes=notes,
        reference_test_positions=method_split.reference_test_positions,
        reference_train_positions=method_split.reference_train_positions,
    )
    if out is not None:
        result.out = write_split(
            prepared,
            result,
            Path(out),
            force=force,
            files=files,
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
    size, digest = input_digest(table.path)
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
            "bytes": size,
            "sha256": digest,
            "format": table.format,
            "read_options": table.read_options,
            **({"details": table.info} if table.info else {}),
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
            **({"parameters": encoded.parameters} if encoded.parameters else {}),
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
    files: str = "list",
    progress: ProgressCallback | None = None,
    reference_indices: bool = False,
) -> Path:
    """Write indices, data subsets and the manifest into ``out`` (atomically); with
    ``reference_indices``, also the positions as the reference returns them."""
    report = progress or (lambda stage, done, total: None)
    table = prepared.table
    with staged_folder(out, force) as staging:
        report("write", 0, 4)
        write_indices(staging / "train_indices.txt", result.train)
        write_indices(staging / "test_indices.txt", result.test)
        written = ["train_indices.txt", "test_indices.txt"]
        reference = (result.reference_test_positions, result.reference_train_positions)
        if reference_indices:
            if reference[0] is None or reference[1] is None:
                raise ParameterError(
                    "--reference-indices: this split has no reference order; "
                    "use it with --method benchmake-1.1.2"
                )
            write_indices(staging / REFERENCE_TEST_INDICES, reference[0])
            write_indices(staging / REFERENCE_TRAIN_INDICES, reference[1])
            written += [REFERENCE_TEST_INDICES, REFERENCE_TRAIN_INDICES]
        report("write", 2, 4)
        written += write_side(table, result.train, staging, "train", files)
        report("write", 3, 4)
        written += write_side(table, result.test, staging, "test", files)
        hashes: dict[str, dict[str, Any]] = {
            name: {"sha256": sha256_file(staging / name), "bytes": (staging / name).stat().st_size}
            for name in written
        }
        manifest = result.manifest
        manifest["files"] = hashes
        if files != "list":
            manifest["split"]["files"] = files
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
        report("write", 4, 4)
    return out


def _keys(keys: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...] | None:
    """``"a,b"`` or ``["a", "b"]`` → ``("a", "b")``."""
    if keys is None:
        return None
    parts = keys.split(",") if isinstance(keys, str) else list(keys)
    cleaned = tuple(part.strip() for part in parts if part.strip())
    if not cleaned:
        raise ParameterError(f"--key {keys!r}: name at least one array")
    return cleaned
