"""The bad-input corpus: malformed inputs for every reader, and tricky inputs that are valid.

Each :class:`Refused` case is a file or folder that ``benchmake split`` must refuse with one
line on stderr naming the file (and the row or column where there is one), a documented
exit code, no traceback and nothing written to ``--out``. Each :class:`Accepted` case is an
awkward but valid input (a byte-order mark, CRLF line ends, quoted delimiters, values near
±1e308, ...) that must give exactly the split of its clean twin.

One module per group of readers (:mod:`.tables`, :mod:`.arrays`, :mod:`.folders`,
:mod:`.sequences`) and one for the valid inputs and unusable output folders
(:mod:`.awkward`). ``python tests/corpus/make_corpus.py FOLDER`` writes the files (and
``cases.json``) to look at; the tests (``tests/test_corpus.py``) build it in a temporary
folder.
"""

from __future__ import annotations

from pathlib import Path

from . import arrays, awkward, folders, sequences, tables
from .cases import TRAP_FILE, Accepted, Corpus, Refused

__all__ = ["TRAP_FILE", "Accepted", "Corpus", "Refused", "build"]


def build(root: Path) -> Corpus:
    """Write the corpus into the (empty or new) folder ``root`` and describe its cases."""
    root.mkdir(parents=True, exist_ok=True)
    refused = [
        case for group in (tables, arrays, folders, sequences) for case in group.refused(root)
    ] + awkward.refused_outputs(root)
    names = [case.name for case in refused]
    assert len(names) == len(set(names)), "case names must be unique"
    return Corpus(root, refused, awkward.accepted(root))
