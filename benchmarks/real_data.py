"""Real data sets of the paper: split time, and whether each test set beats random splits.

For each data set in ``--root`` (default ``../shared/datasets``): read and encode it as its
modality, split it with the default parameters at ``--frac`` (timed), then compare the test
set with the training set on the paper's seven statistics (benchmake_cli.analysis.statistics, on the
min-max scaled encoded matrix) beside the mean of ``--randoms`` random splits of the same
size. A statistic "beats random" when the BenchMake split is more different than the mean
random split (lower p-values, higher divergences).

    python benchmarks/real_data.py                       # every data set but HIV
    python benchmarks/real_data.py --only hiv --json hiv.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmake_cli.analysis.statistics import (
    STATISTIC_NAMES,
    beats_random,
    compare_split,
    random_split_indices,
)
from benchmake_cli.encode import EncodeOptions
from benchmake_cli.formats import ReadOptions
from benchmake_cli.method.scale import minmax_scale
from benchmake_cli.method.split import SplitParameters
from benchmake_cli.pipeline.whole import compute_split, prepare

ROOT = Path(__file__).resolve().parents[1]
PNEUMONIA = ("train_images", "val_images", "test_images")

#: name → (path under the root, read options, encode options)
DATA_SETS: dict[str, tuple[str, ReadOptions, EncodeOptions]] = {
    "pneumoniamnist": (
        "pneumoniamnist/pneumoniamnist.npz",
        ReadOptions(
            key=PNEUMONIA, target_key=tuple(k.replace("images", "labels") for k in PNEUMONIA)
        ),
        EncodeOptions(),
    ),
    "fish_png": ("fish_png/data", ReadOptions(image_size=(64, 64)), EncodeOptions()),
    "bace": ("bace/bace.csv", ReadOptions(), EncodeOptions(sequence_col="mol", target="Class")),
    "lipophilicity": (
        "lipophilicity/Lipophilicity.csv",
        ReadOptions(),
        EncodeOptions(sequence_col="smiles", target="exp"),
    ),
    "qm7": ("qm7/qm7.csv", ReadOptions(), EncodeOptions(sequence_col="smiles", target="u0_atom")),
    "nir_peach": (
        "nir_peach/peach_spectra_brix.csv",
        ReadOptions(type="signal"),
        EncodeOptions(target="Brix"),
    ),
    "german_credit": (
        "german_credit/german.data-numeric",
        ReadOptions(header=False),
        EncodeOptions(target="24"),
    ),
    "hiv": (
        "hiv/HIV.csv",
        ReadOptions(),
        EncodeOptions(sequence_col="smiles", target="HIV_active"),
    ),
}


def measure(name: str, root: Path, frac: float, randoms: int) -> dict[str, Any]:
    """Read, split and compare one data set."""
    relative, read_options, encode_options = DATA_SETS[name]
    start = time.perf_counter()
    prepared = prepare(root / relative, read_options, encode_options)
    read_seconds = time.perf_counter() - start
    start = time.perf_counter()
    split = compute_split(prepared, SplitParameters(frac=frac))
    split_seconds = time.perf_counter() - start
    X = minmax_scale(prepared.encoded.X)
    start = time.perf_counter()
    ours = compare_split(X, split.test)
    random = [
        compare_split(X, rows)
        for rows in random_split_indices(len(X), len(split.test), randoms, seed=0)
    ]
    wins = beats_random(ours, random)
    statistics = {
        stat: {
            "benchmake": ours.aggregate[stat],
            "random_mean": float(np.mean([r.aggregate[stat] for r in random])),
            "random_sd": float(np.std([r.aggregate[stat] for r in random], ddof=1)),
            "beats_random": wins[stat],
        }
        for stat in STATISTIC_NAMES
    }
    return {
        "data_set": name,
        "modality": prepared.encoded.modality,
        "n": prepared.encoded.n,
        "d": prepared.encoded.d,
        "n_test": len(split.test),
        "read_seconds": round(read_seconds, 2),
        "split_seconds": round(split_seconds, 2),
        "iterations": split.iterations_run,
        "statistics_seconds": round(time.perf_counter() - start, 2),
        "beats_random": f"{sum(wins.values())}/{len(wins)}",
        "statistics": statistics,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT.parent / "shared" / "datasets")
    parser.add_argument("--only", nargs="+", choices=sorted(DATA_SETS), default=None)
    parser.add_argument("--frac", type=float, default=0.2)
    parser.add_argument("--randoms", type=int, default=20)
    parser.add_argument("--json", type=Path, default=None, help="Also write the results here.")
    options = parser.parse_args()
    names = options.only or [name for name in DATA_SETS if name != "hiv"]
    results = []
    for name in names:
        result = measure(name, options.root, options.frac, options.randoms)
        results.append(result)
        lost = [s for s, v in result["statistics"].items() if not v["beats_random"]]
        print(
            f"{name}: {result['modality']} n={result['n']} d={result['d']} "
            f"test={result['n_test']} read {result['read_seconds']} s, split "
            f"{result['split_seconds']} s ({result['iterations']} iterations); beats the mean "
            f"of {options.randoms} random splits on {result['beats_random']}"
            + (f" (not on {', '.join(lost)})" if lost else ""),
            flush=True,
        )
    if options.json:
        options.json.write_text(json.dumps(results, indent=2) + "\n")
    sys.exit(0)


if __name__ == "__main__":
    main()
