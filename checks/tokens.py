"""Tokens and sentences of a folded text.

A token keeps its folded form, its offsets into the folded text (so a finding's
span maps back to the text as typed, exactly), its readings and stems
(morphology.py), whether it was capitalised as typed, and its sentence.

Sentences end at . ! ? … (and the language's own question marks, Greek ";"),
at a blank line and before a list item, but not after a title or abbreviation
("Mr.", "e.g."), inside a number ("2.5", "15:30"), after an ordinal date
("15. märtsil") or an initial ("J. Smith"). A single line break is white space:
people wrap lines mid-sentence.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from .morphology import Morphology
from .normalize import Folded

_TOKEN = re.compile(
    r"(?:https?://|www\.)\S+[\w/]"        # a web address, an e-mail address or a handle:
    r"|[\w.+-]+@\w[\w-]*(?:\.\w[\w-]*)+"   # one token, and no word in it is read
    r"|\w[\w-]*(?:\.[a-z]{2,})+/\S*"
    r"|(?:\w\.){2,}"                     # initialisms: e.g. a.m. i.e.
    r"|\d+(?:[.,:/]\d+)*(?!\w)"          # numbers, prices, times, dates (1st, 10am are words)
    r"|\w+(?:['\"-]\w+)*"               # words, with inner apostrophes, gershayim, hyphens
    r"|[^\w\s]")                        # one punctuation character
_TERMINAL = frozenset(".!?")
_CLOSERS = frozenset("\"')]")
_LIST_ITEM = re.compile(r"\n[ \t]*(?:[-*•·–]|\d{1,2}[.)])\s")


class Token(NamedTuple):
    """A word, a number or a punctuation mark (a named tuple: a check makes hundreds)."""
    start: int                  # offsets into the folded text
    end: int
    text: str                   # folded form
    readings: tuple[str, ...]   # text, and what it can also be read as (morphology)
    stems: tuple[str, ...]
    word: bool                  # a word or number, not punctuation
    cap: bool                   # typed with a capital first letter
    sentence: int               # index of its sentence


@dataclass(frozen=True)
class Sentences:
    """How one language ends sentences."""
    abbreviations: frozenset[str]     # folded, without the final dot: "mr", "e.g"
    question_marks: frozenset[str]    # tokens that end a question: "?" (el also ";")
    ordinal_dot: bool = False         # "15. märtsil": a number's dot is no sentence end
    # Abbreviations only before a number: "order no. 5" is one sentence, "No. It was ours." two.
    number_abbreviations: frozenset[str] = frozenset()


def _breaks_between(doc: Folded, before: int, after: int) -> bool:
    """Whether the white space between two folded offsets, as typed, holds a blank
    line or starts a list item."""
    if not doc.line_breaks or before <= 0 or after >= len(doc.text) or not any(k in doc.line_breaks for k in range(before, after)):
        return False
    gap = doc.original[doc.ends[before - 1]:doc.starts[after]]
    if "\n" not in gap and "\r" not in gap and "\u2029" not in gap:
        return False
    gap = gap.replace("\r\n", "\n").replace("\r", "\n").replace("\u2029", "\n\n")
    if gap.count("\n") >= 2:
        return True
    rest = doc.original[doc.starts[after]:doc.starts[after] + 4]
    return bool(_LIST_ITEM.match("\n" + rest + " "))


def tokenize(doc: Folded, morphology: Morphology, sentences: Sentences) -> tuple[list[Token], list[bool]]:
    """The tokens of a folded text, and for each sentence whether it ends with a
    question mark (question openers without one are the rule data's business)."""
    text, original = doc.text, doc.original
    # start, end, text, capital as typed, a word, readings, stems
    raw: list[tuple[int, int, str, bool, bool, tuple, tuple]] = []
    for m in _TOKEN.finditer(text):
        start, word = m.start(), m.group()
        if len(word) > 1 and ("@" in word or "/" in word or word.startswith("www.")):
            raw.append((start, m.end(), word, False, False, (word,), ()))   # an address: not words
        elif word[0].isalnum() or word[0] == "_":
            cap = original[doc.starts[start]:doc.ends[start]][:1].isupper()
            for s, e, part, readings, stems in morphology.parts(word):
                raw.append((start + s, start + e, part, cap and s == 0, True, readings, stems))
        else:
            # Two control characters delimit tokens in the engine's stream: never a token.
            word = "\ufffd" if word in "\x02\x03" else word
            raw.append((start, m.end(), word, False, False, (word,), ()))

    terminal = _TERMINAL | sentences.question_marks
    n = len(raw)
    ends: set[int] = set()      # indices of the last token of a sentence
    for i, (start, end, word, *_) in enumerate(raw):
        if i + 1 < n and _breaks_between(doc, end, raw[i + 1][0]):
            ends.add(i)
        if word not in terminal or (word == "." and _not_an_end(raw, i, sentences)):
            continue
        j = i
        while j + 1 < n and (raw[j + 1][2] in terminal or raw[j + 1][2] in _CLOSERS) and raw[j + 1][0] == raw[j][1]:
            j += 1                # "?!", "...", a closing quote: the sentence ends after them
        ends.add(j)

    tokens: list[Token] = []
    questions: list[bool] = []
    sentence, asks = 0, False
    for i, (start, end, word, cap, is_word, readings, stems) in enumerate(raw):
        if not is_word:
            asks = asks or word in sentences.question_marks
        tokens.append(Token(start, end, word, readings, stems, is_word, cap, sentence))
        if i in ends and i + 1 < n:
            questions.append(asks)
            sentence, asks = sentence + 1, False
    questions.append(asks)
    return tokens, questions


def _not_an_end(raw, i: int, sentences: Sentences) -> bool:
    """Whether the full stop at raw[i] is not the end of a sentence."""
    if i == 0 or raw[i - 1][1] != raw[i][0]:
        return False            # nothing before it, or "word ." with a space: an end
    before = raw[i - 1]
    if before[2] in sentences.abbreviations:
        return True             # Mr. Dr. "approx. 20": the language's list
    following = raw[i + 1] if i + 1 < len(raw) else None
    if following is None:
        return False
    if following[0] == raw[i][1] and following[4]:
        return True             # a word right after it: "shop.co.uk", "3.5"
    if before[2] in sentences.number_abbreviations and following[2][0].isdigit():
        return True             # "order no. 5", "vol. 2"
    if sentences.ordinal_dot and before[2].isdigit() and following[4] and not following[3]:
        return True             # ordinal date: "15. märtsil"
    if len(before[2]) == 1 and before[2].isalpha() and before[3] and following[3]:
        return True             # an initial: "J. Smith"
    return False
