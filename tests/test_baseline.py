"""Tests for benchmake_cli.analysis.baseline."""

from __future__ import annotations

import numpy as np
import pytest

from benchmake_cli.analysis import baseline as bm_baseline
from benchmake_cli.analysis.baseline import ModelScore, infer_task, knn_predict, knn_score


@pytest.mark.parametrize(
    ("y", "task"),
    [
        (np.array([0, 1, 1, 0]), "classification"),
        (np.arange(1000), "classification"),  # integer dtype: always classes
        (np.array(["a", "b", "a"]), "classification"),
        (np.array([True, False]), "classification"),
        (np.array([0.0, 1.0, 2.0, 1.0]), "classification"),
        (np.arange(20, dtype=float), "classification"),
        (np.arange(21, dtype=float), "regression"),  # 21 distinct values
        (np.array([0.0, 0.5, 1.0]), "regression"),  # non-integer value
        (np.array([1.5, 2.25], dtype=object), "regression"),  # numeric objects
        (np.array(["x", 1.5], dtype=object), "classification"),
    ],
)
def test_infer_task(y: np.ndarray, task: str) -> None:
    assert infer_task(y) == task


def test_infer_task_rejects_bad_targets() -> None:
    with pytest.raises(ValueError, match="at least one value"):
        infer_task(np.array([]))
    with pytest.raises(ValueError, match="finite"):
        infer_task(np.array([1.0, np.nan]))


def test_knn_classification_hand_computed() -> None:
    X_train = np.array([[0.0], [1.0], [2.0], [10.0], [11.0]])
    y_train = np.array(["a", "a", "b", "c", "c"])
    X_test = np.array([[0.4], [9.0], [2.1]])
    # k=3: 0.4 -> rows 0,1,2 (a,a,b) -> a; 9.0 -> rows 3,4,2 (c,c,b) -> c;
    # 2.1 -> rows 2,1,0 (b,a,a) -> a
    pred = knn_predict(X_train, y_train, X_test, task="classification", k=3)
    assert pred.tolist() == ["a", "c", "a"]
    score = knn_score(X_train, y_train, X_test, np.array(["a", "c", "b"]), k=3)
    assert score == ModelScore(
        "classification", {"accuracy": 2 / 3, "balanced_accuracy": (1 + 1 + 0) / 3}
    )


def test_distance_ties_go_to_earlier_training_row() -> None:
    X_train = np.array([[2.0], [0.0], [4.0]])
    X_test = np.array([[1.0], [3.0]])
    # 1.0 is equidistant from rows 0 and 1; 3.0 from rows 0 and 2: the earlier row wins.
    pred = knn_predict(X_train, np.array([5.0, 7.0, 9.0]), X_test, task="regression", k=1)
    assert pred.tolist() == [5.0, 5.0]
    pred = knn_predict(X_train, np.array([7.0, 5.0, 9.0]), X_test, task="regression", k=1)
    assert pred.tolist() == [7.0, 7.0]


def test_vote_ties_go_to_smallest_label() -> None:
    X_train = np.array([[0.0], [2.0]])
    X_test = np.array([[1.0]])
    for labels in (["b", "a"], ["a", "b"]):
        pred = knn_predict(X_train, np.array(labels), X_test, task="classification", k=2)
        assert pred.tolist() == ["a"]
    pred = knn_predict(X_train, np.array([7, 3]), X_test, task="classification", k=2)
    assert pred.tolist() == [3]


def test_knn_regression_hand_computed() -> None:
    X_train = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [5.0, 5.0]])
    y_train = np.array([1.0, 2.0, 4.0, 10.0])
    X_test = np.array([[0.1, 0.1], [5.0, 4.0]])
    y_test = np.array([2.0, 8.0])
    # k=2: first -> rows 0 then {1, 2} tie at equal distance -> row 1: mean(1, 2) = 1.5;
    # second -> rows 3 (dist 1) and 2 (dist sqrt(34)) vs 1 (dist sqrt(32)) -> rows 3, 1: 6.0
    pred = knn_predict(X_train, y_train, X_test, task="regression", k=2)
    np.testing.assert_allclose(pred, [1.5, 6.0])
    score = knn_score(X_train, y_train, X_test, y_test, task="regression", k=2)
    mse = ((2.0 - 1.5) ** 2 + (8.0 - 6.0) ** 2) / 2
    r2 = 1 - (0.25 + 4.0) / ((2.0 - 5.0) ** 2 + (8.0 - 5.0) ** 2)
    assert score.task == "regression"
    assert score.metrics == pytest.approx({"mse": mse, "r2": r2})


