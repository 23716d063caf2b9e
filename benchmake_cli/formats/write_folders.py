"""Split files of image and signal folders: ``train.csv``/``test.csv`` list each sample's
relative path and label; ``--copy`` also copies the files into ``train/`` and ``test/``
(same relative paths), ``--link`` makes relative symbolic links there instead."""

from __future__ import annotations

import csv
import io
import os
import shutil
from pathlib import Path

import numpy as np

from ..errors import OutputError
from .table import Table


def write(table: Table, rows: np.ndarray, folder: Path, side: str, files: str) -> list[str]:
    """Write ``side.csv`` and, with ``files`` ``copy`` or ``link``, the ``side/`` folder."""
    assert table.records is not None
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["path", "label"])
    for r in rows:
        label = str(table.labels[int(r)]) if table.labels is not None else ""
        writer.writerow([table.records[int(r)], label])
    listing = f"{side}.csv"
    (folder / listing).write_bytes(buffer.getvalue().encode("utf-8"))
    written = [listing]
    if files == "list":
        return written
    for r in rows:
        relative = table.records[int(r)]
        source = (table.path / relative).resolve()
        target = folder / side / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            if files == "copy":
                shutil.copyfile(source, target)
            else:
                os.symlink(os.path.relpath(source, target.parent.resolve()), target)
        except OSError as exc:
            raise OutputError(
                f"cannot {files} {source} to {side}/{relative} ({exc.strerror or exc})"
            ) from None
        written.append(f"{side}/{relative}")
    return written
