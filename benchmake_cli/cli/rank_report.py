"""The ranking table of ``evaluate --rank``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import numpy as np
import typer

from ..errors import ExitCode
from .common import fail, progress_reporter, run_core

if TYPE_CHECKING:
    from ..tasks.rank import Ranking

RankOption = Annotated[
    bool,
    typer.Option(
        "--rank",
        metavar="",
        help="With a manifest: train a fixed panel of models (kNN, linear/logistic, random "
        "forest, gradient boosting) on this split and the random splits, and compare their "
        "rankings (Kendall's tau; needs: pip install 'benchmake-cli[models]').",
    ),
]


def print_ranking(ranking: Ranking) -> None:
    """Each model's score and rank on this split and over the random splits, then τ."""
    from ..tasks.rank import LABELS

    payload = ranking.to_dict()
    direction = "higher" if ranking.higher_is_better else "lower"
    count = payload["random_splits"]
    typer.echo(
        f"\nModel ranking by {ranking.label} ({direction} is better): this split and "
        f"{count} random splits of the same size"
    )
    width = max(len(label) for label in LABELS.values())
    typer.echo(
        f"{'model':<{width}}  {'this split':>10}  rank  {'random mean ± std':>19}  mean rank"
    )
    for name, row in payload["models"].items():
        split = "n/a" if row["split"] is None else f"{row['split']:.4f}"
        random = (
            "n/a"
            if row["random_mean"] is None
            else f"{row['random_mean']:.4f} ± {row['random_std'] or 0.0:.4f}"
        )
        mean_rank = "n/a" if row["random_mean_rank"] is None else f"{row['random_mean_rank']:.2f}"
        typer.echo(
            f"{LABELS[name]:<{width}}  {split:>10}  {row['split_rank']:>4}  {random:>19}  "
            f"{mean_rank:>9}"
        )
    tau = payload["kendall_tau_vs_random_mean"]
    if tau is not None:
        taus = np.array([t for t in payload["kendall_tau_per_random_split"] if t is not None])
        per_split = (
            f"; against each random split: mean {taus.mean():.2f}, min {taus.min():.2f}"
            if taus.size
            else ""
        )
        typer.echo(
            f"Kendall's tau between this split's ranking and the random splits' mean "
            f"ranking: {tau:.2f}{per_split}"
        )


def ranking_for(
    rank: bool,
    is_manifest: bool,
    source: Path,
    data: Path | None,
    metric: Any,
    random: int,
    quiet: bool,
    verbose: bool,
) -> Ranking | None:
    """``--rank``: the model panel's ranking (a manifest only; --metric only with it)."""
    if metric is not None and not rank:
        raise fail("--metric: only with --rank", ExitCode.USAGE)
    if not rank:
        return None
    if not is_manifest:
        raise fail("--rank: needs a manifest (its target and split) as SOURCE", ExitCode.USAGE)
    from ..tasks.rank import rank_models

    with progress_reporter(not quiet) as progress:
        return run_core(
            lambda: rank_models(
                source,
                data=data,
                metric=metric.value if metric is not None else None,
                random_splits=random,
                progress=progress,
            ),
            verbose,
        )
