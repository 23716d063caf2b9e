"""The hostile corpus: inputs an attacker or a careless user would try (issue 24).

Each case (:class:`Case`) belongs to one class of the issue and builds, in its own folder,
the files it needs and the command (or API call) to run; :mod:`tests.test_hostile` runs it
and asserts what every case shares: the exit code, one ``benchmake: error:`` line (or the
``FAIL`` line of a failed check) holding the expected words, no traceback, no control
character and no line over :data:`LINE_LIMIT` characters, no staging folder left, and every
file around the run unchanged (``--out`` itself in the state the case names).
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: the longest line a message may take (the messages' limit, 300, plus the prefix)
LINE_LIMIT = 330
#: files larger than this are compared by size and time, not read (the sparse NPY cases)
BIG = 64 << 20


@dataclass
class Run:
    """What a case runs and expects.

    ``args``: the command line (``benchmake`` left out), or ``api``: a call whose
    :class:`~benchmake_cli.errors.BenchmakeError` is the result. ``message``: words the
    error line (``stream="stderr"``) or a ``FAIL`` line (``"stdout"``) holds. ``out``: the
    folder the run may write, with ``out_after``: ``"absent"``, ``"unchanged"`` or
    ``"bundle"``. ``check``: more assertions on the result's stdout."""

    args: list[str] = field(default_factory=list)
    code: int = 0
    message: str = ""
    stream: str = "stderr"
    out: Path | None = None
    out_after: str = "unchanged"
    api: Callable[[], Any] | None = None
    check: Callable[[str], None] | None = None
    absent: tuple[str, ...] = ()  #: words no output may hold (a secret's content)


@dataclass(frozen=True)
class Case:
    """One hostile input: its class, its name and how to build it in a folder."""

    group: str
    name: str
    build: Callable[[Path, Path], Run]  #: (its folder, the shared base folder) -> Run

    @property
    def id(self) -> str:
        return f"{self.group}:{self.name}"


def snapshot(root: Path, skip: Path | None = None) -> dict[str, str]:
    """Every entry below ``root`` (``skip`` and its content left out): a regular file's
    SHA-256, a link's target, or the entry's kind."""
    found: dict[str, str] = {}
    for folder, subfolders, files in os.walk(root):
        here = Path(folder)
        if skip is not None and (here == skip or skip in here.parents):
            subfolders[:] = []
            continue
        for name in subfolders + files:
            path = here / name
            if skip is not None and path == skip:
                continue
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode):
                found[str(path)] = "link:" + os.readlink(path)
            elif stat.S_ISREG(mode) and path.lstat().st_size > BIG:  # a sparse giant
                info = path.lstat()
                found[str(path)] = f"size {info.st_size}, modified {info.st_mtime_ns}"
            elif stat.S_ISREG(mode):
                found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                found[str(path)] = "dir" if stat.S_ISDIR(mode) else "special"
    return found