def test_task_inferred_from_targets() -> None:
    X = np.array([[0.0], [1.0], [2.0]])
    assert knn_score(X, np.array([0.1, 0.2, 0.3]), X, np.array([0.1, 0.2, 0.3]), k=1).task == (
        "regression"
    )
    assert knn_score(X, np.array([0, 1, 1]), X, np.array([0, 1, 1]), k=1).metrics == {
        "accuracy": 1.0,
        "balanced_accuracy": 1.0,
    }


def test_balanced_accuracy_matches_definition() -> None:
    rng = np.random.default_rng(0)
    X_train = rng.random((300, 2))
    y_train = np.where(X_train[:, 0] > 0.8, 2, np.where(X_train[:, 1] > 0.5, 1, 0))
    X_test = rng.random((200, 2))
    y_test = np.where(X_test[:, 0] > 0.75, 2, np.where(X_test[:, 1] > 0.5, 1, 0))
    y_test[:15] = 5  # a class never predicted: recall 0
    pred = knn_predict(X_train, y_train, X_test, task="classification", k=5)
    classes = np.unique(y_test)
    expected = np.mean([np.mean(pred[y_test == c] == c) for c in classes])
    score = knn_score(X_train, y_train, X_test, y_test, k=5)
    assert score.metrics["balanced_accuracy"] == pytest.approx(expected)
    assert score.metrics["accuracy"] == pytest.approx(np.mean(pred == y_test))
    assert score.metrics["balanced_accuracy"] < score.metrics["accuracy"]


def _brute_force_neighbours(X_train: np.ndarray, X_test: np.ndarray, k: int) -> np.ndarray:
    d2 = ((X_test[:, None, :] - X_train[None, :, :]) ** 2).sum(axis=2)
    return np.sort(np.argsort(d2, axis=1, kind="stable")[:, :k], axis=1)


def test_blocked_search_matches_brute_force(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(1)
    X_train = rng.integers(0, 3, size=(200, 3)).astype(float)  # many exact distance ties
    X_test = rng.integers(0, 3, size=(57, 3)).astype(float)
    expected = _brute_force_neighbours(X_train, X_test, 7)
    np.testing.assert_array_equal(bm_baseline._nearest(X_train, X_test, 7), expected)
    monkeypatch.setattr(bm_baseline, "_BLOCK_ELEMENTS", 450)  # two test rows per block
    np.testing.assert_array_equal(bm_baseline._nearest(X_train, X_test, 7), expected)
    y = np.arange(200) % 4
    whole = knn_predict(X_train, y, X_test, task="classification", k=7)
    monkeypatch.setattr(bm_baseline, "_BLOCK_ELEMENTS", 1)
    np.testing.assert_array_equal(
        knn_predict(X_train, y, X_test, task="classification", k=7), whole
    )


def test_knn_validation() -> None:
    X = np.zeros((3, 2))
    y = np.array([0, 1, 0])
    with pytest.raises(ValueError, match="k=4 exceeds"):
        knn_score(X, y, X, y, k=4)
    with pytest.raises(ValueError, match="k must be a positive integer"):
        knn_score(X, y, X, y, k=0)
    with pytest.raises(ValueError, match="same number of features"):
        knn_score(X, y, np.zeros((3, 3)), y)
    with pytest.raises(ValueError, match="y_train has 2 values"):
        knn_score(X, y[:2], X, y, k=1)
    with pytest.raises(ValueError, match="y_test has 2 values"):
        knn_score(X, y, X, y[:2], k=1)
    with pytest.raises(ValueError, match="task must be"):
        knn_score(X, y, X, y, task="ranking", k=1)
    with pytest.raises(ValueError, match="regression needs a numeric y_train"):
        knn_score(X, np.array(["a", "b", "c"]), X, y, task="regression", k=1)
