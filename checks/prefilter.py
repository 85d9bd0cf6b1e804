"""Cheap tests that spare the regex engine work, read off each pattern's parse tree
(running regexes is most of a check's time):

- requirements(pattern): the literal strings a match must contain. A pattern whose
  required strings are absent from the text cannot match, so it is not run at all.
  It returns a list of sets: every set must have one of its strings in the text; an
  empty list means "no cheap test; run the regex".
- guard(source): the same pattern behind a one-character lookahead for the
  characters a match can start with. Python's `re` otherwise evaluates a pattern's
  leading \\b and lookbehinds at every position of the text; the guard rejects most
  positions with a single character test. Matches are identical.
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
        needs = _sequence(parser.parse(pattern.pattern, pattern.flags))
    except Exception:  # an unexpected parse shape: no shortcut, still correct
        return ()
    # Fewest alternatives first: the most selective test, and the cheapest.
    return tuple(sorted(set(needs), key=lambda need: (len(need), sorted(need))))


class Literals:
    """Which required strings one text contains, each set tested once: rules share
    sets (a language's apology vocabulary is in many patterns)."""

    def __init__(self, text: str):
        self.text = text
        self._verdicts: dict[frozenset[str], bool] = {}

    def may_match(self, pattern: re.Pattern) -> bool:
        for need in requirements(pattern):
            verdict = self._verdicts.get(need)
            if verdict is None:
                verdict = self._verdicts[need] = any(s in self.text for s in need)
            if not verdict:
                return False
        return True


_ZERO_WIDTH = () if parser is None else (C.AT, C.ASSERT, C.ASSERT_NOT)


def _charset(items) -> set[str] | None:
    chars: set[str] = set()
    for op, av in items:
        if op is C.LITERAL:
            chars.add(chr(av))
        elif op is C.RANGE and av[1] - av[0] < 256:
            chars.update(chr(c) for c in range(av[0], av[1] + 1))
        else:
            return None  # a category such as \\w, or a negated set: no small answer
    return chars


def _first(items) -> set[str] | None:
    """Characters a match of this sequence can start with; None when unknown or
    when the sequence can match the empty string."""
    chars: set[str] = set()
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        if op is C.LITERAL:
            return chars | {chr(av)}
        if op is C.IN:
            found = _charset(av)
            return None if found is None else chars | found
        if op is C.SUBPATTERN:
            subs, nullable = [av[3]], av[3].getwidth()[0] == 0
        elif op is C.ATOMIC_GROUP:
            subs, nullable = [av], av.getwidth()[0] == 0
        elif op is C.BRANCH:
            subs, nullable = av[1], any(alt.getwidth()[0] == 0 for alt in av[1])
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            subs, nullable = [av[2]], av[0] == 0 or av[2].getwidth()[0] == 0
        else:
            return None
        for sub in subs:
            found = _first(sub.data)
            if found is None:
                if sub.getwidth()[0] > 0:
                    return None
                continue  # an alternative that may be empty: the rest decides
            chars |= found
        if not nullable:
            return chars
    return None  # all of it optional: a match could be empty


def guard(source: str) -> str:
    """source behind a lookahead for its possible first characters, when known."""
    if parser is None:
        return source
    try:
        first = _first(parser.parse(source).data)
    except Exception:  # the caller reports the bad pattern itself
        return source
    if not first:
        return source
    return "(?=[" + "".join(re.escape(c) for c in sorted(first)) + "])" + source
