"""Apply one language's rules to a text. Five rule kinds cover every rule:

presence  each match of `patterns` is a finding (unless it overlaps an `unless` match)
absence   a finding when no `patterns` match (text matched by `ignore` does not count)
sequence  a `patterns` match followed in its sentence, or by the first word of the
          next one, by a `then` match, unless that clause is itself another `patterns` match
          (matches inside text that `ignore` matches do not count)
length    more than `max_words` words
scenario  none of the exercise scenario's key terms appear
"""
from __future__ import annotations

import re
from dataclasses import replace

from .normalize import Folded, fold
from .prefilter import Literals
from .report import Finding, Report
from .rules import LANGUAGES, Language, Rule, language
from .scenarios import ScenarioText, scenario as load_scenario

MAX_CHARS = 5000
_SENTENCE_END = re.compile(r"[.!?;]+\"?'?(?= |$)")
_MASK = "\x00"


class CheckInputError(ValueError):
    """The text, language or scenario cannot be checked; the message says why."""


def word_count(text: str) -> int:
    """Words as the contract counts them: whitespace-separated tokens with a letter."""
    return sum(1 for token in text.split() if any(map(str.isalpha, token)))


def _sentences(doc: Folded) -> list[tuple[int, int]]:
    """(start, end) of each sentence in the folded text."""
    cuts = {m.end() for m in _SENTENCE_END.finditer(doc.text)}
    cuts.update(doc.line_breaks)
    spans, start = [], 0
    for cut in sorted(cuts) + [len(doc.text)]:
        if cut > start:
            spans.append((start, cut))
            start = cut
    return spans


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


class _Scan:
    """The regex work on one folded text, each pattern run at most once
    (rules share patterns, e.g. the apology vocabulary) and skipped outright
    when the literals it needs are not in the text."""

    def __init__(self, doc: Folded):
        self.doc = doc
        self.words = word_count(doc.original)
        self.literals = Literals(doc.text)
        self._spans: dict[re.Pattern, list[tuple[int, int]]] = {}

    def spans(self, pattern: re.Pattern) -> list[tuple[int, int]]:
        if pattern not in self._spans:
            text = self.doc.text
            self._spans[pattern] = ([(m.start(), m.end()) for m in pattern.finditer(text) if m.end() > m.start()]
                                    if self.literals.may_match(pattern) else [])
        return self._spans[pattern]

    def found(self, pattern: re.Pattern) -> bool:
        """Whether the pattern matches at all (a search, unless its spans are known)."""
        if pattern in self._spans:
            return bool(self._spans[pattern])
        return self.literals.may_match(pattern) and pattern.search(self.doc.text) is not None

    def matches(self, patterns) -> list[tuple[int, int]]:
        """Non-overlapping match spans of all patterns, earliest and longest first."""
        found = sorted({span for p in patterns for span in self.spans(p)}, key=lambda s: (s[0], -s[1]))
        kept: list[tuple[int, int]] = []
        for span in found:
            if not kept or span[0] >= kept[-1][1]:
                kept.append(span)
        return kept


def _presence(rule: Rule, scan: _Scan) -> list[tuple[int, int]]:
    vetoes = scan.matches(rule.unless)
    return [s for s in scan.matches(rule.patterns) if not any(_overlaps(s, v) for v in vetoes)]


def _absent(rule: Rule, scan: _Scan) -> bool:
    text = scan.doc.text
    ignored = scan.matches(rule.ignore)
    for start, end in ignored:
        text = text[:start] + _MASK * (end - start) + text[end:]
    if not ignored:
        return not any(scan.found(p) for p in rule.patterns)
    masked = Literals(text)
    return not any(masked.may_match(p) and p.search(text) for p in rule.patterns)


