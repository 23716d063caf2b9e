"""The benchmark card's numbers: the criterion and the example implementation's scores.

``split`` calls :func:`write_card_at_split` once the manifest is in the staging folder, so
``BENCHMARK.md`` and ``croissant.json`` appear with the split, atomically. The baseline is
computed there only for inputs of at most :data:`CARD_MAX_CELLS` encoded values (n × d);
above that, and for sharded splits, the card says so and ``benchmake card MANIFEST``
(:func:`card_for_manifest`) computes it. Without a target there is no criterion.

The example implementation is the kNN model of :mod:`benchmake_cli.analysis.baseline`
(k = 5, on the min-max scaled encoded features), scored on every test row of this split, and
on :data:`RANDOM_SPLITS` seeded random splits of the same size, each scored on its test rows
among a seeded pool of at most :data:`POOL_ROWS` rows (as ``evaluate`` does).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..analysis.apart import what_sets_apart
from ..analysis.baseline import CLASSIFICATION, SharedKnn, infer_task, predict_from, vote_fractions
from ..analysis.metrics import DEFAULT_METRIC, METRICS, Metric, compute
from ..bundle import names
from ..bundle.card import (
    Baseline,
    CardScores,
    Criterion,
    read_card_header,
    render_card,
    replace_text,
)
from ..bundle.croissant import croissant_metadata
from ..bundle.hub import Publication
from ..bundle.indices import positions_of, read_row_numbers
from ..bundle.locate import locate_data
from ..bundle.manifest import Manifest, dumps, open_manifest
from ..bundle.write import input_digest, sha256_file
from ..encode import target_values
from ..encode.label_like import LABELS_TARGET, class_labels
from ..errors import PARAMETER, DataError, ManifestError, ParameterError
from ..method.scale import minmax_scale
from ..method.split import ProgressCallback
from ..pipeline.whole import Prepared, prepare
from .bundle_check import check_recorded_values

CARD_MAX_CELLS = 2_000_000
"""Largest encoded input (n × d values) whose baseline ``split`` computes for the card."""
RANDOM_SPLITS = 20
SEED = 0
K = 5
POOL_ROWS = 5000
MODEL = (
    "k-nearest neighbours, k = 5, Euclidean distance on the min-max scaled encoded features; "
    "majority vote (ties to the smallest label; vote fractions as scores) or neighbour mean"
)


@dataclass
class CriterionData:
    """The target of a prepared input and its task, ready to score."""

    criterion: Criterion
    y: np.ndarray  #: per encoded row
    classes: np.ndarray | None  #: sorted labels of a classification target

    @property
    def metric(self) -> Metric:
        return METRICS[self.criterion.metric]


def label_text(value: Any) -> str:
    """A label as text: ``2.0`` → ``"2"``, ``"yes"`` → ``"yes"``."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def choose_metric(task: str, metric: str | None, target: str) -> Metric:
    """The metric ``metric`` (or the task's default), refused when it does not suit."""
    name = metric or DEFAULT_METRIC[task]
    if name not in METRICS:
        raise ParameterError(
            f"{PARAMETER} {name!r}: use one of {', '.join(METRICS)}", parameter="metric"
        )
    chosen = METRICS[name]
    if chosen.task != task:
        raise ParameterError(
            f"{PARAMETER} {name}: is a {chosen.task} metric; the target {target!r} is a {task} "
            f"target (use one of {', '.join(m for m in METRICS if METRICS[m].task == task)})",
            parameter="metric",
        )
    return chosen


def criterion_data(prepared: Prepared, metric: str | None = None) -> CriterionData | None:
    """The criterion of a prepared input: its target column (``--target``) or its labels
    (class folders, ``--target-key``); ``None`` when it has neither, or when its labels
    differ in every row (names, such as those of a ``.smi`` file, not classes)."""
    encoded, table = prepared.encoded, prepared.table
    target = prepared.encode_options.target
    if target is not None:
        y = target_values(table, target, encoded.rows)
    else:
        target, labels = LABELS_TARGET, class_labels(table, encoded.rows)
        if labels is None:
            return None
        y = labels
    task = infer_task(y)
    chosen = choose_metric(task, metric, target)
    classes = np.unique(y) if task == CLASSIFICATION else None
    criterion = Criterion(
        target=target,
        task=task,
        metric=chosen.name,
        label=chosen.label,
        higher_is_better=chosen.higher_is_better,
        definition=chosen.definition,
        classes=tuple(label_text(c) for c in classes) if classes is not None else (),
    )
    return CriterionData(criterion, y, classes)


def _predictions(data: CriterionData, neighbours: np.ndarray) -> np.ndarray:
    """The kNN predictions the metric takes: labels or values, or scores for ROC AUC."""
    if not data.metric.scores:
        return predict_from(data.y, neighbours, data.criterion.task)
    assert data.classes is not None
    fractions = vote_fractions(data.y, neighbours, data.classes)
    return fractions[:, 1] if data.classes.size == 2 else fractions


