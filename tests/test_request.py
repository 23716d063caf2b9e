"""One request, one plan: options validated before any I/O, read back from a manifest;
each input parsed and hashed once; errors that name the caller's parameter."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from benchmake_cli import partition, split_file, verify_manifest
from benchmake_cli.bundle.manifest import Manifest
from benchmake_cli.errors import ExitCode, ParameterError
from benchmake_cli.formats import delimited
from benchmake_cli.pipeline import plan as plan_module
from benchmake_cli.pipeline.plan import InputSource, make_plan
from benchmake_cli.request import Output, SplitRequest

from .conftest import invoke, random_frame

ALLOYS = Path(__file__).resolve().parent.parent / "sample_data" / "alloys.csv"


def test_a_bad_fraction_is_refused_before_the_input_is_read(tmp_path: Path) -> None:
    with pytest.raises(ParameterError) as caught:
        split_file(tmp_path / "missing.csv", frac=1.5)
    assert str(caught.value) == "frac 1.5: must be between 0 and 1 (exclusive), e.g. 0.2"
    assert caught.value.parameter == "frac" and isinstance(caught.value, ValueError)


def test_partition_names_test_size_and_the_cli_names_the_flag(tmp_path: Path, runner) -> None:  # type: ignore[no-untyped-def]
    X = np.arange(40, dtype=float).reshape(20, 2) % 7
    with pytest.raises(ValueError, match=r"^test_size 1.5: must be between 0 and 1"):
        partition(X, None, test_size=1.5)
    result = invoke(runner, "split", ALLOYS, "--frac", "1.5", "--out", tmp_path / "o")
    assert result.exit_code == ExitCode.BAD_PARAMETER
    assert result.stderr == (
        "benchmake: error: --frac 1.5: must be between 0 and 1 (exclusive), e.g. 0.2\n"
    )


def test_an_unknown_keyword_is_a_type_error() -> None:
    with pytest.raises(
        TypeError, match="split_file\\(\\) got an unexpected keyword argument 'sepp'"
    ):
        split_file(ALLOYS, frac=0.2, sepp=";")


def test_sharding_options_need_a_method_that_shards() -> None:
    with pytest.raises(ParameterError) as caught:
        SplitRequest.from_options(ALLOYS, frac=0.2, method="benchmake-1.1.2", jobs=2)
    assert str(caught.value) == (
        "jobs: sharded splits are part of --method benchmake-cli or --method benchmake-hull "
        "only; --method benchmake-1.1.2 splits the whole input, like the reference"
    )


def test_the_request_read_back_from_a_manifest_is_the_one_made(tmp_path: Path) -> None:
    options = {"target": "hardness_hv", "id_columns": ["alloy_id"], "seed": 3, "tol": 0.0}
    result = split_file(ALLOYS, frac=0.25, out=tmp_path / "s", iterations=50, **options)
    made = SplitRequest.from_options(ALLOYS, frac=0.25, iterations=50, **options)
    again = SplitRequest.from_manifest(Manifest.load(tmp_path / "s"), ALLOYS)
    assert again.params == made.params and again.encode == made.encode
    assert again.method == made.method and again.output == Output()
    assert again.read.sep == "," and again.execution.sharding[0] > 10**18  # never sharded
    assert result.manifest == json.loads((tmp_path / "s" / "manifest.json").read_text())


def test_a_small_csv_is_parsed_once_and_verify_hashes_it_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[str] = []
    scans: list[Path] = []
    read, chunks, scan = delimited.read, delimited.iter_chunks, InputSource._scan
    monkeypatch.setattr(delimited, "read", lambda *a, **k: parsed.append("read") or read(*a, **k))
    monkeypatch.setattr(
        delimited, "iter_chunks", lambda *a, **k: parsed.append("chunks") or chunks(*a, **k)
    )
    monkeypatch.setattr(InputSource, "_scan", lambda self: scans.append(self.path) or scan(self))
    monkeypatch.setattr(plan_module, "input_digest", None)  # a file is never hashed apart
    out = tmp_path / "s"
    split_file(ALLOYS, frac=0.2, out=out, target="hardness_hv", id_columns=["alloy_id"])
    assert parsed == ["read"] and scans == [ALLOYS]
    parsed.clear(), scans.clear()
    assert verify_manifest(out, data=ALLOYS).ok
    assert parsed == ["read"] and scans == [ALLOYS]


def test_many_lines_but_few_rows_is_split_whole(tmp_path: Path) -> None:
    frame = random_frame(n=60, d=2)
    frame["note"] = ["line one\nline two\nline three"] * 60  # quoted line ends
    path = tmp_path / "notes.csv"
    frame.to_csv(path, index=False)
    request = SplitRequest.from_options(path, frac=0.2, target="y", id_columns=["note"],
                                        shard_rows=100)  # fmt: skip
    plan = make_plan(request)
    assert plan.sharded and plan.rows == 180
    result = split_file(path, frac=0.2, target="y", id_columns=["note"], shard_rows=100)
    assert result.plan is not None and not result.plan.sharded and result.plan.rows == 60
    assert "sharding" not in result.manifest["method"]["parameters"] and result.n_test == 12


def test_inspect_reports_one_shard_of_a_large_table(tmp_path: Path, runner) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "big.csv"
    pd.DataFrame({"a": np.arange(30_000) % 97, "b": np.arange(30_000) % 89}).to_csv(
        path, index=False
    )
    result = invoke(runner, "inspect", path, "--json")
    plan = json.loads(result.stdout)["plan"]
    assert (plan["mode"], plan["shards"], plan["shard_n"], plan["shard_k"]) == (
        "sharded",
        6,
        5000,
        1000,
    )
    assert plan["w_bytes"] == 5000 * 1000 * 8
