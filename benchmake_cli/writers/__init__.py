"""Write the split: index files and the train/test data in the input's own format.

One module per kind of output: :mod:`.arrays` (NPZ, HDF5), :mod:`.sequences` (``.smi``,
FASTA, text lines), :mod:`.folders` (file lists of image and signal folders, with copies or
links), :mod:`.ogb` (OGB raw folders); tables and NPY files are written here.

Everything is written into a fresh temporary folder beside the destination and renamed into
place at the end, so a failed or killed run never leaves a folder that looks complete.
Files carry no timestamps: the same split gives the same bytes on every run.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import OutputError
from ..readers.delimited import WHITESPACE
from ..readers.folder import walk_files
from ..table import Table
from . import arrays, folders, ogb, sequences

TEMP_PREFIX = ".benchmake-partial-"


def sha256_file(path: Path) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_output_folder(out: Path, force: bool) -> None:
    """Refuse a non-empty destination unless ``force``; refuse a file in its place."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise OutputError(f"--out {out}: folder is not empty; pass --force to replace it")


@contextmanager
def staged_folder(out: Path, force: bool) -> Iterator[Path]:
    """Yield a temporary folder that replaces ``out`` only if the block succeeds."""
    check_output_folder(out, force)
    parent = out.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=parent))
    except OSError as exc:
        raise OutputError(f"--out {out}: cannot create it ({exc.strerror})") from None
    try:
        yield staging
        os.chmod(staging, 0o755)
        if out.exists():
            trash = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=parent))
            out.rename(trash / "old")
            staging.rename(out)
            shutil.rmtree(trash, ignore_errors=True)
        else:
            staging.rename(out)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(f"--out {out}: cannot write ({exc.strerror or exc})") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def write_indices(path: Path, rows: np.ndarray) -> None:
    """One 0-based row number per line, ascending, ``\\n`` line ends."""
    path.write_bytes("".join(f"{int(r)}\n" for r in rows).encode("ascii"))


FILE_MODES = ("list", "copy", "link")
TABLE_SUFFIXES = {"csv": ".csv", "tsv": ".tsv", "parquet": ".parquet", "npy": ".npy"}


def write_side(
    table: Table, rows: np.ndarray, folder: Path, side: str, files: str = "list"
) -> list[str]:
    """Write the input rows ``rows`` as the ``side`` (``train`` or ``test``) data into
    ``folder``, in the input's own format; return the relative POSIX paths written."""
    if table.format in TABLE_SUFFIXES:
        name = f"{side}{TABLE_SUFFIXES[table.format]}"
        write_subset(table, rows, folder / name)
        return [name]
    if table.format in ("npz", "hdf5"):
        return arrays.write(table, rows, folder, side)
    if table.format in sequences.SUFFIXES:
        return sequences.write(table, rows, folder, side)
    if table.format in ("image-folder", "signal-folder"):
        return folders.write(table, rows, folder, side, files)
    if table.format == "ogb":
        return ogb.write(table, rows, folder, side)
    raise OutputError(f"cannot write format {table.format!r}")  # pragma: no cover


def write_subset(table: Table, rows: np.ndarray, path: Path) -> None:
    """Write the given input rows (every original column) in the input's table format."""
    if table.format in ("csv", "tsv"):
        assert table.frame is not None
        separator = table.read_options.get("sep", ",")
        sep = " " if separator == WHITESPACE else separator
        text = table.frame.iloc[rows].to_csv(
            index=False,
            header=bool(table.read_options.get("header", True)),
            sep=sep,
            lineterminator="\n",
        )
        path.write_bytes(text.encode("utf-8"))
    elif table.format == "parquet":
        assert table.arrow is not None
        pq.write_table(table.arrow.take(pa.array(rows, type=pa.int64())), path)
    elif table.format == "npy":
        assert table.array is not None
        np.save(path, table.array[rows], allow_pickle=False)
    else:  # pragma: no cover - write_side sends only table formats here
        raise OutputError(f"cannot write format {table.format!r}")


def input_digest(path: Path) -> tuple[int, str]:
    """Byte size and SHA-256 of an input. For a folder: the total size of its files and the
    SHA-256 of its listing, one ``relative/path<TAB>sha256\\n`` line per file (hidden files
    and folders left out), sorted by relative POSIX path."""
    if not path.is_dir():
        return path.stat().st_size, sha256_file(path)
    listing = hashlib.sha256()
    size = 0
    for relative in walk_files(path):
        size += (path / relative).stat().st_size
        listing.update(f"{relative}\t{sha256_file(path / relative)}\n".encode())
    return size, listing.hexdigest()
