"""Write the frozen archive of published bundles (``tests/golden/bundles/``).

Run once, from the repository root, with the version of benchmake whose bundles are being
frozen::

    python tests/golden/make_bundles.py            # writes tests/golden/bundles/
    python tests/golden/make_bundles.py --inputs   # only (re)writes the input files

Each case is a folder holding its input (copied from ``sample_data/`` or generated here,
deterministically) and the bundle ``split`` wrote from it, in ``bundle/``. The bundles are
never rewritten by a later version: ``tests/test_archive.py`` verifies every one of them with
the current code, and a change that alters what a method computes must bump that method's
version instead (docs/manifest.md, "Compatibility").
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data"
ARCHIVE = Path(__file__).resolve().parent / "bundles"

ALLOYS = ["--target", "hardness_hv", "--id-col", "alloy_id"]
WIDE = ["--target", "y", "--id-col", "sample_id"]

# name: (input inside the case folder, where it comes from, split options)
CASES: dict[str, tuple[str, str, list[str]]] = {
    "alloys_csv_cli": ("alloys.csv", "sample", ["--frac", "0.2", *ALLOYS]),
    "alloys_parquet_cli": ("alloys.parquet", "sample", ["--frac", "0.2", *ALLOYS]),
    "alloys_csv_hull": ("alloys.csv", "sample", ["--frac", "0.2", "--method", "benchmake-hull", *ALLOYS]),
    "alloys_csv_reference": (
        "alloys.csv", "sample",
        ["--frac", "0.2", "--method", "benchmake-1.1.2", "--reference-indices", *ALLOYS],
    ),
    "wide900_cli_sharded": ("wide900.csv", "generated", ["--frac", "0.2", "--shard-rows", "300", *WIDE]),
    "wide900_hull_sharded": (
        "wide900.csv", "generated",
        ["--frac", "0.2", "--shard-rows", "300", "--method", "benchmake-hull", *WIDE],
    ),
    "shapes_png_cli": ("shapes_png", "sample", ["--frac", "0.25"]),
    "proteins_fasta_cli": ("proteins.fasta", "sample", ["--frac", "0.2"]),
    "molecules_smi_cli": ("molecules.smi", "sample", ["--frac", "0.1"]),
    "shapes_h5_cli": ("shapes.h5", "sample", ["--frac", "0.2", "--key", "images", "--target-key", "labels"]),
    "vibration_npy_cli": ("vibration.npy", "sample", ["--frac", "0.3"]),
}  # fmt: skip


def wide_table(path: Path, n: int = 900, seed: int = 20261207) -> None:
    """A 900-row table: an id, six features of different shapes, a target; fixed text."""
    rng = np.random.default_rng(seed)
    features = np.column_stack(
        [
            rng.normal(0.0, 1.0, n),
            rng.uniform(-5.0, 5.0, n),
            rng.exponential(2.0, n),
            rng.integers(0, 12, n).astype(float),
            rng.normal(10.0, 0.1, n),
            rng.beta(0.5, 0.5, n),
        ]
    )
    target = features @ np.array([1.0, -0.5, 0.25, 0.1, 3.0, -2.0]) + rng.normal(0, 0.1, n)
    lines = ["sample_id,f1,f2,f3,f4,f5,f6,y"]
    for i in range(n):
        cells = ",".join(f"{v:.6f}" for v in features[i])
        lines.append(f"S{i:04d},{cells},{target[i]:.6f}")
    path.write_text("\n".join(lines) + "\n", encoding="ascii")


def write_input(case: Path, name: str, source: str) -> None:
    target = case / name
    if target.exists():
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    if source == "generated":
        wide_table(target)
    elif (SAMPLE / name).is_dir():
        shutil.copytree(SAMPLE / name, target)
    else:
        shutil.copyfile(SAMPLE / name, target)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", action="store_true", help="only write the input files")
    args = parser.parse_args()
    for name, (data, source, options) in CASES.items():
        case = ARCHIVE / name
        case.mkdir(parents=True, exist_ok=True)
        write_input(case, data, source)
        if args.inputs:
            continue
        command = ["benchmake", "split", data, *options, "--out", "bundle", "--force", "--quiet"]
        subprocess.run(command, cwd=case, check=True)
        print(f"{name}: {' '.join(command[1:])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
