"""The split task: run a :class:`~benchmake_cli.request.SplitRequest` through the pipeline
and write the benchmark card (``README.md``, ``croissant.json``) beside its manifest.

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "splits"
>>> result = split_file("sample_data/alloys.csv", frac=0.2, out=out, target="hardness_hv",
...                     id_columns=["alloy_id"])
>>> result.n_test, result.n_train, sorted(p.name for p in out.iterdir())[:3]
(60, 240, ['README.md', 'croissant.json', 'manifest.json'])
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..bundle.manifest import Manifest
from ..method.registry import DEFAULT_METHOD
from ..method.split import DEFAULT_SEED, DEFAULT_TOL, ProgressCallback
from ..pipeline.run import SplitResult, run
from ..request import SplitRequest, request_keywords, suggest_keywords
from .card import write_card_at_split


def split(request: SplitRequest, *, progress: ProgressCallback | None = None) -> SplitResult:
    """Split as ``request`` says; a written bundle also gets its benchmark card."""
    return run(request, progress=progress, beside=_write_card)


@suggest_keywords
def split_file(
    path: str | Path,
    *,
    frac: float,
    out: str | Path | None = None,
    target: str | None = None,
    features: str | Sequence[str] | None = None,
    id_columns: Sequence[str] = (),
    sep: str | None = None,
    header: bool | None = None,
    strict: bool = False,
    drop_missing: bool = False,
    type: str = "auto",
    key: str | Sequence[str] | None = None,
    target_key: str | Sequence[str] | None = None,
    image_size: str | tuple[int, int] | None = None,
    mode: str | None = None,
    sequence_col: str | None = None,
    tokens: str = "chars",
    kmer: int = 1,
    resample: int | None = None,
    method: str = DEFAULT_METHOD,
    iterations: int | None = None,
    tol: float = DEFAULT_TOL,
    seed: int = DEFAULT_SEED,
    device: str = "auto",
    threads: int | None = None,
    shard_rows: int | None = None,
    jobs: int = 1,
    scheduler: str | None = None,
    force: bool = False,
    files: str = "list",
    reference_indices: bool = False,
    progress: ProgressCallback | None = None,
) -> SplitResult:
    """Split a data file or folder and, when ``out`` is given, write the split and its
    manifest there.

    Every keyword is a field of :class:`~benchmake_cli.request.SplitRequest`'s groups,
    named as ``benchmake split``'s options are (``id_columns`` is ``--id-col``,
    ``header=False`` is ``--no-header``), and checked against the constraints of
    :data:`~benchmake_cli.request.PARAMETER_CONSTRAINTS` before any I/O: a value outside
    them is a :class:`~benchmake_cli.errors.ParameterError` (a :class:`ValueError`) naming
    the keyword; a misspelt keyword is a :class:`TypeError` naming the nearest one.

    Parameters
    ----------
    path : str or Path
        The data file or folder.
    frac : float
        Fraction of rows for the test set, 0 < frac < 1.
    out : str or Path, optional
        Folder to write the split into (created); ``None`` writes nothing.
    target : str, optional
        Target column: never a feature, carried into the split files.
    features : str or sequence of str, optional
        Feature columns (``"a,b"`` or a list); default: all but the target and ids.
    id_columns : sequence of str
        Columns kept in the outputs but not used to split.
    sep : str, optional
        Delimiter of a CSV/TSV (default: detected); ``"whitespace"`` for runs.
    header : bool, optional
        Whether a CSV has a header row (``False``: columns are 0, 1, ...); ``None``:
        detected from its first lines, as ``benchmake split`` does.
    strict : bool
        Refuse non-numeric feature columns rather than one-hot encode them.
    drop_missing : bool
        Drop rows with missing feature values rather than refuse them.
    type : str
        ``auto``, ``tabular``, ``image``, ``sequence``, ``signal`` or ``graph``.
    key, target_key : str or sequence of str, optional
        NPZ/HDF5 arrays of the data and of the labels (several are joined in order).
    image_size : str or (int, int), optional
        Resize every image, e.g. ``"64x64"``.
    mode : str, optional
        Image colour mode, ``L`` or ``RGB``.
    sequence_col : str, optional
        Column of a table holding sequences.
    tokens : str
        What a sequence is counted in: ``chars`` or ``smiles``.
    kmer : int
        Count overlapping runs of ``kmer`` tokens, at least 1.
    resample : int, optional
        Resample every signal to this many points, at least 2.
    method : str
        ``benchmake-cli`` (the default), ``benchmake-1.1.2`` (the reference's split,
        reproduced exactly) or ``benchmake-hull`` (archetypal analysis).
    iterations : int, optional
        Most iterations, 1 to 100000 (default: the method's own, 200 or 20).
    tol : float
        Stop early when 10 iterations lower the error by less than ``tol`` times its
        initial value, at least 0 (0: run every iteration).
    seed : int
        Seed of the NMF initialisation, 0 to 2**32 - 1.
    device : str
        ``auto``, ``cpu`` or ``gpu``: a speed choice only.
    threads : int, optional
        CPU threads, at least 1 (default: all available).
    shard_rows : int, optional
        Rows per shard (default: 5000-row shards above 20000 rows; 0: never shard).
    jobs : int
        Local worker processes for shards, at least 1.
    scheduler : str, optional
        Dask scheduler address to run shards on (default: ``DASK_SCHEDULER_ADDRESS``).
    force : bool
        Replace a non-empty ``out``.
    files : str
        A folder's files: ``list`` them, or also ``copy`` or ``link`` them into ``out``.
    reference_indices : bool
        Also write the positions in the reference's hash order (``benchmake-1.1.2``).
    progress : callable, optional
        ``progress(stage, done, total)``, called as the split advances.

    Returns
    -------
    SplitResult
        The train and test rows, the manifest, notes and timings.

    Notes
    -----
    With a method that can shard (the default), tables (CSV/TSV, Parquet; a
    ``sequence_col`` too), arrays of rank 1 or 2 (NPY, NPZ, HDF5) and sequence files (.smi,
    FASTA, text) of more than 20,000 rows are split in shards, read in chunks, on ``jobs`` local processes or on
    the Dask scheduler at ``scheduler``. Other inputs are read whole and split exactly; an
    explicit ``shard_rows`` that would shard them is refused.
    """
    keywords = {name: value for name, value in locals().items() if name in request_keywords()}
    return split(SplitRequest.from_options(path, **keywords), progress=progress)


def _write_card(folder: Path, manifest: dict[str, Any], result: SplitResult) -> None:
    write_card_at_split(folder, Manifest(manifest), result.prepared, result.test)
