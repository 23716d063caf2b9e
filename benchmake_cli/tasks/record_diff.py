"""The lines ``verify`` writes for recorded fields that differ from a fresh split's."""

from __future__ import annotations

import json
from typing import Any

#: what the manifest's fields mean, for the lines naming those that differ
FIELD_MEANINGS = {
    "encoding.carried_sha256": "the target, id or label values differ",
    "encoding.carried_columns": "other columns are carried along",
    "split.n_test": "the number of test rows",
    "split.n_train": "the number of training rows",
}

#: a field one side does not record
ABSENT = "(absent)"


def differences(recorded: Any, fresh: Any, name: str, quote: bool = True) -> list[str]:
    """One phrase per leaf field that differs, named by its dotted path (``quote``: show
    the recomputed value, which comes from the data)."""
    if isinstance(recorded, dict) and isinstance(fresh, dict):
        return [
            line
            for key in sorted(set(recorded) | set(fresh))
            for line in differences(
                recorded.get(key, ABSENT), fresh.get(key, ABSENT), f"{name}.{key}", quote
            )
        ]
    if recorded == fresh:
        return []
    meaning = f" ({FIELD_MEANINGS[name]})" if name in FIELD_MEANINGS else ""
    found = short(fresh) if quote or isinstance(fresh, (int, float)) else "another value"
    return [f"{name} recorded {short(recorded)}, recomputed {found}{meaning}"]


def short(value: Any, limit: int = 60) -> str:
    """A value as it reads in JSON, cut to ``limit`` characters (a SHA-256 to 12 digits)."""
    if value is ABSENT:
        return value
    if isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value):
        return value[:12] + "…"
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 1] + "…"
