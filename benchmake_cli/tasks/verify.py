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

import dataclasses
import json
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from ..bundle import manifest as manifest_io
from ..bundle.indices import read_row_numbers
from ..bundle.manifest import Manifest
from ..bundle.write import sha256_file
from ..errors import BenchmakeError, ManifestError, MissingExtraError, OutputError, SchedulerError
from ..method.margins import describe as margin_phrase
from ..method.registry import Method, blas_description, method_of_record
from ..method.split import ProgressCallback, SplitParameters
from ..pipeline.plan import InputSource, make_plan
from ..pipeline.run import SplitResult, run
from ..request import Output, SplitRequest
from .bundle_check import VerifyReport, check_bundle, check_files, few
from .exact_text import check_exact_text
from .publish import drop_columns
from .published import NOT_QUOTED, check_listing_names, check_published
from .sides import (
    hidden_targets,
    lists_files,
    rebuild_input,
    side_name,
    side_read_options,
    split_encode_options,
)

__all__ = ["VerifyReport", "verify_manifest"]


def verify_manifest(
    path: str | Path,
    *,
    data: str | Path | None = None,
    threads: int | None = None,
    progress: ProgressCallback | None = None,
    jobs: int = 1,
    scheduler: str | None = None,
    bundle_only: bool = False,
) -> VerifyReport:
    """Check a manifest against its data and split files; never raises for a mismatch.

    The split is done again exactly as the manifest records it (in shards, on ``jobs``
    local processes or on Dask, when it was sharded), and when the data's bytes are the
    recorded ones its files are written again into a temporary folder: every recorded field
    and file hash must be what that fresh split gives.

    When the data is not found, or with ``bundle_only``, only the bundle is checked
    (:mod:`.bundle_check`): the report's ``exit_code`` is then ``DATA_NOT_CHECKED`` when
    every check passed."""
    manifest_path, manifest = manifest_io.open_manifest(path)
    report = VerifyReport(manifest_path)
    folder = manifest_path.parent
    try:
        method = method_of_record(manifest_io.field(manifest, "method"))
    except ManifestError as exc:
        raise ManifestError(f"{manifest_path}: {exc}") from None
    params = method.parameters_from_record(manifest_io.field(manifest, "method", "parameters"))
    report.add("manifest", True, f"{manifest_io.SCHEMA}, method {method.name} v{method.version}")

    location = manifest_io.locate_data(manifest_path, manifest, data)
    report.data_looked_for = Path(location.shown)
    if location.given:
        location.require()  # --data names a file that must be there
    if bundle_only or location.path is None:
        report.data_checked = False
        report.data_note = (
            f"data not checked (--bundle-only): pass --data PATH, or leave out --bundle-only "
            f"to check {location.shown}"
            if bundle_only
            else f"data not checked: {location.shown} not found; pass --data PATH "
            "to check the data and recompute the split"
        )
        check_bundle(report, folder, manifest)
        if not bundle_only and report.checks_passed:
            _recompute_from_bundle(report, manifest_path, manifest, (method, params), progress)
        return report
    data_path = location.require()
    source = InputSource(data_path)  # its bytes are read and hashed once
    bytes_match = _check_bytes(report, source, manifest_io.field(manifest, "input"))
    execution = {"device": "cpu", "threads": threads, "jobs": jobs, "scheduler": scheduler}
    with tempfile.TemporaryDirectory(prefix=".benchmake-verify-") as work:
        try:
            listed = lists_files(manifest)  # the listings name files: written whatever the bytes
            output = Output(out=Path(work) / "split" if bytes_match or listed else None)
            request = SplitRequest.from_manifest(
                Manifest(manifest, manifest_path), data_path, output=output, **execution
            )
            fresh = run(request, plan=make_plan(request, source), progress=progress)
            if bytes_match:
                _hide_as_published(fresh.manifest, Path(work) / "split", manifest)
        except (SchedulerError, MissingExtraError, ManifestError):
            raise
        except OutputError as exc:
            raise OutputError(
                f"cannot write the fresh split into the temporary folder {work} (TMPDIR): {exc}"
            ) from None
        except BenchmakeError as exc:
            # data that is not the recorded bytes may be any file: quote none of its content
            why = str(exc) if bytes_match else NOT_QUOTED.format(type(exc).__name__)
            report.add("content", False, f"cannot split the data as recorded: {why}")
            check_files(report, folder, manifest, None)
            check_published(report, folder, manifest)
            return report
    expected = json.loads(manifest_io.dumps(fresh.manifest))  # as it reads back from JSON
    _check_content(report, manifest, expected, bytes_match)
    _check_split(report, folder, manifest, method, params, fresh, bytes_match)
    report.margins = _margins(manifest, expected)
    _check_record(report, manifest, expected, bytes_match)
    if not bytes_match and listed:
        check_listing_names(report, manifest, expected)
    if not bytes_match:
        check_exact_text(report, folder, manifest, data_path, str(expected["input"]["format"]))
    check_files(report, folder, manifest, expected if bytes_match else None)
    recompute = bytes_match and report.checks_passed
    check_published(report, folder, manifest, data_path if recompute else None)
    return report