def metric_value(data: CriterionData, rows: np.ndarray, predicted: np.ndarray) -> float:
    """The criterion of ``predicted`` for the encoded rows ``rows``; a metric undefined on
    these rows (ROC AUC of a one-class test set) is refused."""
    try:
        return compute(data.metric.name, data.y[rows], predicted, data.classes)
    except ValueError as exc:
        raise ParameterError(
            f"{PARAMETER} {data.metric.name}: undefined on this test set ({exc})",
            parameter="metric",
        ) from None


def baseline_scores(
    prepared: Prepared,
    data: CriterionData,
    test: np.ndarray,
    random_splits: int = RANDOM_SPLITS,
    progress: ProgressCallback | None = None,
) -> Baseline:
    """The kNN baseline on the split with test positions ``test`` (encoded rows), and on
    the random splits of the same size."""
    from ..analysis.sampling import random_split_indices

    n = prepared.encoded.n
    if n - test.size < K:
        raise ParameterError(f"the baseline needs at least {K} training rows")
    X = minmax_scale(np.asarray(prepared.encoded.X, dtype=np.float64))
    task = data.criterion.task
    scored, neighbours = SharedKnn(X, data.y, task=task, k=K, pool=test).neighbours(test)
    value = metric_value(data, scored, _predictions(data, neighbours))
    if random_splits == 0:
        return Baseline(MODEL, value)
    pool = np.arange(n)
    if n > POOL_ROWS:
        pool = np.sort(np.random.default_rng(SEED).choice(n, size=POOL_ROWS, replace=False))
    shared = SharedKnn(X, data.y, task=task, k=K, pool=pool)
    randoms = []
    report = progress or (lambda stage, done, total: None)
    for done, rows in enumerate(random_split_indices(n, test.size, random_splits, SEED)):
        report("model", done, random_splits)
        scored, neighbours = shared.neighbours(rows)
        try:
            randoms.append(metric_value(data, scored, _predictions(data, neighbours)))
        except ParameterError:
            continue  # e.g. ROC AUC of a random test set holding one class
    report("model", random_splits, random_splits)
    return Baseline(MODEL, value, tuple(randoms), SEED, int(pool.size))


def card_scores(
    prepared: Prepared | None,
    test_rows: np.ndarray,
    metric: str | None = None,
    *,
    max_cells: int | None = CARD_MAX_CELLS,
    target: str | None = None,
    test_file: str = names.TEST_INDICES,
    progress: ProgressCallback | None = None,
) -> CardScores:
    """The criterion and baseline of a split whose test rows (input row numbers, listed in
    ``test_file``) are ``test_rows``; the baseline only when the input has at most
    ``max_cells`` values. Without ``prepared`` (a sharded split, never read whole) only the
    recorded ``target``."""
    if prepared is None:
        return CardScores(
            notes=(
                "This split was computed in shards from a large table, never read whole; "
                "`benchmake card manifest.json --data DATA` computes the baseline.",
            ),
            pending_target=target,
        )
    data = criterion_data(prepared, metric)
    scores = _scores_of(prepared, data, test_rows, max_cells, test_file, progress)
    return replace(scores, apart=_apart_lines(prepared, data, test_rows, test_file))


def _apart_lines(
    prepared: Prepared, data: CriterionData | None, test_rows: np.ndarray, test_file: str
) -> tuple[str, ...]:
    """What sets the test set apart, in words, for the card."""
    encoded = prepared.encoded
    test = positions_of(test_rows, encoded.rows, prepared.table.n_rows, test_file)
    X = np.asarray(encoded.X, dtype=np.float64)
    classification = data is not None and data.criterion.task == CLASSIFICATION
    apart = what_sets_apart(
        X,
        minmax_scale(X),
        test,
        encoded.feature_names,
        encoded.modality,
        data.y if data is not None else None,
        classification=classification,
    )
    return tuple(apart.lines())


def _scores_of(
    prepared: Prepared,
    data: CriterionData | None,
    test_rows: np.ndarray,
    max_cells: int | None,
    test_file: str,
    progress: ProgressCallback | None,
) -> CardScores:
    """The criterion and the baseline, or why there is none."""
    if data is None:
        return CardScores()
    encoded = prepared.encoded
    if max_cells is not None and encoded.n * encoded.d > max_cells:
        return CardScores(
            data.criterion,
            notes=(
                f"Baseline not computed at split time: {encoded.n} × {encoded.d} encoded "
                f"values exceed {max_cells:,}.",
            ),
        )
    test = positions_of(test_rows, encoded.rows, prepared.table.n_rows, test_file)
    try:
        baseline = baseline_scores(prepared, data, test, progress=progress)
    except ParameterError as exc:
        return CardScores(data.criterion, notes=(f"No baseline: {exc}.",))
    return CardScores(data.criterion, baseline)


