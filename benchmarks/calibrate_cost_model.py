"""Measure the constants of benchmake_cli/analysis/cost_model.py on this machine.

Runs the split on synthetic uniform data (seed 0) at two sizes that differ in the number of
features, on one thread with a fixed number of iterations, and times each step from the
progress callback. A per-iteration time is ``12·n·k·d / flops + 13·8·n·k / bytes_per_second``,
so two sizes with different ``d`` give both rates; the matching passes and the hashing
constants follow, and matching's per ``n·k`` and per ``n·k·d`` costs. A third, larger size checks the fitted model against a fresh run.

    python benchmarks/calibrate_cost_model.py            # prints the constants and the check

Everything runs on one thread (BLAS included) and is timed in the process's CPU seconds, so
other work on a shared machine does not inflate the figures; each size is run ``--repeats``
times and the fastest run is kept.
"""

from __future__ import annotations

import argparse
import json
import math
import time

import numpy as np
from threadpoolctl import threadpool_limits

from benchmake_cli.analysis import cost_model
from benchmake_cli.method.split import SplitParameters, split_matrix


def stage_seconds(n: int, d: int, frac: float, iterations: int) -> dict[str, float]:
    """CPU seconds spent hashing, per iteration, and matching, in one single-threaded run."""
    X = np.random.default_rng(0).random((n, d))
    marks: dict[tuple[str, int], float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        marks[(stage, done)] = time.process_time()

    params = SplitParameters(frac=frac, iterations=iterations, tol=0.0)
    with threadpool_limits(limits=1):
        split_matrix(X, params, threads=1, progress=progress)
    k = math.ceil(n * frac)
    return {
        "hashing": marks[("hash", n)] - marks[("hash", 0)],
        "per_iteration": (marks[("factorize", iterations)] - marks[("hash", n)]) / iterations,
        "matching": marks[("match", k)] - marks[("factorize", iterations)],
    }


def fastest(n: int, d: int, frac: float, iterations: int, repeats: int) -> dict:
    runs = [stage_seconds(n, d, frac, iterations) for _ in range(repeats)]
    return {key: min(run[key] for run in runs) for key in runs[0]}


def fit(sizes: list[tuple[int, int, int]], times: list[dict[str, float]]) -> dict[str, float]:
    """Solve the model's constants from two measured sizes ``(n, d, k)``."""
    flop_terms = [cost_model.ITERATION_FLOPS_PER_NKD * n * k * d for n, d, k in sizes]
    byte_terms = [cost_model.ITERATION_PASSES * 8 * n * k for n, d, k in sizes]
    per_flop, per_byte = np.linalg.solve(
        np.array([flop_terms, byte_terms]).T, np.array([t["per_iteration"] for t in times])
    )
    if per_flop <= 0 or per_byte <= 0:
        raise SystemExit(f"unstable fit (1/flops={per_flop}, 1/bytes={per_byte}); rerun")
    match_nk, match_nkd = np.linalg.solve(
        np.array([[n * k, n * k * d] for n, d, k in sizes], dtype=float),
        np.array([t["matching"] for t in times]),
    )
    hash_row, hash_byte = np.linalg.solve(
        np.array([[n, 8 * n * d] for n, d, _ in sizes], dtype=float),
        np.array([t["hashing"] for t in times]),
    )
    return {
        "flops": 1.0 / per_flop,
        "bytes_per_second": 1.0 / per_byte,
        "match_nk_seconds": max(0.0, float(match_nk)),
        "match_nkd_seconds": max(0.0, float(match_nkd)),
        "hash_row_seconds": max(0.0, float(hash_row)),
        "hash_byte_seconds": max(0.0, float(hash_byte)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=6000)
    parser.add_argument("--d", type=int, nargs=2, default=[8, 96])
    parser.add_argument("--check", type=int, nargs=2, default=[10000, 30], metavar=("N", "D"))
    parser.add_argument("--frac", type=float, default=0.2)
    parser.add_argument("--iterations", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=2)
    options = parser.parse_args()

    sizes = [(options.n, d, math.ceil(options.n * options.frac)) for d in options.d]
    times = [fastest(n, d, options.frac, options.iterations, options.repeats) for n, d, _ in sizes]
    constants = fit(sizes, times)
    rates = cost_model.MachineRates(**constants, measured=True)

    n, d = options.check
    k = math.ceil(n * options.frac)
    measured = fastest(n, d, options.frac, options.iterations, options.repeats)
    predicted = cost_model.estimate_time(
        n, d, k, options.iterations, device="cpu", threads=1, rates=rates
    )
    measured_total = (
        measured["hashing"] + options.iterations * measured["per_iteration"] + measured["matching"]
    )
    print(
        json.dumps(
            {
                "sizes": [{"n": n_, "d": d_, "k": k_} for n_, d_, k_ in sizes],
                "measured": times,
                "constants": constants,
                "check": {
                    "n": n,
                    "d": d,
                    "k": k,
                    "iterations": options.iterations,
                    "measured": measured,
                    "measured_total": measured_total,
                    "predicted": predicted.to_dict(),
                    "error": predicted.total / measured_total - 1.0,
                },
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
