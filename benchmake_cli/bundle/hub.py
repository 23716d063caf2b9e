"""The card's front matter that makes a bundle a Hugging Face dataset repository.

The Hub and ``datasets.load_dataset(folder)`` read ``README.md``'s YAML front matter:
``configs`` names each split's files explicitly, so no other file beside them (a
``test_predictions.csv``, ``manifest.json``) joins a split by its name; ``dataset_info``
gives each split's ``num_examples``, which ``datasets`` checks on load. What a split is made
of depends on the input:

- CSV, TSV and Parquet: the split's own data files;
- an image folder split with ``--copy``: ``train/**`` and ``test/**``, the ``imagefolder``
  layout whose class folders become labels;
- anything else (arrays, sequences, graphs, listed files): ``train_indices.txt`` and
  ``test_indices.txt``, one input row number per line, which the ``text`` builder reads.

The YAML is written by hand (JSON strings are YAML scalars), so no YAML library is needed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import names

SIDES = ("train", "test")
TABLE_FORMATS = {"csv": ",", "tsv": "\t", "parquet": None}


@dataclass(frozen=True)
class Publication:
    """What a publisher states about the data set beyond the split: its licence (an SPDX or
    Hub identifier such as ``cc-by-4.0``) and how to cite it."""

    license: str | None = None
    citation: str | None = None

    def to_header(self) -> dict[str, str]:
        return {key: value for key, value in vars(self).items() if value}

    @classmethod
    def from_header(cls, header: dict[str, Any]) -> Publication:
        return cls(**{key: str(header[key]) for key in ("license", "citation") if header.get(key)})


def split_files(manifest: dict[str, Any]) -> dict[str, list[str]]:
    """The files (or ``side/**`` patterns) each split loads from, as listed in ``files``."""
    recorded = manifest.get("files") or {}
    fmt = str(manifest["input"].get("format"))
    split = manifest["split"]
    if fmt in TABLE_FORMATS:
        tables = {
            side: [n for n in sorted(recorded) if "/" not in n and Path(n).stem == side]
            for side in SIDES
        }
        if all(len(names) == 1 for names in tables.values()):
            return tables
    if fmt == "image-folder" and split.get("files") == "copy":
        return {side: [f"{side}/**"] for side in SIDES}
    return {
        side: [str(split.get(names.indices_key(side), names.indices_file(side)))] for side in SIDES
    }


def _bytes_of(manifest: dict[str, Any], patterns: list[str]) -> int:
    recorded = manifest.get("files") or {}
    total = 0
    for pattern in patterns:
        if pattern.endswith("/**"):
            prefix = pattern[:-2]
            total += sum(
                int(e.get("bytes", 0)) for n, e in recorded.items() if n.startswith(prefix)
            )
        else:
            total += int((recorded.get(pattern) or {}).get("bytes", 0))
    return total


def _builder_options(manifest: dict[str, Any], files: dict[str, list[str]]) -> list[str]:
    """The ``csv`` builder's options where the split's tables are not plain CSV."""
    read = manifest["input"].get("read_options") or {}
    first = files["train"][0]
    if Path(first).suffix.lower() not in (".csv", ".tsv"):
        return []
    sep = read.get("sep") or TABLE_FORMATS.get(str(manifest["input"].get("format"))) or ","
    lines = [] if sep == "," else [f"sep: {_scalar(sep)}"]
    if read.get("header", True) is False:
        lines.append("header: null")
    return lines


def front_matter(manifest: dict[str, Any], publication: Publication) -> str:
    """The YAML front matter of the card, ``---`` lines included."""
    files = split_files(manifest)
    split = manifest["split"]
    lines = ["---", f"pretty_name: {_scalar(Path(manifest['input']['name']).stem + ' benchmark')}"]
    if publication.license:
        lines.append(f"license: {_scalar(publication.license)}")
    lines += ["tags:", "- benchmake", "- benchmark", "configs:", "- config_name: default"]
    lines += [f"  {line}" for line in _builder_options(manifest, files)]
    lines.append("  data_files:")
    for side in SIDES:
        lines.append(f"  - split: {side}")
        lines.append(
            f"    path: {_scalar(files[side][0] if len(files[side]) == 1 else files[side])}"
        )
    lines += ["dataset_info:", "  config_name: default", "  splits:"]
    for side in SIDES:
        lines.append(f"  - name: {side}")
        lines.append(f"    num_bytes: {_bytes_of(manifest, files[side])}")
        lines.append(f"    num_examples: {int(split[f'n_{side}'])}")
    lines.append("---")
    return "\n".join(lines)


def citation_lines(publication: Publication) -> list[str]:
    """The card's citation section: the publisher's citation, when given, then the method's."""
    lines = ["## Citation", ""]
    if publication.citation:
        lines += ["```", publication.citation.strip(), "```", "", "The split's method:", ""]
    lines.append(
        "A. S. Barnard, *BenchMake: Turn any scientific data set into a reproducible "
        "benchmark*, arXiv:2506.23419 (2025)."
    )
    return lines


def strip_front_matter(text: str) -> str:
    """``text`` without a leading ``---`` ... ``---`` block.

    >>> strip_front_matter("---\\na: 1\\n---\\n# Title\\n")
    '# Title\\n'
    """
    if not text.startswith("---\n"):
        return text
    end = text.find("\n---\n", 3)
    return text if end < 0 else text[end + len("\n---\n") :]


def _scalar(value: Any) -> str:
    """A YAML scalar or flow sequence: JSON's quoting, which YAML reads the same way."""
    return json.dumps(value, ensure_ascii=False)
