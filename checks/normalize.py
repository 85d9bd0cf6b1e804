"""Fold a learner's text into a canonical form for matching, remembering where
every folded character came from so findings can point at the text as typed.

The same folding is applied to rule patterns, so editors write patterns in
natural spelling (accents, niqqud, hamza and all) and they still match text
typed without them.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

_DOUBLE_SPACE = re.compile(r"\s\s")
_LINE_BREAK = re.compile("[\n\r\u2028\u2029]")

# Characters that are folded to another character before anything else.
_SUBSTITUTE = {
    # apostrophes and quotes: learners type curly, straight and accent-like ones
    "\u2019": "'", "\u2018": "'", "\u201b": "'", "\u02bc": "'", "\u00b4": "'",
    "`": "'", "\u2032": "'", "\u05f3": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',
    "\u00ab": '"', "\u00bb": '"', "\u05f4": '"',
    # dashes and the Hebrew maqaf join words like a hyphen
    "\u2010": "-", "\u2011": "-", "\u2013": "-", "\u2014": "-", "\u05be": "-",
    # Arabic punctuation, so sentence splitting sees it
    "\u060c": ",", "\u061b": ";", "\u061f": "?", "\u06d4": ".",
    "\u2026": "...",
    # Arabic letter variants that keyboards and writers use interchangeably
    "\u0671": "\u0627",  # alef wasla -> alef
    "\u0649": "\u064a",  # alef maqsura -> yeh
    "\u0629": "\u0647",  # teh marbuta -> heh
    "\u06cc": "\u064a",  # Persian yeh -> yeh
    "\u06a9": "\u0643",  # keheh -> kaf
    # Hebrew final letters: a key term such as שזיף then also finds שזיפים
    "\u05da": "\u05db", "\u05dd": "\u05de", "\u05df": "\u05e0", "\u05e3": "\u05e4", "\u05e5": "\u05e6",
}
# Invisible characters that carry no letter: tatweel and format controls.
_DROP = {"\u0640", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\ufeff", "\u00ad",
         "\u2066", "\u2067", "\u2068", "\u2069", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"}


@lru_cache(maxsize=4096)
def fold_char(ch: str) -> str:
    """Folded form of one character ('' when it vanishes, e.g. a combining mark)."""
    if ch in _DROP or unicodedata.category(ch) == "Cf":   # format controls carry no letter
        return ""
    ch = _SUBSTITUTE.get(ch, ch)
    out = []
    # NFD splits accents, niqqud, harakat and hamza off their base letters.
    for part in unicodedata.normalize("NFD", ch.casefold()):
        if unicodedata.category(part) in ("Mn", "Me"):
            continue
        if part.isdigit() and not part.isascii():
            part = str(unicodedata.digit(part, part))
        out.append(_SUBSTITUTE.get(part, part))
    return "".join(out)


def fold(text: str) -> str:
    """Folded copy of text with no offset map (for patterns and key terms)."""
    return Folded.of(text).text


@dataclass(frozen=True)
class Folded:
    """A folded text plus, for each folded character, its span in the original."""

    original: str
    text: str
    starts: Sequence[int]
    ends: Sequence[int]
    line_breaks: frozenset[int]  # folded indices of spaces that stood for a line break

    @classmethod
    def of(cls, original: str) -> "Folded":
        fast = cls._one_to_one(original)
        return fast if fast is not None else cls._general(original)

    @classmethod
    def _one_to_one(cls, original: str) -> "Folded | None":
        """The common case, done mostly in C: every character folds to one character
        or to nothing (a mark), and no white space is doubled. A mark then belongs
        to the character before it, so each folded character spans up to the next."""
        table, dropped = {}, set()
        for ch in set(original):
            folded = " " if ch.isspace() else fold_char(ch)
            if len(folded) > 1:
                return None
            if not folded:
                dropped.add(ch)
            table[ord(ch)] = folded or None
        if _DOUBLE_SPACE.search(original):
            return None
        n = len(original)
        text = original.translate(table)
        if dropped and _DOUBLE_SPACE.search(text):
            return None         # " \u200f ": the spaces around a dropped character are one run
        if not dropped:
            breaks = frozenset(m.start() for m in _LINE_BREAK.finditer(original))
            return cls(original, text, range(n), range(1, n + 1), breaks)
        starts = [i for i, ch in enumerate(original) if ch not in dropped]
        breaks = frozenset(k for k, i in enumerate(starts) if original[i] in "\n\r\u2028\u2029")
        return cls(original, text, starts, starts[1:] + [n] if starts else [], breaks)

    @classmethod
    def _general(cls, original: str) -> "Folded":
        chars: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        breaks: set[int] = set()
        in_space = False
        for i, ch in enumerate(original):
            if ch.isspace():
                # Any run of white space becomes one space, mapped to its first character.
                if not in_space:
                    chars.append(" ")
                    starts.append(i)
                    ends.append(i + 1)
                    in_space = True
                if ch in "\n\r\u2028\u2029":
                    breaks.add(len(chars) - 1)
                continue
            folded = fold_char(ch)
            if not folded:
                # A mark belongs to the letter before it: widen that letter's span.
                # (An invisible character between two spaces leaves them one run.)
                if ends:
                    ends[-1] = i + 1
                continue
            in_space = False
            for part in folded:
                chars.append(part)
                starts.append(i)
                ends.append(i + 1)
        return cls(original, "".join(chars), tuple(starts), tuple(ends), frozenset(breaks))

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) of the folded slice text[start:end]."""
        if end <= start:
            raise ValueError("empty span")
        return self.starts[start], self.ends[end - 1]
