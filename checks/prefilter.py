"""Cheap pre-checks for regular expressions: the literal strings a match must
contain. A pattern whose required strings are absent from the text cannot match,
so the engine skips it without running the regex (most of a check's time).

requirements(pattern) returns a list of sets: every set must have one of its
strings in the text. An empty list means "no cheap test; run the regex".
"""
from __future__ import annotations

import re
from functools import lru_cache

try:  # the parser is internal to `re`; without it we simply never skip
    from re import _constants as C, _parser as parser
except ImportError:  # pragma: no cover
    parser = None

MIN_LITERAL = 2  # a single letter is in nearly every text: not worth testing


def _sequence(items) -> list[frozenset[str]]:
    needs: list[frozenset[str]] = []
    run: list[str] = []

    def flush():
        if len(run) >= MIN_LITERAL:
            needs.append(frozenset(["".join(run)]))
        run.clear()

    for op, av in items:
        if op is C.LITERAL:
            run.append(chr(av))
            continue
        flush()
        if op is C.SUBPATTERN:
            needs.extend(_sequence(av[3]))
        elif op is C.ATOMIC_GROUP:
            needs.extend(_sequence(av))
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT) and av[0] >= 1:
            needs.extend(_sequence(av[2]))
        elif op is C.BRANCH:
            choice: set[str] = set()
            for alternative in av[1]:
                alt = _sequence(alternative)
                if not alt:
                    break  # this alternative needs nothing: neither does the branch
                choice |= min(alt, key=lambda s: (len(s), -min(map(len, s))))
            else:
                needs.append(frozenset(choice))
        # anything else (classes, anchors, lookarounds, optional parts) requires nothing
    flush()
    return needs


@lru_cache(maxsize=None)
def requirements(pattern: re.Pattern) -> tuple[frozenset[str], ...]:
    if parser is None or pattern.flags & re.IGNORECASE:
        return ()
    try:
        return tuple(_sequence(parser.parse(pattern.pattern, pattern.flags)))
    except Exception:  # an unexpected parse shape: no shortcut, still correct
        return ()


def may_match(pattern: re.Pattern, text: str) -> bool:
    return all(any(s in text for s in need) for need in requirements(pattern))
