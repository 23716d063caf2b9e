"""Write the pinned golden splits (``tests/golden/splits/<case>.test.txt``).

Each case is an input, a method and a mode (whole, or sharded with ``shard_rows``); its file
holds the test rows, one per line, ascending, as ``test_indices.txt`` holds them. The train
rows are the rest. ``tests/test_golden_splits.py`` recomputes every case with the current
code and compares it with these literal files, so a change to what any method computes, in
any mode, fails CI instead of silently breaking every bundle already published.

Run once, from the repository root, with the version whose splits are pinned::

    python tests/golden/make_splits.py

Never rerun it to make a failing test pass: a change to a method's result needs a new
method version (docs/manifest.md, "Compatibility"), with new cases for the new version.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data"
GOLDEN = Path(__file__).resolve().parent
SPLITS = GOLDEN / "splits"
#: the frozen archive's generated 900-row table (tests/golden/make_bundles.py)
WIDE = GOLDEN / "bundles" / "wide900_cli_sharded" / "wide900.csv"
METHODS = ("benchmake-cli", "benchmake-hull")
REFERENCE = "benchmake-1.1.2"

#: every sample_data/ input with the options the determinism matrix reads it with
# fmt: off
SAMPLES: dict[str, dict[str, Any]] = {
    "alloys.csv": {"target": "hardness_hv", "id_columns": ["alloy_id"]},
    "alloys.parquet": {"target": "hardness_hv", "id_columns": ["alloy_id"]},
    "graph_nodes.csv": {"type": "graph", "id_columns": ["graph"]},
    "micrographs": {"image_size": "16x16", "mode": "L"},
    "molecules.csv": {"sequence_col": "smiles", "tokens": "smiles"},
    "molecules.smi": {},
    "molgraphs": {},
    "peptides.txt": {"type": "sequence"},
    "proteins.fasta": {"kmer": 2},
    "shapes.h5": {"key": "images", "target_key": "labels"},
    "shapes.npy": {},
    "shapes.npz": {"key": "train_images,val_images,test_images",
                   "target_key": "train_labels,val_labels,test_labels"},
    "shapes_png": {},
    "vibration.npy": {},
    "vibration_csv": {"resample": 64},
    "vibration_npy": {},
}
# fmt: on
ALLOY_NUMBERS = ["fe", "ni", "cr", "mo", "c", "anneal_temp_c", "cooling_rate_k_s"]
WIDE_OPTIONS = {"target": "y", "id_columns": ["sample_id"]}


def ties_table(path: Path, n: int = 400, seed: int = 28) -> Path:
    """A generated table of small integers: many identical rows and exact distance ties, so
    the tie rules (hash order, first copy first, the matcher's exact fallback) decide."""
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 4, size=(n, 3))
    lines = ["a,b,c"] + [",".join(str(int(v)) for v in row) for row in values]
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    return path


def cases() -> dict[str, tuple[str, float, dict[str, Any]]]:
    """name: (input, relative to the repository root or ``@ties``, frac, split_file options)."""
    found: dict[str, tuple[str, float, dict[str, Any]]] = {}
    for name, options in SAMPLES.items():
        for method in METHODS:
            found[f"{name}__{method}"] = (f"sample_data/{name}", 0.2, {**options, "method": method})
    alloys = SAMPLES["alloys.csv"]
    found[f"alloys.csv__{REFERENCE}"] = (
        "sample_data/alloys.csv",
        0.2,
        {**alloys, "method": REFERENCE},
    )
    found[f"shapes_png__{REFERENCE}"] = ("sample_data/shapes_png", 0.25, {"method": REFERENCE})
    found[f"proteins.fasta__{REFERENCE}"] = (
        "sample_data/proteins.fasta",
        0.2,
        {"method": REFERENCE},
    )
    # 300 × 0.07 is 21.000000000000004 in floats: the decimal rule gives 21 test rows
    found["alloys.csv__benchmake-cli__frac0.07"] = ("sample_data/alloys.csv", 0.07, dict(alloys))
    wide = str(WIDE.relative_to(ROOT))
    for method in (*METHODS, REFERENCE):
        found[f"wide900__{method}"] = (wide, 0.2, {**WIDE_OPTIONS, "method": method})
        found[f"ties__{method}"] = ("@ties", 0.25, {"method": method})
    for method in METHODS:
        for rows, frac in ((300, 0.2), (150, 0.1)):
            sharded = {**WIDE_OPTIONS, "method": method, "shard_rows": rows}
            found[f"wide900__{method}__shards{rows}__frac{frac}"] = (wide, frac, sharded)
        found[f"ties__{method}__shards100"] = ("@ties", 0.25, {"method": method, "shard_rows": 100})
        numbers = {**alloys, "features": ALLOY_NUMBERS, "method": method, "shard_rows": 100}
        found[f"alloys.csv__{method}__shards100"] = ("sample_data/alloys.csv", 0.2, numbers)
    return found


def input_path(source: str, work: Path) -> Path:
    """The input of a case: a repository file, or the generated table written into ``work``."""
    return ties_table(work / "ties.csv") if source == "@ties" else ROOT / source


def compute(source: str, frac: float, options: dict[str, Any], work: Path) -> np.ndarray:
    """The test rows of a case with the current code."""
    from benchmake_cli import split_file

    return split_file(input_path(source, work), frac=frac, threads=1, **options).test


def as_text(rows: np.ndarray) -> str:
    return "".join(f"{int(i)}\n" for i in rows)


def main() -> int:
    import tempfile

    SPLITS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        for name, (source, frac, options) in cases().items():
            rows = compute(source, frac, options, Path(work))
            (SPLITS / f"{name}.test.txt").write_text(as_text(rows), encoding="ascii")
            print(f"{name}: {len(rows)} test rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
