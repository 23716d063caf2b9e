"""Plots of an evaluation (``evaluate --plot DIR``), drawn with matplotlib when installed.

Four PNG files: ``histograms.png`` (train against test for the features that differ most),
``pca.png`` (the first two principal components of the scaled features, train against test),
``statistics.png`` (each statistic of the split against its random-split distribution) and
``selection.png`` (the selection diagnostics of :mod:`.selection` for every split).
Figures are drawn with matplotlib's object API (no pyplot, no global backend change) and each
file is written under a temporary name and renamed into place.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from ..analysis.selection import SELECTION_LABELS, SELECTION_NAMES
from ..analysis.statistics import HIGHER_IS_HARDER, STATISTIC_LABELS, STATISTIC_NAMES
from ..bundle.write import TEMP_PREFIX
from ..errors import MissingExtraError, OutputError
from .evaluate import METRIC_HIGHER_IS_HARDER, MODEL_METRICS, Evaluation
from .evaluation import METRIC_LABELS

INSTALL_HINT = "pip install 'benchmake-cli[plot]'"
HISTOGRAM_FEATURES = 6  #: features shown in histograms.png
SCATTER_MAX_POINTS = 5000  #: most rows drawn in pca.png (a seeded sample of all rows)
TRAIN_COLOUR, TEST_COLOUR, SPLIT_COLOUR = "#7f7f7f", "#d62728", "#d62728"
COMPARE_COLOURS = ("#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")

#: axis titles: the reports' labels, the diagnostics' on two lines
LABELS = (
    STATISTIC_LABELS
    | METRIC_LABELS
    | {name: label.replace(" ", "\n", 1) for name, label in SELECTION_LABELS.items()}
)


def require_matplotlib() -> None:
    """Raise :class:`MissingExtraError` (one line, with the fix) when matplotlib is missing."""
    try:
        import matplotlib  # noqa: F401
        from matplotlib.figure import Figure  # noqa: F401
    except ImportError:
        raise MissingExtraError(
            f"--plot needs matplotlib, which is not installed; install it with: {INSTALL_HINT}"
        ) from None


def write_plots(evaluation: Evaluation, folder: str | Path) -> list[Path]:
    """Draw the four plots into ``folder`` (created if needed); return the files written."""
    require_matplotlib()
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"--plot {folder}: cannot create it ({exc.strerror or exc})") from None
    if not folder.is_dir():
        raise OutputError(f"--plot {folder}: exists and is not a folder")
    drawings = {
        "histograms.png": _histograms,
        "pca.png": _pca_scatter,
        "statistics.png": _statistics,
        "selection.png": _selection,
    }
    written = []
    for name, draw in drawings.items():
        _save(draw(evaluation), folder / name)
        written.append(folder / name)
    return written


def _save(figure: Any, path: Path) -> None:
    """Write a figure as PNG through a temporary file renamed into place (ordinary file
    permissions, as the umask allows)."""
    temporary = path.with_name(f"{TEMP_PREFIX}{os.getpid()}-{path.name}")
    try:
        figure.savefig(temporary, format="png", dpi=110, metadata={"Software": None})
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise OutputError(f"--plot {path}: cannot write ({exc.strerror or exc})") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _is_test(evaluation: Evaluation) -> np.ndarray:
    mask = np.zeros(evaluation.n, dtype=bool)
    mask[evaluation.split.test] = True
    return mask


def most_different_features(evaluation: Evaluation, count: int = HISTOGRAM_FEATURES) -> list[int]:
    """Features with the largest Jensen-Shannon divergence between the split's train and
    test histograms (ties: the earlier feature)."""
    js = np.asarray(evaluation.split.statistics.per_feature["js_divergence"])
    order = np.lexsort((np.arange(js.size), -js))
    return [int(j) for j in order[:count]]


def _histograms(evaluation: Evaluation) -> Any:
    from matplotlib.figure import Figure

    features = most_different_features(evaluation)
    columns = min(3, len(features))
    rows = -(-len(features) // columns)
    figure = Figure(figsize=(4.2 * columns, 3.2 * rows + 0.6), layout="constrained")
    axes = np.atleast_1d(figure.subplots(rows, columns)).ravel()
    is_test = _is_test(evaluation)
    bins = evaluation.settings.bins
    js = evaluation.split.statistics.per_feature["js_divergence"]
    for axis, j in zip(axes, features, strict=False):
        values = evaluation.features[:, j]
        lo, hi = float(values.min()), float(values.max())
        edges = np.linspace(lo, hi if hi > lo else lo + 1.0, bins + 1)
        axis.hist(
            values[~is_test],
            bins=edges,
            density=True,
            alpha=0.55,
            color=TRAIN_COLOUR,
            label=f"train ({int((~is_test).sum())})",
        )
        axis.hist(
            values[is_test],
            bins=edges,
            density=True,
            histtype="step",
            linewidth=1.6,
            color=TEST_COLOUR,
            label=f"test ({int(is_test.sum())})",
        )
        axis.set_title(
            f"column {_short(evaluation.feature_names[j])}  (JS = {js[j]:.3g})", fontsize=10
        )
        axis.set_xlabel("scaled value")
        axis.set_ylabel("density")
    for axis in axes[len(features) :]:
        axis.set_visible(False)
    axes[0].legend(fontsize=8)
    figure.suptitle(
        f"Train vs test: the {len(features)} features with the largest JS divergence ({bins} bins)",
        fontsize=11,
    )
    return figure


def principal_components(features: np.ndarray, count: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Scores of every row on the first ``count`` principal components, and the share of
    variance each explains. NumPy SVD of the (d × d) scatter matrix of the centred rows; each
    component's sign makes its largest loading positive, so the picture is deterministic."""
    centred = features - features.mean(axis=0)
    _, singular, components = np.linalg.svd(centred.T @ centred)
    components = components[:count]
    flip = np.sign(components[np.arange(components.shape[0]), np.abs(components).argmax(axis=1)])
    components = components * np.where(flip == 0, 1.0, flip)[:, None]
    total = float(singular.sum())
    share = singular[:count] / total if total > 0 else np.zeros(count)
    scores = centred @ components.T
    if scores.shape[1] < count:
        scores = np.hstack([scores, np.zeros((scores.shape[0], count - scores.shape[1]))])
        share = np.concatenate([share, np.zeros(count - share.size)])
    return scores, share


