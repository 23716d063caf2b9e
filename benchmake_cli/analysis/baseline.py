"""A deterministic k-nearest-neighbours baseline model in NumPy.

Neighbours are found by Euclidean distance on the given (already scaled) features, in
blocks of test rows so memory stays bounded. Ties in distance go to the earlier training
row; ties in a class vote go to the smallest label (NumPy sort order).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from .sampling import check_matrix

__all__ = [
    "CLASSIFICATION",
    "MAX_CLASSES",
    "REGRESSION",
    "ModelScore",
    "SharedKnn",
    "infer_task",
    "knn_predict",
    "knn_score",
    "predict_from",
    "vote_fractions",
]

CLASSIFICATION = "classification"
REGRESSION = "regression"
MAX_CLASSES = 20
"""A float target with at most this many distinct values, all integers, is a class label."""

_BLOCK_ELEMENTS = 1 << 22  # distance-matrix entries per block (32 MiB of float64)


@dataclass(frozen=True)
class ModelScore:
    """Task name and its metrics (classification: accuracy, balanced_accuracy; regression:
    mse, r2)."""

    task: str
    metrics: dict[str, float]


def _as_target(name: str, y: np.ndarray) -> np.ndarray:
    """Return ``y`` as a non-empty 1-D array (an (n, 1) column is flattened)."""
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must contain at least one value")
    if arr.dtype.kind == "c":
        raise ValueError(f"{name} must not be complex, got dtype {arr.dtype}")
    if arr.dtype.kind == "O" and all(
        isinstance(v, numbers.Real) and not isinstance(v, bool) for v in arr
    ):
        arr = arr.astype(np.float64)
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite values (no NaN or inf)")
    return arr


def infer_task(y: np.ndarray) -> str:
    """Return "classification" or "regression" for the target ``y``.

    Rule: a target whose dtype is not floating point (integers, booleans, strings, other
    objects) is a classification target. A floating-point target is a classification target
    when it has at most ``MAX_CLASSES`` (20) distinct values and all of them are integers
    (e.g. 0.0, 1.0, 2.0); otherwise it is a regression target. Object arrays holding only
    real numbers are treated as floating point.
    """
    arr = _as_target("y", y)
    if arr.dtype.kind != "f":
        return CLASSIFICATION
    distinct = np.unique(arr)
    if distinct.size <= MAX_CLASSES and np.all(distinct == np.round(distinct)):
        return CLASSIFICATION
    return REGRESSION


def _nearest(X_train: np.ndarray, X_test: np.ndarray, k: int) -> np.ndarray:
    """Indices (n_test, k) of the k nearest training rows of each test row.

    The set is exact with respect to the computed squared distances: every training row
    strictly closer than the k-th distance, then rows at exactly the k-th distance in
    training order. Rows in each output row are in increasing training index.
    """
    return _nearest_with_distances(X_train, X_test, k)[0]


def _nearest_with_distances(
    X_train: np.ndarray, X_test: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_nearest` and, beside each index, its squared distance less ``||x_test||^2``
    (a constant per test row, so the order of the distances is the true order)."""
    n_train = X_train.shape[0]
    tt = np.einsum("ij,ij->i", X_train, X_train)
    step = max(1, _BLOCK_ELEMENTS // n_train)
    out = np.empty((X_test.shape[0], k), dtype=np.int64)
    distances = np.empty((X_test.shape[0], k))
    for start in range(0, X_test.shape[0], step):
        block = X_test[start : start + step]
        d2 = block @ X_train.T  # tt - 2 x.t (+ ||x||^2 omitted: constant per row), in place
        d2 *= -2.0
        d2 += tt
        kth = np.partition(d2, k - 1, axis=1)[:, k - 1 : k]
        selected = d2 <= kth
        tied_rows = np.flatnonzero(selected.sum(axis=1) > k)
        if tied_rows.size:  # more than k rows within the k-th distance: keep the earliest ties
            tied = d2[tied_rows]
            less = tied < kth[tied_rows]
            equal = tied == kth[tied_rows]
            need = k - less.sum(axis=1)
            selected[tied_rows] = less | (equal & (np.cumsum(equal, axis=1) <= need[:, None]))
        chosen = np.nonzero(selected)[1].reshape(-1, k)
        out[start : start + block.shape[0]] = chosen
        distances[start : start + block.shape[0]] = np.take_along_axis(d2, chosen, axis=1)
    return out, distances


def _validate(
    X_train: np.ndarray, y_train: np.ndarray, X_test: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate and convert the training data, test features and ``k``."""
    X_train = check_matrix("X_train", X_train, vector_is_column=False)
    X_test = check_matrix("X_test", X_test, vector_is_column=False)
    y_train = _as_target("y_train", y_train)
    if X_train.shape[1] != X_test.shape[1]:
        raise ValueError(
            f"X_train and X_test must have the same number of features, "
            f"got {X_train.shape[1]} and {X_test.shape[1]}"
        )
    if y_train.shape[0] != X_train.shape[0]:
        raise ValueError(
            f"y_train has {y_train.shape[0]} values but X_train has {X_train.shape[0]} rows"
        )
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}")
    if k > X_train.shape[0]:
        raise ValueError(f"k={k} exceeds the number of training rows ({X_train.shape[0]})")
    return X_train, y_train, X_test


def _check_task(task: str) -> str:
    """Validate a task name."""
    if task not in (CLASSIFICATION, REGRESSION):
        raise ValueError(f"task must be {CLASSIFICATION!r} or {REGRESSION!r}, got {task!r}")
    return task


def knn_predict(
    X_train: np.ndarray, y_train: np.ndarray, X_test: np.ndarray, *, task: str, k: int = 5
) -> np.ndarray:
    """Predict the test targets: majority vote (classification) or neighbour mean (regression)."""
    task = _check_task(task)
    X_train, y_train, X_test = _validate(X_train, y_train, X_test, k)
    return _predict(y_train, _nearest(X_train, X_test, int(k)), task)


def predict_from(y: np.ndarray, neighbours: np.ndarray, task: str) -> np.ndarray:
    """The kNN prediction from each row's neighbours (see :func:`_predict`)."""
    return _predict(y, neighbours, task)


def _predict(y: np.ndarray, neighbours: np.ndarray, task: str) -> np.ndarray:
    """Majority vote or mean of ``y`` over each row of ``neighbours`` (indices into ``y``, in
    increasing order within a row). Vote ties go to the smallest label."""
    if task == REGRESSION:
        if y.dtype.kind not in "biuf":
            raise ValueError(f"regression needs a numeric y_train, got dtype {y.dtype}")
        return y.astype(np.float64)[neighbours].mean(axis=1)
    try:
        labels, codes = np.unique(y, return_inverse=True)
    except TypeError as exc:
        raise ValueError("y_train labels must be mutually comparable (one type)") from exc
    n_classes = labels.size
    votes = codes.reshape(-1)[neighbours]  # (n_test, k)
    flat = votes + n_classes * np.arange(votes.shape[0])[:, None]
    counts = np.bincount(flat.ravel(), minlength=votes.shape[0] * n_classes)
    winner = counts.reshape(votes.shape[0], n_classes).argmax(axis=1)  # first max: smallest
    return labels[winner]


def vote_fractions(y: np.ndarray, neighbours: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Per row of ``neighbours`` (indices into ``y``), the fraction of its neighbours in each
    label of ``classes`` (sorted): the kNN model's class probabilities, (rows, classes)."""
    codes = np.searchsorted(classes, y)[neighbours]
    counts = np.zeros((neighbours.shape[0], classes.size))
    np.add.at(counts, (np.arange(neighbours.shape[0])[:, None], codes), 1.0)
    return counts / neighbours.shape[1]


def _classification_metrics(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    """Accuracy and balanced accuracy (mean recall over the classes present in y_true)."""
    correct = np.asarray(y_pred.astype(object) == y_true.astype(object), dtype=bool)
    classes, true_codes = np.unique(y_true, return_inverse=True)
    recalls = [float(correct[true_codes.reshape(-1) == c].mean()) for c in range(classes.size)]
    return {"accuracy": float(correct.mean()), "balanced_accuracy": float(np.mean(recalls))}


def _regression_metrics(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    """Mean squared error and coefficient of determination R^2."""
    residual = float(np.sum((y_true - y_pred) ** 2))
    total = float(np.sum((y_true - y_true.mean()) ** 2))
    # a constant y_true has no variance to explain: R^2 is 1 for a perfect fit, else 0
    r2 = 1.0 - residual / total if total > 0.0 else float(residual == 0.0)
    return {"mse": residual / y_true.size, "r2": r2}


def knn_score(
    X_train: np.ndarray,
    y_train: np.ndarray,
    X_test: np.ndarray,
    y_test: np.ndarray,
    *,
    task: str | None = None,
    k: int = 5,
) -> ModelScore:
    """Fit-free kNN baseline: predict ``X_test`` from the training rows and score on ``y_test``.

    ``task=None`` infers the task with :func:`infer_task` on the training and test targets
    together.
    """
    y_train_arr = _as_target("y_train", y_train)
    y_test_arr = _as_target("y_test", y_test)
    if y_test_arr.shape[0] != np.asarray(X_test).shape[0]:
        raise ValueError(
            f"y_test has {y_test_arr.shape[0]} values but X_test has "
            f"{np.asarray(X_test).shape[0]} rows"
        )
    if task is None:
        task = infer_task(np.concatenate([y_train_arr, y_test_arr]))
    task = _check_task(task)
    y_pred = knn_predict(X_train, y_train_arr, X_test, task=task, k=k)
    return _score(task, y_test_arr, y_pred)


def _score(task: str, y_true: np.ndarray, y_pred: np.ndarray) -> ModelScore:
    """The task's metrics of the predictions ``y_pred`` of ``y_true``."""
    if task == REGRESSION:
        if y_true.dtype.kind not in "biuf":
            raise ValueError(f"regression needs a numeric y_test, got dtype {y_true.dtype}")
        return ModelScore(task, _regression_metrics(y_true.astype(np.float64), y_pred))
    return ModelScore(task, _classification_metrics(y_true, y_pred))


class SharedKnn:
    """The kNN baseline for many splits of the same rows, scored on a fixed pool of rows.

    Each split trains on its training rows and is scored on its test rows that lie in
    ``pool`` (row positions; default: every row). The nearest rows of each pool row among
    *all* rows are found once, as the first ``length`` in order of (squared distance, row);
    a split then takes, per scored row, the first ``k`` of them that are training rows. That
    is exactly the training rows :func:`knn_predict` would pick, since any row nearer than a
    listed one is listed too; a scored row with fewer than ``k`` training rows in its list
    falls back to a search of all the split's training rows.
    """

    def __init__(
        self,
        X: np.ndarray,
        y: np.ndarray,
        *,
        task: str,
        k: int = 5,
        pool: np.ndarray | None = None,
        length: int | None = None,
    ) -> None:
        self.task = _check_task(task)
        self.X = check_matrix("X", X, vector_is_column=False)
        self.y = _as_target("y", y)
        if self.y.shape[0] != self.X.shape[0]:
            raise ValueError(f"y has {self.y.shape[0]} values but X has {self.X.shape[0]} rows")
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
            raise ValueError(f"k must be a positive integer, got {k!r}")
        self.k = int(k)
        n = self.X.shape[0]
        self.pool = np.arange(n) if pool is None else np.sort(np.asarray(pool, dtype=np.int64))
        self.length = min(n, length if length is not None else 4 * self.k + 16)
        lists, distances = _nearest_with_distances(self.X, self.X[self.pool], self.length)
        order = np.lexsort((lists, distances), axis=1)  # by distance, then row
        self.lists = np.take_along_axis(lists, order, axis=1)

    def score(self, test: np.ndarray) -> tuple[ModelScore, int]:
        """The split with test rows ``test``: its score and how many test rows it is on."""
        scored, neighbours = self.neighbours(test)
        y_pred = _predict(self.y, neighbours, self.task)
        return _score(self.task, self.y[scored], y_pred), int(scored.size)

    def neighbours(self, test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The split with test rows ``test``: its scored rows (the test rows in the pool) and
        the ``k`` training rows nearest each, ascending per row."""
        is_test = np.zeros(self.X.shape[0], dtype=bool)
        is_test[test] = True
        if int(is_test.sum()) > self.X.shape[0] - self.k:
            raise ValueError(f"k={self.k} exceeds the number of training rows")
        in_test = is_test[self.pool]
        scored = self.pool[in_test]
        if scored.size == 0:
            raise ValueError("no test row lies in the scoring pool")
        lists = self.lists[in_test]
        training = ~is_test[lists]
        rank = np.cumsum(training, axis=1)
        complete = rank[:, -1] >= self.k
        neighbours = np.empty((scored.size, self.k), dtype=np.int64)
        picked = training[complete] & (rank[complete] <= self.k)
        neighbours[complete] = np.sort(lists[complete][picked].reshape(-1, self.k), axis=1)
        if not complete.all():
            train_rows = np.flatnonzero(~is_test)
            found = _nearest(self.X[train_rows], self.X[scored[~complete]], self.k)
            neighbours[~complete] = train_rows[found]
        return scored, neighbours
