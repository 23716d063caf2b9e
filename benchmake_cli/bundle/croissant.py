"""``croissant.json``: MLCommons Croissant 1.1 metadata of a split bundle.

One ``cr:FileObject`` per file of the bundle (``manifest.json`` and every file the manifest
lists), each with its SHA-256, which mlcroissant checks on read. A record set ``splits`` of
type ``cr:Split`` names the two splits (``cr:TrainingSplit``, ``cr:TestSplit``), and two
record sets, ``train`` and ``test``, hold the rows, each with a ``split`` field that
references it. For a CSV, TSV or Parquet split with a header, a record set has one field per
column of ``train.*`` / ``test.*``; for every other format it has one field, ``row``: the
original 0-based row numbers, one per line of ``train_indices.txt`` / ``test_indices.txt``.
The test record set carries the criterion and the example implementation's scores as
annotations. Provenance follows PROV-O: the data set ``prov:wasDerivedFrom`` the input file
(name, bytes, SHA-256) and ``prov:wasGeneratedBy`` benchmake's split, with the method, its
version and every parameter. A pure function of the manifest, its SHA-256, the card's
scores and the split files (only read for their column types).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from . import manifest as manifest_io
from . import names
from .card import CardScores, number
from .hub import Publication

CONFORMS_TO = "http://mlcommons.org/croissant/1.1"
SPLITS = {"train": "cr:TrainingSplit", "test": "cr:TestSplit"}
CONTEXT: dict[str, Any] = {
    "annotation": "cr:annotation",
    "prov": "http://www.w3.org/ns/prov#",
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
    source = fields[0]["source"]["fileObject"]["@id"]  # type: ignore[index]
    fields.append(
        {
            "@type": "cr:Field",
            "@id": f"{side}/split",
            "name": "split",
            "description": f"The split this record belongs to: {side}.",
            "dataType": "sc:Text",
            "references": {"field": {"@id": "splits/name"}},
            "source": {
                "fileObject": {"@id": source},
                "extract": {"fileProperty": "filename"},
                "transform": {"regex": "^(train|test)"},
            },
        }
    )
    return {
        "@type": "cr:RecordSet",
        "@id": side,
        "name": side,
        "description": description,
        "field": fields,
    }


def _splits_record_set() -> dict[str, Any]:
    """The ``cr:Split`` enumeration the train and test records reference."""
    fields = [
        {"@type": "cr:Field", "@id": f"splits/{name}", "name": name, "dataType": kind}
        for name, kind in (("name", "sc:Text"), ("url", "sc:URL"))
    ]
    return {
        "@type": "cr:RecordSet",
        "@id": "splits",
        "name": "splits",
        "description": "The splits of this benchmark.",
        "dataType": "cr:Split",
        "key": {"@id": "splits/name"},
        "field": fields,
        "data": [{"splits/name": side, "splits/url": url} for side, url in SPLITS.items()],
    }


def _annotations(scores: CardScores | None) -> list[dict[str, Any]]:
    """The criterion and the baseline's scores, as annotations of the test records."""
    if scores is None or scores.criterion is None:
        return []
    criterion, baseline = scores.criterion, scores.baseline
    direction = "higher" if criterion.higher_is_better else "lower"
    facts = [
        (
            "criterion",
            f"{criterion.metric} of the target {criterion.target!r} ({criterion.task}), "
            f"{direction} is better: {criterion.definition}",
        )
    ]
    if baseline is not None:
        facts.append(("baseline", f"{baseline.model}: {number(baseline.value)} on this split"))
        if baseline.random_values:
            facts.append(
                (
                    "random_baseline",
                    f"{number(baseline.random_mean)} ± {number(baseline.random_std)} "
                    f"over {len(baseline.random_values)} random splits of the same size "
                    f"(seed {baseline.random_seed})",
                )
            )
    return [
        {
            "@type": "cr:Field",
            "@id": f"test/{name}",
            "name": name,
            "description": text,
            "dataType": "sc:Text",
        }
        for name, text in facts
    ]


def _publication(publication: Publication | None) -> dict[str, Any]:
    """The licence and the data set's citation, when the publisher gave them."""
    if publication is None:
        return {}
    stated = {"license": publication.license, "citeAs": publication.citation}
    return {key: value for key, value in stated.items() if value}


def _provenance(manifest: dict[str, Any]) -> dict[str, Any]:
    """PROV-O: what the split was derived from and what generated it."""
    data, method, tool = manifest["input"], manifest["method"], manifest["tool"]
    parameters = [
        {"@type": "sc:PropertyValue", "name": key, "value": json.dumps(value, sort_keys=True)}
        for key, value in sorted((method.get("parameters") or {}).items())
    ]
    return {
        "prov:wasDerivedFrom": {
            "@id": f"urn:sha256:{data['sha256']}",
            "@type": "prov:Entity",
            "name": data["name"],
            "contentSize": f"{data['bytes']} B",
            "sha256": data["sha256"],
        },
        "prov:wasGeneratedBy": {
            "@type": "prov:Activity",
            "name": f"benchmake split, method {method['name']} version {method['version']}",
            "prov:wasAssociatedWith": {
                "@type": "prov:SoftwareAgent",
                "name": tool.get("name", "benchmake-cli"),
                "version": str(tool.get("version")),
            },
            "additionalProperty": parameters,
        },
    }


def croissant_metadata(
    manifest: dict[str, Any],
    manifest_sha256: str,
    folder: Path,
    scores: CardScores | None = None,
    publication: Publication | None = None,
) -> dict[str, Any]:
    """The Croissant 1.1 JSON-LD of the bundle in ``folder`` described by ``manifest``."""
    data, split, method = manifest["input"], manifest["split"], manifest["method"]
    criterion = scores.criterion if scores is not None else None
    criterion_text = (
        f" Criterion: {criterion.metric} of the target {criterion.target!r}; see README.md."
        if criterion is not None
        else ""
    )
    distribution = [
        _file_object(
            manifest_io.FILE_NAME,
            manifest_sha256,
            (folder / manifest_io.FILE_NAME).stat().st_size,
            "benchmake manifest: the data's hashes, the method's parameters, every file's hash.",
        )
    ]
    for name in sorted(manifest.get("files", {})):
        entry = manifest["files"][name]
        distribution.append(
            _file_object(name, entry["sha256"], entry.get("bytes"), f"Split file {name}.")
        )
    record_sets = [_record_set(side, folder, manifest) for side in ("train", "test")]
    notes = _annotations(scores)
    if notes:
        record_sets[1]["annotation"] = notes
    return {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": f"{Path(data['name']).stem}-benchmake-split",
        "description": (
            f"Train/test split of {data['name']} (SHA-256 {data['sha256']}) by "
            f"{method['name']} version {method['version']}: {split['n_train']} training and "
            f"{split['n_test']} test rows. manifest.json SHA-256 {manifest_sha256}.{criterion_text}"
        ),
        "url": f"urn:sha256:{manifest_sha256}",
        "version": "1.0.0",
        "citeAs": (
            "Barnard, A. S. BenchMake: Turn any scientific data set into a reproducible "
            "benchmark. arXiv:2506.23419 (2025)."
        ),
        **_publication(publication),
        **_provenance(manifest),
        "distribution": distribution,
        "recordSet": [_splits_record_set(), *record_sets],
    }
