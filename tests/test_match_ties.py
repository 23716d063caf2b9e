"""The matcher's tie rule, in its candidate lists and in its exact all-rows fallback: a row at
exactly the same distance as another goes to the one earlier in hash order (the lower index
among the unique rows, which are given in hash order)."""

from __future__ import annotations

import numpy as np
import pytest

from benchmake_cli.method import match

#: four corners of the unit square and one edge midpoint; the centre is equidistant from
#: the corners, and the midpoint is nearer than any corner
ROWS = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.5, 0.0]])
CENTRES = np.full((3, 2), 0.5)


def test_ties_go_to_the_earlier_row_in_the_candidate_lists() -> None:
    chosen = match.match_rows(ROWS, np.ones(5, dtype=np.int64), CENTRES).chosen
    assert chosen.tolist() == [4, 0, 1]


@pytest.mark.parametrize("block", [1, 3])
def test_ties_go_to_the_earlier_row_in_the_all_rows_fallback(
    block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    fallback = match._all_rows

    def counted(*args):  # type: ignore[no-untyped-def]
        calls.append(1)
        return fallback(*args)

    monkeypatch.setattr(match, "_all_rows", counted)
    # one candidate beyond the block: the lists end inside the tie, so the exact fallback runs
    result = match.match_rows(ROWS, np.ones(5, dtype=np.int64), CENTRES, candidates=1, block=block)
    assert calls, "the fallback was not reached"
    assert result.chosen.tolist() == [4, 0, 1]


def test_copies_of_a_row_are_taken_before_a_tied_later_row() -> None:
    capacity = np.array([2, 1, 1, 1, 1])  # the first corner appears twice
    result = match.match_rows(ROWS, capacity, np.full((4, 2), 0.5), candidates=1, block=1)
    assert result.chosen.tolist() == [4, 0, 0, 1]
