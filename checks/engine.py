"""Check a text against one language's rules, in three stages:

1. tokens (tokens.py): words with their readings and stems, sentences, questions;
2. tags: cue-class instances from the lexicon (cues.py), then the scope of each
   negator ("#neg"; "#refused" for a refusing one: can't, won't, not possible),
   questions ("#q": a question mark, or a question opener at the start), the
   first word of a sentence ("#first") and capitalised words elsewhere ("#cap"),
   and quotations (a presence finding wholly inside quotation marks is a mention,
   not a use, and is dropped);
3. rules: each pattern (patterns.py) is one regular expression over the tagged
   token stream.

Rule kinds:
presence  each match of `patterns` is a finding, unless it overlaps a match of `unless`
          or its sentence holds a match of `unless_sentence` (the fault owned there); no
          finding at all when the reply holds a match of `unless_reply` (the writer
          commits to something somewhere: principle 7 of the corpus guide), or when it
          meets an absence rule named in `unless_met` (it has a follow-up, a remedy)
absence   a finding when no `patterns` match outside the matches of `ignore`
length    more than `max_words` words
scenario  none of the exercise scenario's key terms appear
"""
from __future__ import annotations

from bisect import bisect_left
from itertools import accumulate
from dataclasses import dataclass, replace

from .cues import token_keys
from .model import reply_features, sentence_features
from .normalize import Folded
from .patterns import PREFIX, SEP, SUFFIX, TOK, class_flag_key
from .report import Finding, Report
from .rules import LANGUAGES, Language, Rule, language
from .scenarios import scenario as load_scenario
from .tokens import Token, tokenize

MAX_CHARS = 5000


class CheckInputError(ValueError):
    """The text, language or scenario cannot be checked; the message says why."""


def word_count(text: str) -> int:
    """Words as the contract counts them: whitespace-separated tokens with a letter."""
    return sum(1 for token in text.split() if any(map(str.isalpha, token)))


