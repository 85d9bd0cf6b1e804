"""Load and validate the rule data: the catalogue (what each rule is) and one
file per language (how the language is read, its cue classes, and per rule the
patterns, what it says and its examples).

Every mistake in the data raises RuleDataError naming the file, the line and the
rule, so a broken edit fails at load time and in the tests, never at check time.
"""
from __future__ import annotations

import gc
import hashlib
import pickle
import re
import time
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from .cues import Lexicon
from .model import Weights, read_model
from .morphology import Morphology
from .normalize import fold
from .patterns import (LEXICAL_KINDS, Alt, Compiler, Pattern, PatternError, Repeat, Seq, Unit, classes_used,
                       index_required, is_lexical, parse)
from .tokens import Sentences

KINDS = ("presence", "absence", "length", "scenario")
SEVERITIES = ("error", "warning", "tip")
LANGUAGES = ("en", "el", "ar", "et", "he")
# Cue classes the engine itself reads (engine.py): negation scope and questions.
ENGINE_CLASSES = ("negation", "refusing", "negation_after", "refusing_after", "not_negation",
                  "scope_break", "question_opener")
# An example marks the span a presence rule must report with [[ and ]].
SPAN_MARK = re.compile(r"\[\[(.+?)\]\]", re.S)
MIN_EXAMPLES = 4
# Titles and messages are plain text: the site renders them into Markdown and HTML.
_HTML = re.compile(r"<[A-Za-z/!?]|&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z]\w*);")


class RuleDataError(ValueError):
    """A mistake in a rule or scenario data file."""


@dataclass(frozen=True)
class Example:
    text: str                      # as the learner would type it (markers removed)
    fires: bool                    # True: the rule must fire on it
    spans: tuple[tuple[int, int], ...] = ()  # spans it must report, from [[ ]] markers

    @classmethod
    def parse(cls, marked: str, fires: bool) -> "Example":
        spans, plain, last = [], [], 0
        for m in SPAN_MARK.finditer(marked):
            plain.append(marked[last:m.start()])
            start = sum(map(len, plain))
            plain.append(m.group(1))
            spans.append((start, start + len(m.group(1))))
            last = m.end()
        plain.append(marked[last:])
        return cls("".join(plain), fires, tuple(spans))


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    severity: str
    sources: tuple[str, ...]
    principle: str                  # handbook page the rule comes from
    title: str                      # short name, in the language
    message: str                    # what to do instead, in the language
    patterns: tuple[Pattern, ...] = ()
    unless: tuple[Pattern, ...] = ()   # presence: drop a match that overlaps one of these
    unless_sentence: tuple[Pattern, ...] = ()  # presence: drop a match whose sentence has one
    unless_reply: tuple[Pattern, ...] = ()     # presence: no finding in a reply that has one
    unless_met: tuple[str, ...] = ()           # presence: no finding in a reply meeting these absence rules
    ignore: tuple[Pattern, ...] = ()   # absence: matches overlapping these do not count
    max_words: int | None = None
    scenario: str | None = None           # scenario kind: the scenario its examples use
    examples: tuple[Example, ...] = field(default=(), repr=False)


