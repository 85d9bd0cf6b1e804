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

from .patterns import Seq, Unit
from .tokens import Token


def token_keys(token: Token) -> set[str]:
    """The keys a token is matched by: "=reading" and "~stem"."""
    keys = {"=" + r for r in token.readings}
    keys.update("~" + s for s in token.stems)
    return keys


class Lexicon:
    """The plain-phrase entries of every cue class, indexed by their first word."""

    def __init__(self, entries: dict[str, list], word_keys):
        self.word_keys = word_keys           # literal word -> ["=word", "~stem"]
        self.classes = set(entries)
        self._by_key: dict[str, list] = defaultdict(list)
        self._by_prefix: dict[str, list] = defaultdict(list)
        self._by_suffix: dict[str, list] = defaultdict(list)
        for name, trees in entries.items():
            for tree in trees:
                units = tree.items if isinstance(tree, Seq) else (tree,)
                entry = (name, units)
                first = units[0]
                if first.kind == "word":
                    for key in word_keys(first.value):
                        self._by_key[key].append(entry)
                elif first.kind == "exact":
                    self._by_key["=" + first.value].append(entry)
                elif first.kind == "prefix":
                    self._by_prefix[first.value].append(entry)
                else:
                    self._by_suffix[first.value].append(entry)
        self._prefix_lengths = sorted({len(p) for p in self._by_prefix})
        self._suffix_lengths = sorted({len(s) for s in self._by_suffix})

    def _meets(self, unit: Unit, token: Token, keys: set[str]) -> bool:
        if unit.kind == "word":
            return any(k in keys for k in self.word_keys(unit.value))
        if unit.kind == "exact":
            return "=" + unit.value in keys
        if unit.kind == "prefix":
            return any(r.startswith(unit.value) for r in token.readings)
        return any(r.endswith(unit.value) for r in token.readings)

    def _candidates(self, token: Token, keys: set[str]):
        seen = []
        for key in keys:
            seen.extend(self._by_key.get(key, ()))
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
            longest: dict[str, int] = {}
            for name, units in self._candidates(token, keys[i]):
                if len(units) > n - i or longest.get(name, 0) >= len(units):
                    continue
                if all(tokens[i + k].sentence == token.sentence and self._meets(u, tokens[i + k], keys[i + k])
                       for k, u in enumerate(units) if k):
                    longest[name] = len(units)
            # Instances may overlap ("happened because" and "because of"): each
            # start is tagged, so a pattern can begin at either.
            for name, length in longest.items():
                tags[i].append("@" + name)
                for k in range(i + 1, i + length):
                    if "&" + name not in tags[k]:
                        tags[k].append("&" + name)
        return tags
