"""The GPU check of issue 27, as one run that writes one JSON file (benchmarks/gpu_check.sh).

On a lent GPU (``--device gpu``) it runs tests/test_device.py there; compares the test rows
of the CPU and the GPU (CuPy) on six small shared data sets at 0.1, 0.2 and 0.3, past one row block
(n > GPU_BLOCK_ROWS), on exact ties and duplicate rows, sharded, for each GPU method; times
41,127 x 20 and 5,856 x 784 (uniform data) beside the reference benchmake 1.1.2's GPU path
in the same run, the encoded HIV and PneumoniaMNIST splits, HIV's SMILES encoding and one
million x 32 sharded; and measures the memory bandwidth achieved against the card's peak.

With ``--device cpu`` (the dry run) every step runs, the GPU side through the strict CuPy
stand-in (tests/strict_cupy.py), and every entry only a GPU can give is ``null`` with a
reason: the same keys. ``--quick`` shrinks the synthetic sizes for a fast dry run.
Data: ``--data`` (default ``.gpu_data`` when carried, else ``../shared/datasets``); a data
set that is absent is replaced by a synthetic stand-in of the same shape, said in the JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmake_cli.method import backend, hull  # noqa: E402
from benchmake_cli.method import factorize as nmf  # noqa: E402
from benchmake_cli.method.split import SplitParameters, split_matrix  # noqa: E402

METHODS: dict[str, tuple[Callable[..., Any], int]] = {
    "benchmake-cli": (split_matrix, 200),
    "benchmake-hull": (hull.split_matrix_hull, hull.DEFAULT_ITERATIONS),
}
REFERENCE_H100_S = {"hiv": 28.9, "pneumoniamnist": 2.55}  #: issue 27's reference figures
AIMS_S = {"hiv": 1.0, "pneumoniamnist": 0.5}
NO_GPU = "--device cpu dry run: no GPU"


def namespace(device: str) -> tuple[Any, str]:
    """CuPy on a GPU; on the CPU the strict stand-in, so that the dry run runs every step."""
    if device == "gpu":
        import cupy  # type: ignore[import-not-found]

        return cupy, "cupy " + cupy.__version__
    sys.path.insert(0, str(ROOT / "tests"))
    import strict_cupy  # type: ignore[import-not-found]

    module = strict_cupy.make_module()
    sys.modules["cupy"] = module  # the CLI's device detection finds it too
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")  # a GPU has no BLAS threads to spin
    return module, "strict CuPy stand-in (tests/strict_cupy.py, NumPy)"


def synchronize(xp: Any) -> None:
    if hasattr(xp, "cuda") and hasattr(xp.cuda, "Stream"):
        xp.cuda.Stream.null.synchronize()


# data: the shared sets when present, else synthetic stand-ins of the same shapes


#: small shared sets whose CPU and GPU test rows are compared at 0.1, 0.2 and 0.3
SMALL_SETS = ("german_credit", "bace", "lipophilicity", "qm7", "nir_peach")


def load_data(root: Path, quick: bool) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """``{name: X}`` and, per name, where it came from (and its encoding time). HIV,
    PneumoniaMNIST and german_credit have synthetic stand-ins of their shapes; the other
    small sets are compared only when present."""
    from real_data import DATA_SETS  # type: ignore[import-not-found]  # benchmarks/ is on sys.path

    from benchmake_cli.pipeline.whole import prepare

    rng = np.random.default_rng(20261207)
    synthetic: dict[str, Callable[[], np.ndarray]] = {
        "german_credit": lambda: rng.integers(0, 12, (1000, 24)).astype(float),
        "hiv": lambda: rng.poisson(3.0, (41127, 56)).astype(float),  # character counts: ties
        "pneumoniamnist": lambda: rng.integers(0, 256, (5030, 784)).astype(float),
    }
    names = ["hiv", "pneumoniamnist", *(SMALL_SETS[:1] if quick else SMALL_SETS)]
    data, sources = {}, {}
    for name in names:
        relative, read, encode = DATA_SETS[name]
        path = root / relative
        if path.exists():
            started = time.perf_counter()
            X = prepare(path, read, encode).encoded.X
            seconds: float | None = round(time.perf_counter() - started, 3)
            source = os.path.relpath(path, ROOT)
        elif name in synthetic:
            X, seconds, source = synthetic[name](), None, "synthetic stand-in (data set absent)"
        else:
            sources[name] = {"source": None, "encode_s": None, "shape": None}
            continue
        data[name] = np.ascontiguousarray(X, dtype=np.float64)
        sources[name] = {"source": source, "encode_s": seconds, "shape": list(X.shape)}
    return data, sources


def ties_matrix(n: int) -> np.ndarray:
    """Exact ties and duplicate rows: coarse values, a third of the rows repeated."""
    base = np.round(np.random.default_rng(5).random((n, 12)) * 4) / 4
    base[-n // 3 :] = base[: n // 3]
    return base


# the checks


def pytest_device_tests() -> dict[str, Any]:
    started = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_device.py"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    counts = {
        word: int(number)
        for number, word in re.findall(r"(\d+) (passed|failed|skipped|error)", run.stdout)
    }
    return {
        "returncode": run.returncode,
        **{key: counts.get(key, 0) for key in ("passed", "failed", "skipped", "error")},
        "seconds": round(time.perf_counter() - started, 1),
        "tail": run.stdout.strip().splitlines()[-1:] if run.stdout else run.stderr[-300:],
    }


def compare(
    name: str, X: np.ndarray, method: str, frac: float, xp: Any, iterations: int | None = None
) -> dict[str, Any]:
    """Test rows on the CPU and on the GPU side, and their times."""
    function, default_iterations = METHODS[method]
    params = SplitParameters(frac, iterations=iterations or default_iterations)
    started = time.perf_counter()
    cpu = function(X, params)
    cpu_s = time.perf_counter() - started
    started = time.perf_counter()
    gpu = function(X, params, xp=xp)
    synchronize(xp)
    gpu_s = time.perf_counter() - started
    return {
        "case": name, "n": X.shape[0], "d": X.shape[1], "method": method, "frac": frac,
        "k": len(cpu.test), "identical": bool(np.array_equal(cpu.test, gpu.test)),
        "cpu_s": round(cpu_s, 3), "gpu_side_s": round(gpu_s, 3),
    }  # fmt: skip


def cli_split(data: Path, out: Path, device: str, *options: str) -> tuple[list[str], float]:
    """Test rows of a CLI split run in this process (so the dry run sees the stand-in)."""
    from typer.testing import CliRunner

    from benchmake_cli.cli import app

    args = ["split", str(data), "--out", str(out), "--device", device, "--quiet", "--force"]
    started = time.perf_counter()
    result = CliRunner().invoke(app, [*args, *options], catch_exceptions=False)
    seconds = time.perf_counter() - started
    if result.exit_code != 0:
        raise RuntimeError(f"split {data.name} --device {device}: {result.stderr.strip()}")
    return (out / "test_indices.txt").read_text().splitlines(), seconds


def sharded_cases(work: Path, quick: bool) -> list[dict[str, Any]]:
    n = 6000 if quick else 60000
    X = np.round(np.random.default_rng(11).random((n, 8)), 3)
    X[-n // 10 :] = X[: n // 10]  # duplicates across shards
    path = work / "sharded.npy"
    np.save(path, X)
    rows = []
    for method in METHODS:
        options = ("--frac", "0.05", "--shard-rows", str(n // 3), "--method", method)
        cpu, cpu_s = cli_split(path, work / f"cpu-{method}", "cpu", *options)
        gpu, gpu_s = cli_split(path, work / f"gpu-{method}", "gpu", *options)
        rows.append({
            "case": "sharded, 3 shards, 10 % duplicate rows", "n": n, "d": 8, "method": method,
            "frac": 0.05, "k": len(cpu), "identical": cpu == gpu,
            "cpu_s": round(cpu_s, 3), "gpu_side_s": round(gpu_s, 3),
        })  # fmt: skip
    return rows


def identical_rows(
    data: dict[str, np.ndarray], xp: Any, work: Path, quick: bool
) -> list[dict[str, Any]]:
    rows = []
    for method in METHODS:
        for frac in (0.1, 0.2, 0.3):
            for name in SMALL_SETS:
                if name in data:
                    rows.append(compare(name, data[name], method, frac, xp))
            rows.append(
                compare(
                    "exact ties and duplicates",
                    ties_matrix(600 if quick else 3000),
                    method,
                    frac,
                    xp,
                )
            )
        n = backend.GPU_BLOCK_ROWS + (1000 if quick else 8000)
        many = np.random.default_rng(2).random((n, 8))
        rows.append(
            compare(
                "several row blocks",
                many,
                method,
                0.005 if quick else 0.02,
                xp,
                20 if quick else None,
            )
        )
    return rows + sharded_cases(work, quick)


def reference_gpu_time(name: str, X: np.ndarray, work: Path, device: str) -> dict[str, Any]:
    """The reference benchmake 1.1.2 partition (its GPU path when CuPy sees a device), in a
    fresh process, timed inside it."""
    if device != "gpu":
        return {
            "seconds": None,
            "gpu_path": None,
            "reason": NO_GPU + " (the reference's GPU path needs CuPy on a device)",
        }
    path = work / f"{name}.npy"
    np.save(path, X)
    code = (
        "import sys, time, numpy as np; X = np.load(sys.argv[1]); y = np.zeros(len(X));"
        "from benchmake import BenchMake; t = time.perf_counter();"
        "BenchMake().partition(X, y, test_size=0.2, data_type='tabular', return_indices=True);"
        "print('SECONDS', time.perf_counter() - t)"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    found = re.search(r"SECONDS ([0-9.]+)", run.stdout)
    gpu_used = "GPU is available" in run.stdout
    return {
        "seconds": round(float(found.group(1)), 3) if found else None,
        "gpu_path": gpu_used,
        "reason": None if found else (run.stderr.strip().splitlines() or ["no output"])[-1][:300],
    }


def timed_gpu_split(X: np.ndarray, xp: Any) -> tuple[float, Any]:
    """Seconds of one default split on the GPU (after a small warm-up split)."""
    split_matrix(X[:2000], SplitParameters(0.2), xp=xp)  # CUDA context, kernels, cuBLAS
    synchronize(xp)
    started = time.perf_counter()
    split = split_matrix(X, SplitParameters(0.2), xp=xp)
    synchronize(xp)
    return round(time.perf_counter() - started, 3), split


def timings(
    data: dict[str, np.ndarray],
    sources: dict[str, Any],
    xp: Any,
    device: str,
    work: Path,
    out: Path,
) -> dict[str, Any]:
    """Ours on the GPU beside the reference's GPU path, on uniform data of the issue's two
    shapes (frac 0.2); then the encoded HIV and PneumoniaMNIST (or their stand-ins)."""
    result: dict[str, Any] = {}
    for name, shape in (("hiv", (41127, 20)), ("pneumoniamnist", (5856, 784))):
        X = np.random.default_rng(42).random(shape)
        key = f"{shape[0]}x{shape[1]}"
        entry: dict[str, Any] = {"data": "uniform [0, 1), frac 0.2",
                                 "reference_h100_s": REFERENCE_H100_S[name], "aim_s": AIMS_S[name]}  # fmt: skip
        if device == "gpu":
            seconds, split = timed_gpu_split(X, xp)
            entry.update(ours_gpu_s=seconds, iterations=split.iterations_run, reason=None)
        else:
            entry.update(ours_gpu_s=None, iterations=None, reason=NO_GPU)
        entry["reference"] = reference_gpu_time(name, X, work, device)
        result[key] = entry
    for name in ("hiv", "pneumoniamnist"):
        X = data[name]
        entry = {"shape": list(X.shape), "source": sources[name]["source"]}
        if device == "gpu":
            seconds, split = timed_gpu_split(X, xp)
            entry.update(ours_gpu_s=seconds, iterations=split.iterations_run,
                         margins=split.margins.to_dict(), reason=None)  # fmt: skip
            # for item 3: the same split, made on the CPU at home, must give these rows
            (out / f"gpu_check_{name}_test_rows.txt").write_text(
                "".join(f"{i}\n" for i in split.test)
            )
        else:
            entry.update(ours_gpu_s=None, iterations=None, margins=None, reason=NO_GPU)
        result[f"{name}_encoded"] = entry
    result["hiv_smiles_encoding_s"] = sources["hiv"]["encode_s"]
    return result


def million_sharded(xp: Any, device: str, work: Path, quick: bool) -> dict[str, Any]:
    n = 1_000_000
    entry: dict[str, Any] = {"n": n, "d": 32, "shard_rows": 50000, "frac": 0.2, "k": None}
    entry.update(device=device)
    entry.update(seconds=None, reason=None)
    if device != "gpu" and quick:
        return {**entry, "reason": NO_GPU + "; --quick skips it"}
    X = np.random.default_rng(1).random((n, 32))
    path = work / "million.npy"
    np.save(path, X)
    del X
    rows, seconds = cli_split(
        path, work / "million", device, "--frac", "0.2", "--shard-rows", "50000"
    )
    return {**entry, "k": len(rows), "seconds": round(seconds, 2)}


def peak_bandwidth(xp: Any, properties: dict[str, Any]) -> float:
    """The card's peak memory bandwidth in GB/s: 2 (double data rate) x memory clock x bus
    width. CUDA 13 dropped the clock from the properties; the attribute still has it."""
    clock, width = properties.get("memoryClockRate"), properties.get("memoryBusWidth")
    if not clock or not width:  # cudaDevAttrMemoryClockRate (kHz), cudaDevAttrGlobalMemoryBusWidth
        clock = xp.cuda.runtime.deviceGetAttribute(36, 0)
        width = xp.cuda.runtime.deviceGetAttribute(37, 0)
    return float(2 * clock * 1e3 * width / 8 / 1e9)


def bandwidth(xp: Any, device: str, quick: bool) -> dict[str, Any]:
    """A device copy, and the NMF iterations' W traffic (modelled), against the card's peak."""
    keys = ("card", "peak_GBps", "copy_GBps", "copy_fraction", "nmf", "nmf_GBps", "nmf_fraction")
    entry: dict[str, Any] = {**dict.fromkeys(keys), "reason": None}
    if device != "gpu":
        return {**entry, "reason": NO_GPU}
    properties = xp.cuda.runtime.getDeviceProperties(0)
    peak = peak_bandwidth(xp, properties)
    a = xp.ones(1 << 27, dtype=xp.float64)  # 1 GiB
    b = xp.empty_like(a)
    xp.copyto(b, a)
    synchronize(xp)
    started = time.perf_counter()
    for _ in range(10):
        xp.copyto(b, a)
    synchronize(xp)
    copy = 2 * a.nbytes * 10 / (time.perf_counter() - started) / 1e9
    del a, b
    n, d, k, iterations = 41127, 20, 8226, 50
    X = xp.asarray(np.random.default_rng(0).random((n, d)))
    nmf.factorize(X, k, iterations=2, tol=0.0, xp=xp)
    synchronize(xp)
    started = time.perf_counter()
    nmf.factorize(X, k, iterations=iterations, tol=0.0, xp=xp)
    synchronize(xp)
    seconds = time.perf_counter() - started
    # per iteration W is read by W_b H (twice), the W update (W, numerator, denominator: 3 reads,
    # 1 write, 2 writes of the products) and W_bᵀ [X, W_b H]: about 9 passes over n·k·8 bytes
    moved = 9 * n * k * 8 * iterations
    return {
        **entry,
        "card": properties["name"].decode() if isinstance(properties["name"], bytes) else str(properties["name"]),
        "peak_GBps": round(peak, 1),
        "copy_GBps": round(copy, 1), "copy_fraction": round(copy / peak, 3),
        "nmf": {"n": n, "d": d, "k": k, "iterations": iterations, "seconds": round(seconds, 3),
                "model": "9 passes over W (n*k*8 bytes) per iteration"},
        "nmf_GBps": round(moved / seconds / 1e9, 1), "nmf_fraction": round(moved / seconds / 1e9 / peak, 3),
    }  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", choices=("gpu", "cpu"), default="gpu")
    parser.add_argument("--quick", action="store_true", help="small synthetic sizes (dry run)")
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--json", type=Path, required=True)
    options = parser.parse_args()
    started = time.perf_counter()
    xp, side = namespace(options.device)
    root = options.data or (
        ROOT / ".gpu_data" if (ROOT / ".gpu_data").exists() else ROOT.parent / "shared" / "datasets"
    )
    out = options.json.parent
    out.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {
        "device": options.device, "gpu_side": side, "quick": options.quick,
        "python": platform.python_version(), "numpy": np.__version__, "data_root": os.path.relpath(root, ROOT),
    }  # fmt: skip
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        data, report["data"] = load_data(root, options.quick)
        steps: list[tuple[str, Callable[[], Any]]] = [
            ("device_tests", pytest_device_tests),
            ("timings", lambda: timings(data, report["data"], xp, options.device, work, out)),
            ("bandwidth", lambda: bandwidth(xp, options.device, options.quick)),
            ("identical_rows", lambda: identical_rows(data, xp, work, options.quick)),
            (
                "million_by_32_sharded",
                lambda: million_sharded(xp, options.device, work, options.quick),
            ),
        ]
        for key, step in steps:
            try:
                report[key] = step()
            except Exception as error:  # one failing step must not lose the others' results
                report[key] = {"error": f"{type(error).__name__}: {error}"[:500]}
            options.json.write_text(json.dumps(report, indent=2) + "\n")  # partial results too
    rows = report["identical_rows"] if isinstance(report["identical_rows"], list) else []
    report["identical_summary"] = {
        "cases": len(rows),
        "identical": sum(r["identical"] for r in rows),
    }
    report["wall_s"] = round(time.perf_counter() - started, 1)
    options.json.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps({k: report[k] for k in ("device", "identical_summary", "wall_s")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
