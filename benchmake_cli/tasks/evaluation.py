"""What ``evaluate`` returns: the settings, each split's statistics, selection diagnostics
and model scores, and the evaluation with its JSON form (computed in :mod:`.evaluate`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..analysis.apart import Apart, what_sets_apart
from ..analysis.baseline import CLASSIFICATION, REGRESSION, ModelScore
from ..analysis.selection import SELECTION_NAMES, Selection
from ..analysis.statistics import HIGHER_IS_HARDER, STATISTIC_NAMES, SetComparison

TASKS = (CLASSIFICATION, REGRESSION)
NEAREST_ORIGIN = "nearest-origin"  #: the built-in comparison: the k smallest-norm rows
MODEL_METRICS: dict[str, tuple[str, ...]] = {
    CLASSIFICATION: ("accuracy", "balanced_accuracy"),
    REGRESSION: ("mse", "r2"),
}
#: Per model metric: is a higher value a harder test set (a worse model score)?
METRIC_HIGHER_IS_HARDER: dict[str, bool] = {
    "accuracy": False,
    "balanced_accuracy": False,
    "mse": True,
    "r2": False,
}
#: the card's criteria that evaluate's metrics order the same way
CRITERION_AS = {"rmse": "mse"}
#: how reports and plots name each model metric
METRIC_LABELS: dict[str, str] = {
    "accuracy": "accuracy",
    "balanced_accuracy": "balanced accuracy",
    "mse": "MSE",
    "r2": "R²",
}


@dataclass(frozen=True)
class EvaluateSettings:
    """Everything that changes an evaluation's numbers (all recorded in its JSON)."""

    random_splits: int = 20  #: random splits of the same size to compare with
    seed: int = 0  #: seed of the random splits, the MMD subsample and the model subsample
    bins: int = 50  #: histogram bins of the MI, KL and JS statistics
    mmd_max_rows: int = 1000  #: rows per set in the MMD subsample
    k: int = 5  #: neighbours of the kNN baseline
    model_rows: int = 5000  #: rows in the model's scoring pool (0: all); see model_pool
    task: str | None = None  #: classification or regression; None: inferred from the target
    nearest_origin: bool = True  #: add the built-in ``nearest-origin`` comparison row

    def to_dict(self) -> dict[str, Any]:
        return {
            "random_splits": self.random_splits,
            "seed": self.seed,
            "bins": self.bins,
            "mmd_max_rows": self.mmd_max_rows,
            "k": self.k,
            "model_rows": self.model_rows,
            "nearest_origin": self.nearest_origin,
        }


@dataclass
class SplitEvaluation:
    """One split: which rows are in its test set, its statistics and its model score."""

    name: str
    test: np.ndarray  #: positions of the test rows in the encoded matrix, ascending
    statistics: SetComparison
    model: ModelScore | None = None
    model_rows: int = 0  #: test rows the model was scored on (those in the scoring pool)
    selection: Selection | None = None  #: what the test set selects (analysis.selection)

    @property
    def n_test(self) -> int:
        return int(self.test.size)


