"""``benchmake evaluate``: the paper's seven statistics and a baseline model's score for a
split, beside random splits of the same size and any other split (a published one)."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from ..errors import ExitCode
from .card_command import MetricOption
from .common import emit_json, fail, progress_reporter, run_core
from .evaluate_report import print_report
from .groups import (
    READING,
    READING_KEYWORDS,
    flags_given,
    reading_options,
    with_options,
)
from .options import (
    JsonOption,
    ManifestDataOption,
    VerboseOption,
)
from .rank_report import RankOption, print_ranking, ranking_for

HELP = """Judge a split: how different its test set is from its training
set, and how hard it is for a model, beside random splits of the same size.

SOURCE is a manifest.json (or its folder): its data is read and encoded as
recorded, and its test_indices.txt is the test set. Or SOURCE is a data
file with --test-indices FILE, read with the same options as split.

Seven statistics compare train and test on the min-max scaled features.
Per feature, with histograms of 50 equal-width bins over the feature's
range in both sets: the Welch t-test p-value, the two-sample
Kolmogorov-Smirnov p-value (asymptotic), the mutual information between
bin and set membership, the Kullback-Leibler divergence KL(test || train)
of the histograms smoothed with 1e-10, the Jensen-Shannon divergence and
the Wasserstein-1 distance, each averaged over the features; and on whole
rows the maximum mean discrepancy with an RBF kernel (median-distance
bandwidth, biased estimate, square root reported) on a seeded sample of at
most 1000 rows per set. Natural logarithms. Lower p-values and higher
divergences and distances mean a more different, harder test set.

The baseline model is k-nearest neighbours on the scaled features, trained
on each split's training rows and scored on its test rows: accuracy and
balanced accuracy for classification, MSE and R2 for regression. The
target is the manifest's target column or --target; the task is --task or
inferred (a float target with more than 20 distinct values, or a
non-integer one, is regression) and reported.

