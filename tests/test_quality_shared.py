"""Split quality on real data: the test set is more different from the training set than
random splits of the same size, on at least 6 of the paper's 7 statistics."""

from __future__ import annotations

import numpy as np
import pytest

from benchmake_cli.analysis import statistics
from benchmake_cli.encode import EncodeOptions
from benchmake_cli.formats import ReadOptions
from benchmake_cli.method.scale import minmax_scale
from benchmake_cli.method.split import SplitParameters
from benchmake_cli.pipeline.whole import compute_split, prepare

from .conftest import shared_dataset

CASES = {
    "german_credit": (
        ("german_credit", "german.data-numeric"),
        ReadOptions(header=False),
        EncodeOptions(target="24"),
    ),
    "boston": (("boston", "BostonHousing.csv"), ReadOptions(), EncodeOptions(target="medv")),
}


@pytest.mark.shared
@pytest.mark.parametrize("name", sorted(CASES))
def test_test_set_is_harder_than_random_splits(name: str) -> None:
    parts, read_options, encode_options = CASES[name]
    prepared = prepare(shared_dataset(*parts), read_options, encode_options)
    split = compute_split(prepared, SplitParameters(0.2), device="cpu")
    scaled = minmax_scale(prepared.encoded.X)
    ours = statistics.compare_split(scaled, split.test)
    randoms = [
        statistics.compare_split(scaled, rows)
        for rows in statistics.random_split_indices(len(scaled), len(split.test), 20, seed=0)
    ]
    beats = statistics.beats_random(ours, randoms)
    assert sum(beats.values()) >= 6, (beats, ours.aggregate)
    # the p-values come from SciPy: check one feature directly
    from scipy import stats as scipy_stats

    test_mask = np.zeros(len(scaled), dtype=bool)
    test_mask[split.test] = True
    p = scipy_stats.ttest_ind(scaled[~test_mask, 0], scaled[test_mask, 0], equal_var=False).pvalue
    assert ours.per_feature["t_test_p"][0] == pytest.approx(p)
