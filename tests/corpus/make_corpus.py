"""Write the bad-input corpus into a folder, with ``cases.json`` describing each case.

python tests/corpus/make_corpus.py /tmp/corpus
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script from anywhere

from tests.corpus import build


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python tests/corpus/make_corpus.py FOLDER", file=sys.stderr)
        return 2
    corpus = build(Path(argv[0]))
    cases = {
        "refused": [asdict(case) for case in corpus.refused],
        "accepted": [asdict(case) for case in corpus.accepted],
    }
    (corpus.root / "cases.json").write_text(json.dumps(cases, indent=2) + "\n")
    print(
        f"{corpus.root}: {len(corpus.refused)} malformed inputs for "
        f"{len(corpus.readers)} readers, {len(corpus.accepted)} awkward valid inputs"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
