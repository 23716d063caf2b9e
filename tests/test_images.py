"""Image folders: order, labels, decoding options, list/copy/link outputs and bad images."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from benchmake_cli.errors import ExitCode
from benchmake_cli.formats import ReadOptions, image_folder, read_table

from .conftest import SAMPLE, assert_clean_failure, invoke


def _save(path: Path, pixels: np.ndarray, mode: str = "RGB") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels.astype(np.uint8), mode).save(path)
    return path


def _noise(seed: int, shape: tuple[int, ...] = (8, 8, 3)) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, shape)


@pytest.fixture
def classes(tmp_path: Path) -> Path:
    root = tmp_path / "cells"
    for i in range(12):
        kind = ("b", "a", "c")[i % 3]
        _save(root / kind / f"img{i:02d}.png", _noise(i))
    (root / "notes.txt").write_text("not an image")
    (root / ".hidden.png").write_bytes(b"ignored")
    return root


def test_files_are_ordered_by_relative_posix_path_and_labelled_by_folder(classes: Path) -> None:
    table = read_table(classes)
    assert table.records is not None and table.labels is not None
    assert table.records == sorted(table.records)
    assert table.records[:2] == ["a/img01.png", "a/img04.png"]
    assert table.labels.tolist() == [r.split("/")[0] for r in table.records]
    assert table.array is not None and table.array.shape == (12, 8, 8, 3)
    first = np.asarray(Image.open(classes / "a/img01.png"))
    assert np.array_equal(table.array[0], first)
    assert table.read_options == {"image_size": None, "mode": "RGB"}


def test_train_and_test_lists_name_each_file_and_label(
    runner: CliRunner, tmp_path: Path, classes: Path
) -> None:
    out = tmp_path / "out"
    assert invoke(runner, "split", classes, "--frac", "0.25", "--out", out).exit_code == 0
    test_rows = [int(r) for r in (out / "test_indices.txt").read_text().split()]
    records = read_table(classes).records
    assert records is not None
    with open(out / "test.csv", newline="") as handle:
        listed = list(csv.reader(handle))
    assert listed[0] == ["path", "label"]
    assert listed[1:] == [[records[r], records[r].split("/")[0]] for r in test_rows]
    assert not (out / "test").exists()


def test_copy_materialises_train_and_test_folders(
    runner: CliRunner, tmp_path: Path, classes: Path
) -> None:
    out = tmp_path / "out"
    result = invoke(runner, "split", classes, "--frac", "0.25", "--out", out, "--copy")
    assert result.exit_code == 0, result.stderr
    with open(out / "train.csv", newline="") as handle:
        train = [row[0] for row in list(csv.reader(handle))[1:]]
    copied = sorted(p.relative_to(out / "train").as_posix() for p in (out / "train").rglob("*.png"))
    assert copied == train and len(train) == 9
    for name in train:
        assert (out / "train" / name).read_bytes() == (classes / name).read_bytes()
        assert not (out / "train" / name).is_symlink()
    manifest = json.loads((out / "manifest.json").read_text())
    assert f"train/{train[0]}" in manifest["files"] and manifest["split"]["files"] == "copy"
    assert invoke(runner, "verify", out, "--data", classes).exit_code == 0
    (out / "train" / train[0]).write_bytes(b"changed")
    failed = invoke(runner, "verify", out, "--data", classes)
    assert failed.exit_code == ExitCode.VERIFY_FAILED
    assert f"train/{train[0]} (SHA-256 differs)" in failed.stdout


def test_link_makes_relative_symbolic_links(
    runner: CliRunner, tmp_path: Path, classes: Path
) -> None:
    out = tmp_path / "out"
    assert invoke(runner, "split", classes, "--frac", "0.25", "--out", out, "--link").exit_code == 0
    linked = sorted((out / "test").rglob("*.png"))
    assert len(linked) == 3
    for link in linked:
        assert link.is_symlink() and not os.path.isabs(os.readlink(link))
        assert link.resolve() == (classes / link.relative_to(out / "test")).resolve()


def test_image_size_resizes_bilinear_and_mode_converts(tmp_path: Path) -> None:
    root = tmp_path / "mixed"
    _save(root / "a.png", _noise(1, (10, 12, 3)))
    _save(root / "b.jpg", _noise(2, (20, 16)), "L")
    table = read_table(root, ReadOptions(image_size=(6, 4), mode="L"))
    assert table.array is not None and table.array.shape == (2, 4, 6)
    expected = Image.open(root / "a.png").convert("L").resize((6, 4), Image.Resampling.BILINEAR)
    assert np.array_equal(table.array[0], np.asarray(expected))
    assert table.read_options == {"image_size": [6, 4], "mode": "L"}


def test_default_mode_is_grey_only_when_every_image_is_grey(tmp_path: Path) -> None:
    root = tmp_path / "grey"
    _save(root / "a.png", _noise(1, (5, 5)), "L")
    _save(root / "b.bmp", _noise(2, (5, 5)), "L")
    assert read_table(root).read_options["mode"] == "L"
    _save(root / "c.tif", _noise(3, (5, 5, 3)))
    table = read_table(root)
    assert table.read_options["mode"] == "RGB" and table.array is not None
    assert table.array.shape == (3, 5, 5, 3)
    assert table.labels is None


def test_same_pixels_as_folder_and_array_give_the_same_rows(tmp_path: Path) -> None:
    from benchmake_cli import prepare

    folder = prepare(SAMPLE / "shapes_png").encoded
    array = prepare(SAMPLE / "shapes.npy").encoded
    assert np.array_equal(folder.X, array.X)
    assert folder.X[0, :3].tolist() == np.load(SAMPLE / "shapes.npy")[0, 0, 0].tolist()


def _corrupt(root: Path) -> Path:
    _save(root / "ok.png", _noise(1))
    (root / "bad.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    return root


def _truncated(root: Path) -> Path:
    _save(root / "a.png", _noise(1, (64, 64, 3)))
    path = _save(root / "b.png", _noise(2, (64, 64, 3)))
    path.write_bytes(path.read_bytes()[:200])
    return root


def _sizes(root: Path) -> Path:
    _save(root / "x" / "big.png", _noise(1, (9, 9, 3)))
    _save(root / "x" / "small.png", _noise(2, (8, 8, 3)))
    _save(root / "y" / "small2.png", _noise(3, (8, 8, 3)))
    return root


def _mixed_levels(root: Path) -> Path:
    _save(root / "top.png", _noise(1))
    _save(root / "cls" / "inner.png", _noise(2))
    return root


def _sixteen_bit(root: Path) -> Path:
    _save(root / "a.png", _noise(1, (4, 4)), "L")
    Image.fromarray(np.full((4, 4), 40000, dtype=np.uint16)).save(root / "deep.png")
    return root


IMAGE_CASES = [
    ("empty folder", lambda r: r, (), ExitCode.BAD_DATA, "imgs: folder is empty"),
    (
        "no images",
        lambda r: ((r / "readme.md").write_text("x"), r)[1],
        ("--type", "image"),
        ExitCode.BAD_DATA,
        "imgs: holds no images (.png .jpg .jpeg .tif .tiff .bmp) in it or its sub-folders",
    ),
    ("corrupt image", _corrupt, (), ExitCode.BAD_DATA, "bad.png: not a readable image"),
    ("truncated image", _truncated, (), ExitCode.BAD_DATA, "b.png: cannot be decoded as an image"),
    (
        "empty image file",
        lambda r: (_save(r / "a.png", _noise(1)), (r / "e.png").write_bytes(b""), r)[2],
        (),
        ExitCode.BAD_DATA,
        "e.png: file is empty",
    ),
    (
        "mixed sizes",
        _sizes,
        (),
        ExitCode.BAD_DATA,
        "images differ in size: x/big.png is 9x9, x/small.png is 8x8; pass --image-size WxH",
    ),
    (
        "files at two levels",
        _mixed_levels,
        (),
        ExitCode.BAD_DATA,
        "top.png is at the top while cls/inner.png is in a class sub-folder",
    ),
    (
        "16-bit image",
        _sixteen_bit,
        (),
        ExitCode.BAD_DATA,
        "deep.png: mode I;16 (16-bit, 32-bit or float pixels) is not supported",
    ),
    (
        "bad image size",
        _sizes,
        ("--image-size", "64"),
        ExitCode.BAD_PARAMETER,
        "--image-size '64': expected WIDTHxHEIGHT",
    ),
    (
        "bad mode",
        _sizes,
        ("--mode", "CMYK", "--image-size", "8x8"),
        ExitCode.BAD_PARAMETER,
        "--mode 'CMYK': must be one of L, RGB or None (the default)",
    ),
    (
        "copy and link",
        _sizes,
        ("--copy", "--link"),
        ExitCode.USAGE,
        "--copy and --link: choose one",
    ),
    (
        "target on images",
        _sizes,
        ("--image-size", "8x8", "--target", "x"),
        ExitCode.BAD_PARAMETER,
        "--target: applies to the columns of a table; imgs is read as image",
    ),
    (
        "type tabular on a folder",
        _sizes,
        ("--type", "tabular"),
        ExitCode.BAD_PARAMETER,
        "--type tabular: does not fit",
    ),
]


@pytest.mark.parametrize(
    ("make", "extra", "code", "message"),
    [case[1:] for case in IMAGE_CASES],
    ids=[case[0] for case in IMAGE_CASES],
)
def test_bad_image_folders_give_one_line_and_write_nothing(
    runner: CliRunner,
    tmp_path: Path,
    make,
    extra,
    code,
    message,  # type: ignore[no-untyped-def]
) -> None:
    root = tmp_path / "imgs"
    root.mkdir()
    make(root)
    out = tmp_path / "out"
    result = invoke(runner, "split", root, "--frac", "0.2", "--out", out, *extra)
    assert_clean_failure(result, tmp_path, out, code, message)


def test_decompression_bomb_is_refused_naming_the_file(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "imgs"
    _save(root / "a.png", _noise(1, (5, 5, 3)))
    _save(root / "huge.png", _noise(2, (40, 30, 3)))
    monkeypatch.setattr(image_folder, "MAX_IMAGE_PIXELS", 1000)
    out = tmp_path / "out"
    result = invoke(runner, "split", root, "--frac", "0.5", "--out", out, "--image-size", "5x5")
    assert_clean_failure(
        result, tmp_path, out, ExitCode.BAD_DATA,
        "huge.png: image (30x40) has more than 1000 pixels (a decompression bomb?)",
    )  # fmt: skip


def test_unreadable_image_exits_not_found(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "imgs"
    _save(root / "a.png", _noise(1))
    locked = _save(root / "b.png", _noise(2))
    real_open = Image.open

    def refuse(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(Image, "open", refuse)
    out = tmp_path / "out"
    result = invoke(runner, "split", root, "--frac", "0.5", "--out", out)
    assert_clean_failure(
        result, tmp_path, out, ExitCode.NOT_FOUND, f"{locked}: cannot be read (Permission denied)"
    )


def test_symbolic_link_loops_are_followed_once(tmp_path: Path) -> None:
    root = tmp_path / "imgs"
    _save(root / "k" / "a.png", _noise(1))
    (root / "k" / "loop").symlink_to(root, target_is_directory=True)
    table = read_table(root)
    assert table.records == ["k/a.png"]


def test_copy_refused_for_a_file_input(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke(runner, "split", SAMPLE / "shapes.npy", "--frac", "0.2", "--out", out, "--copy")
    assert_clean_failure(
        result, tmp_path, out, ExitCode.BAD_PARAMETER,
        "--copy: applies to folders of images or signals, not shapes.npy",
    )  # fmt: skip
