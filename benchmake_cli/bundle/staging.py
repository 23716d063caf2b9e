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

import errno
import glob
import hashlib
import json
import os
import re
import shutil
import socket
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from ..errors import OutputError
from ..safe_text import value
from . import names

TEMP_PREFIX = ".benchmake-partial-"
REPLACED = "old"  #: the name of the replaced folder inside a staging folder, during a swap


def check_output_folder(out: Path, force: bool, protect: Sequence[Path] = ()) -> None:
    """Refuse a non-empty destination unless ``force`` and it holds a benchmake bundle and
    nothing else; refuse a file in its place, and a folder that holds one of ``protect``
    (the input) or lies inside one of them. Leftovers of earlier runs that died are
    recovered or removed first."""
    recover_leftovers(out)
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out}: exists and is not a folder")
    if os.path.abspath(out) in (os.getcwd(), os.sep) or not Path(os.path.abspath(out)).name:
        raise OutputError(
            f"--out {out}: is the current folder (or the root); name a new folder in it"
        )
    for kept in protect:
        _refuse_around(out, kept)
    if out.is_dir() and any(out.iterdir()):
        if not force:
            raise OutputError(f"--out {out}: folder is not empty; pass --force to replace it")
        foreign = not_bundle_files(out)
        if foreign:
            raise OutputError(f"--out {out}: --force replaces only a benchmake bundle; {foreign}")


def _refuse_around(out: Path, kept: Path) -> None:
    """Refuse ``out`` when replacing it would touch ``kept``: ``out`` is it, holds it, or
    lies inside it (a folder input)."""
    real_out, real_kept = os.path.realpath(out), os.path.realpath(kept)
    if real_out == real_kept or real_kept.startswith(real_out.rstrip(os.sep) + os.sep):
        raise OutputError(f"--out {out}: holds the input {kept}; choose another folder")
    if os.path.isdir(real_kept) and real_out.startswith(real_kept.rstrip(os.sep) + os.sep):
        raise OutputError(f"--out {out}: is inside the input folder {kept}; choose another folder")


#: what a bundle holds beside the files its manifest lists
BESIDE_MANIFEST = (names.MANIFEST, names.CARD, names.LEGACY_CARD, names.CROISSANT)


def not_bundle_files(folder: Path) -> str:
    """Why ``folder`` is not a benchmake bundle and nothing else, naming the first thing
    that is not part of it (``""`` when it is)."""
    try:
        recorded = json.loads((folder / names.MANIFEST).read_text(encoding="utf-8"))
        listed = set(recorded["files"])
        assert isinstance(recorded["schema"], str) and recorded["schema"].startswith("benchmake")
    except (OSError, ValueError, KeyError, TypeError, AssertionError):
        return "it holds no benchmake manifest.json"
    allowed = listed | set(BESIDE_MANIFEST)
    parents = {str(PurePosixPath(name).parent) for name in listed} | {"."}
    parents |= {str(p) for name in listed for p in PurePosixPath(name).parents}
    for here, subfolders, files in os.walk(folder):
        relative = Path(here).relative_to(folder).as_posix()
        for name in sorted(subfolders):
            path = (PurePosixPath(relative) / name).as_posix()
            if path not in parents:
                return f"it holds the folder {value(path)}, which benchmake did not write"
        for name in sorted(files):
            path = (PurePosixPath(relative) / name).as_posix()
            if path not in allowed:
                return f"it holds {value(path)}, which benchmake did not write"
    return ""


