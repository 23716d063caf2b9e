"""The tabular encoder's parts: a column plan, a chunk encoder that changes nothing it is
given, and a category accumulator whose chunk-by-chunk result equals the whole table's;
encoders come from one registry keyed by modality; a sharded split reads its input at most
twice, however many columns turn to text late."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from benchmake_cli.encode import ENCODERS, CategoryAccumulator, EncodeOptions, expand_codes
from benchmake_cli.encode.tabular import encode, encode_chunk, plan_columns
from benchmake_cli.errors import DataError
from benchmake_cli.formats import Table
from benchmake_cli.formats.modality import MODALITIES
from benchmake_cli.pipeline import stream
from benchmake_cli.tasks.split import split_file

from .conftest import random_frame


def _table(frame: pd.DataFrame) -> Table:
    return Table(path=Path("mixed.csv"), format="csv", frame=frame.astype(str))


@pytest.fixture
def mixed() -> pd.DataFrame:
    frame = random_frame(n=60, d=2, seed=3)
    frame["site"] = np.where(np.arange(60) % 3 == 0, "north", "south")
    frame.loc[[5, 40], "site"] = "east"
    frame["id"] = [f"r{i}" for i in range(60)]
    return frame


def test_every_modality_has_one_encoder() -> None:
    assert sorted(ENCODERS) == sorted(MODALITIES)


def test_the_plan_splits_features_from_carried_columns(mixed: pd.DataFrame) -> None:
    plan = plan_columns(_table(mixed), EncodeOptions(target="y", id_columns=("id",)))
    assert plan.features == ("x0", "x1", "site")
    assert set(plan.carried) == {"y", "id"}
    assert plan.numeric == plan.features and plan.categorical == frozenset()
    options = EncodeOptions(target="y", id_columns=("id",))
    assert plan_columns(_table(mixed), options, ["site"]).numeric == ("x0", "x1")


def test_the_chunk_encoder_codes_text_and_changes_nothing_it_is_given(
    mixed: pd.DataFrame,
) -> None:
    table = _table(mixed.iloc[:6])
    before = table.frame.copy()  # type: ignore[union-attr]
    plan = plan_columns(table, EncodeOptions(target="y", id_columns=("id",)))
    chunk = encode_chunk(table, plan, row_offset=100)
    pd.testing.assert_frame_equal(table.frame, before)  # type: ignore[arg-type]
    assert chunk.rows.tolist() == list(range(100, 106))
    assert chunk.categories == {"site": ["north", "south", "east"]}
    assert chunk.X[:, 2].tolist() == [0, 1, 1, 0, 1, 2]


def test_chunks_and_accumulator_give_the_whole_encoding(mixed: pd.DataFrame) -> None:
    options = EncodeOptions(target="y", id_columns=("id",))
    whole = encode(_table(mixed), options)
    categories = CategoryAccumulator()
    parts = []
    for start in range(0, 60, 7):
        table = _table(mixed.iloc[start : start + 7].reset_index(drop=True))
        plan = plan_columns(table, options, categories.columns)
        parts.append(categories.add(encode_chunk(table, plan, start), plan.features))
    names, one_hot, maps = categories.layout(plan.features)
    assert categories.late == frozenset()
    assert one_hot == whole.one_hot == {"site": ["east", "north", "south"]}
    assert names == whole.feature_names
    np.testing.assert_array_equal(expand_codes(np.vstack(parts), maps), whole.X)


def test_a_column_first_text_after_the_first_chunk_is_late(mixed: pd.DataFrame) -> None:
    options = EncodeOptions(target="y", id_columns=("id", "site"))
    frame = mixed.assign(grade=(np.arange(60) % 4).astype(str))
    frame.loc[30:, "grade"] = "A"  # text from the second chunk on (one stray cell is refused)
    categories = CategoryAccumulator()
    for start in (0, 30):
        table = _table(frame.iloc[start : start + 30].reset_index(drop=True))
        plan = plan_columns(table, options, categories.columns)
        categories.add(encode_chunk(table, plan, start), plan.features)
    assert categories.late == frozenset({"grade"})


def test_an_identifier_column_is_refused_by_the_accumulator(mixed: pd.DataFrame) -> None:
    with pytest.raises(DataError, match="column 'id' has a different text value in every row") as e:
        encode(_table(mixed), EncodeOptions(target="y"))
    assert "(for example 'r0')" in str(e.value)  # the value as the file holds it, not a repr


def test_an_identifier_read_from_a_csv_is_shown_as_the_file_holds_it(tmp_path: Path) -> None:
    path = tmp_path / "ids.csv"
    path.write_text("name,x\n" + "".join(f"C{i}[H],{i % 7}\n" for i in range(30)))
    with pytest.raises(DataError, match=r"\(for example 'C0\[H\]'\): an identifier"):
        split_file(path, frac=0.2)


def test_late_text_columns_cost_one_more_read_not_one_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stream, "CHUNK_ROWS", 100)
    reads: list[Path] = []
    real = stream.iter_chunks

    def counted(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        """A read of the whole file counts; a look at its first chunk (is it sequences?)
        does not."""
        for number, chunk in enumerate(real(path, *args, **kwargs)):
            if number == 1:
                reads.append(path)
            yield chunk

    monkeypatch.setattr(stream, "iter_chunks", counted)
    frame = random_frame(n=900, d=2)
    frame["grade"] = (np.arange(900) % 4).astype(str)
    frame["band"] = (np.arange(900) % 3).astype(str)
    frame.loc[400:, "grade"] = "A"  # text from the fifth chunk on: a late categorical column
    frame.loc[100:, "band"] = "B"  # from the second (one stray cell would be refused)
    path = tmp_path / "late.csv"
    frame.to_csv(path, index=False)
    result = split_file(path, frac=0.2, target="y", shard_rows=300)
    assert len(reads) == 2  # no out=: nothing is written, the reads are the encode pass
    assert result.manifest["encoding"]["one_hot"] == {
        "grade": ["0", "1", "2", "3", "A"],
        "band": ["0", "1", "2", "B"],
    }
    reads.clear()
    split_file(path, frac=0.2, target="y", shard_rows=300, features=("x0", "x1"))
    assert len(reads) == 1
