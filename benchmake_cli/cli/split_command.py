"""``benchmake split``: split a data file and write the split with its manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..api import SplitResult, split_file
from ..split import DEFAULT_ITERATIONS, DEFAULT_SEED, DEFAULT_TOL
from . import options
from .common import emit_json, progress_reporter, run_core

HELP = """Split DATA into a training set and a challenging test set, and write the split.

Reads CSV/TSV, Parquet or NPY; encodes one numeric row per sample; orders rows by content
hash; min-max scales; factorizes with NMF (one archetype per test row) and puts the rows
nearest the archetypes into the test set. Writes manifest.json, train_indices.txt,
test_indices.txt and the train/test data in the input's format into OUT.
"""


def split(
    data: Annotated[Path, typer.Argument(help="Data file: .csv, .tsv, .parquet or .npy.")],
    frac: Annotated[
        float, typer.Option("--frac", "-f", help="Fraction of rows for the test set, 0 < F < 1.")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder (created).")],
    target: options.Target = None,
    features: options.Features = None,
    id_col: options.IdColumns = None,
    sep: options.Sep = None,
    no_header: options.NoHeader = False,
    strict: options.Strict = False,
    drop_missing: options.DropMissing = False,
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
    device: Annotated[
        str,
        typer.Option(
            help="cpu, gpu or auto (the GPU when CuPy sees one with enough free memory). "
            "A speed choice only: every device gives the same split."
        ),
    ] = "auto",
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
                features=options.feature_list(features),
                id_columns=id_col,
                strict=strict,
                drop_missing=drop_missing,
                iterations=iterations,
                tol=tol,
                seed=seed,
                device=device,
                threads=threads,
                force=force,
                progress=progress,
            ),
            verbose,
        )
    if verbose or any("out of memory" in note for note in result.notes):
        for note in result.notes:
            typer.echo(f"benchmake: {note}", err=True)
    summary = {
        "ok": True,
        "data": str(data),
        "out": str(out),
        "n_train": result.n_train,
        "n_test": result.n_test,
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
