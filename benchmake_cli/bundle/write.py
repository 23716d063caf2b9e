"""Write the split: index files, the train/test data in the input's own format (through the
format registry, :mod:`benchmake_cli.formats.registry`) and the hashes of what was written.
:mod:`.staging` makes the output folder appear whole or not at all.

Files carry no timestamps: the same split gives the same bytes on every run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from ..formats import registry
from ..formats.folder import walk_files
from ..formats.table import Table
from . import names
from .manifest import Manifest
from .staging import TEMP_PREFIX, check_output_folder, staged_folder

__all__ = ["TEMP_PREFIX", "check_output_folder", "staged_folder"]


def sha256_file(path: Path) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_indices(path: Path, rows: np.ndarray) -> None:
    """One 0-based row number per line, ascending, ``\\n`` line ends."""
    path.write_bytes("".join(f"{int(r)}\n" for r in rows).encode("ascii"))


FILE_MODES = ("list", "copy", "link")


def write_side(
    table: Table, rows: np.ndarray, folder: Path, side: str, files: str = "list"
) -> list[str]:
    """Write the input rows ``rows`` as the ``side`` (``train`` or ``test``) data into
    ``folder``, in the input's own format; return the relative POSIX paths written."""
    return registry.write_side(table, rows, folder, side, files)


def data_file_names(table: Table | str) -> tuple[str, str]:
    """Names of the train and test data files for this table input (or table format)."""
    return registry.data_file_names(table if isinstance(table, str) else table.format)


TRAIN, TEST = 1, 2  #: which side an input row is on in :func:`write_subsets_streamed` (0: dropped)


def write_subsets_streamed(
    chunks: Iterable[Table], sides: np.ndarray, folder: Path, files: str = "list"
) -> list[str]:
    """Write, chunk by chunk, the rows whose ``sides`` value is :data:`TRAIN` as the train
    data and :data:`TEST` as the test data into ``folder``, in the input's format (input order, every original
    column): the same files as :func:`write_side` of those rows, holding one chunk at a
    time; returns the relative POSIX paths written."""
    return registry.write_streamed(chunks, sides, folder, {TRAIN: "train", TEST: "test"}, files)


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


def write_bundle(
    out: Path,
    manifest: Manifest,
    *,
    train: np.ndarray,
    test: np.ndarray,
    write_data: Callable[[Path], list[str]],
    input_path: Path,
    force: bool = False,
    files: str = "list",
    extras: dict[str, np.ndarray] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    beside: Callable[[Path], None] | None = None,
) -> Path:
    """Write a split into ``out``, atomically: the index files, the method's own index files
    (``extras``: rows by manifest ``split`` key, written as ``KEY.txt``), the data
    (``write_data`` writes it into a folder and returns the names) and the manifest, with
    every written file's SHA-256; then ``beside(folder)`` writes what goes beside the
    manifest, bound to it rather than listed in it (the benchmark card)."""
    report = progress or (lambda stage, done, total: None)
    with staged_folder(out, force, (input_path,)) as staging:
        report("write", 0, 4)
        write_indices(staging / names.TRAIN_INDICES, train)
        write_indices(staging / names.TEST_INDICES, test)
        written = [names.TRAIN_INDICES, names.TEST_INDICES]
        for key, rows in (extras or {}).items():  # the method's own (Method.extra_indices)
            write_indices(staging / f"{key}.txt", rows)
            written.append(f"{key}.txt")
            manifest.data["split"][key] = f"{key}.txt"
        report("write", 2, 4)
        written += write_data(staging)
        if files != "list":
            manifest.record_files_mode(files)
        hashes = {
            name: {"sha256": sha256_file(staging / name), "bytes": (staging / name).stat().st_size}
            for name in written
        }
        manifest.finish(hashes, input_path, out)
        (staging / names.MANIFEST).write_text(manifest.dumps(), encoding="utf-8")
        if beside is not None:
            beside(staging)
        report("write", 4, 4)
    return out
