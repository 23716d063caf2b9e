"""The whole mode: the input read and encoded at once, and split by the method in one go;
and :class:`SplitResult`, what either mode returns."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..bundle.manifest import Manifest, encoding_section
from ..bundle.write import write_side
from ..encode import (
    Encoded,
    EncodeOptions,
    carried_columns,
    carried_hash,
    encode_table,
)
from ..encode.label_like import LabelClasses, input_warnings
from ..errors import ParameterError
from ..formats import ReadOptions, read_table
from ..formats import registry as format_registry
from ..formats.table import Table
from ..method.backend import is_out_of_memory
from ..method.base import Method
from ..method.order import row_digests
from ..method.registry import DEFAULT, resolve_method_device
from ..method.split import MethodSplit, ProgressCallback, SplitParameters
from .memory import check_fits
from .plan import Plan

if TYPE_CHECKING:
    from ..request import SplitRequest


@dataclass
class Prepared:
    """An input read and encoded: what the method sees."""

    table: Table
    encoded: Encoded
    read_options: ReadOptions
    encode_options: EncodeOptions

    @property
    def name(self) -> str:
        """The input's file or folder name, for messages."""
        return self.table.path.name


@dataclass
class SplitResult:
    """What a split did, whole or in shards: the one outcome of the pipeline.

    The rows on each side (input row numbers, ascending) and the manifest; the written
    folder (``out``), the timings and the notes once :func:`~benchmake_cli.pipeline.run.run`
    is done."""

    train: np.ndarray
    test: np.ndarray
    manifest: dict[str, Any]  #: ``files`` and ``input.path`` are filled when it is written
    plan: Plan
    #: writes the train and test data into a folder; returns the names written
    write_data: Callable[[Path], list[str]] = field(repr=False, compare=False)
    notes: list[str] = field(default_factory=list)  #: device choices and fallbacks, for humans
    #: what the user must hear and the manifest keeps: the first line read as data,
    #: label-like features (:mod:`benchmake_cli.encode.label_like`)
    warnings: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  #: read, split, write, total
    out: Path | None = None
    split: MethodSplit | None = None  #: the method's own split (whole mode)
    prepared: Prepared | None = None  #: the whole mode's input, read and encoded

    @property
    def n_train(self) -> int:
        return len(self.train)

    @property
    def n_test(self) -> int:
        return len(self.test)

    def extra_indices(self) -> dict[str, np.ndarray]:
        """The method's own index files (the reference's positions), by manifest key."""
        return self.plan.method.extra_indices(self.split) if self.split is not None else {}


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
    method: Method = DEFAULT,
    *,
    device: str = "cpu",
    threads: int | None = None,
    progress: ProgressCallback | None = None,
) -> MethodSplit:
    """Split a prepared input with ``method``, by encoded position; ``info["device"]`` is the
    device used and ``notes`` say why (``auto``) and any fallback.

    The device is a speed choice only: a GPU that runs out of memory mid-run falls back to
    the CPU and gives the same split.
    """
    encoded = prepared.encoded
    k = method.check(encoded, params)
    needed = method.estimate_bytes(encoded.n, encoded.d, k, on_gpu=True)
    device_name, xp, reason = resolve_method_device(method, device, needed)
    if device_name == "cpu":
        what = f"a whole split of {encoded.n} x {encoded.d} (k {k})"
        check_fits(method.estimate_bytes(encoded.n, encoded.d, k, False), what, prepared.name)
    notes = [reason] if device == "auto" else []
    try:
        result = method.split(encoded, params, xp=xp, threads=threads, progress=progress)
    except Exception as error:
        if device_name != "gpu" or not is_out_of_memory(error):
            raise
        notes.append("the GPU ran out of memory; finished on the CPU (same result)")
        device_name = "cpu"
        result = method.split(encoded, params, threads=threads, progress=progress)
    return replace(result, info={"device": device_name, **result.info}, notes=notes + result.notes)


def check_files_mode(files: str, fmt: str, name: str) -> None:
    """``--copy`` and ``--link`` apply to folders of images or signals only."""
    if files != "list" and not format_registry.get(fmt).copies_files:
        raise ParameterError(f"--{files}: applies to folders of images or signals, not {name}")


