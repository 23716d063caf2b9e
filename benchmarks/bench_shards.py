"""Time and peak memory of sharded splits of synthetic Parquet files, and a projection.

For each size, writes ``n × d`` synthetic float64 rows (clusters plus noise, seed 0) to a
Parquet file in row groups, then runs ``benchmake split FILE --frac F --jobs J`` in a fresh
process while sampling the resident memory of that process and all its children (the
worker processes) every 0.2 s. Prints one JSON line per size and, at the end, the time per
row at each size and a projection to ``--project`` rows from the largest size's cost per
shard (a sharded split costs shards × cost per shard, plus streaming passes linear in n).

    python benchmarks/bench_shards.py --sizes 100000 200000 --jobs 2
    python benchmarks/bench_shards.py --sizes 1000000 --jobs 2 --keep-data /tmp/bench
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

ROW_GROUP = 65_536


def write_data(path: Path, n: int, d: int, seed: int = 0) -> None:
    """``n × d`` rows around 32 cluster centres, written one row group at a time."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-5, 5, size=(32, d))
    schema = pa.schema([(f"x{j}", pa.float64()) for j in range(d)])
    with pq.ParquetWriter(path, schema) as writer:
        for start in range(0, n, ROW_GROUP):
            m = min(ROW_GROUP, n - start)
            rows = centres[rng.integers(0, len(centres), m)] + rng.normal(size=(m, d))
            writer.write_table(pa.Table.from_arrays(list(rows.T), schema=schema))


def tree_usage(root: int) -> tuple[int, dict[int, float]]:
    """Resident bytes of ``root`` and all its descendants, and each one's CPU seconds so far
    (user + system), from /proc."""
    children: dict[int, list[int]] = {}
    stats: dict[int, tuple[int, float]] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
            cpu = (int(fields[11]) + int(fields[12])) / tick
            stats[int(entry)] = (int(fields[21]) * os.sysconf("SC_PAGE_SIZE"), cpu)
        except (OSError, IndexError, ValueError):
            continue
    rss, cpu_by_pid, stack = 0, {}, [root]
    while stack:
        pid = stack.pop()
        if pid in stats:
            rss += stats[pid][0]
            cpu_by_pid[pid] = stats[pid][1]
        stack.extend(children.get(pid, []))
    return rss, cpu_by_pid


def run_split(
    data: Path, out: Path, frac: float, jobs: int, extra: list[str], deadline: float | None
) -> dict:
    """Run one split in a subprocess; wall time and peak RSS of its process tree. Progress
    goes to ``out``.log; past ``deadline`` seconds the run is stopped and reported partial."""
    command = [sys.executable, "-m", "benchmake_cli", "split", str(data), "--frac", str(frac)]
    command += ["--out", str(out), "--jobs", str(jobs), "--force", "--json", *extra]
    peak = 0
    cpu: dict[int, float] = {}
    start = time.perf_counter()
    log = out.with_suffix(".log")
    with open(log, "w") as handle:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=handle, text=True)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            rss, cpu_now = tree_usage(process.pid)
            peak = max(peak, rss)
            for pid, seconds in cpu_now.items():
                cpu[pid] = max(cpu.get(pid, 0.0), seconds)
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        stdout, _ = process.communicate(timeout=deadline)
    except subprocess.TimeoutExpired:
        process.terminate()
        process.communicate()
        done.set()
        sampler.join()
        progress = [line for line in log.read_text().splitlines() if "shards" in line]
        return {
            "partial": True,
            "seconds": time.perf_counter() - start,
            "cpu_seconds": sum(cpu.values()),
            "peak_rss_bytes": peak,
            "last_progress": progress[-1] if progress else None,
        }
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"split failed ({process.returncode}):\n{log.read_text()[-3000:]}")
    summary = json.loads(stdout)
    manifest = json.loads((out / "manifest.json").read_text())
    sharding = manifest["method"]["parameters"].get("sharding") or {}
    return {
        "seconds": seconds,
        "cpu_seconds": sum(cpu.values()),  # sampled: misses at most 0.2 s per process
        "peak_rss_bytes": peak,
        "n_test": summary["n_test"],
        "n_train": summary["n_train"],
        "shards": sharding.get("shards", 1),
        "shard_rows": sharding.get("shard_rows"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 200_000])
    parser.add_argument("--d", type=int, default=32)
    parser.add_argument("--frac", type=float, default=0.2)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--shard-rows", type=int, default=None)
    parser.add_argument("--project", type=int, default=10_000_000)
    parser.add_argument("--keep-data", type=Path, default=None, help="folder for the data")
    parser.add_argument("--deadline", type=float, default=None, help="stop a run after S s")
    args = parser.parse_args()
    extra = ["--shard-rows", str(args.shard_rows)] if args.shard_rows else []
    folder = args.keep_data or Path(tempfile.mkdtemp(prefix="bench-shards-"))
    folder.mkdir(parents=True, exist_ok=True)
    results = []
    for n in args.sizes:
        data = folder / f"synthetic_{n}x{args.d}.parquet"
        if not data.exists():
            write_data(data, n, args.d)
        result = run_split(data, folder / f"out_{n}", args.frac, args.jobs, extra, args.deadline)
        result.update(n=n, d=args.d, jobs=args.jobs, data_bytes=data.stat().st_size)
        if result.get("partial"):
            print(json.dumps(result), flush=True)
            continue
        result["us_per_row"] = 1e6 * result["seconds"] / n
        result["seconds_per_shard_per_job"] = result["seconds"] * args.jobs / result["shards"]
        result["cpu_seconds_per_shard"] = result["cpu_seconds"] / result["shards"]
        print(json.dumps(result), flush=True)
        results.append(result)
    if not results:
        return
    largest = results[-1]
    shards = math.ceil(args.project / largest["shard_rows"])
    print(
        json.dumps(
            {
                "us_per_row": {r["n"]: round(r["us_per_row"], 1) for r in results},
                "cpu_us_per_row": {
                    r["n"]: round(1e6 * r["cpu_seconds"] / r["n"], 1) for r in results
                },
                "projection_rows": args.project,
                "projection_shards": shards,
                # as measured (wall clock, whatever else ran on the machine) ...
                "projection_seconds": round(
                    largest["seconds_per_shard_per_job"] * shards / args.jobs
                ),
                # ... and on dedicated cores: CPU seconds per shard spread over the jobs
                "projection_dedicated_seconds": round(
                    largest["cpu_seconds_per_shard"] * shards / args.jobs
                ),
                "from": f"n={largest['n']}: {largest['seconds_per_shard_per_job']:.1f} s wall "
                f"per shard per job, {largest['cpu_seconds_per_shard']:.1f} CPU s per shard, "
                f"{args.jobs} jobs",
            }
        )
    )


if __name__ == "__main__":
    main()
