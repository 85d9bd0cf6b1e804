"""Text for a terminal: control characters (escape codes) written as \\x1b, not obeyed,
and lone surrogates (bytes that were not UTF-8) written as \\udcff, not a crash."""
from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_CONTROL_OR_BREAK = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def shown(text: str, one_line: bool = False) -> str:
    """`text` with its control characters escaped; with `one_line`, tabs and line
    breaks too, so that a message stays one line."""
    pattern = _CONTROL_OR_BREAK if one_line else _CONTROL
    return pattern.sub(lambda m: m.group().encode("unicode_escape").decode(), text)
