"""Reads stay inside the input: checks the readers call before they trust what they open.

An HDF5 file can point outside itself (external storage, virtual datasets, external links):
reading it would put another file's bytes into a published split, and the relative paths
resolve from the working folder. A folder's sample file that cannot be read as a regular
file (a dangling link, a device, a FIFO) is an error, never skipped silently: the split
would quietly leave a sample out, or hang on the FIFO.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import DataError
from ..safe_text import quoted, value


def special_kind(path: str | os.PathLike[str]) -> str | None:
    """What ``path`` is when it is not a regular file (after links): ``None`` for a file."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "a dangling link" if os.path.islink(path) else "missing"
    except OSError as exc:
        return f"unreadable ({exc.strerror})"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISBLK(mode) or stat.S_ISCHR(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a folder" if stat.S_ISDIR(mode) else "not a regular file"


def refuse_special_samples(root: Path, suffixes: tuple[str, ...]) -> None:
    """Refuse a folder holding, under a sample's name (one of ``suffixes``), something that
    is not a regular file; hidden names are left out, as the readers leave them out."""
    for folder, subfolders, files in os.walk(root, followlinks=True):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        for name in sorted(files):
            if name.startswith(".") or not name.lower().endswith(suffixes):
                continue
            kind = special_kind(os.path.join(folder, name))
            if kind is not None:
                relative = Path(folder, name).relative_to(root).as_posix()
                raise DataError(
                    f"{value(root, 120)}: {value(relative, 120)} is {kind}, not a file it "
                    "can read; remove it or replace it with the file"
                )


def refuse_external_hdf5(path: Path, handle: object) -> None:
    """Refuse an HDF5 file whose datasets or links lead outside it."""
    import h5py

    assert isinstance(handle, h5py.File)
    problems: list[str] = []

    def visit_link(name: str, link: object) -> None:
        if isinstance(link, h5py.ExternalLink):
            problems.append(f"{name!r} is an external link to {link.filename!r}")

    def visit(name: str, item: object) -> None:
        if isinstance(item, h5py.Dataset):
            if item.external:
                problems.append(f"dataset {name!r} keeps its data in external files")
            elif item.is_virtual:
                problems.append(f"dataset {name!r} is virtual (its data is in other files)")

    handle.visititems_links(visit_link)
    if not problems:
        handle.visititems(visit)
    if problems:
        raise DataError(
            f"{value(path, 120)}: {value(problems[0], 120)}; benchmake reads only data held "
            "in the file itself"
        )


def refuse_binary_columns(path: Path, schema: object) -> None:
    """Refuse a Parquet schema with a binary column: bytes are neither numbers nor text."""
    import pyarrow as pa

    assert isinstance(schema, pa.Schema)
    for column in schema:
        kind = column.type
        if pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
            binary = True
        else:
            binary = pa.types.is_fixed_size_binary(kind)
        if binary:
            raise DataError(
                f"{value(path, 120)}: column {quoted(column.name)} holds raw bytes ({kind}); "
                "benchmake reads numbers and text: cast it to a string or leave it out"
            )
