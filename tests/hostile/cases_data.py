"""Classes 2, 8, 9 and 10 and the smaller points: reads stay inside the input, no input
ends in exit 1, nothing hangs, SMILES fields are what they say."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from . import Case, Run
from .base import copy, rehash

HDF5 = "leaks: HDF5 reads outside the file"
CRASH = "crashes: exit 1 on input"
HANG = "hangs: devices and FIFOs"
SMILES = "SMILES: an empty field"
SMALL = "smaller points"
SECRET = b"AWS_SECRET_ACCESS_KEY=abc\n" * 20


def _split(path: Path, tmp: Path, *extra: str) -> list[str]:
    return ["split", str(path), "--frac", "0.2", "--out", str(tmp / "o"), *extra]


def _command(command: str, path: Path, tmp: Path) -> tuple[list[str], Path | None]:
    if command == "split":
        return _split(path, tmp), tmp / "o"
    return ["inspect", str(path)], None


# --- class 2: HDF5 ----------------------------------------------------------------------------


def _h5(kind: str, command: str):  # type: ignore[no-untyped-def]
    def build(tmp: Path, base: Path) -> Run:
        import h5py

        secret = tmp / "secret.bin"
        secret.write_bytes(SECRET)
        source = tmp / "source.h5"
        with h5py.File(source, "w") as f:
            f["x"] = np.arange(200.0).reshape(20, 10)
        path = tmp / "hostile.h5"
        with h5py.File(path, "w") as f:
            f["inside"] = np.arange(200.0).reshape(20, 10)
            if kind == "external absolute":
                f.create_dataset("x", shape=(20, 26), dtype="u1", external=[(str(secret), 0, 520)])
            elif kind == "external relative":
                f.create_dataset("x", shape=(20, 26), dtype="u1", external=[("secret.bin", 0, 520)])
            elif kind == "external in a group":
                f.create_group("g").create_dataset(
                    "x", shape=(20, 26), dtype="u1", external=[(str(secret), 0, 520)]
                )
            elif kind in ("virtual", "virtual, source missing"):
                layout = h5py.VirtualLayout(shape=(20, 10), dtype="f8")
                name = "missing.h5" if kind.endswith("missing") else str(source)
                layout[:] = h5py.VirtualSource(name, "x", shape=(20, 10))
                f.create_virtual_dataset("x", layout, fillvalue=0)
            elif kind == "external link":
                f["x"] = h5py.ExternalLink(str(source), "x")
            elif kind == "external link, dangling":
                f["x"] = h5py.ExternalLink("nowhere.h5", "x")
            elif kind == "external link in a group":
                f.create_group("g")["x"] = h5py.ExternalLink(str(source), "x")
        args, out = _command(command, path, tmp)
        if command == "split":
            args += ["--key", "inside"]
        return Run(
            args,
            4,
            "benchmake reads only data held in the file itself",
            out=out,
            out_after="absent" if out else "unchanged",
            absent=("AWS_SECRET",),
        )

    return build


def _h5_verify(tmp: Path, base: Path) -> Run:
    from benchmake_cli import split_file

    _h5("external absolute", "split")(tmp, base)
    inside = tmp / "inside.h5"
    import h5py

    with h5py.File(inside, "w") as f:
        f["inside"] = np.arange(200.0).reshape(20, 10)
    split_file(inside, frac=0.2, out=tmp / "s", key=["inside"])
    return Run(
        ["verify", str(tmp / "s"), "--data", str(tmp / "hostile.h5")],
        7,
        "its content is not quoted",
        stream="stdout",
        absent=("AWS_SECRET",),
    )


# --- class 8: exit 1 on input -----------------------------------------------------------------


def _parquet_binary(kind: str, command: str):  # type: ignore[no-untyped-def]
    def build(tmp: Path, base: Path) -> Run:
        import pyarrow as pa
        import pyarrow.parquet as pq

        values = [bytes([255, i]) for i in range(20)]
        types = {"binary": pa.binary(), "large": pa.large_binary(), "fixed": pa.binary(2)}
        table = pa.table(
            {
                "a": np.arange(20.0),
                "b": np.arange(20.0) ** 2,
                "blob": pa.array(values, type=types[kind]),
            }
        )
        pq.write_table(table, tmp / "bin.parquet")
        args, out = _command(command, tmp / "bin.parquet", tmp)
        return Run(
            args,
            4,
            "column 'blob' holds raw bytes",
            out=out,
            out_after="absent" if out else "unchanged",
        )

    return build


def _long_field(suffix: str, command: str):  # type: ignore[no-untyped-def]
    def build(tmp: Path, base: Path) -> Run:
        path = tmp / f"long{suffix}"
        if suffix == ".txt":
            lines = ["A" * 140_000] + ["ACD"[i % 3] * 3 for i in range(30)]
        else:
            sep = "\t" if suffix == ".tsv" else ","
            lines = ["a" + "x" * 140_000 + f"{sep}b"] + [f"{i}{sep}{i * i % 7}" for i in range(30)]
        path.write_text("\n".join(lines) + "\n")
        args, out = _command(command, path, tmp)
        return Run(
            args, 0, "", stream="stdout", out=out, out_after="bundle" if out else "unchanged"
        )

    return build


def _huge_index(value: str, how: str):  # type: ignore[no-untyped-def]
    def build(tmp: Path, base: Path) -> Run:
        copy(base, tmp, "alloys.csv", "splits")
        path = tmp / "splits" / "test_indices.txt"
        lines = path.read_text().splitlines()
        lines[0] = value
        path.write_text("\n".join(lines) + "\n")
        rehash(tmp / "splits", "test_indices.txt")
        if how == "load_split":
            from benchmake_cli import load_split

            return Run(api=lambda: load_split(tmp / "splits"), code=7, message="indices:")
        extra = ["--bundle-only"] if how == "bundle-only" else []
        return Run(["verify", str(tmp / "splits"), *extra], 7, "FAIL", stream="stdout")

    return build


# --- class 9: hangs ---------------------------------------------------------------------------


def _data_special(kind: str):  # type: ignore[no-untyped-def]
    def build(tmp: Path, base: Path) -> Run:
        copy(base, tmp, "alloys.csv", "splits")
        if kind == "fifo":
            os.mkfifo(tmp / "fifo.csv")
            target = str(tmp / "fifo.csv")
        else:
            target = kind
        return Run(["verify", str(tmp / "splits"), "--data", target], 4, "not the data's file")

    return build


def _recorded_special(kind: str):  # type: ignore[no-untyped-def]
    def build(tmp: Path, base: Path) -> Run:
        copy(base, tmp, "splits")
        if kind == "fifo":
            os.mkfifo(tmp / "alloys.csv")
        else:
            (tmp / "alloys.csv").symlink_to(kind)
        return Run(["verify", str(tmp / "splits")], 8, "its data path leads to")

    return build


def _input_special(kind: str, command: str):  # type: ignore[no-untyped-def]
    def build(tmp: Path, base: Path) -> Run:
        path = tmp / "input.csv"
        if kind == "fifo":
            os.mkfifo(path)
        else:
            path.symlink_to(kind)
        args, out = _command(command, path, tmp)
        return Run(args, 4, "input.csv", out=out, out_after="absent" if out else "unchanged")

    return build


def _predictions_fifo(tmp: Path, base: Path) -> Run:
    copy(base, tmp, "alloys.csv", "splits")
    os.mkfifo(tmp / "p.csv")
    return Run(["score", str(tmp / "splits"), str(tmp / "p.csv")], 12, "p.csv")


# --- class 10: SMILES -------------------------------------------------------------------------


def _smiles(text: str, command: str, message: str):  # type: ignore[no-untyped-def]
    def build(tmp: Path, base: Path) -> Run:
        path = tmp / "m.smi"
        path.write_text(text)
        args, out = _command(command, path, tmp)
        return Run(args, 4, message, out=out, out_after="absent" if out else "unchanged")

    return build


GOOD_SMILES = "".join(f"C{'C' * (i % 7)}O{'N' * (i % 3)}\tmol{i}\n" for i in range(20))


# --- smaller points -----------------------------------------------------------------------------


def _bad_cell(line: int, cell: str, message: str):  # type: ignore[no-untyped-def]
    def build(tmp: Path, base: Path) -> Run:
        rows = ["a,b"] + [f"{i},{i * 3 % 11}" for i in range(20)]
        rows[line] = f"{cell},{line}"
        (tmp / "bad.csv").write_text("\n".join(rows) + "\n")
        return Run(_split(tmp / "bad.csv", tmp), 4, message, out=tmp / "o", out_after="absent")

    return build


def _sparse_npy(tmp: Path, base: Path) -> Run:
    from numpy.lib import format as npy_format

    path = tmp / "huge.npy"
    with open(path, "wb") as handle:
        npy_format.write_array_header_1_0(
            handle, {"descr": "<f8", "fortran_order": False, "shape": (1_500_000, 100)}
        )
        handle.truncate(handle.tell() + 1_500_000 * 100 * 8)  # 1.2 GB of holes, no disk used

    def check(stdout: str) -> None:
        assert "only the header was read" in stdout, stdout

    return Run(
        ["inspect", str(path)], 0, "1500000 rows x 100 features", stream="stdout", check=check
    )


def _sparse_npy_truncated(tmp: Path, base: Path) -> Run:
    from numpy.lib import format as npy_format

    path = tmp / "huge.npy"
    with open(path, "wb") as handle:
        npy_format.write_array_header_1_0(
            handle, {"descr": "<f8", "fortran_order": False, "shape": (1_500_000, 100)}
        )
        handle.truncate(handle.tell() + 1_500_000 * 100 * 8 - 100)
    return Run(["inspect", str(path)], 4, "truncated")


def _png_special(kind: str, command: str):  # type: ignore[no-untyped-def]
    def build(tmp: Path, base: Path) -> Run:
        copy(base, tmp, "shapes_png")
        path = tmp / "shapes_png" / "circle" / "zz.png"
        if kind == "fifo":
            os.mkfifo(path)
        elif kind == "dangling":
            path.symlink_to(tmp / "nowhere.png")
        else:
            path.symlink_to(kind)
        args, out = _command(command, tmp / "shapes_png", tmp)
        words = {"fifo": "a FIFO", "dangling": "a dangling link"}.get(kind, "a device")
        return Run(
            args,
            4,
            f"circle/zz.png is {words}",
            out=out,
            out_after="absent" if out else "unchanged",
        )

    return build


def _signal_special(tmp: Path, base: Path) -> Run:
    folder = tmp / "signals"
    folder.mkdir()
    for i in range(10):
        np.save(folder / f"s{i}.npy", np.sin(np.arange(32) * (i + 1) / 10))
    os.mkfifo(folder / "s99.npy")
    return Run(_split(folder, tmp), 4, "s99.npy is a FIFO", out=tmp / "o", out_after="absent")


CASES = [
    *(
        Case(HDF5, f"{kind} ({command})", _h5(kind, command))
        for kind in (
            "external absolute",
            "external relative",
            "external in a group",
            "virtual",
            "virtual, source missing",
            "external link",
            "external link, dangling",
            "external link in a group",
        )
        for command in ("split", "inspect")
    ),
    Case(HDF5, "verify --data an external-storage file", _h5_verify),
    *(
        Case(CRASH, f"Parquet {kind} column ({command})", _parquet_binary(kind, command))
        for kind in ("binary", "large", "fixed")
        for command in ("split", "inspect")
    ),
    *(
        Case(
            CRASH,
            f"a 140,000-character first field, {suffix} ({command})",
            _long_field(suffix, command),
        )
        for suffix in (".csv", ".tsv", ".txt")
        for command in ("split", "inspect")
    ),
    *(
        Case(CRASH, f"test index {value[:12]}… ({how})", _huge_index(value, how))
        for value in ("99999999999999999999999", "9223372036854775808", "1" + "0" * 400)
        for how in ("verify", "bundle-only", "load_split")
    ),
    *(
        Case(HANG, f"verify --data {kind}", _data_special(kind))
        for kind in ("/dev/zero", "/dev/null", "/dev/urandom", "fifo")
    ),
    *(
        Case(HANG, f"recorded data is {kind}", _recorded_special(kind))
        for kind in ("/dev/zero", "fifo")
    ),
    *(
        Case(HANG, f"input is {kind} ({command})", _input_special(kind, command))
        for kind in ("/dev/zero", "fifo")
        for command in ("split", "inspect")
    ),
    Case(HANG, "predictions are a FIFO", _predictions_fifo),
    *(
        Case(SMILES, f"{name} ({command})", _smiles(text, command, message))
        for name, text, message in (
            (
                "every line '\\tname'",
                "".join(f"\tname{i}\n" for i in range(10)),
                "line 1: the SMILES field is empty",
            ),
            (
                "one line '\\tname' among good ones",
                GOOD_SMILES + "\tlonely\n",
                "line 21: the SMILES field is empty",
            ),
            (
                "a line ' \\tname'",
                GOOD_SMILES.replace("CO\tmol0", " \tmol0"),
                "line 1: the SMILES field is empty",
            ),
            ("a line '  name'", GOOD_SMILES + "  name\n", "line 21: the SMILES field is empty"),
            ("an escape code in a name", "\tname\x1b[2J\n" * 5, "\\x1b[2J"),
        )
        for command in ("split", "inspect")
    ),
    Case(SMALL, "'x' in row 9 of a numeric column", _bad_cell(9, "x", "row 8, column 'a'")),
    Case(
        SMALL,
        "a byte-order mark at the start of line 3",
        _bad_cell(3, "\ufeff2", "row 2, column 'a': '\\ufeff2'"),
    ),
    Case(SMALL, "'1,5' decimal comma in a numeric column", _bad_cell(12, '"1,5"', "row 11")),
    Case(SMALL, "an escape code in a numeric cell", _bad_cell(5, "\x1b[2J", "\\x1b[2J")),
    Case(SMALL, "inspect a 1.2 GB sparse NPY", _sparse_npy),
    Case(SMALL, "inspect a truncated 1.2 GB NPY", _sparse_npy_truncated),
    *(
        Case(SMALL, f"{kind} .png ({command})", _png_special(kind, command))
        for kind in ("dangling", "/dev/zero", "fifo")
        for command in ("split", "inspect")
    ),
    Case(SMALL, "a FIFO among signal files", _signal_special),
]