def _recompute_from_bundle(
    report: VerifyReport,
    manifest_path: Path,
    manifest: dict[str, Any],
    method_and_params: tuple[Method, SplitParameters],
    progress: ProgressCallback | None,
) -> None:
    """Without the data: split again the rows the bundle's own split files hold (tables,
    sequences, arrays written as arrays), so that the test set is shown to be the method's
    choice; the original file's bytes stay unchecked."""
    folder = manifest_path.parent
    with tempfile.TemporaryDirectory(prefix=".benchmake-verify-") as work:
        try:
            rebuilt = rebuild_input(folder, manifest, Path(work))
            if rebuilt is None:
                return
            request = SplitRequest.from_manifest(
                Manifest(manifest, manifest_path), rebuilt, device="cpu"
            )
            request = dataclasses.replace(
                request,
                read=side_read_options(manifest),
                encode=split_encode_options(manifest),
            )
            fresh = run(request, plan=make_plan(request, InputSource(rebuilt)), progress=progress)
        except BenchmakeError as exc:
            report.add("content", False, f"cannot split the bundle's rows as recorded: {exc}")
            return
    expected = json.loads(manifest_io.dumps(fresh.manifest))
    _check_content(report, manifest, expected, bytes_match=False)
    _check_split(report, folder, manifest, *method_and_params, fresh, bytes_match=False)
    _check_record(report, manifest, expected, bytes_match=False, rebuilt=True)
    names = " and ".join(side_name(manifest, side) for side in ("train", "test"))
    report.data_note = (
        f"split recomputed from the bundle's {fresh.n_train + fresh.n_test} rows ({names}); "
        f"the original file's bytes were not checked: {report.data_note.split(': ', 1)[-1]}"
    )


def _hide_as_published(fresh: dict[str, Any], folder: Path, manifest: dict[str, Any]) -> None:
    """A public copy's test file lacks the columns it hid: so must the fresh one it is
    compared with."""
    hidden = hidden_targets(manifest)
    if not hidden:
        return
    name = side_name(manifest, "test")
    drop_columns(folder / name, hidden, manifest)
    fresh["files"][name] = {
        "bytes": (folder / name).stat().st_size,
        "sha256": sha256_file(folder / name),
    }


def _check_bytes(report: VerifyReport, source: InputSource, recorded: dict[str, Any]) -> bool:
    data_path = source.path
    if not data_path.exists():
        report.add("data", False, f"{data_path}: no such file or folder")
        return False
    size, digest = source.digest()
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
                f"{few(found)} only in {place}"
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
    report: VerifyReport,
    manifest: dict[str, Any],
    expected: dict[str, Any],
    bytes_match: bool,
    rebuilt: bool = False,
) -> None:
    """Every field ``verify`` vouches for must be what the fresh split records. Row numbers
    and the input's container are compared only when the data's bytes are the recorded ones
    (reordered rows and another format legitimately change them). Rows ``rebuilt`` from the
    bundle lack those dropped while encoding, so the input's row count is not compared."""
    compared = {
        "method": ["name", "version", "parameters"],
        "encoding": None,  # every field but content_sha256, which the content check compares
        "split": ["n_train", "n_test"],  # test_content_sha256: the split check
    }
    if bytes_match:
        compared["input"] = ["format", "read_options", "details"]
        compared["split"] += ["test_indices", "train_indices", "files"]
        compared["split"] += ["reference_test_indices", "reference_train_indices"]
    skipped = set() if bytes_match else {"dropped_rows"}
    if rebuilt:
        skipped.add("input_rows")
    if hidden_targets(manifest):  # the split never reads targets; a public copy hides them
        skipped |= {"carried_sha256", "carried_columns", "options"}
    differing: list[str] = []
    for section, keys in compared.items():
        recorded, fresh = manifest.get(section) or {}, expected.get(section) or {}
        for key in sorted(keys or (set(recorded) | set(fresh)) - {"content_sha256"}):
            if section == "encoding" and key in skipped:
                continue
            old, new = recorded.get(key, _ABSENT), fresh.get(key, _ABSENT)
            differing += _differences(old, new, f"{section}.{key}", quote=bytes_match)
    if differing:
        report.add("record", False, "; ".join(differing))
    else:
        report.add("record", True, "every recorded method, encoding and split field matches")


def _read_indices(path: Path) -> np.ndarray | None:
    try:
        return read_row_numbers(path)
    except BenchmakeError:
        return None


def _margins(manifest: dict[str, Any], expected: dict[str, Any]) -> str:
    """The decision margins recorded in the manifest and those of the recomputation."""
    recorded = (manifest.get("info") or {}).get("decision_margins")
    fresh = expected["info"].get("decision_margins")
    if recorded is None and fresh is None:
        return ""
    line = f"decision margins (recorded): {margin_phrase(recorded)}"
    return line if fresh == recorded else f"{line}; recomputed here: {margin_phrase(fresh)}"


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


def _differences(recorded: Any, fresh: Any, name: str, quote: bool = True) -> list[str]:
    """One phrase per leaf field that differs, named by its dotted path (``quote``: show
    the recomputed value, which comes from the data)."""
    if isinstance(recorded, dict) and isinstance(fresh, dict):
        return [
            line
            for key in sorted(set(recorded) | set(fresh))
            for line in _differences(
                recorded.get(key, _ABSENT), fresh.get(key, _ABSENT), f"{name}.{key}", quote
            )
        ]
    if recorded == fresh:
        return []
    meaning = f" ({FIELD_MEANINGS[name]})" if name in FIELD_MEANINGS else ""
    found = _short(fresh) if quote or isinstance(fresh, (int, float)) else "another value"
    return [f"{name} recorded {_short(recorded)}, recomputed {found}{meaning}"]


def _short(value: Any, limit: int = 60) -> str:
    """A value as it reads in JSON, cut to ``limit`` characters (a SHA-256 to 12 digits)."""
    if value is _ABSENT:
        return value
    if isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value):
        return value[:12] + "…"
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 1] + "…"
