"""What each split selects, and how hard it is: the default method, ``benchmake-hull``, the
nearest-origin split and a farthest-point (maximin) split, on every ``sample_data/`` input,
every ``../shared/datasets`` set and, when scikit-learn is installed, the four data sets
issue 15 measured (wine, breast cancer, diabetes, digits: bundled with scikit-learn).

For each input and fraction, each split gets: how many of the seven statistics beat the mean
of ``--randoms`` random splits, the selection diagnostics (``analysis.selection``), the kNN
baseline against the random mean (when the input has a target) and the time to compute it.
One JSON record per split is appended to ``--out`` as it is measured (a run can be resumed:
done records are skipped); ``--redo SPLIT`` drops that split's records first and measures it
again, keeping the others (the random splits are drawn from a fixed seed, so records of
different runs compare against the same random splits); ``--markdown`` prints the tables and
the targets of issue 15.

    python benchmarks/hull_quality.py --fracs 0.2                # every input at 0.2
    python benchmarks/hull_quality.py --fracs 0.1 0.3 --skip hiv
    python benchmarks/hull_quality.py --redo benchmake-hull      # after changing the method
    python benchmarks/hull_quality.py --markdown
    python benchmarks/hull_quality.py --paired 5 --only lipophilicity qm7   # time and memory
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import statistics as stats
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np

from benchmake_cli.analysis.selection import SelectionDiagnostics
from benchmake_cli.analysis.statistics import HIGHER_IS_HARDER, STATISTIC_NAMES
from benchmake_cli.encode import target_values
from benchmake_cli.method.order import order_rows, row_digests
from benchmake_cli.method.registry import get_method
from benchmake_cli.method.scale import minmax_scale
from benchmake_cli.method.split import SplitParameters, count_test_rows
from benchmake_cli.pipeline.whole import compute_split
from benchmake_cli.tasks.evaluate import (
    METRIC_HIGHER_IS_HARDER,
    NEAREST_ORIGIN,
    EvaluateSettings,
    evaluate_matrix,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from determinism_matrix import SHARED, SUBJECTS, Subject, prepare_subject

OUT = Path(__file__).resolve().parent / "results" / "hull_quality.jsonl"
SPLITS = ("benchmake-cli", "benchmake-hull", NEAREST_ORIGIN, "farthest-point")
TARGET_FRAC = 0.2  #: the fraction issue 15's targets are set at
#: targets of the shared data sets that the determinism matrix splits without one
EXTRA_TARGETS = {"qm7": "u0_atom", "hiv": "HIV_active"}
#: issue 15's four data sets, written to CSV from scikit-learn's bundled copies
ISSUE_SETS = ("wine", "breast_cancer", "diabetes", "digits")
ISSUE_FOLDER = Path(__file__).resolve().parent / "results" / "issue_sets"
#: biggest last: their default splits take minutes on two shared cores
ORDER = [
    *ISSUE_SETS,
    *(s.name for s in SUBJECTS if s.name not in ("fish_png", "pneumoniamnist", "hiv")),
    "fish_png",
    "pneumoniamnist",
    "hiv",
]
#: inputs that hold the same data as another in a different container: counted once in
#: the medians over data sets
SAME_DATA = {
    "alloys.parquet": "alloys.csv",
    "shapes.npy": "shapes.h5",
    "shapes.npz": "shapes.h5",
    "shapes_png": "shapes.h5",
    "vibration_npy": "vibration.npy",
}


def farthest_point(features: np.ndarray, k: int) -> np.ndarray:
    """Greedy maximin: from the first row in hash order, repeatedly the row farthest from
    every row taken (ties to hash order); the ``k`` rows taken after the first."""
    order = order_rows(row_digests(features)).positions
    rows = features[order]
    norms = (rows * rows).sum(axis=1)
    nearest = np.full(len(rows), np.inf)
    taken = np.zeros(len(rows), dtype=bool)
    picks = []
    current = 0
    for _ in range(min(k + 1, len(rows))):
        taken[current] = True
        picks.append(current)
        d2 = np.maximum(norms + norms[current] - 2.0 * (rows @ rows[current]), 0.0)
        np.minimum(nearest, d2, out=nearest)
        current = int(np.where(taken, -1.0, nearest).argmax())
    chosen = picks[1:] if len(picks) > k else picks
    return np.sort(order[np.asarray(chosen[:k], dtype=np.int64)])


def _beats(value: float, draws: list[float], higher: bool) -> bool:
    mean = float(np.mean(draws))
    return value > mean if higher else value < mean


def issue_subject(name: str) -> Subject | None:
    """One of issue 15's data sets as a CSV with a ``target`` column (``None`` without
    scikit-learn)."""
    try:
        from sklearn import datasets
    except ImportError:
        return None
    path = ISSUE_FOLDER / f"{name}.csv"
    if not path.exists():
        bunch = getattr(datasets, f"load_{name}")(as_frame=True)
        ISSUE_FOLDER.mkdir(parents=True, exist_ok=True)
        bunch.frame.rename(columns={bunch.target.name: "target"}).to_csv(path, index=False)
    return Subject(name, path, "table", {"target": "target"}, ())


def subject_at(name: str, shared: Path) -> Any:
    """The determinism matrix's input ``name``, a shared data set looked for in ``shared``,
    or one of issue 15's data sets (``None`` when it cannot be made)."""
    if name in ISSUE_SETS:
        return issue_subject(name)
    subject = next(s for s in SUBJECTS if s.name == name)
    if subject.path.is_relative_to(SHARED):
        subject = dataclasses.replace(subject, path=shared / subject.path.relative_to(SHARED))
    return subject