@dataclass(frozen=True, eq=False)
class Language:
    code: str
    name: str
    principles: dict[str, str]      # page slug -> title in this language
    rules: tuple[Rule, ...]
    morphology: Morphology
    sentences: Sentences
    lexicon: Lexicon
    negation_window: int            # words a negator reaches
    negation_window_back: int       # words a negator that follows what it denies reaches back
    scope_keeps: frozenset[str]     # punctuation inside a word group that does not end a scope
    compiler: Compiler = field(repr=False)
    cues: dict[str, list[str]] = field(repr=False)   # class -> entries as written
    macro_classes: tuple = field(repr=False)         # (class, patterns, used by a later one) in tagging order
    required_sets: dict[str, tuple] = field(default_factory=dict, repr=False)  # key -> sets holding it (patterns.index_required)
    model: dict[str, Weights] = field(default_factory=dict, repr=False)  # rule id -> learned weights (model.py)

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def compile(self, source: str) -> Pattern:
        """One pattern, compiled for this language (PatternError if it cannot be read)."""
        tree = parse(source, self.word)
        pattern = Pattern(source, self.compiler.regex(tree), self.compiler.first_keys(tree),
                          tuple(self.compiler.required(tree)))
        try:
            pattern.regex
        except re.error as exc:
            raise PatternError(str(exc)) from None
        return pattern

    def compile_regexes(self, budget: float | None = None) -> bool:
        """Compile pattern expressions now rather than on first use: all of them
        before a memory snapshot is taken and in the tests (where one Python cannot
        compile is a RuleDataError naming its rule), or for at most `budget` seconds
        at a time in the browser's worker once it is ready. True when none is left."""
        deadline = None if budget is None else time.perf_counter() + budget
        for pattern, where in self._patterns():
            if "regex" not in pattern.__dict__:
                if deadline is not None and time.perf_counter() > deadline:
                    return False
                _compiled(pattern, where)
        return True

    def _patterns(self):
        """Every compiled pattern with where it comes from: cue classes (every check
        tags them) first, then the rules."""
        for name, patterns, _ in self.macro_classes:
            for pattern in patterns:
                for p in (pattern, *pattern.unless):
                    yield p, f"rules/{self.code}.toml: cue class '{name}'"
        for rule in self.rules:
            for pattern in (*rule.patterns, *rule.unless, *rule.unless_sentence, *rule.unless_reply,
                            *rule.ignore):
                for p in (pattern, *pattern.unless):
                    yield p, f"rules/{self.code}.toml: rule '{rule.id}'"

    def word(self, text: str, whole: bool = False) -> list[str] | str:
        """A literal of the rule data, folded as texts are, and split as the
        tokenizer splits words ("don't" -> ["do", "n't"])."""
        folded = fold(text)
        if whole:
            return folded
        return [folded[s:e] for s, e in self.morphology.split(folded)]

    def key_terms(self, scenario_id: str) -> tuple[Pattern, ...]:
        """A scenario's key terms as patterns: each word matches any word it starts,
        with or without clitics (so "plum" finds "plums", "שזיף" finds "והשזיפים")."""
        return _key_terms(self, scenario_id)


def _compiled(pattern: Pattern, where: str) -> None:
    try:
        pattern.regex
    except re.error as exc:
        raise RuleDataError(f"{where}: bad pattern {pattern.source!r}: {exc}") from None


@lru_cache(maxsize=None)
def _key_terms(lang: Language, scenario_id: str) -> tuple[Pattern, ...]:
    from .scenarios import scenario
    terms = scenario(scenario_id).text(lang.code).key_terms
    out = []
    for term in terms:
        words = fold(term).split()
        source = " ".join(re.sub(r"([()|?{}\[\]@_$*=])", "", w) + "*" for w in words if w.strip("*"))
        try:
            out.append(lang.compile(source))
        except PatternError as exc:
            raise RuleDataError(f"scenarios/{scenario_id}.toml: [{lang.code}] key term {term!r}: {exc}") from None
    return tuple(out)