def split_whole(
    request: SplitRequest,
    plan: Plan,
    progress: ProgressCallback | None = None,
    prepared: Prepared | None = None,
) -> SplitResult:
    """Read, encode and split the input of ``plan`` at once (``prepared``: already read)."""
    started = time.perf_counter()
    prepared = prepared or prepare(plan.path, request.read, request.encode)
    table, encoded = prepared.table, prepared.encoded
    files = request.output.files
    check_files_mode(files, table.format, table.path.name)
    warnings = read_warnings(prepared)
    read_seconds = time.perf_counter() - started
    execution = request.execution
    split = compute_split(
        prepared,
        request.params,
        plan.method,
        device=execution.device,
        threads=execution.threads,
        progress=progress,
    )
    train, test = encoded.rows[split.train], encoded.rows[split.test]
    input_format = {"format": table.format, "read_options": table.read_options}
    manifest = build_manifest(
        request,
        plan,
        input_format={**input_format, **({"details": table.info} if table.info else {})},
        encoding=_encoding(prepared, split.content_sha256),
        parameters=split.parameters,
        split={
            "n_train": len(train),
            "n_test": len(test),
            "test_content_sha256": split.test_content_sha256,
        },
        info=split.info,
    )
    manifest.data.update(optional_fields(warnings, label_target(prepared)))
    return SplitResult(
        train=train,
        test=test,
        manifest=manifest.data,
        plan=plan,
        write_data=lambda folder: [
            *write_side(table, train, folder, "train", files),
            *write_side(table, test, folder, "test", files),
        ],
        notes=split.notes,
        warnings=warnings,
        seconds={"read": read_seconds},
        split=split,
        prepared=prepared,
    )


def _encoding(prepared: Prepared, content_sha256: str) -> dict[str, Any]:
    """The manifest's ``encoding`` fields beyond ``options`` of an input read whole."""
    table, encoded = prepared.table, prepared.encoded
    return encoding_section(
        modality=encoded.modality,
        input_rows=table.n_rows,
        n=encoded.n,
        d=encoded.d,
        columns_used=encoded.columns_used,
        one_hot=encoded.one_hot,
        dropped_rows=encoded.dropped_rows,
        content_sha256=content_sha256,
        carried_columns=carried_columns(table, encoded),
        carried_sha256=carried_hash(row_digests(encoded.X), encoded.carried),
        parameters=encoded.parameters,
    )


def read_warnings(prepared: Prepared) -> list[str]:
    """What the user should know about an input read whole: the format's notes and the
    labels' warnings."""
    return input_warnings(prepared.table, prepared.encoded, prepared.encode_options)


def optional_fields(warnings: list[str], target: dict[str, Any] | None) -> dict[str, Any]:
    """The manifest's optional top-level fields (older manifests lack them; ``verify`` never
    checks them): ``warnings`` for the user, and ``target`` when the input's labels (class
    sub-folders, ``--target-key``) are the split's target without ``--target``
    (:meth:`~benchmake_cli.encode.label_like.LabelClasses.target`)."""
    extra: dict[str, Any] = {"warnings": list(warnings)} if warnings else {}
    return {**extra, **({"target": target} if target else {})}


def label_target(prepared: Prepared) -> dict[str, Any] | None:
    """The ``target`` field of an input read whole (see :func:`optional_fields`)."""
    classes = LabelClasses()
    classes.add(prepared.table, prepared.encoded.rows)
    return classes.target(bool(prepared.read_options.target_key), prepared.encode_options)


def build_manifest(
    request: SplitRequest,
    plan: Plan,
    *,
    input_format: dict[str, Any],
    encoding: dict[str, Any],
    parameters: dict[str, Any],
    split: dict[str, Any],
    info: dict[str, Any],
) -> Manifest:
    """The manifest of a split, whole or in shards: the request's method and options, the
    input's bytes and what the mode found (``input.path`` and ``files``: when written)."""
    method = plan.method
    size, digest = plan.source.digest()
    return Manifest.build(
        method={"name": method.name, "version": method.version, "parameters": parameters},
        input={"name": plan.path.name, "bytes": size, "sha256": digest, **input_format},
        encoding={"options": request.encode.to_dict(), **encoding},
        split=split,
        info=info,
    )
