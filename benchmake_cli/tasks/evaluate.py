"""``evaluate``: how different a split's test set is from its training set, and how hard it
is for a model, beside random splits of the same size and any other split supplied.

The seven statistics of :mod:`benchmake_cli.analysis.statistics` are computed on the min-max scaled
encoded features; the baseline model is the k-nearest-neighbours model of
:mod:`benchmake_cli.analysis.baseline` on the same features. See ``docs/statistics.md``.

>>> from benchmake_cli.formats import ReadOptions
>>> from benchmake_cli.encode import EncodeOptions
>>> import tempfile, pathlib
>>> f = pathlib.Path(tempfile.mkdtemp()) / "test.txt"
>>> _ = f.write_text("".join(f"{i}\\n" for i in range(0, 300, 5)))
>>> result = evaluate_file("sample_data/alloys.csv", f,
...     encode_options=EncodeOptions(target="hardness_hv", id_columns=("alloy_id",)),
...     settings=EvaluateSettings(random_splits=3))
>>> result.split.n_test, len(result.randoms), result.task
(60, 3, 'regression')
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from ..analysis.baseline import REGRESSION, SharedKnn, infer_task
from ..analysis.metrics import DEFAULT_METRIC
from ..analysis.selection import SelectionDiagnostics
from ..analysis.statistics import (
    SplitComparer,
    random_split_indices,
)
from ..bundle.card import read_card_header
from ..bundle.indices import positions_of, read_row_numbers
from ..bundle.locate import locate_data
from ..bundle.manifest import open_manifest
from ..bundle.write import input_digest, sha256_file
from ..encode import EncodeOptions, target_values
from ..encode.label_like import LABELS_TARGET, class_labels
from ..errors import PARAMETER, ParameterError
from ..formats import ReadOptions
from ..method.scale import minmax_scale
from ..pipeline.whole import Prepared, prepare
from ..request import suggest_keywords
from .evaluation import (  # noqa: F401 - re-exported: the evaluation API
    METRIC_HIGHER_IS_HARDER,
    MODEL_METRICS,
    NEAREST_ORIGIN,
    TASKS,
    EvaluateSettings,
    Evaluation,
    SplitEvaluation,
    mean_and_std,
)

ProgressCallback = Callable[[str, int, int], None]


def parse_compare(spec: str) -> tuple[str, Path]:
    """Split a ``--compare NAME=INDICES_FILE`` value.

    >>> parse_compare("published=splits/test_idx.txt")
    ('published', PosixPath('splits/test_idx.txt'))
    """
    name, sep, file = spec.partition("=")
    if not sep or not name.strip() or not file.strip():
        raise ParameterError(
            f"{PARAMETER} {spec!r}: expected NAME=INDICES_FILE, e.g. published=test_idx.txt",
            parameter="compare",
        )
    return name.strip(), Path(file.strip())


def _check_settings(settings: EvaluateSettings) -> None:
    checks = (
        ("--random", settings.random_splits, 0),
        ("--random-seed", settings.seed, 0),
        ("bins", settings.bins, 1),
        ("mmd_max_rows", settings.mmd_max_rows, 1),
        ("--k", settings.k, 1),
        ("--model-rows", settings.model_rows, 0),
    )
    for option, value, minimum in checks:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ParameterError(f"{option} {value!r}: must be an integer >= {minimum}")
    if settings.task is not None and settings.task not in TASKS:
        raise ParameterError(
            f"{PARAMETER} {settings.task!r}: must be one of {', '.join(TASKS)}", parameter="task"
        )


def evaluate_matrix(
    X: np.ndarray,
    test: np.ndarray,
    *,
    y: np.ndarray | None = None,
    compare: Sequence[tuple[str, np.ndarray]] = (),
    settings: EvaluateSettings | None = None,
    feature_names: list[str] | None = None,
    target: str | None = None,
    progress: ProgressCallback | None = None,
) -> Evaluation:
    """Evaluate the split of the encoded matrix ``X`` whose test rows are the positions
    ``test``, beside ``settings.random_splits`` random splits of the same size and each
    ``(name, positions)`` in ``compare``; with a target ``y``, also score the kNN baseline."""
    settings = settings or EvaluateSettings()
    _check_settings(settings)
    report = progress or (lambda stage, done, total: None)
    timer = time.perf_counter()
    X = np.asarray(X, dtype=np.float64)
    features = minmax_scale(X)
    diagnostics = SelectionDiagnostics(features, X)
    named, n_random = _named_splits(diagnostics, test, compare, settings)
    evaluations = _compare_splits(features, diagnostics, named, settings, report)
    seconds = {"statistics": time.perf_counter() - timer}
    task, inferred = None, False
    if y is not None:
        started = time.perf_counter()
        task, inferred = _score_model(features, y, evaluations, settings, target, report)
        seconds["model"] = time.perf_counter() - started
    seconds["total"] = time.perf_counter() - timer
    return Evaluation(
        features=features,
        feature_names=feature_names or [str(j) for j in range(X.shape[1])],
        input_rows=np.arange(X.shape[0]),
        settings=settings,
        split=evaluations[0],
        randoms=evaluations[1 : 1 + n_random],
        compares=evaluations[1 + n_random :],
        target=target,
        task=task,
        task_inferred=inferred,
        seconds=seconds,
    )


def _named_splits(
    diagnostics: SelectionDiagnostics,
    test: np.ndarray,
    compare: Sequence[tuple[str, np.ndarray]],
    settings: EvaluateSettings,
) -> tuple[list[tuple[str, np.ndarray]], int]:
    """The test sets to compare, in report order: the split, the random splits, the
    nearest-origin selection (when asked) and ``compare``; and the number of random ones."""
    n = diagnostics.n
    test = np.sort(np.asarray(test, dtype=np.int64))
    random_tests = (
        random_split_indices(n, test.size, settings.random_splits, settings.seed)
        if settings.random_splits
        else []
    )
    named = [("split", test)]
    named += [(f"random {i + 1}", rows) for i, rows in enumerate(random_tests)]
    if settings.nearest_origin:
        named.append((NEAREST_ORIGIN, diagnostics.nearest_origin(test.size)))
    named += [(name, np.sort(np.asarray(rows, dtype=np.int64))) for name, rows in compare]
    return named, len(random_tests)


def _compare_splits(
    features: np.ndarray,
    diagnostics: SelectionDiagnostics,
    named: list[tuple[str, np.ndarray]],
    settings: EvaluateSettings,
    report: ProgressCallback,
) -> list[SplitEvaluation]:
    """The seven statistics and the selection diagnostics of each named test set."""
    comparer = SplitComparer(
        features, bins=settings.bins, mmd_max_rows=settings.mmd_max_rows, seed=settings.seed
    )
    evaluations = []
    for done, (name, rows) in enumerate(named):
        report("statistics", done, len(named))
        evaluation = SplitEvaluation(name, rows, comparer.compare(rows))
        evaluation.selection = diagnostics.measure(rows)
        evaluations.append(evaluation)
    report("statistics", len(named), len(named))
    return evaluations


def _score_model(
    features: np.ndarray,
    y: np.ndarray,
    evaluations: list[SplitEvaluation],
    settings: EvaluateSettings,
    target: str | None,
    report: ProgressCallback,
) -> tuple[str, bool]:
    """Score the kNN baseline on each split's test rows (one shared neighbour search); the
    task and whether it was inferred."""
    n = features.shape[0]
    task, inferred = _task_for(y, settings.task, target)
    largest = max(e.n_test for e in evaluations)
    if settings.k > n - largest:
        raise ParameterError(
            f"--k {settings.k}: exceeds the training rows of the largest test set ({n - largest})"
        )
    report("model", 0, len(evaluations) + 1)
    model = SharedKnn(features, y, task=task, k=settings.k, pool=model_pool(n, settings))
    for done, evaluation in enumerate(evaluations, start=1):
        report("model", done, len(evaluations) + 1)
        evaluation.model, evaluation.model_rows = model.score(evaluation.test)
    report("model", len(evaluations) + 1, len(evaluations) + 1)
    return task, inferred


def _task_for(y: np.ndarray, task: str | None, target: str | None) -> tuple[str, bool]:
    """The task (given or inferred) and whether it was inferred."""
    numeric = np.asarray(y).dtype.kind in "biuf"
    if task == REGRESSION and not numeric:
        raise ParameterError(
            f"--task regression: target {target!r} is not numeric; use --task classification"
        )
    if task is not None:
        return task, False
    return infer_task(y), True


def model_pool(n: int, settings: EvaluateSettings) -> np.ndarray:
    """The rows the model may be scored on: a seeded sample of ``settings.model_rows`` of the
    ``n`` rows (every row when ``n`` is not larger, or when ``model_rows`` is 0). Each split
    is scored on its test rows within this pool, so all splits share one neighbour search."""
    if settings.model_rows == 0 or n <= settings.model_rows:
        return np.arange(n)
    rng = np.random.default_rng(settings.seed)
    return np.sort(rng.choice(n, size=settings.model_rows, replace=False))


def evaluate_prepared(
    prepared: Prepared,
    test_file: Path,
    *,
    target: str | None = None,
    compare: Sequence[str] = (),
    settings: EvaluateSettings | None = None,
    progress: ProgressCallback | None = None,
) -> Evaluation:
    """Evaluate the split of a read and encoded input whose test rows (input row numbers)
    are listed in ``test_file``; ``compare`` holds ``NAME=INDICES_FILE`` values."""
    encoded = prepared.encoded
    input_rows = prepared.table.n_rows

    def positions(path: Path) -> np.ndarray:
        return positions_of(read_row_numbers(path), encoded.rows, input_rows, path)

    compares: list[tuple[str, np.ndarray]] = []
    for spec in compare:
        name, path = parse_compare(spec)
        if name in ("split", NEAREST_ORIGIN) or any(name == other for other, _ in compares):
            raise ParameterError(
                f"{PARAMETER} {spec!r}: the name {name!r} is already used", parameter="compare"
            )
        compares.append((name, positions(path)))
    test = positions(test_file)
    y = None
    labels = class_labels(prepared.table, encoded.rows)
    if labels is not None and prepared.table.frame is None and target in (None, LABELS_TARGET):
        target, y = LABELS_TARGET, labels  # class sub-folders or --target-key: the target
    elif target is not None:
        if target in encoded.columns_used:
            raise ParameterError(
                f"{PARAMETER} {target!r}: is one of the features the split was computed on; "
                "the model would see its own target",
                parameter="target",
            )
        y = target_values(prepared.table, target, encoded.rows)
    evaluation = evaluate_matrix(
        encoded.X,
        test,
        y=y,
        compare=compares,
        settings=settings,
        feature_names=encoded.feature_names,
        target=target,
        progress=progress,
    )
    evaluation.input_rows = encoded.rows
    evaluation.data = prepared.table.path
    evaluation.criterion = DEFAULT_METRIC.get(evaluation.task or "")
    evaluation.set_apart(encoded.X, encoded.modality, y)
    return evaluation


@suggest_keywords
def evaluate_file(
    data: str | Path,
    test_indices: str | Path,
    *,
    read_options: ReadOptions | None = None,
    encode_options: EncodeOptions | None = None,
    compare: Sequence[str] = (),
    settings: EvaluateSettings | None = None,
    progress: ProgressCallback | None = None,
) -> Evaluation:
    """Evaluate the split of ``data`` whose test rows are listed in ``test_indices``, reading
    and encoding ``data`` as ``split`` would; the target (if any) is the model's target.

    Parameters
    ----------
    data : str or Path
        The data file or folder.
    test_indices : str or Path
        Its test rows: 0-based row numbers, one per line.
    read_options, encode_options : ReadOptions, EncodeOptions, optional
        How to read and encode ``data`` (see :func:`benchmake_cli.request.reading`, which
        makes both from ``split_file``'s reading keywords).
    compare : sequence of str
        Other splits to show beside it, ``NAME=INDICES_FILE`` each.
    settings : EvaluateSettings, optional
        Random splits, seeds and the baseline model's settings.
    progress : callable, optional
        ``progress(stage, done, total)``, called as the evaluation advances.

    Returns
    -------
    Evaluation
        The statistics, the baseline model's scores and the selection diagnostics.
    """
    encode_options = encode_options or EncodeOptions()
    timer = time.perf_counter()
    prepared = prepare(data, read_options, encode_options)
    read_seconds = time.perf_counter() - timer
    evaluation = evaluate_prepared(
        prepared,
        Path(test_indices),
        target=encode_options.target,
        compare=compare,
        settings=settings,
        progress=progress,
    )
    evaluation.seconds = {"read": read_seconds, **evaluation.seconds}
    evaluation.notes = prepared.table.notes + evaluation.notes
    return evaluation


def evaluate_manifest(
    path: str | Path,
    *,
    data: str | Path | None = None,
    target: str | None = None,
    compare: Sequence[str] = (),
    settings: EvaluateSettings | None = None,
    progress: ProgressCallback | None = None,
) -> Evaluation:
    """Evaluate the split a manifest describes: its data (``data`` or the recorded input),
    read and encoded as recorded, with the test rows of its recorded test index file. The model's
    target is ``target`` or else the recorded target column."""
    manifest = open_manifest(path)
    data_path = locate_data(manifest, data).require()
    encode_options = manifest.encode_options()
    timer = time.perf_counter()
    if progress is not None:
        progress("load", 0, 1)
    prepared = prepare(data_path, manifest.read_options(), encode_options)
    if progress is not None:
        progress("load", 1, 1)
    read_seconds = time.perf_counter() - timer
    notes = []
    if data_path.exists() and input_digest(data_path)[1] != manifest.input.sha256:
        notes.append(
            f"{data_path.name}: bytes differ from the manifest's input; "
            "run benchmake verify to check that it holds the same rows"
        )
    test_file = manifest.indices_path("test")
    recorded_sha = manifest.split.test_indices_sha256
    if test_file.is_file() and recorded_sha and sha256_file(test_file) != recorded_sha:
        notes.append(f"{test_file.name}: changed since the split (its SHA-256 differs)")
    evaluation = evaluate_prepared(
        prepared,
        test_file,
        target=target if target is not None else encode_options.target,
        compare=compare,
        settings=settings,
        progress=progress,
    )
    evaluation.manifest = manifest.file
    card = read_card_header(manifest.folder) or {}
    if card.get("metric") and card.get("manifest_sha256") == sha256_file(manifest.file):
        evaluation.criterion = str(card["metric"])
    evaluation.notes = notes + evaluation.notes
    evaluation.seconds = {"read": read_seconds, **evaluation.seconds}
    return evaluation


def hardest(values: dict[str, float], higher_is_harder: bool) -> str | None:
    """The key of the hardest value (first on ties), or None when there is none.

    >>> hardest({"split": 0.01, "random": 0.5}, higher_is_harder=False)
    'split'
    """
    finite = {key: v for key, v in values.items() if v is not None and math.isfinite(v)}
    if not finite:
        return None
    pick = max if higher_is_harder else min
    return pick(finite, key=lambda key: finite[key])
