"""Where scientists publish: the bundle as a Hugging Face dataset and Croissant 1.1, verified
from its own files, and a challenge whose test targets stay private."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from benchmake_cli.errors import ExitCode

from .conftest import SAMPLE, invoke

ALLOYS = ("--target", "hardness_hv", "--id-col", "alloy_id")


def _split(runner: CliRunner, data: Path, out: Path, *options: str) -> Path:
    result = invoke(runner, "split", data, "--frac", "0.2", "--out", out, "--quiet", *options)
    assert result.exit_code == 0, result.stderr
    return out


def _alone(bundle: Path, where: Path) -> Path:
    """The bundle copied where its data cannot be found."""
    shutil.copytree(bundle, where)
    return where


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    """``datasets``, offline, with its cache in the test's folder."""
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    datasets = pytest.importorskip("datasets")
    datasets.disable_progress_bars()
    return datasets


# -- the bundle is a Hugging Face dataset ------------------------------------------------


def _tsv(tmp_path: Path) -> Path:
    path = tmp_path / "alloys.tsv"
    pd.read_csv(SAMPLE / "alloys.csv").to_csv(path, sep="\t", index=False)
    return path


@pytest.mark.parametrize("kind", ["csv", "tsv", "parquet"])
def test_load_dataset_gives_exactly_train_and_test_beside_decoys(
    runner: CliRunner, tmp_path: Path, hub, kind: str
) -> None:  # type: ignore[no-untyped-def]
    data = {"csv": SAMPLE / "alloys.csv", "tsv": None, "parquet": SAMPLE / "alloys.parquet"}[kind]
    out = _split(runner, data or _tsv(tmp_path), tmp_path / "splits", *ALLOYS)
    # files whose names the Hub's rules would merge into a split, or read as the data
    (out / "test_predictions.csv").write_text("alloy_id,prediction\nA0001,1.0\n")
    (out / "train_notes.json").write_text('{"note": "not data"}\n')
    loaded = hub.load_dataset(str(out))
    assert sorted(loaded) == ["test", "train"]
    assert (loaded["train"].num_rows, loaded["test"].num_rows) == (240, 60)
    assert "hardness_hv" in loaded["test"].column_names
    ids = sorted(loaded["test"]["alloy_id"])
    assert ids == sorted(pd.read_csv(SAMPLE / "alloys.csv")["alloy_id"].iloc[_rows(out, "test")])


def _rows(out: Path, side: str) -> list[int]:
    return [int(r) for r in (out / f"{side}_indices.txt").read_text().split()]


def test_load_dataset_reads_a_copied_image_folder_with_its_class_labels(
    runner: CliRunner, tmp_path: Path, hub
) -> None:  # type: ignore[no-untyped-def]
    out = _split(runner, SAMPLE / "shapes_png", tmp_path / "splits", "--copy")
    loaded = hub.load_dataset(str(out))
    assert (loaded["train"].num_rows, loaded["test"].num_rows) == (38, 10)
    labels = loaded["train"].features["label"].names
    assert labels == ["circle", "square", "triangle"]
    listing = pd.read_csv(out / "test.csv")
    names = [labels[i] for i in loaded["test"]["label"]]
    assert sorted(names) == sorted(listing["label"])


def test_other_formats_load_as_their_row_numbers(runner: CliRunner, tmp_path: Path, hub) -> None:  # type: ignore[no-untyped-def]
    out = _split(runner, SAMPLE / "proteins.fasta", tmp_path / "splits")
    loaded = hub.load_dataset(str(out))
    assert [int(r) for r in loaded["test"]["text"]] == _rows(out, "test")
    assert loaded["train"].num_rows == 48