class Analysis:
    """One text, tokenised and tagged for one language: what every rule reads."""

    def __init__(self, text: str, lang: Language):
        self.lang = lang
        self.doc = doc = Folded.of(text)
        self.words = word_count(text)
        self.tokens, questions = tokenize(doc, lang.morphology, lang.sentences)
        keys = [token_keys(t) for t in self.tokens]
        tags = lang.lexicon.tag(self.tokens, keys)
        flags: list[set[str]] = [set() for _ in self.tokens]
        self._negation(tags, flags)
        self._questions(tags, flags, questions)
        seen_word_in = -1                     # the last sentence that had a word so far
        for i, token in enumerate(self.tokens):
            if not token.word:
                continue
            flags[i].add("#word")
            if seen_word_in != token.sentence:
                flags[i].add("#first")
                seen_word_in = token.sentence
            elif token.cap and len(token.text) > 1:
                flags[i].add("#cap")
        self.quoted = self._quotations()
        # Every key of every token: readings and stems, class tags, engine tags.
        self.token_keys = [[*keys[i], *tags[i], *flags[i]] for i in range(len(self.tokens))]
        self._class_flags(tags, flags)
        self._build_stream()
        self._matches: dict[int, list[tuple[int, int]]] = {}
        self._sentence_features = self._reply_features = None
        self.heads: dict[tuple[str, int], int] = {}    # (class, first token) -> head token
        for name, patterns, others_use_it in lang.macro_classes:
            self._tag_class(name, patterns, flags)
            if others_use_it:
                self._refresh()
        self._refresh()

    def _class_flags(self, tags, flags) -> None:
        """On the first token of each lexical class instance, the tags its rules ask of
        it ("@remedy!neg"): a lexical instance's head is its first token."""
        used = self.lang.compiler.flags_used
        for i, token_tags in enumerate(tags):
            for tag in token_tags:
                if tag[0] == "@" and tag[1:] in used:
                    self.token_keys[i].extend(
                        class_flag_key(tag[1:], flag, "#" + flag in flags[i]) for flag, _ in used[tag[1:]])

    def _tag_class(self, name: str, patterns, flags) -> None:
        """Tag the instances of a class with pattern entries, found by its own patterns
        over the stream as tagged so far; at each token the longest instance counts."""
        used = self.lang.compiler.flags_used.get(name, ())
        longest: dict[int, tuple] = {}
        for pattern in patterns:
            if not self._may_match(pattern):
                continue
            vetoes = self.all_matches(pattern.unless) if pattern.unless else ()
            for (start, end), m in self._spans(pattern, every_start=True):
                if vetoes and any(self.offsets[self.item_of[a]] < end and start < self._end_offset(b)
                                  for a, b in vetoes):
                    continue
                if start not in longest or end > longest[start][0]:
                    longest[start] = (end, m, pattern.heads)
        for start, (end, m, heads) in longest.items():
            a = bisect_left(self.offsets, start)
            b = bisect_left(self.offsets, end)
            real = [self.items[k] for k in range(a, b) if self.items[k] is not None]
            if not real:
                continue
            group = next((g for g in heads if m.start(g) >= 0), None)
            head_token = self.items[bisect_left(self.offsets, m.start(group))] if group else None
            head_token = real[0] if head_token is None else head_token
            if group and "_" in group:
                # the head is a class instance: its own head is the one that counts
                head_token = self.heads.get((group.split("_", 1)[1], head_token), head_token)
            self.heads[name, real[0]] = head_token
            self._add_keys(real[0], ["@" + name] + [class_flag_key(name, flag, "#" + flag in flags[head_token])
                                                     for flag, _ in used])
            for k in range(real[0] + 1, real[-1] + 1):
                self._add_keys(k, ["&" + name])

    def _end_offset(self, token_end: int) -> int:
        """Stream offset just past the token before token_end."""
        i = self.item_of[token_end - 1]
        return self.offsets[i + 1] if i + 1 < len(self.offsets) else len(self.stream)

    def _add_keys(self, i: int, keys: list[str]) -> None:
        have = self.token_keys[i]
        new = [k for k in keys if k not in have]
        if new:
            have.extend(new)
            sets = self.lang.required_sets
            sentence_met = self.sentence_met[self.tokens[i].sentence]
            for key in new:
                self.positions.setdefault(key, []).append(self.item_of[i])
                if key in sets:
                    self.met.update(sets[key])
                    sentence_met.update(sets[key])
            self._dirty.add(i)

    def _piece(self, i: int) -> str:
        return TOK + SEP + SEP.join(self.token_keys[i]) + SEP

    def _build_stream(self) -> None:
        pieces, items, item_of = [], [], []
        positions: dict[str, list[int]] = {}    # key -> stream items that carry it
        sets = self.lang.required_sets
        # The required key sets each sentence meets, and each stream item's sentence
        # (a `$` item's is the one it ends): see Pattern.one_sentence.
        sentence_keys = [set() for _ in range(self.tokens[-1].sentence + 1 if self.tokens else 0)]
        sentence_of: list[int] = []
        for i, token in enumerate(self.tokens):
            if i and token.sentence != self.tokens[i - 1].sentence:
                positions.setdefault("$", []).append(len(items))
                pieces.append(f"{TOK}{SEP}${SEP}")
                items.append(None)
                sentence_of.append(token.sentence - 1)
            n, keys = len(items), self.token_keys[i]
            item_of.append(n)
            for key in keys:
                held = positions.get(key)
                if held is None:
                    positions[key] = [n]
                else:
                    held.append(n)
            sentence_keys[token.sentence].update(keys)
            pieces.append(self._piece(i))
            items.append(i)
            sentence_of.append(token.sentence)
        if self.tokens:                        # the last sentence ends too
            positions.setdefault("$", []).append(len(items))
            pieces.append(f"{TOK}{SEP}${SEP}")
            items.append(None)
            sentence_of.append(self.tokens[-1].sentence)
        self.pieces, self.items, self.item_of, self.positions = pieces, items, item_of, positions
        self.sentence_met, self.sentence_of = [], sentence_of
        for keys in sentence_keys:
            self.sentence_met.append(set().union(*[sets[key] for key in keys & sets.keys()]))
        self.met = set().union(*self.sentence_met)     # the required key sets this text meets
        if "$" in positions and "$" in sets:           # `$` items belong to no sentence's keys
            self.met.update(sets["$"])
        self._sorted_keys = self._reversed_keys = None
        self._dirty: set[int] = set()
        self._join()

    def _refresh(self) -> None:
        """The stream again, after class tags were added to some tokens."""
        if self._dirty:
            for i in self._dirty:
                self.pieces[self.item_of[i]] = self._piece(i)
            self._dirty.clear()
            self._join()
            self._matches.clear()

    def _join(self) -> None:
        self.offsets = list(accumulate((len(p) for p in self.pieces[:-1]), initial=0))
        self.stream = "".join(self.pieces)

    # --- stage 2: negation, question and quotation tags ------------------------------

    def _quotations(self) -> list[bool]:
        """Which tokens stand inside quotation marks: a phrase quoted in order to
        reject it ("'mistakes were made' was not good enough") is mentioned, not used."""
        tokens, quoted = self.tokens, [False] * len(self.tokens)
        opened: dict[str, int] = {}
        for i, t in enumerate(tokens):
            if t.text not in ('"', "'"):
                continue
            after = i + 1 < len(tokens) and tokens[i + 1].start == t.end and tokens[i + 1].word
            before = i > 0 and tokens[i - 1].end == t.start
            if t.text in opened and (t.text == '"' or before):
                start = opened.pop(t.text)
                if i - start <= 25:
                    for k in range(start, i + 1):   # the marks belong to the quotation
                        quoted[k] = True
            elif after and (t.text == '"' or not before):
                opened[t.text] = i
        return quoted

    def _instance_end(self, tags, i: int, name: str) -> int:
        j = i
        while j + 1 < len(tags) and "&" + name in tags[j + 1]:
            j += 1
        return j

    def _negation(self, tags, flags) -> None:
        lang, tokens = self.lang, self.tokens
        for i, token_tags in enumerate(tags):
            for name, forward in (("negation", True), ("refusing", True),
                                  ("negation_after", False), ("refusing_after", False)):
                if "@" + name not in token_tags or "@not_negation" in token_tags or "&not_negation" in token_tags:
                    continue
                end = self._instance_end(tags, i, name)
                marks = ("#neg", "#refused") if name.startswith("refusing") else ("#neg",)
                step, k = (1, end + 1) if forward else (-1, i - 1)
                window = lang.negation_window if forward else lang.negation_window_back
                words = 0
                while 0 <= k < len(tokens) and tokens[k].sentence == tokens[i].sentence:
                    if not tokens[k].word and (tokens[k].text not in lang.scope_keeps or self._spaced(tokens[k])):
                        break
                    if "@scope_break" in tags[k] or "&scope_break" in tags[k]:
                        break
                    words += tokens[k].word
                    if words > window:
                        break
                    flags[k].update(marks)
                    k += step

    def _spaced(self, token) -> bool:
        """Typed with white space on both sides: a dash between clauses ("without
        noticing - my apologies"), not a hyphen inside a word group."""
        text = self.doc.text
        return (token.start > 0 and text[token.start - 1].isspace()
                and token.end < len(text) and text[token.end].isspace())

    def _questions(self, tags, flags, questions) -> None:
        tokens = self.tokens
        first_word: dict[int, list[int]] = {}
        for i, token in enumerate(tokens):
            first_word.setdefault(token.sentence, []).append(i)
        for sentence, members in first_word.items():
            asks = questions[sentence]
            if not asks:
                # A question opener ("would you", "kas", "هل") at the start, or after
                # a short vocative or interjection and a comma ("Anna, would you…").
                words = [i for i in members if tokens[i].word]
                starts = words[:1]
                for i in members[:4]:      # at most three words before the comma: a name, "So"
                    if tokens[i].text == "," and i + 1 < len(tokens) and tokens[i + 1].sentence == sentence:
                        starts.append(i + 1)
                        break
                asks = any("@question_opener" in tags[i] for i in starts)
            if asks:
                for i in members:
                    flags[i].add("#q")

    # --- stage 3: patterns -------------------------------------------------------

    def matches(self, pattern) -> list[tuple[int, int]]:
        """Token ranges [first, last + 1) of a pattern's matches."""
        key = id(pattern)
        found = self._matches.get(key)
        if found is None:
            found = []
            if not self._may_match(pattern):
                return found
            for (start, end), _ in self._spans(pattern):
                a = bisect_left(self.offsets, start)
                b = bisect_left(self.offsets, end)
                real = [self.items[k] for k in range(a, b) if self.items[k] is not None]
                if real:
                    found.append((real[0], real[-1] + 1))
            if pattern.unless and found:
                vetoes = self.all_matches(pattern.unless)
                found = [r for r in found if not any(_overlaps(r, v) for v in vetoes)]
            self._matches[key] = found
        return found

    def _may_match(self, pattern) -> bool:
        """Whether the text holds one key of each exact key set the pattern requires:
        one subset test of the language's numbered sets (patterns.index_required), or
        a set test each for a pattern outside the index (a scenario's key terms).
        Sets with wild keys are left to _spans. Callers ask before _spans."""
        if pattern.need is not None:
            return self.met.issuperset(pattern.need)
        held = self.positions.keys()
        return not any(held.isdisjoint(plain) for plain in pattern.required_plain)

    def _spans(self, pattern, every_start: bool = False):
        """Stream offsets of a pattern's matches, left to right, with the match. A
        match can only start at a token that holds one of the pattern's first keys:
        try it there, and nowhere else. Matches do not overlap, unless every_start
        (a class's instances may: "happened because" and "because of")."""
        held = self.positions.keys()
        for plain, prefixes in pattern.required_split:
            if held.isdisjoint(plain) and not any(map(self._holds_wild, prefixes)):
                return
        if pattern.first is None:
            starts = range(len(self.items))
        else:
            plain, prefixes = pattern.first_split
            found = {i for k in held & plain for i in self.positions[k]}
            for k in prefixes:
                found.update(self._positions_of(k))
            starts = sorted(found)
        reached, offsets, stream, match = -1, self.offsets, self.stream, pattern.regex.match
        # Within one sentence, a start needs its sentence to hold the required keys.
        need = pattern.need if pattern.one_sentence else None
        sentence_met, sentence_of = self.sentence_met, self.sentence_of
        for i in starts:
            if offsets[i] < reached or (need and not sentence_met[sentence_of[i]].issuperset(need)):
                continue
            m = match(stream, offsets[i])
            if m and m.end() > m.start():
                if not every_start:
                    reached = m.end()
                yield (m.start(), m.end()), m

    def _holds_wild(self, key: str) -> bool:
        """Whether some key fits a wild key (asked some 800 times a check in Arabic:
        one look-up in the sorted keys, no list made)."""
        if key[1:2] == SUFFIX:
            return bool(self._suffixed(key))
        keys = self._sorted_keys
        if keys is None:
            keys = self._sorted_keys = sorted(self.positions)
        stem = key[:-1]
        i = bisect_left(keys, stem)
        return i < len(keys) and keys[i].startswith(stem)

    def _prefixed(self, key: str) -> list[str]:
        """The keys that begin with key (less its PREFIX mark): "=refund" + PREFIX ->
        "=refund", "=refunded" ... Readings never change once tokens are read, so the
        sorted list of keys is made once."""
        if self._sorted_keys is None:
            self._sorted_keys = sorted(self.positions)
        stem = key[:-1]
        keys, start = self._sorted_keys, bisect_left(self._sorted_keys, stem)
        end = start
        while end < len(keys) and keys[end].startswith(stem):
            end += 1
        return keys[start:end]

    def _suffixed(self, key: str) -> list[str]:
        """The keys that end with key's ending and carry its marker: "=" + SUFFIX +
        "site" -> "=site", "=teadsite" ... (one sorted list of reversed keys, made once)."""
        if self._reversed_keys is None:
            self._reversed_keys = sorted(k[::-1] for k in self.positions)
        marker, back = key[0], key[2:][::-1]
        keys, start = self._reversed_keys, bisect_left(self._reversed_keys, back)
        found = []
        while start < len(keys) and keys[start].startswith(back):
            if keys[start][-1] == marker:
                found.append(keys[start][::-1])
            start += 1
        return found

    def _wild_keys(self, key: str) -> list[str]:
        return self._suffixed(key) if key[1:2] == SUFFIX else self._prefixed(key)

    def _positions_of(self, key: str):
        if key.endswith(PREFIX) or key[1:2] == SUFFIX:
            return [i for k in self._wild_keys(key) for i in self.positions[k]]
        return self.positions.get(key, ())

    def all_matches(self, patterns) -> list[tuple[int, int]]:
        """The matches of several patterns, overlapping or touching ones merged into one."""
        merged: list[tuple[int, int]] = []
        met = self.met      # most patterns cannot match: ruled out here (as _may_match would), before a call each
        for r in sorted({r for p in patterns if p.need is None or met.issuperset(p.need) for r in self.matches(p)}):
            if merged and r[0] <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], r[1]))
            else:
                merged.append(r)
        return merged

    def sentence_features(self) -> list[tuple[int, int, frozenset[str]]]:
        """Per sentence, its token range and the keys the learned weights read."""
        if self._sentence_features is None:
            self._sentence_features = sentence_features(self.tokens, self.token_keys)
        return self._sentence_features

    def reply_features(self) -> frozenset[str]:
        if self._reply_features is None:
            self._reply_features = reply_features(self.sentence_features())
        return self._reply_features

    def learned_sentences(self, rule_id: str) -> list[tuple[tuple[int, int], frozenset[str]]]:
        """The sentences whose score for a presence rule reaches its learned threshold:
        each as a token range (from its first word on) and the keys that scored it."""
        weights = self.lang.model[rule_id]
        out = []
        if weights.threshold is None:
            return out
        tokens = self.tokens
        for first, end, keys in self.sentence_features():
            if weights.reaches(keys):
                word = next((i for i in range(first, end) if tokens[i].word), None)
                if word is not None:
                    out.append(((word, end), keys))
        return out

    def silenced(self, rule_id: str, found: tuple[int, int]) -> frozenset[str] | None:
        """When every sentence a pattern match touches scores below the rule's
        silent_below, the keys of the one that scored highest; otherwise None."""
        weights = self.lang.model[rule_id]
        return self.all_below(weights, found, weights.silent_below)

    def all_below(self, weights, found: tuple[int, int], level: float | None) -> frozenset[str] | None:
        """When every sentence a token range touches scores below the level, the keys
        of the one that scored highest; otherwise None."""
        touched = [keys for first, end, keys in self.sentence_features() if first < found[1] and found[0] < end]
        if touched and all(weights.below(keys, level) for keys in touched):
            return max(touched, key=weights.logit)
        return None

    def span(self, tokens: tuple[int, int]) -> tuple[int, int]:
        """Offsets in the text as typed of a token range."""
        first, last = self.tokens[tokens[0]], self.tokens[tokens[1] - 1]
        return self.doc.span(first.start, last.end)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def presence(rule: Rule, analysis: Analysis) -> list[tuple[int, int]]:
    # The rule's own patterns first: on most replies none matches, and then none of
    # its antipatterns needs to run.
    found = analysis.all_matches(rule.patterns)
    weights = analysis.lang.model.get(rule.id)
    if weights is not None:
        if found and weights.silent_below is not None:
            found = [r for r in found if analysis.silenced(rule.id, r) is None]
        if weights.threshold is not None:
            found += [s for s, _ in analysis.learned_sentences(rule.id) if not any(_overlaps(s, r) for r in found)]
    if not found:
        return []
    if rule.unless_reply and any(analysis.matches(p) for p in rule.unless_reply):
        return []
    if any(not absent(analysis.lang.rule(met), analysis) for met in rule.unless_met):
        return []
    vetoes = analysis.all_matches(rule.unless)
    tokens = analysis.tokens
    owning = {tokens[i].sentence for a, b in analysis.all_matches(rule.unless_sentence) for i in range(a, b)}
    return sorted(r for r in found
                  if not any(_overlaps(r, v) for v in vetoes) and not all(analysis.quoted[r[0]:r[1]])
                  and not owning.intersection(tokens[i].sentence for i in range(*r)))