def _sequence(rule: Rule, scan: _Scan) -> list[tuple[int, int]]:
    doc = scan.doc
    text, sentences = doc.text, _sentences(doc)
    by_connective: dict[int, tuple[int, int]] = {}

    def clause_apologises(start: int, end: int) -> bool:
        return any(start <= s and e <= end for p in rule.patterns for s, e in scan.spans(p))

    denied = scan.matches(rule.ignore)
    for a_start, a_end in scan.matches(rule.patterns):
        if any(_overlaps((a_start, a_end), d) for d in denied):
            continue  # "we will not apologise, but ..." is no apology taken back
        index = next(i for i, (s, e) in enumerate(sentences) if s <= a_start < e)
        s_end = sentences[index][1]
        hit = None
        for p in rule.then:
            m = p.search(text, a_end, s_end)
            if m and (hit is None or m.start() < hit[0]):
                hit = (m.start(), m.end(), s_end)
        if hit is None and index + 1 < len(sentences):
            n_start, n_end = sentences[index + 1]
            first_word = n_start + len(text[n_start:n_end]) - len(text[n_start:n_end].lstrip(" \"'-"))
            for p in rule.then:
                m = p.match(text, first_word, n_end)
                if m:
                    hit = (m.start(), m.end(), n_end)
                    break
        if hit is None or clause_apologises(hit[1], hit[2]):
            continue
        # Several apologies before one connective: report the closest one.
        by_connective[hit[0]] = (a_start, hit[1])
    return sorted(by_connective.values())


def _names_problem(doc: Folded, lang: Language, text: ScenarioText) -> bool:
    for term in text.key_terms:
        pattern = r"(?<!\w)(?:" + lang.word_prefix + ")" + re.escape(fold(term).strip())
        if re.search(pattern, doc.text):
            return True
    return False


def _finding(rule: Rule, lang: Language, doc: Folded | None, span: tuple[int, int] | None) -> Finding:
    start = end = excerpt = None
    if span is not None:
        start, end = doc.span(*span) if doc is not None else span
        excerpt = doc.original[start:end] if doc is not None else None
    return Finding(
        rule=rule.id, severity=rule.severity, start=start, end=end, excerpt=excerpt,
        message=rule.message, principle=rule.principle,
        principle_title=lang.principles[rule.principle],
        url=("" if lang.code == "en" else f"{lang.code}/") + f"{rule.principle}/",
    )


def run_rule(rule: Rule, lang: Language, scan: _Scan, scenario_text: ScenarioText | None = None) -> list[Finding]:
    """Findings of one rule on a folded text."""
    doc = scan.doc
    if rule.kind == "presence":
        return [_finding(rule, lang, doc, s) for s in _presence(rule, scan)]
    if rule.kind == "sequence":
        return [_finding(rule, lang, doc, s) for s in _sequence(rule, scan)]
    if rule.kind == "absence":
        return [_finding(rule, lang, None, None)] if _absent(rule, scan) else []
    if rule.kind == "length":
        if scan.words > rule.max_words:
            whole = _finding(rule, lang, None, (0, len(doc.original)))
            return [replace(whole, excerpt=doc.original)]
        return []
    if rule.kind == "scenario":
        if scenario_text is not None and not _names_problem(doc, lang, scenario_text):
            return [_finding(rule, lang, None, None)]
        return []
    raise AssertionError(rule.kind)


def check(text: str, lang: str, scenario: str | None = None) -> Report:
    """Check a learner's reply against every rule of its language."""
    if lang not in LANGUAGES:
        raise CheckInputError(f"unknown language '{lang}' (choose one of: {', '.join(LANGUAGES)})")
    if not isinstance(text, str):
        raise CheckInputError("the text must be a string")
    if not text.strip():
        raise CheckInputError("the text is empty")
    if len(text) > MAX_CHARS:
        raise CheckInputError(f"the text has {len(text)} characters; the limit is {MAX_CHARS}")
    scenario_text = None
    if scenario is not None:
        try:
            scenario_text = load_scenario(scenario).text(lang)
        except KeyError:
            raise CheckInputError(f"unknown scenario '{scenario}'") from None
    rules = language(lang)
    scan = _Scan(Folded.of(text))
    findings = [f for rule in rules.rules for f in run_rule(rule, rules, scan, scenario_text)]
    findings.sort(key=Finding.sort_key)
    return Report(
        lang=lang, scenario=scenario,
        passed=not any(f.severity == "error" for f in findings),
        words=scan.words, findings=tuple(findings),
    )
