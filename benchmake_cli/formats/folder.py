"""Folders of files: what kind of folder it is, its sample files in order, their labels.

Samples are the files with the reader's suffixes (case-insensitive) anywhere below the
folder, hidden files and folders (names starting with ``.``) left out, ordered by their
relative POSIX path (code-point order). Files in first-level sub-folders take the
sub-folder's name as their label (the ``ImageFolder`` convention).

Split files of image and signal folders (:class:`ListingWriter`, whole or chunk by chunk): ``train.csv``/``test.csv``
list each sample's relative path and label; ``--copy`` also copies the files into
``train/`` and ``test/`` (same relative paths), ``--link`` makes relative symbolic links
there instead.
"""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import numpy as np

from ..errors import DataError, OutputError
from .safety import refuse_special_samples
from .spec import ChunkedFormat, FolderFormat, ReadOptions, SideChunkWriter, write_in_one_chunk
from .table import Table

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp")
SIGNAL_SUFFIXES = (".csv", ".npy")
OGB_MARKERS = ("num-node-list.csv", "num-node-list.csv.gz")


def walk_files(root: Path) -> list[str]:
    """Relative POSIX paths of every regular file below ``root``, sorted, hidden files and
    folders left out; symbolic links are followed, each real folder visited once."""
    found: list[str] = []
    seen: set[str] = set()
    for folder, subfolders, files in os.walk(root, followlinks=True):
        real = os.path.realpath(folder)
        if real in seen:
            subfolders[:] = []
            continue
        seen.add(real)
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        relative = Path(folder).relative_to(root)
        for name in files:
            if not name.startswith(".") and os.path.isfile(os.path.join(folder, name)):
                found.append((relative / name).as_posix())
    return sorted(found)


def sample_files(root: Path, suffixes: tuple[str, ...]) -> list[str]:
    """Relative POSIX paths of the files below ``root`` with one of ``suffixes``, sorted;
    something under such a name that is not a regular file is refused."""
    refuse_special_samples(root, suffixes)
    return [name for name in walk_files(root) if name.lower().endswith(suffixes)]


def refuse_unknown(root: Path) -> NoReturn:
    """The error for a folder that no folder format recognises."""
    if any((root / "raw" / marker).is_file() for marker in OGB_MARKERS):
        raise DataError(f"{root}: OGB files are in its raw/ sub-folder; pass {root / 'raw'}")
    if _is_empty(root):
        raise DataError(f"{root}: folder is empty")
    raise DataError(
        f"{root}: holds no images ({' '.join(IMAGE_SUFFIXES)}), no signal files "
        f"({' '.join(SIGNAL_SUFFIXES)}) and no OGB num-node-list.csv[.gz]"
    )


def class_labels(root: Path, files: list[str]) -> np.ndarray | None:
    """Each file's class: its first-level sub-folder; ``None`` when every file is at the top.

    A mix of files at the top and in sub-folders is refused: their labels would be unclear.
    """
    parts = [name.split("/") for name in files]
    nested = [p for p in parts if len(p) > 1]
    if not nested:
        return None
    top = next((p for p in parts if len(p) == 1), None)
    if top is not None:
        raise DataError(
            f"{root}: {top[0]} is at the top while {'/'.join(nested[0])} is in a class "
            "sub-folder; put every file in a class sub-folder, or none"
        )
    return np.array([p[0] for p in parts], dtype=str)


def empty_message(root: Path, what: str, suffixes: tuple[str, ...]) -> str:
    """The error for a folder without sample files."""
    if _is_empty(root):
        return f"{root}: folder is empty"
    return f"{root}: holds no {what} ({' '.join(suffixes)}) in it or its sub-folders"


def _is_empty(root: Path) -> bool:
    with os.scandir(root) as entries:
        return not any(entries)


def input_bytes(path: Path) -> int:
    """A file's size, or the total size of the files of a folder (as :func:`walk_files`
    lists them)."""
    if not path.is_dir():
        return path.stat().st_size
    return sum((path / relative).stat().st_size for relative in walk_files(path))


class ListingWriter:
    """One side of a folder of sample files, chunk by chunk: ``side.csv`` lists each
    sample's relative path and label; with ``files`` ``copy`` or ``link`` the files are also
    copied into (or linked from) ``side/``, under the same relative paths."""

    def __init__(self, folder: Path, side: str, files: str) -> None:
        self.folder, self.side, self.files = folder, side, files
        self.listing = f"{side}.csv"
        self.handle = open(folder / self.listing, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed by close()
        self.writer = csv.writer(self.handle, lineterminator="\n")
        self.writer.writerow(["path", "label"])
        self.placed: list[str] = []

    def append(self, chunk: Table, rows: np.ndarray) -> None:
        assert chunk.records is not None
        for r in rows:
            label = str(chunk.labels[int(r)]) if chunk.labels is not None else ""
            self.writer.writerow([chunk.records[int(r)], label])
        if self.files != "list":
            for r in rows:
                self._place(chunk.path, chunk.records[int(r)])

    def _place(self, root: Path, relative: str) -> None:
        source = (root / relative).resolve()
        target = self.folder / self.side / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            if self.files == "copy":
                shutil.copyfile(source, target)
            else:
                os.symlink(os.path.relpath(source, target.parent.resolve()), target)
        except OSError as exc:
            raise OutputError(
                f"cannot {self.files} {source} to {self.side}/{relative} ({exc.strerror or exc})"
            ) from None
        self.placed.append(f"{self.side}/{relative}")

    def close(self) -> list[str]:
        self.handle.close()
        return [self.listing, *self.placed]


def write_listing(table: Table, rows: np.ndarray, folder: Path, side: str, files: str) -> list[str]:
    """Write ``side.csv`` and, with ``files`` ``copy`` or ``link``, the ``side/`` folder."""
    return write_in_one_chunk(ListingWriter(folder, side, files), table, rows)


class SampleFolder(FolderFormat, ChunkedFormat, SideChunkWriter):
    """A folder of one file per sample (ending in one of ``sample_suffixes``), read whole or
    in batches of files, written as a listing (:class:`ListingWriter`) with the files copied
    or linked on request."""

    copies_files = True
    sample_suffixes: tuple[str, ...]

    def detect(self, root: Path) -> bool:
        return bool(sample_files(root, self.sample_suffixes))

    def count(self, path: Path, options: ReadOptions) -> int:
        return len(sample_files(path, self.sample_suffixes))

    def write_chunks(self, path: Path, options: ReadOptions, rows: int) -> Iterator[Table]:
        """The files' paths and labels, without reading the files: all a listing needs."""
        files = sample_files(path, self.sample_suffixes)
        labels = class_labels(path, files)
        for start in range(0, len(files), rows):
            yield Table(
                path=path,
                format=self.name,
                labels=labels[start : start + rows] if labels is not None else None,
                records=files[start : start + rows],
            )

    def write_side(
        self, table: Table, rows: np.ndarray, folder: Path, side: str, files: str
    ) -> list[str]:
        return write_listing(table, rows, folder, side, files)

    def open_side(self, first: Table, folder: Path, side: str, files: str) -> ListingWriter:
        return ListingWriter(folder, side, files)
