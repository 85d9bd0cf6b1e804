"""The Python API: spans as offsets into the text exactly as typed (combining
marks, emoji, curly quotes), report serialisation, and property tests that
check() never raises on any string and every span matches its excerpt."""
import json
import signal
import tomllib
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta

import pytest
from hypothesis import given, settings, strategies as st

import checks
from checks import LANGUAGES, CheckInputError, check
from checks.engine import Analysis
from checks.normalize import Folded
from conftest import ROOT


def test_report_serialises_to_contract_json():
    report = check("I'm sorry, but the courier lost it.", "en")
    data = json.loads(report.to_json())
    assert data["passed"] is False and data["lang"] == "en"
    assert data == report.to_dict()


def test_span_after_emoji_and_combining_marks_points_at_typed_text():
    # U+1F600 is outside the BMP (one code point, two UTF-16 units); "e\u0301" is two code points.
    text = "Caf\u0065\u0301 \U0001F600 I\u2019m sorry, but the courier lost it."
    finding = next(f for f in check(text, "en").findings if f.rule == "apology-but")
    assert text[finding.start:finding.end] == finding.excerpt == "I\u2019m sorry, but"
    excuse = next(f for f in check(text, "en").findings if f.rule == "excuse")
    assert excuse.excerpt == "the courier lost"


def test_combining_mark_inside_a_match_stays_in_the_span():
    text = "Mistakes we\u0301re made."
    finding = next(f for f in check(text, "en").findings if f.rule == "evasive-passive")
    assert finding.excerpt == "Mistakes we\u0301re made"


def test_folding_keeps_an_offset_for_every_character():
    doc = Folded.of("ΛΥΠΆΜΑΙ   πολύ\nآسفـــة  ﻿מְצַטֵּעֶרֶת")
    assert len(doc.text) == len(doc.starts) == len(doc.ends)
    assert "λυπαμαι πολυ" in doc.text
    assert "اسفه" in doc.text  # hamza, tatweel, teh marbuta folded
    assert "מצטערת" in doc.text  # niqqud removed


def test_size_limit_and_empty_text():
    with pytest.raises(CheckInputError, match="empty"):
        check("  \n ", "en")
    with pytest.raises(CheckInputError, match="limit"):
        check("a" * (checks.MAX_CHARS + 1), "en")
    check("a" * checks.MAX_CHARS, "en")  # at the limit is fine


def test_unknown_language_and_scenario():
    with pytest.raises(CheckInputError, match="unknown language"):
        check("sorry", "de")
    with pytest.raises(CheckInputError, match="unknown scenario"):
        check("sorry", "en", "../../etc/passwd")


def test_every_finding_links_to_its_principle_page_in_the_language():
    for lang in LANGUAGES:
        for finding in check("ok", lang).findings:
            assert finding.url == ("" if lang == "en" else f"{lang}/") + finding.principle + "/"
            assert finding.principle_title and finding.message


texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=400)
# Words from every language's rules, so matches (not just misses) get exercised.
WORDS = ["sorry", "but", "I'm", "λυπάμαι", "αλλά", "آسف", "لكن", "vabandan", "aga", "מצטער", "אבל",
         "\u0301", "\U0001F600", "\n", "  ", "’", "ـ", "you should have", "if", "courier"]
mixed = st.lists(st.one_of(st.sampled_from(WORDS), texts), min_size=1, max_size=30).map(" ".join)


# The property tests run in every `make test` and `make check`, bounded: a fixed number
# of examples, a deadline per example (a text of up to 400 characters takes milliseconds),
# and a hard limit that interrupts a check that hangs (a catastrophic regular
# expression never returns, so a deadline alone would wait for ever).
BOUNDED = settings(max_examples=150, deadline=timedelta(seconds=2))
HARD_LIMIT = 10  # seconds for one example


@contextmanager
def hard_limit(seconds=HARD_LIMIT):
    def stop(signum, frame):
        raise TimeoutError(f"one example took over {seconds} s: check() is not linear in time")
    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module", autouse=True)
def rules_loaded():
    """Load every language before Hypothesis times anything: the first check in a
    language reads its rule data, which is not what the deadline is about."""
    for lang in LANGUAGES:
        check("ok", lang)


def test_a_hanging_check_is_stopped_by_the_hard_limit():
    import re
    with pytest.raises(TimeoutError, match="not linear"):
        with hard_limit(0.2):
            re.match(r"(?:a|a){0,60}b", "a" * 60)   # 2^60 steps: never returns by itself


@BOUNDED
@given(text=st.one_of(texts, mixed), lang=st.sampled_from(LANGUAGES))
def test_check_never_raises_and_spans_match_excerpts(text, lang):
    try:
        with hard_limit():
            report = check(text, lang)
    except CheckInputError:
        assert not text.strip() or len(text) > checks.MAX_CHARS
        return
    for f in report.findings:
        if f.start is None:
            assert f.end is None and f.excerpt is None
        else:
            assert 0 <= f.start < f.end <= len(text)
            assert text[f.start:f.end] == f.excerpt
    assert report.passed == (not any(f.severity == "error" for f in report.findings))


@settings(BOUNDED, max_examples=200)
@given(text=st.one_of(texts, mixed))
def test_fast_folding_path_agrees_with_the_general_one(text):
    with hard_limit():
        fast = Folded._one_to_one(text)
        slow = Folded._general(text) if fast is not None else None
    if fast is not None:
        assert (fast.text, list(fast.starts), list(fast.ends), fast.line_breaks) == \
               (slow.text, list(slow.starts), list(slow.ends), slow.line_breaks)


def test_an_invisible_character_between_spaces_changes_nothing():
    plain = checks.check("We are sorry for the delay but the courier was late.", "en")
    hidden = checks.check("We are sorry for the delay \u200f but the courier was late.", "en")
    assert [f.rule for f in hidden.findings] == [f.rule for f in plain.findings]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_index_rules_out_exactly_what_the_set_tests_would(lang):
    # A pattern is tried only when the text meets every key set it requires; the engine
    # asks with one subset test of numbered sets (patterns.index_required). The same
    # pattern without its numbers falls back to one set test each: both must find the
    # same matches, on rule examples (every pattern meets some) and corpus replies.
    language = checks.language(lang)
    patterns = [p for p, _ in language._patterns()]
    assert all(isinstance(p.need, tuple) for p in patterns)
    replies = tomllib.loads((ROOT / "tests" / "corpus" / "dev" / f"{lang}.toml").read_text(encoding="utf-8"))["reply"]
    texts = [ex.text for rule in language.rules for ex in rule.examples][::12] + [r["text"] for r in replies[::80]]
    unindexed = {id(p): replace(p, need=None) for p in patterns}
    ruled_out = 0
    for text in texts:
        analysis = Analysis(text, language)
        for p in patterns:
            found = analysis.matches(p)
            assert found == analysis.matches(unindexed[id(p)]), (text, p.source)
            ruled_out += not analysis.met.issuperset(p.need)
    assert ruled_out > len(texts) * len(patterns) // 2     # the test does rule most out
