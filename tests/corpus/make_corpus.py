"""The bad-input corpus: malformed inputs for every reader, and tricky inputs that are valid.

Each :class:`Refused` case is a file or folder that ``benchmake split`` must refuse with one
line on stderr naming the file (and the row or column where there is one), a documented
exit code, no traceback and nothing written to ``--out``. Each :class:`Accepted` case is an
awkward but valid input (a byte-order mark, CRLF line ends, quoted delimiters, values near
±1e308, ...) that must give exactly the split of its clean twin.

Run it to look at the files::

    python tests/corpus/make_corpus.py /tmp/corpus    # writes the files and cases.json

The tests (``tests/test_corpus.py``) build it in a temporary folder.
"""

from __future__ import annotations

import gzip
import io
import json
import struct
import sys
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

# Exit codes, as documented (benchmake_cli.errors.ExitCode); plain numbers here so that the
# corpus states the contract rather than restating the enum.
USAGE, NOT_FOUND, BAD_DATA, BAD_PARAMETER, OUTPUT = 2, 3, 4, 5, 6

TRAP_FILE = "UNPICKLED"  #: created in the corpus folder if anything ever unpickles a trap


@dataclass(frozen=True)
class Refused:
    """A malformed input: ``benchmake split DATA *args`` must fail with ``exit_code`` and one
    line holding ``message``."""

    name: str
    reader: str
    data: str  #: relative to the corpus folder
    args: tuple[str, ...]
    exit_code: int
    message: str


@dataclass(frozen=True)
class Accepted:
    """An awkward but valid input that must give the same split as its clean ``twin``."""

    name: str
    reader: str
    data: str
    twin: str
    args: tuple[str, ...] = ()


@dataclass(frozen=True)
class Corpus:
    root: Path
    refused: list[Refused]
    accepted: list[Accepted]

    @property
    def readers(self) -> set[str]:
        return {case.reader for case in self.refused}


