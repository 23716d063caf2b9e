"""Match table: ``--method benchmake-1.1.2`` against the real ``benchmake==1.1.2``.

Runs every sample_data file and the shared real data sets (German credit, Boston, BACE's
SMILES, PneumoniaMNIST's three parts concatenated) at test fractions 0.1, 0.2 and 0.3, through
the tool's own paths (``split_file``; BACE through the method's sequence path), and the
reference's ``BenchMake().partition`` on the same numbers. The reference's hash-order
positions are mapped to row numbers through its own hash order, then compared.

    pip install -e '.[test]'          # brings benchmake==1.1.2
    python benchmarks/reference_match.py [--datasets DIR] [--only boston,bace] [--json out.json]

Prints a Markdown table: data set, type, fraction, n, k, Jaccard of the test rows after
mapping, whether the returned positions are identical, and the seconds each side took.
Exit status 0 only when every case matches exactly.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from benchmake.BenchMake import BenchMake

from benchmake_cli import split_file
from benchmake_cli.encode import Encoded
from benchmake_cli.method.registry import get_method
from benchmake_cli.method.split import SplitParameters

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
DATASETS = ROOT.parent / "shared" / "datasets"
METHOD = "benchmake-1.1.2"
FRACTIONS = (0.1, 0.2, 0.3)
ALLOY_NUMBERS = ["fe", "ni", "cr", "mo", "c", "anneal_temp_c", "cooling_rate_k_s"]

#: ours(frac) -> (test rows as input row numbers, test positions in the reference's order)
Ours = Callable[[float], tuple[np.ndarray, np.ndarray]]


def _through_split_file(path: Path, **options: Any) -> Ours:
    def run(frac: float) -> tuple[np.ndarray, np.ndarray]:
        result = split_file(path, frac=frac, method=METHOD, **options)
        return result.test, result.extra_indices()["reference_test_indices"]

    return run


def _through_sequences(texts: list[str]) -> Ours:
    encoded = Encoded(
        X=np.zeros((len(texts), 1)),
        rows=np.arange(len(texts)),
        feature_names=["unused"],
        modality="sequence",
        sequences=texts,
    )

    def run(frac: float) -> tuple[np.ndarray, np.ndarray]:
        method = get_method(METHOD)
        split = method.split(encoded, SplitParameters(frac=frac))
        return split.test, method.extra_indices(split)["reference_test_indices"]

    return run


def alloys(name: str) -> tuple[Any, str, Ours]:
    """The sample alloys: numeric columns plus one-hot phase, as the tool encodes them."""
    frame = pd.read_csv(SAMPLE / "alloys.csv")
    phases = sorted(set(frame["phase"]))
    one_hot = np.stack([(frame["phase"] == p).to_numpy(float) for p in phases], axis=1)
    data = np.hstack([frame[ALLOY_NUMBERS].to_numpy(float), one_hot])
    ours = _through_split_file(SAMPLE / name, target="hardness_hv", id_columns=["alloy_id"])
    return data, "tabular", ours


def german(datasets: Path) -> tuple[Any, str, Ours]:
    path = datasets / "german_credit" / "german.data-numeric"
    return np.loadtxt(path)[:, :24], "tabular", _through_split_file(path, header=False, target="24")


def boston(datasets: Path) -> tuple[Any, str, Ours]:
    path = datasets / "boston" / "BostonHousing.csv"
    data = pd.read_csv(path).drop(columns="medv").to_numpy(float)
    return data, "tabular", _through_split_file(path, target="medv")


def bace(datasets: Path) -> tuple[Any, str, Ours]:
    with (datasets / "bace" / "bace.csv").open(newline="") as handle:
        smiles = [row["mol"] for row in csv.DictReader(handle)]
    return smiles, "sequential", _through_sequences(smiles)


def pneumonia(datasets: Path, folder: Path) -> tuple[Any, str, Ours]:
    with np.load(datasets / "pneumoniamnist" / "pneumoniamnist.npz") as npz:
        images = np.concatenate([npz[f"{part}_images"] for part in ("train", "val", "test")])
    np.save(folder / "pneumoniamnist.npy", images)
    return images, "image", _through_split_file(folder / "pneumoniamnist.npy")


def main() -> int:
    """Run the cases and print the match table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=DATASETS, help="the shared data sets")
    parser.add_argument("--only", help="comma-separated case names")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="reference-match-"))
    cases: dict[str, Callable[[], tuple[Any, str, Ours]]] = {
        "alloys.csv": lambda: alloys("alloys.csv"),
        "alloys.parquet": lambda: alloys("alloys.parquet"),
        "german_credit": lambda: german(args.datasets),
        "boston": lambda: boston(args.datasets),
        "bace": lambda: bace(args.datasets),
        "pneumoniamnist": lambda: pneumonia(args.datasets, folder),
    }
    chosen = args.only.split(",") if args.only else list(cases)
    bench = BenchMake(n_jobs=1)
    rows = []
    print("| data set | type | frac | n | k | Jaccard | positions equal | reference s | ours s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name in chosen:
        data, data_type, ours = cases[name]()
        labels = np.arange(len(data))
        _, hash_order = bench._order_data_by_hash(data, labels)
        for frac in FRACTIONS:
            start = time.perf_counter()
            _, positions = bench.partition(
                data, labels, test_size=frac, data_type=data_type, return_indices=True
            )
            reference_seconds = time.perf_counter() - start
            start = time.perf_counter()
            test, our_positions = ours(frac)
            our_seconds = time.perf_counter() - start
            theirs = set(np.asarray(hash_order)[positions].tolist())
            mine = set(test.tolist())
            row = {
                "dataset": name,
                "data_type": data_type,
                "frac": frac,
                "n": len(data),
                "k": len(positions),
                "jaccard": len(mine & theirs) / len(mine | theirs),
                "positions_equal": our_positions.tolist() == list(positions),
                "reference_s": round(reference_seconds, 2),
                "ours_s": round(our_seconds, 2),
            }
            rows.append(row)
            print(
                f"| {name} | {data_type} | {frac} | {row['n']} | {row['k']} "
                f"| {row['jaccard']:.4f} | {row['positions_equal']} "
                f"| {reference_seconds:.2f} | {our_seconds:.2f} |",
                flush=True,
            )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    return 0 if all(r["jaccard"] == 1.0 and r["positions_equal"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
