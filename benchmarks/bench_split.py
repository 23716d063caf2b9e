"""Speed and memory of the split against the reference implementation (benchmake==1.1.2).

Each measurement runs in a fresh subprocess on synthetic uniform data (seed 0), so peak
memory (ru_maxrss) belongs to that run alone. Ours and the reference run in the same
invocation, alternating, and the figures are medians over the repeats.

    python benchmarks/bench_split.py --sizes 4000 16000 --reference-python /tmp/ref/bin/python

The reference must be importable by ``--reference-python`` (``pip install benchmake==1.1.2``
in a throw-away environment); without it only our figures are printed.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys

WORKER = r"""
import json, resource, sys, time
import numpy as np
kind, n, d, frac, tol, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
X = np.random.default_rng(0).random((n, d))
if kind == "ours":
    from benchmake_cli.method.split import SplitParameters, split_matrix
else:
    import contextlib, io
    with contextlib.redirect_stdout(io.StringIO()):
        from benchmake.BenchMake import BenchMake
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # interpreter, libraries, X
start = time.perf_counter()
if kind == "ours":
    result = split_matrix(X, SplitParameters(frac, tol=tol), threads=threads or None)
    test, iterations = result.test.tolist(), result.iterations_run
else:
    with contextlib.redirect_stdout(io.StringIO()):
        _, test = BenchMake(n_jobs=threads or -1).partition(X, np.zeros(n), test_size=frac, return_indices=True)
    iterations = 200
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "peak_bytes": peak, "before_bytes": before, "iterations": iterations, "n_test": len(test)}))
"""


def run(python: str, kind: str, n: int, d: int, frac: float, tol: float, threads: int) -> dict:
    args = [python, "-c", WORKER, kind, str(n), str(d), str(frac), str(tol), str(threads)]
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{kind} n={n} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[4000, 16000])
    parser.add_argument("--d", type=int, default=20)
    parser.add_argument("--frac", type=float, default=0.2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--ref-repeats", type=int, default=1)
    parser.add_argument("--threads", type=int, default=0, help="0: all available")
    parser.add_argument("--reference-python", default=None)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()

    rows = []
    for n in options.sizes:
        k = math.ceil(n * options.frac)
        ours = {"default": [], "fixed200": []}
        ref: list[dict] = []
        for repeat in range(max(options.repeats, options.ref_repeats)):
            if repeat < options.repeats:
                ours["default"].append(
                    run(sys.executable, "ours", n, options.d, options.frac, 1e-4, options.threads)
                )
                ours["fixed200"].append(
                    run(sys.executable, "ours", n, options.d, options.frac, 0.0, options.threads)
                )
            if options.reference_python and repeat < options.ref_repeats:
                ref.append(
                    run(
                        options.reference_python,
                        "ref",
                        n,
                        options.d,
                        options.frac,
                        0,
                        options.threads,
                    )
                )
        row = {
            "n": n,
            "d": options.d,
            "k": k,
            "W_bytes": n * k * 8,
            "input_bytes": n * options.d * 8,
            "ours_s": statistics.median(r["seconds"] for r in ours["default"]),
            "ours_iterations": ours["default"][0]["iterations"],
            "ours_200_s": statistics.median(r["seconds"] for r in ours["fixed200"]),
            "ours_peak_bytes": max(r["peak_bytes"] for r in ours["default"] + ours["fixed200"]),
            "ours_split_bytes": max(
                r["peak_bytes"] - r["before_bytes"] for r in ours["default"] + ours["fixed200"]
            ),
            "ours_runs_s": [round(r["seconds"], 2) for r in ours["default"]],
            "ours_200_runs_s": [round(r["seconds"], 2) for r in ours["fixed200"]],
        }
        if ref:
            row["ref_s"] = statistics.median(r["seconds"] for r in ref)
            row["ref_runs_s"] = [round(r["seconds"], 2) for r in ref]
            row["ref_peak_bytes"] = max(r["peak_bytes"] for r in ref)
            row["ref_split_bytes"] = max(r["peak_bytes"] - r["before_bytes"] for r in ref)
            row["speedup"] = row["ref_s"] / row["ours_s"]
            row["speedup_200"] = row["ref_s"] / row["ours_200_s"]
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)

    if len(rows) >= 2:
        a, b = rows[0], rows[-1]
        exponent = math.log(b["ours_s"] / a["ours_s"]) / math.log(b["n"] / a["n"])
        exponent_200 = math.log(b["ours_200_s"] / a["ours_200_s"]) / math.log(b["n"] / a["n"])
    else:
        exponent = exponent_200 = float("nan")
    if options.json:
        print(
            json.dumps(
                {"rows": rows, "growth_exponent": exponent, "growth_exponent_200": exponent_200},
                indent=2,
            )
        )
        return
    mib = 1 << 20
    print(
        f"{'n':>7} {'k':>6} {'ours s':>8} {'iters':>5} {'ours200 s':>9} {'ref s':>8} "
        f"{'ratio':>6} {'ratio200':>8} {'peak MiB':>9} {'split MiB':>9} {'W MiB':>6} {'ref split MiB':>13}"
    )
    for r in rows:
        print(
            f"{r['n']:>7} {r['k']:>6} {r['ours_s']:>8.2f} {r['ours_iterations']:>5} "
            f"{r['ours_200_s']:>9.2f} {r.get('ref_s', float('nan')):>8.1f} "
            f"{r.get('speedup', float('nan')):>6.1f} {r.get('speedup_200', float('nan')):>8.1f} "
            f"{r['ours_peak_bytes'] / mib:>9.0f} {r['ours_split_bytes'] / mib:>9.0f} "
            f"{r['W_bytes'] / mib:>6.0f} {r.get('ref_split_bytes', float('nan')) / mib:>13.0f}"
        )
    print(
        f"time growth exponent from n={rows[0]['n']} to n={rows[-1]['n']}: "
        f"{exponent:.2f} (default tol), {exponent_200:.2f} (200 iterations)"
    )


if __name__ == "__main__":
    main()
