"""What ``verify`` can check without the data: the bundle a split wrote.

:func:`check_bundle` checks the manifest's schema, the SHA-256 of every file it lists, that
the index files fit n and k and are disjoint and covering, and that the train and test data
files hold exactly the rows the index files name: their counts, and, read back together,
the manifest's content, carried (target, id, label) and test-set hashes. It ends with the
line saying the data was not checked. ```verify`` runs it when the data is not found, or
with ``--bundle-only``; its exit code is then :attr:`ExitCode.DATA_NOT_CHECKED` when every
check passed, and 7 when one failed (an edited split file is caught without the data).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..bundle.indices import read_row_numbers
from ..bundle.manifest import SCHEMA, Manifest
from ..bundle.write import sha256_file
from ..encode import carried_hash, encode_table
from ..errors import BenchmakeError, ExitCode, ManifestError, VerifyFailedError
from ..formats.table import Table
from ..method.order import content_hash, row_digests
from ..method.reference import reference_test_count
from ..method.registry import DEFAULT_METHOD, method_of_record
from ..method.split import count_test_rows, hash_of_test_rows
from ..request import check_recorded_parameters
from .published import check_published
from .sides import drop_hidden, hidden_targets, join_sides, read_side, split_encode_options


@dataclass(frozen=True)
class Check:
    """One verification step."""

    name: str
    ok: bool
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"check": self.name, "ok": self.ok, "message": self.message}


@dataclass
class VerifyReport:
    """All checks. ``ok`` only when every one passed and the data was checked;
    ``data_note`` says why the data was not checked (the bundle check's last line)."""

    manifest_path: Path
    checks: list[Check] = field(default_factory=list)
    data_checked: bool = True
    data_looked_for: Path | None = None
    data_note: str = ""
    margins: str = ""  #: the split's decision margins, recorded and recomputed

    @property
    def checks_passed(self) -> bool:
        return bool(self.checks) and all(check.ok for check in self.checks)

    @property
    def ok(self) -> bool:
        return self.data_checked and self.checks_passed

    @property
    def exit_code(self) -> ExitCode:
        if not self.checks_passed:
            return ExitCode.VERIFY_FAILED
        return ExitCode.OK if self.data_checked else ExitCode.DATA_NOT_CHECKED

    @property
    def result(self) -> str:
        """``verified``, ``bundle verified, data not checked`` or ``NOT verified: ...``."""
        if not self.checks_passed:
            failed = sum(not check.ok for check in self.checks)
            return f"NOT verified: {failed} check(s) failed"
        return "verified" if self.data_checked else self.data_note

    def add(self, name: str, ok: bool, message: str) -> bool:
        self.checks.append(Check(name, ok, message))
        return ok

    def to_dict(self) -> dict[str, Any]:
        return {
            "manifest": str(self.manifest_path),
            "ok": self.ok,
            "exit_code": int(self.exit_code),
            "data_checked": self.data_checked,
            "data_looked_for": None if self.data_looked_for is None else str(self.data_looked_for),
            "result": self.result,
            "checks": [c.to_dict() for c in self.checks],
            "decision_margins": self.margins,
        }


def check_recorded_values(manifest: Manifest) -> None:
    """Refuse a manifest whose method or recorded method parameters ``split`` would refuse
    (the constraints of :data:`~benchmake_cli.request.PARAMETER_CONSTRAINTS`): a
    :class:`~benchmake_cli.errors.ManifestError` (exit 8) naming the field and value."""
    try:
        method = method_of_record(manifest.method.record())
        check_recorded_parameters(method, manifest.method.parameters)
    except ManifestError as exc:
        raise ManifestError(f"{manifest.path}: {exc}") from None


def check_bundle(report: VerifyReport, manifest: Manifest) -> None:
    """Every check that needs no data: schema, files, indices, the split data files."""
    if not check_schema(report, manifest):
        return
    check_files(report, manifest, None)
    rows = check_indices(report, manifest)
    if rows is not None:
        check_data_files(report, manifest, *rows)
    check_published(report, manifest)


def refuse_broken_bundle(manifest: Manifest) -> None:
    """Raise :class:`VerifyFailedError` naming what ``verify --bundle-only`` would fail on
    (``load_split`` and ``score`` use a bundle only when it passes)."""
    report = VerifyReport(manifest.file)
    check_bundle(report, manifest)
    failed = [f"{c.name}: {c.message}" for c in report.checks if not c.ok]
    if failed:
        raise VerifyFailedError(f"{manifest.file}: {failed[0]}")


#: fields the bundle check reads, with their JSON types
SCHEMA_FIELDS: dict[tuple[str, ...], type | tuple[type, ...]] = {
    ("input", "name"): str,
    ("input", "format"): str,
    ("input", "sha256"): str,
    ("encoding", "modality"): str,
    ("encoding", "options"): dict,
    ("encoding", "input_rows"): int,
    ("encoding", "n"): int,
    ("encoding", "d"): int,
    ("encoding", "content_sha256"): str,
    ("encoding", "carried_sha256"): str,
    ("split", "n_train"): int,
    ("split", "n_test"): int,
    ("split", "test_content_sha256"): str,
    ("split", "test_indices_sha256"): str,
    ("method", "parameters"): dict,
}


def check_schema(report: VerifyReport, manifest: Manifest) -> bool:
    """Every field the checks read is there, with its type."""
    wrong = manifest.mistyped(SCHEMA_FIELDS)
    if wrong:
        return report.add("schema", False, "missing or mistyped: " + ", ".join(wrong))
    return report.add("schema", True, f"every field of {SCHEMA} the checks read")


def check_files(report: VerifyReport, manifest: Manifest, expected: Manifest | None) -> None:
    """The files on disk must have their recorded SHA-256; with ``expected`` (a fresh split
    of the same bytes), the recorded list and hashes must also be what that split writes."""
    files, folder = manifest.files, manifest.folder
    changed = []
    for name, entry in sorted(files.items()):
        path = folder / name
        if not inside(name):
            changed.append(f"{name} (not a path inside the split folder)")
        elif not path.is_file():
            changed.append(f"{name} (missing)")
        elif sha256_file(path) != entry.sha256:
            changed.append(f"{name} (SHA-256 differs)")
    recorded_test_sha = manifest.split.test_indices_sha256
    if expected is None:
        test_name = manifest.split.indices_file("test")
        listed = files.get(test_name)
        if (listed.sha256 if listed is not None else None) != recorded_test_sha:
            changed.append(f"split.test_indices_sha256 (not the SHA-256 listed for {test_name})")
    else:
        written = expected.files
        if expected.split.test_indices_sha256 != recorded_test_sha:
            written_name = expected.split.indices_file("test")
            changed.append(f"split.test_indices_sha256 (not that of the {written_name} written)")
        files = {name: entry for name, entry in files.items() if inside(name)}
        for name in sorted(set(written) - set(files)):
            changed.append(f"{name} (written by the split, not listed in the manifest)")
        for name in sorted(set(files) - set(written)):
            changed.append(f"{name} (listed, but the split writes no such file)")
        for name in sorted(set(files) & set(written)):
            if files[name].sha256 != written[name].sha256:
                changed.append(
                    f"{name} (recorded SHA-256 is not that of the file the split writes)"
                )
    if changed:
        report.add("files", False, "changed since the split: " + ", ".join(changed))
    else:
        report.add("files", True, f"{len(files)} files match their recorded SHA-256")


def check_indices(report: VerifyReport, manifest: Manifest) -> tuple[np.ndarray, np.ndarray] | None:
    """The index files list n_train and n_test rows (n_test = k), ascending, disjoint, and
    together every input row that was not dropped while encoding."""
    split, encoding = manifest.split, manifest.encoding
    rows: dict[str, np.ndarray] = {}
    for side in ("train", "test"):
        name = split.indices_file(side)
        if not inside(name):
            _fail(report, "indices", f"{name!r} is not a path inside the split folder")
            return None
        try:
            rows[side] = read_row_numbers(manifest.folder / name)
        except BenchmakeError as exc:
            _fail(report, "indices", str(exc))
            return None
    train, test = rows["train"], rows["test"]
    k = split.n_test if manifest.method.k is None else manifest.method.k
    expected_rows = np.setdiff1d(
        np.arange(encoding.input_rows), np.asarray(encoding.dropped_rows, int)
    )
    problems = [
        f"{what} lists {len(found)} rows, the manifest records {count}"
        for what, found, count in (
            ("test_indices", test, split.n_test),
            ("train_indices", train, split.n_train),
        )
        if len(found) != count
    ]
    if split.n_test != k:
        problems.append(f"split.n_test {split.n_test} is not k = {k}")
    fraction_k = _k_of_fraction(manifest)
    if fraction_k is not None and fraction_k != k:
        problems.append(f"k = {k} is not ceil(n × frac) = {fraction_k}")
    if len(train) + len(test) != encoding.n:
        problems.append(f"{len(train)} + {len(test)} rows, n = {encoding.n}")
    for what, found in (("test_indices", test), ("train_indices", train)):
        if np.any(np.diff(found) <= 0):
            problems.append(f"{what} is not in ascending order")
    both = np.intersect1d(train, test)
    if len(both):
        problems.append(f"{few(both)} in both index files")
    missing = np.setdiff1d(expected_rows, np.concatenate([train, test]))
    extra = np.setdiff1d(np.concatenate([train, test]), expected_rows)
    if len(missing):
        problems.append(f"{few(missing)} in neither index file")
    if len(extra):
        problems.append(f"{few(extra)} not input rows of the split (beyond or dropped)")
    if problems:
        _fail(report, "indices", "; ".join(problems))
        return None
    report.add(
        "indices",
        True,
        f"{len(test)} test (k = {k}) and {len(train)} train rows, disjoint, covering "
        f"the {encoding.n} rows",
    )
    return train, test


def _k_of_fraction(manifest: Manifest) -> int | None:
    """The test count the recorded fraction gives for n rows, as the method counts it (a
    sharded split counts per shard: None)."""
    method, n = manifest.method, manifest.encoding.n
    frac = method.frac
    if not isinstance(frac, (int, float)) or method.sharded:
        return None
    if method.name == DEFAULT_METHOD:
        return count_test_rows(n, frac)
    return reference_test_count(n, frac)


def check_data_files(
    report: VerifyReport, manifest: Manifest, train_rows: np.ndarray, test_rows: np.ndarray
) -> None:
    """The train and test data files hold the rows the index files name: as many, and,
    read back together in row order, the recorded content, carried and test-set hashes."""
    names = {side: manifest.side_file(side) for side in ("train", "test")}
    try:
        sides = {side: read_side(manifest, side) for side in names}
    except BenchmakeError as exc:
        report.add("split files", False, str(exc))
        return
    counts = {
        side: len(data) if isinstance(data, pd.DataFrame) else data.n_rows
        for side, data in sides.items()
    }
    wrong = [
        f"{names[side]} holds {counts[side]} rows, {side}_indices lists {len(rows)}"
        for side, rows in (("train", train_rows), ("test", test_rows))
        if counts[side] != len(rows)
    ]
    if wrong:
        report.add("split files", False, "; ".join(wrong))
        return
    shown = f"{names['train']} and {names['test']} hold {counts['train']} and {counts['test']} rows"
    train, test = sides["train"], sides["test"]
    if not isinstance(train, Table) or not isinstance(test, Table):
        report.add("split files", True, shown + " (they list files; their content is the data's)")
        return
    joined = join_sides(train, test, train_rows, test_rows)
    found = _hashes(manifest, joined, train_rows, test_rows)
    if found is None:
        report.add("split files", True, shown + " (counts only: the data cannot be re-encoded)")
        return
    recorded = {
        "encoding.content_sha256": manifest.encoding.content_sha256,
        "encoding.carried_sha256": manifest.encoding.carried_sha256,
        "split.test_content_sha256": manifest.split.test_content_sha256,
    }
    differing = [
        f"{key} differs ({HASH_MEANINGS[key][1]})"
        for key, value in found.items()
        if value != recorded[key]
    ]
    if differing:
        report.add("split files", False, shown + ", but " + "; ".join(differing))
        return
    labels = [HASH_MEANINGS[key][0] for key in found]
    matched = ", ".join(labels[:-1]) + " and " + labels[-1] if len(labels) > 1 else labels[0]
    report.add(
        "split files",
        True,
        f"{shown}: their {matched} hash{'es' if len(labels) > 1 else ''} match{'' if len(labels) > 1 else 'es'}",
    )


def _hashes(
    manifest: Manifest, joined: Table, train_rows: np.ndarray, test_rows: np.ndarray
) -> dict[str, str] | None:
    """The hashes the joined sides give, by manifest field (None: cannot be encoded)."""
    try:
        encoded = encode_table(drop_hidden(joined, manifest), split_encode_options(manifest))
    except BenchmakeError:
        return None
    digests = row_digests(encoded.X)
    found = {}
    # the reference method hashes a sequence's text, not its encoded row
    if manifest.method.name == DEFAULT_METHOD or manifest.encoding.modality != "sequence":
        found["encoding.content_sha256"] = content_hash(digests, encoded.d)
    if not hidden_targets(manifest):  # a public copy's test targets are not there to hash
        found["encoding.carried_sha256"] = carried_hash(digests, encoded.carried)
    if "encoding.content_sha256" in found:
        joined_rows = np.sort(np.concatenate([train_rows, test_rows]))
        at = np.searchsorted(encoded.rows, np.searchsorted(joined_rows, test_rows))
        if len(encoded.rows) == len(joined_rows):
            found["split.test_content_sha256"] = hash_of_test_rows(digests[at])
    return found


#: each hash the split files are checked against: (its name, what differs when it does)
HASH_MEANINGS = {
    "encoding.content_sha256": ("content", "the features differ"),
    "encoding.carried_sha256": ("carried", "the target, id or label values differ"),
    "split.test_content_sha256": ("test", "the test rows differ"),
}


def _fail(report: VerifyReport, name: str, message: str) -> None:
    report.add(name, False, message)
    return None


def few(rows: np.ndarray, limit: int = 5) -> str:
    """``row 3`` or ``rows 3, 8, … (12 in all)``."""
    shown = ", ".join(str(int(r)) for r in rows[:limit])
    more = f", … ({len(rows)} in all)" if len(rows) > limit else ""
    return f"row{'s' if len(rows) > 1 else ''} {shown}{more}"


def inside(name: str) -> bool:
    """A recorded file name is a relative POSIX path that stays inside the split folder."""
    parts = name.split("/")
    return (
        bool(name)
        and "\\" not in name
        and not name.startswith("/")
        and all(part not in ("", ".", "..") for part in parts)
    )