def lone_doubted(rule: Rule, analysis: Analysis) -> list[frozenset[str]] | None:
    """When every sentence a presence rule's findings touch scores below the rule's
    lone_below (doubted enough to drop them if they are the reply's only error): the
    keys of the highest-scoring sentence of each; otherwise None. Asked first whether
    the rule has a lone_below at all, before its findings are looked for again."""
    weights = analysis.lang.model.get(rule.id)
    if rule.kind != "presence" or weights is None or weights.lone_below is None:
        return None
    found = presence(rule, analysis)
    keys = [analysis.all_below(weights, r, weights.lone_below) for r in found]
    return None if not keys or any(k is None for k in keys) else keys


def absent(rule: Rule, analysis: Analysis) -> bool:
    ignored = None      # the rule's ignore patterns run only once an entry has matched
    for pattern in rule.patterns:
        found = analysis.matches(pattern)
        if found:
            if ignored is None:
                ignored = analysis.all_matches(rule.ignore)
            if any(not any(_overlaps(r, v) for v in ignored) for r in found):
                return False
    # Nothing the patterns know: the learned weights may still be sure it is there.
    weights = analysis.lang.model.get(rule.id)
    return weights is None or not weights.reaches(analysis.reply_features())


def _finding(rule: Rule, lang: Language, analysis: Analysis | None, tokens: tuple[int, int] | None) -> Finding:
    start = end = excerpt = None
    if tokens is not None:
        start, end = analysis.span(tokens)
        excerpt = analysis.doc.original[start:end]
    return Finding(
        rule=rule.id, severity=rule.severity, start=start, end=end, excerpt=excerpt,
        message=rule.message, principle=rule.principle,
        principle_title=lang.principles[rule.principle],
        url=("" if lang.code == "en" else f"{lang.code}/") + f"{rule.principle}/",
    )


