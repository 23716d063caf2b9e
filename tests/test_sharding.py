"""Sharded splitting: exact test counts, content-only assignment, any engine, streamed I/O."""

from __future__ import annotations

import json
import math
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from benchmake_cli.errors import DataError, ExitCode
from benchmake_cli.formats import read_table
from benchmake_cli.formats.registry import file_format
from benchmake_cli.pipeline import engines, sharded, stream
from benchmake_cli.pipeline.engines import Engine
from benchmake_cli.pipeline.plan import make_plan
from benchmake_cli.pipeline.shards import allocate_test_rows, assign_shards
from benchmake_cli.request import SplitRequest
from benchmake_cli.tasks.split import split_file

from .conftest import invoke, random_frame

N, SHARD_ROWS = 900, 300
SHARDABLE = pytest.mark.parametrize("method", ["benchmake-cli", "benchmake-hull"])


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return random_frame(n=N, d=4, seed=7)


@pytest.fixture
def data_csv(tmp_path: Path, frame: pd.DataFrame) -> Path:
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    return path


def split(path: Path, out: Path | None = None, **options: object):  # type: ignore[no-untyped-def]
    return split_file(path, frac=0.2, out=out, target="y", shard_rows=SHARD_ROWS, **options)


def test_test_counts_add_up_to_k_and_follow_largest_remainders() -> None:
    rng = np.random.default_rng(0)
    for _ in range(200):
        sizes = rng.integers(1, 50, size=rng.integers(1, 12))
        n = int(sizes.sum())
        total = math.ceil(n * rng.uniform(0.01, 0.99))
        counts = allocate_test_rows(sizes, total)
        quotas = total * sizes / n
        assert counts.sum() == total
        assert (counts >= np.floor(quotas)).all() and (counts <= np.ceil(quotas)).all()
    assert allocate_test_rows(np.array([4, 4, 4, 4]), 2).tolist() == [1, 1, 0, 0]


def test_shard_of_a_row_depends_on_its_digest_only() -> None:
    # random digests: their four 4-byte words differ, so reading the wrong word (or the
    # wrong byte order) gives other shards
    digests = np.array([np.random.default_rng(i).bytes(16) for i in range(200)], dtype="S16")
    shuffled = np.random.default_rng(1).permutation(len(digests))
    assert (assign_shards(digests[shuffled], 7) == assign_shards(digests, 7)[shuffled]).all()
    # the documented rule, computed here: floor(h × S / 2^32), h the first 4 bytes big-endian
    for shards in (1, 2, 7, 1000):
        expected = [int.from_bytes(d[:4], "big") * shards >> 32 for d in digests.tolist()]
        assert assign_shards(digests, shards).tolist() == expected
    assert len(set(assign_shards(digests, 7).tolist())) == 7


@SHARDABLE
def test_one_shard_is_the_exact_split(data_csv: Path, tmp_path: Path, method: str) -> None:
    exact = split_file(data_csv, frac=0.2, target="y", shard_rows=0, method=method)
    request = SplitRequest.from_options(data_csv, frac=0.2, target="y", method=method)
    plan = replace(make_plan(request), shard_rows=N, threshold=N - 1)
    one = sharded.split_sharded(request, plan, Engine(), tmp_path).manifest
    sharding = one["method"]["parameters"]["sharding"]
    assert sharding["shards"] == 1 and (sharding["shard_rows"], sharding["threshold_rows"]) == (
        N,
        N - 1,
    )
    assert one["method"]["parameters"] == {
        **exact.manifest["method"]["parameters"],
        "sharding": sharding,
    }
    assert one["split"] == exact.manifest["split"]
    assert one["encoding"]["content_sha256"] == exact.manifest["encoding"]["content_sha256"]
    assert "sharding" not in exact.manifest["method"]["parameters"]