def _read_text(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def _read_toml(name: str) -> dict:
    try:
        return tomllib.loads(_read_text(name))
    except FileNotFoundError:
        raise RuleDataError(f"{name}: file is missing") from None
    except tomllib.TOMLDecodeError as exc:
        raise RuleDataError(f"{name}: not valid TOML: {exc}") from None


def _table_lines(name: str) -> dict[str, int]:
    """Line number of each `[table]` header in a file (`rules.apology-but`, `el`),
    so errors can point at it."""
    lines = {}
    for number, line in enumerate(_read_text(name).splitlines(), start=1):
        match = re.match(r"\s*\[([A-Za-z0-9_.-]+)\]", line)
        if match:
            lines.setdefault(match.group(1), number)
    return lines


@lru_cache(maxsize=8)
def _lines(name: str) -> tuple[str, ...]:
    return tuple(_read_text(name).splitlines())


def _line_of(name: str, needle: str, after: int) -> int:
    """The line, from `after` on, where a value first appears (else `after`)."""
    for number, line in enumerate(_lines(name)[after - 1:], start=after):
        if needle in line:
            return number
    return after


def _require(table: dict, key: str, kind: type, where: str):
    if key not in table:
        raise RuleDataError(f"{where}: '{key}' is missing")
    value = table[key]
    if not isinstance(value, kind):
        raise RuleDataError(f"{where}: '{key}' must be a {kind.__name__}")
    return value


def _plain_text(filename: str, value: str, after: int, where: str, key: str) -> None:
    """A title, message or principle title holds no HTML (no tags, comments or
    character references): the site would render it live on the rules page."""
    match = _HTML.search(value)
    if match:
        fragment = value[match.start():match.start() + 20].split("\n")[0]
        line = _line_of(filename, match.group(), after)
        raise RuleDataError(f"{filename}:{line}: {where}: '{key}' contains HTML ({fragment!r}): "
                            "write plain text, without tags or character references")


MAX_READINGS = 256   # ways a pattern may read the same tokens from one start


def _first_literals(node) -> frozenset | None:
    """The words a group's first token must be (folded), or None when it is open:
    a class, a skip, a tag, a word beginning or ending, or an optional start."""
    if isinstance(node, Unit):
        if node.kind in ("word", "exact", "surface") and not node.flags:
            return frozenset([node.value])
        return None
    if isinstance(node, Seq):
        return _first_literals(node.items[0])
    if isinstance(node, Alt):
        firsts = [_first_literals(o) for o in node.options]
        return None if any(f is None for f in firsts) else frozenset().union(*firsts)
    return _first_literals(node.node) if node.low > 0 else None


def _ways(node) -> int:
    """How many ways, at most, a pattern can read the same tokens: what a failing
    match may try by backtracking from one start. Alternatives that begin with
    different words never read the same token; (a|b|c) of plain words is a single
    token test; a class, a skip or a tag may read any token. A repeat multiplies
    its group's ways once per time: (sorry|@apology){0,60} has 2^60."""
    if isinstance(node, Alt):
        words = [o for o in node.options if isinstance(o, Unit) and not o.flags and not o.head
                 and o.kind in LEXICAL_KINDS]
        groups = [(_first_literals(Alt(tuple(words))) if words else None, 1)] if words else []
        groups += [(_first_literals(o), _ways(o)) for o in node.options if o not in words]
        open_ways = sum(w for first, w in groups if first is None)
        literal = [(first, w) for first, w in groups if first is not None]
        # the most ways one token can start: every open branch, plus the literal
        # branches that share a first word with the most others
        most = max((sum(w for other, w in literal if other & first) for first, _ in literal), default=0)
        return open_ways + most
    if isinstance(node, Seq):
        out = 1
        for item in node.items:
            out *= _ways(item)
        return out
    if isinstance(node, Repeat):
        return _ways(node.node) ** node.high
    return 1


def linear(tree) -> None:
    """Refuse a pattern whose regular expression could backtrack exponentially.
    The pattern syntax already refuses a repeat inside a repeat and a skip over 60
    tokens; a repeated group of real alternatives is refused here, when its ways
    to read the same tokens pass MAX_READINGS: (sorry|@apology){0,60} would try 2^n
    ways to read n apologies before giving up (seconds at 20 tokens, years at 60)."""
    ways = _ways(tree)
    if ways > MAX_READINGS:
        raise PatternError(f"a repeat over alternatives that can read the same tokens in {ways:,} ways "
                           f"(at most {MAX_READINGS:,}; checking would take exponential time): make the "
                           "alternatives one cue class, or lower the repeat's bound")


def _once(seen: dict[str, str], entry: str, unless, where: str) -> None:
    """A list names each entry once. Texts are folded before they are read, so two
    entries that fold alike ("יועץ*", "יועצ*") find the same words: one is dead weight."""
    key = " ".join(fold(entry).split()) + "".join(f"\0{fold(u)}" for u in unless if isinstance(u, str))
    if key in seen:
        same = "" if seen[key] == entry else f" (as {seen[key]!r}: the same once folded)"
        raise RuleDataError(f"{where}: {entry!r} is in the list twice{same}")
    seen[key] = entry


def _absence_rules(value, cat: dict, where: str) -> tuple[str, ...]:
    """`unless_met`: ids of absence rules whose patterns the reply must not meet."""
    ids = _strings(value, where, "unless_met")
    for rule_id in ids:
        if cat.get(rule_id, {}).get("kind") != "absence":
            raise RuleDataError(f"{where}: 'unless_met' names {rule_id!r}, which is not an absence rule "
                                f"({', '.join(r for r, m in cat.items() if m['kind'] == 'absence')})")
    return tuple(ids)


def _strings(value, where: str, key: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(s, str) and s.strip() for s in value):
        raise RuleDataError(f"{where}: '{key}' must be a list of non-empty strings")
    return value


# The lists whose entries may carry their own antipatterns.
OWN_UNLESS = ("patterns", "ignore")


@lru_cache(maxsize=None)
def catalogue() -> dict[str, dict]:
    """The rule catalogue: id -> {kind, severity, sources, principle, max_words?}."""
    data = _read_toml("rules/catalogue.toml")
    rules = data.get("rules")
    if not isinstance(rules, dict) or not rules:
        raise RuleDataError("rules/catalogue.toml: no [rules.*] tables")
    lines = _table_lines("rules/catalogue.toml")
    for rule_id, entry in rules.items():
        where = f"rules/catalogue.toml:{lines.get(f'rules.{rule_id}', 1)}: rule '{rule_id}'"
        if _require(entry, "kind", str, where) not in KINDS:
            raise RuleDataError(f"{where}: kind must be one of {', '.join(KINDS)}")
        if _require(entry, "severity", str, where) not in SEVERITIES:
            raise RuleDataError(f"{where}: severity must be one of {', '.join(SEVERITIES)}")
        _require(entry, "sources", list, where)
        _require(entry, "principle", str, where)
        if entry["kind"] == "length":
            _require(entry, "max_words", int, where)
    return rules


def _split_parts(word: str, parts: str, where: str) -> tuple[tuple[int, int], ...]:
    """splits = { didnt = "did nt" }: where the word splits, checked to spell the word."""
    pieces = parts.split() if isinstance(parts, str) else []
    if "".join(pieces) != word or len(pieces) < 2:
        raise RuleDataError(f"{where}: splits: {word!r} = {parts!r} must spell the word "
                            "again with spaces where it splits (didnt = \"did nt\")")
    out, start = [], 0
    for part in pieces:
        out.append((start, start + len(part)))
        start += len(part)
    return tuple(out)


def _settings(data: dict, filename: str) -> tuple[Morphology, Sentences, int, int, frozenset[str]]:
    where = f"{filename}: [language]"
    table = data.get("language")
    if not isinstance(table, dict):
        raise RuleDataError(f"{where} is missing")
    known = {"stemmer", "stem_reach", "stem_endings", "stem_min", "clitics", "min_stem", "suffixes", "splits", "readings", "abbreviations",
             "number_abbreviations", "question_marks", "ordinal_dot", "negation_window",
             "negation_window_back", "scope_keeps"}
    unknown = set(table) - known
    if unknown:
        raise RuleDataError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    try:
        morphology = Morphology(
            stemmer=table.get("stemmer", ""),
            stem_reach=table.get("stem_reach"),
            stem_min=int(table.get("stem_min", 0)),
            stem_endings=frozenset(table["stem_endings"]) if "stem_endings" in table else None,
            clitics=tuple(fold(c) for c in table.get("clitics", [])),
            min_stem=int(table.get("min_stem", 2)),
            suffixes={fold(k): fold(v) for k, v in table.get("suffixes", {}).items()},
            readings_of={fold(k): tuple(fold(x) for x in v) for k, v in table.get("readings", {}).items()},
            splits={fold(k): _split_parts(fold(k), fold(v), where) for k, v in table.get("splits", {}).items()},
        )
    except (ImportError, AttributeError) as exc:
        raise RuleDataError(f"{where}: stemmer {table.get('stemmer')!r}: {exc}") from None
    sentences = Sentences(
        abbreviations=frozenset(fold(a).rstrip(".") for a in table.get("abbreviations", [])),
        question_marks=frozenset(table.get("question_marks", ["?"])),
        ordinal_dot=bool(table.get("ordinal_dot", False)),
        number_abbreviations=frozenset(fold(a).rstrip(".") for a in table.get("number_abbreviations", [])),
    )
    window = int(table.get("negation_window", 6))
    return (morphology, sentences, window, int(table.get("negation_window_back", window)),
            frozenset(table.get("scope_keeps", ["'", "-", '"'])))


@lru_cache(maxsize=None)
def language(code: str) -> Language:
    """The validated rule set for one language: the wheel's ready-read copy when it
    matches the data (see `frozen`), else read from the data now."""
    lang = _thawed(code) or read_language(code)
    # A language is hundreds of thousands of objects that live as long as the process.
    # Left to the cyclic collector, every full collection walks them all in the middle
    # of some check (over 100 ms, now and then): frozen, they are never walked.
    gc.freeze()
    return lang


# The browser waits for `language()` before the first check, and reading a language's
# data (parsing every pattern, stemming every literal, building the expressions) is
# most of that wait. So the wheel also carries each language already read, pickled
# (macros/runtime.py), behind the hash of the data it was read from: a copy that does
# not match the data beside it is never used. Pickles are written at build time from
# this package's own data, never taken from anywhere else.
_HASH_BYTES = 32


def language_path(code: str) -> str:
    return f"rules/{code}.toml"


def frozen_path(code: str) -> str:
    return f"rules/{code}.pickle"


def model_path(code: str) -> str:
    return f"rules/{code}.model.json"


def _model_text(code: str) -> str:
    """A language's learned weights as stored, or "" when it has none."""
    try:
        return _read_text(model_path(code))
    except (OSError, KeyError):
        return ""


def data_hash_path(code: str) -> str:
    return f"rules/{code}.data.sha256"


def _data_hash(code: str) -> bytes:
    try:
        data = _read_text(language_path(code))
    except FileNotFoundError:
        # The site's wheel carries each language only as its ready-read copy, and
        # beside it the hash of the data that copy was read from (macros/runtime.py).
        try:
            return bytes.fromhex(_read_text(data_hash_path(code)).strip())
        except (FileNotFoundError, ValueError):
            return b""
    return hashlib.sha256(_read_text("rules/catalogue.toml").encode() + b"\0" + data.encode() + b"\0"
                          + _model_text(code).encode()).digest()


def copy_data_hash(copy: bytes) -> bytes:
    """The hash of the data a ready-read copy (`frozen`) was read from: its first bytes."""
    return copy[:_HASH_BYTES]


def frozen(code: str) -> bytes:
    """The language read afresh and pickled, behind the hash of its data."""
    return _data_hash(code) + pickle.dumps(read_language(code), protocol=pickle.HIGHEST_PROTOCOL)


def _thawed(code: str) -> Language | None:
    try:
        data = resources.files(__package__).joinpath(frozen_path(code)).read_bytes()
    except OSError:
        return None
    expected = _data_hash(code)
    if not expected or copy_data_hash(data) != expected:
        return None
    try:
        thawed = pickle.loads(data[_HASH_BYTES:])
    except Exception:   # a copy this engine cannot read: read the data instead
        return None
    return thawed if isinstance(thawed, Language) and thawed.code == code else None


def _model(code: str, cat: dict) -> dict[str, Weights]:
    text = _model_text(code)
    if not text:
        return {}
    try:
        return read_model(text, model_path(code), {rule_id: meta["kind"] for rule_id, meta in cat.items()})
    except ValueError as exc:
        raise RuleDataError(str(exc)) from None


def read_language(code: str) -> Language:
    """Read, validate and compile one language's rule data."""
    filename = language_path(code)
    _lines.cache_clear()
    data = _read_toml(filename)
    cat = catalogue()
    lines = _table_lines(filename)
    morphology, sentences, window, window_back, keeps = _settings(data, filename)

    @lru_cache(maxsize=None)
    def word(text: str, whole: bool = False):
        folded = fold(text)
        return folded if whole else [folded[s:e] for s, e in morphology.split(folded)]

    units: dict = {}   # each unit of this language's patterns read once

    # Cue classes: plain phrases are looked up, the others expanded in place.
    cues = data.get("cues")
    if not isinstance(cues, dict):
        raise RuleDataError(f"{filename}: [cues] is missing")
    cue_line = lines.get("cues", 1)
    lexical: dict[str, list] = {}
    macros: dict[str, list] = {}
    unless_of: dict[int, list] = {}
    for name, entries in cues.items():
        where = f"{filename}:{_line_of(filename, name, cue_line)}: cue class '{name}'"
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise RuleDataError(f"{where}: a class name is lower-case letters, digits and _")
        if not isinstance(entries, list):
            raise RuleDataError(f"{where}: must be a list of words, phrases or patterns")
        seen: dict[str, str] = {}
        for entry in entries:
            # An entry may carry antipatterns of its own: {pattern = "...", unless = ["..."]}.
            unless = []
            if isinstance(entry, dict) and set(entry) <= {"pattern", "unless"} and isinstance(entry.get("pattern"), str):
                unless, entry = _strings(entry.get("unless", []), where, "unless"), entry["pattern"]
            if not isinstance(entry, str) or not entry.strip():
                raise RuleDataError(f"{where}: every entry must be a non-empty string or {{pattern, unless}}")
            _once(seen, entry, unless, f"{filename}:{_line_of(filename, entry, cue_line)}: cue class '{name}'")
            try:
                tree = parse(entry, word, units)
                unless_trees = [parse(u, word, units) for u in unless]
                for checked in (tree, *unless_trees):
                    linear(checked)
            except PatternError as exc:
                raise RuleDataError(f"{filename}:{_line_of(filename, entry, cue_line)}: cue class '{name}': "
                                    f"bad entry {entry!r}: {exc}") from None
            if unless_trees:
                # the lexicon look-up has no antipatterns: such an entry runs as a pattern
                tree = Alt((tree,))
                unless_of[id(tree)] = unless_trees
            (lexical if is_lexical(tree) else macros).setdefault(name, []).append(tree)
    missing = [c for c in ENGINE_CLASSES if c not in cues]
    if missing:
        raise RuleDataError(f"{filename}: [cues] needs the classes the engine reads: {', '.join(missing)}")
    for name in ENGINE_CLASSES:
        if name in macros:
            raise RuleDataError(f"{filename}: cue class '{name}' is read by the engine before patterns run: "
                                "its entries must be plain words and phrases")
    compiler = Compiler(stem=morphology.stem,
                        lexical=set(lexical), macros=macros, macro_unless=unless_of)
    for name, trees in macros.items():
        for tree in trees:
            unknown = classes_used(tree) - set(cues)
            if unknown:
                raise RuleDataError(f"{filename}:{_line_of(filename, name, cue_line)}: cue class '{name}': "
                                    f"unknown cue class @{sorted(unknown)[0]}")
    try:
        order = compiler.macro_order()
        uses = {name: set().union(*(classes_used(tree) for tree in macros[name])) for name in order}
        macro_classes = tuple(
            (name, compiler.macro_patterns(name), any(name in uses[later] for later in order[n + 1:]))
            for n, name in enumerate(order))
    except (PatternError, re.error) as exc:
        raise RuleDataError(f"{filename}:{cue_line}: [cues]: {exc}") from None
    lexicon = Lexicon(lexical, compiler.word_keys)

    def compile_one(source: str, where_line: int, rule_id: str, own_unless=()) -> Pattern:
        line = _line_of(filename, source, where_line)
        try:
            tree = parse(source, word, units)
            linear(tree)
            unknown = classes_used(tree) - set(cues)
            if unknown:
                raise PatternError(f"unknown cue class @{sorted(unknown)[0]}")
            return Pattern(source, compiler.regex(tree), compiler.first_keys(tree),
                           tuple(compiler.required(tree)), unless=own_unless)
        except (PatternError, re.error) as exc:
            raise RuleDataError(f"{filename}:{line}: rule '{rule_id}': bad pattern {source!r}: {exc}") from None

    def compile_all(sources, where_line: int, rule_id: str, key: str) -> tuple[Pattern, ...]:
        """A list of patterns; in `patterns` and `ignore`, an entry may be a table with
        its own antipatterns: {pattern = "...", unless = ["..."]} (an ignore entry that
        must not swallow a real remedy or question inside it)."""
        if isinstance(sources, str):
            sources = [sources]
        where = f"{filename}:{where_line}: rule '{rule_id}'"
        if not isinstance(sources, list):
            raise RuleDataError(f"{where}: '{key}' must be a list")
        out = []
        seen: dict[str, str] = {}
        for entry in sources:
            if isinstance(entry, str) or isinstance(entry, dict) and isinstance(entry.get("pattern"), str):
                text = entry if isinstance(entry, str) else entry["pattern"]
                _once(seen, text, entry.get("unless", []) if isinstance(entry, dict) else [],
                      f"{filename}:{_line_of(filename, text, where_line)}: rule '{rule_id}': '{key}'")
            if isinstance(entry, dict) and key in OWN_UNLESS and set(entry) <= {"pattern", "unless"} \
                    and isinstance(entry.get("pattern"), str):
                own = tuple(compile_one(u, where_line, rule_id) for u in _strings(entry.get("unless", []), where, "unless"))
                out.append(compile_one(entry["pattern"], where_line, rule_id, own))
            elif isinstance(entry, str) and entry.strip():
                out.append(compile_one(entry, where_line, rule_id))
            else:
                raise RuleDataError(f"{where}: every entry of '{key}' must be a pattern string"
                                    + (" or {pattern = \"...\", unless = [...]}" if key in OWN_UNLESS else ""))
        return tuple(out)

    principles = data.get("principles", {})
    if not isinstance(principles, dict):
        raise RuleDataError(f"{filename}: [principles] must be a table of page titles")
    for slug, title in principles.items():
        where = f"[principles] '{slug}'"
        if not isinstance(title, str) or not title.strip():
            raise RuleDataError(f"{filename}:{_line_of(filename, slug, lines.get('principles', 1))}: {where}: "
                                "the title must be a non-empty string")
        _plain_text(filename, title, lines.get("principles", 1), where, "title")
    entries = data.get("rules", {})
    for rule_id in entries:
        if rule_id not in cat:
            raise RuleDataError(f"{filename}:{lines.get(f'rules.{rule_id}', 1)}: rule '{rule_id}' is not in rules/catalogue.toml")
    rules = []
    for rule_id, meta in cat.items():
        table_line = lines.get(f"rules.{rule_id}", 1)
        where = f"{filename}:{table_line}: rule '{rule_id}'"
        entry = entries.get(rule_id)
        if entry is None:
            raise RuleDataError(f"{where}: missing (every catalogue rule needs its data in every language)")
        if meta["principle"] not in principles:
            raise RuleDataError(f"{filename}: [principles] has no title for '{meta['principle']}' (rule '{rule_id}')")
        kind = meta["kind"]
        allowed = {"title", "message", "bad", "good"} | {
            "presence": {"patterns", "unless", "unless_sentence", "unless_reply", "unless_met"}, "absence": {"patterns", "ignore"},
            "length": set(), "scenario": {"scenario"}}[kind]
        for key in ("title", "message"):
            if not _require(entry, key, str, where).strip():
                raise RuleDataError(f"{where}: '{key}' is empty")
            _plain_text(filename, entry[key], table_line, f"rule '{rule_id}'", key)
        unknown = set(entry) - allowed
        if unknown:
            raise RuleDataError(f"{where}: unknown key(s) for {kind} rules: {', '.join(sorted(unknown))}")
        patterns = ()
        if kind in ("presence", "absence"):
            patterns = compile_all(_require(entry, "patterns", list, where), table_line, rule_id, "patterns")
            if not patterns:
                raise RuleDataError(f"{where}: 'patterns' is empty")
        if kind == "scenario" and not isinstance(entry.get("scenario"), str):
            raise RuleDataError(f"{where}: a scenario rule needs 'scenario', the scenario its examples use")
        examples = []
        for key, fires in (("bad", True), ("good", False)):
            texts = _require(entry, key, list, where)
            if len(texts) < MIN_EXAMPLES:
                raise RuleDataError(f"{where}: needs at least {MIN_EXAMPLES} '{key}' examples, has {len(texts)}")
            for text in texts:
                if not isinstance(text, str) or not text.strip():
                    raise RuleDataError(f"{where}: every '{key}' example must be a non-empty string")
                example = Example.parse(text, fires)
                if fires and kind == "presence" and not example.spans:
                    raise RuleDataError(f"{where}: bad example must mark its span with [[ ]]: {text!r}")
                if not fires and example.spans:
                    raise RuleDataError(f"{where}: good example has a [[ ]] span: {text!r}")
                examples.append(example)
        rules.append(Rule(
            id=rule_id, kind=kind, severity=meta["severity"],
            sources=tuple(meta["sources"]), principle=meta["principle"],
            title=entry["title"], message=entry["message"],
            patterns=patterns,
            unless=compile_all(entry.get("unless", []), table_line, rule_id, "unless"),
            unless_sentence=compile_all(entry.get("unless_sentence", []), table_line, rule_id, "unless_sentence"),
            unless_reply=compile_all(entry.get("unless_reply", []), table_line, rule_id, "unless_reply"),
            unless_met=_absence_rules(entry.get("unless_met", []), cat, where),
            ignore=compile_all(entry.get("ignore", []), table_line, rule_id, "ignore"),
            max_words=meta.get("max_words"),
            scenario=entry.get("scenario") if kind == "scenario" else None,
            examples=tuple(examples),
        ))
    lang = Language(
        code=code,
        name=_require(data, "name", str, filename),
        principles=principles,
        rules=tuple(rules),
        morphology=morphology,
        sentences=sentences,
        lexicon=lexicon,
        negation_window=window,
        negation_window_back=window_back,
        scope_keeps=keeps,
        compiler=compiler,
        cues={k: list(v) for k, v in cues.items()},
        macro_classes=macro_classes,
        model=_model(code, cat),
    )
    object.__setattr__(lang, "required_sets", index_required(p for p, _ in lang._patterns()))
    return lang