What the test set selects (k test rows of n): its share among the k rows
nearest to the origin of the scaled space (smallest norm) and among the k
farthest, and the share of each feature's bottom and top 5% of rows that it
holds (low- and high-tail coverage, mean over non-constant features); ties
in hash order. A random test set gives about k/n on all four. The built-in
comparison nearest-origin is the trivial split: the k smallest-norm rows.
"""


if TYPE_CHECKING:
    from ..tasks.evaluate import EvaluateSettings, Evaluation

FILES = """Reads SOURCE (a manifest with its test_indices.txt and data: --data, or the
manifest's recorded input.path read from its folder; or a data file and --test-indices FILE) and each --compare file; writes nothing unless --plot DIR is given.
--plot DIR writes histograms.png (train against test for the six features with the largest
JS divergence), pca.png (the first two principal components of the scaled features),
statistics.png (each statistic against its random-split distribution) and selection.png
(the selection diagnostics of every split), each through a temporary file renamed into
place. --plot needs matplotlib: pip install
'benchmake-cli[plot]' (exit status 10 without it)."""

EXAMPLES = [
    (
        "Judge a published split against 20 random splits of the same size:",
        "benchmake evaluate splits/manifest.json",
    ),
    (
        "Any split of a file, beside the data set's own published test set, with plots:",
        "benchmake evaluate data.csv --test-indices test.txt --target y "
        "--compare published=published_test.txt --plot plots/",
    ),
    (
        "Every number as JSON, for scripts:",
        "benchmake evaluate splits/ --json -q",
    ),
]


class Task(str, Enum):
    classification = "classification"
    regression = "regression"


TestIndicesOption = Annotated[
    Optional[Path],
    typer.Option(
        "--test-indices",
        metavar="FILE",
        help="With a data file: its test rows, 0-based row numbers, one per line.",
    ),
]

RandomOption = Annotated[
    int,
    typer.Option("--random", min=0, metavar="N", help="Seeded random splits of the same size."),
]

CompareOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--compare",
        metavar="NAME=INDICES_FILE",
        help="Another split's test rows to show beside it, e.g. a published test set (repeatable).",
    ),
]

TaskOption = Annotated[
    Optional[Task],
    typer.Option(help="The model's task (default: inferred from the target, and reported)."),
]

NeighboursOption = Annotated[
    int, typer.Option("--k", min=1, metavar="K", help="Neighbours of the kNN baseline model.")
]

ModelRowsOption = Annotated[
    int,
    typer.Option(
        "--model-rows",
        min=0,
        metavar="N",
        help="Score the model on each split's test rows within a seeded sample of N "
        "rows of the data (all rows when it has at most N); 0: all rows.",
    ),
]

RandomSeedOption = Annotated[
    int,
    typer.Option(
        "--random-seed",
        min=0,
        metavar="S",
        help="Seed of the random splits and of the MMD, model and plot samples.",
    ),
]

PlotOption = Annotated[
    Optional[Path],
    typer.Option(
        "--plot",
        metavar="DIR",
        help="Write histograms.png, pca.png, statistics.png and selection.png into DIR "
        "(needs: pip install 'benchmake-cli[plot]').",
    ),
]

ProgressQuietOption = Annotated[
    bool, typer.Option("--quiet", "-q", metavar="", help="No progress on stderr.")
]


@with_options(READING)
def evaluate(
    context: typer.Context,
    source: Annotated[
        Path,
        typer.Argument(
            help="manifest.json (or its folder), or a data file given with --test-indices."
        ),
    ],
    test_indices: TestIndicesOption = None,
    data: ManifestDataOption = None,
    random: RandomOption = 20,
    compare: CompareOption = None,
    task: TaskOption = None,
    neighbours: NeighboursOption = 5,
    model_rows: ModelRowsOption = 5000,
    random_seed: RandomSeedOption = 0,
    plot: PlotOption = None,
    rank: RankOption = False,
    metric: MetricOption = None,
    json_output: JsonOption = False,
    quiet: ProgressQuietOption = False,
    verbose: VerboseOption = False,
    **options: Any,
) -> None:
    is_manifest = source.is_dir() or source.suffix.lower() == ".json"
    reading = flags_given(context, READING_KEYWORDS - {"target"})
    _check_usage(is_manifest, test_indices, data, reading)
    if plot is not None:
        from ..tasks.plots import require_matplotlib

        run_core(require_matplotlib, verbose)
    from ..tasks.evaluate import EvaluateSettings

    settings = EvaluateSettings(
        random_splits=random,
        seed=random_seed,
        k=neighbours,
        model_rows=model_rows,
        task=task.value if task is not None else None,
    )
    evaluation = _evaluation(source, test_indices, data, compare, settings, quiet, verbose, options)
    ranking = ranking_for(rank, is_manifest, source, data, metric, random, quiet, verbose)
    for note in evaluation.notes:
        sys.stderr.write(f"benchmake: note: {note}\n")
    plots: list[Path] = []
    if plot is not None:
        from ..tasks.plots import write_plots

        plots = run_core(lambda: write_plots(evaluation, plot), verbose)
    if json_output:
        payload = evaluation.to_dict()
        payload["plots"] = [str(p) for p in plots]
        payload["rank"] = ranking.to_dict() if ranking is not None else None
        emit_json(payload)
        return
    print_report(evaluation)
    if ranking is not None:
        print_ranking(ranking)
    if plots:
        typer.echo("Plots: " + ", ".join(str(p) for p in plots))


def _evaluation(
    source: Path,
    test_indices: Path | None,
    data: Path | None,
    compare: list[str] | None,
    settings: EvaluateSettings,
    quiet: bool,
    verbose: bool,
    options: dict[str, Any],
) -> Evaluation:
    """Evaluate a manifest's split, or a data file's with ``--test-indices``."""
    from ..tasks.evaluate import evaluate_file, evaluate_manifest

    with progress_reporter(not quiet) as progress:
        if test_indices is None:
            evaluation = run_core(
                lambda: evaluate_manifest(
                    source,
                    data=data,
                    target=options["target"],
                    compare=compare or (),
                    settings=settings,
                    progress=progress,
                ),
                verbose,
            )
        else:
            read_options, encode_options = run_core(
                lambda: reading_options(options),
                verbose,
            )
            evaluation = run_core(
                lambda: evaluate_file(
                    source,
                    test_indices,
                    read_options=read_options,
                    encode_options=encode_options,
                    compare=compare or (),
                    settings=settings,
                    progress=progress,
                ),
                verbose,
            )
    return evaluation


def _check_usage(
    is_manifest: bool, test_indices: Path | None, data: Path | None, reading: list[str]
) -> None:
    """Refuse options that do not fit the form of SOURCE (exit 2)."""
    if is_manifest:
        if test_indices is not None:
            raise fail(
                "--test-indices: a manifest names its own test set; use --compare "
                "NAME=FILE to show another split beside it",
                ExitCode.USAGE,
            )
        if reading:
            raise fail(
                f"{reading[0]}: a manifest records how its data is read and encoded; "
                "leave the option out",
                ExitCode.USAGE,
            )
        return
    if data is not None:
        raise fail("--data: only with a manifest; here SOURCE is the data file", ExitCode.USAGE)
    if test_indices is None:
        raise fail(
            "SOURCE is a data file: pass its test rows with --test-indices FILE "
            "(or pass a manifest.json)",
            ExitCode.USAGE,
        )
