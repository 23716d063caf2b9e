"""The whole mode: the input read and encoded at once, and split by the method in one go."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..bundle.manifest import encoding_section
from ..bundle.write import write_side
from ..encode import Encoded, EncodeOptions, carried_columns, carried_hash, encode_table
from ..errors import ParameterError
from ..formats import ReadOptions, read_table
from ..formats import registry as format_registry
from ..formats.table import Table
from ..method.backend import is_out_of_memory
from ..method.order import row_digests
from ..method.registry import DEFAULT_METHOD, MethodSplit, get_method, resolve_method_device
from ..method.split import ProgressCallback, SplitParameters
from .plan import Plan


@dataclass
class Prepared:
    """An input read and encoded: what the method sees."""

    table: Table
    encoded: Encoded
    read_options: ReadOptions
    encode_options: EncodeOptions


@dataclass
class Outcome:
    """What either mode decided and found: everything the manifest and the bundle need."""

    train: np.ndarray  #: input row numbers, ascending
    test: np.ndarray
    input_format: dict[str, Any]  #: the manifest's ``input`` fields beyond name, bytes, hash
    encoding: dict[str, Any]  #: the manifest's ``encoding`` fields beyond ``options``
    parameters: dict[str, Any]  #: the manifest's ``method.parameters``
    test_content_sha256: str
    info: dict[str, Any]  #: informational: device, engine, BLAS
    #: writes the train and test data into a folder; returns the names written
    write_data: Callable[[Path], list[str]]
    read_seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    reference_test_positions: np.ndarray | None = None
    reference_train_positions: np.ndarray | None = None
    prepared: Prepared | None = None  #: the whole mode's input, read and encoded


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
    needed = chosen.estimate_bytes(encoded.n, encoded.d, k, on_gpu=True)
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
    if notes is not None:
        notes.extend(result.warnings)
    return encoded.rows[result.train], encoded.rows[result.test], result, device_name


def check_files_mode(files: str, fmt: str, name: str) -> None:
    """``--copy`` and ``--link`` apply to folders of images or signals only."""
    if files != "list" and not format_registry.get(fmt).copies_files:
        raise ParameterError(f"--{files}: applies to folders of images or signals, not {name}")


def split_whole(
    plan: Plan,
    read_options: ReadOptions,
    encode_options: EncodeOptions,
    params: SplitParameters,
    *,
    files: str = "list",
    shard_rows_given: bool = False,
    device: str = "auto",
    threads: int | None = None,
    progress: ProgressCallback | None = None,
) -> Outcome:
    """Read, encode and split the input of ``plan`` at once."""
    started = time.perf_counter()
    prepared = prepare(plan.path, read_options, encode_options)
    table, encoded = prepared.table, prepared.encoded
    check_files_mode(files, table.format, table.path.name)
    notes: list[str] = []
    if not plan.streamed and get_method(plan.method).shardable and table.n_rows > plan.threshold:
        if shard_rows_given:
            raise ParameterError(
                f"--shard-rows {plan.shard_rows}: sharded splits read tables, arrays of rank "
                f"1 or 2 and sequence files in chunks; {table.path.name} is read as "
                f"{encoded.modality} ({table.format}): pass --shard-rows 0 "
                "to split it whole"
            )
        notes.append(
            f"not sharded: {table.path.name} is read as {encoded.modality} "
            f"({table.format}) and split whole with the exact method"
        )
    seconds = time.perf_counter() - started
    train, test, split, device_name = compute_split(
        prepared,
        params,
        method=plan.method,
        device=device,
        threads=threads,
        progress=progress,
        notes=notes,
    )
    return Outcome(
        train=train,
        test=test,
        input_format={
            "format": table.format,
            "read_options": table.read_options,
            **({"details": table.info} if table.info else {}),
        },
        encoding=encoding_section(
            modality=encoded.modality,
            input_rows=table.n_rows,
            n=encoded.n,
            d=encoded.d,
            columns_used=encoded.columns_used,
            one_hot=encoded.one_hot,
            dropped_rows=encoded.dropped_rows,
            content_sha256=split.content_sha256,
            carried_columns=carried_columns(table, encoded),
            carried_sha256=carried_hash(row_digests(encoded.X), encoded.carried),
            parameters=encoded.parameters,
        ),
        parameters=split.parameters,
        test_content_sha256=split.test_content_sha256,
        info={"device": device_name, **split.info},
        write_data=lambda folder: [
            *write_side(table, train, folder, "train", files),
            *write_side(table, test, folder, "test", files),
        ],
        read_seconds=seconds,
        notes=notes,
        reference_test_positions=split.reference_test_positions,
        reference_train_positions=split.reference_train_positions,
        prepared=prepared,
    )
