"""Cue classes found by dictionary look-up: the first stage of a check.

A language's [cues] table names classes of words and phrases (apology heads,
remedies, causal connectives, negators ...). Entries that are plain phrases are
looked up here, once per text, and their instances tagged on the tokens: the first
token gets "@class", the others "&class". Rules then read the tags (patterns.py).
Entries with pattern syntax (other classes, skips, groups) are expanded inside the
patterns that use them instead.
"""
from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

from .patterns import Seq, Unit
from .tokens import Token


def token_keys(token: Token) -> frozenset[str]:
    """The keys a token is matched by: "=reading", "~stem" and "%form" (as typed)."""
    return _keys(token.text, token.readings, token.stems)


@lru_cache(maxsize=20000)
def _keys(text: str, readings: tuple[str, ...], stems: tuple[str, ...]) -> frozenset[str]:
    # The same word is read the same way in every check: built once, shared.
    keys = {"=" + r for r in readings}
    keys.update("~" + s for s in stems)
    keys.add("%" + text)
    return frozenset(keys)


class Lexicon:
    """The plain-phrase entries of every cue class, indexed by their first word."""

    def __init__(self, entries: dict[str, list], word_keys):
        self.word_keys = word_keys           # literal word -> ["=word", "~stem"]
        self.classes = set(entries)
        self._by_key: dict[str, list] = defaultdict(list)
        # Entries whose first two words are both keyed ("σας στείλαμε"), by the pair of
        # keys: a common first word then does not bring every entry it starts.
        self._by_pair: dict[tuple[str, str], list] = defaultdict(list)
        self._by_prefix: dict[str, list] = defaultdict(list)
        self._by_suffix: dict[str, list] = defaultdict(list)
        for name, trees in entries.items():
            for tree in trees:
                units = tree.items if isinstance(tree, Seq) else (tree,)
                tests = tuple(self._test(u) for u in units)
                entry = (name, tests)
                first = units[0]
                if tests[0][0] is not None and len(tests) > 1 and tests[1][0] is not None:
                    for key in tests[0][0]:
                        for second in tests[1][0]:
                            self._by_pair[key, second].append(entry)
                elif tests[0][0] is not None:
                    for key in tests[0][0]:
                        self._by_key[key].append(entry)
                elif first.kind in ("prefix", "surface_prefix"):
                    self._by_prefix[first.value].append(entry)
                else:
                    self._by_suffix[first.value].append(entry)
        self._pair_firsts = {first for first, _ in self._by_pair}
        self._prefix_lengths = sorted({len(p) for p in self._by_prefix})
        self._suffix_lengths = sorted({len(s) for s in self._by_suffix})
        # A word and the word after it bring the same candidates in every check.
        self._memo: dict[tuple[str, str | None], list] = {}

    def _test(self, unit: Unit):
        """How to test a token against one word of an entry: (keys, prefix, suffix,
        on the form as typed only)."""
        if unit.kind == "word":
            return frozenset(self.word_keys(unit.value)), None, None, False
        if unit.kind in ("exact", "surface"):
            return frozenset([("=" if unit.kind == "exact" else "%") + unit.value]), None, None, False
        surface = unit.kind.startswith("surface")
        if unit.kind.endswith("prefix"):
            return None, unit.value, None, surface
        return None, None, unit.value, surface

    @staticmethod
    def _meets(test, token: Token, keys: set[str]) -> bool:
        wanted, prefix, suffix, surface = test
        if wanted is not None:
            return not wanted.isdisjoint(keys)
        forms = (token.text,) if surface else token.readings
        if prefix is not None:
            return any(r.startswith(prefix) for r in forms)
        return any(r.endswith(suffix) for r in forms)

    def _candidates(self, token: Token, keys: set[str], next_keys):
        """Entries whose first word this token may be (a prefix or suffix entry is
        verified in tag(), since only the typed form may count)."""
        seen = []
        for key in keys:
            seen.extend(self._by_key.get(key, ()))
            if next_keys and key in self._pair_firsts:
                for second in next_keys:
                    seen.extend(self._by_pair.get((key, second), ()))
        if self._prefix_lengths or self._suffix_lengths:
            for reading in token.readings:
                for n in self._prefix_lengths:
                    if n <= len(reading):
                        seen.extend(self._by_prefix.get(reading[:n], ()))
                for n in self._suffix_lengths:
                    if n <= len(reading):
                        seen.extend(self._by_suffix.get(reading[-n:], ()))
        return seen

    def tag(self, tokens: list[Token], keys: list[set[str]]) -> list[list[str]]:
        """Tags per token: "@class" where an instance starts, "&class" inside it.
        Of the instances of a class that start at one token, the longest wins."""
        tags: list[list[str]] = [[] for _ in tokens]
        n = len(tokens)
        for i, token in enumerate(tokens):
            if not token.word:
                continue
            same = i + 1 < n and tokens[i + 1].sentence == token.sentence
            memo_key = (token.text, tokens[i + 1].text if same else None)
            candidates = self._memo.get(memo_key)
            if candidates is None:
                if len(self._memo) > 50000:
                    self._memo.clear()
                candidates = self._memo[memo_key] = self._candidates(
                    token, keys[i], keys[i + 1] if same else None)
            if not candidates:
                continue
            longest: dict[str, int] = {}
            for name, units in candidates:
                size = len(units)
                if size > n - i or longest.get(name, 0) >= size:
                    continue
                if units[0][3] and not self._meets(units[0], token, keys[i]):
                    continue                  # a surface prefix met only by a reading
                for k in range(1, size):
                    other = tokens[i + k]
                    if other.sentence != token.sentence or not self._meets(units[k], other, keys[i + k]):
                        break
                else:
                    longest[name] = size
            # Instances may overlap ("happened because" and "because of"): each
            # start is tagged, so a pattern can begin at either.
            for name, size in longest.items():
                tags[i].append("@" + name)
                for k in range(i + 1, i + size):
                    if "&" + name not in tags[k]:
                        tags[k].append("&" + name)
        return tags
