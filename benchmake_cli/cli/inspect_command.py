"""``benchmake inspect``: what a data file or manifest holds, and what a split would take."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated, Any

import typer

from ..method.registry import DEFAULT_METHOD, get_method
from ..tasks.inspect import (
    DEFAULT_FRAC,
    DataReport,
    SplitPlan,
    inspect_data,
    inspect_manifest,
    is_manifest,
)
from .common import emit_json, progress_reporter, run_core
from .groups import (
    READING,
    reading_options,
    with_options,
)
from .options import (
    FracOption,
    IterationsOption,
    JsonOption,
    MethodOption,
    ThreadsOption,
)

HELP = """Show what a data file or a manifest holds, and what a split of the data would take.

For a data file (read with the same options as split): the format and modality, shape,
columns with their types and roles, missing values, constant columns, duplicate rows and
the content hash a split's manifest would record; then what 'split --frac F' would do: the
number of test rows k, the memory of the method's n x k float64 array (the NMF's W, the
hull's S) and the peak on the CPU and the GPU, the device '--device auto' would pick, and
an estimated time from the cost model in docs/inspect.md. Problems that would make split refuse the file are reported, not
raised. For a manifest (a .json file, or a folder holding manifest.json): a summary of the
data, the parameters and the files of the split it describes.
"""

FILES = """Reads DATA (or MANIFEST and nothing else); writes nothing."""

EXAMPLES = [
    ("What is in a file, and what would a 20 % split cost?", "benchmake inspect data.parquet"),
    (
        "The same with split's column options, as JSON for a script:",
        "benchmake inspect data.csv --target y --id-col id --frac 0.1 --json | jq .plan",
    ),
    ("Summarise a published split:", "benchmake inspect splits/manifest.json"),
]

COLUMNS_SHOWN = 20  #: columns listed without --verbose

QuietInspectOption = Annotated[
    bool, typer.Option("--quiet", "-q", metavar="", help="One summary line, no progress.")
]
VerboseInspectOption = Annotated[
    bool,
    typer.Option(
        "--verbose", "-v", metavar="", help="List every column and the terms of the time estimate."
    ),
]


@with_options(READING)
def inspect(
    path: Annotated[
        Path,
        typer.Argument(
            metavar="DATA|MANIFEST",
            help="Data file (.csv, .tsv, .parquet, .npy) or manifest (.json, or its folder).",
        ),
    ],
    frac: FracOption = DEFAULT_FRAC,
    method: MethodOption = DEFAULT_METHOD,
    iterations: IterationsOption = None,
    threads: ThreadsOption = None,
    json_output: JsonOption = False,
    quiet: QuietInspectOption = False,
    verbose: VerboseInspectOption = False,
    **options: Any,
) -> None:
    if is_manifest(path):
        summary = run_core(lambda: inspect_manifest(path), verbose)
        if json_output:
            emit_json(summary)
        else:
            typer.echo(render_manifest(summary, quiet=quiet))
        return
    read_options, encode_options = run_core(
        lambda: reading_options(options),
        verbose,
    )
    with progress_reporter(not quiet) as progress:
        report: DataReport = run_core(
            lambda: inspect_data(
                path,
                read_options,
                encode_options,
                frac=frac,
                method=method,
                iterations=iterations,
                threads=threads,
                progress=progress,
            ),
            verbose,
        )
    for warning in report.warnings:
        typer.echo(f"benchmake: warning: {warning}", err=True)
    if json_output:
        emit_json(report.to_dict())
    elif quiet:
        typer.echo(summary_line(report))
    else:
        typer.echo(render_data(report, verbose=verbose))


def human_bytes(count: float) -> str:
    """Bytes in binary units.

    >>> human_bytes(512), human_bytes(144000), human_bytes(3 * 2**30)
    ('512 B', '140.6 KiB', '3.0 GiB')
    """
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if count < 1024 or unit == "TiB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024
    raise AssertionError("unreachable")  # pragma: no cover


def human_seconds(seconds: float) -> str:
    """A duration for people.

    >>> human_seconds(0.0004), human_seconds(0.25), human_seconds(42), human_seconds(9000)
    ('< 1 ms', '250 ms', '42.0 s', '2.5 h')
    """
    if seconds < 1e-3:
        return "< 1 ms"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 120:
        return f"{seconds:.1f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def summary_line(report: DataReport) -> str:
    """``inspect -q``: the facts a script or a person needs first, on one line."""
    shape = " x ".join(str(s) for s in report.shape)
    parts = [f"{report.path}: {report.format}, {shape}"]
    if report.content_sha256 is not None:
        parts.append(f"content sha256 {report.content_sha256}")
    if report.plan is not None:
        plan = report.plan
        estimate = plan.estimates.get(plan.device, plan.estimates["cpu"])
        parts.append(
            f"split --frac {plan.frac}: k {plan.k}, "
            + (f"{plan.shards} shards, " if plan.mode == "sharded" else "")
            + f"W {human_bytes(plan.w_bytes)}, "
            f"~{human_seconds(estimate.total)} on {plan.device}"
        )
    if report.problems:
        parts.append(f"{len(report.problems)} problem(s): {report.problems[0]}")
    return "; ".join(parts)


def render_data(report: DataReport, verbose: bool = False) -> str:
    """The report on a data file, for people."""
    container = report.format if report.path.is_dir() else f"{report.format} file"
    shape = " x ".join(str(s) for s in report.shape)
    samples = f"{shape} samples" if len(report.shape) == 1 else f"{shape} as read"
    lines = [f"{report.path}: {container}, {human_bytes(report.file_bytes)}, {samples}"]
    lines += _column_table(report, verbose)
    missing = [f"{c.name} {c.missing}" for c in report.columns if c.missing]
    lines.append(
        f"missing values: {report.missing_cells} cell(s): "
        + ", ".join(missing[:COLUMNS_SHOWN])
        + _more(len(missing))
        if missing
        else "missing values: none"
    )
    constant = report.constant_columns
    lines.append(
        "constant columns: "
        + (", ".join(constant[:COLUMNS_SHOWN]) + _more(len(constant)) if constant else "none")
    )
    if report.n is not None:
        lines.append(
            f"encoded: {report.modality}, {report.n} rows x {report.d} features"
            + (f" (one-hot: {', '.join(report.one_hot)})" if report.one_hot else "")
            + (
                f", {report.dropped_rows} row(s) with missing values dropped"
                if report.dropped_rows
                else ""
            )
        )
        lines.append(f"duplicate rows: {report.duplicate_rows} (same features as an earlier row)")
        lines.append(f"content sha256: {report.content_sha256}")
    for problem in report.problems:
        lines.append(f"problem: {problem}")
    lines += [f"hint: {hint}" for hint in report.hints]
    if report.suggested:
        lines.append(
            f"next: benchmake split {shlex.join([str(report.path), *report.suggested])} "
            "--frac 0.2 --out SPLIT_FOLDER/"
        )
    if report.plan is not None:
        lines += _plan_lines(report, verbose)
    return "\n".join(lines)


def _more(count: int) -> str:
    return f", ... ({count - COLUMNS_SHOWN} more; -v lists all)" if count > COLUMNS_SHOWN else ""


def _column_table(report: DataReport, verbose: bool) -> list[str]:
    shown = report.columns if verbose else report.columns[:COLUMNS_SHOWN]
    width = max([len("column")] + [len(c.name) for c in shown])
    role = max([8] + [len(c.role) for c in shown])
    lines = [
        f"  {'column':<{width}}  {'dtype':<8} {'kind':<8} {'role':<{role}} {'missing':>8} "
        f"{'distinct':>9}"
    ]
    for c in shown:
        lines.append(
            f"  {c.name:<{width}}  {c.dtype:<8} {c.kind:<8} {c.role:<{role}} {c.missing:>8} "
            f"{c.distinct:>9}"
        )
    hidden = len(report.columns) - len(shown)
    if hidden:
        lines.append(f"  ... {hidden} more column(s); -v lists all")
    return [f"columns ({len(report.columns)}):", *lines]


def _plan_lines(report: DataReport, verbose: bool) -> list[str]:
    plan = report.plan
    assert plan is not None
    assumed = f" (assuming {'; '.join(report.assumed)})" if report.assumed else ""
    method = "" if plan.method == DEFAULT_METHOD else f" --method {plan.method}"
    lines = [
        f"split --frac {plan.frac}{method}{assumed}: {plan.k} test rows (k), "
        f"{plan.n - plan.k} train"
    ]
    factor = get_method(plan.method).factor
    if plan.mode == "sharded":
        lines += [
            f"  in {plan.shards} shards of about {plan.shard_n} rows ({plan.shard_k} test rows "
            "each), one after another; memory is that of one shard",
            f"  {factor} of one shard ({plan.shard_n} x {plan.shard_k} float64): "
            f"{human_bytes(plan.w_bytes)}",
        ]
    else:
        lines.append(f"  {factor} (n x k float64): {human_bytes(plan.w_bytes)}")
    lines += [
        _memory_line(plan),
        f"  --device auto: {plan.device} ({plan.device_reason})",
    ]
    for device, estimate in plan.estimates.items():
        lanes = estimate.parallel_lanes
        where = (
            f"the CPU ({lanes} thread{'s' if lanes > 1 else ''})" if device == "cpu" else "the GPU"
        )
        lines.append(
            f"  estimated time on {where}: at most {human_seconds(estimate.total)}"
            + ("" if estimate.measured_constants else " (assumed rates, not measured)")
        )
        if verbose:
            lines.append(
                f"    hashing {human_seconds(estimate.hashing)}, {estimate.iterations} "
                f"iterations x {human_seconds(estimate.per_iteration)}, "
                f"matching {human_seconds(estimate.matching)}"
            )
    return lines


def _memory_line(plan: SplitPlan) -> str:
    cpu = f"CPU {human_bytes(plan.peak_bytes['cpu'])}"
    if plan.cpu_available_bytes is not None:
        cpu += f" ({human_bytes(plan.cpu_available_bytes)} available)"
    gpu = f"GPU {human_bytes(plan.peak_bytes['gpu'])}"
    if plan.gpu_free_bytes is None:
        gpu += " (no usable GPU)"
    else:
        gpu += f" ({human_bytes(plan.gpu_free_bytes)} free of {human_bytes(plan.gpu_total_bytes or 0)})"
    return f"  peak memory: {cpu}, {gpu}"


def render_manifest(summary: dict[str, Any], quiet: bool = False) -> str:
    """The summary of a manifest, for people."""
    tool, method, data = summary["tool"], summary["method"], summary["input"]
    encoding, split = summary["encoding"], summary["split"]
    head = (
        f"{summary['path']}: {split.get('n_train')} train / {split.get('n_test')} test rows of "
        f"{data.get('name')}, made by {tool.get('name')} {tool.get('version')}"
    )
    if quiet:
        return head
    parameters = ", ".join(f"{k} {v}" for k, v in method["parameters"].items() if v is not None)
    columns = encoding["columns_used"]
    lines = [
        head,
        f"method: {method['name']} v{method['version']}: {parameters}",
        f"input: {data.get('name')} ({data.get('format')}, {human_bytes(data.get('bytes') or 0)}), "
        f"path {data.get('path')}, sha256 {data.get('sha256')}",
        f"encoded: {encoding['modality']}, {encoding['n']} rows x {encoding['d']} features from "
        f"{len(columns)} column(s): {', '.join(str(c) for c in columns[:COLUMNS_SHOWN])}"
        + _more(len(columns)),
    ]
    if encoding["target"] is not None:
        lines.append(f"target (not used to split): {encoding['target']}")
    if encoding["one_hot"]:
        lines.append(
            "one-hot: "
            + "; ".join(f"{c} -> {len(v)} categories" for c, v in encoding["one_hot"].items())
        )
    if encoding["dropped_rows"]:
        lines.append(f"rows dropped for missing values: {encoding['dropped_rows']}")
    lines.append(f"content sha256: {encoding['content_sha256']}")
    lines.append(f"files ({len(summary['files'])}):")
    width = max([0] + [len(name) for name in summary["files"]])
    for name, entry in summary["files"].items():
        lines.append(
            f"  {name:<{width}}  {human_bytes(entry.get('bytes') or 0):>10}  sha256 {entry.get('sha256')}"
        )
    if summary["info"]:
        info = ", ".join(f"{k} {v}" for k, v in sorted(summary["info"].items()))
        lines.append(f"recorded for information (not verified): {info}")
    return "\n".join(lines)
