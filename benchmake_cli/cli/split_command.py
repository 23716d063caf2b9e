"""``benchmake split``: split a data file and write the split with its manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..api import SplitResult, split_file
from ..methods import DEFAULT_METHOD, METHODS
from ..split import DEFAULT_ITERATIONS, DEFAULT_SEED, DEFAULT_TOL
from .common import emit_json, progress_reporter, run_core

HELP = """Split DATA into a training set and a challenging test set, and write the split.

Reads CSV/TSV, Parquet or NPY; encodes one numeric row per sample; orders rows by content
hash; min-max scales; factorizes with NMF (one archetype per test row) and puts the rows
nearest the archetypes into the test set. Writes manifest.json, train_indices.txt,
test_indices.txt and the train/test data in the input's format into OUT.

--method benchmake-1.1.2 reproduces the split of the reference package benchmake 1.1.2
exactly (CPU only, float32, 200 iterations, seed 42); indices are still the input's row
numbers, and --reference-indices also writes them as the reference returned them.
"""


def split(
    data: Annotated[Path, typer.Argument(help="Data file: .csv, .tsv, .parquet or .npy.")],
    frac: Annotated[
        float, typer.Option("--frac", "-f", help="Fraction of rows for the test set, 0 < F < 1.")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder (created).")],
    target: Annotated[
        Optional[str],
        typer.Option(help="Target column: carried into the split files, never used to split."),
    ] = None,
    features: Annotated[
        Optional[str],
        typer.Option(help="Comma-separated feature columns (default: all but target and ids)."),
    ] = None,
    id_col: Annotated[
        Optional[list[str]],
        typer.Option("--id-col", help="Column kept in the outputs but not used (repeatable)."),
    ] = None,
    sep: Annotated[
        Optional[str],
        typer.Option(help="Delimiter for CSV/TSV (default: detected); 'whitespace' for runs."),
    ] = None,
    no_header: Annotated[
        bool, typer.Option("--no-header", help="The CSV has no header; columns are 0, 1, ...")
    ] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Refuse non-numeric feature columns (no one-hot).")
    ] = False,
    drop_missing: Annotated[
        bool, typer.Option("--drop-missing", help="Drop rows with missing feature values.")
    ] = False,
    iterations: Annotated[
        int, typer.Option(min=1, help="Most NMF multiplicative-update iterations.")
    ] = DEFAULT_ITERATIONS,
    tol: Annotated[
        float,
        typer.Option(
            min=0.0,
            help="Stop early when 10 iterations lower the squared error by less than TOL "
            "times its initial value; 0 always runs --iterations.",
        ),
    ] = DEFAULT_TOL,
    seed: Annotated[
        int, typer.Option(min=0, help="Seed of the NMF initialisation.")
    ] = DEFAULT_SEED,
    method: Annotated[
        str,
        typer.Option(
            help=f"Split method: {' or '.join(METHODS)} (the reference package's split, "
            "reproduced exactly on the CPU)."
        ),
    ] = DEFAULT_METHOD,
    reference_indices: Annotated[
        bool,
        typer.Option(
            "--reference-indices",
            help="Also write reference_test_indices.txt and reference_train_indices.txt: "
            "positions in the reference's hash order, as benchmake 1.1.2 returns them "
            "(--method benchmake-1.1.2 only).",
        ),
    ] = False,
    device: Annotated[str, typer.Option(help="cpu, gpu or auto.")] = "cpu",
    threads: Annotated[
        Optional[int], typer.Option(min=1, help="CPU threads (default: all available).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace a non-empty OUT.")] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary.")] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="More detail on stderr.")
    ] = False,
) -> None:
    with progress_reporter(not quiet) as progress:
        result: SplitResult = run_core(
            lambda: split_file(
                data,
                frac=frac,
                out=out,
                sep=sep,
                header=not no_header,
                target=target,
                features=[c.strip() for c in features.split(",")] if features else None,
                id_columns=id_col,
                strict=strict,
                drop_missing=drop_missing,
                iterations=iterations,
                tol=tol,
                seed=seed,
                method=method,
                reference_indices=reference_indices,
                device=device,
                threads=threads,
                force=force,
                progress=progress,
            ),
            verbose,
        )
    summary = {
        "ok": True,
        "data": str(data),
        "out": str(out),
        "n_train": result.n_train,
        "n_test": result.n_test,
        "method": result.manifest["method"]["name"],
        "k": result.manifest["method"]["parameters"]["k"],
        "device": result.manifest["info"]["device"],
        "seconds": {key: round(value, 3) for key, value in result.seconds.items()},
        "content_sha256": result.manifest["encoding"]["content_sha256"],
    }
    if json_output:
        emit_json(summary)
    elif not quiet:
        typer.echo(
            f"{data}: {result.n_train + result.n_test} rows -> {result.n_train} train, "
            f"{result.n_test} test (frac {frac}) in {result.seconds['total']:.2f} s; "
            f"wrote {out}/"
        )
