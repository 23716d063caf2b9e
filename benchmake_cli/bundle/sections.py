"""Typed, read-only views of a manifest's sections (:class:`~.manifest.Manifest`'s accessors).

Published manifests must load forever, so every field reads as its default when an older
benchmake did not write it: ``None`` for a value, an empty list or mapping for a
collection. Which fields must be present, with which types, is the bundle check's business
(:meth:`~.manifest.Manifest.mistyped`), not the views'.

>>> split = SplitSection({"n_test": 3, "test_indices": "t.txt"})
>>> split.n_test, split.indices_file("test"), split.indices_file("train"), split.files
(3, 't.txt', 'train_indices.txt', 'list')
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from ..errors import ManifestError
from . import names


class Section:
    """One section of a manifest as recorded (not copied: the views never change it)."""

    def __init__(self, data: Any) -> None:
        self._data: dict[str, Any] = data if isinstance(data, dict) else {}

    def _get(self, key: str, default: Any = None) -> Any:
        return self._data.get(key, default)

    def _mapping(self, key: str) -> dict[str, Any]:
        value = self._data.get(key)
        return value if isinstance(value, dict) else {}

    def record(self) -> dict[str, Any]:
        """A copy of every recorded field, for comparing or showing them all."""
        return copy.deepcopy(self._data)


class ToolSection(Section):
    """Which program wrote the manifest."""

    @property
    def name(self) -> Any:
        return self._get("name")

    @property
    def version(self) -> Any:
        return self._get("version")


class MethodSection(Section):
    """The method and every parameter that affects the split."""

    @property
    def name(self) -> Any:
        return self._get("name")

    @property
    def version(self) -> Any:
        return self._get("version")

    @property
    def parameters(self) -> dict[str, Any]:
        """The method's parameters as recorded (the method reads them back)."""
        return self._mapping("parameters")

    def parameter(self, name: str) -> Any:
        """One recorded parameter (``frac``, ``k``, ``seed`` ...), or None."""
        return self.parameters.get(name)

    @property
    def frac(self) -> Any:
        return self.parameters.get("frac")

    @property
    def k(self) -> Any:
        """The number of test rows the method was asked for (None when not recorded)."""
        return self.parameters.get("k")

    @property
    def sharded(self) -> bool:
        """Whether the split was computed in shards."""
        return self.parameters.get("sharding") is not None

    def shard_rows(self) -> tuple[int, int] | None:
        """``(threshold_rows, shard_rows)`` of a sharded split, else None;
        :class:`ManifestError` when the record is malformed."""
        sharding = self.parameters.get("sharding")
        if sharding is None:
            return None
        try:
            return int(sharding["threshold_rows"]), int(sharding["shard_rows"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ManifestError(
                f"manifest field method.parameters.sharding is malformed ({exc})"
            ) from None


class InputSection(Section):
    """The data that was split: its name, bytes, SHA-256 and how it was read."""

    @property
    def name(self) -> Any:
        return self._get("name")

    @property
    def path(self) -> Any:
        """The data's path relative to the manifest's folder, as recorded (or None)."""
        return self._get("path")

    @property
    def format(self) -> Any:
        return self._get("format")

    @property
    def bytes(self) -> Any:
        return self._get("bytes")

    @property
    def sha256(self) -> Any:
        return self._get("sha256")

    @property
    def read_options(self) -> dict[str, Any]:
        return self._mapping("read_options")

    @property
    def details(self) -> dict[str, Any]:
        """Facts the reader recorded (array keys, the names a split writes them under)."""
        return self._mapping("details")

    @property
    def output_key(self) -> Any:
        """The name a split wrote an NPZ/HDF5 input's feature arrays under, or None."""
        return self.details.get("output_key")

    @property
    def output_target_key(self) -> Any:
        """The name a split wrote an NPZ/HDF5 input's target arrays under, or None."""
        return self.details.get("output_target_key")


class EncodingSection(Section):
    """How the data became one numeric matrix, and that matrix's hashes."""

    @property
    def modality(self) -> Any:
        return self._get("modality")

    @property
    def options(self) -> dict[str, Any]:
        return self._mapping("options")

    @property
    def target(self) -> Any:
        """The target column (carried along, never used to split), or None."""
        return self.options.get("target")

    @property
    def id_columns(self) -> list[Any]:
        return list(self.options.get("id_columns") or [])

    @property
    def input_rows(self) -> Any:
        return self._get("input_rows")

    @property
    def n(self) -> Any:
        return self._get("n")

    @property
    def d(self) -> Any:
        return self._get("d")

    @property
    def columns_used(self) -> list[Any]:
        return list(self._get("columns_used") or [])

    @property
    def carried_columns(self) -> list[Any]:
        return list(self._get("carried_columns") or [])

    @property
    def one_hot(self) -> dict[str, Any]:
        return self._mapping("one_hot")

    @property
    def dropped_rows(self) -> list[Any]:
        return list(self._get("dropped_rows") or [])

    @property
    def content_sha256(self) -> Any:
        return self._get("content_sha256")

    @property
    def carried_sha256(self) -> Any:
        return self._get("carried_sha256")


class SplitSection(Section):
    """The split's counts, hashes and the names of its index files."""

    @property
    def n_train(self) -> Any:
        return self._get("n_train")

    @property
    def n_test(self) -> Any:
        return self._get("n_test")

    @property
    def test_content_sha256(self) -> Any:
        return self._get("test_content_sha256")

    @property
    def test_indices_sha256(self) -> Any:
        return self._get("test_indices_sha256")

    @property
    def files(self) -> str:
        """How an image or signal folder's files were written: ``list``, ``copy``, ``link``."""
        return str(self._get("files", "list"))

    def indices_file(self, side: str, *, reference: bool = False) -> str:
        """The recorded name of a side's index file (the default name when none was)."""
        key = names.indices_key(side, reference=reference)
        return str(self._get(key, names.indices_file(side, reference=reference)))

    @property
    def has_reference_indices(self) -> bool:
        """Whether the reference's positions were written (``--reference-indices``)."""
        return names.indices_key("test", reference=True) in self._data


class InfoSection(Section):
    """Informational fields (device, engine, BLAS, margins): never verified."""

    @property
    def device(self) -> Any:
        return self._get("device")

    @property
    def blas(self) -> Any:
        return self._get("blas")

    @property
    def decision_margins(self) -> Any:
        return self._get("decision_margins")


class PublicationSection(Section):
    """A public copy's record of its private bundle (``publish``); empty in a private one."""

    @property
    def private_manifest_sha256(self) -> Any:
        return self._get("private_manifest_sha256")

    @property
    def hidden_test_columns(self) -> tuple[str, ...]:
        """The columns left out of the test file (``--hide-test-targets``)."""
        hidden = self._get("hidden_test_columns")
        return tuple(str(c) for c in hidden) if isinstance(hidden, list) else ()


@dataclass(frozen=True)
class FileEntry:
    """One written file: its SHA-256 and size as recorded (None where not recorded)."""

    sha256: Any
    bytes: Any

    @classmethod
    def of(cls, entry: Any) -> FileEntry:
        entry = entry if isinstance(entry, dict) else {}
        return cls(entry.get("sha256"), entry.get("bytes"))
