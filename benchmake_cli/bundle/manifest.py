"""The manifest: everything needed to prove that someone holds the same data and split.

``manifest.json`` is written with sorted keys and no timestamps, so it is byte-identical
from run to run. The ``info`` section (device, library versions) is informational:
``verify`` never checks it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import ManifestError

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