class _Trap:
    """Unpickling this creates ``TRAP_FILE``: proof that a reader loaded a pickle."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (open, (self.path, "w"))


def _numbers(n: int = 20, columns: tuple[str, ...] = ("a", "b", "c"), seed: int = 0) -> str:
    """A small, valid CSV text: ``n`` rows of distinct numbers."""
    rng = np.random.default_rng(seed)
    rows = [",".join(columns)]
    rows += [",".join(f"{v:.4f}" for v in rng.normal(size=len(columns))) for _ in range(n)]
    return "\n".join(rows) + "\n"


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
    )


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` × ``height`` grey pixels (a decompression
    bomb: a few bytes on disk, gigabytes once decoded)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * (width + 1)))
        + _png_chunk(b"IEND", b"")
    )


def _image(size: int, value: int, mode: str = "L") -> bytes:
    from PIL import Image

    ramp = (np.arange(size * size).reshape(size, size) * 7 + value * 31) % 256
    pixels = ramp.astype(np.uint8)
    if mode == "RGB":
        pixels = np.stack([ramp, (ramp + 85) % 256, (ramp + 170) % 256], axis=-1)
        pixels = pixels.astype(np.uint8)
    elif mode == "I;16":
        pixels = ramp.astype(np.uint16) * 200
    buffer = io.BytesIO()
    Image.fromarray(pixels, mode if mode != "I;16" else None).save(buffer, format="PNG")
    return buffer.getvalue()


def _truncated_png() -> bytes:
    """A PNG cut short in its pixel data: the header reads, the pixels do not decode."""
    from PIL import Image

    noise = np.random.default_rng(5).integers(0, 256, size=(64, 64), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(noise).save(buffer, format="PNG")
    whole = buffer.getvalue()
    return whole[: len(whole) * 3 // 5]


def _image_folder(root: Path, name: str, count: int = 12, **odd: bytes) -> str:
    """A folder of ``count`` small valid PNGs plus the odd files given (name → bytes)."""
    folder = root / name
    folder.mkdir()
    for i in range(count):
        (folder / f"img_{i:02d}.png").write_bytes(_image(8, i))
    for file_name, content in odd.items():
        (folder / file_name.replace("__", ".")).write_bytes(content)
    return name


def _signal_folder(root: Path, name: str, **odd: str) -> str:
    folder = root / name
    folder.mkdir()
    rng = np.random.default_rng(1)
    for i in range(10):
        values = rng.normal(size=(16, 2))
        text = "x,y\n" + "".join(f"{a:.4f},{b:.4f}\n" for a, b in values)
        (folder / f"sig_{i:02d}.csv").write_text(text)
    for file_name, content in odd.items():
        (folder / file_name.replace("__", ".")).write_text(content)
    return name


def _ogb_folder(root: Path, name: str, **replace: bytes | None) -> str:
    """A valid OGB raw folder of 8 small graphs, with files replaced (``None``: removed)."""
    folder = root / name
    folder.mkdir()
    nodes = [3, 4, 3, 5, 4, 3, 4, 5]
    edges = [[(0, 1), (1, 2)] for _ in nodes]
    files = {
        "num-node-list": "".join(f"{n}\n" for n in nodes).encode(),
        "num-edge-list": "".join(f"{len(e)}\n" for e in edges).encode(),
        "edge": "".join(f"{a},{b}\n" for graph in edges for a, b in graph).encode(),
        "node-feat": "".join(
            f"{(g * 7 + i) % 5},{(g + i) % 3}\n" for g, n in enumerate(nodes) for i in range(n)
        ).encode(),
        "graph-label": "".join(f"{g % 2}\n" for g in range(len(nodes))).encode(),
    }
    for stem, content in {**files, **replace}.items():
        if content is not None:
            (folder / f"{stem}.csv.gz").write_bytes(gzip.compress(content, mtime=0))
    return name


def _write(root: Path, name: str, content: str | bytes) -> str:
    path = root / name
    if isinstance(content, str):
        path.write_bytes(content.encode("utf-8"))
    else:
        path.write_bytes(content)
    return name


def _parquet(root: Path, name: str, table: pa.Table) -> str:
    pq.write_table(table, root / name)
    return name


def _npy(root: Path, name: str, array: np.ndarray, allow_pickle: bool = False) -> str:
    np.save(root / name, array, allow_pickle=allow_pickle)
    return name


def _hdf5(root: Path, name: str, build) -> str:  # type: ignore[no-untyped-def]
    import h5py

    with h5py.File(root / name, "w") as handle:
        build(handle)
    return name


def _refused_tables(root: Path) -> list[Refused]:
    good = _numbers()
    lines = good.splitlines(keepends=True)
    valid_parquet = root / "valid.parquet"
    pq.write_table(pa.table({"a": [1.0, 2.0, 3.0, 4.0], "b": [4.0, 3.0, 1.0, 2.0]}), valid_parquet)
    parquet_bytes = valid_parquet.read_bytes()
    cases = [
        ("zero-byte csv", "empty.csv", "", (), BAD_DATA, "empty.csv: file is empty"),
        ("blank lines only", "blank.csv", "\n\n  \n", (), BAD_DATA, "blank.csv: file is empty"),
        ("header only", "header.csv", "a,b,c\n", (), BAD_DATA, "header.csv: has a header but no"),
        (
            "truncated mid-row",
            "truncated.csv",
            good[: len(good) - 12],
            (),
            BAD_DATA,
            "truncated.csv: row 19, column 'c': missing value",
        ),
        (
            "unknown extension",
            "data.xyz",
            good,
            (),
            BAD_DATA,
            "data.xyz: unknown file type '.xyz'",
        ),
        (
            "no extension",
            "datafile",
            good,
            (),
            BAD_DATA,
            "datafile: unknown file type '(no extension)'",
        ),
        (
            "binary garbage named .csv",
            "garbage.csv",
            bytes(range(256)) * 8,
            (),
            BAD_DATA,
            "garbage.csv: is a binary file",
        ),
        (
            "Parquet bytes named .csv",
            "parquet_inside.csv",
            parquet_bytes,
            (),
            BAD_DATA,
            "parquet_inside.csv: is a binary file",
        ),
        (
            "UTF-16 text",
            "utf16.csv",
            good.encode("utf-16"),
            (),
            BAD_DATA,
            "utf16.csv: is UTF-16 text; re-save it as UTF-8",
        ),
        (
            "non-UTF-8 byte",
            "latin1.csv",
            (lines[0] + lines[1] + "".join(lines[2:]))
            .replace("a,b,c", "a,b,caf\xe9")
            .encode("latin-1"),
            (),
            BAD_DATA,
            "latin1.csv: line 1: byte 0xe9 is not valid UTF-8",
        ),
        (
            "ragged rows",
            "ragged.csv",
            lines[0] + lines[1] + lines[2].rstrip("\n") + ",9.5\n" + "".join(lines[3:]),
            (),
            BAD_DATA,
            "ragged.csv: Expected 3 fields in line 3, saw 4",
        ),
        (
            "short row",
            "short.csv",
            "".join(lines[:5]) + "1.5,2.5\n" + "".join(lines[5:]),
            (),
            BAD_DATA,
            "short.csv: row 4, column 'c': missing value",
        ),
        (
            "unclosed quote",
            "quote.csv",
            "".join(lines[:4]) + '"1.5,2.5,3.5\n' + "".join(lines[4:]),
            (),
            BAD_DATA,
            "quote.csv: line 5: a quoted field is never closed",
        ),
        (
            "duplicate column names",
            "dupcols.csv",
            good.replace("a,b,c", "a,b,a", 1),
            (),
            BAD_DATA,
            "dupcols.csv: column name 'a' appears twice in the header",
        ),
        (
            "header repeated mid-file",
            "concatenated.csv",
            good + good,
            (),
            BAD_DATA,
            "concatenated.csv: row 20 repeats the header",
        ),
        (
            "NaN value",
            "nan.csv",
            "".join(lines[:3]) + "0.5,NaN,1.5\n" + "".join(lines[3:]),
            (),
            BAD_DATA,
            "nan.csv: row 2, column 'b': missing value",
        ),
        (
            "inf value",
            "inf.csv",
            "".join(lines[:6]) + "-inf,0.5,1.5\n" + "".join(lines[6:]),
            (),
            BAD_DATA,
            "inf.csv: row 5, column 'a': value -inf is not finite",
        ),
        (
            "number past float64",
            "overflow.csv",
            "".join(lines[:4]) + "0.5,1e309,1.5\n" + "".join(lines[4:]),
            (),
            BAD_DATA,
            "overflow.csv: row 3, column 'b': value inf is not finite",
        ),
        (
            "zero variance",
            "constant.csv",
            "a,b\n" + "3.5,-1\n" * 12,
            (),
            BAD_DATA,
            "constant.csv: every feature is constant (2 columns)",
        ),
        (
            "a single row",
            "one_row.csv",
            "a,b\n1,2\n",
            (),
            BAD_PARAMETER,
            "one_row.csv: --frac 0.2 of 1 row puts every row in the test set",
        ),
        (
            "two rows, frac leaves no training row",
            "two_rows.csv",
            "a,b\n1,2\n3,5\n",
            ("--frac", "0.6"),
            BAD_PARAMETER,
            "leaves the training set empty",
        ),
        ("frac 0", "frac_zero.csv", good, ("--frac", "0"), BAD_PARAMETER, "--frac 0.0: must be"),
        ("frac 1", "frac_one.csv", good, ("--frac", "1"), BAD_PARAMETER, "--frac 1.0: must be"),
        (
            "frac above 1",
            "frac_big.csv",
            good,
            ("--frac", "1.5"),
            BAD_PARAMETER,
            "--frac 1.5: must be between 0 and 1",
        ),
        (
            "negative frac",
            "frac_negative.csv",
            good,
            ("--frac", "-0.2"),
            BAD_PARAMETER,
            "--frac -0.2: must be between 0 and 1",
        ),
        (
            "frac NaN",
            "frac_nan.csv",
            good,
            ("--frac", "nan"),
            BAD_PARAMETER,
            "--frac nan: must be between 0 and 1",
        ),
        (
            "frac not a number",
            "frac_text.csv",
            good,
            ("--frac", "fifth"),
            USAGE,
            "Invalid value for '--frac'",
        ),
        (
            "target column missing",
            "no_target.csv",
            good,
            ("--target", "price"),
            BAD_PARAMETER,
            "--target 'price': no such column in no_target.csv; columns are: a, b, c",
        ),
        (
            "feature column missing",
            "no_feature.csv",
            good,
            ("--features", "a,zz"),
            BAD_PARAMETER,
            "--features 'zz': no such column in no_feature.csv",
        ),
        (
            "empty cell",
            "empty_cell.csv",
            "".join(lines[:8]) + "0.5,,1.5\n" + "".join(lines[8:]),
            (),
            BAD_DATA,
            "empty_cell.csv: row 7, column 'b': missing value; fill it in or pass --drop-missing",
        ),
        (
            "text column under --strict",
            "strict.csv",
            "a,kind\n1,x\n2,y\n3,x\n4,y\n5,x\n",
            ("--strict",),
            BAD_DATA,
            "strict.csv: column 'kind' is not numeric (for example 'x')",
        ),
        (
            "identifier column as a feature",
            "identifier.csv",
            "name,a\n" + "".join(f"s{i},{i % 5}\n" for i in range(12)),
            (),
            BAD_DATA,
            "identifier.csv: column 'name' has a different text value in every row",
        ),
        (
            "row index saved with the data",
            "saved_index.csv",
            "," + lines[0] + "".join(f"{i},{line}" for i, line in enumerate(lines[1:])),
            (),
            BAD_DATA,
            "saved_index.csv: column 'Unnamed: 0' has no name in the header",
        ),
        (
            "wrong --sep",
            "wrong_sep.csv",
            good,
            ("--sep", ";"),
            BAD_DATA,
            "wrong_sep.csv: column 'a,b,c' has a different text value in every row",
        ),
        (
            "TSV with ragged rows",
            "ragged.tsv",
            "a\tb\n1\t2\n3\t4\t5\n6\t7\n",
            (),
            BAD_DATA,
            "ragged.tsv: Expected 2 fields in line 3, saw 3",
        ),
    ]
    refused = [
        Refused(name, "delimited", _write(root, file, content), args, code, message)
        for name, file, content, args, code, message in cases
    ]

    truncated = parquet_bytes[: len(parquet_bytes) // 2]
    nested = pa.table({"a": [1.0, 2.0, 3.0, 4.0], "v": [[1, 2], [3], [4, 5], [6]]})
    duplicate = pa.Table.from_arrays(
        [pa.array([1.0, 2.0, 3.0]), pa.array([3.0, 1.0, 2.0])], ["a", "a"]
    )
    with_null = pa.table({"a": [1.0, 2.0, None, 4.0, 5.0], "b": [5.0, 3.0, 1.0, 2.0, 4.0]})
    empty = pa.table({"a": pa.array([], pa.float64()), "b": pa.array([], pa.float64())})
    refused += [
        Refused(
            "zero-byte Parquet",
            "parquet",
            _write(root, "empty.parquet", b""),
            (),
            BAD_DATA,
            "empty.parquet: file is empty",
        ),
        Refused(
            "truncated Parquet",
            "parquet",
            _write(root, "truncated.parquet", truncated),
            (),
            BAD_DATA,
            "truncated.parquet: not a readable Parquet file",
        ),
        Refused(
            "CSV text named .parquet",
            "parquet",
            _write(root, "text.parquet", good),
            (),
            BAD_DATA,
            "text.parquet: not a readable Parquet file",
        ),
        Refused(
            "Parquet with no rows",
            "parquet",
            _parquet(root, "no_rows.parquet", empty),
            (),
            BAD_DATA,
            "no_rows.parquet: has columns but no data rows",
        ),
        Refused(
            "Parquet with duplicate column names",
            "parquet",
            _parquet(root, "dupcols.parquet", duplicate),
            (),
            BAD_DATA,
            "dupcols.parquet: column name 'a' appears twice",
        ),
        Refused(
            "Parquet with nested values",
            "parquet",
            _parquet(root, "nested.parquet", nested),
            (),
            BAD_DATA,
            "nested.parquet: column 'v' holds nested values (list<element: int64>)",
        ),
        Refused(
            "Parquet with a null",
            "parquet",
            _parquet(root, "null.parquet", with_null),
            (),
            BAD_DATA,
            "null.parquet: row 2, column 'a': missing value",
        ),
    ]
    valid_parquet.unlink()
    return refused


def _refused_arrays(root: Path) -> list[Refused]:
    trap = _Trap(root / TRAP_FILE)
    rows = np.arange(40, dtype=np.float64).reshape(20, 2) % 7
    npy_bytes = io.BytesIO()
    np.save(npy_bytes, rows)
    with_nan = rows.copy()
    with_nan[3, 1] = np.nan

    def archive(**arrays: np.ndarray) -> bytes:
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)
        return buffer.getvalue()

    npz_bytes = archive(x=rows, y=np.arange(20))
    refused = [
        Refused(
            "zero-byte NPY",
            "npy",
            _write(root, "empty.npy", b""),
            (),
            BAD_DATA,
            "empty.npy: file is empty",
        ),
        Refused(
            "truncated NPY",
            "npy",
            _write(root, "truncated.npy", npy_bytes.getvalue()[:150]),
            (),
            BAD_DATA,
            "truncated.npy: not a readable .npy file",
        ),
        Refused(
            "text named .npy",
            "npy",
            _write(root, "text.npy", _numbers()),
            (),
            BAD_DATA,
            "text.npy: not a readable .npy file",
        ),
        Refused(
            "NPY needing pickle (a trap)",
            "npy",
            _npy(root, "pickled.npy", np.array([trap, trap], dtype=object), allow_pickle=True),
            (),
            BAD_DATA,
            "pickled.npy: holds Python objects (pickle); benchmake never loads pickles",
        ),
        Refused(
            "NPY of strings",
            "npy",
            _npy(root, "strings.npy", np.array([["a", "b"], ["c", "d"]])),
            (),
            BAD_DATA,
            "strings.npy: dtype <U1 is not numeric",
        ),
        Refused(
            "NPY of complex numbers",
            "npy",
            _npy(root, "complex.npy", rows.astype(complex)),
            (),
            BAD_DATA,
            "complex.npy: dtype complex128 is not numeric",
        ),
        Refused(
            "NPY scalar",
            "npy",
            _npy(root, "scalar.npy", np.array(3.0)),
            (),
            BAD_DATA,
            "scalar.npy: holds no rows (shape ())",
        ),
        Refused(
            "NPY with no rows",
            "npy",
            _npy(root, "no_rows.npy", np.zeros((0, 3))),
            (),
            BAD_DATA,
            "no_rows.npy: holds no rows (shape (0, 3))",
        ),
        Refused(
            "NPY with NaN",
            "npy",
            _npy(root, "nan.npy", with_nan),
            (),
            BAD_DATA,
            "nan.npy: row 3, column '1': missing value",
        ),
        Refused(
            "NPZ needing pickle (a trap)",
            "npz",
            _write(root, "pickled.npz", archive(x=np.array([trap, trap], dtype=object))),
            (),
            BAD_DATA,
            "pickled.npz: array 'x' holds Python objects (pickle); benchmake never loads",
        ),
        Refused(
            "text named .npz",
            "npz",
            _write(root, "text.npz", _numbers()),
            (),
            BAD_DATA,
            "text.npz: not a readable .npz file",
        ),
        Refused(
            "truncated NPZ",
            "npz",
            _write(root, "truncated.npz", npz_bytes[: len(npz_bytes) // 2]),
            (),
            BAD_DATA,
            "truncated.npz: not a readable .npz file",
        ),
        Refused(
            "NPZ with a wrong key",
            "npz",
            _write(root, "keys.npz", npz_bytes),
            ("--key", "images"),
            BAD_PARAMETER,
            "--key 'images': no such array in keys.npz; arrays are: x, y",
        ),
        Refused(
            "NPZ of several arrays without --key",
            "npz",
            _write(root, "ambiguous.npz", npz_bytes),
            (),
            BAD_PARAMETER,
            "ambiguous.npz: holds 2 arrays; choose with --key: x, y",
        ),
        Refused(
            "NPZ keys that cannot be joined",
            "npz",
            _write(root, "unjoinable.npz", archive(x=rows, z=np.zeros((5, 3)))),
            ("--key", "x,z"),
            BAD_DATA,
            "unjoinable.npz: arrays 'x' (20, 2) and 'z' (5, 3) differ beyond the first",
        ),
        Refused(
            "NPZ labels of another length",
            "npz",
            _write(root, "labels.npz", archive(x=rows, y=np.arange(19))),
            ("--key", "x", "--target-key", "y"),
            BAD_DATA,
            "labels.npz: --target-key rows [19] do not match --key rows [20]",
        ),
    ]

    def with_group(handle) -> None:  # type: ignore[no-untyped-def]
        handle.create_group("grp")["x"] = rows
        handle["other"] = rows

    def strings(handle) -> None:  # type: ignore[no-untyped-def]
        handle["names"] = np.array([b"a", b"b", b"c"])

    def scalar(handle) -> None:  # type: ignore[no-untyped-def]
        handle["x"] = 3.0

    def no_datasets(handle) -> None:  # type: ignore[no-untyped-def]
        handle.create_group("empty")

    hdf5_ok = _hdf5(root, "keys.h5", lambda h: h.create_dataset("x", data=rows))
    hdf5_bytes = (root / hdf5_ok).read_bytes()
    refused += [
        Refused(
            "HDF5 with a wrong key",
            "hdf5",
            hdf5_ok,
            ("--key", "images"),
            BAD_PARAMETER,
            "--key 'images': no such array in keys.h5; arrays are: x",
        ),
        Refused(
            "HDF5 group in place of a dataset",
            "hdf5",
            _hdf5(root, "group.h5", with_group),
            ("--key", "grp"),
            BAD_PARAMETER,
            "--key 'grp': is a group in group.h5, not a dataset; datasets are: grp/x, other",
        ),
        Refused(
            "HDF5 of strings",
            "hdf5",
            _hdf5(root, "strings.h5", strings),
            (),
            BAD_DATA,
            "strings.h5: array 'names' has dtype |S1, not numbers",
        ),
        Refused(
            "HDF5 scalar",
            "hdf5",
            _hdf5(root, "scalar.h5", scalar),
            ("--key", "x"),
            BAD_DATA,
            "scalar.h5: array 'x' is a single value, not rows of samples",
        ),
        Refused(
            "HDF5 without datasets",
            "hdf5",
            _hdf5(root, "no_datasets.h5", no_datasets),
            (),
            BAD_DATA,
            "no_datasets.h5: holds no datasets",
        ),
        Refused(
            "truncated HDF5",
            "hdf5",
            _write(root, "truncated.h5", hdf5_bytes[: len(hdf5_bytes) // 3]),
            (),
            BAD_DATA,
            "truncated.h5: not a readable HDF5 file",
        ),
        Refused(
            "text named .h5",
            "hdf5",
            _write(root, "text.h5", _numbers()),
            (),
            BAD_DATA,
            "text.h5: not a readable HDF5 file",
        ),
    ]
    return refused


def _refused_folders(root: Path) -> list[Refused]:
    (root / "empty_folder").mkdir()
    refused = [
        Refused(
            "corrupt image",
            "image-folder",
            _image_folder(root, "img_corrupt", bad__png=b"\x89PNG\r\n\x1a\n" + bytes(range(200))),
            (),
            BAD_DATA,
            "bad.png: not a readable image",
        ),
        Refused(
            "zero-byte image",
            "image-folder",
            _image_folder(root, "img_zero", zero__png=b""),
            (),
            BAD_DATA,
            "zero.png: file is empty",
        ),
        Refused(
            "truncated image",
            "image-folder",
            _image_folder(root, "img_truncated", cut__png=_truncated_png()),
            ("--image-size", "8x8"),
            BAD_DATA,
            "cut.png: cannot be decoded as an image",
        ),
        Refused(
            "decompression bomb",
            "image-folder",
            _image_folder(root, "img_bomb", bomb__png=_png_claiming(100_000, 100_000)),
            ("--image-size", "8x8"),
            BAD_DATA,
            "bomb.png: image has more than 89478485 pixels (a decompression bomb?)",
        ),
        Refused(
            "16-bit image among 8-bit ones",
            "image-folder",
            _image_folder(root, "img_16bit", deep__png=_image(8, 2, "I;16")),
            (),
            BAD_DATA,
            "deep.png: mode I;16 (16-bit, 32-bit or float pixels) is not supported",
        ),
        Refused(
            "images of different sizes",
            "image-folder",
            _image_folder(root, "img_sizes", big__png=_image(16, 2)),
            (),
            BAD_DATA,
            "img_sizes: images differ in size: big.png is 16x16, img_00.png is 8x8",
        ),
        Refused(
            "text named .png",
            "image-folder",
            _image_folder(root, "img_text", notes__png=b"just some notes\n"),
            (),
            BAD_DATA,
            "notes.png: not a readable image",
        ),
        Refused(
            "empty folder",
            "folder",
            "empty_folder",
            (),
            BAD_DATA,
            "empty_folder: folder is empty",
        ),
        Refused(
            "ragged signal file",
            "signal-folder",
            _signal_folder(root, "sig_ragged", bad__csv="x,y\n1,2\n3\n4,5\n"),
            (),
            BAD_DATA,
            "bad.csv: line 3: 1 values, expected 2",
        ),
        Refused(
            "signal file with junk",
            "signal-folder",
            _signal_folder(root, "sig_junk", bad__csv="x,y\n1,2\n3,oops\n"),
            (),
            BAD_DATA,
            "bad.csv: line 3: not a row of numbers",
        ),
        Refused(
            "signals with different channel counts",
            "signal-folder",
            _signal_folder(root, "sig_channels", wide__csv="1,2,3\n4,5,6\n"),
            (),
            BAD_DATA,
            "signals differ in channels: sig_00.csv has 2, wide.csv has 3",
        ),
        Refused(
            "signals of different lengths",
            "signal-folder",
            _signal_folder(root, "sig_lengths", short__csv="1,2\n3,4\n"),
            (),
            BAD_DATA,
            "short.csv",
        ),
        Refused(
            "OGB folder without edges",
            "ogb",
            _ogb_folder(root, "ogb_no_edges", edge=None),
            (),
            BAD_DATA,
            "ogb_no_edges: no edge.csv[.gz]",
        ),
        Refused(
            "OGB counts that do not add up",
            "ogb",
            _ogb_folder(root, "ogb_counts", **{"num-edge-list": b"2\n2\n2\n"}),
            (),
            BAD_DATA,
            "num-edge-list.csv.gz: 3 lines, but num-node-list.csv.gz gives 8 graphs",
        ),
        Refused(
            "OGB edge leaving its graph",
            "ogb",
            _ogb_folder(root, "ogb_edge", edge=b"0,1\n1,7\n" + b"".join([b"0,1\n1,2\n"] * 7)),
            (),
            BAD_DATA,
            "edge.csv.gz: line 2: edge 1,7 leaves graph 0 (3 nodes",
        ),
        Refused(
            "OGB corrupt gzip",
            "ogb",
            _ogb_folder(root, "ogb_gzip"),
            (),
            BAD_DATA,
            "node-feat.csv.gz: not a readable gzip file",
        ),
    ]
    (root / "ogb_gzip" / "node-feat.csv.gz").write_bytes(gzip.compress(b"1,2\n" * 30)[:-12])
    return refused


def _refused_sequences(root: Path) -> list[Refused]:
    smiles = "".join(
        f"{s}\tmol{i}\n"
        for i, s in enumerate(
            ["CCO", "c1ccccc1", "CC(=O)O", "N#N", "CCN", "O=C=O", "CCCl", "C1CC1"]
        )
    )
    fasta = ">p1\nMKTAYIAK\n>p2\nMKLLVAAG\n>p3\nMSTNPKPQ\n>p4\nMAAGGKLL\n"
    cases = [
        (
            "SMILES with a junk line",
            "smiles",
            "junk.smi",
            smiles + "<html><body>404 Not Found</body></html>\n",
            (),
            "junk.smi: line 9: '<html><body>404' is not a SMILES string ('<' is not a SMILES",
        ),
        (
            "CSV named .smi",
            "smiles",
            "table.smi",
            "smiles,label\nCCO,1\nCCN,0\nc1ccccc1,1\n",
            (),
            "table.smi: line 1: 'smiles,label' is not a SMILES string",
        ),
        (
            "SMILES with non-UTF-8 bytes",
            "smiles",
            "latin1.smi",
            (smiles + "CC\xe9\n").encode("latin-1"),
            (),
            "latin1.smi: line 9: byte 0xe9 is not valid UTF-8",
        ),
        (
            "SMILES comments only",
            "smiles",
            "comments.smi",
            "# a header comment\n\n# another\n",
            (),
            "comments.smi: holds no SMILES lines",
        ),
        (
            "FASTA with a junk line",
            "fasta",
            "junk.fasta",
            fasta[:26] + "1 mktayiak 9\n" + fasta[26:],
            (),
            "junk.fasta: line 5: '1 mktayiak 9' holds '1', not a residue letter",
        ),
        (
            "FASTA with data before the first header",
            "fasta",
            "headless.fasta",
            "MKTAYIAK\n" + fasta,
            (),
            "headless.fasta: line 1: sequence data before the first '>' header",
        ),
        (
            "FASTA record without a sequence",
            "fasta",
            "no_sequence.fasta",
            fasta + ">p5\n",
            (),
            "no_sequence.fasta: line 9: record 'p5' has no sequence",
        ),
        (
            "FASTA header without a name",
            "fasta",
            "no_name.fasta",
            fasta + ">\nMKT\n",
            (),
            "no_name.fasta: line 9: header '>' without a name",
        ),
        (
            "text lines that are binary",
            "text",
            "binary.txt",
            b"MKT\x00\x01\x02AAG\n" * 10,
            ("--type", "sequence"),
            "binary.txt: is a binary file",
        ),
        (
            "text lines, blank only",
            "text",
            "blank.txt",
            "\n   \n\n",
            ("--type", "sequence"),
            "blank.txt: holds no sequences",
        ),
    ]
    return [
        Refused(name, reader, _write(root, file, content), args, BAD_DATA, message)
        for name, reader, file, content, args, message in cases
    ]


def _refused_outputs(root: Path) -> list[Refused]:
    data = _write(root, "fine.csv", _numbers())
    _write(root, "a_file", "not a folder\n")
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


def _accepted(root: Path) -> list[Accepted]:
    """Awkward but valid inputs, each beside a clean twin holding the same values."""
    rng = np.random.default_rng(7)
    values = rng.normal(size=(30, 3)).round(4)
    frame = pd.DataFrame(values, columns=["a", "b", "c"])
    frame.insert(0, "id", [f"s{i}" for i in range(30)])
    clean = frame.to_csv(index=False, lineterminator="\n")
    _write(root, "clean.csv", clean)
    quoted = frame.assign(id=[f"sample {i}, batch {i % 3}" for i in range(30)])
    huge = frame.copy()
    huge["a"] = values[:, 0] * 1e307
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
        (mixed / f"img_{i:02d}.png").write_bytes(_image(8, i, mode))
        Image.open(io.BytesIO(_image(8, i, mode))).convert("RGB").save(as_rgb / f"img_{i:02d}.png")

    quoted_twin = quoted.copy()
    quoted_twin["id"] = [f"sample {i} batch {i % 3}" for i in range(30)]
    accepted = [
        Accepted(
            "byte-order mark",
            "delimited",
            _write(root, "bom.csv", "\ufeff" + clean),
            "clean.csv",
            ("--id-col", "id"),
        ),
        Accepted(
            "CRLF line ends",
            "delimited",
            _write(root, "crlf.csv", clean.replace("\n", "\r\n")),
            "clean.csv",
            ("--id-col", "id"),
        ),
        Accepted(
            "quoted delimiters",
            "delimited",
            _write(root, "quoted.csv", csv_text(quoted)),
            _write(root, "quoted_twin.csv", csv_text(quoted_twin)),
            ("--id-col", "id"),
        ),
        Accepted(
            "semicolons and decimal points",
            "delimited",
            _write(root, "semicolon.csv", frame.to_csv(index=False, sep=";", lineterminator="\n")),
            "clean.csv",
            ("--id-col", "id"),
        ),
        Accepted(
            "values near 1e308",
            "delimited",
            _write(root, "huge.csv", csv_text(huge)),
            _parquet(root, "huge.parquet", pa.Table.from_pandas(huge, preserve_index=False)),
            ("--id-col", "id"),
        ),
        Accepted(
            "values near 1e-300",
            "delimited",
            _write(root, "tiny.csv", csv_text(tiny)),
            _parquet(root, "tiny.parquet", pa.Table.from_pandas(tiny, preserve_index=False)),
            ("--id-col", "id"),
        ),
        Accepted(
            "one constant column among others",
            "delimited",
            _write(root, "flat_column.csv", csv_text(with_constant)),
            _parquet(
                root,
                "flat_column.parquet",
                pa.Table.from_pandas(with_constant, preserve_index=False),
            ),
            ("--id-col", "id"),
        ),
        Accepted(
            "two rows",
            "delimited",
            _write(root, "two.csv", "a,b\n1,2\n3,5\n"),
            _npy(root, "two.npy", np.array([[1.0, 2.0], [3.0, 5.0]])),
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


def build(root: Path) -> Corpus:
    """Write the corpus into the (empty or new) folder ``root`` and describe its cases."""
    root.mkdir(parents=True, exist_ok=True)
    refused = (
        _refused_tables(root)
        + _refused_arrays(root)
        + _refused_folders(root)
        + _refused_sequences(root)
        + _refused_outputs(root)
    )
    names = [case.name for case in refused]
    assert len(names) == len(set(names)), "case names must be unique"
    return Corpus(root, refused, _accepted(root))


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python tests/corpus/make_corpus.py FOLDER", file=sys.stderr)
        return 2
    corpus = build(Path(argv[0]))
    cases = {
        "refused": [asdict(case) for case in corpus.refused],
        "accepted": [asdict(case) for case in corpus.accepted],
    }
    (corpus.root / "cases.json").write_text(json.dumps(cases, indent=2) + "\n")
    print(
        f"{corpus.root}: {len(corpus.refused)} malformed inputs for "
        f"{len(corpus.readers)} readers, {len(corpus.accepted)} awkward valid inputs"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
