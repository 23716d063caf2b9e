"""The selection-diagnostics table of ``benchmake evaluate``'s text report."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..tasks.evaluate import Evaluation


def selection_table(evaluation: Evaluation) -> Any:
    """A rich table: each diagnostic for this split, the random splits (mean ± std) and each
    compared split; a random test set scores about k / n on every row."""
    from rich.table import Table

    from ..analysis.selection import SELECTION_LABELS, SELECTION_NAMES, TAIL
    from ..tasks.evaluate import mean_and_std

    expected = evaluation.split.n_test / evaluation.n
    table = Table(
        title="What the test set selects",
        title_justify="left",
        caption=(
            f"share of the test set among the k smallest-/largest-norm rows; share of each "
            f"feature's bottom/top {TAIL:.0%} of rows in the test set (mean over features). "
            f"A random test set gives about k/n = {expected:.3g}."
        ),
        caption_justify="left",
    )
    table.add_column("diagnostic")
    table.add_column("this split", justify="right")
    if evaluation.randoms:
        table.add_column(f"random (mean ± std of {len(evaluation.randoms)})", justify="right")
    for compare in evaluation.compares:
        table.add_column(compare.name, justify="right")
    for name in SELECTION_NAMES:
        cells = [_text(evaluation.split.selection, name)]
        if evaluation.randoms:
            draws = [
                value
                for r in evaluation.randoms
                if r.selection and (value := getattr(r.selection, name)) is not None
            ]
            if draws:
                mean, std = mean_and_std(draws)
                cells.append(f"{mean:.3f} ± {std:.2g}")
            else:
                cells.append("-")
        cells += [_text(c.selection, name) for c in evaluation.compares]
        table.add_row(SELECTION_LABELS[name], *cells)
    return table


def _text(selection: Any, name: str) -> str:
    value = getattr(selection, name) if selection is not None else None
    return "-" if value is None else f"{value:.3f}"
