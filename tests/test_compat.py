"""Tests for benchmake_cli.method.reference; the comparison tests need the reference ``benchmake`` 1.1.2."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from benchmake_cli.method import reference as compat
from benchmake_cli.method.reference import (
    DATA_TYPES,
    REFERENCE_METHOD,
    ReferenceSplit,
    reference_char_counts,
    reference_partition,
)

TEST_SIZES = (0.1, 0.2, 0.3)


def _tabular(n: int, d: int, seed: int) -> np.ndarray:
    """Random float64 table with a constant column and a few duplicated rows."""
    rng = np.random.default_rng(seed)
    data = rng.normal(size=(n, d)) * rng.uniform(0.1, 50.0, size=d)
    data[:, d // 2] = 3.25
    dup_src = rng.choice(n, size=max(2, n // 10), replace=False)
    dup_dst = rng.choice(np.setdiff1d(np.arange(n), dup_src), size=dup_src.size, replace=False)
    data[dup_dst] = data[dup_src]
    return data


def _integer_table(n: int, seed: int) -> np.ndarray:
    """Small-integer table (many ties and repeated rows), like coded survey data."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, 3, size=(n, 4)).astype(np.int64)


def _images(n: int, seed: int) -> np.ndarray:
    """Image-like uint8 array of shape (n, 8, 8) with one repeated image."""
    rng = np.random.default_rng(seed)
    imgs = rng.integers(0, 256, size=(n, 8, 8), dtype=np.uint8)
    imgs[-1] = imgs[0]
    return imgs


def _smiles(n: int, seed: int) -> list[str]:
    """SMILES-like strings with spaces, tabs, newlines, duplicates and anagrams."""
    rng = np.random.default_rng(seed)
    alphabet = [*"CCCCNNOOcccn()=#[]@+-12345S", " ", "  ", "\t", "\n", " \t "]
    out: list[str] = []
    for _ in range(n):
        length = int(rng.integers(3, 30))
        out.append("".join(alphabet[int(i)] for i in rng.integers(0, len(alphabet), size=length)))
    out[1] = out[0]  # exact duplicate
    out[3] = out[2][::-1]  # anagram: same count row, different string
    out[4] = "C  C"  # double space collapses to one
    out[5] = "C C"  # ... so this one has the same counts as out[4]
    out[6] = "C\tC"
    return out


TABULAR_CASES = {
    "40x5": _tabular(40, 5, 1),
    "120x12": _tabular(120, 12, 2),
    "257x3": _tabular(257, 3, 3),
    "90x30": _tabular(90, 30, 4),
    "int60x4": _integer_table(60, 5),
}


def _reference() -> Any:
    """Import the reference class, skipping when it is not installed."""
    module = pytest.importorskip("benchmake.BenchMake")
    return module.BenchMake


def _check_numeric(
    data: np.ndarray, test_size: float, data_type: str, n_jobs: int = 1
) -> ReferenceSplit:
    """Compare our split with the reference on numeric data; return ours."""
    bench = _reference()(n_jobs=n_jobs)
    n = data.shape[0]
    labels = np.arange(n)
    ref_train, ref_test = bench.partition(
        data, labels, test_size=test_size, data_type=data_type, return_indices=True
    )
    split = reference_partition(data, test_size, data_type)
    np.testing.assert_array_equal(split.reference_test_positions, np.asarray(ref_test))
    np.testing.assert_array_equal(split.reference_train_positions, np.asarray(ref_train))

    x_train, x_test, y_train, y_test = bench.partition(
        data, labels, test_size=test_size, data_type=data_type, return_indices=False
    )
    in_ref_order = split.hash_order[split.reference_test_positions]
    # The reference returns image/signal/graph rows as float32 and tabular rows as given.
    as_returned = data[in_ref_order].reshape(x_test.shape).astype(x_test.dtype)
    np.testing.assert_array_equal(as_returned, x_test)
    np.testing.assert_array_equal(in_ref_order, y_test)
    np.testing.assert_array_equal(np.sort(np.asarray(y_test)), split.test_rows)
    np.testing.assert_array_equal(np.sort(np.asarray(y_train)), split.train_rows)
    train_rows = data[split.hash_order[split.reference_train_positions]]
    np.testing.assert_array_equal(train_rows.reshape(x_train.shape).astype(x_train.dtype), x_train)
    return split


@pytest.mark.parametrize("test_size", TEST_SIZES)
@pytest.mark.parametrize("case", sorted(TABULAR_CASES))
def test_tabular_matches_reference(case: str, test_size: float) -> None:
    """Tabular splits equal the reference's indices and rows."""
    _check_numeric(TABULAR_CASES[case], test_size, "tabular")


@pytest.mark.parametrize("test_size", TEST_SIZES)
def test_image_matches_reference(test_size: float) -> None:
    """An n x 8 x 8 image stack splits exactly as the reference splits it."""
    _check_numeric(_images(70, 7), test_size, "image")


@pytest.mark.parametrize("data_type", ["signal", "graph"])
def test_signal_and_graph_match_reference(data_type: str) -> None:
    """Rank-3 signal and graph inputs are flattened like the reference flattens them."""
    rng = np.random.default_rng(11)
    _check_numeric(rng.random((50, 3, 4)), 0.2, data_type)


def test_signal_vector_matches_reference() -> None:
    """A 1-D signal is one feature per sample, as in the reference."""
    rng = np.random.default_rng(12)
    _check_numeric(rng.random(45), 0.2, "signal")


def test_parallel_batches_do_not_change_the_result() -> None:
    """The reference's joblib batches (100 rows) give the same split as ours."""
    _check_numeric(_tabular(330, 6, 9), 0.2, "tabular", n_jobs=2)


