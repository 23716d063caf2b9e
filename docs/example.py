"""The example implementation of a benchmake benchmark: train the card's baseline, write its
predictions, score them.

    python docs/example.py splits/ [--data data.csv] [--out predictions.csv]

It loads the split of a CSV, TSV or Parquet table with ``load_split`` (which checks the
bundle's hashes): the recorded feature columns (text columns
one-hot encoded as the manifest records), min-max scaled over all rows, as the split saw
them. It trains k-nearest neighbours (k = 5) on the training rows, writes one prediction per
test row keyed by ``row`` (the original row number), and runs ``benchmake score``, which
prints the same number as the card's baseline. Replace ``predict`` with your own model.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from benchmake_cli import load_split
from benchmake_cli.analysis.baseline import infer_task, knn_predict


def features(frame: pd.DataFrame, manifest: dict) -> np.ndarray:
    """The recorded feature columns; a one-hot column per recorded category of a text one."""
    encoding = manifest["encoding"]
    parts = []
    for column in encoding["columns_used"]:
        categories = encoding["one_hot"].get(column)
        if categories is None:
            parts.append(frame[column].to_numpy(dtype=np.float64)[:, None])
        else:
            values = frame[column].astype(str).str.strip().to_numpy()
            parts.append(np.stack([values == c for c in categories], axis=1).astype(float))
    return np.hstack(parts)


def predict(X_train: np.ndarray, y_train: np.ndarray, X_test: np.ndarray) -> np.ndarray:
    """The baseline: k-nearest neighbours, k = 5 (replace with your model)."""
    return knn_predict(X_train, y_train, X_test, task=infer_task(y_train), k=5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", type=Path, help="the split's folder (manifest.json)")
    parser.add_argument("--data", help="the data file, if not where the manifest records it")
    parser.add_argument("--out", type=Path, default=Path("predictions.csv"))
    args = parser.parse_args(argv)
    manifest = json.loads((args.bundle / "manifest.json").read_text(encoding="utf-8"))
    split = load_split(args.bundle / "manifest.json")
    if not isinstance(split.X_train, pd.DataFrame) or split.y_train is None:
        raise SystemExit(
            f"{args.bundle}: not a table split with a target; this example reads those"
        )
    n_train = len(split.X_train)
    X = features(pd.concat([split.X_train, split.X_test], ignore_index=True), manifest)
    low, span = X.min(axis=0), np.ptp(X, axis=0)
    X = np.divide(X - low, span, out=np.zeros_like(X), where=span > 0)  # as the split scaled
    predictions = predict(X[:n_train], split.y_train.to_numpy(), X[n_train:])
    pd.DataFrame({"row": split.test_rows, "prediction": predictions}).to_csv(args.out, index=False)
    command = ["benchmake", "score", str(args.bundle), str(args.out)]
    command += ["--data", args.data] if args.data else []
    return subprocess.run(command, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
