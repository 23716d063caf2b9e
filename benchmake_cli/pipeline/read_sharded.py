"""The sharded split of an input that cannot be read in chunks: it is read and encoded whole
(``X``, ``n × d``, small beside the method's ``n × k`` state), then split in shards by the
very rules of the streamed path (:func:`~benchmake_cli.pipeline.sharded.split_stream`), so
the same numbers give the same test rows whether streamed or read whole. Its data is written
as the whole mode writes it (folders: lists of files, sequences: their own format)."""

from __future__ import annotations

import time
from pathlib import Path

from ..bundle.write import write_side
from ..method.split import ProgressCallback, SplitParameters
from .engines import open_engine
from .plan import Plan
from .sharded import split_stream
from .spill import work_folder
from .stream import spill_prepared
from .whole import Outcome, Prepared, check_files_mode


def split_read_in_shards(
    plan: Plan,
    prepared: Prepared,
    params: SplitParameters,
    *,
    files: str = "list",
    device: str = "cpu",
    threads: int | None = None,
    jobs: int = 1,
    scheduler: str | None = None,
    near: Path | None = None,
    progress: ProgressCallback | None = None,
    read_seconds: float = 0.0,
) -> Outcome:
    """Split the input of ``plan``, already read and encoded, in shards of about
    ``plan.shard_rows`` rows (spill files beside ``near``, the output folder, when given)."""
    table, encoded = prepared.table, prepared.encoded
    check_files_mode(files, table.format, table.path.name)
    started = time.perf_counter()
    with open_engine(jobs, scheduler) as engine, work_folder(near) as work:
        stream = spill_prepared(table, encoded, Path(work))
        sharded = split_stream(
            stream,
            table.path.name,
            params,
            shard_rows=plan.shard_rows,
            threshold=plan.threshold,
            engine=engine,
            work_dir=Path(work),
            device=device,
            threads=threads,
            progress=progress or (lambda stage, done, total: None),
            method=plan.method,
            read_seconds=read_seconds + time.perf_counter() - started,
        )
        described = engine.describe()
    train, test = sharded.train, sharded.test
    encoding = sharded.encoding()
    if encoded.parameters:
        encoding["parameters"] = encoded.parameters
    return Outcome(
        train=train,
        test=test,
        input_format={
            "format": table.format,
            "read_options": table.read_options,
            **({"details": table.info} if table.info else {}),
        },
        encoding=encoding,
        parameters=sharded.parameters,
        test_content_sha256=sharded.test_content_sha256,
        info={
            "device": sharded.device,
            **described,
            "decision_margins": sharded.margins.to_dict(),
        },
        write_data=lambda folder: [
            *write_side(table, train, folder, "train", files),
            *write_side(table, test, folder, "test", files),
        ],
        read_seconds=read_seconds,
        notes=([sharded.device_reason] if device == "auto" else []) + sharded.margins.warnings(),
        prepared=prepared,
    )
