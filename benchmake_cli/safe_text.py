"""User-controlled text made safe to print: control characters escaped, length bounded.

File names, cells and column names reach error lines and reports; a terminal must never
receive their escape codes raw, and one line must stay one readable line.
"""

from __future__ import annotations

import re

#: the longest line a message may take, in characters (cut in the middle with an ellipsis)
MESSAGE_LIMIT = 300
#: the longest user value quoted inside a message
VALUE_LIMIT = 60

_CONTROL = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)


def escape(text: str) -> str:
    """Control characters (and bidirectional overrides) as ``\\xNN``/``\\uNNNN`` escapes.

    >>> escape("a\\x1b[2Jb\\nc")
    'a\\\\x1b[2Jb\\\\nc'
    """

    def one(match: re.Match[str]) -> str:
        char = match.group()
        named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
        if char in named:
            return named[char]
        code = ord(char)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _CONTROL.sub(one, text)


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, its middle replaced by ``…``.

    >>> shorten("abcdefghij", 7)
    'abc…hij'
    """
    if len(text) <= limit:
        return text
    head = (limit - 1) // 2 + (limit - 1) % 2
    tail = limit - 1 - head
    return text[:head] + "…" + (text[-tail:] if tail else "")


def value(text: object, limit: int = VALUE_LIMIT) -> str:
    """A user value (cell, name) as a message quotes it: escaped, at most ``limit`` chars.

    >>> value("x" * 100, 9)
    'xxxx…xxxx'
    """
    return shorten(escape(str(text)), limit)


def quoted(text: object, limit: int = VALUE_LIMIT) -> str:
    """:func:`value` in single quotes, as messages quote cells and names.

    >>> print(quoted("a" + chr(9) + "b"))
    'a\\tb'
    """
    return f"'{value(text, limit)}'"


def message(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """A whole message line: escaped, at most ``limit`` characters."""
    return shorten(escape(text), limit)