def measure(
    subject: Any, frac: float, randoms: int, splits: tuple[str, ...] = SPLITS
) -> list[dict[str, Any]]:
    """``splits`` of one input at one fraction, evaluated together."""
    name = subject.name
    prepared = prepare_subject(subject)
    encoded = prepared.encoded
    k = count_test_rows(encoded.n, frac)
    tests: dict[str, np.ndarray] = {}
    seconds: dict[str, float] = {}
    iterations: dict[str, int] = {}
    for method in [s for s in SPLITS[:2] if s in splits]:
        start = time.perf_counter()
        chosen = get_method(method)
        params = SplitParameters(frac, iterations=chosen.default_iterations)
        split = compute_split(prepared, params, chosen)
        seconds[method] = time.perf_counter() - start
        tests[method], iterations[method] = split.test, split.iterations_run
    features = minmax_scale(encoded.X)
    if NEAREST_ORIGIN in splits:
        start = time.perf_counter()
        tests[NEAREST_ORIGIN] = SelectionDiagnostics(features, encoded.X).nearest_origin(k)
        seconds[NEAREST_ORIGIN] = time.perf_counter() - start
    if "farthest-point" in splits:
        start = time.perf_counter()
        tests["farthest-point"] = farthest_point(features, k)
        seconds["farthest-point"] = time.perf_counter() - start
    target = subject.options.get("target") or EXTRA_TARGETS.get(name)
    y = target_values(prepared.table, target, encoded.rows) if target else None
    if y is None and prepared.table.labels is not None:  # class folders, --target-key arrays
        target, y = "labels", np.asarray(prepared.table.labels)[encoded.rows]
    first, *others = splits
    evaluation = evaluate_matrix(
        encoded.X,
        tests[first],
        y=y,
        compare=[(s, tests[s]) for s in others if s != NEAREST_ORIGIN],
        settings=EvaluateSettings(random_splits=randoms),
        target=target,
    )
    random_stats = evaluation.random_statistics()
    random_metrics = evaluation.random_metrics()
    by_name = {first: evaluation.split} | {c.name: c for c in evaluation.compares}
    records = []
    for split_name in splits:
        result = by_name[split_name]
        beats = {
            stat: _beats(
                result.statistics.aggregate[stat],
                random_stats[stat].tolist(),
                HIGHER_IS_HARDER[stat],
            )
            for stat in STATISTIC_NAMES
        }
        model = None
        if result.model is not None:
            model = {
                metric: {
                    "value": result.model.metrics[metric],
                    "random_mean": float(np.mean(random_metrics[metric])),
                    "harder": _beats(
                        result.model.metrics[metric],
                        random_metrics[metric].tolist(),
                        METRIC_HIGHER_IS_HARDER[metric],
                    ),
                }
                for metric in random_metrics
            }
        records.append(
            {
                "data_set": name,
                "frac": frac,
                "split": split_name,
                "n": encoded.n,
                "d": encoded.d,
                "k": k,
                "seconds": round(seconds[split_name], 3),
                "iterations": iterations.get(split_name),
                "beats_random": sum(beats.values()),
                "not_beaten": [s for s, won in beats.items() if not won],
                "selection": result.selection.to_dict() if result.selection else None,
                "task": evaluation.task,
                "model": model,
            }
        )
    return records


def done_keys(path: Path) -> set[tuple[str, float, str]]:
    if not path.exists():
        return set()
    records = map(json.loads, path.read_text().splitlines())
    return {(r["data_set"], r["frac"], r["split"]) for r in records}


