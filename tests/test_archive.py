"""The frozen archive: bundles written by earlier versions verify and load on this one.

``tests/golden/bundles/`` holds bundles that ``tests/golden/make_bundles.py`` wrote once, with
the version named in each manifest, for every method, whole and sharded, from a table, a
Parquet file, an image folder, sequence files and arrays. They are never rewritten: a
published manifest is a promise that every later version says "verified" for that data. A
change to what a method computes needs a new method version (docs/manifest.md).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from benchmake_cli import load_split

from .conftest import invoke

ARCHIVE = Path(__file__).resolve().parent / "golden" / "bundles"

#: SHA-256 of each frozen manifest: the archive itself must not be regenerated
FROZEN = {
    "alloys_csv_cli": "b867b51e968cdfa62553026afbc22195879f5a09bb17e06948c6877557d41fe7",
    "alloys_csv_hull": "bca520a4baa4463c67340a5a8f0986684a610905a65bea31a56ee6c16c59a519",
    "alloys_csv_reference": "5d10ba2449153ad415a6110ef0d2b7941864e4c1b11d8978cf5be6b2d4babd16",
    "alloys_parquet_cli": "e0c391c42ce250531be3d45d04a98c361b8088ce6ce330d5485b7d0389ba6739",
    "molecules_smi_cli": "5fa27237d272463755327269a3ae182eee2282f3137b33a0fd69270caf9a9f79",
    "proteins_fasta_cli": "9debd08a52d2f5a0168b86ad744935f6befebbff55c15a53af06d52d721ddf0b",
    "shapes_h5_cli": "60cdbaed5b480cf4af732197c804ddf5c7e8064aa5b0c1e1dbcb3699473d74a1",
    "shapes_png_cli": "accab7ca3532c93867d880222a5392b85a5dcabef7e4c625f46cadb7ad81043a",
    "vibration_npy_cli": "17480949d02fc80369d9b505ab42204cf78e9ac7eab3b741726b2f54d490a5f7",
    "wide900_cli_sharded": "2873867f0ec25c91c26066bad7f69af6bcb8b664290ddd379b094e700d5766a1",
    "wide900_hull_sharded": "7812a1cbfc9761304f3cbc451ed5191111897f740d7961b03afe851464d420ba",
}


def test_the_archive_holds_every_frozen_case() -> None:
    assert sorted(p.name for p in ARCHIVE.iterdir() if p.is_dir()) == sorted(FROZEN)


def test_the_archive_covers_every_method_whole_and_sharded() -> None:
    seen = set()
    for case in FROZEN:
        manifest = json.loads((ARCHIVE / case / "bundle" / "manifest.json").read_text())
        sharded = "sharding" in manifest["method"]["parameters"]
        seen.add((manifest["method"]["name"], "sharded" if sharded else "whole"))
    assert {
        ("benchmake-cli", "whole"),
        ("benchmake-cli", "sharded"),
        ("benchmake-hull", "whole"),
        ("benchmake-hull", "sharded"),
        ("benchmake-1.1.2", "whole"),
    } <= seen


@pytest.mark.parametrize("case", sorted(FROZEN))
def test_a_frozen_bundle_verifies_and_loads(runner, case: str) -> None:  # type: ignore[no-untyped-def]
    manifest = ARCHIVE / case / "bundle" / "manifest.json"
    assert hashlib.sha256(manifest.read_bytes()).hexdigest() == FROZEN[case]
    result = invoke(runner, "verify", manifest, "--json")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["ok"] is True

    recorded = json.loads(manifest.read_text())["split"]
    loaded = load_split(manifest)
    assert len(loaded.train) == recorded["n_train"]
    assert len(loaded.test) == recorded["n_test"]
