"""Limits on the JSON of a manifest: it comes from whoever published the bundle.

``json.loads`` alone keeps the last of two equal keys (a forger's second ``"input"``),
recurses once per nesting level (``[[[[…`` ends in a RecursionError), turns a 5,000-digit
number into an int that later arithmetic chokes on, and accepts ``NaN``. :func:`parse`
refuses each of these with :class:`ManifestError`, before anything reads a field.
"""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ManifestError
from ..safe_text import quoted
from ..safe_text import value as shown

MAX_BYTES = 64 << 20  #: a manifest of a million dropped rows stays well below this
MAX_DEPTH = 32  #: manifests nest 5 levels deep; sharding and read options a few more
MAX_NUMBER_CHARS = 40  #: a float64 needs 24 characters, an int64 20

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)


def read_text(path: Path) -> str:
    """A manifest file's text, at most :data:`MAX_BYTES`; a FIFO or device is refused
    without being opened for reading (it could block for ever or never end)."""
    mode = path.stat().st_mode
    if not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file (a device, FIFO or socket)"
        raise ManifestError(f"{shown(path, 200)}: {kind}, not a manifest file")
    with open(path, "rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ManifestError(
            f"{shown(path, 200)}: more than {MAX_BYTES:,} bytes, more than a manifest holds"
        )
    return data.decode("utf-8")


def parse(text: str, where: str) -> Any:
    """The JSON value of a manifest's ``text`` (read from ``where``), within the limits."""
    if len(text) > MAX_BYTES:
        raise ManifestError(f"{where}: {len(text):,} characters, more than a manifest holds")
    depth = nesting_depth(text)
    if depth > MAX_DEPTH:
        raise ManifestError(f"{where}: nested {depth} levels deep (at most {MAX_DEPTH})")
    try:
        return json.loads(
            text,
            object_pairs_hook=lambda pairs: _unique(pairs, where),
            parse_int=lambda token: _number(token, int, where),
            parse_float=lambda token: _number(token, float, where),
            parse_constant=lambda token: _refuse_constant(token, where),
        )
    except json.JSONDecodeError as exc:
        raise ManifestError(f"{where}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except RecursionError:
        raise ManifestError(f"{where}: nested too deeply") from None


def nesting_depth(text: str) -> int:
    """The deepest nesting of ``[`` and ``{`` outside strings (0 for a scalar)."""
    structure = _STRING.sub("", text)
    opens = np.frombuffer(structure.encode("utf-8", "replace"), dtype=np.uint8)
    steps = (np.isin(opens, (0x5B, 0x7B))).astype(np.int64) - np.isin(opens, (0x5D, 0x7D))
    return int(np.cumsum(steps).max(initial=0))


def _unique(pairs: list[tuple[str, Any]], where: str) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, item in pairs:
        if key in result:
            raise ManifestError(f"{where}: key {quoted(key)} appears twice in one object")
        result[key] = item
    return result


def _number(token: str, kind: type, where: str) -> Any:
    if len(token) > MAX_NUMBER_CHARS:
        raise ManifestError(
            f"{where}: a number of {len(token):,} characters ({shown(token, 20)}); "
            f"at most {MAX_NUMBER_CHARS}"
        )
    number = kind(token)
    if kind is float and not np.isfinite(number):
        raise ManifestError(f"{where}: number {shown(token, 20)} is out of float64 range")
    return number


def _refuse_constant(token: str, where: str) -> Any:
    raise ManifestError(f"{where}: {token} is not a JSON number")
