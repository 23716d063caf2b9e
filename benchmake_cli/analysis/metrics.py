"""The objective criteria a benchmark may name, in NumPy (scikit-learn is not needed).

Classification metrics compare labels, except ROC AUC, which ranks scores. Labels are
compared as values of one type (numbers or text); the *positive class* of a two-class task
is the larger of the two labels in NumPy sort order (1 of {0, 1}, 2 of {1, 2}, "yes" of
{"no", "yes"}). Definitions (``docs/card.md`` repeats them):

- ``accuracy``: the fraction of rows whose predicted label equals the true label.
- ``balanced_accuracy``: the mean, over the classes present in the true labels, of the
  recall of that class (rows of the class predicted as the class, over rows of the class).
- ``f1``: over the labels present in the true or the predicted labels: with two, F1 =
  2·TP / (2·TP + FP + FN) of the positive (larger) label; with more, the unweighted (macro)
  mean of each label's F1.
- ``roc_auc``: two classes: the probability that a random positive row scores higher than
  a random negative row, ties counting one half (the Mann–Whitney statistic; scores are the
  positive class's probability or any increasing score of it); more classes: one-vs-rest,
  the unweighted mean over the classes present in the true labels, each with its own score
  column. Needs at least one row of each compared class.
- ``mae``: mean absolute error; ``rmse``: square root of the mean squared error;
  ``r2``: 1 − Σ(y − ŷ)² / Σ(y − ȳ)² (a constant true target: 1 for a perfect fit, else 0).

>>> balanced_accuracy(np.array([0, 0, 0, 1]), np.array([0, 0, 1, 1]))
0.8333333333333333
>>> roc_auc(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))
0.75
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

CLASSIFICATION = "classification"
REGRESSION = "regression"


@dataclass(frozen=True)
class Metric:
    """A criterion: its name, label, task, direction and what predictions it takes."""

    name: str
    label: str
    task: str
    higher_is_better: bool
    scores: bool  #: takes scores (probabilities), not labels
    definition: str

    def better(self, a: float, b: float) -> bool:
        """Is the value ``a`` strictly better than ``b``?"""
        return a > b if self.higher_is_better else a < b


METRICS: dict[str, Metric] = {
    m.name: m
    for m in (
        Metric(
            "accuracy",
            "accuracy",
            CLASSIFICATION,
            True,
            False,
            "fraction of test rows whose predicted label is the true label",
        ),
        Metric(
            "balanced_accuracy",
            "balanced accuracy",
            CLASSIFICATION,
            True,
            False,
            "mean over the classes present in the test labels of each class's recall",
        ),
        Metric(
            "f1",
            "F1",
            CLASSIFICATION,
            True,
            False,
            "two classes: F1 of the positive (larger) label; more: macro mean of per-class F1",
        ),
        Metric(
            "roc_auc",
            "ROC AUC",
            CLASSIFICATION,
            True,
            True,
            "two classes: Mann-Whitney AUC of the positive (larger) label's score, ties 1/2; "
            "more: one-vs-rest macro mean",
        ),
        Metric("mae", "MAE", REGRESSION, False, False, "mean absolute error"),
        Metric("rmse", "RMSE", REGRESSION, False, False, "square root of the mean squared error"),
        Metric(
            "r2",
            "R²",
            REGRESSION,
            True,
            False,
            "1 - sum of squared residuals / total sum of squares",
        ),
    )
}
DEFAULT_METRIC = {CLASSIFICATION: "balanced_accuracy", REGRESSION: "rmse"}


def _codes(y_true: np.ndarray, y_pred: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Both label arrays as codes into their sorted union of labels."""
    labels, codes = np.unique(np.concatenate([y_true, y_pred]), return_inverse=True)
    codes = codes.reshape(-1)
    return codes[: y_true.size], codes[y_true.size :], int(labels.size)


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Fraction of equal labels."""
    true, pred, _ = _codes(y_true, y_pred)
    return float(np.mean(true == pred))


def balanced_accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean recall over the classes present in ``y_true``."""
    true, pred, n = _codes(y_true, y_pred)
    rows = np.bincount(true, minlength=n)
    hits = np.bincount(true[true == pred], minlength=n)
    present = rows > 0
    return float(np.mean(hits[present] / rows[present]))