def _pca_scatter(evaluation: Evaluation) -> Any:
    from matplotlib.figure import Figure

    scores, share = principal_components(evaluation.features)
    is_test = _is_test(evaluation)
    shown = np.arange(evaluation.n)
    if evaluation.n > SCATTER_MAX_POINTS:  # a seeded sample of all rows keeps the proportions
        rng = np.random.default_rng(evaluation.settings.seed)
        shown = np.sort(rng.choice(evaluation.n, size=SCATTER_MAX_POINTS, replace=False))
    figure = Figure(figsize=(6.4, 5.4), layout="constrained")
    axis = figure.subplots()
    for name, rows, colour, size, alpha in (
        ("train", shown[~is_test[shown]], TRAIN_COLOUR, 6, 0.35),
        ("test", shown[is_test[shown]], TEST_COLOUR, 10, 0.8),
    ):
        total = int((is_test if name == "test" else ~is_test).sum())
        label = f"{name} ({total}" + (f", {rows.size} shown)" if rows.size < total else ")")
        axis.scatter(
            scores[rows, 0],
            scores[rows, 1],
            s=size,
            alpha=alpha,
            color=colour,
            linewidths=0,
            label=label,
        )
    axis.set_xlabel(f"PC1 ({100 * share[0]:.1f}% of variance)")
    axis.set_ylabel(f"PC2 ({100 * share[1]:.1f}% of variance)")
    title = "Train vs test on the first two principal components (scaled features)"
    if shown.size < evaluation.n:
        title += f"\n(a seeded sample of {shown.size} of the {evaluation.n} rows)"
    axis.set_title(title, fontsize=10)
    axis.legend(fontsize=8, markerscale=2)
    return figure


