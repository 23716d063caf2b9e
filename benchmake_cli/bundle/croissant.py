"""``croissant.json``: MLCommons Croissant 1.0 metadata of a split bundle.

One ``cr:FileObject`` per file of the bundle (``manifest.json`` and every file the manifest
lists), each with its SHA-256, and two record sets, ``train`` and ``test``. For a CSV, TSV or
Parquet split with a header, a record set has one field per column of ``train.*`` /
``test.*``; for every other format it has one field, ``row``: the original 0-based row
numbers, one per line of ``train_indices.txt`` / ``test_indices.txt``. A pure function of the
manifest, its SHA-256 and the split files (only read for their column types).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from . import names
from .manifest import Manifest

CONFORMS_TO = "http://mlcommons.org/croissant/1.0"
CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}
ENCODINGS = {
    ".csv": "text/csv",
    ".tsv": "text/tab-separated-values",
    ".parquet": "application/x-parquet",
    ".json": "application/json",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
}
TABLE_SEPARATORS = {".csv": ",", ".tsv": "\t"}


def _encoding(name: str) -> str:
    default = "text/plain" if name.endswith(".txt") else "application/octet-stream"
    return ENCODINGS.get(Path(name).suffix.lower(), default)


def _file_object(name: str, sha256: str, size: int | None, description: str) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "@type": "cr:FileObject",
        "@id": name,
        "name": name,
        "description": description,
        "contentUrl": name,
        "encodingFormat": _encoding(name),
        "sha256": sha256,
    }
    if size is not None:
        entry["contentSize"] = f"{size} B"
    return entry


def _data_type(dtype: Any) -> str:
    kind = getattr(dtype, "kind", "O")
    if kind == "b":
        return "sc:Boolean"
    if kind in "iu":
        return "sc:Integer"
    if kind == "f":
        return "sc:Float"
    return "sc:Text"


def _arrow_type(arrow_type: pa.DataType) -> str:
    if pa.types.is_boolean(arrow_type):
        return "sc:Boolean"
    if pa.types.is_integer(arrow_type):
        return "sc:Integer"
    if pa.types.is_floating(arrow_type):
        return "sc:Float"
    return "sc:Text"


def table_columns(path: Path, manifest: dict[str, Any]) -> list[tuple[str, str]] | None:
    """``(column, Croissant data type)`` of a split table that Croissant readers parse as the
    split wrote it (a header, a comma or a tab), else ``None``."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        schema = pq.read_schema(path)
        return [(field.name, _arrow_type(field.type)) for field in schema]
    if suffix not in TABLE_SEPARATORS:
        return None
    read = manifest.get("input", {}).get("read_options", {})
    if not read.get("header", True) or read.get("sep", ",") != TABLE_SEPARATORS[suffix]:
        return None
    frame = pd.read_csv(path, sep=TABLE_SEPARATORS[suffix])
    return [(str(column), _data_type(frame[column].dtype)) for column in frame.columns]


def _field_id(side: str, column: str) -> str:
    return f"{side}/{re.sub(r'[^A-Za-z0-9_.-]', '_', column)}"


def _record_set(side: str, folder: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    files = manifest.get("files", {})
    tables = [name for name in sorted(files) if Path(name).stem == side and "/" not in name]
    columns = table_columns(folder / tables[0], manifest) if len(tables) == 1 else None
    if columns is not None:
        fields = [
            {
                "@type": "cr:Field",
                "@id": _field_id(side, column),
                "name": column,
                "dataType": data_type,
                "source": {"fileObject": {"@id": tables[0]}, "extract": {"column": column}},
            }
            for column, data_type in columns
        ]
        description = f"The {side} rows of the data, as in {tables[0]}."
    else:
        fields = [
            {
                "@type": "cr:Field",
                "@id": f"{side}/row",
                "name": "row",
                "description": "Original 0-based row number of the input.",
                "dataType": "sc:Integer",
                "source": {
                    "fileObject": {"@id": names.indices_file(side)},
                    "extract": {"fileProperty": "lines"},
                },
            }
        ]
        description = (
            f"The {side} rows, by original 0-based row number ({names.indices_file(side)})."
        )
    return {
        "@type": "cr:RecordSet",
        "@id": side,
        "name": side,
        "description": description,
        "field": fields,
    }


def croissant_metadata(
    record: Manifest, manifest_sha256: str, folder: Path, metric: str | None = None
) -> dict[str, Any]:
    """The Croissant 1.0 JSON-LD of the bundle in ``folder`` described by ``record``."""
    manifest = record.data
    data, split, method = manifest["input"], manifest["split"], manifest["method"]
    target = manifest.get("encoding", {}).get("options", {}).get("target")
    criterion = (
        f" Criterion: {metric} of the target {target!r}; see BENCHMARK.md." if metric else ""
    )
    distribution = [
        _file_object(
            names.MANIFEST,
            manifest_sha256,
            (folder / names.MANIFEST).stat().st_size,
            "benchmake manifest: the data's hashes, the method's parameters, every file's hash.",
        )
    ]
    for name in sorted(manifest.get("files", {})):
        entry = manifest["files"][name]
        distribution.append(
            _file_object(name, entry["sha256"], entry.get("bytes"), f"Split file {name}.")
        )
    return {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": f"{Path(data['name']).stem}-benchmake-split",
        "description": (
            f"Train/test split of {data['name']} (SHA-256 {data['sha256']}) by "
            f"{method['name']} version {method['version']}: {split['n_train']} training and "
            f"{split['n_test']} test rows. manifest.json SHA-256 {manifest_sha256}.{criterion}"
        ),
        "url": f"urn:sha256:{manifest_sha256}",
        "version": "1.0.0",
        "citeAs": (
            "Barnard, A. S. BenchMake: Turn any scientific data set into a reproducible "
            "benchmark. arXiv:2506.23419 (2025)."
        ),
        "distribution": distribution,
        "recordSet": [_record_set(side, folder, manifest) for side in ("train", "test")],
    }
