"""Speed and memory of the split against the reference implementation (benchmake==1.1.2).

Each measurement runs in a fresh subprocess on synthetic uniform data (seed 0), so peak
memory (ru_maxrss) belongs to that run alone. For each size, in one round: the machine's
dgemm rate (2048² float64, 1 and 2 threads), our split with the default tolerance (and,
with ``--fixed200``, with 200 fixed iterations), and the reference; rounds alternate and the
figures are medians. Every run is also printed on stderr as it ends.

Beside each of our times: the NMF iterations' achieved flop rate (12·n·k·d flops per
iteration: W H twice, [X; W H] [Hᵀ; ε], Wᵀ [X, W H]) and its fraction of the 2-thread
dgemm rate, the matching's share of the split time, and peak memory against the size of W.

    python benchmarks/bench_split.py --sizes 8000 16000 --repeats 3

The reference runs with ``--reference-python`` (default: this interpreter, when it imports
``benchmake``). The machine is usually shared: the load average is printed before and
after, and every figure is a median of paired rounds. To benchmark, unset
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE for this command only (the BLAS kernel in use is
printed).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import statistics
import subprocess
import sys

WORKER = r"""
import json, resource, sys, time
import numpy as np
kind, n, d, frac, tol, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
X = np.random.default_rng(0).random((n, d))
stamps = {}
if kind == "ours":
    from benchmake_cli.method.split import SplitParameters, split_matrix
    def progress(stage, done, total):
        stamps.setdefault(f"{stage}:{done}", time.perf_counter())
        stamps[f"{stage}:last"] = time.perf_counter()
else:
    import contextlib, io
    with contextlib.redirect_stdout(io.StringIO()):
        from benchmake.BenchMake import BenchMake
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # interpreter, libraries, X
start = time.perf_counter()
extra = {}
if kind == "ours":
    result = split_matrix(X, SplitParameters(frac, tol=tol), threads=threads or None, progress=progress)
    test, iterations = result.test.tolist(), result.iterations_run
    # iterations 2..last, timed between progress calls (the first includes the set-up sweep)
    extra["iteration_seconds"] = (stamps["factorize:last"] - stamps["factorize:1"]) / max(iterations - 1, 1)
    extra["match_seconds"] = stamps["match:last"] - stamps["match:0"]
else:
    with contextlib.redirect_stdout(io.StringIO()):
        _, test = BenchMake(n_jobs=threads or -1).partition(X, np.zeros(n), test_size=frac, return_indices=True)
    iterations = 200
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "peak_bytes": peak, "before_bytes": before, "iterations": iterations, "n_test": len(test), **extra}))
"""

DGEMM = r"""
import json, time
import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits
a, b = np.random.default_rng(0).random((2, 2048, 2048))
c = np.empty_like(a)
rates = {}
for threads in (1, 2):
    with threadpool_limits(threads, "blas"):
        np.matmul(a, b, out=c)
        times = []
        for _ in range(5):
            start = time.perf_counter()
            np.matmul(a, b, out=c)
            times.append(time.perf_counter() - start)
    rates[threads] = 2 * 2048**3 / sorted(times)[2]