def test_the_card_states_licence_and_citation_when_given(runner: CliRunner, tmp_path: Path) -> None:
    out = _split(runner, SAMPLE / "alloys.csv", tmp_path / "splits", *ALLOYS)
    card = (out / "README.md").read_text()
    front = card.split("\n---\n", 1)[0]
    assert "license:" not in front and "num_examples: 60" in front
    result = invoke(
        runner, "card", out, "--data", SAMPLE / "alloys.csv", "--license", "cc-by-4.0",
        "--citation", "Doe, J. Alloys (2026).",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    card = (out / "README.md").read_text()
    assert 'license: "cc-by-4.0"' in card.split("\n---\n", 1)[0]
    assert "## Citation\n\n```\nDoe, J. Alloys (2026).\n```" in card
    croissant = json.loads((out / "croissant.json").read_text())
    assert croissant["license"] == "cc-by-4.0" and croissant["citeAs"] == "Doe, J. Alloys (2026)."
    # a card rewritten with another metric keeps them
    invoke(runner, "card", out, "--data", SAMPLE / "alloys.csv", "--metric", "mae")
    assert 'license: "cc-by-4.0"' in (out / "README.md").read_text()


# -- Croissant 1.1 -----------------------------------------------------------------------


def test_croissant_1_1_has_typed_splits_provenance_and_annotations(
    runner: CliRunner, tmp_path: Path
) -> None:
    mlc = pytest.importorskip("mlcroissant")
    logging.getLogger("absl").setLevel(logging.ERROR)
    out = _split(runner, SAMPLE / "alloys.csv", tmp_path / "splits", *ALLOYS)
    metadata = json.loads((out / "croissant.json").read_text())
    manifest = json.loads((out / "manifest.json").read_text())
    assert metadata["conformsTo"] == "http://mlcommons.org/croissant/1.1"
    derived = metadata["prov:wasDerivedFrom"]
    assert derived["sha256"] == manifest["input"]["sha256"] and derived["name"] == "alloys.csv"
    generated = metadata["prov:wasGeneratedBy"]
    assert "benchmake-cli version 1" in generated["name"]
    recorded = {p["name"] for p in generated["additionalProperty"]}
    assert recorded == set(manifest["method"]["parameters"])
    notes = {a["name"] for a in metadata["recordSet"][2]["annotation"]}
    assert notes == {"criterion", "baseline", "random_baseline"}

    dataset = mlc.Dataset(jsonld=str(out / "croissant.json"))
    splits = list(dataset.records(record_set="splits"))
    assert [s["splits/name"] for s in splits] == [b"train", b"test"] or [
        s["splits/name"] for s in splits
    ] == ["train", "test"]
    test = list(dataset.records(record_set="test"))
    assert {r["test/split"] for r in test} == {b"test"}
    assert [r["test/alloy_id"].decode() for r in test] == list(
        pd.read_csv(out / "test.csv")["alloy_id"]
    )


def test_mlcroissant_checks_each_files_sha256(runner: CliRunner, tmp_path: Path) -> None:
    mlc = pytest.importorskip("mlcroissant")
    logging.getLogger("absl").setLevel(logging.ERROR)
    out = _split(runner, SAMPLE / "alloys.csv", tmp_path / "splits", *ALLOYS)
    text = (out / "test.csv").read_text()
    (out / "test.csv").write_text(text.replace("A0014", "A9999"))
    dataset = mlc.Dataset(jsonld=str(out / "croissant.json"))
    with pytest.raises(Exception) as raised:
        list(dataset.records(record_set="test"))
    chain, error = [], raised.value
    while error is not None:
        chain.append(str(error))
        error = error.__cause__ or error.__context__
    assert any("sha256" in text.lower() or "hash" in text.lower() for text in chain), chain


# -- verify from the bundle alone --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("alloys.csv", ALLOYS),
        ("alloys.parquet", (*ALLOYS, "--method", "benchmake-hull")),
        ("molecules.smi", ()),
        ("shapes.h5", ("--key", "images", "--target-key", "labels")),
    ],
)
def test_verify_without_the_data_recomputes_the_split_from_the_bundle(
    runner: CliRunner, tmp_path: Path, name: str, options: tuple[str, ...]
) -> None:
    (tmp_path / "made").mkdir()
    data = tmp_path / "made" / name
    shutil.copyfile(SAMPLE / name, data)
    out = _split(runner, data, tmp_path / "made" / "splits", *options)
    alone = _alone(out, tmp_path / "elsewhere" / "splits")
    result = invoke(runner, "verify", alone)
    assert result.exit_code == ExitCode.DATA_NOT_CHECKED, result.stdout
    last = result.stdout.strip().splitlines()[-1]
    manifest = json.loads((out / "manifest.json").read_text())
    assert last.startswith(f"split recomputed from the bundle's {manifest['encoding']['n']} rows")
    assert "the original file's bytes were not checked" in last
    assert "ok    split: recomputed test set" in result.stdout


def test_a_relabelled_bundle_is_caught_without_the_data(runner: CliRunner, tmp_path: Path) -> None:
    """Split with the hull, claim the default method: every hash consistent, still caught."""
    data = tmp_path / "alloys.csv"
    shutil.copyfile(SAMPLE / "alloys.csv", data)
    hull = _split(runner, data, tmp_path / "hull", *ALLOYS, "--method", "benchmake-hull")
    default = _split(runner, data, tmp_path / "default", *ALLOYS)
    forged = json.loads((hull / "manifest.json").read_text())
    forged["method"] = json.loads((default / "manifest.json").read_text())["method"]
    (hull / "manifest.json").write_text(json.dumps(forged, indent=1, sort_keys=True))
    for card in (
        "README.md",
        "croissant.json",
    ):  # bound to the true manifest: the forger drops them
        (hull / card).unlink()
    alone = _alone(hull, tmp_path / "elsewhere" / "hull")
    assert invoke(runner, "verify", alone, "--bundle-only").exit_code == ExitCode.DATA_NOT_CHECKED
    result = invoke(runner, "verify", alone)
    assert result.exit_code == ExitCode.VERIFY_FAILED, result.stdout
    assert "FAIL  split: recomputed with frac=0.2" in result.stdout
    assert "the test set's content differs" in result.stdout


