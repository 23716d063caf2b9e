"""Speed of ``evaluate``: the seven statistics and the kNN baseline on a split and on 20
random splits of the same size (the default), at the size of the HIV data set.

Cases (each timed end to end through :func:`benchmake_cli.tasks.evaluate.evaluate_matrix` or
:func:`~benchmake_cli.tasks.evaluate.evaluate_manifest`, best of ``--repeats``):

- ``synthetic``: a 41127 x 50 uniform random matrix (seed 0) with a binary target (3.5 %
  positives, like HIV) and a seeded test set of 20 %: the worst case for the features;
- ``hiv-counts``: the real HIV.csv (41127 SMILES) encoded as character counts over the
  sorted alphabet of the file (the paper's count vectorizer, written here in a few lines
  because the SMILES encoder lives elsewhere), target ``HIV_active``, seeded 20 % test set;
- ``german``: German credit split by ``benchmake split --frac 0.2 --no-header --target 24``
  and evaluated from its manifest (reading included).

    python benchmarks/bench_evaluate.py [--cases synthetic hiv-counts german] [--repeats 1]

The shared data sets are looked for in ``../shared/datasets`` beside the repository, or in
the folder named by ``BENCHMAKE_SHARED_DATASETS``.

The machine's load average is printed beside the figures: on a shared machine it matters.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from benchmake_cli.tasks.evaluate import (
    EvaluateSettings,
    Evaluation,
    evaluate_manifest,
    evaluate_matrix,
)
from benchmake_cli.tasks.split import split_file

SHARED = Path(
    os.environ.get(
        "BENCHMAKE_SHARED_DATASETS", Path(__file__).resolve().parents[2] / "shared" / "datasets"
    )
)
N_HIV = 41127


def synthetic() -> Evaluation:
    rng = np.random.default_rng(0)
    X = rng.random((N_HIV, 50))
    y = (rng.random(N_HIV) < 0.035).astype(np.int64)
    test = np.sort(rng.choice(N_HIV, size=int(np.ceil(0.2 * N_HIV)), replace=False))
    return evaluate_matrix(X, test, y=y, settings=EvaluateSettings(), target="y")


def hiv_counts(path: Path) -> Callable[[], Evaluation]:
    import pandas as pd

    frame = pd.read_csv(path)
    smiles = frame["smiles"].astype(str).tolist()
    alphabet = sorted(set("".join(smiles)))
    column = {c: j for j, c in enumerate(alphabet)}
    X = np.zeros((len(smiles), len(alphabet)))
    for i, text in enumerate(smiles):
        for character in text:
            X[i, column[character]] += 1
    y = frame["HIV_active"].to_numpy()
    rng = np.random.default_rng(1)
    test = np.sort(rng.choice(len(smiles), size=int(np.ceil(0.2 * len(smiles))), replace=False))
    print(f"hiv-counts: {X.shape[0]} rows x {X.shape[1]} character counts")
    return lambda: evaluate_matrix(X, test, y=y, settings=EvaluateSettings(), target="HIV_active")


def german(path: Path, folder: Path) -> Callable[[], Evaluation]:
    out = folder / "german-split"
    split_file(path, frac=0.2, out=out, sep=None, header=False, target="24")
    return lambda: evaluate_manifest(out / "manifest.json", data=path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="+", default=["synthetic", "hiv-counts", "german"])
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cases: dict[str, Callable[[], Evaluation]] = {}
        for name in args.cases:
            if name == "synthetic":
                cases[name] = synthetic
            elif name == "hiv-counts" and (SHARED / "hiv" / "HIV.csv").exists():
                cases[name] = hiv_counts(SHARED / "hiv" / "HIV.csv")
            elif name == "german" and (SHARED / "german_credit").exists():
                cases[name] = german(SHARED / "german_credit" / "german.data-numeric", Path(tmp))
            else:
                print(f"{name}: skipped (unknown case or data set not available)")
        for name, run in cases.items():
            best: dict[str, float] | None = None
            for _ in range(args.repeats):
                start = time.perf_counter()
                evaluation = run()
                wall = time.perf_counter() - start
                if best is None or wall < best["wall"]:
                    best = {"wall": wall, **evaluation.seconds}
            assert best is not None
            parts = ", ".join(f"{k} {v:.1f} s" for k, v in best.items() if k != "wall")
            print(
                f"{name}: n={evaluation.n} d={evaluation.d} test={evaluation.split.n_test} "
                f"random={len(evaluation.randoms)}: {best['wall']:.1f} s ({parts}); "
                f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
            )


if __name__ == "__main__":
    main()
