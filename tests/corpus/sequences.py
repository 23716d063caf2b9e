"""Malformed SMILES, FASTA and text-line files."""

from __future__ import annotations

from pathlib import Path

from .cases import BAD_DATA, Refused, write


def refused(root: Path) -> list[Refused]:
    smiles = "".join(
        f"{s}\tmol{i}\n"
        for i, s in enumerate(
            ["CCO", "c1ccccc1", "CC(=O)O", "N#N", "CCN", "O=C=O", "CCCl", "C1CC1"]
        )
    )
    fasta = ">p1\nMKTAYIAK\n>p2\nMKLLVAAG\n>p3\nMSTNPKPQ\n>p4\nMAAGGKLL\n"
    cases = [
        (
            "SMILES with a junk line",
            "smiles",
            "junk.smi",
            smiles + "<html><body>404 Not Found</body></html>\n",
            (),
            "junk.smi: line 9: '<html><body>404' is not a SMILES string ('<' is not a SMILES",
        ),
        (
            "CSV named .smi",
            "smiles",
            "table.smi",
            "smiles,label\nCCO,1\nCCN,0\nc1ccccc1,1\n",
            (),
            "table.smi: line 1: 'smiles,label' is not a SMILES string",
        ),
        (
            "SMILES with non-UTF-8 bytes",
            "smiles",
            "latin1.smi",
            (smiles + "CC\xe9\n").encode("latin-1"),
            (),
            "latin1.smi: line 9: byte 0xe9 is not valid UTF-8",
        ),
        (
            "SMILES comments only",
            "smiles",
            "comments.smi",
            "# a header comment\n\n# another\n",
            (),
            "comments.smi: holds no SMILES lines",
        ),
        (
            "FASTA with a junk line",
            "fasta",
            "junk.fasta",
            fasta[:26] + "1 mktayiak 9\n" + fasta[26:],
            (),
            "junk.fasta: line 5: '1 mktayiak 9' holds '1', not a residue letter",
        ),
        (
            "FASTA with data before the first header",
            "fasta",
            "headless.fasta",
            "MKTAYIAK\n" + fasta,
            (),
            "headless.fasta: line 1: sequence data before the first '>' header",
        ),
        (
            "FASTA record without a sequence",
            "fasta",
            "no_sequence.fasta",
            fasta + ">p5\n",
            (),
            "no_sequence.fasta: line 9: record 'p5' has no sequence",
        ),
        (
            "FASTA header without a name",
            "fasta",
            "no_name.fasta",
            fasta + ">\nMKT\n",
            (),
            "no_name.fasta: line 9: header '>' without a name",
        ),
        (
            "text lines that are binary",
            "text",
            "binary.txt",
            b"MKT\x00\x01\x02AAG\n" * 10,
            ("--type", "sequence"),
            "binary.txt: is a binary file",
        ),
        (
            "text lines, blank only",
            "text",
            "blank.txt",
            "\n   \n\n",
            ("--type", "sequence"),
            "blank.txt: holds no sequences",
        ),
    ]
    return [
        Refused(name, reader, write(root, file, content), args, BAD_DATA, message)
        for name, reader, file, content, args, message in cases
    ]
