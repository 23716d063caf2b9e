"""Tampering: ``verify`` fails every edit of the data, the split files or the manifest,
naming what changed, and passes only the same data (reordered or re-saved by content)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from benchmake_cli import split_file, verify_manifest
from benchmake_cli.errors import ExitCode
from benchmake_cli.paths import tidy_path

from .conftest import SAMPLE, invoke

Bundle = tuple[Path, Path]  #: (the data file, the split folder)


@pytest.fixture
def bundle(tmp_path: Path) -> Bundle:
    """A copy of the sample data and its split, as a reviewer receives them."""
    data = tmp_path / "alloys.csv"
    shutil.copy(SAMPLE / "alloys.csv", data)
    out = tmp_path / "splits"
    split_file(data, frac=0.2, out=out, target="hardness_hv", id_columns=["alloy_id"])
    return data, out


def _manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())


def _edit_manifest(out: Path, edit: Callable[[dict], None]) -> None:
    content = _manifest(out)
    edit(content)
    (out / "manifest.json").write_text(json.dumps(content, indent=2))


def _rehash(out: Path, *names: str) -> None:
    """Record the files' current SHA-256 in the manifest, as a careful forger would."""

    def edit(content: dict) -> None:
        for name in names:
            digest = hashlib.sha256((out / name).read_bytes()).hexdigest()
            content["files"][name]["sha256"] = digest
            if name == "test_indices.txt":
                content["split"]["test_indices_sha256"] = digest

    _edit_manifest(out, edit)


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines(keepends=True)


def _swap_first_test_row_for_a_train_row(out: Path) -> None:
    test = _lines(out / "test_indices.txt")
    train = _lines(out / "train_indices.txt")
    (out / "test_indices.txt").write_text("".join(sorted([train[0], *test[1:]], key=int)))
    (out / "train_indices.txt").write_text("".join(sorted([test[0], *train[1:]], key=int)))


def _edit_value(data: Path, column: str, row: int, new: str) -> None:
    frame = pd.read_csv(data, dtype=str, keep_default_na=False)
    frame.loc[row, column] = new
    frame.to_csv(data, index=False, lineterminator="\n")


def _swap_targets(data: Path) -> None:
    frame = pd.read_csv(data, dtype=str, keep_default_na=False)
    frame.loc[[0, 1], "hardness_hv"] = frame.loc[[1, 0], "hardness_hv"].to_numpy()
    frame.to_csv(data, index=False, lineterminator="\n")


def _drop_listed_file(out: Path, name: str) -> None:
    (out / name).unlink()
    _edit_manifest(out, lambda m: m["files"].pop(name))


