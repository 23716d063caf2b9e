"""Pinned golden splits: every method, whole and sharded, on every sample_data/ input and on
generated tables, recomputed and compared with literal index files.

``tests/golden/splits/<case>.test.txt`` was written once by ``tests/golden/make_splits.py``.
Unlike the determinism tests, which compare the tool with itself, these compare it with
numbers fixed in the repository: a change to the scaling of shards, the shard assignment,
FurthestSum, the matcher's tie rules or the test count fails here. An intended change needs a
new method version (docs/manifest.md, "Compatibility"), never a regenerated golden.
"""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

import numpy as np
import pytest

from .conftest import ROOT

GOLDEN = ROOT / "tests" / "golden"
_spec = importlib.util.spec_from_file_location("make_splits", GOLDEN / "make_splits.py")
assert _spec is not None and _spec.loader is not None
make_splits = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_splits)

CASES = make_splits.cases()

#: SHA-256 of every golden file: the goldens themselves must not be regenerated
GOLDEN_SHA256 = {
    path.name: hashlib.sha256(path.read_bytes()).hexdigest()
    for path in sorted((GOLDEN / "splits").glob("*.test.txt"))
}


def golden(case: str) -> list[int]:
    return [int(line) for line in (GOLDEN / "splits" / f"{case}.test.txt").read_text().split()]


def test_every_case_has_a_golden_and_every_golden_a_case() -> None:
    assert sorted(GOLDEN_SHA256) == sorted(f"{case}.test.txt" for case in CASES)


def test_the_goldens_cover_every_method_and_mode() -> None:
    seen = {
        (options.get("method", "benchmake-cli"), "sharded" if "shard_rows" in options else "whole")
        for _, _, options in CASES.values()
    }
    assert seen == {
        ("benchmake-cli", "whole"),
        ("benchmake-cli", "sharded"),
        ("benchmake-hull", "whole"),
        ("benchmake-hull", "sharded"),
        ("benchmake-1.1.2", "whole"),
    }
    samples = {source for source, _, _ in CASES.values() if source.startswith("sample_data/")}
    on_disk = {f"sample_data/{p.name}" for p in (ROOT / "sample_data").iterdir()}
    assert samples == on_disk - {"sample_data/make_sample_data.py"}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_split_equals_its_pinned_golden(case: str, tmp_path: Path) -> None:
    source, frac, options = CASES[case]
    expected = golden(case)
    rows = make_splits.compute(source, frac, options, tmp_path)
    assert rows.tolist() == expected
    assert len(expected) == len(set(expected)) and expected == sorted(expected)


def test_the_decimal_rule_is_pinned() -> None:
    # 300 × 0.07 = 21.000000000000004 in floats; ceil would give 22
    assert len(golden("alloys.csv__benchmake-cli__frac0.07")) == 21


@pytest.mark.parametrize(
    ("bundle", "case"),
    [
        ("alloys_csv_cli", "alloys.csv__benchmake-cli"),
        ("alloys_csv_hull", "alloys.csv__benchmake-hull"),
        ("alloys_csv_reference", "alloys.csv__benchmake-1.1.2"),
        ("wide900_cli_sharded", "wide900__benchmake-cli__shards300__frac0.2"),
        ("wide900_hull_sharded", "wide900__benchmake-hull__shards300__frac0.2"),
    ],
)
def test_the_frozen_archive_holds_the_golden_splits(bundle: str, case: str) -> None:
    written = GOLDEN / "bundles" / bundle / "bundle" / "test_indices.txt"
    assert written.read_bytes() == (GOLDEN / "splits" / f"{case}.test.txt").read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize("method", ["benchmake-cli", "benchmake-hull"])
def test_sharded_goldens_on_two_local_processes(method: str, tmp_path: Path) -> None:
    from benchmake_cli import split_file

    case = f"wide900__{method}__shards150__frac0.1"
    source, frac, options = CASES[case]
    result = split_file(ROOT / source, frac=frac, jobs=2, threads=1, **options)
    assert np.asarray(result.test).tolist() == golden(case)