@dataclass
class Evaluation:
    """The result of :func:`evaluate_matrix` and the functions built on it."""

    features: np.ndarray  #: the min-max scaled encoded matrix the statistics use
    feature_names: list[str]
    input_rows: np.ndarray  #: input row number of each row of ``features``
    settings: EvaluateSettings
    split: SplitEvaluation
    randoms: list[SplitEvaluation]
    compares: list[SplitEvaluation]
    target: str | None = None
    task: str | None = None
    task_inferred: bool = False
    data: Path | None = None
    manifest: Path | None = None
    notes: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    apart: Apart | None = None  #: what sets the test set apart (analysis.apart)
    criterion: str | None = None  #: the card's metric (analysis.metrics), named first

    def set_apart(self, raw: np.ndarray, modality: str, y: np.ndarray | None) -> None:
        """Say what sets the test set apart (:mod:`~benchmake_cli.analysis.apart`), from the
        encoded matrix in its own units ``raw`` and the target ``y``."""
        classification = self.task == CLASSIFICATION
        self.apart = what_sets_apart(
            raw, self.features, self.split.test, self.feature_names, modality, y, classification
        )

    def criterion_worse(self) -> bool | None:
        """Whether the model scores worse on the split than the random mean on the card's
        criterion (RMSE as MSE, which orders splits the same way); ``None`` when the
        evaluation has no such metric."""
        metric = CRITERION_AS.get(self.criterion or "", self.criterion)
        return self.model_beats_random().get(metric or "")

    @property
    def n(self) -> int:
        return int(self.features.shape[0])

    @property
    def d(self) -> int:
        return int(self.features.shape[1])

    def random_statistics(self) -> dict[str, np.ndarray]:
        """Each statistic's aggregate over the random splits, in draw order."""
        return {
            name: np.array([r.statistics.aggregate[name] for r in self.randoms])
            for name in STATISTIC_NAMES
        }

    def random_metrics(self) -> dict[str, np.ndarray]:
        """Each model metric over the random splits, in draw order (empty without a model)."""
        if self.task is None:
            return {}
        return {
            metric: np.array([r.model.metrics[metric] for r in self.randoms if r.model])
            for metric in MODEL_METRICS[self.task]
        }

    def beats_random(self) -> dict[str, bool]:
        """Per statistic: is the split strictly harder than the random splits' mean?"""
        return _beats(self.split.statistics.aggregate, self.random_statistics(), HIGHER_IS_HARDER)

    def selection_to_dict(self) -> dict[str, Any]:
        """The selection diagnostics of the split, the random splits (mean, std, values)
        and each compared split, with the value a random test set has on average."""
        values = [r.selection.to_dict() for r in self.randoms if r.selection]
        randoms = {
            name: np.array([v[name] for v in values if v[name] is not None])
            for name in SELECTION_NAMES
        }
        return {
            "names": list(SELECTION_NAMES),
            "random_expectation": self.split.n_test / self.n,
            "split": self.split.selection.to_dict() if self.split.selection else None,
            "random": _summary(randoms, len(self.randoms)),
            "compare": {c.name: c.selection.to_dict() for c in self.compares if c.selection},
        }

    def model_beats_random(self) -> dict[str, bool]:
        """Per model metric: does the model score strictly worse on the split than on
        average over the random splits?"""
        if self.split.model is None:
            return {}
        return _beats(self.split.model.metrics, self.random_metrics(), METRIC_HIGHER_IS_HARDER)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary: settings, every statistic (per feature for the split and each
        compared split), random-split values with their mean and standard deviation, the model
        scores and the notes."""
        randoms = self.random_statistics()
        payload: dict[str, Any] = {
            "data": str(self.data) if self.data is not None else None,
            "manifest": str(self.manifest) if self.manifest is not None else None,
            "n": self.n,
            "d": self.d,
            "n_train": self.n - self.split.n_test,
            "n_test": self.split.n_test,
            "feature_names": self.feature_names,
            "settings": self.settings.to_dict(),
            "statistics": {
                "names": list(STATISTIC_NAMES),
                "higher_is_harder": dict(HIGHER_IS_HARDER),
                "split": self.split.statistics.to_dict(),
                "random": _summary(randoms, len(self.randoms)),
                "compare": {
                    c.name: {"n_test": c.n_test, **c.statistics.to_dict()} for c in self.compares
                },
                "beats_random": self.beats_random(),
                "beats_random_count": sum(self.beats_random().values()),
            },
            "selection": self.selection_to_dict(),
            "model": None,
            "apart": self.apart.to_dict() if self.apart is not None else None,
            "notes": list(self.notes),
            "seconds": {key: round(value, 3) for key, value in self.seconds.items()},
        }
        if self.task is not None and self.split.model is not None:
            payload["model"] = {
                "name": "knn",
                "k": self.settings.k,
                "target": self.target,
                "task": self.task,
                "task_inferred": self.task_inferred,
                "metrics": list(MODEL_METRICS[self.task]),
                "higher_is_harder": {
                    m: METRIC_HIGHER_IS_HARDER[m] for m in MODEL_METRICS[self.task]
                },
                "split": {**self.split.model.metrics, "scored_rows": self.split.model_rows},
                "random": _summary(self.random_metrics(), len(self.randoms)),
                "compare": {
                    c.name: {**c.model.metrics, "scored_rows": c.model_rows}
                    for c in self.compares
                    if c.model is not None
                },
                "beats_random": self.model_beats_random(),
                "criterion": self.criterion,
                "criterion_worse": self.criterion_worse(),
            }
        return payload


def _beats(
    values: dict[str, float], randoms: dict[str, np.ndarray], higher_is_harder: dict[str, bool]
) -> dict[str, bool]:
    result = {}
    for name, draws in randoms.items():
        if draws.size == 0:
            continue
        mean = float(np.mean(draws))
        value = float(values[name])
        result[name] = value > mean if higher_is_harder[name] else value < mean
    return result


def _summary(values: dict[str, np.ndarray], count: int) -> dict[str, Any]:
    """Mean and sample standard deviation (ddof = 1; 0 for a single split) of each entry."""
    return {
        "count": count,
        "mean": {name: float(np.mean(v)) for name, v in values.items() if v.size},
        "std": {name: _std(v) for name, v in values.items() if v.size},
        "values": {name: [float(x) for x in v] for name, v in values.items()},
    }


def _std(values: np.ndarray) -> float:
    return float(np.std(values, ddof=1)) if values.size > 1 else 0.0


def mean_and_std(values: Iterable[float]) -> tuple[float, float]:
    """Mean and sample standard deviation (ddof = 1; 0 for fewer than two values)."""
    array = np.asarray(list(values), dtype=np.float64)
    return float(np.mean(array)), _std(array)
