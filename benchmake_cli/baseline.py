"""A deterministic k-nearest-neighbours baseline model in NumPy.

Neighbours are found by Euclidean distance on the given (already scaled) features, in
blocks of test rows so memory stays bounded. Ties in distance go to the earlier training
row; ties in a class vote go to the smallest label (NumPy sort order).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

__all__ = [
    "CLASSIFICATION",
    "MAX_CLASSES",
    "REGRESSION",
    "ModelScore",
    "infer_task",
    "knn_predict",
    "knn_score",
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


def _as_features(name: str, X: np.ndarray) -> np.ndarray:
    """Return ``X`` as a finite 2-D float64 array with at least one row."""
    arr = np.asarray(X, dtype=np.float64)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (rows x features), got shape {arr.shape}")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} must contain at least one row, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite values (no NaN or inf)")
    return arr


def _nearest(X_train: np.ndarray, X_test: np.ndarray, k: int) -> np.ndarray:
    """Indices (n_test, k) of the k nearest training rows of each test row.

    The set is exact with respect to the computed squared distances: every training row
    strictly closer than the k-th distance, then rows at exactly the k-th distance in
    training order. Rows in each output row are in increasing training index.
    """
    n_train = X_train.shape[0]
    tt = np.einsum("ij,ij->i", X_train, X_train)
    step = max(1, _BLOCK_ELEMENTS // n_train)
    out = np.empty((X_test.shape[0], k), dtype=np.int64)
    for start in range(0, X_test.shape[0], step):
        block = X_test[start : start + step]
        d2 = tt[None, :] - 2.0 * (block @ X_train.T)  # + ||x||^2 omitted: constant per row
        kth = np.partition(d2, k - 1, axis=1)[:, k - 1 : k]
        less = d2 < kth
        need = k - less.sum(axis=1)
        equal = d2 == kth
        tied_rows = np.flatnonzero(equal.sum(axis=1) > need)
        if tied_rows.size:
            rank = np.cumsum(equal[tied_rows], axis=1)
            equal[tied_rows] &= rank <= need[tied_rows, None]
        selected = less | equal
        out[start : start + block.shape[0]] = np.nonzero(selected)[1].reshape(-1, k)
    return out


def _validate(
    X_train: np.ndarray, y_train: np.ndarray, X_test: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate and convert the training data, test features and ``k``."""
    X_train = _as_features("X_train", X_train)
    X_test = _as_features("X_test", X_test)
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
    neighbours = _nearest(X_train, X_test, int(k))
    if task == REGRESSION:
        if y_train.dtype.kind not in "biuf":
            raise ValueError(f"regression needs a numeric y_train, got dtype {y_train.dtype}")
        return y_train.astype(np.float64)[neighbours].mean(axis=1)
    try:
        labels, codes = np.unique(y_train, return_inverse=True)
    except TypeError as exc:
        raise ValueError("y_train labels must be mutually comparable (one type)") from exc
    n_classes = labels.size
    votes = codes.reshape(-1)[neighbours]  # (n_test, k)
    flat = votes + n_classes * np.arange(votes.shape[0])[:, None]
    counts = np.bincount(flat.ravel(), minlength=votes.shape[0] * n_classes)
    winner = counts.reshape(votes.shape[0], n_classes).argmax(axis=1)  # first max: smallest
    return labels[winner]


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
    if task == REGRESSION:
        if y_test_arr.dtype.kind not in "biuf":
            raise ValueError(f"regression needs a numeric y_test, got dtype {y_test_arr.dtype}")
        return ModelScore(task, _regression_metrics(y_test_arr.astype(np.float64), y_pred))
    return ModelScore(task, _classification_metrics(y_test_arr, y_pred))
