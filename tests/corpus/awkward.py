"""Awkward but valid inputs, each with a clean twin, and output folders that cannot be used."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from .cases import NOT_FOUND, OUTPUT, Accepted, Refused, npy, numbers, parquet, write
from .images import image


def refused_outputs(root: Path) -> list[Refused]:
    data = write(root, "fine.csv", numbers())
    write(root, "a_file", "not a folder\n")
    occupied = root / "occupied"
    occupied.mkdir()
    (occupied / "keep.txt").write_text("the user's file\n")
    return [
        Refused(
            "--out is a file",
            "output",
            data,
            ("--out", "a_file"),
            OUTPUT,
            "--out a_file: exists and is not a folder",
        ),
        Refused(
            "--out is a folder that is not empty",
            "output",
            data,
            ("--out", "occupied"),
            OUTPUT,
            "--out occupied: folder is not empty; pass --force to replace it",
        ),
        Refused(
            "--out inside a file",
            "output",
            data,
            ("--out", "a_file/splits"),
            OUTPUT,
            "--out a_file/splits: cannot create it",
        ),
        Refused(
            "missing input",
            "input",
            "missing.csv",
            (),
            NOT_FOUND,
            "missing.csv: no such file or folder",
        ),
    ]


def accepted(root: Path) -> list[Accepted]:
    """Awkward but valid inputs, each beside a clean twin holding the same values."""
    rng = np.random.default_rng(7)
    values = rng.normal(size=(30, 3)).round(4)
    frame = pd.DataFrame(values, columns=["a", "b", "c"])
    frame.insert(0, "id", [f"s{i}" for i in range(30)])
    clean = frame.to_csv(index=False, lineterminator="\n")
    write(root, "clean.csv", clean)
    quoted = frame.assign(id=[f"sample {i}, batch {i % 3}" for i in range(30)])
    huge = frame.copy()
    huge["a"] = values[:, 0] / np.abs(values[:, 0]).max() * 1.79e308  # max - min overflows
    tiny = frame.copy()
    tiny["a"] = values[:, 0] * 1e-300
    with_constant = frame.assign(flat=1.0)

    def csv_text(table: pd.DataFrame) -> str:
        return table.to_csv(index=False, lineterminator="\n")

    mixed = root / "img_mixed"
    mixed.mkdir()
    as_rgb = root / "img_mixed_rgb"
    as_rgb.mkdir()
    from PIL import Image

    for i in range(12):
        mode = "L" if i % 2 else "RGB"
        (mixed / f"img_{i:02d}.png").write_bytes(image(8, i, mode))
        Image.open(io.BytesIO(image(8, i, mode))).convert("RGB").save(as_rgb / f"img_{i:02d}.png")

    quoted_twin = quoted.copy()
    quoted_twin["id"] = [f"sample {i} batch {i % 3}" for i in range(30)]
    accepted = [
        Accepted(
            "byte-order mark",
            "delimited",
            write(root, "bom.csv", "\ufeff" + clean),
            "clean.csv",
            ("--id-col", "id"),
        ),
        Accepted(
            "CRLF line ends",
            "delimited",
            write(root, "crlf.csv", clean.replace("\n", "\r\n")),
            "clean.csv",
            ("--id-col", "id"),
        ),
        Accepted(
            "quoted delimiters",
            "delimited",
            write(root, "quoted.csv", csv_text(quoted)),
            write(root, "quoted_twin.csv", csv_text(quoted_twin)),
            ("--id-col", "id"),
        ),
        Accepted(
            "semicolons and decimal points",
            "delimited",
            write(root, "semicolon.csv", frame.to_csv(index=False, sep=";", lineterminator="\n")),
            "clean.csv",
            ("--id-col", "id"),
        ),
        Accepted(
            "values of ±1.79e308",
            "delimited",
            write(root, "huge.csv", csv_text(huge)),
            parquet(root, "huge.parquet", pa.Table.from_pandas(huge, preserve_index=False)),
            ("--id-col", "id"),
        ),
        Accepted(
            "values near 1e-300",
            "delimited",
            write(root, "tiny.csv", csv_text(tiny)),
            parquet(root, "tiny.parquet", pa.Table.from_pandas(tiny, preserve_index=False)),
            ("--id-col", "id"),
        ),
        Accepted(
            "one constant column among others",
            "delimited",
            write(root, "flat_column.csv", csv_text(with_constant)),
            parquet(
                root,
                "flat_column.parquet",
                pa.Table.from_pandas(with_constant, preserve_index=False),
            ),
            ("--id-col", "id"),
        ),
        Accepted(
            "two rows",
            "delimited",
            write(root, "two.csv", "a,b\n1,2\n3,5\n"),
            npy(root, "two.npy", np.array([[1.0, 2.0], [3.0, 5.0]])),
            ("--frac", "0.5"),
        ),
        Accepted(
            "mixed grey and colour images",
            "image-folder",
            "img_mixed",
            "img_mixed_rgb",
        ),
    ]
    return accepted