#: (case, tampering of (data, split folder), the failing check, what its line says)
TAMPERING: list[tuple[str, Callable[[Path, Path], None], str, str]] = [
    (
        "a feature value changed",
        lambda d, o: _edit_value(d, "fe", 5, "0.5"),
        "content",
        "encoded rows differ: found 300 rows × 10 features, recorded 300 × 10",
    ),
    (
        "a category changed",
        lambda d, o: _edit_value(d, "phase", 3, "fcc"),
        "content",
        "encoded rows differ",
    ),
    (
        "a target value changed",
        lambda d, o: _edit_value(d, "hardness_hv", 7, "999.0"),
        "record",
        "encoding.carried_sha256 recorded",
    ),
    (
        "two targets swapped",
        lambda d, o: _swap_targets(d),
        "record",
        "(the target, id or label values differ)",
    ),
    (
        "an id changed",
        lambda d, o: _edit_value(d, "alloy_id", 0, "B0000"),
        "record",
        "encoding.carried_sha256",
    ),
    (
        "a row removed",
        lambda d, o: d.write_text("".join(_lines(d)[:-1])),
        "content",
        "found 299 rows × 10 features, recorded 300 × 10",
    ),
    (
        "a row duplicated",
        lambda d, o: d.write_text("".join(_lines(d) + _lines(d)[-1:])),
        "content",
        "found 301 rows × 10 features, recorded 300 × 10",
    ),
    (
        "the data truncated mid-row",
        lambda d, o: d.write_text(d.read_text()[:-30]),
        "content",
        "cannot split the data as recorded: ",
    ),
    (
        "another data file",
        lambda d, o: shutil.copy(SAMPLE / "alloys.parquet", d) and d.write_text("a,b\n1,2\n"),
        "content",
        "cannot split the data as recorded",
    ),
    (
        "a split file edited",
        lambda d, o: (o / "test.csv").write_text((o / "test.csv").read_text() + "\n"),
        "files",
        "test.csv (SHA-256 differs)",
    ),
    (
        "a split file edited, its hash recorded",
        lambda d, o: (
            _edit_value(o / "test.csv", "hardness_hv", 0, "1.0"),
            _rehash(o, "test.csv"),
        ),
        "files",
        "test.csv (recorded SHA-256 is not that of the file the split writes)",
    ),
    (
        "a split file deleted",
        lambda d, o: (o / "train.csv").unlink(),
        "files",
        "train.csv (missing)",
    ),
    (
        "a split file deleted and unlisted",
        lambda d, o: _drop_listed_file(o, "test.csv"),
        "files",
        "test.csv (written by the split, not listed in the manifest)",
    ),
    (
        "a test row swapped for a training row, hashes recorded",
        lambda d, o: (
            _swap_first_test_row_for_a_train_row(o),
            _rehash(o, "test_indices.txt", "train_indices.txt"),
        ),
        "split",
        "test_indices.txt differs from the recomputed split: row ",
    ),
    (
        "a training row dropped, hash recorded",
        lambda d, o: (
            (o / "train_indices.txt").write_text("".join(_lines(o / "train_indices.txt")[1:])),
            _rehash(o, "train_indices.txt"),
        ),
        "split",
        "train_indices.txt differs from the recomputed split",
    ),
    (
        "the fraction edited",
        lambda d, o: _edit_manifest(o, lambda m: m["method"]["parameters"].update(frac=0.3)),
        "split",
        "recomputed with frac=0.3, seed=0, iterations=200, tol=0.0001: 90 test rows, manifest "
        "records 60; the test set's content differs",
    ),
    (
        "the seed edited",
        lambda d, o: _edit_manifest(o, lambda m: m["method"]["parameters"].update(seed=7)),
        "split",
        "recomputed with frac=0.2, seed=7",
    ),
    (
        "the tolerance edited",
        lambda d, o: _edit_manifest(o, lambda m: m["method"]["parameters"].update(tol=0.5)),
        "split",
        "tol=0.5",
    ),
    (
        "the method edited",
        lambda d, o: _edit_manifest(
            o, lambda m: m["method"].update(name="benchmake-1.1.2", version=1)
        ),
        "split",
        "recomputed with method benchmake-1.1.2",
    ),
    (
        "the test count edited",
        lambda d, o: _edit_manifest(o, lambda m: m["split"].update(n_test=61, n_train=239)),
        "record",
        "split.n_test recorded 61, recomputed 60 (the number of test rows)",
    ),
    (
        "the content hash edited",
        lambda d, o: _edit_manifest(o, lambda m: m["encoding"].update(content_sha256="0" * 64)),
        "content",
        "encoded rows differ",
    ),
    (
        "the test set's hash edited",
        lambda d, o: _edit_manifest(o, lambda m: m["split"].update(test_content_sha256="0" * 64)),
        "split",
        "the test set's content differs",
    ),
    (
        "the columns used edited",
        lambda d, o: _edit_manifest(o, lambda m: m["encoding"]["columns_used"].pop()),
        "record",
        "encoding.columns_used recorded",
    ),
    (
        "the carried hash edited",
        lambda d, o: _edit_manifest(o, lambda m: m["encoding"].update(carried_sha256="0" * 64)),
        "record",
        "encoding.carried_sha256",
    ),
    (
        "a listed file outside the folder",
        lambda d, o: _edit_manifest(o, lambda m: m["files"].update({"../alloys.csv": {}})),
        "files",
        "../alloys.csv (not a path inside the split folder)",
    ),
]