@contextmanager
def staged_folder(out: Path, force: bool, protect: Sequence[Path] = ()) -> Iterator[Path]:
    """Yield a temporary folder that replaces ``out`` only if the block succeeds. Without
    ``force`` the final rename never replaces a folder another run filled meanwhile: of two
    runs into one new ``out``, one wins and the other fails."""
    check_output_folder(out, force, protect)
    staging: Path | None = None
    replaced: Path | None = None
    try:
        staging = _create_staging_folder(out)
        yield staging
        os.chmod(staging, 0o755)
        if force and out.exists():
            check_output_folder(out, force, protect)  # still a bundle, and nothing else
            replaced = _new_staging_folder(out)
            out.rename(replaced / REPLACED)
            try:
                staging.rename(out)
            except OSError:
                (replaced / REPLACED).rename(out)  # put the user's folder back
                raise
            shutil.rmtree(replaced, ignore_errors=True)
            replaced = None
        else:
            _claim(staging, out)
    except OutputError:
        _discard(out, staging, replaced)
        raise
    except OSError as exc:
        _discard(out, staging, replaced)
        raise OutputError(f"--out {out}: cannot write ({exc.strerror or exc})") from None
    except BaseException:
        _discard(out, staging, replaced)
        raise


def _claim(staging: Path, out: Path) -> None:
    """Rename ``staging`` onto ``out``, which must be absent or empty: ``rename`` replaces
    only an empty folder, so a run that lost a race to the same ``out`` gets ENOTEMPTY."""
    try:
        staging.rename(out)
    except OSError as exc:
        if exc.errno in (errno.ENOTEMPTY, errno.EEXIST) or (out.is_dir() and any(out.iterdir())):
            raise OutputError(
                f"--out {out}: another run wrote it while this one ran; nothing was replaced"
            ) from None
        raise


def _create_staging_folder(out: Path) -> Path:
    try:
        _parent(out).mkdir(parents=True, exist_ok=True)
        return _new_staging_folder(out)
    except OSError as exc:
        raise OutputError(f"--out {out}: cannot create it ({exc.strerror or exc})") from None


def _discard(out: Path, staging: Path | None, replaced: Path | None = None) -> None:
    """Remove this run's staging folders. A signal can land while the folder is being
    created, before the run knows its name: then every staging folder of this process for
    ``out`` goes, except one holding a folder moved aside (none exists that early)."""
    if replaced is not None:
        if (replaced / REPLACED).is_dir() and not out.exists():
            (replaced / REPLACED).rename(out)
        if not (replaced / REPLACED).exists():
            shutil.rmtree(replaced, ignore_errors=True)
    if staging is not None:
        shutil.rmtree(staging, ignore_errors=True)
        return
    prefix = f"{TEMP_PREFIX}{_tag(out)}-{_host()}-{os.getpid()}-"
    for candidate in _parent(out).glob(f"{glob.escape(prefix)}*"):
        if not (candidate / REPLACED).exists():
            shutil.rmtree(candidate, ignore_errors=True)


def recover_leftovers(out: Path) -> list[Path]:
    """Remove the staging folders that runs into ``out`` on this host left when they died,
    first putting back a folder that a dead ``--force`` run had moved aside; return what
    was removed."""
    parent = _parent(out)
    if not parent.is_dir():
        return []
    pattern = re.compile(re.escape(f"{TEMP_PREFIX}{_tag(out)}-{_host()}-") + r"(\d+)-[A-Za-z0-9_]+")
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
    prefix = f"{TEMP_PREFIX}{_tag(out)}-{_host()}-{os.getpid()}-"
    return Path(tempfile.mkdtemp(prefix=prefix, dir=_parent(out)))


def _parent(out: Path) -> Path:
    """The folder ``out`` is in (``--out .`` is the current folder, in its parent)."""
    return Path(os.path.abspath(out)).parent


#: longest ``out`` name kept whole in a staging name (255 bytes in all: prefix, host, pid)
TAG_BYTES = 120


def _tag(out: Path) -> str:
    """``out``'s name as staging names hold it: whole when short, else its first bytes and
    a digest, so that a legal 240-character name still gives a legal staging name.

    >>> _tag(Path("splits")), len(_tag(Path("x" * 240)).encode())
    ('splits', 113)
    """
    name = Path(os.path.abspath(out)).name
    encoded = name.encode("utf-8", "surrogateescape")
    if len(encoded) <= TAG_BYTES:
        return name
    digest = hashlib.sha256(encoded).hexdigest()[:12]
    head = encoded[:100].decode("utf-8", "ignore")
    return f"{head}~{digest}"


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
