"""The manifest: everything needed to prove that someone holds the same data and split.

``manifest.json`` is written with sorted keys and no timestamps, so it is byte-identical
from run to run. The ``info`` section (device, library versions) is informational:
``verify`` never checks it. Outside :mod:`benchmake_cli.bundle` a manifest is read through
:class:`Manifest`'s typed section accessors (:mod:`.sections`), never as a dict.
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
from ..encode.options import EncodeOptions
from ..errors import InputNotFoundError, ManifestError
from ..formats import ReadOptions
from ..formats import registry as format_registry
from ..formats.spec import Format
from . import limits, names
from .sections import (
    EncodingSection,
    FileEntry,
    InfoSection,
    InputSection,
    MethodSection,
    PublicationSection,
    SplitSection,
    ToolSection,
)

SCHEMA = "benchmake-manifest/1"
FILE_NAME = names.MANIFEST
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
    >>> m.input.name, m.split.n_test, m.encode_options().drop_missing, m.info.device
    ('a.csv', 1, False, 'cpu')
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
        path = manifest_file(path)
        return cls(load(path), path)

    @classmethod
    def reread(cls, data: dict[str, Any]) -> Manifest:
        """A manifest as it reads back from its JSON text (tuples become lists ...)."""
        return cls(json.loads(dumps(data)))

    @property
    def file(self) -> Path:
        """The file it was loaded from (a manifest being built has none)."""
        if self.path is None:
            raise ValueError("this manifest was built, not loaded from a file")
        return self.path

    @property
    def folder(self) -> Path:
        """The folder holding the file it was loaded from: the bundle's."""
        return self.file.parent

    # --- the sections, typed (fields an older manifest lacks read as their defaults) ---

    @property
    def schema(self) -> Any:
        return self.data.get("schema")

    @property
    def tool(self) -> ToolSection:
        return ToolSection(self.data.get("tool"))

    @property
    def method(self) -> MethodSection:
        return MethodSection(self.data.get("method"))

    @property
    def input(self) -> InputSection:
        return InputSection(self.data.get("input"))

    @property
    def encoding(self) -> EncodingSection:
        return EncodingSection(self.data.get("encoding"))

    @property
    def split(self) -> SplitSection:
        return SplitSection(self.data.get("split"))

    @property
    def info(self) -> InfoSection:
        return InfoSection(self.data.get("info"))

    @property
    def publication(self) -> PublicationSection:
        return PublicationSection(self.data.get("publication"))

    # --- optional top-level fields (issue 25): older manifests lack them; verify skips them

    @property
    def warnings(self) -> list[str]:
        """What the split warned about: line 1 read as data, label-like features."""
        value = self.data.get("warnings")
        return [str(w) for w in value] if isinstance(value, list) else []

    @property
    def labels_target(self) -> dict[str, Any]:
        """The target the input's own labels give (class sub-folders): name, from, classes;
        ``{}`` when the split has none beyond ``encoding.options.target``."""
        value = self.data.get("target")
        return dict(value) if isinstance(value, dict) else {}

    @property
    def target_name(self) -> Any:
        """The split's target: ``--target``'s column, else its labels' (``label``), or None."""
        return self.encoding.target or self.labels_target.get("name")

    @property
    def files(self) -> dict[str, FileEntry]:
        """Every written file the manifest lists, by its path relative to the bundle."""
        files = self.data.get("files")
        if not isinstance(files, dict):
            return {}
        return {str(name): FileEntry.of(entry) for name, entry in files.items()}

    def record(self, section: str) -> dict[str, Any]:
        """A copy of one section's every field (``{}`` when absent), for comparing them all."""
        value = self.data.get(section)
        return json.loads(json.dumps(value)) if isinstance(value, dict) else {}

    def mistyped(self, fields: dict[tuple[str, ...], type | tuple[type, ...]]) -> list[str]:
        """The dotted names of ``fields`` that are missing or not of their JSON type (a bool
        is not a number), and of any listed file without a SHA-256."""
        wrong = []
        for keys, kind in fields.items():
            value: Any = self.data
            for key in keys:
                value = value.get(key) if isinstance(value, dict) else None
            if not isinstance(value, kind) or isinstance(value, bool):
                wrong.append(".".join(keys))
        files = self.data.get("files")
        for name, entry in (files if isinstance(files, dict) else {}).items():
            if not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str):
                wrong.append(f"files.{name}.sha256")
        return wrong

    def field(self, *keys: str) -> Any:
        """:func:`field` of this manifest."""
        return field(self.data, *keys)

    def indices_path(self, side: str) -> Path:
        """The recorded index file of ``side`` in the bundle's folder; :class:`ManifestError`
        when the recorded name is not a plain file name."""
        name = self.split.indices_file(side)
        if Path(name).name != name:
            key = names.indices_key(side)
            raise ManifestError(f"{self.file}: split.{key} {name!r} is not a plain file name")
        return self.folder / name

    def input_format(self) -> Format:
        """The format the input was read as; :class:`ManifestError` for an unknown one."""
        fmt = str(self.field("input", "format"))
        entry = format_registry.lookup(fmt)
        if entry is None:
            raise ManifestError(f"manifest field input.format {fmt!r} is not a known format")
        return entry

    def side_file(self, side: str) -> str:
        """The file (or, for OGB graphs, the folder) holding one side's data.

        >>> Manifest({"input": {"format": "hdf5"}}).side_file("test")
        'test.h5'
        """
        return names.side_file(self.input_format().name, side)

    def finish(self, files: dict[str, dict[str, Any]], input_path: Path, out: Path) -> None:
        """Record the files written into ``out`` (name: SHA-256 and bytes) and the input's
        path relative to ``out``."""
        self.data["files"] = files
        split = self.data["split"]
        for side in names.SIDES:
            split[names.indices_key(side)] = names.indices_file(side)
        split["test_indices_sha256"] = files[names.TEST_INDICES]["sha256"]
        self.data["input"]["path"] = Path(
            os.path.relpath(input_path.resolve(), out.resolve().parent / out.name)
        ).as_posix()

    def dumps(self) -> str:
        return dumps(self.data)

    def record_reference_indices(self) -> None:
        """Record the names of the reference's index files (``--reference-indices``)."""
        for side in names.SIDES:
            key = names.indices_key(side, reference=True)
            self.data["split"][key] = names.indices_file(side, reference=True)

    def record_file(self, name: str, sha256: str, size: int) -> None:
        """Record (or replace) one written file's SHA-256 and size."""
        self.data["files"][name] = {"bytes": size, "sha256": sha256}

    def public_copy(self, private_manifest_sha256: str, hidden: tuple[str, ...]) -> Manifest:
        """The manifest of a public copy (``publish``): this one with a ``publication``
        section, and its input's path the bare file name (shipped beside it, if at all)."""
        public = Manifest(json.loads(json.dumps(self.data)))
        public.data["publication"] = {
            "private_manifest_sha256": private_manifest_sha256,
            "hidden_test_columns": list(hidden),
        }
        public.data["input"]["path"] = Path(str(self.data["input"]["name"])).name
        return public

    def record_files_mode(self, files: str) -> None:
        """Record how an image or signal folder's files were written (not ``list``)."""
        self.data["split"]["files"] = files

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


def _load_json(path: Path) -> Any:
    """The JSON value in a manifest file; :class:`ManifestError` when it cannot be read or
    parsed (the one place a manifest's text is parsed)."""
    try:
        text = limits.read_text(path)
    except FileNotFoundError:
        raise InputNotFoundError(f"{path}: no such manifest") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path}: cannot be read ({exc})") from None
    return limits.parse(text, str(path))  # refuses over-long numbers, nesting, duplicates


def load(path: str | Path) -> dict[str, Any]:
    """Read and sanity-check a manifest; raise :class:`ManifestError` naming the problem."""
    path = manifest_file(path)
    manifest = _load_json(path)
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


def manifest_file(path: str | Path) -> Path:
    """The manifest a command was given: ``path`` itself, or ``manifest.json`` inside it
    when it is a folder.

    >>> manifest_file("splits/manifest.json").as_posix()
    'splits/manifest.json'
    """
    path = Path(path)
    return path / FILE_NAME if path.is_dir() else path


def open_manifest(path: str | Path) -> Manifest:
    """The manifest in a file, or in the folder holding it (its ``path``: the file)."""
    return Manifest.load(path)