blas = [f"{i['internal_api']} {i['version']} ({i['architecture']})" for i in threadpool_info() if i["user_api"] == "blas"]
print(json.dumps({"dgemm1": rates[1], "dgemm2": rates[2], "blas": "; ".join(blas)}))
"""


def run(python: str, kind: str, n: int, d: int, frac: float, tol: float, threads: int) -> dict:
    args = [python, "-c", WORKER, kind, str(n), str(d), str(frac), str(tol), str(threads)]
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{kind} n={n} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def dgemm_rate() -> dict:
    done = subprocess.run([sys.executable, "-c", DGEMM], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def measure(n: int, options: argparse.Namespace) -> dict:
    """One size: ``repeats`` paired rounds of dgemm, ours (default and 200 iterations) and
    the reference."""
    k = math.ceil(n * options.frac)
    ours: dict[str, list[dict]] = {"default": []} | ({"fixed200": []} if options.fixed200 else {})
    ref: list[dict] = []
    rates: list[dict] = []
    for repeat in range(max(options.repeats, options.ref_repeats)):
        rates.append(dgemm_rate())
        note(f"n={n} round {repeat + 1}: dgemm", rates[-1])
        if repeat < options.repeats:
            for name in ours:
                tol = 1e-4 if name == "default" else 0.0
                ours[name].append(
                    run(sys.executable, "ours", n, options.d, options.frac, tol, options.threads)
                )
                note(f"n={n} round {repeat + 1}: ours {name}", ours[name][-1])
        if options.reference_python and repeat < options.ref_repeats:
            ref.append(
                run(options.reference_python, "ref", n, options.d, options.frac, 0, options.threads)
            )
            note(f"n={n} round {repeat + 1}: reference", ref[-1])
    flops = 12 * n * k * options.d
    row: dict = {
        "n": n,
        "d": options.d,
        "k": k,
        "W_bytes": n * k * 8,
        "dgemm1_gflops": median(rates, "dgemm1") / 1e9,
        "dgemm2_gflops": median(rates, "dgemm2") / 1e9,
        "blas": rates[0]["blas"],
    }
    for name, runs in ours.items():
        suffix = "" if name == "default" else "_200"
        iteration = median(runs, "iteration_seconds")
        row |= {
            f"ours{suffix}_s": median(runs, "seconds"),
            f"ours{suffix}_runs_s": [round(r["seconds"], 2) for r in runs],
            f"ours{suffix}_iterations": runs[0]["iterations"],
            f"ours{suffix}_iteration_gflops": flops / iteration / 1e9,
            f"ours{suffix}_fraction_of_dgemm2": flops / iteration / median(rates, "dgemm2"),
            f"ours{suffix}_match_share": statistics.median(
                r["match_seconds"] / r["seconds"] for r in runs
            ),
            f"ours{suffix}_split_bytes": max(r["peak_bytes"] - r["before_bytes"] for r in runs),
        }
    if ref:
        row["ref_s"] = median(ref, "seconds")
        row["ref_runs_s"] = [round(r["seconds"], 2) for r in ref]
        row["ref_split_bytes"] = max(r["peak_bytes"] - r["before_bytes"] for r in ref)
        row["speedup"] = row["ref_s"] / row["ours_s"]
        if options.fixed200:
            row["speedup_200"] = row["ref_s"] / row["ours_200_s"]
    return row


def note(what: str, figures: dict) -> None:
    """One run's figures on stderr, with the load average, as soon as it ends."""
    print(f"{what} {json.dumps(figures)} load {load_average()}", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[8000, 16000])
    parser.add_argument("--d", type=int, default=20)
    parser.add_argument("--frac", type=float, default=0.2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--ref-repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0, help="0: all available")
    has_reference = importlib.util.find_spec("benchmake") is not None
    parser.add_argument("--reference-python", default=sys.executable if has_reference else None)
    parser.add_argument("--no-reference", action="store_true")
    parser.add_argument("--fixed200", action="store_true", help="also 200 fixed iterations")
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    if options.no_reference:
        options.reference_python = None

    load_before = load_average()
    rows = []
    for n in options.sizes:
        rows.append(measure(n, options))
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    load_after = load_average()
    if options.json:
        print(json.dumps({"load_before": load_before, "load_after": load_after, "rows": rows}))
        return
    mib = 1 << 20
    print(f"BLAS: {rows[0]['blas']}; load average before {load_before}, after {load_after}")
    print(
        f"{'n':>6} {'k':>5} {'dgemm1':>6} {'dgemm2':>6} {'ours s':>7} {'iters':>5} {'GF/s':>5} "
        f"{'frac':>5} {'match':>6} {'200it s':>7} {'GF/s':>5} {'frac':>5} {'ref s':>7} "
        f"{'ratio':>5} {'r200':>5} {'peak/W':>6}"
    )
    nan = math.nan
    for r in rows:
        peak = max(r["ours_split_bytes"], r.get("ours_200_split_bytes", 0))
        print(
            f"{r['n']:>6} {r['k']:>5} {r['dgemm1_gflops']:>6.0f} {r['dgemm2_gflops']:>6.0f} "
            f"{r['ours_s']:>7.2f} {r['ours_iterations']:>5} {r['ours_iteration_gflops']:>5.0f} "
            f"{r['ours_fraction_of_dgemm2']:>5.2f} {r['ours_match_share']:>6.1%} "
            f"{r.get('ours_200_s', nan):>7.2f} {r.get('ours_200_iteration_gflops', nan):>5.0f} "
            f"{r.get('ours_200_fraction_of_dgemm2', nan):>5.2f} {r.get('ref_s', nan):>7.1f} "
            f"{r.get('speedup', nan):>5.1f} {r.get('speedup_200', nan):>5.1f} "
            f"{peak / r['W_bytes']:>6.2f}"
        )
    print(
        "dgemm1/2: GF/s of a 2048² dgemm on 1/2 threads; GF/s, frac: the NMF iterations' rate "
        "(12·n·k·d flops each) and its fraction of dgemm2; match: matching's share of the "
        "split; peak/W: memory growth during the split over the size of W "
        f"({rows[-1]['W_bytes'] / mib:.0f} MiB at n={rows[-1]['n']})"
    )


if __name__ == "__main__":
    main()