def test_a_listed_image_folder_keeps_the_bundle_check(runner: CliRunner, tmp_path: Path) -> None:
    shutil.copytree(SAMPLE / "shapes_png", tmp_path / "made" / "shapes_png")
    out = _split(runner, tmp_path / "made" / "shapes_png", tmp_path / "made" / "splits")
    result = invoke(runner, "verify", _alone(out, tmp_path / "elsewhere" / "splits"))
    assert result.exit_code == ExitCode.DATA_NOT_CHECKED
    assert result.stdout.strip().splitlines()[-1].startswith("data not checked:")


# -- a challenge: publish without the test targets, score with the private key ------------


def test_challenge_round_trip(runner: CliRunner, tmp_path: Path) -> None:
    data = tmp_path / "alloys.csv"
    shutil.copyfile(SAMPLE / "alloys.csv", data)
    private = _split(runner, data, tmp_path / "private", *ALLOYS)
    public = tmp_path / "public"
    result = invoke(runner, "publish", private, "--out", public, "--hide-test-targets", "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["hidden_test_columns"] == ["hardness_hv"]

    test = pd.read_csv(public / "test.csv")
    assert "hardness_hv" not in test.columns and len(test) == 60
    assert "hardness_hv" in pd.read_csv(public / "train.csv").columns
    manifest = json.loads((public / "manifest.json").read_text())
    assert manifest["publication"]["private_manifest_sha256"] == report["private_manifest_sha256"]
    assert "are hidden in this public copy" in (public / "README.md").read_text()

    alone = _alone(public, tmp_path / "download" / "public")
    verified = invoke(runner, "verify", alone)
    assert verified.exit_code == ExitCode.DATA_NOT_CHECKED, verified.stdout
    assert "ok    split: recomputed test set (60 rows) matches by content" in verified.stdout

    truth = pd.read_csv(private / "test.csv")
    predictions = tmp_path / "team.csv"
    truth[["alloy_id"]].assign(prediction=truth["hardness_hv"] + 2.0).to_csv(
        predictions, index=False
    )
    refused = invoke(runner, "score", alone, predictions)
    assert refused.exit_code == ExitCode.BAD_PARAMETER
    assert "test targets are hidden" in refused.stderr and "--answers" in refused.stderr

    scored = invoke(runner, "score", alone, predictions, "--answers", private, "--json")
    assert scored.exit_code == 0, scored.stderr
    assert json.loads(scored.stdout)["entries"][0]["value"] == pytest.approx(2.0)

    other = _split(runner, data, tmp_path / "other", *ALLOYS, "--seed", "1")
    wrong = invoke(runner, "score", alone, predictions, "--answers", other)
    assert wrong.exit_code == ExitCode.BAD_MANIFEST
    assert "not the private bundle" in wrong.stderr


def test_a_public_copy_with_an_edited_test_file_is_caught(
    runner: CliRunner, tmp_path: Path
) -> None:
    data = tmp_path / "alloys.csv"
    shutil.copyfile(SAMPLE / "alloys.csv", data)
    private = _split(runner, data, tmp_path / "private", *ALLOYS)
    public = tmp_path / "public"
    assert invoke(runner, "publish", private, "--out", public, "--hide-test-targets").exit_code == 0
    (public / "test.csv").write_text((public / "test.csv").read_text().replace("0.743133", "0.8"))
    result = invoke(runner, "verify", _alone(public, tmp_path / "elsewhere" / "public"))
    assert result.exit_code == ExitCode.VERIFY_FAILED


def test_hiding_needs_a_target(runner: CliRunner, tmp_path: Path) -> None:
    private = _split(runner, SAMPLE / "molecules.smi", tmp_path / "private")
    result = invoke(runner, "publish", private, "--out", tmp_path / "public", "--hide-test-targets")
    assert result.exit_code == ExitCode.BAD_PARAMETER
    assert "records no target" in result.stderr
    assert not (tmp_path / "public").exists()


def test_load_split_of_a_public_copy_has_no_test_targets(runner: CliRunner, tmp_path: Path) -> None:
    from benchmake_cli import load_split

    private = _split(runner, SAMPLE / "alloys.csv", tmp_path / "private", *ALLOYS)
    public = tmp_path / "public"
    assert invoke(runner, "publish", private, "--out", public, "--hide-test-targets").exit_code == 0
    loaded = load_split(public)
    assert (len(loaded.train), len(loaded.test), len(loaded.y_train)) == (240, 60, 240)
    assert loaded.y_test is None and "hardness_hv" not in loaded.test.columns
