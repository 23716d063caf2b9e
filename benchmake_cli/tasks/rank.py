"""``evaluate --rank``: does this split change which model looks best?

A small fixed panel of scikit-learn models (the ``models`` extra), each with a fixed seed,
is trained on the training rows of this split and of seeded random splits of the same size
and scored on their test rows with the benchmark's criterion (the card's metric, or the
task's default). Models are ranked per split (1 = best; equal scores share the better
rank), and Kendall's τ-b compares this split's ranking with each random split's and with
the ranking by mean random score. Features: the min-max scaled encoded matrix, as the
kNN baseline sees it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from ..analysis.sampling import random_split_indices
from ..errors import MissingExtraError, ParameterError
from ..method.scale import minmax_scale
from .card import SEED, CriterionData, metric_value, open_benchmark

PANEL = ("knn", "linear", "random_forest", "gradient_boosting")
LABELS = {
    "knn": "kNN (k=5)",
    "linear": "linear / logistic",
    "random_forest": "random forest (100 trees)",
    "gradient_boosting": "gradient boosting (100 rounds)",
}


def _sklearn() -> Any:
    try:
        import sklearn  # noqa: F401
    except ImportError:
        raise MissingExtraError(
            "evaluate --rank needs scikit-learn: pip install 'benchmake-cli[models]'"
        ) from None
    from sklearn import ensemble, linear_model, neighbors

    return ensemble, linear_model, neighbors


def make_model(name: str, classification: bool) -> Any:
    """A fresh, seeded model of the panel."""
    ensemble, linear_model, neighbors = _sklearn()
    if name == "knn":
        return (
            neighbors.KNeighborsClassifier(5)
            if classification
            else neighbors.KNeighborsRegressor(5)
        )
    if name == "linear":
        return (
            linear_model.LogisticRegression(max_iter=1000)
            if classification
            else linear_model.LinearRegression()
        )
    if name == "random_forest":
        forest = (
            ensemble.RandomForestClassifier if classification else ensemble.RandomForestRegressor
        )
        return forest(n_estimators=100, random_state=SEED, n_jobs=1)
    boosting = (
        ensemble.HistGradientBoostingClassifier
        if classification
        else ensemble.HistGradientBoostingRegressor
    )
    return boosting(max_iter=100, random_state=SEED)


@dataclass
class Ranking:
    """Scores (models × splits; column 0: this split) and what they say about the ranks."""

    metric: str
    label: str
    higher_is_better: bool
    models: tuple[str, ...]
    scores: np.ndarray  #: (models, 1 + random splits); NaN where a model could not be fit
    ranks: np.ndarray  #: same shape, 1 = best

    @property
    def random_mean_ranks(self) -> np.ndarray:
        return ranks_of(np.nanmean(self.scores[:, 1:], axis=1), self.higher_is_better)

    def taus(self) -> np.ndarray:
        """Kendall's τ-b between this split's ranking and each random split's."""
        return np.array(
            [kendall_tau(self.ranks[:, 0], self.ranks[:, j]) for j in range(1, self.ranks.shape[1])]
        )

    def to_dict(self) -> dict[str, Any]:
        randoms = self.scores[:, 1:]
        taus = self.taus()
        return {
            "metric": self.metric,
            "higher_is_better": self.higher_is_better,
            "random_splits": int(randoms.shape[1]),
            "models": {
                name: {
                    "label": LABELS[name],
                    "split": _float(self.scores[i, 0]),
                    "split_rank": int(self.ranks[i, 0]),
                    "random_mean": _float(np.nanmean(randoms[i])) if randoms.size else None,
                    "random_std": _float(np.nanstd(randoms[i], ddof=1))
                    if randoms.shape[1] > 1
                    else None,
                    "random_mean_rank": _float(np.mean(self.ranks[i, 1:]))
                    if randoms.size
                    else None,
                }
                for i, name in enumerate(self.models)
            },
            "kendall_tau_vs_random_mean": _float(
                kendall_tau(self.ranks[:, 0], self.random_mean_ranks)
            )
            if randoms.size
            else None,
            "kendall_tau_per_random_split": [_float(t) for t in taus],
        }


def _float(value: float) -> float | None:
    return None if value != value else float(value)


def ranks_of(values: np.ndarray, higher_is_better: bool) -> np.ndarray:
    """1 = best; equal values share the better rank; NaN ranks last.

    >>> ranks_of(np.array([0.5, 0.9, 0.5]), True).tolist()
    [2, 1, 2]
    """
    keyed = np.where(np.isnan(values), -np.inf, values if higher_is_better else -values)
    return np.array([1 + int(np.sum(keyed > v)) for v in keyed])


def kendall_tau(a: np.ndarray, b: np.ndarray) -> float:
    """Kendall's τ-b of two rankings (NaN when either is constant).

    >>> kendall_tau(np.array([1, 2, 3, 4]), np.array([1, 3, 2, 4]))
    0.6666666666666666
    """
    i, j = np.triu_indices(len(a), k=1)
    da, db = np.sign(a[i] - a[j]), np.sign(b[i] - b[j])
    pairs_a, pairs_b = np.count_nonzero(da), np.count_nonzero(db)
    if pairs_a == 0 or pairs_b == 0:
        return float("nan")
    return float(np.sum(da * db) / np.sqrt(pairs_a * pairs_b))


def _fit_score(
    name: str, data: CriterionData, X: np.ndarray, train: np.ndarray, test: np.ndarray
) -> float:
    classification = data.classes is not None
    model = make_model(name, classification)
    y = data.y
    try:
        with threadpool_limits(limits=1):  # small fits: threads only contend
            model.fit(X[train], y[train])
        if not data.metric.scores:
            predicted = model.predict(X[test])
        else:
            assert data.classes is not None
            probabilities = np.zeros((test.size, data.classes.size))
            columns = np.searchsorted(data.classes, model.classes_)
            probabilities[:, columns] = model.predict_proba(X[test])
            predicted = probabilities[:, 1] if data.classes.size == 2 else probabilities
        return metric_value(data, test, predicted)
    except (ValueError, ParameterError):
        return float("nan")  # e.g. a training set of one class, a one-class test set for AUC


def rank_models(
    manifest: str | Path,
    *,
    data: str | Path | None = None,
    metric: str | None = None,
    random_splits: int = 20,
    progress: Callable[[str, int, int], None] | None = None,
) -> Ranking:
    """Train the panel on this split and on ``random_splits`` seeded random splits."""
    _sklearn()
    benchmark = open_benchmark(manifest, data, metric, without_target="no model can be ranked")
    criterion, encoded = benchmark.criterion, benchmark.prepared.encoded
    X = minmax_scale(np.asarray(encoded.X, dtype=np.float64))
    n = encoded.n
    test = np.sort(benchmark.test)
    splits = [test] + (
        random_split_indices(n, test.size, random_splits, SEED) if random_splits else []
    )
    report = progress or (lambda stage, done, total: None)
    scores = np.full((len(PANEL), len(splits)), np.nan)
    for j, rows in enumerate(splits):
        report("models", j, len(splits))
        train = np.setdiff1d(np.arange(n), rows)
        for i, name in enumerate(PANEL):
            scores[i, j] = _fit_score(name, criterion, X, train, rows)
    report("models", len(splits), len(splits))
    higher = criterion.metric.higher_is_better
    ranks = np.column_stack([ranks_of(scores[:, j], higher) for j in range(len(splits))])
    return Ranking(criterion.metric.name, criterion.metric.label, higher, PANEL, scores, ranks)
