"""The typed manifest: ``open_manifest`` gives a ``Manifest`` whose section accessors read
every archived manifest as recorded, and read the fields an older benchmake did not write
as their defaults (so those manifests still load and verify)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from benchmake_cli import load_split
from benchmake_cli.bundle import names
from benchmake_cli.bundle.manifest import Manifest, open_manifest
from benchmake_cli.errors import ManifestError
from benchmake_cli.tasks.card import card_for_manifest
from benchmake_cli.tasks.verify import verify_manifest

ARCHIVE = Path(__file__).resolve().parent / "golden" / "bundles"
CASES = sorted(path.name for path in ARCHIVE.iterdir() if (path / "bundle").is_dir())


@pytest.mark.parametrize("case", CASES)
def test_the_accessors_read_every_archived_manifest_as_recorded(case: str) -> None:
    folder = ARCHIVE / case / "bundle"
    raw = json.loads((folder / names.MANIFEST).read_text(encoding="utf-8"))
    manifest = open_manifest(folder)
    assert isinstance(manifest, Manifest) and manifest.file == folder / names.MANIFEST
    assert (manifest.method.name, manifest.method.version) == (
        raw["method"]["name"],
        raw["method"]["version"],
    )
    assert manifest.method.parameters == raw["method"]["parameters"]
    assert (manifest.input.name, manifest.input.sha256, manifest.input.format) == (
        raw["input"]["name"],
        raw["input"]["sha256"],
        raw["input"]["format"],
    )
    assert (manifest.encoding.n, manifest.encoding.d) == (
        raw["encoding"]["n"],
        raw["encoding"]["d"],
    )
    assert manifest.encoding.content_sha256 == raw["encoding"]["content_sha256"]
    assert (manifest.split.n_train, manifest.split.n_test) == (
        raw["split"]["n_train"],
        raw["split"]["n_test"],
    )
    assert manifest.split.indices_file("test") == raw["split"]["test_indices"]
    assert {name: entry.sha256 for name, entry in manifest.files.items()} == {
        name: entry["sha256"] for name, entry in raw["files"].items()
    }
    assert manifest.record("split") == raw["split"]
    assert (folder / manifest.side_file("test")).exists()


def test_fields_an_older_manifest_lacks_read_as_their_defaults() -> None:
    manifest = Manifest(
        {
            "schema": "benchmake-manifest/1",
            "method": {"name": "benchmake-cli", "version": 1},
            "input": {"name": "a.csv"},
            "encoding": {"modality": "tabular"},
            "split": {"n_test": 3},
            "files": {"x.csv": "not an entry"},
        }
    )
    assert manifest.split.indices_file("test") == names.TEST_INDICES
    assert manifest.split.indices_file("train", reference=True) == names.REFERENCE_TRAIN_INDICES
    assert (manifest.split.files, manifest.split.has_reference_indices) == ("list", False)
    assert (manifest.method.parameters, manifest.method.k, manifest.method.sharded) == (
        {},
        None,
        False,
    )
    assert manifest.method.shard_rows() is None
    assert (manifest.encoding.target, manifest.encoding.id_columns) == (None, [])
    assert (manifest.encoding.dropped_rows, manifest.encoding.one_hot) == ([], {})
    assert (manifest.info.device, manifest.info.decision_margins, manifest.tool.version) == (
        None,
        None,
        None,
    )
    assert manifest.input.details == {} and manifest.input.output_key is None
    assert manifest.files["x.csv"].sha256 is None
    assert manifest.record("info") == {}
    assert manifest.mistyped({("split", "n_test"): int, ("split", "n_train"): int}) == [
        "split.n_train",
        "files.x.csv.sha256",
    ]


def test_a_malformed_sharding_record_is_refused_by_name() -> None:
    manifest = Manifest({"method": {"parameters": {"sharding": {"shard_rows": "many"}}}})
    with pytest.raises(ManifestError, match=r"method\.parameters\.sharding is malformed"):
        manifest.method.shard_rows()


def _copy_case(tmp_path: Path, case: str) -> Path:
    shutil.copytree(ARCHIVE / case, tmp_path / case)
    return tmp_path / case / "bundle"


def _edit_manifest(folder: Path, edit: object) -> None:
    path = folder / names.MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    edit(manifest)  # type: ignore[operator]
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def test_a_manifest_without_index_file_names_still_loads_and_verifies(tmp_path: Path) -> None:
    # benchmake wrote split.test_indices and split.train_indices from some version on
    folder = _copy_case(tmp_path, "alloys_csv_cli")

    def drop_names(manifest: dict) -> None:
        del manifest["split"]["test_indices"], manifest["split"]["train_indices"]

    _edit_manifest(folder, drop_names)
    for stale in (names.LEGACY_CARD, names.CROISSANT):  # bound to the manifest before the edit
        (folder / stale).unlink()
    loaded = load_split(folder)
    assert (len(loaded.test_rows), len(loaded.train_rows)) == (60, 240)
    report = verify_manifest(folder, bundle_only=True)
    assert report.checks_passed, [c.message for c in report.checks if not c.ok]


def test_card_reads_the_recorded_test_index_file(tmp_path: Path) -> None:
    folder = _copy_case(tmp_path, "alloys_csv_cli")
    (folder / names.TEST_INDICES).rename(folder / "held_out.txt")

    def rename(manifest: dict) -> None:
        manifest["split"]["test_indices"] = "held_out.txt"
        manifest["files"]["held_out.txt"] = manifest["files"].pop(names.TEST_INDICES)

    _edit_manifest(folder, rename)
    written, scores = card_for_manifest(folder)
    assert [path.name for path in written] == [names.CARD, names.CROISSANT]
    assert scores.criterion is not None and scores.baseline is not None


def test_a_recorded_index_file_outside_the_bundle_is_refused(tmp_path: Path) -> None:
    folder = _copy_case(tmp_path, "alloys_csv_cli")
    _edit_manifest(folder, lambda m: m["split"].update(test_indices="../test_indices.txt"))
    with pytest.raises(
        ManifestError, match=re.escape("split.test_indices '../test_indices.txt' is not")
    ):
        card_for_manifest(folder)
