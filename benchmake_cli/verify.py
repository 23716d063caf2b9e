"""``verify``: prove that a manifest, its data and its split files agree.

Checks, in order: the manifest itself, the data's bytes (SHA-256), the data's content
(order-independent hash of the encoded rows), a fresh recomputation of the split from the
recorded parameters, and the SHA-256 of every file the split wrote. Each check gives one
line; the data's bytes may differ when its rows were only reordered or re-saved, and the
report says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import manifest as manifest_io
from .api import prepare, work_folder
from .encode import EncodeOptions
from .engines import open_engine
from .errors import BenchmakeError, ManifestError
from .indices import read_row_numbers
from .methods import DEFAULT_METHOD, Method, MethodSplit, blas_description, method_of_record
from .readers import ReadOptions
from .sharded import ShardedSplit, split_sharded
from .shards import MIN_SHARD_ROWS
from .split import ProgressCallback, SplitParameters
from .writers import input_digest, sha256_file


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

    A sharded split is recomputed in shards, on ``jobs`` local processes or on Dask."""
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
    recorded_parameters = manifest_io.field(manifest, "method", "parameters")
    params = method.parameters_from_record(recorded_parameters)
    sharding = recorded_parameters.get("sharding")
    if sharding is not None and method.name != DEFAULT_METHOD:
        raise ManifestError(
            f"{manifest_path}: method.parameters.sharding: only method {DEFAULT_METHOD} "
            f"splits in shards, not {method.name}"
        )
    report.add("manifest", True, f"{manifest_io.SCHEMA}, method {method.name} v{method.version}")

    data_path = locate_data(manifest_path, manifest, Path(data) if data is not None else None)
    recorded_input = manifest_io.field(manifest, "input")
    bytes_match = _check_bytes(report, data_path, recorded_input)

    read_options = recorded_read_options(manifest)
    encode_options = recorded_encode_options(manifest)
    recomputed: MethodSplit | ShardedSplit
    if sharding is not None:
        threshold, shard_rows = _sharding(sharding)
        engine = open_engine(jobs, scheduler)  # an unreachable scheduler fails here
    else:
        try:
            prepared = prepare(data_path, read_options, encode_options)
        except BenchmakeError as exc:
            report.add("content", False, f"cannot read the data as recorded: {exc}")
            _check_files(report, folder, manifest)
            return report
    try:
        if sharding is None:
            encoded = prepared.encoded
            recomputed = method.split(encoded, params, threads=threads, progress=progress)
            n, d, test_rows = encoded.n, encoded.d, encoded.rows[recomputed.test]
        else:
            with engine, work_folder(None) as work:
                recomputed = split_sharded(
                    data_path,
                    read_options,
                    encode_options,
                    params,
                    shard_rows=shard_rows,
                    threshold=threshold,
                    engine=engine,
                    work_dir=Path(work),
                    threads=threads,
                    progress=progress,
                )
            n, d, test_rows = recomputed.n, recomputed.d, recomputed.test
    except BenchmakeError as exc:
        report.add("content", False, f"cannot split the data as recorded: {exc}")
        _check_files(report, folder, manifest)
        return report
    content_ok = recomputed.content_sha256 == manifest_io.field(
        manifest, "encoding", "content_sha256"
    )
    recorded_n = manifest_io.field(manifest, "encoding", "n")
    if content_ok:
        how = "" if bytes_match else " (same rows by content, in another order or encoding)"
        report.add("content", True, f"{n} rows × {d} features match{how}")
    else:
        report.add(
            "content",
            False,
            f"encoded rows differ: found {n} rows × {d} features, "
            f"recorded {recorded_n} × {manifest_io.field(manifest, 'encoding', 'd')}",
        )
    _check_split(report, folder, manifest, method, params, test_rows, recomputed, bytes_match)
    _check_files(report, folder, manifest)
    return report


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


