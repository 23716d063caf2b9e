"""Paths as messages show them: no ``a/../b`` detours, relative to the working directory
when they lie inside it, else absolute."""

from __future__ import annotations

import os
from pathlib import Path


def tidy_path(path: Path) -> Path:
    """The same file, named as shortly as possible: ``..`` folded where that still names the
    same file (else symbolic links resolved), relative to the working directory when it lies
    inside it (never ``../x``), else absolute.

    >>> tidy_path(Path("benchmake_cli/../pyproject.toml")) == Path("pyproject.toml")
    True
    >>> tidy_path(Path("/")) == Path("/")
    True
    """
    try:
        absolute = Path(os.path.normpath(os.path.abspath(path)))
        if not os.path.samefile(absolute, path):  # a symbolic link before a ".."
            absolute = path.resolve()
        relative = Path(os.path.relpath(absolute, Path.cwd()))
    except (OSError, ValueError):  # gone, another drive, an unreadable folder: as given
        return path
    inside = relative.parts[:1] != ("..",)
    return relative if inside and len(str(relative)) < len(str(absolute)) else absolute
