"""--type: the documented auto-detection rules, explicit types, and types that do not fit."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from benchmake_cli import prepare
from benchmake_cli.errors import ExitCode, ParameterError
from benchmake_cli.formats import ReadOptions

from .conftest import SAMPLE, assert_clean_failure, invoke


@pytest.mark.parametrize(
    ("shape", "modality"),
    [((20, 6), "tabular"), ((20,), "tabular"), ((20, 9, 7), "image"), ((20, 30, 3), "signal"),
     ((20, 5, 5, 3), "image")],
)  # fmt: skip
def test_arrays_by_rank(tmp_path: Path, shape: tuple[int, ...], modality: str) -> None:
    path = tmp_path / "a.npy"
    np.save(path, np.random.default_rng(0).random(shape))
    assert prepare(path).encoded.modality == modality


def test_a_folder_with_images_and_a_csv_is_an_image_folder_unless_told(tmp_path: Path) -> None:
    root = tmp_path / "both"
    (root / "k").mkdir(parents=True)
    for i in range(4):
        Image.fromarray(np.full((3, 3), i * 60, dtype=np.uint8)).save(root / "k" / f"{i}.png")
        (root / "k" / f"{i}.csv").write_text(f"v\n{i}\n{i + 1}\n")
    (root / "metadata.csv").write_text("ignored,by,images\n")
    assert prepare(root).encoded.modality == "image"
    with pytest.raises(Exception, match="is at the top while"):
        prepare(root, ReadOptions(type="signal"))
    (root / "metadata.csv").unlink()
    assert prepare(root, ReadOptions(type="signal")).encoded.X.tolist()[0] == [0.0, 1.0]


def test_manifest_records_the_chosen_type_and_verify_reuses_it(
    runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = invoke(runner, "split", SAMPLE / "peptides.txt", "--frac", "0.2", "--out", out,
                    "--type", "sequence", "--kmer", "2")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["encoding"]["modality"] == "sequence"
    assert manifest["input"]["format"] == "text"
    assert manifest["encoding"]["parameters"]["kmer"] == 2
    assert invoke(runner, "verify", out, "--data", SAMPLE / "peptides.txt").exit_code == 0


def test_unknown_type_is_a_parameter_error() -> None:
    with pytest.raises(ParameterError, match="--type 'video': not a type"):
        prepare(SAMPLE / "alloys.csv", ReadOptions(type="video"))


CASES = [
    (
        "image on a table",
        "alloys.csv",
        ("--type", "image"),
        "--type image: does not fit alloys.csv (a table); it can be read as tabular, sequence, signal or graph",
    ),
    (
        "sequence on an array",
        "vibration.npy",
        ("--type", "sequence"),
        "--type sequence: does not fit vibration.npy (an array); it can be read as tabular, image",
    ),
    (
        "image on a 2-D array",
        "graph_nodes.csv",
        ("--type", "image"),
        "--type image: does not fit graph_nodes.csv",
    ),
    ("graph on an image folder", "shapes_png", ("--type", "graph"), "no num-node-list.csv[.gz]"),
    (
        "tabular on fasta",
        "proteins.fasta",
        ("--type", "tabular"),
        "--type tabular: does not fit proteins.fasta (a sequence file); it can be read as sequence",
    ),
]


@pytest.mark.parametrize(
    ("data", "extra", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_types_that_do_not_fit(
    runner: CliRunner, tmp_path: Path, data: str, extra: tuple[str, ...], message: str
) -> None:
    out = tmp_path / "out"
    result = invoke(runner, "split", SAMPLE / data, "--frac", "0.2", "--out", out, *extra)
    code = ExitCode.BAD_DATA if "num-node-list" in message else ExitCode.BAD_PARAMETER
    assert_clean_failure(result, tmp_path, out, code, message)