def write_card(
    folder: Path,
    manifest: Manifest,
    scores: CardScores,
    publication: Publication | None = None,
) -> list[Path]:
    """Write the card, ``README.md``, and ``croissant.json`` beside ``folder/manifest.json``
    (an older bundle's ``BENCHMARK.md`` is replaced by ``README.md``)."""
    manifest_sha = sha256_file(folder / names.MANIFEST)
    card = folder / names.CARD
    croissant = folder / names.CROISSANT
    replace_text(card, render_card(manifest.data, manifest_sha, scores, publication))
    (folder / names.LEGACY_CARD).unlink(missing_ok=True)
    metadata = croissant_metadata(manifest.data, manifest_sha, folder, scores, publication)
    replace_text(croissant, dumps(metadata))
    return [card, croissant]


def write_card_at_split(
    staging: Path, manifest: Manifest, prepared: Prepared | None, test_rows: np.ndarray
) -> None:
    """``split``'s hook: the card of the split just staged (default metric)."""
    target = manifest.encoding.target
    write_card(staging, manifest, card_scores(prepared, test_rows, target=target))


def card_for_manifest(
    path: str | Path,
    *,
    data: str | Path | None = None,
    metric: str | None = None,
    license: str | None = None,
    citation: str | None = None,
    progress: ProgressCallback | None = None,
) -> tuple[list[Path], CardScores]:
    """``benchmake card``: (re)write the card of an existing bundle, with the baseline
    computed whatever the input's size. The licence and citation stay what the card stated
    unless given."""
    report = progress or (lambda stage, done, total: None)
    report("load", 0, 1)
    manifest, prepared, test_rows = load_bundle(path, data)
    report("load", 1, 1)
    test_file = manifest.split.indices_file("test")
    scores = card_scores(
        prepared, test_rows, metric, max_cells=None, test_file=test_file, progress=progress
    )
    stated = Publication.from_header(read_card_header(manifest.folder) or {})
    publication = Publication(license or stated.license, citation or stated.citation)
    return write_card(manifest.folder, manifest, scores, publication), scores


def load_bundle(
    path: str | Path, data: str | Path | None = None
) -> tuple[Manifest, Prepared, np.ndarray]:
    """A bundle's manifest, its data read and encoded as recorded (refused when its bytes
    are not the recorded ones) and its test rows (refused when its recorded test index
    file changed)."""
    manifest = open_manifest(path)
    check_recorded_values(manifest)
    data_path = locate_data(manifest, data).require()
    if data_path.is_file() and input_digest(data_path)[1] != manifest.input.sha256:
        raise DataError(
            f"{data_path}: its bytes are not the manifest's input (SHA-256 differs); "
            "run benchmake verify, or pass the published data with --data"
        )
    test_file = manifest.indices_path("test")
    recorded_sha = manifest.split.test_indices_sha256
    if not test_file.is_file():
        raise ManifestError(f"{test_file}: missing; the bundle is incomplete")
    if sha256_file(test_file) != recorded_sha:
        raise ManifestError(f"{test_file}: changed since the split (its SHA-256 differs)")
    prepared = prepare(data_path, manifest.read_options(), manifest.encode_options())
    return manifest, prepared, read_row_numbers(test_file)


@dataclass(frozen=True)
class Benchmark:
    """A published split opened for ``score`` and ``evaluate --rank``: :func:`load_bundle`'s
    pieces, the criterion and the card's header when the card was written for this
    manifest."""

    manifest_path: Path
    manifest: Manifest
    manifest_sha256: str
    prepared: Prepared
    test_rows: np.ndarray  #: input row numbers, as in ``test_indices.txt``
    test: np.ndarray  #: their positions among the encoded rows
    criterion: CriterionData
    card: dict[str, Any]  #: the card's header, or ``{}`` when it belongs to another manifest


def open_benchmark(
    manifest: str | Path, data: str | Path | None, metric: str | None, *, without_target: str
) -> Benchmark:
    """:func:`load_bundle` with the criterion: ``metric``, else the card's. A split without a
    target is refused, saying what cannot be done (``without_target``)."""
    recorded, prepared, test_rows = load_bundle(manifest, data)
    manifest_path = recorded.file
    manifest_sha = sha256_file(manifest_path)
    header = read_card_header(manifest_path.parent) or {}
    card = header if header.get("manifest_sha256") == manifest_sha else {}
    criterion = criterion_data(prepared, metric or card.get("metric"))
    if criterion is None:
        raise ParameterError(
            f"{manifest_path}: no criterion: the split records no target, so {without_target}; "
            "split again with --target COLUMN"
        )
    encoded_rows = prepared.encoded.rows
    test_file = recorded.split.indices_file("test")
    test = positions_of(test_rows, encoded_rows, prepared.table.n_rows, test_file)
    return Benchmark(
        manifest_path, recorded, manifest_sha, prepared, test_rows, test, criterion, card
    )
