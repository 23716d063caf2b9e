"""Split quality on the shared real data sets: the paper's seven statistics against 20
random splits, and the overlap (Jaccard) of our test set with the reference's.

    python benchmarks/quality.py [--frac 0.2]

The reference's test set is computed by ``benchmake_cli.method.reference`` (which reproduces
benchmake==1.1.2 exactly; see tests/test_compat.py) and mapped back to original rows.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from benchmake_cli.analysis import statistics
from benchmake_cli.encode import EncodeOptions
from benchmake_cli.formats import ReadOptions
from benchmake_cli.method.reference import reference_partition
from benchmake_cli.method.scale import minmax_scale
from benchmake_cli.method.split import SplitParameters
from benchmake_cli.pipeline.whole import compute_split, prepare

SHARED = Path(__file__).resolve().parents[2] / "shared" / "datasets"
CASES = {
    "german_credit": (
        "german_credit/german.data-numeric",
        ReadOptions(header=False),
        EncodeOptions(target="24"),
    ),
    "boston": ("boston/BostonHousing.csv", ReadOptions(), EncodeOptions(target="medv")),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frac", type=float, default=0.2)
    parser.add_argument("--random", type=int, default=20)
    frac = parser.parse_args().frac
    names = statistics.STATISTIC_NAMES
    for name, (relative, read_options, encode_options) in CASES.items():
        path = SHARED / relative
        if not path.exists():
            print(f"{name}: {path} not available, skipped")
            continue
        prepared = prepare(path, read_options, encode_options)
        start = time.perf_counter()
        split = compute_split(prepared, SplitParameters(frac), device="cpu")
        seconds = time.perf_counter() - start
        scaled = minmax_scale(prepared.encoded.X)
        ours = statistics.compare_split(scaled, split.test)
        randoms = [
            statistics.compare_split(scaled, rows)
            for rows in statistics.random_split_indices(len(scaled), len(split.test), 20, seed=0)
        ]
        beats = statistics.beats_random(ours, randoms)
        reference = reference_partition(prepared.encoded.X, frac, "tabular")
        ours_rows, ref_rows = set(split.test.tolist()), set(reference.test_rows.tolist())
        jaccard = len(ours_rows & ref_rows) / len(ours_rows | ref_rows)
        ref_stats = statistics.compare_split(scaled, reference.test_rows)
        ref_beats = statistics.beats_random(ref_stats, randoms)
        print(
            f"\n{name}: n={prepared.encoded.n} d={prepared.encoded.d} frac={frac} "
            f"split {seconds:.2f} s, {split.iterations_run} iterations"
        )
        print(
            f"{'statistic':<20} {'benchmake-cli':>14} {'reference':>10} {'random mean':>12} {'random std':>11}"
        )
        for stat in names:
            values = [r.aggregate[stat] for r in randoms]
            mean = sum(values) / len(values)
            std = (sum((v - mean) ** 2 for v in values) / (len(values) - 1)) ** 0.5
            mark = "*" if beats[stat] else " "
            print(
                f"{stat:<20} {ours.aggregate[stat]:>13.4g}{mark} {ref_stats.aggregate[stat]:>10.4g} {mean:>12.4g} {std:>11.3g}"
            )
        print(
            f"beats the random mean on {sum(beats.values())}/7 (reference: {sum(ref_beats.values())}/7); "
            f"Jaccard with the reference's test set: {jaccard:.3f}"
        )


if __name__ == "__main__":
    main()
