"""One-off check: benchmake_cli.compat against benchmake 1.1.2 on the shared real data sets.

Run with an environment that has both this project and benchmake==1.1.2:
    python benchmarks/reference_match.py
Prints a Markdown table (data set, test size, n, k, Jaccard of the test sets, whether the hash
orders agree, seconds for the reference and for ours) and writes check_real.json.
"""

from __future__ import annotations

import csv
import json
import sys
import time
from pathlib import Path

import numpy as np
from benchmake.BenchMake import BenchMake

from benchmake_cli.compat import reference_partition

DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets"
TEST_SIZES = (0.1, 0.2, 0.3)


def load_german() -> np.ndarray:
    """German credit numeric: 24 features, last column is the class."""
    return np.loadtxt(DATA / "german_credit" / "german.data-numeric")[:, :24]


def load_boston() -> np.ndarray:
    """Boston housing features (every column except medv)."""
    with (DATA / "boston" / "BostonHousing.csv").open(newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    keep = [i for i, name in enumerate(header) if name != "medv"]
    return np.array([[float(r[i]) for i in keep] for r in body])


def load_bace() -> list[str]:
    """BACE SMILES strings (column mol)."""
    with (DATA / "bace" / "bace.csv").open(newline="") as fh:
        return [row["mol"] for row in csv.DictReader(fh)]


def load_pneumonia() -> np.ndarray:
    """PneumoniaMNIST train, val and test images concatenated in that order."""
    with np.load(DATA / "pneumoniamnist" / "pneumoniamnist.npz") as npz:
        return np.concatenate([npz["train_images"], npz["val_images"], npz["test_images"]])


def main() -> int:
    """Run every data set at every test size and report agreement and timings."""
    cases = [
        ("german_credit", "tabular", load_german()),
        ("boston", "tabular", load_boston()),
        ("bace", "sequential", load_bace()),
        ("pneumoniamnist", "image", load_pneumonia()),
    ]
    bench = BenchMake(n_jobs=-1)
    results = []
    print("| data set | type | test_size | n | k | Jaccard | hash order equal | ref s | ours s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, data_type, data in cases:
        n = len(data)
        labels = np.arange(n)
        _, ref_order = bench._order_data_by_hash(data, labels)
        for test_size in TEST_SIZES:
            t0 = time.perf_counter()
            _, ref_test = bench.partition(
                data, labels, test_size=test_size, data_type=data_type, return_indices=True
            )
            t_ref = time.perf_counter() - t0
            t0 = time.perf_counter()
            if data_type == "sequential":
                split = reference_partition(None, test_size, data_type, sequences=data)
            else:
                split = reference_partition(data, test_size, data_type)
            t_ours = time.perf_counter() - t0
            ours, theirs = set(split.reference_test_positions.tolist()), set(ref_test)
            jaccard = len(ours & theirs) / len(ours | theirs)
            same_order = bool(np.array_equal(split.hash_order, ref_order))
            row = {
                "dataset": name,
                "data_type": data_type,
                "test_size": test_size,
                "n": n,
                "k": len(ref_test),
                "jaccard": jaccard,
                "hash_order_equal": same_order,
                "reference_s": round(t_ref, 2),
                "ours_s": round(t_ours, 2),
            }
            results.append(row)
            print(
                f"| {name} | {data_type} | {test_size} | {n} | {row['k']} | {jaccard:.4f} "
                f"| {same_order} | {t_ref:.2f} | {t_ours:.2f} |",
                flush=True,
            )
    Path("check_real.json").write_text(json.dumps(results, indent=2))
    return 0 if all(r["jaccard"] == 1.0 and r["hash_order_equal"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
