"""``benchmake split``: split a data file and write the split with its manifest."""

from __future__ import annotations

from typing import Any

import typer

from ..bundle.manifest import Manifest
from ..errors import ExitCode
from ..method.margins import LOW_MARGIN
from ..method.split import LESS_THAN_ONE_ROW
from ..pipeline.run import SplitResult
from ..request import SplitRequest
from ..tasks import split as split_task
from .common import emit_json, fail, progress_reporter, run_core
from .groups import (
    EXECUTION,
    METHOD,
    OUTPUT,
    READING,
    request_options,
    with_options,
)
from .options import (
    CopyOption,
    DataArgument,
    FracOption,
    JsonOption,
    LinkOption,
    OutOption,
    QuietOption,
    VerboseOption,
)

HELP = """Split DATA into a training set and a challenging test set, and write the split.

Reads tables (CSV/TSV, Parquet), arrays (NPY, NPZ, HDF5), image folders (PNG, JPEG, TIFF,
BMP), sequences (.smi, FASTA, text lines, a column of a table), signals (arrays or a folder
of one CSV/NPY file per signal) and graphs (OGB raw folders); encodes one numeric row per
sample; orders rows by content hash; min-max scales; factorizes with NMF (one archetype per
test row) and puts the rows nearest the archetypes into the test set. Writes manifest.json,
train_indices.txt, test_indices.txt and the train/test data in the input's format into OUT.

Tables (CSV/TSV, Parquet; a --sequence-col too), arrays of rank 1 or 2 (NPY, NPZ, HDF5)
and sequence files (.smi, FASTA, text) of more than 20,000 rows are read in chunks and
split in shards of about 5,000 rows (--shard-rows), in parallel with --jobs or on a Dask
cluster with --scheduler (methods benchmake-cli and benchmake-hull).

--method benchmake-1.1.2 reproduces the split of the reference package benchmake 1.1.2
exactly (CPU only, float32, 200 iterations, seed 42); indices are still the input's row
numbers, and --reference-indices also writes them as the reference returned them.

--method benchmake-hull finds the archetypes by archetypal analysis (FurthestSum start in
hash order, PCHA; 20 iterations unless --iterations says otherwise; no --seed): they lie on
the whole convex hull of the data, where the default method's lie near the origin of the
scaled space (see evaluate's selection diagnostics and docs/methods.md).
"""

FILES = """Writes into OUT: manifest.json (everything verify needs), train_indices.txt and
test_indices.txt (0-based input row numbers, one per line, ascending), and train.EXT and
test.EXT, the rows in the input's format. Everything is first written into a temporary
folder .benchmake-partial-* beside OUT and renamed into place at the end, so a failed,
interrupted (Ctrl-C, SIGTERM) or killed run never leaves a folder that looks complete; the
next run into OUT removes what a killed run left behind, and puts back an earlier split
that a killed --force run had moved aside. The files are byte-identical from run to run."""

EXAMPLES = [
    (
        "Split the bundled sample, keeping the target and an id column out of the features:",
        "benchmake split sample_data/alloys.csv --frac 0.2 --target hardness_hv "
        "--id-col alloy_id --out splits/",
    ),
    (
        "A whitespace-separated file without a header, class in column 24:",
        "benchmake split german.data-numeric --no-header --target 24 --frac 0.2 --out german/",
    ),
    (
        "Re-split into an existing folder and read the result from a script:",
        "benchmake split data.parquet --frac 0.1 --out splits/ --force --json | jq .n_test",
    ),
]


@with_options(READING, METHOD, EXECUTION, OUTPUT)
def split(
    data: DataArgument,
    frac: FracOption,
    out: OutOption,
    copy_files: CopyOption = False,
    link_files: LinkOption = False,
    json_output: JsonOption = False,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
    **options: Any,
) -> None:
    if copy_files and link_files:
        raise fail("--copy and --link: choose one", ExitCode.USAGE)
    files = "copy" if copy_files else "link" if link_files else "list"
    given = request_options({"frac": frac, "out": out, "files": files, **options})
    request = run_core(lambda: SplitRequest.from_options(data, **given), verbose)
    with progress_reporter(not quiet) as progress:
        result: SplitResult = run_core(
            lambda: split_task.split(request, progress=progress), verbose
        )
    warnings = result.warnings + [
        note for note in result.notes if LESS_THAN_ONE_ROW in note or LOW_MARGIN in note
    ]
    every = verbose or any("out of memory" in note for note in result.notes)
    for note in result.warnings + result.notes if every else warnings:
        prefix = "warning: " if note in warnings else ""
        typer.echo(f"benchmake: {prefix}{note}", err=True)
    record = Manifest(result.manifest)
    summary = {
        "ok": True,
        "data": str(data),
        "out": str(out),
        "n_train": result.n_train,
        "n_test": result.n_test,
        "method": record.method.name,
        "k": record.method.k,
        "device": record.info.device,
        "seconds": {key: round(value, 3) for key, value in result.seconds.items()},
        "content_sha256": record.encoding.content_sha256,
        "warnings": warnings,
    }
    if json_output:
        emit_json(summary)
    elif not quiet:
        typer.echo(
            f"{data}: {result.n_train + result.n_test} rows -> {result.n_train} train, "
            f"{result.n_test} test (frac {frac}"
            + ("; less than one row asked, 1 given" if LESS_THAN_ONE_ROW in str(warnings) else "")
            + f") in {result.seconds['total']:.2f} s; wrote {out}/"
        )