def _statistics(evaluation: Evaluation) -> Any:
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    panels: list[tuple[str, bool, float, list[float], list[tuple[str, float]]]] = []
    randoms = evaluation.random_statistics()
    for name in STATISTIC_NAMES:
        panels.append(
            (
                name,
                HIGHER_IS_HARDER[name],
                evaluation.split.statistics.aggregate[name],
                randoms[name].tolist(),
                [(c.name, c.statistics.aggregate[name]) for c in evaluation.compares],
            )
        )
    if evaluation.task is not None and evaluation.split.model is not None:
        metric = MODEL_METRICS[evaluation.task][-1 if evaluation.task == "classification" else 0]
        random_metrics = evaluation.random_metrics()
        panels.append(
            (
                metric,
                METRIC_HIGHER_IS_HARDER[metric],
                evaluation.split.model.metrics[metric],
                random_metrics[metric].tolist(),
                [(c.name, c.model.metrics[metric]) for c in evaluation.compares if c.model],
            )
        )
    columns = 4
    rows = -(-len(panels) // columns)
    figure = Figure(figsize=(4.0 * columns, 3.1 * rows + 0.6), layout="constrained")
    axes = np.atleast_1d(figure.subplots(rows, columns)).ravel()
    for axis, (name, higher, value, draws, compares) in zip(axes, panels, strict=False):
        if draws:
            axis.hist(
                draws,
                bins=min(10, max(3, len(draws) // 2)),
                color=TRAIN_COLOUR,
                alpha=0.6,
                label=f"random ({len(draws)})",
            )
        axis.axvline(value, color=SPLIT_COLOUR, linewidth=2.2, label="this split")
        for (compare_name, compare_value), colour in zip(
            compares, COMPARE_COLOURS * 10, strict=False
        ):
            axis.axvline(
                compare_value, color=colour, linewidth=1.6, linestyle="--", label=compare_name
            )
        model = " (model)" if name in METRIC_HIGHER_IS_HARDER else ""
        axis.set_title(
            f"{LABELS[name]}{model}: {'higher' if higher else 'lower'} is harder", fontsize=9.5
        )
        axis.set_ylabel("random splits")
        axis.tick_params(labelsize=8)
        axis.xaxis.set_major_locator(MaxNLocator(nbins=4))
        axis.yaxis.set_major_locator(MaxNLocator(integer=True))
        axis.ticklabel_format(axis="x", style="sci", scilimits=(-3, 4), useOffset=False)
    for axis in axes[len(panels) :]:
        axis.set_visible(False)
    axes[0].legend(fontsize=7.5)
    figure.suptitle(
        f"This split against {len(evaluation.randoms)} random splits of the same size "
        f"({evaluation.split.n_test} test rows of {evaluation.n})",
        fontsize=11,
    )
    return figure


def _short(name: str, limit: int = 28) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _selection(evaluation: Evaluation) -> Any:
    """Grouped bars: each selection diagnostic for this split, the random mean (± std) and
    each compared split, with the random expectation k / n as a dotted line."""
    from matplotlib.figure import Figure

    groups: list[tuple[str, str, list[float], list[float]]] = []
    if evaluation.split.selection is not None:
        values = evaluation.split.selection.to_dict()
        groups.append(("this split", SPLIT_COLOUR, [values[n] or 0.0 for n in SELECTION_NAMES], []))
    if evaluation.randoms:
        draws = [r.selection.to_dict() for r in evaluation.randoms if r.selection]
        columns = [[d[n] for d in draws if d[n] is not None] for n in SELECTION_NAMES]
        groups.append(
            (
                f"random ({len(evaluation.randoms)})",
                TRAIN_COLOUR,
                [float(np.mean(c)) if c else 0.0 for c in columns],  # type: ignore[arg-type]
                [float(np.std(c, ddof=1)) if len(c) > 1 else 0.0 for c in columns],  # type: ignore[arg-type]
            )
        )
    for compare, colour in zip(evaluation.compares, COMPARE_COLOURS * 10, strict=False):
        if compare.selection is not None:
            values = compare.selection.to_dict()
            groups.append(
                (_short(compare.name), colour, [values[n] or 0.0 for n in SELECTION_NAMES], [])
            )
    figure = Figure(figsize=(8.0, 4.2), layout="constrained")
    axis = figure.subplots()
    width = 0.8 / max(1, len(groups))
    positions = np.arange(len(SELECTION_NAMES))
    for i, (label, colour, heights, errors) in enumerate(groups):
        axis.bar(
            positions + (i - (len(groups) - 1) / 2) * width,
            heights,
            width,
            yerr=errors or None,
            color=colour,
            label=label,
        )
    axis.axhline(
        evaluation.split.n_test / evaluation.n, color="black", linestyle=":", label="k / n"
    )
    axis.set_xticks(positions, [LABELS[n] for n in SELECTION_NAMES], fontsize=8.5)
    axis.set_ylim(0, 1)
    axis.set_ylabel("share")
    axis.legend(fontsize=7.5)
    axis.set_title(
        "What the test set selects: overlap with the k nearest/farthest rows from the origin,\n"
        "share of each feature's bottom/top 5 % of rows in the test set",
        fontsize=9.5,
    )
    return figure