def run_rule(rule: Rule, lang: Language, analysis: Analysis, key_terms=None) -> list[Finding]:
    """Findings of one rule on an analysed text."""
    if rule.kind == "presence":
        return [_finding(rule, lang, analysis, r) for r in presence(rule, analysis)]
    if rule.kind == "absence":
        return [_finding(rule, lang, None, None)] if absent(rule, analysis) else []
    if rule.kind == "length":
        if analysis.words > rule.max_words:
            whole = _finding(rule, lang, None, None)
            original = analysis.doc.original
            return [replace(whole, start=0, end=len(original), excerpt=original)]
        return []
    if rule.kind == "scenario":
        if key_terms is not None and not any(analysis.matches(p) for p in key_terms):
            return [_finding(rule, lang, None, None)]
        return []
    raise AssertionError(rule.kind)


def analyse(text: str, lang: str) -> Analysis:
    """Tokens, tags and the token stream of a text (for `check` and `--explain`)."""
    return Analysis(text, language(lang))


def rules_and_key_terms(lang: str, scenario: str | None = None):
    """The rules of a language and the key terms of a scenario (None without one);
    CheckInputError when either is unknown. A batch asks once, before any reply."""
    if lang not in LANGUAGES:
        raise CheckInputError(f"unknown language '{lang}' (choose one of: {', '.join(LANGUAGES)})")
    rules = language(lang)
    if scenario is None:
        return rules, None
    try:
        load_scenario(scenario).text(lang)
    except KeyError:
        raise CheckInputError(f"unknown scenario '{scenario}'") from None
    return rules, rules.key_terms(scenario)