@pytest.mark.parametrize("test_size", TEST_SIZES)
def test_sequential_matches_reference(test_size: float) -> None:
    """Sequential splits match the reference's positions and its returned strings."""
    bench = _reference()(n_jobs=1)
    seqs = _smiles(80, 21)
    labels = np.arange(len(seqs))
    ref_train, ref_test = bench.partition(
        seqs, labels, test_size=test_size, data_type="sequential", return_indices=True
    )
    split = reference_partition(None, test_size, "sequential", sequences=seqs)
    np.testing.assert_array_equal(split.reference_test_positions, np.asarray(ref_test))
    np.testing.assert_array_equal(split.reference_train_positions, np.asarray(ref_train))

    x_train, x_test, _, y_test = bench.partition(
        seqs, labels, test_size=test_size, data_type="sequential", return_indices=False
    )
    assert [seqs[i] for i in split.hash_order[split.reference_test_positions]] == x_test
    assert [seqs[i] for i in split.hash_order[split.reference_train_positions]] == x_train
    assert sorted(x_test) == sorted(seqs[i] for i in split.test_rows)
    # The reference's y_test follows the count-vector hash order, not the strings' order.
    counts, _ = reference_char_counts(seqs)
    count_order = compat._hash_order(compat._float32_row_digests(counts))
    np.testing.assert_array_equal(count_order[split.reference_test_positions], y_test)


def test_char_counts_match_count_vectorizer() -> None:
    """Counts and alphabet equal scikit-learn's char CountVectorizer output."""
    text = pytest.importorskip("sklearn.feature_extraction.text")
    seqs = [*_smiles(60, 3), "a\u00a0\u00a0b", "\n\n", "x\u2003y", "Zz"]
    vectorizer = text.CountVectorizer(analyzer="char", lowercase=False)
    expected = vectorizer.fit_transform(seqs).toarray().astype(np.float32)
    counts, alphabet = reference_char_counts(seqs)
    assert alphabet == list(vectorizer.get_feature_names_out())
    assert counts.dtype == np.float32
    np.testing.assert_array_equal(counts, expected)


def test_char_counts_whitespace_rules() -> None:
    """Whitespace runs collapse to one space; a lone tab or newline stays itself."""
    counts, alphabet = reference_char_counts(["C  C", "C\tC", "C \n C", "C\nC"])
    assert alphabet == ["\t", "\n", " ", "C"]
    np.testing.assert_array_equal(
        counts, np.array([[0, 0, 1, 2], [1, 0, 0, 2], [0, 0, 1, 2], [0, 1, 0, 2]], np.float32)
    )


def test_char_counts_rejects_empty_alphabet() -> None:
    """No characters at all is an error, as in scikit-learn."""
    with pytest.raises(ValueError, match="empty alphabet"):
        reference_char_counts(["", ""])


def test_split_invariants_and_global_rng_untouched() -> None:
    """Rows partition the data, arrays are read-only and np.random's state is not used."""
    data = _tabular(64, 4, 17)
    before = np.random.get_state()
    split = reference_partition(data, 0.25)
    after = np.random.get_state()
    assert before[0] == after[0]
    np.testing.assert_array_equal(before[1], after[1])
    assert before[2:] == after[2:]
    assert split.test_rows.size == 16
    assert np.array_equal(np.sort(split.hash_order), np.arange(64))
    both = np.concatenate([split.test_rows, split.train_rows])
    np.testing.assert_array_equal(np.sort(both), np.arange(64))
    np.testing.assert_array_equal(
        np.sort(split.hash_order[split.reference_test_positions]), split.test_rows
    )
    assert not split.test_rows.flags.writeable
    assert REFERENCE_METHOD == "benchmake-1.1.2"
    assert "sequential" in DATA_TYPES


def test_block_size_does_not_change_distances(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tiny distance blocks give the same split as one block."""
    data = _images(40, 5)
    whole = reference_partition(data, 0.3, "image")
    monkeypatch.setattr(compat, "_BLOCK_BYTES", 1)
    tiny = reference_partition(data, 0.3, "image")
    np.testing.assert_array_equal(whole.test_rows, tiny.test_rows)


def test_input_is_not_modified() -> None:
    """The caller's float32 array is left as it was."""
    data = _tabular(30, 3, 8).astype(np.float32)
    copy = data.copy()
    reference_partition(data, 0.2)
    np.testing.assert_array_equal(data, copy)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"X": np.zeros((5, 2)), "test_size": 0.0}, "test_size"),
        ({"X": np.zeros((5, 2)), "test_size": 1.0}, "test_size"),
        ({"X": np.zeros((5, 2)), "test_size": float("nan")}, "test_size"),
        ({"X": np.zeros((5, 2)), "test_size": 0.2, "data_type": "text"}, "data type"),
        ({"X": np.zeros(5), "test_size": 0.2}, "dimensions"),
        ({"X": np.zeros((5, 2, 2)), "test_size": 0.2}, "2-D"),
        ({"X": np.array([["a"], ["b"]]), "test_size": 0.2}, "numeric"),
        ({"X": None, "test_size": 0.2}, "numeric array"),
        ({"X": None, "test_size": 0.2, "data_type": "sequential"}, "sequences"),
        ({"X": np.zeros((1, 2)), "test_size": 0.5}, "training"),
    ],
)
def test_rejects_bad_input(kwargs: dict[str, Any], message: str) -> None:
    """Invalid arguments raise ValueError with a helpful message."""
    with pytest.raises(ValueError, match=message):
        reference_partition(**kwargs)