def f1(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Positive-class F1 when the true and predicted labels hold two labels together, else
    macro F1 over those labels (see the module)."""
    true, pred, n = _codes(y_true, y_pred)
    tp = np.bincount(true[true == pred], minlength=n).astype(np.float64)
    fp = np.bincount(pred, minlength=n) - tp
    fn = np.bincount(true, minlength=n) - tp
    per_class = np.divide(2 * tp, 2 * tp + fp + fn, out=np.zeros(n), where=(2 * tp + fp + fn) > 0)
    return float(per_class[1]) if n == 2 else float(np.mean(per_class))


def _binary_auc(positive: np.ndarray, scores: np.ndarray) -> float:
    """Mann–Whitney AUC with average ranks for ties."""
    order = np.argsort(scores, kind="stable")
    sorted_scores = scores[order]
    ranks = np.empty(scores.size)
    starts = np.flatnonzero(np.r_[True, sorted_scores[1:] != sorted_scores[:-1]])
    ends = np.r_[starts[1:], scores.size]
    ranks[order] = np.repeat((starts + ends + 1) / 2.0, ends - starts)  # 1-based average rank
    n_pos = int(positive.sum())
    n_neg = positive.size - n_pos
    if n_pos == 0 or n_neg == 0:
        raise ValueError("ROC AUC needs at least one row of each class")
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def roc_auc(y_true: np.ndarray, scores: np.ndarray, classes: np.ndarray | None = None) -> float:
    """Two classes: ``scores`` (n,) of the positive class. More: ``scores`` (n, C), one column
    per label of ``classes`` (sorted), one-vs-rest macro mean over the classes in
    ``y_true``."""
    scores = np.asarray(scores, dtype=np.float64)
    if scores.ndim == 1:
        labels = np.unique(y_true)
        if labels.size != 2:
            raise ValueError("one score column needs exactly two classes in the test labels")
        return _binary_auc(y_true == labels[1], scores)
    if classes is None or len(classes) != scores.shape[1]:
        raise ValueError("one score column per class is needed")
    present = [j for j, label in enumerate(classes) if np.any(y_true == label)]
    return float(np.mean([_binary_auc(y_true == classes[j], scores[:, j]) for j in present]))


def mae(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean absolute error."""
    return float(np.mean(np.abs(np.asarray(y_true, float) - np.asarray(y_pred, float))))


def rmse(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Root mean squared error."""
    return float(np.sqrt(np.mean((np.asarray(y_true, float) - np.asarray(y_pred, float)) ** 2)))


def r2(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Coefficient of determination (1 or 0 for a constant ``y_true``: see the module)."""
    y_true = np.asarray(y_true, float)
    residual = float(np.sum((y_true - np.asarray(y_pred, float)) ** 2))
    total = float(np.sum((y_true - y_true.mean()) ** 2))
    return 1.0 - residual / total if total > 0.0 else float(residual == 0.0)


_LABEL_FUNCTIONS: dict[str, Callable[[np.ndarray, np.ndarray], float]] = {
    "accuracy": accuracy,
    "balanced_accuracy": balanced_accuracy,
    "f1": f1,
    "mae": mae,
    "rmse": rmse,
    "r2": r2,
}


def compute(
    name: str, y_true: np.ndarray, predicted: np.ndarray, classes: np.ndarray | None = None
) -> float:
    """The metric ``name`` of the predictions (labels, values, or scores for ``roc_auc``)."""
    if name == "roc_auc":
        return roc_auc(y_true, predicted, classes)
    return _LABEL_FUNCTIONS[name](y_true, predicted)
