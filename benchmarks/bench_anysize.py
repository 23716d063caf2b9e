"""Time and peak memory of ``benchmake split`` in its default mode on every kind of input
(issue 29): HIV with ``--sequence-col``, HDF5 against the same numbers in Parquet, a
``.smi`` file, a folder of small PNGs, an OGB folder of 50,000 graphs, and a million rows
of HDF5 against Parquet.

Each case builds its input once (in ``--data``), runs ``benchmake split`` in a fresh
process ``--runs`` times (``--big-runs`` for the million-row cases; the cases take turns,
run after run, so that paired cases see the same load) while sampling the resident memory
of that process and its children every 0.2 s, and prints one JSON line: the median wall and
CPU times, the largest peak, the mode (whole or sharded, and the shard count), the exact
train and test sizes, what ``benchmake inspect`` plans for the same input (mode, shards and
encoded width, to compare with the split's), the exit code of ``benchmake verify`` of the
last run's bundle (and, for HIV, how many of the seven statistics of ``benchmake evaluate``
beat the random splits). Nothing is asserted: the figures go into ``docs/performance.md``.

    python benchmarks/bench_anysize.py --cases hdf5-100k parquet-100k --runs 1
    python benchmarks/bench_anysize.py --data /tmp/anysize --big-runs 1
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).parent))
from bench_shards import tree_usage

HIV = Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets" / "hiv" / "HIV.csv"
HIV_ROWS = 41_127
BLOCK = 65_536
ATOMS = ["C", "c1ccccc1", "N", "O", "Cl", "(C)", "(=O)", "S", "F", "c1ccncc1", "CC", "[nH]"]


def _smiles(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` SMILES-like strings of 3 to 12 fragments (synthetic stand-ins for molecules)."""
    sizes = rng.integers(3, 13, size=n)
    picks = rng.integers(0, len(ATOMS), size=int(sizes.sum()))
    out, at = [], 0
    for size in sizes:
        out.append("".join(ATOMS[i] for i in picks[at : at + size]))
        at += size
    return out


def build_hiv(folder: Path) -> tuple[Path, list[str]]:
    """HIV.csv from the shared data sets, else a synthetic SMILES table of its size."""
    options = ["--sequence-col", "smiles", "--target", "HIV_active"]
    if HIV.exists():
        return HIV.resolve(), options
    path = folder / "hiv_synthetic.csv"
    if not path.exists():
        rng = np.random.default_rng(0)
        active = (rng.random(HIV_ROWS) < 0.035).astype(int)
        lines = [f"{s},{a}" for s, a in zip(_smiles(rng, HIV_ROWS), active, strict=True)]
        path.write_text("smiles,HIV_active\n" + "\n".join(lines) + "\n")
    return path, options


