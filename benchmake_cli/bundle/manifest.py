"""The manifest: everything needed to prove that someone holds the same data and split.

``manifest.json`` is written with sorted keys and no timestamps, so it is byte-identical
from run to run. The ``info`` section (device, library versions) is informational:
``verify`` never checks it.
"""

from __future__ import annotations

import json
import os
import platform
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .._version import __version__
from ..encode.options import EncodeOptions
from ..errors import DataError, InputNotFoundError, ManifestError
from ..formats import ReadOptions
from ..formats import registry as format_registry
from ..formats.safety import special_kind
from ..safe_text import value
from . import limits

SCHEMA = "benchmake-manifest/1"
FILE_NAME = "manifest.json"
REQUIRED_SECTIONS = ("tool", "method", "input", "encoding", "split", "files")


def encoding_section(
    *,
    modality: str,
    input_rows: int,
    n: int,
    d: int,
    columns_used: Any,
    one_hot: Any,
    dropped_rows: Any,
    content_sha256: str,
    carried_columns: Any,
    carried_sha256: str,
    parameters: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The manifest's ``encoding`` fields beyond ``options``, for a whole or a sharded split
    (``parameters``: the encoder's, when it has any)."""
    return {
        "modality": modality,
        "input_rows": input_rows,
        "n": n,
        "d": d,
        "columns_used": columns_used,
        "one_hot": one_hot,
        "dropped_rows": dropped_rows,
        "content_sha256": content_sha256,
        "carried_columns": carried_columns,
        "carried_sha256": carried_sha256,
        **({"parameters": parameters} if parameters else {}),
    }


@dataclass
class Manifest:
    """A manifest: its sections as JSON values, built from a split or loaded from a file.

    >>> m = Manifest.build(method={"name": "m", "version": 1, "parameters": {}},
    ...     input={"name": "a.csv", "bytes": 3, "sha256": "0" * 64, "format": "csv"},
    ...     encoding={"modality": "tabular", "options": {}}, split={"n_test": 1},
    ...     info={"device": "cpu"})
    >>> m.field("input", "name"), m.encode_options().drop_missing, sorted(m.data)[:3]
    ('a.csv', False, ['encoding', 'files', 'info'])
    """

    data: dict[str, Any]
    path: Path | None = None  #: the file it was loaded from

    @classmethod
    def build(
        cls,
        *,
        method: dict[str, Any],
        input: dict[str, Any],
        encoding: dict[str, Any],
        split: dict[str, Any],
        info: dict[str, Any],
    ) -> Manifest:
        """A manifest of a split just made (``input.path`` and ``files``: :meth:`finish`).
        ``info`` is informational: the device, engine and library versions."""
        return cls(
            {
                "schema": SCHEMA,
                "tool": {"name": "benchmake-cli", "version": __version__},
                "method": method,
                "input": {"path": None, **input},
                "encoding": encoding,
                "split": split,
                "files": {},
                "info": {
                    "device": info["device"],
                    "python": platform.python_version(),
                    "numpy": np.__version__,
                    **{key: value for key, value in info.items() if key != "device"},
                },
            }
        )

    @classmethod
    def load(cls, path: str | Path) -> Manifest:
        """:func:`load` a manifest file (or the one in a folder)."""
        path = Path(path)
        return cls(load(path), path / FILE_NAME if path.is_dir() else path)

    def field(self, *keys: str) -> Any:
        """:func:`field` of this manifest."""
        return field(self.data, *keys)

    def finish(self, files: dict[str, dict[str, Any]], input_path: Path, out: Path) -> None:
        """Record the files written into ``out`` (name: SHA-256 and bytes) and the input's
        path relative to ``out``."""
        self.data["files"] = files
        split = self.data["split"]
        split["train_indices"] = "train_indices.txt"
        split["test_indices"] = "test_indices.txt"
        split["test_indices_sha256"] = files["test_indices.txt"]["sha256"]
        self.data["input"]["path"] = Path(
            os.path.relpath(input_path.resolve(), out.resolve().parent / out.name)
        ).as_posix()

    def dumps(self) -> str:
        return dumps(self.data)

    def read_options(self) -> ReadOptions:
        """How the input was read (delimiter, header, keys, image size, ...)."""
        recorded = self.field("input").get("read_options") or {}
        modality = self.field("encoding", "modality")
        try:
            return ReadOptions.from_recorded(recorded, str(modality))
        except (AttributeError, TypeError, ValueError, IndexError) as exc:
            raise ManifestError(f"manifest field input.read_options is malformed ({exc})") from None

    def encode_options(self) -> EncodeOptions:
        """How the input was encoded (columns, modality options)."""
        options = self.field("encoding", "options")
        try:
            return EncodeOptions.from_dict(options)
        except (AttributeError, TypeError, ValueError) as exc:
            raise ManifestError(f"manifest field encoding.options is malformed ({exc})") from None


def dumps(manifest: dict[str, Any]) -> str:
    """Canonical JSON text of a manifest (sorted keys, two-space indent, final newline)."""
    return json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def load(path: str | Path) -> dict[str, Any]:
    """Read and sanity-check a manifest; raise :class:`ManifestError` naming the problem."""
    path = Path(path)
    if path.is_dir():
        path = path / FILE_NAME
    try:
        text = limits.read_text(path)
    except FileNotFoundError:
        raise InputNotFoundError(f"{path}: no such manifest") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path}: cannot be read ({exc})") from None
    manifest = limits.parse(text, str(path))
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
        kind = special_kind(path) if path.exists() else None
        if kind not in (None, "a folder"):
            raise DataError(f"--data {value(path, 200)}: is {kind}, not the data's file or folder")
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
    return Manifest(manifest).encode_options()


def recorded_read_options(manifest: dict[str, Any]) -> ReadOptions:
    """How the manifest's input was read (delimiter, header, keys, image size, ...)."""
    return Manifest(manifest).read_options()
