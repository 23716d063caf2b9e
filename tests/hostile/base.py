"""The shared inputs the hostile cases start from, built once per test session."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from benchmake_cli import split_file

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
ALLOYS = {"target": "hardness_hv", "id_columns": ["alloy_id"]}
ALLOYS_ARGS = ["--frac", "0.2", "--target", "hardness_hv", "--id-col", "alloy_id"]


def ids_frame() -> pd.DataFrame:
    """40 rows: a 20-digit id, a zero-padded code, two features, a text feature, a target."""
    rng = np.random.default_rng(7)
    return pd.DataFrame(
        {
            "big_id": [str(98765432109876543200 + i) for i in range(40)],
            "code": [f"A{i:04d}" for i in range(40)],
            "a": rng.normal(size=40).round(6),
            "b": rng.normal(size=40).round(6),
            "phase": rng.choice(["fcc", "bcc"], size=40),
            "y": [f"{v:.2f}" for v in rng.normal(10, 2, size=40)],
        }
    )


def build_base(root: Path) -> Path:
    """Write the inputs and their bundles into ``root``."""
    shutil.copy(SAMPLE / "alloys.csv", root / "alloys.csv")
    split_file(root / "alloys.csv", frac=0.2, out=root / "splits", **ALLOYS)
    shutil.copytree(SAMPLE / "shapes_png", root / "shapes_png")
    split_file(root / "shapes_png", frac=0.2, out=root / "imgsplits")
    ids_frame().to_csv(root / "ids.csv", index=False)
    split_file(
        root / "ids.csv",
        frac=0.2,
        out=root / "idsplits",
        target="y",
        id_columns=["big_id", "code"],
    )
    return root


def copy(base: Path, tmp: Path, *names: str) -> None:
    """Copy the named inputs and bundles of ``base`` into ``tmp``."""
    for name in names:
        source = base / name
        if source.is_dir():
            shutil.copytree(source, tmp / name, symlinks=True)
        else:
            shutil.copy(source, tmp / name)


def edit_manifest(folder: Path, edit) -> None:  # type: ignore[no-untyped-def]
    """Apply ``edit`` to the manifest's JSON and write it back as split writes it."""
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text())
    edit(manifest)
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def rehash(folder: Path, *names: str) -> None:
    """Record the current SHA-256 and size of the named split files (a forger's step)."""
    import hashlib

    def edit(manifest: dict) -> None:  # type: ignore[type-arg]
        for name in names:
            data = (folder / name).read_bytes()
            manifest["files"][name] = {
                "sha256": hashlib.sha256(data).hexdigest(),
                "bytes": len(data),
            }
            if name == manifest["split"]["test_indices"]:
                manifest["split"]["test_indices_sha256"] = manifest["files"][name]["sha256"]

    edit_manifest(folder, edit)