def lone_error(findings: list[Finding]) -> str | None:
    """The rule of the reply's only error, when exactly one rule reports errors."""
    errors = {f.rule for f in findings if f.severity == "error"}
    return next(iter(errors)) if len(errors) == 1 else None


def run_rules(analysis: Analysis, key_terms=None) -> list[Finding]:
    """Findings of every rule of the text's language, before the learned layer drops
    a lone one (lone_doubt_dropped)."""
    return [f for rule in analysis.lang.rules for f in run_rule(rule, analysis.lang, analysis, key_terms)]


def lone_doubt_dropped(findings: list[Finding], analysis: Analysis) -> list[Finding]:
    """The findings without those of a presence rule that is the reply's only error
    when the weights doubt every sentence it touches (the rule's lone_below)."""
    rule_id = lone_error(findings)
    if rule_id is None or lone_doubted(analysis.lang.rule(rule_id), analysis) is None:
        return findings
    return [f for f in findings if f.rule != rule_id]


def check(text: str, lang: str, scenario: str | None = None) -> Report:
    """Check a learner's reply against every rule of its language."""
    rules, key_terms = rules_and_key_terms(lang, scenario)
    if not isinstance(text, str):
        raise CheckInputError("the text must be a string")
    if not text.strip():
        raise CheckInputError("the text is empty")
    if len(text) > MAX_CHARS:
        raise CheckInputError(f"the text has {len(text)} characters; the limit is {MAX_CHARS}")
    analysis = Analysis(text, rules)
    findings = lone_doubt_dropped(run_rules(analysis, key_terms), analysis)
    findings.sort(key=Finding.sort_key)
    return Report(
        lang=lang, scenario=scenario,
        passed=not any(f.severity == "error" for f in findings),
        words=analysis.words, findings=tuple(findings),
    )


