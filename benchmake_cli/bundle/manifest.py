"""The manifest: everything needed to prove that someone holds the same data and split.

``manifest.json`` is written with sorted keys and no timestamps, so it is byte-identical
from run to run. The ``info`` section (device, library versions) is informational:
``verify`` never checks it.
"""

from __future__ import annotations

import json
import os
import platform
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .._version import __version__
from ..encode import EncodeOptions
from ..errors import ManifestError
from ..formats import ReadOptions

SCHEMA = "benchmake-manifest/1"
FILE_NAME = "manifest.json"
REQUIRED_SECTIONS = ("tool", "method", "input", "encoding", "split", "files")


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