def _check_split(
    report: VerifyReport,
    folder: Path,
    manifest: dict[str, Any],
    method: Method,
    params: SplitParameters,
    test_rows: np.ndarray,
    recomputed: MethodSplit | ShardedSplit,
    bytes_match: bool,
) -> None:
    recorded_split = manifest_io.field(manifest, "split")
    described = f"recomputed with {method.describe(params)}"
    sharding = manifest_io.field(manifest, "method", "parameters").get("sharding")
    if sharding is not None:
        described += f", shard_rows={sharding.get('shard_rows')}"
    if recomputed.test_content_sha256 != recorded_split.get("test_content_sha256"):
        detail = f"{described}: {len(test_rows)} test rows"
        if recorded_split.get("n_test") != len(test_rows):
            detail += f", manifest records {recorded_split.get('n_test')}"
        report.add(
            "split",
            False,
            detail + "; the test set's content differs" + _blas_note(manifest, method),
        )
        return
    differing = _differing_parameters(
        manifest_io.field(manifest, "method", "parameters"), recomputed.parameters
    )
    if differing:
        report.add("split", False, f"{described}: method.parameters differ: {differing}")
        return
    if not bytes_match:
        report.add("split", True, f"recomputed test set ({len(test_rows)} rows) matches by content")
        return
    indices_file = folder / str(recorded_split.get("test_indices", "test_indices.txt"))
    recorded_rows = _read_indices(indices_file)
    if recorded_rows is None:
        report.add("split", False, f"{indices_file.name}: missing or not a list of row numbers")
        return
    if np.array_equal(recorded_rows, test_rows):
        reference_name = recorded_split.get("reference_test_indices")
        if reference_name is not None and not _same_indices(
            folder / str(reference_name), getattr(recomputed, "reference_test_positions", None)
        ):
            report.add(
                "split",
                False,
                f"{reference_name} differs from the reference positions of the recomputed split",
            )
            return
        report.add(
            "split", True, f"recomputed test set ({len(test_rows)} rows) equals {indices_file.name}"
        )
        return
    only_recorded = np.setdiff1d(recorded_rows, test_rows)
    only_now = np.setdiff1d(test_rows, recorded_rows)
    report.add(
        "split",
        False,
        f"{indices_file.name} differs from the recomputed split: rows "
        f"{_few(only_recorded)} only in the file, rows {_few(only_now)} only in the recomputation",
    )


def _check_files(report: VerifyReport, folder: Path, manifest: dict[str, Any]) -> None:
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
    if changed:
        report.add("files", False, "changed since the split: " + ", ".join(changed))
    else:
        report.add("files", True, f"{len(files)} files match their recorded SHA-256")


def _read_indices(path: Path) -> np.ndarray | None:
    try:
        return read_row_numbers(path)
    except BenchmakeError:
        return None


def _same_indices(path: Path, expected: np.ndarray | None) -> bool:
    recorded = _read_indices(path)
    return recorded is not None and expected is not None and np.array_equal(recorded, expected)


def _differing_parameters(recorded: dict[str, Any], recomputed: dict[str, Any]) -> str:
    """The parameters recorded differently from what the recomputation records, or ''."""
    keys = sorted(set(recorded) | set(recomputed))
    return ", ".join(
        f"{key} recorded {recorded.get(key)!r}, recomputed {recomputed.get(key)!r}"
        for key in keys
        if recorded.get(key) != recomputed.get(key)
    )


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


def _few(rows: np.ndarray, limit: int = 5) -> str:
    shown = ", ".join(str(int(r)) for r in rows[:limit])
    return (
        shown + (f", … ({len(rows)} in all)" if len(rows) > limit else "") if len(rows) else "none"
    )


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


def _sharding(record: Any) -> tuple[int, int]:
    """``(threshold, shard_rows)`` of a manifest's ``method.parameters.sharding``."""
    try:
        threshold, shard_rows = int(record["threshold_rows"]), int(record["shard_rows"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ManifestError(
            f"manifest field method.parameters.sharding is malformed ({exc})"
        ) from None
    if shard_rows < MIN_SHARD_ROWS:
        raise ManifestError(f"manifest field method.parameters.sharding.shard_rows {shard_rows}")
    return threshold, shard_rows
