"""The example implementation of a benchmake benchmark: train the card's baseline, write its
predictions, score them.

    python docs/example.py splits/ --data data.csv [--out predictions.csv]

It reads the split of a CSV, TSV or Parquet table from the bundle (``train.*``, ``test.*``,
``test_indices.txt`` and ``manifest.json``): the recorded feature columns (text columns
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

from benchmake_cli.analysis.baseline import infer_task, knn_predict


def read_side(bundle: Path, manifest: dict, side: str) -> pd.DataFrame:
    """The ``side`` (train or test) rows of a table split, as written by ``split``."""
    options = manifest["input"]["read_options"]
    for suffix in (".csv", ".tsv", ".parquet"):
        path = bundle / f"{side}{suffix}"
        if suffix == ".parquet" and path.exists():
            return pd.read_parquet(path)
        if path.exists():
            separator = options.get("sep", ",")
            return pd.read_csv(
                path,
                sep=r"\s+" if separator == "whitespace" else separator,
                header=0 if options.get("header", True) else None,
            ).rename(columns=str)
    raise SystemExit(f"{bundle}: no train/test table; this example reads table splits")


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
    parser.add_argument("--data", required=True, help="the data file, for benchmake score")
    parser.add_argument("--out", type=Path, default=Path("predictions.csv"))
    args = parser.parse_args(argv)
    manifest = json.loads((args.bundle / "manifest.json").read_text(encoding="utf-8"))
    target = manifest["encoding"]["options"]["target"]
    train = read_side(args.bundle, manifest, "train")
    test = read_side(args.bundle, manifest, "test")
    X = features(pd.concat([train, test], ignore_index=True), manifest)
    low, span = X.min(axis=0), np.ptp(X, axis=0)
    X = np.divide(X - low, span, out=np.zeros_like(X), where=span > 0)  # as the split scaled
    y_train = train[target].to_numpy()
    predictions = predict(X[: len(train)], y_train, X[len(train) :])
    rows = np.loadtxt(args.bundle / "test_indices.txt", dtype=np.int64, ndmin=1)
    pd.DataFrame({"row": rows, "prediction": predictions}).to_csv(args.out, index=False)
    command = ["benchmake", "score", str(args.bundle), str(args.out), "--data", args.data]
    return subprocess.run(command, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
