"""``--device gpu`` through the strict CuPy stand-in (tests/strict_cupy.py), without a GPU.

The stand-in refuses every implicit host conversion and every NumPy function on a device
array, offers only the CuPy API the project uses, and counts host <-> device transfers: a
split that runs through it touches the host only where it copies explicitly. These tests
prove, on any machine, that the GPU path gives the CPU's test rows on every sample input
and method, whole and sharded, and that one split makes O(1) transfers per iteration block.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from threadpoolctl import threadpool_limits
from typer.testing import CliRunner

from benchmake_cli.method import backend, factorize, hull, match
from benchmake_cli.method import registry as methods
from benchmake_cli.method.split import SplitParameters, split_matrix

from . import strict_cupy
from .conftest import SAMPLE, invoke
from .test_bundle_check import SAMPLE_SPLITS, SPLIT_IDS
from .test_device import _cases

pytestmark = pytest.mark.gpu

GPU_METHODS = [name for name, method in methods.METHODS.items() if not method.cpu_only]
LEDGER = strict_cupy.LEDGER


@pytest.fixture
def strict_gpu(monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """``import cupy`` (and so the backend's device detection) finds the stand-in."""
    module = strict_cupy.make_module()
    monkeypatch.setitem(sys.modules, "cupy", module)
    LEDGER.reset()
    # the device path leaves BLAS threads alone (a GPU has none); NumPy's would spin here
    with threadpool_limits(limits=1, user_api="blas"):
        yield module


# the stand-in itself: strict where CuPy is, counting what CuPy would copy


def test_implicit_host_conversions_are_refused(strict_gpu: ModuleType) -> None:
    x = strict_gpu.asarray(np.arange(4.0))
    with pytest.raises(TypeError, match="Implicit conversion to a NumPy array is not allowed"):
        np.asarray(x)
    with pytest.raises(TypeError, match="NumPy ufunc rint applied to a device array"):
        np.rint(x)
    with pytest.raises(TypeError, match="NumPy function sort applied to a device array"):
        np.sort(x)
    with pytest.raises(TypeError, match="Unsupported type"):
        x + np.ones(4)
    with pytest.raises(TypeError, match="Unsupported type"):
        x[np.array([0, 1])]
    with pytest.raises(TypeError, match="Unsupported type"):
        x[:2] = np.zeros(2)
    with pytest.raises(TypeError):
        range(strict_gpu.asarray(np.int64(3)).sum())  # no __index__, as in CuPy
    with pytest.raises(TypeError, match="one operation per row"):
        list(strict_gpu.zeros((3, 2)))


def test_only_the_api_the_project_uses_exists(strict_gpu: ModuleType) -> None:
    x = strict_gpu.asarray(np.arange(4.0))
    with pytest.raises(AttributeError):
        strict_gpu.sort  # noqa: B018 - not used by the project, so not offered
    with pytest.raises(AttributeError):
        x.argsort  # noqa: B018
    with pytest.raises(TypeError):
        strict_gpu.argpartition(x, 1, kind="introselect")  # a NumPy-only keyword


def test_explicit_and_scalar_conversions_are_counted(strict_gpu: ModuleType) -> None:
    x = strict_gpu.asarray(np.arange(4.0))
    assert (LEDGER.to_device, LEDGER.to_device_bytes, LEDGER.to_host) == (1, 32, 0)
    assert float(x.sum()) == 6.0 and int(x[1]) == 1 and bool(x[2] == 2.0)
    assert x.tolist() == [0.0, 1.0, 2.0, 3.0]
    assert strict_gpu.asnumpy(x).tolist() == x.get().tolist()
    assert (LEDGER.to_host, LEDGER.to_host_bytes) == (6, 8 + 8 + 1 + 32 * 3)
    host = np.arange(3.0)
    device = strict_gpu.asarray(host)
    device += 1.0
    assert host.tolist() == [0.0, 1.0, 2.0]  # device memory never aliases host memory


def test_device_memory_is_counted_live_and_at_the_peak(strict_gpu: ModuleType) -> None:
    before = LEDGER.live_bytes
    a = strict_gpu.zeros((100, 10))
    view = a[10:20].T
    b = a * 2.0
    assert LEDGER.live_bytes - before == LEDGER.peak_bytes - before == 2 * 8000
    del a, b
    assert LEDGER.live_bytes - before == 8000  # the view keeps a's buffer alive
    del view
    assert LEDGER.live_bytes == before and LEDGER.peak_bytes - before == 16000
    assert LEDGER.allocated_bytes == 16000


# the same test rows as the CPU: every sample input and method, whole and sharded


def _split(runner: CliRunner, out: Path, data: Path, device: str, *options: str) -> list[str]:
    result = invoke(runner, "split", data, "--out", out, "--device", device, "--quiet", *options)
    assert result.exit_code == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["info"]["device"] == device
    return (out / "test_indices.txt").read_text().splitlines()


def _same_rows_on_both(runner: CliRunner, tmp_path: Path, data: Path, *options: str) -> None:
    cpu = _split(runner, tmp_path / "cpu", data, "cpu", *options)
    LEDGER.reset()
    gpu = _split(runner, tmp_path / "gpu", data, "gpu", *options)
    assert LEDGER.to_device > 0 and LEDGER.to_host > 0  # it did run through the stand-in
    assert gpu == cpu and len(cpu) > 0


@pytest.mark.parametrize("method", GPU_METHODS)
@pytest.mark.parametrize(("name", "options"), SAMPLE_SPLITS, ids=SPLIT_IDS)
def test_every_sample_input_gives_the_cpu_rows_on_the_gpu_path(
    strict_gpu: ModuleType,
    runner: CliRunner,
    tmp_path: Path,
    name: str,
    options: tuple[str, ...],
    method: str,
) -> None:
    _same_rows_on_both(
        runner, tmp_path, SAMPLE / name, "--frac", "0.2", "--method", method, *options
    )


def _wide_table(path: Path, n: int = 600) -> Path:
    rng = np.random.default_rng(7)
    X = np.round(rng.normal(size=(n, 5)), 4)
    X[n // 2 :] = X[: n - n // 2]  # exact duplicates across shards
    lines = ["id,a,b,c,d,e"] + [f"r{i}," + ",".join(f"{v}" for v in row) for i, row in enumerate(X)]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("method", GPU_METHODS)
@pytest.mark.parametrize(
    ("name", "options"),
    [SAMPLE_SPLITS[0], SAMPLE_SPLITS[1], ("wide", ("--id-col", "id"))],
    ids=["alloys.csv", "alloys.parquet", "wide-with-duplicates"],
)
def test_sharded_splits_give_the_cpu_rows_on_the_gpu_path(
    strict_gpu: ModuleType,
    runner: CliRunner,
    tmp_path: Path,
    name: str,
    options: tuple[str, ...],
    method: str,
) -> None:
    data = _wide_table(tmp_path / "wide.csv") if name == "wide" else SAMPLE / name
    _same_rows_on_both(
        runner, tmp_path, data, "--frac", "0.2", "--shard-rows", "100", "--method", method, *options
    )


@pytest.mark.parametrize("method", GPU_METHODS)
@pytest.mark.parametrize("frac", [0.1, 0.3])
@pytest.mark.parametrize(("name", "X"), _cases(), ids=[c[0] for c in _cases()])
def test_matrices_with_ties_and_duplicates_give_the_cpu_rows(
    strict_gpu: ModuleType, name: str, X: np.ndarray, frac: float, method: str
) -> None:
    chosen = methods.get_method(method)
    # fewer iterations than the default: the paths, not the convergence, are compared here
    params = SplitParameters(frac, iterations=min(40, chosen.default_iterations))
    cpu = chosen.split_matrix(X, params)
    gpu = chosen.split_matrix(X, params, xp=strict_gpu)
    assert np.array_equal(cpu.test, gpu.test), name


@pytest.mark.parametrize("method", GPU_METHODS)
def test_several_row_blocks_give_the_cpu_rows(strict_gpu: ModuleType, method: str) -> None:
    n = backend.GPU_BLOCK_ROWS + 1000  # two blocks of W (and of S) on the device
    X = np.random.default_rng(3).random((n, 4))
    X[-500:] = X[:500]  # duplicates across the blocks
    params = SplitParameters(0.004, iterations=10)
    cpu = methods.get_method(method).split_matrix(X, params)
    gpu = methods.get_method(method).split_matrix(X, params, xp=strict_gpu)
    assert np.array_equal(cpu.test, gpu.test)


# transfers: O(1) per iteration block, never per row or per archetype


def _match_blocks(u: int, k: int) -> int:
    """Blocks of archetypes :func:`~benchmake_cli.method.match.match_rows` matches at once."""
    return math.ceil(k / max(1, min(256, match.DISTANCE_BLOCK // u)))


@pytest.mark.parametrize(("n", "frac"), [(400, 0.1), (1600, 0.1), (3200, 0.08)])
@pytest.mark.parametrize("tol", [0.0, 1e-9])
def test_default_method_transfers_do_not_grow_with_rows_or_archetypes(
    strict_gpu: ModuleType, n: int, frac: float, tol: float
) -> None:
    X = np.random.default_rng(n).random((n, 8))
    params = SplitParameters(frac, iterations=20, tol=tol)
    result = split_matrix(X, params, xp=strict_gpu)
    blocks = _match_blocks(n, len(result.test))
    checks = result.iterations_run // factorize.CHECK_EVERY if tol > 0 else 0
    # in: the rows, the archetype order, the distinct rows; per match block, the free rows
    # and their norms. out: mean, ‖X‖², the first error (2), the variances, the row and
    # centre norms; per match block, the nearest candidates and their distances; per
    # convergence check, the error (2)
    assert (LEDGER.to_device, LEDGER.to_host) == (3 + 2 * blocks, 7 + 2 * blocks + 2 * checks)
    estimate = factorize.estimate_bytes(n, 8, len(result.test), on_gpu=True)
    assert LEDGER.peak_bytes <= estimate * backend.GPU_MEMORY_MARGIN


@pytest.mark.parametrize(("n", "frac"), [(400, 0.1), (2400, 0.1)])
def test_hull_transfers_are_per_step_not_per_archetype(
    strict_gpu: ModuleType, n: int, frac: float
) -> None:
    X = np.random.default_rng(n).random((n, 8))
    params = SplitParameters(frac, iterations=20, tol=0.0)
    result = hull.split_matrix_hull(X, params, xp=strict_gpu)
    k, blocks = len(result.test), _match_blocks(n, len(result.test))
    # each PCHA step is a line search: an error and an empty-row test per try (about two
    # tries a step here); FurthestSum keeps its picks on the device
    steps = hull.S_WARMUP + 2 * params.iterations
    bound = 4 + 2 * blocks + 7 + 2 * blocks + 3 * steps
    assert LEDGER.transfers <= bound
    if n == 2400:
        assert k > bound  # one transfer per archetype could not pass
    assert LEDGER.peak_bytes <= hull.estimate_bytes(n, 8, k) * backend.GPU_MEMORY_MARGIN
