"""Load and validate the rule data: the catalogue (what each rule is) and one
file per language (how it is recognised, what it says, its examples).

Every mistake in the data raises RuleDataError naming the file and the rule, so
a broken edit fails at load time and in the tests, never silently at check time.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from .normalize import fold_char
from .prefilter import guard

KINDS = ("presence", "absence", "sequence", "length", "scenario")
SEVERITIES = ("error", "warning", "tip")
LANGUAGES = ("en", "el", "ar", "et", "he")
# An example marks the span a presence rule must report with [[ and ]].
SPAN_MARK = re.compile(r"\[\[(.+?)\]\]", re.S)
_VOCAB_REF = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
MIN_EXAMPLES = 4


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
    patterns: tuple[re.Pattern, ...] = ()
    unless: tuple[re.Pattern, ...] = ()   # presence: drop a match that overlaps one of these
    ignore: tuple[re.Pattern, ...] = ()   # absence: text these match does not count
    then: tuple[re.Pattern, ...] = ()     # sequence: what must not follow the pattern
    max_words: int | None = None
    scenario: str | None = None           # scenario kind: the scenario its examples use
    examples: tuple[Example, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    word_prefix: str                 # clitics a key term may carry (ar, he)
    principles: dict[str, str]      # page slug -> title in this language
    rules: tuple[Rule, ...]

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


def fold_pattern(source: str) -> str:
    """Fold a regular expression's literal text the way texts are folded,
    leaving escapes such as \\b and \\S alone."""
    out, escaped = [], False
    for ch in source:
        if escaped:
            out.append(ch)
            escaped = False
        elif ch == "\\":
            out.append(ch)
            escaped = True
        elif ch.isspace():
            out.append(" ")
        else:
            out.append(fold_char(ch) if ch not in ".()[]{}|?*+^$" else ch)
    return "".join(out)


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


def _require(table: dict, key: str, kind: type, where: str):
    if key not in table:
        raise RuleDataError(f"{where}: '{key}' is missing")
    value = table[key]
    if not isinstance(value, kind):
        raise RuleDataError(f"{where}: '{key}' must be a {kind.__name__}")
    return value


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


class _Compiler:
    """Expands {vocab} references and compiles folded patterns for one file."""

    def __init__(self, filename: str, vocab: dict):
        self.filename = filename
        self.vocab = vocab
        self._expanded: dict[str, str] = {}

    def expand(self, source: str, where: str, seen: tuple[str, ...] = ()) -> str:
        def sub(m: re.Match) -> str:
            name = m.group(1)
            if name not in self.vocab:
                raise RuleDataError(f"{where}: unknown vocabulary '{{{name}}}'")
            if name in seen:
                raise RuleDataError(f"{where}: vocabulary '{name}' refers to itself")
            if name not in self._expanded:
                inner = self.expand(self.vocab[name], f"{self.filename}: vocab '{name}'", seen + (name,))
                self._expanded[name] = f"(?:{inner})"
            return self._expanded[name]

        # {2,5}-style quantifiers do not match _VOCAB_REF (it needs a letter first).
        return _VOCAB_REF.sub(sub, source)

    def compile(self, sources, where: str) -> tuple[re.Pattern, ...]:
        if isinstance(sources, str):
            sources = [sources]
        if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
            raise RuleDataError(f"{where}: patterns must be a list of strings")
        compiled = []
        for source in sources:
            try:
                folded = fold_pattern(self.expand(source, where))
                re.compile(folded)  # report a mistake against what the editor wrote
                compiled.append(re.compile(guard(folded)))
            except re.error as exc:
                raise RuleDataError(f"{where}: bad pattern {source!r}: {exc}") from None
        return tuple(compiled)


@lru_cache(maxsize=None)
def language(code: str) -> Language:
    """The validated rule set for one language."""
    filename = f"rules/{code}.toml"
    data = _read_toml(filename)
    cat = catalogue()
    vocab = data.get("vocab", {})
    if not isinstance(vocab, dict) or not all(isinstance(v, str) for v in vocab.values()):
        raise RuleDataError(f"{filename}: [vocab] must map names to pattern strings")
    compiler = _Compiler(filename, vocab)
    principles = data.get("principles", {})
    entries = data.get("rules", {})
    lines = _table_lines(filename)
    for rule_id in entries:
        if rule_id not in cat:
            raise RuleDataError(f"{filename}:{lines.get(f'rules.{rule_id}', 1)}: rule '{rule_id}' is not in rules/catalogue.toml")
    rules = []
    for rule_id, meta in cat.items():
        where = f"{filename}:{lines.get(f'rules.{rule_id}', 1)}: rule '{rule_id}'"
        entry = entries.get(rule_id)
        if entry is None:
            raise RuleDataError(f"{where}: missing (every catalogue rule needs its data in every language)")
        if meta["principle"] not in principles:
            raise RuleDataError(f"{filename}: [principles] has no title for '{meta['principle']}' (rule '{rule_id}')")
        kind = meta["kind"]
        patterns = ()
        if kind in ("presence", "absence", "sequence"):
            patterns = compiler.compile(_require(entry, "patterns", list, where), where)
            if not patterns:
                raise RuleDataError(f"{where}: 'patterns' is empty")
        if kind == "scenario" and not isinstance(entry.get("scenario"), str):
            raise RuleDataError(f"{where}: a scenario rule needs 'scenario', the scenario its examples use")
        then = compiler.compile(entry.get("then", []), where)
        if kind == "sequence" and not then:
            raise RuleDataError(f"{where}: a sequence rule needs 'then' patterns")
        examples = []
        for key, fires in (("bad", True), ("good", False)):
            texts = _require(entry, key, list, where)
            if len(texts) < MIN_EXAMPLES:
                raise RuleDataError(f"{where}: needs at least {MIN_EXAMPLES} '{key}' examples, has {len(texts)}")
            for text in texts:
                if not isinstance(text, str) or not text.strip():
                    raise RuleDataError(f"{where}: every '{key}' example must be a non-empty string")
                example = Example.parse(text, fires)
                if fires and kind in ("presence", "sequence") and not example.spans:
                    raise RuleDataError(f"{where}: bad example must mark its span with [[ ]]: {text!r}")
                if not fires and example.spans:
                    raise RuleDataError(f"{where}: good example has a [[ ]] span: {text!r}")
                examples.append(example)
        rules.append(Rule(
            id=rule_id, kind=kind, severity=meta["severity"],
            sources=tuple(meta["sources"]), principle=meta["principle"],
            title=_require(entry, "title", str, where),
            message=_require(entry, "message", str, where),
            patterns=patterns,
            unless=compiler.compile(entry.get("unless", []), where),
            ignore=compiler.compile(entry.get("ignore", []), where),
            then=then,
            max_words=meta.get("max_words"),
            scenario=entry.get("scenario") if kind == "scenario" else None,
            examples=tuple(examples),
        ))
    return Language(
        code=code,
        name=_require(data, "name", str, filename),
        word_prefix=fold_pattern(data.get("word_prefix", "")),
        principles=principles,
        rules=tuple(rules),
    )
