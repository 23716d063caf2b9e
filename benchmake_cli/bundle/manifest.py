"""The manifest: everything needed to prove that someone holds the same data and split.

``manifest.json`` is written with sorted keys and no timestamps, so it is byte-identical
from run to run. The ``info`` section (device, library versions) is informational:
``verify`` never checks it.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..encode.options import EncodeOptions
from ..errors import InputNotFoundError, ManifestError
from ..formats import ReadOptions
from ..formats import registry as format_registry

SCHEMA = "benchmake-manifest/1"
FILE_NAME = "manifest.json"
REQUIRED_SECTIONS = ("tool", "method", "input", "encoding", "split", "files")


def dumps(manifest: dict[str, Any]) -> str:
    """Canonical JSON text of a manifest (sorted keys, two-space indent, final newline)."""
    return json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def load(path: str | Path) -> dict[str, Any]:
    """Read and sanity-check a manifest; raise :class:`ManifestError` naming the problem."""
    path = Path(path)
    if path.is_dir():
        path = path / FILE_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ManifestError(f"{path}: no such manifest") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path}: cannot be read ({exc})") from None
    try:
        manifest = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ManifestError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(manifest, dict):
        raise ManifestError(f"{path}: not a benchmake manifest (top level is not an object)")
    schema = manifest.get("schema")
    if schema != SCHEMA:
        raise ManifestError(
            f"{path}: unknown schema {schema!r}; this benchmake reads {SCHEMA!r} "
            "(a newer benchmake may be needed)"
        )
    for section in REQUIRED_SECTIONS:
        if not isinstance(manifest.get(section), dict):
            raise ManifestError(f"{path}: section {section!r} is missing or not an object")
    return manifest


def field(manifest: dict[str, Any], *keys: str) -> Any:
    """A nested manifest value, or :class:`ManifestError` naming the missing key."""
    value: Any = manifest
    for depth, key in enumerate(keys):
        if not isinstance(value, dict) or key not in value:
            raise ManifestError(f"manifest has no field {'.'.join(keys[: depth + 1])!r}")
        value = value[key]
    return value


# --- finding a manifest and its data (shared by verify, evaluate, inspect and load_split) ---

#: input formats that are folders; every other format is one file


def manifest_file(path: str | Path) -> Path:
    """The manifest a command was given: ``path`` itself, or ``manifest.json`` inside it
    when it is a folder.

    >>> manifest_file("splits/manifest.json").as_posix()
    'splits/manifest.json'
    """
    path = Path(path)
    return path / FILE_NAME if path.is_dir() else path


def open_manifest(path: str | Path) -> tuple[Path, dict[str, Any]]:
    """``(manifest file, manifest)`` for a manifest file or the folder holding it."""
    manifest_path = manifest_file(path)
    return manifest_path, load(manifest_path)


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


def locate_data(
    manifest_path: Path, manifest: dict[str, Any], data: str | Path | None = None
) -> DataLocation:
    """Find the data a manifest describes, as ``sha256sum -c`` finds its files: ``data``
    (``--data``) when given, else the recorded ``input.path`` read from the manifest's
    folder, wherever it leads, else a file of the recorded name beside the manifest (a
    published bundle). Only what the manifest cannot have recorded is refused with
    :class:`ManifestError`: a device, FIFO or socket, or a folder where a file was recorded.
    """
    if data is not None:
        path = Path(data)
        return DataLocation(path if path.exists() else None, path, True)
    recorded = field(manifest, "input", "path")
    name = field(manifest, "input", "name")
    folder = manifest_path.parent
    looked_for = folder / str(name)
    if isinstance(recorded, str) and recorded:
        looked_for = folder / recorded
        if _exists(looked_for):
            _refuse_special(manifest_path, looked_for, manifest)
            return DataLocation(looked_for, looked_for, False)
    if isinstance(name, str) and name and Path(name).name == name:
        beside = folder / name
        if _exists(beside):
            _refuse_special(manifest_path, beside, manifest)
            return DataLocation(beside, looked_for, False)
    return DataLocation(None, looked_for, False)


def _exists(path: Path) -> bool:
    try:
        path.stat()
    except (OSError, ValueError):
        return False
    return True


def _refuse_special(manifest_path: Path, path: Path, manifest: dict[str, Any]) -> None:
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
    entry = format_registry.lookup(str(manifest["input"].get("format")))
    wants_folder = entry is not None and entry.folder_kind is not None
    if kind is None and stat.S_ISDIR(mode) and not wants_folder:
        kind = "a folder"
    if kind is not None:
        what = "a folder" if wants_folder else "a file"
        raise ManifestError(
            f"{manifest_path}: its data path leads to {path}, {kind}, where {what} was "
            "recorded; pass --data PATH to name the data"
        )


def recorded_encode_options(manifest: dict[str, Any]) -> EncodeOptions:
    """How the manifest's input was encoded (columns, modality options)."""
    options = field(manifest, "encoding", "options")
    try:
        return EncodeOptions.from_dict(options)
    except (AttributeError, TypeError, ValueError) as exc:
        raise ManifestError(f"manifest field encoding.options is malformed ({exc})") from None


def recorded_read_options(manifest: dict[str, Any]) -> ReadOptions:
    """How the manifest's input was read (delimiter, header, keys, image size, ...)."""
    recorded = field(manifest, "input").get("read_options") or {}
    modality = field(manifest, "encoding", "modality")
    try:
        return ReadOptions.from_recorded(recorded, str(modality))
    except (AttributeError, TypeError, ValueError, IndexError) as exc:
        raise ManifestError(f"manifest field input.read_options is malformed ({exc})") from None
