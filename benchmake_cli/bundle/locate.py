"""Finding the data a manifest describes (shared by verify, evaluate, card, score and
``load_split``)."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataError, InputNotFoundError, ManifestError
from ..formats import registry as format_registry
from ..formats.safety import special_kind
from ..paths import tidy_path
from ..safe_text import value
from .manifest import Manifest


@dataclass(frozen=True)
class DataLocation:
    """Where a manifest's data is: ``path`` when found, else ``None``; ``looked_for`` is the
    path tried (``--data``, or the recorded path read from the manifest's folder)."""

    path: Path | None
    looked_for: Path
    given: bool  #: named by ``--data``

    @property
    def shown(self) -> str:
        """``looked_for`` as it reads best: ``data.csv``, not ``splits/../data.csv``."""
        return os.path.normpath(self.looked_for)

    def require(self) -> Path:
        """The data's path, or :class:`InputNotFoundError` saying where it was looked for."""
        if self.path is not None:
            return self.path
        if self.given:
            raise InputNotFoundError(f"{self.looked_for}: no such file or folder")
        raise InputNotFoundError(
            f"the manifest's data is not at {self.shown}; pass --data PATH to name it"
        )


def locate_data(manifest: Manifest, data: str | Path | None = None) -> DataLocation:
    """Find the data a manifest (loaded from its file) describes, as ``sha256sum -c`` finds
    its files: ``data`` (``--data``) when given, else the recorded ``input.path`` read from
    the manifest's folder, wherever it leads, else a file of the recorded name beside the
    manifest (a published bundle). Only what the manifest cannot have recorded is refused
    with :class:`ManifestError`: a device, FIFO or socket, or a folder where a file was
    recorded.
    """
    if data is not None:
        path = Path(data)
        kind = special_kind(path) if path.exists() else None
        if kind not in (None, "a folder"):
            raise DataError(f"--data {value(path, 200)}: is {kind}, not the data's file or folder")
        return DataLocation(path if path.exists() else None, path, True)
    manifest.field("input", "path")  # required, if only as null
    recorded, name = manifest.input.path, manifest.field("input", "name")
    folder = manifest.folder
    looked_for = folder / str(name)
    if isinstance(recorded, str) and recorded:
        looked_for = folder / recorded
        if _exists(looked_for):
            looked_for = tidy_path(looked_for)  # messages name it without ../ detours
            _refuse_special(manifest, looked_for)
            return DataLocation(looked_for, looked_for, False)
    if isinstance(name, str) and name and Path(name).name == name:
        beside = folder / name
        if _exists(beside):
            _refuse_special(manifest, beside)
            return DataLocation(beside, looked_for, False)
    return DataLocation(None, looked_for, False)


def _exists(path: Path) -> bool:
    try:
        path.stat()
    except (OSError, ValueError):
        return False
    return True


def _refuse_special(manifest: Manifest, path: Path) -> None:
    """A recorded path must lead to what was split: a regular file, or a folder for the
    folder formats."""
    mode = path.stat().st_mode
    kind = (
        "a device"
        if stat.S_ISBLK(mode) or stat.S_ISCHR(mode)
        else "a FIFO"
        if stat.S_ISFIFO(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else None
    )
    entry = format_registry.lookup(str(manifest.input.format))
    wants_folder = entry is not None and entry.folder_kind is not None
    if kind is None and stat.S_ISDIR(mode) and not wants_folder:
        kind = "a folder"
    if kind is not None:
        what = "a folder" if wants_folder else "a file"
        raise ManifestError(
            f"{manifest.file}: its data path leads to {path}, {kind}, where {what} was "
            "recorded; pass --data PATH to name the data"
        )