def drop_records(path: Path, splits: list[str]) -> None:
    """Remove the records of ``splits`` from ``path``, keeping the others in order."""
    if path.exists():
        kept = [
            line
            for line in path.read_text().splitlines()
            if json.loads(line)["split"] not in splits
        ]
        path.write_text("".join(line + "\n" for line in kept))


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _model_cell(record: dict[str, Any]) -> str:
    """``harder``/``easier`` than random on the task's main metric (balanced accuracy, R²)."""
    model = record["model"]
    if not model:
        return "–"
    metric = "balanced_accuracy" if "balanced_accuracy" in model else "r2"
    return "harder" if model[metric]["harder"] else "easier"


def markdown(path: Path) -> str:
    """The per-fraction tables and the issue's targets at 0.2, from the records."""
    records = sorted(
        (json.loads(line) for line in path.read_text().splitlines()),
        key=lambda r: (ORDER.index(r["data_set"]), SPLITS.index(r["split"])),
    )
    lines = []
    for frac in sorted({r["frac"] for r in records}):
        lines += [
            f"\n### frac {frac}\n",
            "| data set | n × d | split | beats random | nearest-origin overlap | "
            "farthest-origin overlap | low-tail coverage | high-tail coverage | kNN vs random | "
            "time (s) |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in records:
            if r["frac"] != frac:
                continue
            s = r["selection"]
            lines.append(
                f"| {r['data_set']} | {r['n']} × {r['d']} | {r['split']} | {r['beats_random']}/7 "
                f"| {_fmt(s['nearest_origin_overlap'])} | {_fmt(s['farthest_origin_overlap'])} "
                f"| {_fmt(s['tail_coverage_low'])} | {_fmt(s['tail_coverage_high'])} "
                f"| {_model_cell(r)} | {r['seconds']:.2f} |"
            )
    distinct = [r for r in records if r["data_set"] not in SAME_DATA]
    groups = {
        "issue 15's four data sets": [r for r in distinct if r["data_set"] in ISSUE_SETS],
        "this project's data sets (sample_data/ and ../shared), each counted once": [
            r for r in distinct if r["data_set"] not in ISSUE_SETS
        ],
    }
    for frac in sorted({r["frac"] for r in records}):
        for label, group in groups.items():
            if any(r["frac"] == frac for r in group):
                lines.append("\n" + summary(group, frac, label))
    return "\n".join(lines)


def summary(records: list[dict[str, Any]], frac: float, label: str) -> str:
    """Medians over the data sets of ``records`` at ``frac`` per split, and the issue's
    targets for the hull."""
    at = [r for r in records if r["frac"] == frac]
    out = [
        f"Medians over {label} ({len({r['data_set'] for r in at})}) at frac {frac}:\n",
        "| split | nearest-origin overlap | low-tail coverage | high-tail coverage | "
        "beats random (min) | kNN harder than random | median time ratio to default |",
        "|---|---|---|---|---|---|---|",
    ]
    default_time = {r["data_set"]: r["seconds"] for r in at if r["split"] == "benchmake-cli"}
    for split in SPLITS:
        rows = [r for r in at if r["split"] == split]
        if not rows:
            continue

        def median(key: str, rows: list[dict[str, Any]] = rows) -> float:
            values = [r["selection"][key] for r in rows if r["selection"][key] is not None]
            return stats.median(values) if values else math.nan

        harder = [_model_cell(r) for r in rows if r["model"]]
        ratios = [r["seconds"] / max(default_time[r["data_set"]], 1e-9) for r in rows]
        out.append(
            f"| {split} | {median('nearest_origin_overlap'):.2f} | "
            f"{median('tail_coverage_low'):.2f} | {median('tail_coverage_high'):.2f} | "
            f"{min(r['beats_random'] for r in rows)}/7 | "
            f"{harder.count('harder')} of {len(harder)} | {stats.median(ratios):.2f} |"
        )
    if frac == TARGET_FRAC:
        out.append("\n" + targets(at, default_time))
    return "\n".join(out)


def targets(at: list[dict[str, Any]], default_time: dict[str, float]) -> str:
    """Issue 15's targets for ``benchmake-hull`` at this fraction, met or missed."""
    hull = [r for r in at if r["split"] == "benchmake-hull"]
    default = [r for r in at if r["split"] == "benchmake-cli"]
    if not hull:
        return ""

    def median(key: str) -> float:
        return stats.median(v for r in hull if (v := r["selection"][key]) is not None)

    below = sorted(f"{r['data_set']} {r['beats_random']}/7" for r in hull if r["beats_random"] < 6)
    knn = [sum(_model_cell(r) == "harder" for r in rows) for rows in (hull, default)]
    timed = [r for r in hull if default_time[r["data_set"]] >= 1.0]
    ratios = {r["data_set"]: r["seconds"] / default_time[r["data_set"]] for r in timed}
    worst = max(ratios, key=ratios.__getitem__) if ratios else None
    checks = [
        ("nearest_origin_overlap ≤ 0.3", median("nearest_origin_overlap") <= 0.3,
         f"median {median('nearest_origin_overlap'):.2f}"),
        ("tail_coverage_low ≥ 0.3", median("tail_coverage_low") >= 0.3,
         f"median {median('tail_coverage_low'):.2f}"),
        ("tail_coverage_high ≥ 0.3", median("tail_coverage_high") >= 0.3,
         f"median {median('tail_coverage_high'):.2f}"),
        ("beats random on ≥ 6 of 7 on every input", not below,
         "below on " + ", ".join(below) if below else "all inputs"),
        ("kNN harder than random on as many inputs as the default", knn[0] >= knn[1],
         f"{knn[0]} against {knn[1]} inputs"),
        ("time ≤ 1.5 × the default's", all(v <= 1.5 for v in ratios.values()),
         f"largest ratio {ratios[worst]:.2f} ({worst}) over the {len(ratios)} inputs whose "
         "default split takes ≥ 1 s" if worst else "no input takes ≥ 1 s"),
    ]  # fmt: skip
    lines = ["| target for benchmake-hull | met | measured |", "|---|---|---|"]
    lines += [f"| {name} | {'yes' if ok else '**no**'} | {text} |" for name, ok, text in checks]
    return "\n".join(lines)


def paired(subject: Any, frac: float, rounds: int) -> str:
    """The default method and the hull, alternately, ``rounds`` times each on the same
    prepared input: median seconds, their ratio, and each one's peak of traced allocations
    (NumPy's arrays included) above what the prepared input already holds."""
    prepared = prepare_subject(subject)
    seconds: dict[str, list[float]] = {method: [] for method in SPLITS[:2]}
    peak: dict[str, int] = {}
    for round_ in range(rounds):
        for method in SPLITS[:2]:
            traced = round_ == 0  # tracing slows allocations: measure memory in round one only
            if traced:
                tracemalloc.start()
            start = time.perf_counter()
            chosen = get_method(method)
            params = SplitParameters(frac, iterations=chosen.default_iterations)
            compute_split(prepared, params, chosen)
            seconds[method].append(time.perf_counter() - start)
            if traced:
                peak[method] = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
    timed = slice(1, None) if rounds > 1 else slice(None)  # round one is traced, slower
    cli, hull = (stats.median(seconds[m][timed]) for m in SPLITS[:2])
    cli_peak, hull_peak = (peak[m] / 2**20 for m in SPLITS[:2])
    return (
        f"{subject.name} {frac}: benchmake-cli {cli:.2f} s, benchmake-hull {hull:.2f} s, "
        f"ratio {hull / cli:.2f} (median of {len(seconds['benchmake-cli'][timed])} rounds); "
        f"peak {cli_peak:.0f} MiB against {hull_peak:.0f} MiB (ratio {hull_peak / cli_peak:.2f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fracs", type=float, nargs="+", default=[0.1, 0.2, 0.3])
    parser.add_argument("--only", nargs="+", default=None)
    parser.add_argument("--skip", nargs="+", default=[])
    parser.add_argument("--randoms", type=int, default=20)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--shared", type=Path, default=SHARED, help="The shared data sets' folder.")
    parser.add_argument("--markdown", action="store_true", help="Print the tables and stop.")
    parser.add_argument("--redo", nargs="+", default=[], choices=SPLITS, help="Measure again.")
    parser.add_argument("--paired", type=int, metavar="ROUNDS", help="Time and memory only.")
    options = parser.parse_args()
    if options.paired:
        for name in options.only or ORDER:
            for frac in options.fracs:
                print(paired(subject_at(name, options.shared), frac, options.paired), flush=True)
        return
    if options.markdown:
        print(markdown(options.out))
        return
    names = [n for n in (options.only or ORDER) if n not in options.skip]
    drop_records(options.out, options.redo)
    done = done_keys(options.out)
    for frac in options.fracs:
        for name in names:
            subject = subject_at(name, options.shared)
            todo = tuple(s for s in SPLITS if (name, frac, s) not in done)
            if not todo or subject is None or not subject.path.exists():
                continue
            records = measure(subject, frac, options.randoms, todo)
            with options.out.open("a") as sink:
                sink.writelines(json.dumps(r) + "\n" for r in records)
            for r in records:
                s = r["selection"]
                print(
                    f"{name} {frac} {r['split']}: {r['beats_random']}/7, "
                    f"overlap {_fmt(s['nearest_origin_overlap'])}, tails "
                    f"{_fmt(s['tail_coverage_low'])}/{_fmt(s['tail_coverage_high'])}, "
                    f"kNN {_model_cell(r)}, {r['seconds']:.2f} s",
                    flush=True,
                )


if __name__ == "__main__":
    main()
