"""Quality of sharding: a sharded split against the exact split and random splits.

Encodes a SMILES column as character counts over the file's sorted alphabet (the paper's
encoding), writes the matrix and target to Parquet, and compares, on the same data:

* the exact split (``--shard-rows 0``), when ``--exact`` is given (it costs O(n²) memory);
* the sharded split with ``--shard-rows R`` (default: the tool's default shards);
* ``--randoms`` random splits of the same size (mean ± standard deviation).

For each: the seven train-versus-test statistics (features min-max scaled) and a kNN
baseline score on the target. Prints one JSON document.

    python benchmarks/shard_quality.py ../shared/datasets/lipophilicity/Lipophilicity.csv \\
        --smiles smiles --target exp --shard-rows 1000 --exact
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmake_cli.analysis.baseline import knn_score
from benchmake_cli.analysis.statistics import STATISTIC_NAMES, compare_split, random_split_indices
from benchmake_cli.method.scale import minmax_scale
from benchmake_cli.tasks.split import split_file


def encode_smiles(smiles: pd.Series) -> pd.DataFrame:
    """Character counts per SMILES over the sorted alphabet of the whole column."""
    alphabet = sorted(set("".join(smiles)))
    index = {c: j for j, c in enumerate(alphabet)}
    counts = np.zeros((len(smiles), len(alphabet)))
    for i, text in enumerate(smiles):
        for c in text:
            counts[i, index[c]] += 1
    return pd.DataFrame(counts, columns=[f"c{j}" for j in range(len(alphabet))])


def evaluate(X: np.ndarray, y: np.ndarray, test: np.ndarray) -> dict:
    mask = np.zeros(len(X), dtype=bool)
    mask[test] = True
    stats = compare_split(X, test).aggregate
    score = knn_score(X[~mask], y[~mask], X[mask], y[mask])
    return {**{name: stats[name] for name in STATISTIC_NAMES}, **score.metrics}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", type=Path)
    parser.add_argument("--smiles", default="smiles")
    parser.add_argument("--target", required=True)
    parser.add_argument("--frac", type=float, default=0.2)
    parser.add_argument("--shard-rows", type=int, default=None)
    parser.add_argument("--exact", action="store_true")
    parser.add_argument("--randoms", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    raw = pd.read_csv(args.csv)
    features = encode_smiles(raw[args.smiles].astype(str))
    y = raw[args.target].to_numpy()
    data = Path(tempfile.mkdtemp(prefix="shard-quality-")) / "encoded.parquet"
    features.assign(target=y).to_parquet(data)
    X = minmax_scale(features.to_numpy())
    report: dict = {"data": args.csv.name, "n": len(X), "d": X.shape[1]}

    splits = {}
    if args.exact:
        splits["exact"] = {"shard_rows": 0}
    splits["sharded"] = {"shard_rows": args.shard_rows}
    for name, options in splits.items():
        start = time.perf_counter()
        result = split_file(data, frac=args.frac, target="target", jobs=args.jobs, **options)
        sharding = result.manifest["method"]["parameters"].get("sharding")
        report[name] = {
            "seconds": round(time.perf_counter() - start, 1),
            "shards": sharding["shards"] if sharding else 1,
            **evaluate(X, y, result.test),
        }
        n_test = result.n_test
    randoms = [evaluate(X, y, t) for t in random_split_indices(len(X), n_test, args.randoms)]
    report["random"] = {
        key: f"{np.mean([r[key] for r in randoms]):.4g} ± {np.std([r[key] for r in randoms]):.2g}"
        for key in randoms[0]
    }
    print(json.dumps(report, indent=2, default=float, ensure_ascii=False))


if __name__ == "__main__":
    main()