@pytest.mark.parametrize(
    ("tamper", "check", "message"),
    [case[1:] for case in TAMPERING],
    ids=[case[0] for case in TAMPERING],
)
def test_verify_fails_each_tampering_naming_what_changed(
    runner: CliRunner, bundle: Bundle, tamper: Callable, check: str, message: str
) -> None:
    data, out = bundle
    tamper(data, out)
    result = invoke(runner, "verify", out / "manifest.json", "--data", data)
    assert result.exit_code == ExitCode.VERIFY_FAILED, result.stdout + result.stderr
    failed = [line for line in result.stdout.splitlines() if line.startswith("FAIL")]
    assert any(line.startswith(f"FAIL  {check}: ") and message in line for line in failed), (
        result.stdout
    )
    assert result.stdout.splitlines()[-1].startswith("NOT verified")


def _byte_positions(size: int, count: int = 60) -> list[int]:
    return sorted({0, size - 1, *range(0, size, max(1, size // count))})


def _changed(byte: int) -> int:
    """A different byte of the same kind: another digit, another letter, else ``x``."""
    char = chr(byte)
    if char.isdigit():
        return ord(str((int(char) + 3) % 10))
    if char.isalpha():
        return ord("q" if char != "q" else "z")
    return ord("x")


def test_verify_fails_a_change_of_any_one_byte_of_the_data(bundle: Bundle) -> None:
    data, out = bundle
    original = data.read_bytes()
    passed = []
    for position in _byte_positions(len(original)):
        tampered = bytearray(original)
        tampered[position] = _changed(tampered[position])
        data.write_bytes(bytes(tampered))
        try:
            report = verify_manifest(out / "manifest.json", data=data)
        except Exception as error:  # a bad byte may break the file: that must not pass either
            pytest.fail(f"byte {position}: verify raised {error!r}")
        if report.ok:
            passed.append(position)
    data.write_bytes(original)
    assert verify_manifest(out / "manifest.json", data=data).ok
    assert not passed, f"verify passed with these bytes changed: {passed}"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda text: text[: len(text) // 2], "not valid JSON"),
        (lambda text: "not json at all", "not valid JSON (line 1"),
        (
            lambda text: text.replace("benchmake-manifest/1", "benchmake-manifest/99"),
            "unknown schema 'benchmake-manifest/99'",
        ),
        (lambda text: "[1, 2, 3]", "not a benchmake manifest (top level is not an object)"),
        (
            lambda text: text.replace('"name": "benchmake-cli"', '"name": "nmf-deluxe"', 1),
            "nmf-deluxe",
        ),
    ],
    ids=["truncated", "not JSON", "unknown schema", "a list", "unknown method"],
)
def test_a_manifest_that_cannot_be_trusted_is_refused(
    runner: CliRunner, bundle: Bundle, edit: Callable[[str], str], message: str
) -> None:
    data, out = bundle
    manifest = out / "manifest.json"
    manifest.write_text(edit(manifest.read_text()))
    result = invoke(runner, "verify", manifest, "--data", data)
    assert result.exit_code == ExitCode.BAD_MANIFEST, result.stderr
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert result.stdout == ""


def test_the_recorded_data_path_is_followed_wherever_it_leads(
    runner: CliRunner, bundle: Bundle
) -> None:
    """As ``sha256sum -c`` follows its list's paths: outside the split folder too."""
    data, out = bundle
    elsewhere = data.parent / "elsewhere" / "deeper"
    elsewhere.mkdir(parents=True)
    moved = shutil.move(data, elsewhere / "renamed.csv")
    _edit_manifest(out, lambda m: m["input"].update(path="../elsewhere/deeper/renamed.csv"))
    for card in ("README.md", "croissant.json"):  # bound to the manifest before the edit
        (out / card).unlink()
    result = invoke(runner, "verify", out / "manifest.json")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "verified"
    assert invoke(runner, "verify", out, "--data", moved).exit_code == 0


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _socket(path: Path) -> None:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs and UNIX sockets")
@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (_fifo, "a FIFO"),
        (_socket, "a socket"),
        (lambda p: p.symlink_to("/dev/null"), "a device"),
        (lambda p: p.mkdir(), "a folder"),
    ],
    ids=["FIFO", "socket", "device", "folder"],
)
def test_a_data_path_to_what_no_split_records_is_refused(
    runner: CliRunner, bundle: Bundle, make: Callable[[Path], None], kind: str
) -> None:
    data, out = bundle
    data.unlink()
    make(data)
    for command in ("verify", "evaluate"):
        result = invoke(runner, command, out / "manifest.json")
        assert result.exit_code == ExitCode.BAD_MANIFEST, result.stderr
        assert result.stderr == (
            f"benchmake: error: {out / 'manifest.json'}: its data path leads to "
            f"{tidy_path(out / '..' / 'alloys.csv')}, {kind}, where a file was recorded; "
            "pass --data PATH to name the data\n"
        )
    data.unlink() if not data.is_dir() else data.rmdir()
    shutil.copy(SAMPLE / "alloys.csv", data)
    assert invoke(runner, "verify", out / "manifest.json").exit_code == 0


def test_reordered_rows_pass_and_say_so(runner: CliRunner, bundle: Bundle) -> None:
    data, out = bundle
    lines = _lines(data)
    data.write_text(lines[0] + "".join(reversed(lines[1:])))
    result = invoke(runner, "verify", out / "manifest.json", "--data", data)
    assert result.exit_code == 0, result.stdout
    assert "ok    content: 300 rows × 10 features match (same rows by content, in another" in (
        result.stdout
    )
    assert "ok    split: recomputed test set (60 rows) matches by content" in result.stdout


def test_the_same_rows_in_another_format_pass(runner: CliRunner, bundle: Bundle) -> None:
    _, out = bundle
    result = invoke(runner, "verify", out / "manifest.json", "--data", SAMPLE / "alloys.parquet")
    assert result.exit_code == 0, result.stdout


def _verify_fails_on_record(out: Path, data: Path) -> str:
    report = verify_manifest(out / "manifest.json", data=data)
    failed = {check.name: check.message for check in report.checks if not check.ok}
    # a moved image also changes the listings, an edited id or target its exact text
    assert not report.ok and "record" in failed and set(failed) <= {"record", "listings", "columns"}
    return failed["record"]


def test_an_image_moved_to_another_class_folder_fails(tmp_path: Path) -> None:
    images = tmp_path / "shapes_png"
    shutil.copytree(SAMPLE / "shapes_png", images)
    out = tmp_path / "splits"
    split_file(images, frac=0.2, out=out)
    (images / "circle" / "circle_00.png").rename(images / "square" / "circle_00.png")
    assert "(the target, id or label values differ)" in _verify_fails_on_record(out, images)


def test_an_edited_label_array_fails(tmp_path: Path) -> None:
    data = tmp_path / "shapes.h5"
    shutil.copy(SAMPLE / "shapes.h5", data)
    out = tmp_path / "splits"
    split_file(data, frac=0.2, out=out, key="images", target_key="labels")
    import h5py

    with h5py.File(data, "r+") as handle:
        handle["labels"][0] = (handle["labels"][0] + 1) % 3
    assert "encoding.carried_sha256" in _verify_fails_on_record(out, data)


def test_an_edited_target_fails_a_sharded_split_too(tmp_path: Path) -> None:
    data = tmp_path / "wide.csv"
    frame = pd.DataFrame({"a": range(900), "b": [(i * 7) % 31 for i in range(900)]})
    frame["y"] = frame["a"] % 2
    frame.to_csv(data, index=False)
    out = tmp_path / "splits"
    split_file(data, frac=0.2, out=out, target="y", shard_rows=300)
    assert "sharding" in _manifest(out)["method"]["parameters"]
    assert verify_manifest(out / "manifest.json", data=data).ok
    frame.loc[10, "y"] = 5
    frame.to_csv(data, index=False)
    assert "encoding.carried_sha256" in _verify_fails_on_record(out, data)


def test_no_room_for_the_fresh_split_is_an_output_error_not_a_mismatch(
    runner: CliRunner, bundle: Bundle, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, out = bundle

    def full(path: Path, rows: object) -> None:
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr("benchmake_cli.bundle.write.write_indices", full)
    result = invoke(runner, "verify", out / "manifest.json", "--data", data)
    assert result.exit_code == ExitCode.OUTPUT
    assert "cannot write the fresh split into the temporary folder" in result.stderr
    assert "(No space left on device)" in result.stderr and result.stderr.count("\n") == 1