def explain(analysis: Analysis) -> str:
    """The tokens of an analysed text with their readings, stems and tags: why a
    pattern did or did not match (`python -m checks --explain`)."""
    lines = []
    for token, keys in zip(analysis.tokens, analysis.token_keys):
        tags = " ".join(k for k in keys if k[0] in "@&#" and "!" not in k[1:] and "#" not in k[1:])
        extra = list(token.readings[1:]) + ["~" + s for s in token.stems if s not in token.readings]
        lines.append(f"{token.sentence:>2} {token.text:<16} {'/'.join(extra):<24} {tags}")
    lines.append("")
    alone = lone_error(run_rules(analysis))
    for rule in analysis.lang.rules:
        lines.extend(_rule_matches(rule, analysis, alone))
    return "\n".join(lines)


def _rule_matches(rule: Rule, analysis: Analysis, alone: str | None) -> list[str]:
    """Which of a rule's patterns and antipatterns match, and where: an editor sees
    which entry met an absence rule, or which antipattern silenced a finding (alone:
    the rule of the reply's only error before the learned layer drops a lone one)."""
    def shown(source: str) -> str:
        return source if len(source) <= 90 else source[:89] + "…"

    def found(label: str, patterns) -> list[str]:
        out = []
        for pattern in patterns:
            for r in analysis.matches(pattern):
                start, end = analysis.span(r)
                out.append(f"   {label:<15} {shown(pattern.source)}  ->  {analysis.doc.original[start:end]!r}")
        return out

    def learned() -> list[str]:
        """The learned weights' say, decided as the check decides: each sentence that
        reaches a presence rule's threshold, or the reply's score for an absence rule,
        with the keys that weighed most."""
        weights = analysis.lang.model.get(rule.id)
        if weights is None:
            return []
        if rule.kind == "presence":
            said = [(repr(analysis.doc.original[slice(*analysis.span(where))]), keys)
                    for where, keys in analysis.learned_sentences(rule.id)]
        else:
            keys = analysis.reply_features()
            said = [("the reply meets it" if weights.reaches(keys) else "not sure enough to meet it", keys)]
        out = [f"   learned         {weights.score(keys):.2f} (threshold {weights.threshold:.2f}) -> {what}"
               f"  [{top_keys(keys, -1)}]" for what, keys in said]
        if rule.kind == "presence" and weights.silent_below is not None:
            for r in analysis.all_matches(rule.patterns):
                keys = analysis.silenced(rule.id, r)
                if keys is not None:
                    start, end = analysis.span(r)
                    out.append(f"   learned         {weights.score(keys):.2f} (silent below {weights.silent_below:.2f})"
                               f" -> silences {analysis.doc.original[start:end]!r}  [{top_keys(keys, 1)}]")
        doubted = lone_doubted(rule, analysis)
        if doubted is not None:
            keys = max(doubted, key=weights.logit)
            what = ("drops its findings: the reply's only error" if alone == rule.id
                    else "keeps its findings: not the reply's only error")
            out.append(f"   learned         {weights.score(keys):.2f} (alone below {weights.lone_below:.2f})"
                       f" -> {what}  [{top_keys(keys, 1)}]")
        return out

    def top_keys(keys, sign: int) -> str:
        """The four keys that weighed most towards a finding (sign -1) or against one (1)."""
        weights = analysis.lang.model[rule.id].weights
        top = sorted((k for k in keys if k in weights), key=lambda k: sign * weights[k])[:4]
        return ", ".join(f"{k} {weights[k]:+.2f}" for k in top)

    if rule.kind == "presence":
        lines = (found("pattern", rule.patterns) + learned() + found("unless", rule.unless)
                 + found("unless_sentence", rule.unless_sentence) + found("unless_reply", rule.unless_reply))
        if rule.unless_met:
            met = [m for m in rule.unless_met if not absent(analysis.lang.rule(m), analysis)]
            lines += [f"   unless_met      {m} is met" for m in met]
    elif rule.kind == "absence":
        lines = found("met by", rule.patterns) + found("ignore", rule.ignore)
        lines = (lines or ["   nothing meets it"]) + learned()
    else:
        return []
    return [f"{rule.id} ({rule.kind})"] + (lines or ["   no pattern matches"])
