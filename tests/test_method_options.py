"""The split method is a first-class choice: each method's own memory estimate (plans and
``--device auto``), its own default ``--iterations``, and ``partition(method=...)``."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from typer.testing import CliRunner

from benchmake_cli import partition, split_file
from benchmake_cli.encode import EncodeOptions
from benchmake_cli.errors import ExitCode, ParameterError
from benchmake_cli.method import backend, hull
from benchmake_cli.method.backend import GPU_MEMORY_MARGIN
from benchmake_cli.method.factorize import estimate_bytes as nmf_bytes
from benchmake_cli.method.registry import METHODS, get_method
from benchmake_cli.method.split import SplitParameters
from benchmake_cli.pipeline import whole
from benchmake_cli.tasks.split_plan import plan_split

from .conftest import SAMPLE, invoke, random_frame

HULL, DEFAULT, REFERENCE = "benchmake-hull", "benchmake-cli", "benchmake-1.1.2"
ALLOYS = ("--target", "hardness_hv", "--id-col", "alloy_id")


def _stand_in_gpu(monkeypatch: pytest.MonkeyPatch, free: int) -> None:
    """A GPU that CuPy would see, with ``free`` bytes free (nothing runs on it)."""
    runtime = SimpleNamespace(getDeviceCount=lambda: 1, memGetInfo=lambda: (free, 2 * free))
    monkeypatch.setattr(
        backend, "cupy_or_none", lambda: SimpleNamespace(cuda=SimpleNamespace(runtime=runtime))
    )


def _inspect(runner: CliRunner, *args: str) -> dict:
    result = invoke(runner, "inspect", SAMPLE / "alloys.csv", *ALLOYS, *args, "--json")
    assert result.exit_code == 0, result.stdout + result.stderr
    return json.loads(result.stdout)["plan"]


# --- memory: each method's own estimate ---------------------------------------------


def test_each_method_has_its_own_memory_estimate() -> None:
    n, d, k = 20_000, 10, 4_000
    assert get_method(DEFAULT).estimate_bytes(n, d, k, True) == nmf_bytes(n, d, k, on_gpu=True)
    assert get_method(HULL).estimate_bytes(n, d, k, False) == hull.estimate_bytes(n, d, k)
    reference = get_method(REFERENCE).estimate_bytes(n, d, k, False)
    assert 16 * n * k < reference < 17 * n * k  # four float32 n × k arrays at the peak


def test_inspect_plans_the_hull_with_its_memory_and_iterations(runner: CliRunner) -> None:
    plan = _inspect(runner, "--method", HULL)
    assert (plan["method"], plan["k"], plan["iterations"]) == (HULL, 60, hull.DEFAULT_ITERATIONS)
    expected = hull.estimate_bytes(300, 10, 60)
    assert plan["peak_bytes"] == {"cpu": expected, "gpu": expected}
    assert plan["estimates"]["cpu"]["iterations"] == hull.DEFAULT_ITERATIONS
    assert _inspect(runner, "--method", HULL, "--iterations", "200")["iterations"] == 200
    default = _inspect(runner)
    assert (default["method"], default["iterations"]) == (DEFAULT, 200)
    assert default["peak_bytes"]["cpu"] == nmf_bytes(300, 10, 60, on_gpu=False)


def test_inspect_text_names_a_method_other_than_the_default(runner: CliRunner) -> None:
    result = invoke(runner, "inspect", SAMPLE / "alloys.csv", *ALLOYS, "--method", HULL)
    assert result.exit_code == 0, result.stderr
    assert "split --frac 0.2 --method benchmake-hull: 60 test rows (k), 240 train" in result.stdout
    assert "\n  S (n x k float64): 140.6 KiB\n" in result.stdout  # the hull's weights, not W
    plain = invoke(runner, "inspect", SAMPLE / "alloys.csv", *ALLOYS)
    assert "split --frac 0.2: 60 test rows (k), 240 train" in plain.stdout
    assert "\n  W (n x k float64): 140.6 KiB\n" in plain.stdout


def test_inspect_refuses_an_unknown_method(runner: CliRunner) -> None:
    result = invoke(runner, "inspect", SAMPLE / "alloys.csv", "--method", "nmf")
    assert result.exit_code == ExitCode.BAD_PARAMETER
    assert "--method 'nmf' is not one of benchmake-cli, benchmake-1.1.2, benchmake-hull" in (
        result.stderr
    )


def test_device_auto_in_the_plan_weighs_each_methods_memory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    n, d, k = 20_000, 10, 4_000
    needed = {name: get_method(name).estimate_bytes(n, d, k, True) for name in (DEFAULT, HULL)}
    free = int(GPU_MEMORY_MARGIN * sum(needed.values()) / 2)  # room for one of the two
    _stand_in_gpu(monkeypatch, free)
    devices = {name: plan_split(n, d, frac=0.2, method=name).device for name in needed}
    assert devices == {
        name: "gpu" if bytes_ * GPU_MEMORY_MARGIN <= free else "cpu"
        for name, bytes_ in needed.items()
    }
    assert set(devices.values()) == {"cpu", "gpu"}


def test_device_auto_keeps_the_reference_method_on_the_cpu(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _stand_in_gpu(monkeypatch, 2**40)
    plan = plan_split(1_000, 10, frac=0.2, method=REFERENCE)
    assert plan.device == "cpu" and "runs on the CPU only" in plan.device_reason
    assert plan.peak_bytes["cpu"] == get_method(REFERENCE).estimate_bytes(1_000, 10, 200, False)


@pytest.mark.parametrize("method", [DEFAULT, HULL])
def test_split_asks_device_auto_with_the_methods_estimate(
    monkeypatch: pytest.MonkeyPatch, method: str
) -> None:
    asked: list[int | None] = []

    def resolve(chosen, device, needed=None):  # type: ignore[no-untyped-def]
        asked.append(needed)
        return "cpu", np, "test"

    monkeypatch.setattr(whole, "resolve_method_device", resolve)
    prepared = whole.prepare(
        SAMPLE / "alloys.csv",
        encode_options=EncodeOptions(target="hardness_hv", id_columns=("alloy_id",)),
    )
    params = SplitParameters(0.2, iterations=get_method(method).default_iterations)
    whole.compute_split(prepared, params, get_method(method), device="auto")
    assert asked == [get_method(method).estimate_bytes(300, 10, 60, on_gpu=True)]


def test_split_with_too_little_gpu_memory_for_the_hull_stays_on_the_cpu(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    needed = hull.estimate_bytes(300, 10, 60)
    _stand_in_gpu(monkeypatch, int(needed * GPU_MEMORY_MARGIN) - 1)
    prepared = whole.prepare(
        SAMPLE / "alloys.csv",
        encode_options=EncodeOptions(target="hardness_hv", id_columns=("alloy_id",)),
    )
    params = SplitParameters(0.2, iterations=hull.DEFAULT_ITERATIONS)
    split = whole.compute_split(prepared, params, get_method(HULL), device="auto")
    assert split.info["device"] == "cpu"
    assert any("GiB free, using the CPU" in note for note in split.notes)


@pytest.mark.parametrize("method", [DEFAULT, HULL])
@pytest.mark.parametrize("shard_rows", [300, 0], ids=["sharded", "whole"])
def test_split_device_auto_weighs_the_methods_estimate_whole_or_in_shards(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, method: str, shard_rows: int
) -> None:
    asked: list[tuple[int, int, int]] = []

    def estimate(self, n: int, d: int, k: int, on_gpu: bool) -> int:  # type: ignore[no-untyped-def]
        asked.append((n, d, k))
        return 5 * 2**30

    monkeypatch.setattr(type(get_method(method)), "estimate_bytes", estimate)
    _stand_in_gpu(monkeypatch, 2**30)
    data = tmp_path / "d.csv"
    random_frame(n=900, d=4, seed=7).to_csv(data, index=False)
    result = split_file(data, frac=0.2, target="y", method=method, shard_rows=shard_rows)
    assert result.manifest["info"]["device"] == "cpu"
    assert "auto: the split needs about 5.0 GiB and the GPU has 1.0 GiB free, using the CPU" in (
        result.notes
    )
    [(n, d, k)] = asked
    assert d == 4 and (n == 900 if shard_rows == 0 else 300 <= n < 900)
    assert abs(k - 0.2 * n) <= 1


# --- iterations: each method's own default -------------------------------------------


def _split_iterations(runner: CliRunner, tmp_path: Path, *args: str) -> int:
    out = tmp_path / "o"
    result = invoke(
        runner, "split", SAMPLE / "alloys.csv", "--frac", "0.2", "--out", out, *ALLOYS, *args
    )
    assert result.exit_code == 0, result.stdout + result.stderr
    return json.loads((out / "manifest.json").read_text())["method"]["parameters"]["iterations"]


@pytest.mark.parametrize(
    ("args", "iterations"),
    [
        ((), 200),
        (("--method", HULL), hull.DEFAULT_ITERATIONS),
        (("--method", HULL, "--iterations", "200"), 200),
        (("--method", HULL, "--iterations", "7"), 7),
        (("--iterations", "30"), 30),
        (("--method", REFERENCE), 200),
    ],
    ids=["default", "hull", "hull-200", "hull-7", "default-30", "reference"],
)
def test_manifest_records_the_iterations_used(
    runner: CliRunner, tmp_path: Path, args: tuple[str, ...], iterations: int
) -> None:
    assert _split_iterations(runner, tmp_path, *args) == iterations


def test_hull_asked_for_200_iterations_runs_and_verifies_200(
    runner: CliRunner, tmp_path: Path
) -> None:
    data = tmp_path / "d.csv"
    random_frame(n=150, d=5, seed=3).to_csv(data, index=False)
    default = split_file(data, frac=0.2, target="y", method=HULL, tol=0.0)
    asked = split_file(
        data, frac=0.2, target="y", method=HULL, iterations=200, tol=0.0, out=tmp_path / "o"
    )
    assert default.manifest["method"]["parameters"]["iterations"] == hull.DEFAULT_ITERATIONS
    assert asked.manifest["method"]["parameters"]["iterations"] == 200
    result = invoke(runner, "verify", tmp_path / "o", "--data", data)
    assert result.exit_code == 0, result.stdout + result.stderr


def test_reference_method_still_refuses_other_iterations(runner: CliRunner, tmp_path: Path) -> None:
    result = invoke(
        runner, "split", SAMPLE / "alloys.csv", "--frac", "0.2", "--out", tmp_path / "o",
        *ALLOYS, "--method", REFERENCE, "--iterations", "20",
    )  # fmt: skip
    assert result.exit_code == ExitCode.BAD_PARAMETER
    assert result.stderr == (
        "benchmake: error: --iterations 20: --method benchmake-1.1.2 always runs 200 "
        "iterations, like the reference; leave --iterations out\n"
    )


def test_iterations_help_gives_each_methods_default(runner: CliRunner) -> None:
    for command in ("split", "inspect"):
        text = " ".join(invoke(runner, command, "--help").stdout.replace("│", " ").split())
        assert "default: 200 for benchmake-cli, 20 for benchmake-hull" in text, command
    assert {m.name: m.default_iterations for m in METHODS.values()} == {
        DEFAULT: 200, REFERENCE: 200, HULL: hull.DEFAULT_ITERATIONS,
    }  # fmt: skip


# --- partition(method=...) --------------------------------------------------------------


def test_partition_with_the_hull_is_the_command_lines_split(
    runner: CliRunner, tmp_path: Path
) -> None:
    X = np.random.default_rng(5).random((120, 4)).round(4)
    data = tmp_path / "x.csv"
    np.savetxt(data, X, delimiter=",", header="a,b,c,d", comments="", fmt="%.4f")
    result = invoke(
        runner, "split", data, "--frac", "0.2", "--method", HULL, "--out", tmp_path / "o"
    )
    assert result.exit_code == 0, result.stderr
    cli_test = [int(line) for line in (tmp_path / "o" / "test_indices.txt").read_text().split()]
    train, test = partition(X, test_size=0.2, method=HULL, return_indices=True)
    assert test == cli_test and len(test) == 24 and sorted(train + test) == list(range(120))
    _, default_test = partition(X, test_size=0.2, return_indices=True)
    assert default_test != test  # the method is used, not ignored


def test_partition_hull_iterations_default_to_the_hulls() -> None:
    X = np.random.default_rng(6).random((80, 3))
    default = partition(X, test_size=0.2, method=HULL, tol=0.0, return_indices=True)
    own = partition(
        X, test_size=0.2, method=HULL, iterations=hull.DEFAULT_ITERATIONS, tol=0.0,
        return_indices=True,
    )  # fmt: skip
    assert default == own


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"method": "nmf"},
            "method 'nmf' is not one of benchmake-cli, benchmake-1.1.2, benchmake-hull",
        ),
        (
            {"method": REFERENCE, "iterations": 20},
            "iterations 20: --method benchmake-1.1.2 always runs 200 iterations, like the "
            "reference; leave iterations out",
        ),
    ],
    ids=["unknown", "reference-iterations"],
)
def test_partition_method_errors_name_the_apis_parameters(
    options: dict[str, object], message: str
) -> None:
    with pytest.raises(ParameterError) as caught:
        partition(np.random.default_rng(0).random((30, 3)), **options)  # type: ignore[arg-type]
    assert str(caught.value) == message
