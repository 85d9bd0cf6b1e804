"""Light morphology, as data: what else a folded word can be read as.

A word's *readings* are the word itself, the word with its clitic prefixes taken off
(Arabic و ب ال, Hebrew ו ש ה: written once per language as a list of prefixes, never
spelled inside patterns) and the word a contraction stands for (English "wo" in
"won't" is read as "will"). Its *stems* come from the Snowball stemmer of the
language (snowballstemmer, pure Python), applied to every reading.

Rule data matches a word by any reading or any stem, so "refunded", "refunds" and
"refunding" all meet the lexicon entry "refund", and "ולשליח" meets "שליח".
"""
from __future__ import annotations

from dataclasses import dataclass, field


def _load_stemmer(algorithm: str):
    """The Snowball stemmer for `algorithm` ("english", "greek", ...), or None.

    Imports only that algorithm's module: the package's own __init__ imports all
    36 of them, which costs a noticeable start-up in the browser."""
    if not algorithm:
        return None
    import importlib
    import importlib.util
    import sys
    if "snowballstemmer" not in sys.modules:
        # Register the package without running its __init__ (which imports every
        # algorithm); its submodules import each other with relative imports only.
        spec = importlib.util.find_spec("snowballstemmer")
        if spec is None:
            raise ImportError("snowballstemmer is not installed (it is a dependency of checks)")
        package = importlib.util.module_from_spec(spec)
        sys.modules["snowballstemmer"] = package
    module = importlib.import_module(f"snowballstemmer.{algorithm}_stemmer")
    name = "".join(part.capitalize() for part in algorithm.split("_")) + "Stemmer"
    return getattr(module, name)()


@dataclass
class Morphology:
    """One language's word readings and stems, each computed once per word."""

    stemmer: str = ""                    # Snowball algorithm name, "" for none
    clitics: tuple[str, ...] = ()        # prefixes that glue onto a word (and onto each other)
    min_stem: int = 2                    # a clitic is taken off only if this much remains
    suffixes: dict[str, str] = field(default_factory=dict)   # "n't" -> "not": split off, read as
    readings_of: dict[str, tuple[str, ...]] = field(default_factory=dict)  # "wo" -> ("will",)
    # Whole words that split as a contraction does: "didnt" -> "did" + "nt", so the
    # "did" in a pattern never meets a denial ("didnt explain" is not "did explain").
    splits: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    # Inflection, not derivation: a word ending more than this many letters past its
    # stem ("business" -> "busi", "acceptable" -> "accept") is matched by its form only,
    # so it does not meet "busy" or "accepted". None: no limit.
    stem_reach: int | None = None
    # Or, stricter: the endings a word may have past its stem ("refund" + "ed"), so
    # "clearly" (clear + ly) and "restorer" (restor + er) keep their own meaning.
    stem_endings: frozenset[str] | None = None
    stem_min: int = 0          # a stem shorter than this is no stem (Greek σας/σου -> σ)

    def __post_init__(self):
        self._stemmer = _load_stemmer(self.stemmer)
        self._readings: dict[str, tuple[str, ...]] = {}
        self._stems: dict[str, str] = {}
        self._parts: dict[str, tuple] = {}

    def __getstate__(self):
        # The stemmer is loaded again, its own way (see _load_stemmer), not unpickled.
        return {k: v for k, v in self.__dict__.items() if k != "_stemmer"}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._stemmer = _load_stemmer(self.stemmer)

    def parts(self, word: str) -> tuple[tuple[int, int, str, tuple[str, ...], tuple[str, ...]], ...]:
        """Each part of a word (see split) with its readings and stems, computed once
        per word: the tokenizer asks this for every word of every check."""
        found = self._parts.get(word)
        if found is None:
            out = []
            for s, e in self.split(word):
                part = word[s:e]
                readings = self.readings(part)
                stems = tuple(dict.fromkeys(stem for stem in map(self.stem, readings) if stem))
                out.append((s, e, part, readings, stems))
            found = self._parts[word] = tuple(out)
        return found

    def split(self, word: str) -> list[tuple[int, int]]:
        """(start, end) of the parts a word splits into: "don't" -> "do", "n't"."""
        if word in self.splits:
            return list(self.splits[word])
        for suffix in self.suffixes:
            if word.endswith(suffix) and len(word) > len(suffix):
                cut = len(word) - len(suffix)
                return [(0, cut), (cut, len(word))]
        return [(0, len(word))]

    def readings(self, word: str) -> tuple[str, ...]:
        found = self._readings.get(word)
        if found is None:
            out = [word]
            out.extend(self.readings_of.get(word, ()))
            if word in self.suffixes:
                out.append(self.suffixes[word])
            # Clitics stack (Arabic و+ب+ال, Hebrew ו+ש+ה): take them off one at a
            # time, up to three deep, as long as a word of min_stem letters remains.
            level = [word]
            for _ in range(3):
                level = [w[len(p):] for w in level for p in self.clitics
                         if w.startswith(p) and len(w) - len(p) >= self.min_stem]
                out.extend(w for w in level if w not in out)
            found = self._readings[word] = tuple(dict.fromkeys(out))
        return found

    def stem(self, word: str) -> str:
        """The word's stem, or "" when it has none to share (no stemmer, or the word
        reaches too far past it)."""
        found = self._stems.get(word)
        if found is None:
            found = self._stemmer.stemWord(word) if self._stemmer else ""
            if len(found) < self.stem_min:
                found = ""
            elif self.stem_reach is not None and len(word) - len(found) > self.stem_reach:
                found = ""
            elif self.stem_endings is not None and word[len(found):] not in self.stem_endings \
                    and word.startswith(found):
                found = ""
            self._stems[word] = found
        return found
