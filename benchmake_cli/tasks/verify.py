"""``verify``: prove that a manifest, its data and its split files agree.

The split is done again, exactly as the manifest records it, and compared with what was
published. Checks, in order, one line each: the manifest itself; the data's bytes
(SHA-256); the data's content (the order-independent hash of the encoded rows); the split
(the fresh test set, by content, and the index files); the record (every method, encoding
and split field, the hash of the carried target, id and label values among them); the files
(each listed file's SHA-256, and, when the data's bytes are the recorded ones, the list and
hashes of the files the fresh split writes). The data's bytes may differ when its rows were
only reordered or re-saved in another format: then the split is compared by content, and
the report says so.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..bundle import manifest as manifest_io
from ..bundle.indices import read_row_numbers
from ..bundle.write import input_digest, sha256_file
from ..encode import EncodeOptions
from ..errors import BenchmakeError, ManifestError, MissingExtraError, OutputError, SchedulerError
from ..formats import ReadOptions
from ..method.registry import DEFAULT_METHOD, Method, blas_description, method_of_record
from ..method.split import ProgressCallback, SplitParameters
from ..pipeline.run import SplitResult, split_as
from ..pipeline.shards import MIN_SHARD_ROWS, resolve_shard_rows


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
    """All checks; ``ok`` only when every one passed."""

    manifest_path: Path
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(check.ok for check in self.checks)

    def add(self, name: str, ok: bool, message: str) -> bool:
        self.checks.append(Check(name, ok, message))
        return ok

    def to_dict(self) -> dict[str, Any]:
        return {
            "manifest": str(self.manifest_path),
            "ok": self.ok,
            "checks": [c.to_dict() for c in self.checks],
        }


def locate_data(manifest_path: Path, manifest: dict[str, Any], data: Path | None) -> Path:
    """The data file to check: ``--data``, else the manifest's own path when it stays inside
    the manifest's folder, else a file of the recorded name inside that folder (a published
    bundle). A path leading outside the folder is never followed without ``--data``."""
    if data is not None:
        return data
    recorded = manifest_io.field(manifest, "input", "path")
    name = manifest_io.field(manifest, "input", "name")
    folder = manifest_path.parent.resolve()
    if isinstance(recorded, str) and recorded and not Path(recorded).is_absolute():
        candidate = (folder / recorded).resolve()
        if candidate.is_relative_to(folder):
            return candidate
    if isinstance(name, str) and Path(name).name == name and (folder / name).exists():
        return folder / name
    raise ManifestError(
        f"{manifest_path}: its data path {recorded!r} is outside the manifest's folder; "
        "pass --data PATH to name the data file to check"
    )


def verify_manifest(
    path: str | Path,
    *,
    data: str | Path | None = None,
    threads: int | None = None,
    progress: ProgressCallback | None = None,
    jobs: int = 1,
    scheduler: str | None = None,
) -> VerifyReport:
    """Check a manifest against its data and split files; never raises for a mismatch.

    The split is done again exactly as the manifest records it (in shards, on ``jobs``
    local processes or on Dask, when it was sharded), and when the data's bytes are the
    recorded ones its files are written again into a temporary folder: every recorded field
    and file hash must be what that fresh split gives."""
    manifest_path = Path(path)
    if manifest_path.is_dir():
        manifest_path = manifest_path / manifest_io.FILE_NAME
    manifest = manifest_io.load(manifest_path)
    report = VerifyReport(manifest_path)
    folder = manifest_path.parent
    try:
        method = method_of_record(manifest_io.field(manifest, "method"))
    except ManifestError as exc:
        raise ManifestError(f"{manifest_path}: {exc}") from None
    params = method.parameters_from_record(manifest_io.field(manifest, "method", "parameters"))
    threshold, shard_rows = _sharding(manifest, method)
    report.add("manifest", True, f"{manifest_io.SCHEMA}, method {method.name} v{method.version}")

    data_path = locate_data(manifest_path, manifest, Path(data) if data is not None else None)
    bytes_match = _check_bytes(report, data_path, manifest_io.field(manifest, "input"))
    recorded_split = manifest_io.field(manifest, "split")
    with tempfile.TemporaryDirectory(prefix=".benchmake-verify-") as work:
        try:
            fresh = split_as(
                data_path,
                recorded_read_options(manifest),
                recorded_encode_options(manifest),
                params,
                method=method.name,
                threshold=threshold,
                shard_rows=shard_rows,
                out=Path(work) / "split" if bytes_match else None,
                files=str(recorded_split.get("files", "list")),
                reference_indices="reference_test_indices" in recorded_split,
                device="cpu",
                threads=threads,
                jobs=jobs,
                scheduler=scheduler,
                progress=progress,
            )
        except (SchedulerError, MissingExtraError):
            raise
        except OutputError as exc:
            raise OutputError(
                f"cannot write the fresh split into the temporary folder {work} (TMPDIR): {exc}"
            ) from None
        except BenchmakeError as exc:
            report.add("content", False, f"cannot split the data as recorded: {exc}")
            _check_files(report, folder, manifest, None)
            return report
    expected = json.loads(manifest_io.dumps(fresh.manifest))  # as it reads back from JSON
    _check_content(report, manifest, expected, bytes_match)
    _check_split(report, folder, manifest, method, params, fresh, bytes_match)
    _check_record(report, manifest, expected, bytes_match)
    _check_files(report, folder, manifest, expected if bytes_match else None)
    return report


def _sharding(manifest: dict[str, Any], method: Method) -> tuple[int, int]:
    """``(threshold, shard_rows)`` to split again as recorded: those of the manifest's
    ``method.parameters.sharding``, or never sharding when it has none."""
    record = manifest_io.field(manifest, "method", "parameters").get("sharding")
    if record is None:
        return resolve_shard_rows(0)
    if not method.shardable:
        raise ManifestError(
            f"method.parameters.sharding: only method {DEFAULT_METHOD} splits in shards, "
            f"not {method.name}"
        )
    try:
        threshold, shard_rows = int(record["threshold_rows"]), int(record["shard_rows"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ManifestError(
            f"manifest field method.parameters.sharding is malformed ({exc})"
        ) from None
    if shard_rows < MIN_SHARD_ROWS:
        raise ManifestError(f"manifest field method.parameters.sharding.shard_rows {shard_rows}")
    return threshold, shard_rows


def _check_bytes(report: VerifyReport, data_path: Path, recorded: dict[str, Any]) -> bool:
    if not data_path.exists():
        report.add("data", False, f"{data_path}: no such file or folder")
        return False
    size, digest = input_digest(data_path)
    if digest == recorded.get("sha256"):
        report.add("data", True, f"{data_path.name}: SHA-256 matches ({digest[:12]}…)")
        return True
    report.add(
        "data",
        True,
        f"{data_path.name}: bytes differ from {recorded.get('name')!r} "
        f"({size} bytes, SHA-256 {digest[:12]}… vs {str(recorded.get('sha256'))[:12]}…); "
        "checking content",
    )
    return False


def _check_content(
    report: VerifyReport, manifest: dict[str, Any], expected: dict[str, Any], bytes_match: bool
) -> None:
    recorded, fresh = manifest_io.field(manifest, "encoding"), expected["encoding"]
    if fresh["content_sha256"] == recorded.get("content_sha256"):
        how = "" if bytes_match else " (same rows by content, in another order or encoding)"
        report.add("content", True, f"{fresh['n']} rows × {fresh['d']} features match{how}")
        return
    report.add(
        "content",
        False,
        f"encoded rows differ: found {fresh['n']} rows × {fresh['d']} features, "
        f"recorded {recorded.get('n')} × {recorded.get('d')}",
    )


def _check_split(
    report: VerifyReport,
    folder: Path,
    manifest: dict[str, Any],
    method: Method,
    params: SplitParameters,
    fresh: SplitResult,
    bytes_match: bool,
) -> None:
    recorded_split = manifest_io.field(manifest, "split")
    described = f"recomputed with {method.describe(params)}"
    sharding = manifest_io.field(manifest, "method", "parameters").get("sharding")
    if sharding is not None:
        described += f", shard_rows={sharding.get('shard_rows')}"
    fresh_split = fresh.manifest["split"]
    if fresh_split["test_content_sha256"] != recorded_split.get("test_content_sha256"):
        detail = f"{described}: {fresh.n_test} test rows"
        if recorded_split.get("n_test") != fresh.n_test:
            detail += f", manifest records {recorded_split.get('n_test')}"
        report.add(
            "split",
            False,
            detail + "; the test set's content differs" + _blas_note(manifest, method),
        )
        return
    if not bytes_match:
        report.add("split", True, f"recomputed test set ({fresh.n_test} rows) matches by content")
        return
    listed = [("test_indices", fresh.test), ("train_indices", fresh.train)]
    if "reference_test_indices" in recorded_split:
        listed += [
            ("reference_test_indices", fresh.reference_test_positions),
            ("reference_train_indices", fresh.reference_train_positions),
        ]
    for key, rows in listed:
        indices_file = folder / str(recorded_split.get(key, f"{key}.txt"))
        recorded_rows = _read_indices(indices_file)
        if recorded_rows is None:
            report.add("split", False, f"{indices_file.name}: missing or not a list of row numbers")
            return
        if not np.array_equal(recorded_rows, rows):
            only_recorded = np.setdiff1d(recorded_rows, rows)
            only_now = np.setdiff1d(rows, recorded_rows)
            where = [
                f"{_few(found)} only in {place}"
                for found, place in ((only_recorded, "the file"), (only_now, "the recomputation"))
                if len(found)
            ]
            report.add(
                "split",
                False,
                f"{indices_file.name} differs from the recomputed split: "
                + (", ".join(where) or "the same rows in another order"),
            )
            return
    names = " and ".join(str(recorded_split.get(key, f"{key}.txt")) for key, _ in listed)
    report.add(
        "split",
        True,
        f"recomputed split ({fresh.n_test} test, {fresh.n_train} train rows) equals {names}",
    )


#: what the manifest's fields mean, for the lines naming those that differ
FIELD_MEANINGS = {
    "encoding.carried_sha256": "the target, id or label values differ",
    "encoding.carried_columns": "other columns are carried along",
    "split.n_test": "the number of test rows",
    "split.n_train": "the number of training rows",
}


def _check_record(
    report: VerifyReport, manifest: dict[str, Any], expected: dict[str, Any], bytes_match: bool
) -> None:
    """Every field ``verify`` vouches for must be what the fresh split records. Row numbers
    and the input's container are compared only when the data's bytes are the recorded ones
    (reordered rows and another format legitimately change them)."""
    compared = {
        "method": ["name", "version", "parameters"],
        "encoding": None,  # every field but content_sha256, which the content check compares
        "split": ["n_train", "n_test"],  # test_content_sha256: the split check
    }
    if bytes_match:
        compared["input"] = ["format", "read_options", "details"]
        compared["split"] += ["test_indices", "train_indices", "files"]
        compared["split"] += ["reference_test_indices", "reference_train_indices"]
    differing: list[str] = []
    for section, keys in compared.items():
        recorded, fresh = manifest.get(section) or {}, expected.get(section) or {}
        for key in sorted(keys or (set(recorded) | set(fresh)) - {"content_sha256"}):
            if section == "encoding" and key == "dropped_rows" and not bytes_match:
                continue
            differing += _differences(
                recorded.get(key, _ABSENT), fresh.get(key, _ABSENT), f"{section}.{key}"
            )
    if differing:
        report.add("record", False, "; ".join(differing))
    else:
        report.add("record", True, "every recorded method, encoding and split field matches")


def _check_files(
    report: VerifyReport,
    folder: Path,
    manifest: dict[str, Any],
    expected: dict[str, Any] | None,
) -> None:
    """The files on disk must have their recorded SHA-256; with ``expected`` (a fresh split
    of the same bytes), the recorded list and hashes must also be what that split writes."""
    files = manifest_io.field(manifest, "files")
    changed = []
    for name, entry in sorted(files.items()):
        path = folder / name
        if not _inside(name):
            changed.append(f"{name} (not a path inside the split folder)")
        elif not path.is_file():
            changed.append(f"{name} (missing)")
        elif sha256_file(path) != (entry or {}).get("sha256"):
            changed.append(f"{name} (SHA-256 differs)")
    if expected is not None:
        written = expected["files"]
        if expected["split"]["test_indices_sha256"] != manifest_io.field(manifest, "split").get(
            "test_indices_sha256"
        ):
            changed.append("split.test_indices_sha256 (not that of the test_indices.txt written)")
        files = {name: entry for name, entry in files.items() if _inside(name)}
        for name in sorted(set(written) - set(files)):
            changed.append(f"{name} (written by the split, not listed in the manifest)")
        for name in sorted(set(files) - set(written)):
            changed.append(f"{name} (listed, but the split writes no such file)")
        for name in sorted(set(files) & set(written)):
            if (files[name] or {}).get("sha256") != written[name]["sha256"]:
                changed.append(
                    f"{name} (recorded SHA-256 is not that of the file the split writes)"
                )
    if changed:
        report.add("files", False, "changed since the split: " + ", ".join(changed))
    else:
        report.add("files", True, f"{len(files)} files match their recorded SHA-256")


def _read_indices(path: Path) -> np.ndarray | None:
    try:
        return read_row_numbers(path)
    except BenchmakeError:
        return None


def _blas_note(manifest: dict[str, Any], method: Method) -> str:
    """For a BLAS-dependent method: say so when the split was made with another BLAS."""
    recorded = (manifest.get("info") or {}).get("blas")
    if not method.cpu_only or recorded is None:
        return ""
    here = blas_description()
    if recorded == here:
        return ""
    return (
        f" (split made with BLAS {recorded}, this machine has {here}: --method {method.name} "
        "is exact only on the same BLAS build and CPU)"
    )


_ABSENT = "(absent)"


def _differences(recorded: Any, fresh: Any, name: str) -> list[str]:
    """One phrase per leaf field that differs, named by its dotted path."""
    if isinstance(recorded, dict) and isinstance(fresh, dict):
        return [
            line
            for key in sorted(set(recorded) | set(fresh))
            for line in _differences(
                recorded.get(key, _ABSENT), fresh.get(key, _ABSENT), f"{name}.{key}"
            )
        ]
    if recorded == fresh:
        return []
    meaning = f" ({FIELD_MEANINGS[name]})" if name in FIELD_MEANINGS else ""
    return [f"{name} recorded {_short(recorded)}, recomputed {_short(fresh)}{meaning}"]


def _short(value: Any, limit: int = 60) -> str:
    """A value as it reads in JSON, cut to ``limit`` characters (a SHA-256 to 12 digits)."""
    if value is _ABSENT:
        return value
    if isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value):
        return value[:12] + "…"
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _few(rows: np.ndarray, limit: int = 5) -> str:
    """``row 3`` or ``rows 3, 8, … (12 in all)``."""
    shown = ", ".join(str(int(r)) for r in rows[:limit])
    more = f", … ({len(rows)} in all)" if len(rows) > limit else ""
    return f"row{'s' if len(rows) > 1 else ''} {shown}{more}"


def _inside(name: str) -> bool:
    """A recorded file name is a relative POSIX path that stays inside the split folder."""
    parts = name.split("/")
    return (
        bool(name)
        and "\\" not in name
        and not name.startswith("/")
        and all(part not in ("", ".", "..") for part in parts)
    )


def recorded_encode_options(manifest: dict[str, Any]) -> EncodeOptions:
    """How the manifest's input was encoded (columns, modality options)."""
    options = manifest_io.field(manifest, "encoding", "options")
    try:
        return EncodeOptions.from_dict(options)
    except (AttributeError, TypeError, ValueError) as exc:
        raise ManifestError(f"manifest field encoding.options is malformed ({exc})") from None


def recorded_read_options(manifest: dict[str, Any]) -> ReadOptions:
    """How the manifest's input was read (delimiter, header, keys, image size, ...)."""
    recorded = manifest_io.field(manifest, "input").get("read_options") or {}
    modality = manifest_io.field(manifest, "encoding", "modality")
    try:
        return ReadOptions.from_recorded(recorded, str(modality))
    except (AttributeError, TypeError, ValueError, IndexError) as exc:
        raise ManifestError(f"manifest field input.read_options is malformed ({exc})") from None
