"""The text report of ``benchmake evaluate``: the seven statistics, the selection
diagnostics and the model's scores, each beside the random splits and compared splits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..tasks.evaluate import Evaluation

HARDEST_STYLE = "bold green"


def _value(value: float) -> str:
    return f"{value:.4g}"


def print_report(evaluation: Evaluation) -> None:
    """The paper-style tables on stdout: statistics, then the model's scores."""
    from rich.console import Console

    from ..analysis.statistics import HIGHER_IS_HARDER, STATISTIC_LABELS, STATISTIC_NAMES
    from ..tasks.evaluation import METRIC_HIGHER_IS_HARDER, METRIC_LABELS, MODEL_METRICS

    console = Console(highlight=False, soft_wrap=True)
    if not console.is_terminal:
        console = Console(highlight=False, soft_wrap=True, width=200)  # never wrap a pipe
    console.print(
        f"{evaluation.data}: {evaluation.n} rows × {evaluation.d} features (min-max scaled); "
        f"test set {evaluation.split.n_test} rows, train {evaluation.n - evaluation.split.n_test}"
    )
    randoms = evaluation.random_statistics()
    rows = []
    for name in STATISTIC_NAMES:
        draws = randoms[name].tolist()
        rows.append(
            (
                STATISTIC_LABELS[name],
                HIGHER_IS_HARDER[name],
                evaluation.split.statistics.aggregate[name],
                draws,
                [c.statistics.aggregate[name] for c in evaluation.compares],
            )
        )
    console.print(_table("Train vs test: seven statistics", rows, evaluation))
    if evaluation.randoms:
        beats = evaluation.beats_random()
        console.print(
            f"This split beats the random mean on {sum(beats.values())} of {len(beats)} statistics."
        )
    from .selection_report import selection_table

    console.print(selection_table(evaluation))
    if evaluation.apart is not None:
        console.print("What sets the test set apart")
        for line in evaluation.apart.lines():
            console.print(f"  {line}")
    if evaluation.task is None or evaluation.split.model is None:
        console.print("No model score: no target column (pass --target COLUMN).")
        return
    metrics = MODEL_METRICS[evaluation.task]
    random_metrics = evaluation.random_metrics()
    model_rows = [
        (
            METRIC_LABELS[metric],
            METRIC_HIGHER_IS_HARDER[metric],
            evaluation.split.model.metrics[metric],
            random_metrics[metric].tolist(),
            [c.model.metrics[metric] if c.model else float("nan") for c in evaluation.compares],
        )
        for metric in metrics
    ]
    how = "inferred from the target; --task overrides" if evaluation.task_inferred else "--task"
    console.print(
        f"Task: {evaluation.task} ({how}); target column {evaluation.target!r}; "
        f"model: {evaluation.settings.k}-nearest neighbours on the scaled features."
    )
    title = f"Baseline model: {evaluation.settings.k}-NN {evaluation.task}"
    console.print(_table(title, model_rows, evaluation, first_header="metric"))
    if evaluation.split.model_rows < evaluation.split.n_test:
        console.print(
            f"Scored on the test rows within a seeded sample of {evaluation.settings.model_rows} "
            f"rows of the data ({evaluation.split.model_rows} of this split's "
            f"{evaluation.split.n_test}; --model-rows)."
        )
    if evaluation.randoms:
        worse = evaluation.model_beats_random()
        console.print(
            _criterion_first(evaluation) + f"{sum(worse.values())} of {len(worse)} metrics."
        )


def _criterion_first(evaluation: Evaluation) -> str:
    """The start of the baseline line: the card's criterion, then every metric."""
    from ..analysis.metrics import METRICS

    worse = evaluation.criterion_worse()
    if worse is None or evaluation.criterion not in METRICS:
        return "The model scores worse on this split than the random mean on "
    label = METRICS[evaluation.criterion].label
    verdict = "worse" if worse else "no worse"
    return (
        f"On the card's criterion, {label}, the model scores {verdict} on this split than "
        "the random mean; it scores worse on "
    )


def _table(
    title: str,
    rows: list[tuple[str, bool, float, list[float], list[float]]],
    evaluation: Evaluation,
    first_header: str = "statistic",
) -> Any:
    """A rich table: one row per statistic or metric (label, higher is harder, this split's
    value, the random splits' values, each compared split's value); the hardest value of each
    row is starred and highlighted."""
    from rich.table import Table

    from ..tasks.evaluate import hardest, mean_and_std

    several = bool(evaluation.randoms or evaluation.compares)  # else nothing to compare
    table = Table(
        title=title,
        title_justify="left",
        caption="* hardest in the row" if several else None,
        caption_justify="left",
    )
    table.add_column(first_header)
    table.add_column("harder")
    table.add_column("this split", justify="right")
    if evaluation.randoms:
        table.add_column(f"random (mean ± std of {len(evaluation.randoms)})", justify="right")
    for compare in evaluation.compares:
        table.add_column(compare.name, justify="right")
    for label, higher, value, draws, compares in rows:
        texts = {"split": _value(value)}
        candidates = {"split": value}
        if draws:
            mean, std = mean_and_std(draws)
            texts["random"] = f"{_value(mean)} ± {std:.2g}"
            candidates["random"] = mean
        for i, compared in enumerate(compares):
            texts[f"compare {i}"] = _value(compared)
            candidates[f"compare {i}"] = compared
        winner = hardest(candidates, higher) if several else None
        cells = [_cell(text, key == winner) for key, text in texts.items()]
        table.add_row(label, "higher" if higher else "lower", *cells)
    return table


def _cell(text: str, is_hardest: bool) -> Any:
    """A value, starred and highlighted when it is the hardest of its row."""
    from rich.text import Text

    return Text(text + " *", style=HARDEST_STYLE) if is_hardest else Text(text + "  ")
