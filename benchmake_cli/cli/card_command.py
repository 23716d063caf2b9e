"""``benchmake card``: (re)write a bundle's benchmark card and Croissant metadata."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..analysis.metrics import METRICS
from .common import emit_json, progress_reporter, run_core
from .options import JsonOption, ManifestDataOption, QuietOption, VerboseOption

HELP = """Write the benchmark card README.md and croissant.json beside a split's MANIFEST.

split writes both with every split; card writes them again for an existing bundle: with another criterion (--metric), a licence (--license) or a citation (--citation), or with the baseline's scores when split left them out (an input above 2,000,000 encoded values, or a sharded split).

README.md is a Hugging Face dataset card: its YAML front matter names each split's files and row counts, so that datasets.load_dataset(folder) gives exactly the train and test splits. It states the data and its hashes, the split and its parameters, the objective criterion, the kNN baseline's score on this split and its mean and standard deviation over 20 random splits of the same size, and how to verify the benchmark and score a model. croissant.json is MLCommons Croissant 1.1 metadata: every file with its SHA-256, typed train and test splits, and provenance. Both record the SHA-256 of manifest.json; neither is listed in it. Without a target there is no criterion, and the card says so. An older bundle's BENCHMARK.md is replaced by README.md.

Metrics: balanced_accuracy (classification default), accuracy, f1, roc_auc;
rmse (regression default), mae, r2. See docs/card.md for their exact definitions.
"""

FILES = """Reads MANIFEST, test_indices.txt beside it and the data (--data, or the manifest's
recorded path when it stays inside the manifest's folder); writes README.md and
croissant.json beside MANIFEST, each through a temporary file renamed into place."""

EXAMPLES = [
    ("Criterion F1 instead of balanced accuracy:", "benchmake card splits/ --metric f1"),
    (
        "The card of a large split, with the baseline's scores:",
        "benchmake card splits/manifest.json --data big.parquet",
    ),
]

Metric = Enum("Metric", {name: name for name in METRICS}, type=str)  # type: ignore[misc]

MetricOption = Annotated[
    Optional[Metric],
    typer.Option(
        "--metric",
        help="The criterion (default: balanced_accuracy for classification, rmse for regression).",
    ),
]


LicenseOption = Annotated[
    Optional[str],
    typer.Option(
        "--license",
        metavar="ID",
        help="The data set's licence, as the Hub names it (cc-by-4.0, mit, ...): in the card's front matter.",
    ),
]
CitationOption = Annotated[
    Optional[str],
    typer.Option(
        "--citation", metavar="TEXT", help="How to cite the data set (BibTeX or plain text)."
    ),
]


def card(
    manifest: Annotated[Path, typer.Argument(help="manifest.json, or the folder holding it.")],
    data: ManifestDataOption = None,
    metric: MetricOption = None,
    license: LicenseOption = None,
    citation: CitationOption = None,
    json_output: JsonOption = False,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    from ..tasks.card import card_for_manifest

    with progress_reporter(not quiet) as progress:
        written, scores = run_core(
            lambda: card_for_manifest(
                manifest,
                data=data,
                metric=metric.value if metric is not None else None,
                license=license,
                citation=citation,
                progress=progress,
            ),
            verbose,
        )
    criterion, baseline = scores.criterion, scores.baseline
    if json_output:
        emit_json(
            {
                "written": [str(path) for path in written],
                "metric": criterion.metric if criterion else None,
                "target": criterion.target if criterion else None,
                "baseline": baseline.value if baseline else None,
                "random_mean": baseline.random_mean
                if baseline and baseline.random_values
                else None,
                "random_std": baseline.random_std if baseline and baseline.random_values else None,
                "notes": list(scores.notes),
            }
        )
        return
    if quiet:
        return
    typer.echo("wrote " + ", ".join(str(path) for path in written))
    if criterion is None:
        typer.echo("no criterion: the split records no target")
    elif baseline is not None:
        line = f"{criterion.label}: baseline {baseline.value:.4f} on this split"
        if baseline.random_values:
            line += (
                f", {baseline.random_mean:.4f} ± {baseline.random_std:.4f} on "
                f"{len(baseline.random_values)} random splits"
            )
        typer.echo(line)
