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
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from ..bundle.indices import read_row_numbers
from ..bundle.locate import locate_data
from ..bundle.manifest import SCHEMA, Manifest, open_manifest
from ..bundle.names import indices_key
from ..bundle.write import sha256_file
from ..errors import BenchmakeError, ManifestError, MissingExtraError, OutputError, SchedulerError
from ..method.margins import describe as margin_phrase
from ..method.registry import Method, blas_description, method_of_record
from ..method.split import ProgressCallback, SplitParameters
from ..pipeline.plan import InputSource, make_plan
from ..pipeline.run import SplitResult, run
from ..request import Output, SplitRequest
from .bundle_check import VerifyReport, check_bundle, check_files, check_recorded_values, few
from .exact_text import check_exact_text
from .publish import drop_columns
from .published import NOT_QUOTED, check_listing_names, check_published
from .record_diff import ABSENT, differences
from .sides import (
    hidden_targets,
    rebuild_input,
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
    manifest = open_manifest(path)
    check_recorded_values(manifest)
    report = VerifyReport(manifest.file)
    try:
        method = method_of_record(manifest.method.record())
    except ManifestError as exc:
        raise ManifestError(f"{manifest.file}: {exc}") from None
    params = method.parameters_from_record(manifest.method.parameters)
    report.add("manifest", True, f"{SCHEMA}, method {method.name} v{method.version}")

    location = locate_data(manifest, data)
    report.data_looked_for = Path(location.shown)
    if location.given:
        location.require()  # --data names a file that must be there
    if bundle_only or location.path is None:
        _without_data(report, manifest, location.shown, bundle_only, (method, params), progress)
        return report
    data_path = location.require()
    source = InputSource(data_path)  # its bytes are read and hashed once
    bytes_match = _check_bytes(report, source, manifest)
    execution = {"device": "cpu", "threads": threads, "jobs": jobs, "scheduler": scheduler}
    with tempfile.TemporaryDirectory(prefix=".benchmake-verify-") as work:
        try:
            listed = manifest.input_format().copies_files  # listings name files: always written
            output = Output(out=Path(work) / "split" if bytes_match or listed else None)
            request = SplitRequest.from_manifest(manifest, data_path, output=output, **execution)
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
            check_files(report, manifest, None)
            check_published(report, manifest)
            return report
    expected = Manifest.reread(fresh.manifest)  # as it reads back from JSON
    _check_content(report, manifest, expected, bytes_match)
    _check_split(report, manifest, method, params, fresh, bytes_match)
    report.margins = _margins(manifest, expected)
    _check_record(report, manifest, expected, bytes_match)
    if not bytes_match and listed:
        check_listing_names(report, manifest, expected)
    if not bytes_match:
        check_exact_text(report, manifest, data_path, str(expected.field("input", "format")))
    check_files(report, manifest, expected if bytes_match else None)
    recompute = bytes_match and report.checks_passed
    check_published(report, manifest, data_path if recompute else None, fresh.prepared)
    return report


def _without_data(
    report: VerifyReport,
    manifest: Manifest,
    looked_for: str,
    bundle_only: bool,
    method_and_params: tuple[Method, SplitParameters],
    progress: ProgressCallback | None,
) -> None:
    """The bundle check, then, unless ``bundle_only``, the split recomputed from the rows
    the bundle's own split files hold."""
    report.data_checked = False
    report.data_note = (
        f"data not checked (--bundle-only): pass --data PATH, or leave out --bundle-only "
        f"to check {looked_for}"
        if bundle_only
        else f"data not checked: {looked_for} not found; pass --data PATH "
        "to check the data and recompute the split"
    )
    check_bundle(report, manifest)
    if not bundle_only and report.checks_passed:
        _recompute_from_bundle(report, manifest, method_and_params, progress)


def _recompute_from_bundle(
    report: VerifyReport,
    manifest: Manifest,
    method_and_params: tuple[Method, SplitParameters],
    progress: ProgressCallback | None,
) -> None:
    """Without the data: split again the rows the bundle's own split files hold (tables,
    sequences, arrays written as arrays), so that the test set is shown to be the method's
    choice; the original file's bytes stay unchecked."""
    with tempfile.TemporaryDirectory(prefix=".benchmake-verify-") as work:
        try:
            rebuilt = rebuild_input(manifest, Path(work))
            if rebuilt is None:
                return
            request = SplitRequest.from_manifest(manifest, rebuilt, device="cpu")
            request = dataclasses.replace(
                request,
                read=side_read_options(manifest),
                encode=split_encode_options(manifest),
            )
            fresh = run(request, plan=make_plan(request, InputSource(rebuilt)), progress=progress)
        except BenchmakeError as exc:
            report.add("content", False, f"cannot split the bundle's rows as recorded: {exc}")
            return
    expected = Manifest.reread(fresh.manifest)
    _check_content(report, manifest, expected, bytes_match=False)
    _check_split(report, manifest, *method_and_params, fresh, bytes_match=False)
    _check_record(report, manifest, expected, bytes_match=False, rebuilt=True)
    names = " and ".join(manifest.side_file(side) for side in ("train", "test"))
    report.data_note = (
        f"split recomputed from the bundle's {fresh.n_train + fresh.n_test} rows ({names}); "
        f"the original file's bytes were not checked: {report.data_note.split(': ', 1)[-1]}"
    )


def _hide_as_published(fresh: dict[str, Any], folder: Path, manifest: Manifest) -> None:
    """A public copy's test file lacks the columns it hid: so must the fresh one it is
    compared with."""
    hidden = hidden_targets(manifest)
    if not hidden:
        return
    name = manifest.side_file("test")
    drop_columns(folder / name, hidden, manifest)
    Manifest(fresh).record_file(name, sha256_file(folder / name), (folder / name).stat().st_size)


def _check_bytes(report: VerifyReport, source: InputSource, manifest: Manifest) -> bool:
    data_path = source.path
    if not data_path.exists():
        report.add("data", False, f"{data_path}: no such file or folder")
        return False
    size, digest = source.digest()
    recorded = manifest.input
    if digest == recorded.sha256:
        report.add("data", True, f"{data_path.name}: SHA-256 matches ({digest[:12]}…)")
        return True
    report.add(
        "data",
        True,
        f"{data_path.name}: bytes differ from {recorded.name!r} "
        f"({size} bytes, SHA-256 {digest[:12]}… vs {str(recorded.sha256)[:12]}…); "
        "checking content",
    )
    return False


def _check_content(
    report: VerifyReport, manifest: Manifest, expected: Manifest, bytes_match: bool
) -> None:
    recorded, fresh = manifest.encoding, expected.encoding
    if fresh.content_sha256 == recorded.content_sha256:
        how = "" if bytes_match else " (same rows by content, in another order or encoding)"
        report.add("content", True, f"{fresh.n} rows × {fresh.d} features match{how}")
        return
    report.add(
        "content",
        False,
        f"encoded rows differ: found {fresh.n} rows × {fresh.d} features, "
        f"recorded {recorded.n} × {recorded.d}",
    )


def _check_split(
    report: VerifyReport,
    manifest: Manifest,
    method: Method,
    params: SplitParameters,
    fresh: SplitResult,
    bytes_match: bool,
) -> None:
    recorded_split = manifest.split
    described = f"recomputed with {method.describe(params)}"
    sharding = manifest.method.shard_rows()
    if sharding is not None:
        described += f", shard_rows={sharding[1]}"
    if Manifest(fresh.manifest).split.test_content_sha256 != recorded_split.test_content_sha256:
        detail = f"{described}: {fresh.n_test} test rows"
        if recorded_split.n_test != fresh.n_test:
            detail += f", manifest records {recorded_split.n_test}"
        report.add(
            "split",
            False,
            detail + "; the test set's content differs" + _blas_note(manifest, method),
        )
        return
    if not bytes_match:
        report.add("split", True, f"recomputed test set ({fresh.n_test} rows) matches by content")
        return
    listed = [("test", False, fresh.test), ("train", False, fresh.train)]
    if recorded_split.has_reference_indices:  # the method's own files (extra_indices)
        extra = fresh.extra_indices()
        listed += [
            (side, True, extra.get(indices_key(side, reference=True), np.empty(0, np.int64)))
            for side in ("test", "train")
        ]
    for side, reference, rows in listed:
        indices_file = manifest.folder / recorded_split.indices_file(side, reference=reference)
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
    names = " and ".join(
        recorded_split.indices_file(side, reference=reference) for side, reference, _ in listed
    )
    report.add(
        "split",
        True,
        f"recomputed split ({fresh.n_test} test, {fresh.n_train} train rows) equals {names}",
    )


def _check_record(
    report: VerifyReport,
    manifest: Manifest,
    expected: Manifest,
    bytes_match: bool,
    rebuilt: bool = False,
) -> None:
    """Every field ``verify`` vouches for must be what the fresh split records. Row numbers
    and the input's container are compared only when the data's bytes are the recorded ones
    (reordered rows and another format legitimately change them). Rows ``rebuilt`` from the
    bundle lack those dropped while encoding, so the input's row count is not compared."""
    split_fields = ["n_train", "n_test"]  # test_content_sha256: the split check
    if bytes_match:
        split_fields += ["test_indices", "train_indices", "files"]
        split_fields += ["reference_test_indices", "reference_train_indices"]
    compared: list[tuple[str, list[str] | None]] = [
        ("method", ["name", "version", "parameters"]),
        ("encoding", None),  # every field but content_sha256, which the content check compares
        ("split", split_fields),
    ]
    if bytes_match:
        compared.append(("input", ["format", "read_options", "details"]))
    skipped = set() if bytes_match else {"dropped_rows"}
    if rebuilt:
        skipped.add("input_rows")
    if hidden_targets(manifest):  # the split never reads targets; a public copy hides them
        skipped |= {"carried_sha256", "carried_columns", "options"}
    differing: list[str] = []
    for section, keys in compared:
        recorded, fresh = manifest.record(section), expected.record(section)
        for key in sorted(keys or (set(recorded) | set(fresh)) - {"content_sha256"}):
            if section == "encoding" and key in skipped:
                continue
            old, new = recorded.get(key, ABSENT), fresh.get(key, ABSENT)
            differing += differences(old, new, f"{section}.{key}", quote=bytes_match)
    if differing:
        report.add("record", False, "; ".join(differing))
    else:
        report.add("record", True, "every recorded method, encoding and split field matches")


def _read_indices(path: Path) -> np.ndarray | None:
    try:
        return read_row_numbers(path)
    except BenchmakeError:
        return None


def _margins(manifest: Manifest, expected: Manifest) -> str:
    """The decision margins recorded in the manifest and those of the recomputation."""
    recorded = manifest.info.decision_margins
    fresh = expected.info.decision_margins
    if recorded is None and fresh is None:
        return ""
    line = f"decision margins (recorded): {margin_phrase(recorded)}"
    return line if fresh == recorded else f"{line}; recomputed here: {margin_phrase(fresh)}"


def _blas_note(manifest: Manifest, method: Method) -> str:
    """For a BLAS-dependent method: say so when the split was made with another BLAS."""
    recorded = manifest.info.blas
    if not method.cpu_only or recorded is None:
        return ""
    here = blas_description()
    if recorded == here:
        return ""
    return (
        f" (split made with BLAS {recorded}, this machine has {here}: --method {method.name} "
        "is exact only on the same BLAS build and CPU)"
    )
