"""Golden splits of sample_data/: the published numbers of the default method never drift.

If a change to the method is intended, it needs a new method version (and a new golden),
because every manifest written by an earlier version must still verify.
"""

from __future__ import annotations

import hashlib

import pytest

from benchmake_cli import split_file

from .conftest import SAMPLE

ALLOYS_TEST_0_2 = [
    14, 17, 18, 25, 30, 33, 38, 42, 48, 51, 57, 62, 69, 78, 80, 82, 89, 95, 99, 103,
    105, 106, 108, 117, 118, 122, 131, 138, 141, 144, 154, 156, 158, 160, 163, 165, 168,
    171, 179, 181, 191, 197, 204, 222, 223, 226, 228, 232, 237, 241, 242, 246, 251, 254,
    258, 259, 283, 285, 288, 291,
]  # fmt: skip
ALLOYS_TEST_INDICES_SHA256 = "1679471a193a52e20363dc3dd2078e09771bfbd8643a459037d50ef9f01783d4"


@pytest.mark.parametrize("name", ["alloys.csv", "alloys.parquet"])
def test_golden_split_of_the_sample_alloys(name: str) -> None:
    result = split_file(
        SAMPLE / name, frac=0.2, target="hardness_hv", id_columns=["alloy_id"], threads=1
    )
    assert result.test.tolist() == ALLOYS_TEST_0_2
    text = "".join(f"{i}\n" for i in result.test)
    assert hashlib.sha256(text.encode()).hexdigest() == ALLOYS_TEST_INDICES_SHA256
