"""The sharded split of an input that cannot be read in chunks: it is read and encoded whole
(``X``, ``n × d``, small beside the method's ``n × k`` state), then split in shards by the
very rules of the streamed path (:func:`~benchmake_cli.pipeline.sharded.split_stream`), so
the same numbers give the same test rows whether streamed or read whole. Its data is written
as the whole mode writes it (folders: lists of files, sequences: their own format)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..method.split import ProgressCallback
from .engines import open_engine
from .plan import Plan
from .sharded import split_stream
from .spill import work_folder
from .stream import spill_prepared
from .whole import Prepared, SplitResult, check_files_mode, read_warnings

if TYPE_CHECKING:
    from ..request import SplitRequest


def split_read_in_shards(
    request: SplitRequest,
    plan: Plan,
    prepared: Prepared,
    progress: ProgressCallback | None = None,
) -> SplitResult:
    """Split the input of ``plan``, already read and encoded, in shards of about
    ``plan.shard_rows`` rows (spill files beside the output folder, when there is one)."""
    table = prepared.table
    check_files_mode(request.output.files, table.format, table.path.name)
    execution = request.execution
    with (
        open_engine(execution.jobs, execution.scheduler) as engine,
        work_folder(request.output.out) as work,
    ):
        stream = spill_prepared(table, prepared.encoded, Path(work), read_warnings(prepared))
        report = progress or (lambda stage, done, total: None)
        return split_stream(request, plan, stream, engine, Path(work), report, prepared)
