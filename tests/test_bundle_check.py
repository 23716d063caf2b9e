"""``verify`` without the data: the bundle check, its exit code, and the reviewer's flow
of the design card (``benchmake verify splits/manifest.json`` with no ``--data``)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from benchmake_cli import split_file, verify_manifest
from benchmake_cli.errors import ExitCode

from .conftest import SAMPLE, invoke
from .test_tamper import TAMPERING

#: every sample_data/ input, with the options it is split with
SAMPLE_SPLITS = [
    ("alloys.csv", ("--id-col", "alloy_id", "--target", "hardness_hv")),
    ("alloys.parquet", ("--id-col", "alloy_id")),
    ("graph_nodes.csv", ("--type", "graph", "--id-col", "graph")),
    ("micrographs", ("--image-size", "16x16", "--mode", "L")),
    ("molecules.csv", ("--sequence-col", "smiles", "--tokens", "smiles")),
    ("molecules.smi", ()),
    ("molgraphs", ()),
    ("peptides.txt", ("--type", "sequence")),
    ("proteins.fasta", ("--kmer", "2")),
    ("shapes.h5", ("--key", "images", "--target-key", "labels")),
    (
        "shapes.npz",
        (
            "--key",
            "train_images,val_images,test_images",
            "--target-key",
            "train_labels,val_labels,test_labels",
        ),
    ),
    ("shapes.npy", ()),
    ("shapes_png", ()),
    ("vibration.npy", ()),
    ("vibration_csv", ("--resample", "64")),
    ("vibration_npy", ("--copy",)),
]
SPLIT_IDS = [name for name, _ in SAMPLE_SPLITS]
ALLOYS = SAMPLE_SPLITS[0][1]


def split_sample(runner: CliRunner, tmp_path: Path, name: str, options: tuple[str, ...]) -> Path:
    """Split a copy of a sample input into ``tmp_path/splits``; return that folder."""
    data = tmp_path / name
    (shutil.copytree if (SAMPLE / name).is_dir() else shutil.copy)(SAMPLE / name, data)
    out = tmp_path / "splits"
    result = invoke(runner, "split", data, "--frac", "0.2", "--out", out, "-q", *options)
    assert result.exit_code == 0, result.stderr
    return out


def test_the_design_cards_flow_verifies_without_data(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(SAMPLE / "alloys.parquet", "data.parquet")
    args = ("data.parquet", "--frac", "0.2", "--out", "splits/", "--id-col", "alloy_id")
    assert invoke(runner, "split", *args, "--target", "hardness_hv").exit_code == 0
    result = invoke(runner, "verify", "splits/manifest.json")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "verified"
    evaluated = invoke(runner, "evaluate", "splits/manifest.json", "--random", "2", "-q")
    assert evaluated.exit_code == 0, evaluated.stderr

    Path("data.parquet").rename("moved.parquet")
    result = invoke(runner, "verify", "splits/manifest.json")
    assert result.exit_code == ExitCode.DATA_NOT_CHECKED == 11
    lines = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == [
        "ok    manifest",
        "ok    schema",
        "ok    files",
        "ok    indices",
        "ok    split files",
        "ok    card",
        "ok    content",  # the split files hold the rows: the split is recomputed from them
        "ok    split",
        "ok    record",
    ]
    assert lines[3] == (
        "ok    indices: 60 test (k = 60) and 240 train rows, disjoint, covering the 300 rows"
    )
    assert lines[4] == (
        "ok    split files: train.parquet and test.parquet hold 240 and 60 rows: their "
        "content, carried and test hashes match"
    )
    assert lines[-1] == (
        "split recomputed from the bundle's 300 rows (train.parquet and test.parquet); the "
        "original file's bytes were not checked: data.parquet not found; pass --data PATH to "
        "check the data and recompute the split"
    )
    payload = json.loads(invoke(runner, "verify", "splits", "--json").stdout)
    assert payload["exit_code"] == 11 and payload["ok"] is False
    assert payload["data_checked"] is False and payload["data_looked_for"] == "data.parquet"
    assert payload["result"] == lines[-1] and all(c["ok"] for c in payload["checks"])
    assert invoke(runner, "verify", "splits", "--data", "moved.parquet").exit_code == 0

    evaluated = invoke(runner, "evaluate", "splits/manifest.json")
    assert evaluated.exit_code == ExitCode.NOT_FOUND
    assert evaluated.stderr == (
        "benchmake: error: the manifest's data is not at data.parquet; "
        "pass --data PATH to name it\n"
    )


def test_bundle_only_checks_the_bundle_though_the_data_is_there(
    runner: CliRunner, tmp_path: Path
) -> None:
    out = split_sample(runner, tmp_path, "alloys.csv", ALLOYS)
    result = invoke(runner, "verify", out, "--bundle-only")
    assert result.exit_code == ExitCode.DATA_NOT_CHECKED, result.stdout
    assert result.stdout.splitlines()[-1] == (
        "data not checked (--bundle-only): pass --data PATH, or leave out --bundle-only "
        f"to check {tmp_path / 'alloys.csv'}"
    )
    assert verify_manifest(out, bundle_only=True).exit_code == ExitCode.DATA_NOT_CHECKED


def test_a_missing_data_file_named_by_data_is_not_found(runner: CliRunner, tmp_path: Path) -> None:
    out = split_sample(runner, tmp_path, "alloys.csv", ALLOYS)
    result = invoke(runner, "verify", out, "--data", tmp_path / "nope.csv")
    assert result.exit_code == ExitCode.NOT_FOUND
    assert result.stderr == f"benchmake: error: {tmp_path / 'nope.csv'}: no such file or folder\n"


@pytest.mark.parametrize(("name", "options"), SAMPLE_SPLITS, ids=SPLIT_IDS)
def test_every_sample_bundle_passes_its_bundle_check(
    runner: CliRunner, tmp_path: Path, name: str, options: tuple[str, ...]
) -> None:
    out = split_sample(runner, tmp_path, name, options)
    report = verify_manifest(out, bundle_only=True)
    listed = name in ("micrographs", "shapes_png", "vibration_csv", "vibration_npy")
    assert [c.name for c in report.checks if c.ok] == [
        "manifest",
        "schema",
        "files",
        "indices",
        "split files",
        *(["listings"] if listed else []),
        "card",
    ], report.checks
    assert report.exit_code == ExitCode.DATA_NOT_CHECKED
    split_files = next(c.message for c in report.checks if c.name == "split files")
    assert split_files.endswith(
        "(they list files; their content is the data's)"
        if listed
        else ": their content, carried and test hashes match"
    )


#: tamperings of the bundle alone that the bundle check catches without the data
CAUGHT_WITHOUT_DATA = {
    "a split file edited": "files",
    "a split file edited, its hash recorded": "split files",
    "a split file deleted": "files",
    "a split file deleted and unlisted": "split files",
    "a training row dropped, hash recorded": "indices",
    "the fraction edited": "indices",
    "the test count edited": "indices",
    "the content hash edited": "split files",
    "the test set's hash edited": "split files",
    "the carried hash edited": "split files",
    "a listed file outside the folder": "schema",
}


@pytest.mark.parametrize(
    ("tamper", "check"),
    [
        (case[1], CAUGHT_WITHOUT_DATA[case[0]])
        for case in TAMPERING
        if case[0] in CAUGHT_WITHOUT_DATA
    ],
    ids=[case[0] for case in TAMPERING if case[0] in CAUGHT_WITHOUT_DATA],
)
def test_an_edited_bundle_fails_without_the_data(
    runner: CliRunner, tmp_path: Path, tamper: Callable[[Path, Path], None], check: str
) -> None:
    out = split_sample(runner, tmp_path, "alloys.csv", ALLOYS)
    data = tmp_path / "alloys.csv"
    tamper(data, out)
    data.unlink()
    result = invoke(runner, "verify", out)
    assert result.exit_code == ExitCode.VERIFY_FAILED, result.stdout
    failed = [line for line in result.stdout.splitlines() if line.startswith("FAIL")]
    assert failed and failed[0].startswith(f"FAIL  {check}:"), result.stdout
    assert result.stdout.splitlines()[-1].startswith("NOT verified")


def test_a_rows_edit_is_named_by_the_index_check(runner: CliRunner, tmp_path: Path) -> None:
    out = split_sample(runner, tmp_path, "alloys.csv", ALLOYS)
    test_rows = (out / "test_indices.txt").read_text().splitlines()
    (out / "train_indices.txt").write_text(
        "\n".join([test_rows[0], *(out / "train_indices.txt").read_text().splitlines()]) + "\n"
    )
    report = verify_manifest(out, bundle_only=True)
    indices = next(c for c in report.checks if c.name == "indices")
    assert not indices.ok
    assert indices.message == (
        "train_indices lists 241 rows, the manifest records 240; 241 + 60 rows, n = 300; "
        f"train_indices is not in ascending order; row {test_rows[0]} in both index files"
    )


def test_a_fraction_of_less_than_one_row_warns_and_says_so(
    runner: CliRunner, tmp_path: Path
) -> None:
    data = tmp_path / "fifty.csv"
    data.write_text("".join((SAMPLE / "alloys.csv").read_text().splitlines(True)[:51]))
    out = tmp_path / "splits"
    result = invoke(runner, "split", data, "--frac", "0.001", "--out", out, "--id-col", "alloy_id")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        "benchmake: warning: --frac 0.001 asks for less than one test row: 0.05 of 50 rows; "
        "gave 1 (2 % of the rows)\n"
    )
    assert result.stdout.startswith(
        f"{data}: 50 rows -> 49 train, 1 test (frac 0.001; less than one row asked, 1 given) in"
    )
    notes = split_file(data, frac=0.001, id_columns=["alloy_id"]).notes
    assert (
        "--frac 0.001 asks for less than one test row: 0.05 of 50 rows; gave 1 (2 % of the rows)"
        in notes
    )
    assert verify_manifest(out).ok


@pytest.mark.parametrize(
    ("name", "options", "matched"),
    [
        ("molecules.smi", ("--method", "benchmake-1.1.2"), "their carried hash matches"),
        (
            "alloys.csv",
            ("--method", "benchmake-1.1.2", "--id-col", "alloy_id"),
            "their content, carried and test hashes match",
        ),
    ],
    ids=["reference sequences", "reference table"],
)
def test_the_reference_methods_bundle_is_checked_by_the_hashes_it_records(
    runner: CliRunner, tmp_path: Path, name: str, options: tuple[str, ...], matched: str
) -> None:
    """The reference method hashes a sequence's text: its content hash is not the encoded
    rows', so the bundle check compares only what it can recompute."""
    out = split_sample(runner, tmp_path, name, options)
    report = verify_manifest(out, bundle_only=True)
    assert report.exit_code == ExitCode.DATA_NOT_CHECKED, report.checks
    split_files = next(c.message for c in report.checks if c.name == "split files")
    assert split_files.endswith(matched)
