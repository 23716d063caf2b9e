"""Device choice is a speed choice: the same split on CPU and GPU, and clean fallbacks.

The GPU comparisons run only where CuPy sees a CUDA device (``-m gpu``; benchmarks/gpu_check.sh
runs them on a lent one); the fallback logic is tested everywhere with a stand-in GPU, and
tests/test_gpu_standin.py runs the whole GPU path through the strict CuPy stand-in.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from benchmake_cli.encode import EncodeOptions
from benchmake_cli.errors import ExitCode
from benchmake_cli.method import backend
from benchmake_cli.method import registry as methods
from benchmake_cli.method.factorize import estimate_bytes
from benchmake_cli.method.split import SplitParameters, split_matrix
from benchmake_cli.pipeline import whole as api

from .conftest import SAMPLE, SHARED, invoke

HAS_GPU = backend.cupy_or_none() is not None
ALLOYS = EncodeOptions(target="hardness_hv", id_columns=("alloy_id",))
needs_gpu = pytest.mark.skipif(not HAS_GPU, reason="no CUDA device visible to CuPy")


def test_gpu_request_without_a_gpu_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    if HAS_GPU:
        pytest.skip("a GPU is present")
    result = invoke(
        runner, "split", SAMPLE / "alloys.csv", "--frac", "0.2", "--out", tmp_path / "o",
        "--id-col", "alloy_id", "--device", "gpu",
    )  # fmt: skip
    assert result.exit_code == ExitCode.DEVICE
    assert "--device gpu: no usable GPU" in result.stderr
    assert not (tmp_path / "o").exists()


def test_auto_uses_the_cpu_without_a_gpu_and_says_why() -> None:
    if HAS_GPU:
        pytest.skip("a GPU is present")
    name, xp, reason = backend.resolve_device("auto", needed_bytes=10)
    assert name == "cpu" and xp is np and "no usable GPU" in reason


def test_unknown_device_is_refused() -> None:
    with pytest.raises(backend.DeviceError, match="'tpu' is not one of auto, cpu, gpu"):
        backend.resolve_device("tpu")


def test_memory_estimate_is_dominated_by_w() -> None:
    n, d, k = 41127, 20, 8226
    cpu = estimate_bytes(n, d, k, on_gpu=False)
    gpu = estimate_bytes(n, d, k, on_gpu=True)
    w = n * k * 8
    assert w < cpu < 1.25 * w and w < gpu < 2.0 * w


def test_out_of_memory_on_the_gpu_falls_back_to_the_cpu_with_the_same_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class OutOfMemoryError(Exception):
        pass

    real_split = split_matrix
    calls: list[object] = []

    def flaky_split(X, params, *, xp=np, **kw):  # type: ignore[no-untyped-def]
        calls.append(xp)
        if len(calls) == 1:
            raise OutOfMemoryError("out of memory allocating 1 GiB")
        return real_split(X, params, xp=xp, **kw)

    monkeypatch.setattr(
        api, "resolve_method_device", lambda method, device, needed=None: ("gpu", np, "test")
    )
    monkeypatch.setattr(methods, "split_matrix", flaky_split)
    prepared = api.prepare(SAMPLE / "alloys.csv", encode_options=ALLOYS)
    split = api.compute_split(prepared, SplitParameters(0.2), device="gpu")
    expected = real_split(prepared.encoded.X, SplitParameters(0.2)).test
    assert split.info["device"] == "cpu" and np.array_equal(split.test, expected)
    assert split.notes[0] == "the GPU ran out of memory; finished on the CPU (same result)"


def _cases() -> list[tuple[str, np.ndarray]]:
    rng = np.random.default_rng(0)
    base = rng.random((500, 12))
    cases = [
        ("alloys", api.prepare(SAMPLE / "alloys.csv", encode_options=ALLOYS).encoded.X),
        ("uniform", base),
        ("duplicates", np.vstack([base[:200], base[:100], base[:100]])),
        ("near-ties", np.round(base * 4) / 4),
    ]
    german = SHARED / "german_credit" / "german.data-numeric"
    if german.exists():
        cases.append(("german", np.loadtxt(german)[:, :24]))
    return cases


@needs_gpu
@pytest.mark.gpu
@pytest.mark.parametrize("method", ["benchmake-cli", "benchmake-hull"])
@pytest.mark.parametrize("frac", [0.1, 0.2, 0.3])
@pytest.mark.parametrize(("name", "X"), _cases(), ids=[c[0] for c in _cases()])
def test_gpu_and_cpu_give_the_same_test_set(
    name: str, X: np.ndarray, frac: float, method: str
) -> None:
    cupy = backend.cupy_or_none()
    chosen = methods.get_method(method)
    params = SplitParameters(frac, iterations=chosen.default_iterations)
    cpu = chosen.split_matrix(X, params)
    gpu = chosen.split_matrix(X, params, xp=cupy)
    assert np.array_equal(cpu.test, gpu.test), name
