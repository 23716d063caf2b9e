"""Crash-safe output folders: a split appears whole or not at all.

Everything is written into a fresh staging folder beside the destination, named
``.benchmake-partial-<out>-<host>-<pid>-<random>``, and renamed into place at the end. A
run that fails, is interrupted or is killed never leaves a folder that looks complete: at
worst a staging folder, which the next run into the same destination removes once the
process that made it is gone. Replacing a folder (``--force``) moves the old one into such
a folder first; should the run die between that move and the final rename, the next run
puts the old folder back before anything else, so a user's output is never lost.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import OutputError

TEMP_PREFIX = ".benchmake-partial-"
REPLACED = "old"  #: the name of the replaced folder inside a staging folder, during a swap


def check_output_folder(out: Path, force: bool) -> None:
    """Refuse a non-empty destination unless ``force``; refuse a file in its place.
    Leftovers of earlier runs that died are recovered or removed first."""
    recover_leftovers(out)
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise OutputError(f"--out {out}: folder is not empty; pass --force to replace it")


@contextmanager
def staged_folder(out: Path, force: bool) -> Iterator[Path]:
    """Yield a temporary folder that replaces ``out`` only if the block succeeds."""
    check_output_folder(out, force)
    staging: Path | None = None
    try:
        staging = _create_staging_folder(out)
        yield staging
        os.chmod(staging, 0o755)
        if out.exists():
            replaced = _new_staging_folder(out)
            out.rename(replaced / REPLACED)
            staging.rename(out)
            shutil.rmtree(replaced, ignore_errors=True)
        else:
            staging.rename(out)
    except OutputError:
        _discard(out, staging)
        raise
    except OSError as exc:
        _discard(out, staging)
        raise OutputError(f"--out {out}: cannot write ({exc.strerror or exc})") from None
    except BaseException:
        _discard(out, staging)
        raise


def _create_staging_folder(out: Path) -> Path:
    try:
        out.resolve().parent.mkdir(parents=True, exist_ok=True)
        return _new_staging_folder(out)
    except OSError as exc:
        raise OutputError(f"--out {out}: cannot create it ({exc.strerror or exc})") from None


def _discard(out: Path, staging: Path | None) -> None:
    """Remove this run's staging folder. A signal can land while the folder is being
    created, before the run knows its name: then every staging folder of this process for
    ``out`` goes, except one holding a folder moved aside (none exists that early)."""
    if staging is not None:
        shutil.rmtree(staging, ignore_errors=True)
        return
    prefix = f"{TEMP_PREFIX}{out.name}-{_host()}-{os.getpid()}-"
    for candidate in out.absolute().parent.glob(f"{glob.escape(prefix)}*"):
        if not (candidate / REPLACED).exists():
            shutil.rmtree(candidate, ignore_errors=True)


def recover_leftovers(out: Path) -> list[Path]:
    """Remove the staging folders that runs into ``out`` on this host left when they died,
    first putting back a folder that a dead ``--force`` run had moved aside; return what
    was removed."""
    parent = out.absolute().parent
    if not parent.is_dir():
        return []
    pattern = re.compile(re.escape(f"{TEMP_PREFIX}{out.name}-{_host()}-") + r"(\d+)-[A-Za-z0-9_]+")
    removed = []
    for candidate in sorted(parent.iterdir()):
        match = pattern.fullmatch(candidate.name)
        if match is None or _alive(int(match.group(1))) or not candidate.is_dir():
            continue
        replaced = candidate / REPLACED
        try:
            if replaced.is_dir() and not out.exists():
                replaced.rename(out)
            shutil.rmtree(candidate)
        except OSError:  # another process is at it, or no permission: leave it alone
            continue
        removed.append(candidate)
    return removed


def _new_staging_folder(out: Path) -> Path:
    prefix = f"{TEMP_PREFIX}{out.name}-{_host()}-{os.getpid()}-"
    return Path(tempfile.mkdtemp(prefix=prefix, dir=out.resolve().parent))


def _host() -> str:
    """This machine's name, reduced to characters safe in a file name."""
    return re.sub(r"[^A-Za-z0-9]", "_", socket.gethostname())[:40] or "host"


def _alive(pid: int) -> bool:
    """Whether a process of that number runs on this machine (signal 0 probes it; on
    Windows, where ``os.kill`` would end the process, every process counts as alive)."""
    if os.name == "nt":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True