@SHARDABLE
def test_sharded_split_writes_exact_counts_and_records_sharding(
    data_csv: Path, tmp_path: Path, runner, method: str
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    result = invoke(
        runner, "split", data_csv, "--frac", "0.2", "--out", out, "--target", "y",
        "--shard-rows", SHARD_ROWS, "-q", "--method", method,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["method"]["name"] == method
    sharding = manifest["method"]["parameters"]["sharding"]
    assert (sharding["shard_rows"], sharding["shards"]) == (SHARD_ROWS, 3)
    assert (
        manifest["split"]["n_test"] == math.ceil(N * 0.2) == manifest["method"]["parameters"]["k"]
    )
    test = np.loadtxt(out / "test_indices.txt", dtype=np.int64)
    train = np.loadtxt(out / "train_indices.txt", dtype=np.int64)
    assert sorted([*test, *train]) == list(range(N))
    # the streamed subsets hold the same bytes as the in-memory writer's
    table = read_table(data_csv)
    for name, rows in (("test.csv", test), ("train.csv", train)):
        file_format(table.format).write(table, rows, tmp_path / name)
        assert (out / name).read_bytes() == (tmp_path / name).read_bytes()
    assert invoke(runner, "verify", out, "--data", data_csv, "-q").exit_code == 0
    manifest["method"]["parameters"]["sharding"]["shard_rows"] = 250
    (out / "manifest.json").write_text(json.dumps(manifest))
    failed = invoke(runner, "verify", out, "--data", data_csv)
    assert failed.exit_code == ExitCode.VERIFY_FAILED
    assert "FAIL  split:" in failed.stdout


@pytest.mark.slow
@SHARDABLE
def test_split_depends_on_content_not_order_format_chunks_or_jobs(
    data_csv: Path,
    frame: pd.DataFrame,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    method: str,
) -> None:
    def split(path: Path, **options: object):  # type: ignore[no-untyped-def]
        return split_file(
            path, frac=0.2, target="y", shard_rows=SHARD_ROWS, method=method, **options
        )

    reference = split(data_csv)
    order = np.random.default_rng(3).permutation(N)
    shuffled_csv = tmp_path / "shuffled.csv"
    frame.iloc[order].to_csv(shuffled_csv, index=False)
    parquet = tmp_path / "data.parquet"
    frame.to_parquet(parquet, row_group_size=128)
    npy = tmp_path / "data.npy"
    np.save(npy, frame.drop(columns="y").to_numpy())

    shuffled = split(shuffled_csv)
    assert sorted(order[shuffled.test].tolist()) == reference.test.tolist()
    assert split(parquet).test.tolist() == reference.test.tolist()
    npy_split = split_file(
        npy, frac=0.2, shard_rows=SHARD_ROWS, out=tmp_path / "npy", method=method
    )
    assert npy_split.test.tolist() == reference.test.tolist()
    written = np.load(tmp_path / "npy" / "test.npy")
    assert (written == np.load(npy)[reference.test]).all()
    assert split(data_csv, jobs=2).test.tolist() == reference.test.tolist()
    monkeypatch.setattr(stream, "CHUNK_ROWS", 100)
    assert split(data_csv).test.tolist() == reference.test.tolist()


def test_rows_are_numbered_across_chunks(
    data_csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runner
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(stream, "CHUNK_ROWS", 100)
    lines = data_csv.read_text().splitlines()
    lines[1 + 250] = "," + lines[1 + 250].split(",", 1)[1]  # row 250 loses x0
    data_csv.write_text("\n".join(lines) + "\n")
    args = ["split", data_csv, "--frac", "0.2", "--target", "y", "--shard-rows", SHARD_ROWS]
    failed = invoke(runner, *args, "--out", tmp_path / "a")
    assert failed.exit_code == ExitCode.BAD_DATA
    assert failed.stderr == (
        f"benchmake: error: {data_csv}: row 250, column 'x0': missing value; "
        "fill it in or pass --drop-missing\n"
    )
    assert not (tmp_path / "a").exists()
    result = split(data_csv, out=tmp_path / "b", drop_missing=True)
    assert result.manifest["encoding"]["dropped_rows"] == [250]
    assert 250 not in result.test and 250 not in result.train
    assert result.n_test == math.ceil((N - 1) * 0.2)


def test_text_features_are_one_hot_encoded_as_in_the_whole_mode(tmp_path: Path) -> None:
    frame = random_frame(n=N, d=2)
    frame["site"] = np.where(
        np.arange(N) % 3 == 0, "north", np.where(np.arange(N) % 3, "south", "")
    )
    frame.loc[7, "site"] = "east"
    frame.loc[5, "x0"] = np.nan
    path = tmp_path / "mixed.csv"
    frame.to_csv(path, index=False)
    sharded = split_file(path, frac=0.2, target="y", shard_rows=SHARD_ROWS, drop_missing=True)
    whole = split_file(path, frac=0.2, target="y", shard_rows=0, drop_missing=True)
    assert "sharding" in sharded.manifest["method"]["parameters"]
    encoding = sharded.manifest["encoding"]
    assert encoding["one_hot"] == {"site": ["east", "north", "south"]}
    for key in ("one_hot", "columns_used", "n", "d", "content_sha256", "carried_sha256"):
        assert encoding[key] == whole.manifest["encoding"][key], key
    assert encoding["dropped_rows"] == [5] and sharded.n_test == math.ceil((N - 1) * 0.2)


def test_a_text_value_after_the_first_chunk_makes_the_column_categorical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stream, "CHUNK_ROWS", 100)
    frame = random_frame(n=N, d=2)
    frame["grade"] = (np.arange(N) % 4).astype(str)
    frame.loc[N // 3 :, "grade"] = np.where(np.arange(N - N // 3) % 2, "A", "B")
    path = tmp_path / "late.csv"
    frame.to_csv(path, index=False)
    result = split_file(path, frac=0.2, target="y", shard_rows=SHARD_ROWS)
    whole = split_file(path, frac=0.2, target="y", shard_rows=0)
    assert result.manifest["encoding"]["one_hot"] == {"grade": ["0", "1", "2", "3", "A", "B"]}
    assert (
        result.manifest["encoding"]["content_sha256"]
        == whole.manifest["encoding"]["content_sha256"]
    )


def test_one_stray_text_cell_in_a_numeric_column_is_refused_by_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One text cell among numbers is a typo to fix, not a category (issue 24), sharded or
    whole, even when it comes after the first chunk."""
    monkeypatch.setattr(stream, "CHUNK_ROWS", 100)
    frame = random_frame(n=N, d=2)
    frame["grade"] = (np.arange(N) % 4).astype(str)
    frame.loc[N - 3, "grade"] = "A"
    path = tmp_path / "late.csv"
    frame.to_csv(path, index=False)
    for shard_rows in (SHARD_ROWS, 0):
        with pytest.raises(DataError, match=rf"row {N - 3}, column 'grade': 'A' is not a number"):
            split_file(path, frac=0.2, target="y", shard_rows=shard_rows)


def test_shard_rows_below_the_minimum_is_a_parameter_error(data_csv: Path, runner) -> None:  # type: ignore[no-untyped-def]
    result = invoke(runner, "split", data_csv, "--frac", "0.2", "--out", "x", "--shard-rows", "5")
    assert result.exit_code == ExitCode.BAD_PARAMETER
    assert "--shard-rows 5: shards need at least 10 rows" in result.stderr


def test_unreachable_scheduler_fails_fast_and_writes_nothing(
    data_csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runner
) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("distributed")
    monkeypatch.setattr(engines, "CONNECT_TIMEOUT", 2.0)
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", "tcp://127.0.0.1:9")
    out = tmp_path / "nested" / "out"
    result = invoke(
        runner, "split", data_csv, "--frac", "0.2", "--out", out, "--shard-rows", SHARD_ROWS
    )
    assert result.exit_code == ExitCode.DEVICE
    assert result.stderr.startswith(
        "benchmake: error: --scheduler tcp://127.0.0.1:9: no Dask scheduler answered within 2 s"
    )
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "nested").exists()


@pytest.mark.slow
def test_dask_cluster_gives_the_local_split(data_csv: Path, tmp_path: Path, runner) -> None:  # type: ignore[no-untyped-def]
    distributed = pytest.importorskip("distributed")
    local = split(data_csv)
    with distributed.LocalCluster(
        n_workers=2, processes=True, host="127.0.0.1", threads_per_worker=1, dashboard_address=None
    ) as cluster:
        remote = split(data_csv, out=tmp_path / "out", scheduler=cluster.scheduler_address)
        assert remote.manifest["info"]["engine"] == "dask"
        verified = invoke(
            runner, "verify", tmp_path / "out", "--data", data_csv,
            "--scheduler", cluster.scheduler_address,
        )  # fmt: skip
    assert remote.test.tolist() == local.test.tolist()
    assert verified.exit_code == 0, verified.stdout


def test_scheduler_without_dask_names_the_extra(
    data_csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runner
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    args = ["split", data_csv, "--frac", "0.2", "--out", tmp_path / "o", "--shard-rows", "300"]
    result = invoke(runner, *args, "--scheduler", "tcp://127.0.0.1:9")
    assert result.exit_code == ExitCode.MISSING_EXTRA
    assert result.stderr == (
        "benchmake: error: --scheduler tcp://127.0.0.1:9: Dask is not installed; "
        "pip install 'benchmake-cli[dask]' (or unset DASK_SCHEDULER_ADDRESS)\n"
    )


@pytest.mark.parametrize("option", [["--shard-rows", "300"], ["--jobs", "2"], ["--scheduler", "x"]])
def test_reference_method_is_never_sharded(data_csv: Path, runner, option: list[str]) -> None:  # type: ignore[no-untyped-def]
    result = invoke(
        runner, "split", data_csv, "--frac", "0.2", "--out", "x", "--target", "y",
        "--method", "benchmake-1.1.2", *option,
    )  # fmt: skip
    assert result.exit_code == ExitCode.BAD_PARAMETER
    assert result.stderr == (
        f"benchmake: error: {option[0]}: sharded splits are part of --method benchmake-cli "
        "or --method benchmake-hull only; --method benchmake-1.1.2 splits the whole input, "
        "like the reference\n"
    )


def test_inputs_read_whole_are_sharded_in_memory_by_the_same_rules(
    tmp_path: Path, frame: pd.DataFrame
) -> None:
    X = frame.drop(columns="y").to_numpy()
    npz, npy = tmp_path / "data.npz", tmp_path / "data.npy"
    np.savez(npz, x=X.reshape(len(X), 2, -1))  # rank 3: signals, read whole (2-D arrays stream)
    np.save(npy, X)
    in_memory = split_file(npz, frac=0.2, shard_rows=SHARD_ROWS)
    streamed = split_file(npy, frac=0.2, shard_rows=SHARD_ROWS)
    assert in_memory.plan is not None and streamed.plan is not None
    assert (in_memory.plan.streamed, in_memory.plan.sharded) == (False, True)
    assert (streamed.plan.streamed, streamed.plan.sharded) == (True, True)
    assert in_memory.test.tolist() == streamed.test.tolist()
    sharding = in_memory.manifest["method"]["parameters"]["sharding"]
    assert sharding == streamed.manifest["method"]["parameters"]["sharding"]
    assert sharding["shards"] == math.ceil(N / SHARD_ROWS)
    sequences = tmp_path / "seq.csv"
    pd.DataFrame({"s": [f"AC{'G' * (i % 17)}T{i}" for i in range(N)]}).to_csv(sequences)
    by_sequence = split_file(sequences, frac=0.2, sequence_col="s", shard_rows=SHARD_ROWS)
    assert by_sequence.manifest["method"]["parameters"]["sharding"]["shards"] == sharding["shards"]
    assert by_sequence.n_test == math.ceil(N * 0.2)
    whole = split_file(npz, frac=0.2, shard_rows=0)
    assert "sharding" not in whole.manifest["method"]["parameters"]
    assert whole.manifest["method"]["parameters"]["k"] == math.ceil(N * 0.2)


def test_sharded_verify_needs_the_default_method(data_csv: Path, tmp_path: Path, runner) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    split(data_csv, out=out)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["method"]["name"] == "benchmake-cli"
    assert manifest["encoding"]["modality"] == "tabular"
    manifest["method"]["name"], manifest["method"]["version"] = "benchmake-1.1.2", 1
    (out / "manifest.json").write_text(json.dumps(manifest))
    result = invoke(runner, "verify", out, "--data", data_csv)
    assert result.exit_code == ExitCode.BAD_MANIFEST
    assert result.stderr == (
        "benchmake: error: method.parameters.sharding: benchmake-1.1.2 never splits in shards "
        "(the methods that do: benchmake-cli, benchmake-hull)\n"
    )