def _numbers(n: int, d: int, seed: int = 0):  # type: ignore[no-untyped-def]
    """``n × d`` float64 rows around 32 cluster centres, block by block."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-5, 5, size=(32, d))
    for start in range(0, n, BLOCK):
        m = min(BLOCK, n - start)
        yield start, centres[rng.integers(0, len(centres), m)] + rng.normal(size=(m, d))


def build_hdf5(folder: Path, n: int, d: int) -> tuple[Path, list[str]]:
    import h5py

    path = folder / f"numbers_{n}x{d}.h5"
    if not path.exists():
        with h5py.File(path, "w") as handle:
            dataset = handle.create_dataset("x", shape=(n, d), dtype="f8")
            for start, rows in _numbers(n, d):
                dataset[start : start + len(rows)] = rows
    return path, []


def build_parquet(folder: Path, n: int, d: int) -> tuple[Path, list[str]]:
    path = folder / f"numbers_{n}x{d}.parquet"
    if not path.exists():
        schema = pa.schema([(f"x{j}", pa.float64()) for j in range(d)])
        with pq.ParquetWriter(path, schema) as writer:
            for _, rows in _numbers(n, d):
                writer.write_table(pa.Table.from_arrays(list(rows.T), schema=schema))
    return path, []


def build_smi(folder: Path, n: int = 60_000) -> tuple[Path, list[str]]:
    path = folder / f"molecules_{n}.smi"
    if not path.exists():
        rng = np.random.default_rng(1)
        path.write_text("".join(f"{s}\tm{i}\n" for i, s in enumerate(_smiles(rng, n))))
    return path, []


def build_pngs(folder: Path, n: int = 24_000, classes: int = 4) -> tuple[Path, list[str]]:
    """``n`` random 8 × 8 greyscale PNGs in ``classes`` class folders."""
    from PIL import Image

    root = folder / f"pngs_{n}"
    done = root / ".complete"
    if not done.exists():
        rng = np.random.default_rng(2)
        for i in range(n):
            sub = root / f"class{i % classes}"
            sub.mkdir(parents=True, exist_ok=True)
            pixels = rng.integers(0, 256, size=(8, 8), dtype=np.uint8)
            Image.fromarray(pixels, mode="L").save(sub / f"img{i:05d}.png")
        done.write_text("")
    return root, []


def build_ogb(folder: Path, n: int = 50_000) -> tuple[Path, list[str]]:
    """``n`` random molecule-like graphs (5 to 30 nodes, a ring of bonds plus a few more,
    4 node features) in OGB's raw layout, gzip-compressed."""
    import gzip

    root = folder / f"ogb_{n}"
    done = root / ".complete"
    if not done.exists():
        root.mkdir(parents=True, exist_ok=True)
        rng = np.random.default_rng(3)
        nodes = rng.integers(5, 31, size=n)
        edges, counts = [], []
        for size in nodes.tolist():
            ring = [(i, (i + 1) % size) for i in range(size)]
            extra = [tuple(pair) for pair in rng.integers(0, size, size=(size // 5, 2)).tolist()]
            edges.append("".join(f"{a},{b}\n" for a, b in ring + extra))
            counts.append(len(ring) + len(extra))
        features = rng.integers(0, 9, size=(int(nodes.sum()), 4))
        files = {
            "num-node-list": "".join(f"{v}\n" for v in nodes.tolist()),
            "num-edge-list": "".join(f"{v}\n" for v in counts),
            "edge": "".join(edges),
            "node-feat": "".join(",".join(map(str, row)) + "\n" for row in features.tolist()),
            "graph-label": "".join(f"{v}\n" for v in rng.integers(0, 2, size=n).tolist()),
        }
        for stem, text in files.items():
            (root / f"{stem}.csv.gz").write_bytes(gzip.compress(text.encode(), mtime=0))
        done.write_text("")
    return root, []


CASES: dict[str, tuple[Callable[[Path], tuple[Path, list[str]]], bool]] = {
    "hiv": (build_hiv, False),
    "hdf5-100k": (lambda f: build_hdf5(f, 100_000, 16), False),
    "parquet-100k": (lambda f: build_parquet(f, 100_000, 16), False),
    "smi-60k": (build_smi, False),
    "png-24k": (build_pngs, False),
    "ogb-50k": (build_ogb, False),
    "hdf5-1m": (lambda f: build_hdf5(f, 1_000_000, 16), True),
    "parquet-1m": (lambda f: build_parquet(f, 1_000_000, 16), True),
}


def run_measured(command: list[str], log: Path, deadline: float | None) -> dict:
    """Run ``command``; its wall time, peak resident memory and CPU seconds (process tree,
    sampled every 0.2 s) and exit code."""
    peak, start, cpu = 0, time.perf_counter(), {}
    with open(log, "w") as handle:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=handle, text=True)
        stdout = ""
        while process.poll() is None:
            rss, cpu_now = tree_usage(process.pid)
            peak = max(peak, rss)
            for pid, seconds in cpu_now.items():
                cpu[pid] = max(cpu.get(pid, 0.0), seconds)
            if deadline is not None and time.perf_counter() - start > deadline:
                process.terminate()
                process.wait()
                return {"seconds": time.perf_counter() - start, "peak": peak, "rc": "timeout",
                        "cpu": sum(cpu.values())}  # fmt: skip
            time.sleep(0.2)
        stdout = process.stdout.read() if process.stdout else ""
    return {"seconds": time.perf_counter() - start, "peak": peak, "rc": process.returncode,
            "stdout": stdout, "cpu": sum(cpu.values())}  # fmt: skip


def benchmake(*args: str) -> list[str]:
    return [sys.executable, "-m", "benchmake_cli", *args]


CASE_OPTIONS: dict[str, list[str]] = {}  #: each case's options, once it is built


def split_once(name: str, folder: Path, frac: float, deadline: float | None) -> dict:
    """One measured ``benchmake split`` of the case ``name`` into ``folder/out_NAME``."""
    builder, _ = CASES[name]
    data, options = builder(folder)
    CASE_OPTIONS[name] = options
    split = benchmake("split", str(data), "--frac", str(frac), "--out", str(folder / f"out_{name}"),
                      "--force", "--json", *options)  # fmt: skip
    result = run_measured(split, folder / f"{name}.log", deadline)
    result["data"] = data
    if result["rc"] != 0:
        result["error"] = (folder / f"{name}.log").read_text()[-500:]
    return result


def summarize(name: str, folder: Path, results: list[dict], check: bool = True) -> dict:
    """The case's line: medians over its runs; with ``check``, the last run's bundle
    inspected, verified and (HIV) evaluated."""
    failed = next((r for r in results if r["rc"] != 0), None)
    if failed is not None:
        return {"case": name, "rc": failed["rc"], "seconds": round(failed["seconds"], 1),
                "peak_gb": round(failed["peak"] / 1e9, 2), "error": failed["error"]}  # fmt: skip
    out, data = folder / f"out_{name}", results[0]["data"]
    summary = json.loads(results[-1]["stdout"])
    manifest = json.loads((out / "manifest.json").read_text())
    sharding = manifest["method"]["parameters"].get("sharding") or {}
    row = {
        "case": name,
        "input": str(data),
        "rows": manifest["encoding"]["input_rows"],
        "d": manifest["encoding"]["d"],
        "mode": f"sharded ({sharding['shards']} shards)" if sharding else "whole",
        "n_train": summary["n_train"],
        "n_test": summary["n_test"],
        "runs": len(results),
        "seconds": [round(r["seconds"], 1) for r in results],
        "median_seconds": round(statistics.median(r["seconds"] for r in results), 1),
        "peak_gb": round(max(r["peak"] for r in results) / 1e9, 2),
        "median_cpu_seconds": round(statistics.median(r["cpu"] for r in results), 1),
    }
    if not check:
        return row
    inspected = subprocess.run(benchmake("inspect", str(data), "--json", *CASE_OPTIONS[name]),
                               capture_output=True, text=True, check=False)  # fmt: skip
    if inspected.returncode == 0:
        plan = json.loads(inspected.stdout)["plan"]
        row["inspect"] = f"{plan['mode']} ({plan.get('shards', 1)} shards), d {plan['d']}"
    verify = benchmake("verify", str(out), "--data", str(data), "-q")
    row["verify_rc"] = subprocess.run(verify, capture_output=True, check=False).returncode
    if name == "hiv":
        evaluate = subprocess.run(benchmake("evaluate", str(out), "--json"),
                                  capture_output=True, text=True, check=False)  # fmt: skip
        if evaluate.returncode == 0:
            row["beats_random"] = json.loads(evaluate.stdout)["statistics"]["beats_random_count"]
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="+", choices=list(CASES), default=list(CASES))
    parser.add_argument("--runs", type=int, default=3, help="runs per case (median)")
    parser.add_argument("--big-runs", type=int, default=1, help="runs of the 1M-row cases")
    parser.add_argument("--frac", type=float, default=0.2)
    parser.add_argument("--data", type=Path, default=Path("/tmp/bench-anysize"))
    parser.add_argument("--deadline", type=float, default=None, help="stop a run after S s")
    parser.add_argument("--no-check", action="store_true", help="time only: no inspect, verify")
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    print(json.dumps({"uptime": os.getloadavg(), "cpus": os.cpu_count()}), flush=True)
    results: dict[str, list[dict]] = {name: [] for name in args.cases}
    rounds = max(args.big_runs if CASES[name][1] else args.runs for name in args.cases)
    for round_ in range(rounds):  # interleaved: a paired case sees the same load
        for name in args.cases:
            wanted = args.big_runs if CASES[name][1] else args.runs
            failed = bool(results[name]) and results[name][-1]["rc"] != 0
            if round_ < wanted and not failed:
                results[name].append(split_once(name, args.data, args.frac, args.deadline))
    for name in args.cases:
        line = summarize(name, args.data, results[name], check=not args.no_check)
        print(json.dumps(line), flush=True)
    print(json.dumps({"uptime": os.getloadavg()}), flush=True)


if __name__ == "__main__":
    main()
