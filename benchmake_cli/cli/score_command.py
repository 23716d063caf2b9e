"""``benchmake score``: score and rank predictions files on a benchmark."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .card_command import MetricOption
from .common import emit_json, run_core
from .options import JsonOption, ManifestDataOption, QuietOption, VerboseOption

HELP = """Score each PREDICTIONS file on the benchmark MANIFEST describes, and rank them.

The criterion is --metric, else the one README.md records, else the task's default
(balanced accuracy, RMSE). Each file is scored on every test row, beside the kNN
baseline's score on this split; several files are ranked, best first (equal scores share
a rank).

A predictions file is a CSV, TSV or Parquet table with a key column, the recorded id
column (with exactly one --id-col at split time) or 'row' (the original 0-based row
number), and a 'prediction' column (or exactly one other column); or any other file (.txt)
with one value per line in test_indices.txt order. Classification takes class labels; ROC
AUC takes the positive (larger) class's probability, or one probability column per class,
named by the class labels. Regression takes numbers.

Every test row must appear exactly once, and no training row or unknown key. A file that
breaks a rule is refused with one line naming the file and line (CSV, TSV, text: 1-based
line) or row (Parquet: 0-based record): exit status 12.
"""

FILES = """Reads MANIFEST, test_indices.txt and README.md beside it, the data (--data, or
the manifest's recorded path, followed as verify follows it) and each
PREDICTIONS file; writes nothing."""

EXAMPLES = [
    ("Score a model:", "benchmake score splits/manifest.json predictions.csv"),
    (
        "Rank three models, as JSON for a leaderboard:",
        "benchmake score splits/ knn.csv forest.csv gbm.parquet --json",
    ),
]


def score(
    manifest: Annotated[Path, typer.Argument(help="manifest.json, or the folder holding it.")],
    predictions: Annotated[
        list[Path], typer.Argument(help="Predictions files (CSV, TSV, Parquet or text).")
    ],
    data: ManifestDataOption = None,
    metric: MetricOption = None,
    answers: Annotated[
        Optional[Path],
        typer.Option(
            "--answers",
            metavar="PRIVATE",
            help="The private bundle's manifest.json that a public copy (publish --hide-test-targets) is scored against.",
        ),
    ] = None,
    json_output: JsonOption = False,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    from ..tasks.score import score_predictions

    report = run_core(
        lambda: score_predictions(
            manifest,
            predictions,
            data=data,
            metric=metric.value if metric is not None else None,
            answers=answers,
        ),
        verbose,
    )
    if json_output:
        emit_json(report.to_dict())
        return
    if quiet:
        return
    criterion = report.criterion
    direction = "higher" if criterion.higher_is_better else "lower"
    typer.echo(
        f"criterion: {criterion.label} ({direction} is better) of {criterion.target!r} "
        f"on {report.n_test} test rows"
    )
    width = max([len(e.name) for e in report.entries] + [len("baseline (kNN, k=5)")])
    typer.echo(f"{'rank':>4}  {'predictions':<{width}}  {criterion.label}")
    for entry in report.entries:
        typer.echo(f"{entry.rank:>4}  {entry.name:<{width}}  {entry.value:.4f}")
    if report.baseline is not None:
        typer.echo(f"{'-':>4}  {'baseline (kNN, k=5)':<{width}}  {report.baseline:.4f}")
