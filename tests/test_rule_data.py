"""Rule data with a mistake fails loudly at load time, naming the file and the rule."""
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

import checks
from checks import rules as rules_module
from checks.rules import RuleDataError

from conftest import ROOT


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A private copy of checks/ whose rule data a test may break."""
    copy = tmp_path / "checks"
    shutil.copytree(ROOT / "checks", copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(rules_module.resources, "files", lambda package: copy)
    rules_module.catalogue.cache_clear()
    rules_module.language.cache_clear()
    yield copy
    rules_module.catalogue.cache_clear()
    rules_module.language.cache_clear()


def edit(path: Path, old: str, new: str):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_every_language_loads_and_has_every_rule():
    ids = set(checks.catalogue())
    for lang in checks.LANGUAGES:
        assert {r.id for r in checks.language(lang).rules} == ids


@pytest.mark.parametrize("lang", checks.LANGUAGES)
def test_every_pattern_compiles(lang):
    # Patterns compile on first use; this compiles them all, as a snapshot does.
    language = checks.language(lang)
    assert language.compile_regexes()
    assert all("regex" in p.__dict__ for p, _ in language._patterns())


def test_a_pattern_python_cannot_compile_names_its_rule():
    language = checks.language("en")
    rule = language.rule("excuse")
    broken = rules_module.Pattern("due to (", "(", None)
    language = replace(language, rules=(replace(rule, patterns=(broken, *rule.patterns)),))
    with pytest.raises(RuleDataError, match=r"rules/en.toml: rule 'excuse': bad pattern 'due to \('"):
        language.compile_regexes()


def test_compiling_in_slices_ends_with_every_pattern_compiled(data_copy):
    language = checks.language("el")
    slices = 1
    while not language.compile_regexes(0.001):
        slices += 1
    assert slices > 1
    assert all("regex" in p.__dict__ for p, _ in language._patterns())


def _line(lines: list[str], needle: str) -> int:
    return next(n for n, line in enumerate(lines, start=1) if needle in line)


@pytest.mark.parametrize("old,new,where,message", [
    ('patterns = ["@apology[!neg]"]', 'patterns = ["@apology[!neg"]', 'patterns = ["@apology[!neg"]',
     "rule 'apology-missing': bad pattern '@apology[!neg'"),
    ('patterns = ["@apology[!neg]"]', 'patterns = ["@apologee[!neg]"]', 'patterns = ["@apologee[!neg]"]',
     "rule 'apology-missing': bad pattern '@apologee[!neg]': unknown cue class @apologee"),
    ('patterns = ["@apology[!neg]"]', 'patterns = ["sorry _{0,9}{2}"]', 'patterns = ["sorry _{0,9}{2}"]',
     "rule 'apology-missing': bad pattern 'sorry _{0,9}{2}': two repeats on one item"),
    ('patterns = ["@apology[!neg]"]', 'patterns = ["(sorry _{0,9}){0,9}"]', 'patterns = ["(sorry _{0,9}){0,9}"]',
     "a repeat inside a repeat"),
    ('patterns = ["@apology[!neg]"]', 'patterns = ["@apology[!sad]"]', 'patterns = ["@apology[!sad]"]',
     "unknown tag [!sad]"),
    ("[rules.non-apology]", "[rules.non-apologie]", "[rules.non-apologie]",
     "rule 'non-apologie' is not in rules/catalogue.toml"),
    ('title = "Say sorry"\nmessage = ', 'title = "Say sorry"\nmassage = ', "[rules.apology-missing]",
     "rule 'apology-missing': 'message' is missing"),
    ('title = "Say sorry"\n', 'title = " "\n', "[rules.apology-missing]", "rule 'apology-missing': 'title' is empty"),
    ('title = "Say sorry"\n', 'title = "Say sorry"\nthen = ["but"]\n', "[rules.apology-missing]",
     "rule 'apology-missing': unknown key(s) for absence rules: then"),
    ('"having said that",', '"(having said that",', '"(having said that",', "cue class 'contrast': bad entry"),
    # Patterns that would take more than linear time are refused at load time (see
    # checks/rules.py, linear): the audit's raw regular expression is no pattern at all,
    ('patterns = ["@apology[!neg]"]', r"patterns = ['(?:\w+\s?)+[#@]']", "patterns = ['(?:",
     "rule 'apology-missing': bad pattern '(?:\\\\w+\\\\s?)+[#@]': unexpected '?'"),
    # a repeat inside a repeat is refused by the syntax (above), and alternatives that
    # read the same token, repeated, by the ways they have: 2^60 to fail on 60 apologies
    ('patterns = ["@apology[!neg]"]', 'patterns = ["(sorry|@apology){0,60} sorry"]', "(sorry|@apology){0,60}",
     "bad pattern '(sorry|@apology){0,60} sorry': a repeat over alternatives that can read the same tokens in "
     "1,152,921,504,606,846,976 ways (at most 256"),
    ('"having said that",', '"(_|@apology){1,20} having",', "(_|@apology){1,20}",
     "cue class 'contrast': bad entry '(_|@apology){1,20} having': a repeat over alternatives"),
    # titles and messages are plain text: the site renders them into its pages
    ('title = "Say sorry"\n', 'title = "Say <b>sorry</b>"\n', 'title = "Say <b>',
     "rule 'apology-missing': 'title' contains HTML ('<b>sorry</b>')"),
    ('message = "Apologise in plain words:', 'message = "<span onmouseover=alert(1)>Apologise</span> in plain words:',
     "<span onmouseover", "rule 'apology-missing': 'message' contains HTML ('<span onmouseover=al')"),
    ('message = "Apologise in plain words:', 'message = "Apologise &lt;now&gt; in plain words:', "&lt;now",
     "rule 'apology-missing': 'message' contains HTML ('&lt;now&gt; in plain')"),
])
def test_broken_language_file_names_file_line_and_rule(data_copy, old, new, where, message):
    path = data_copy / "rules" / "en.toml"
    edit(path, old, new)
    line = _line(path.read_text(encoding="utf-8").splitlines(), where)
    with pytest.raises(RuleDataError) as caught:
        checks.language("en")
    assert f"rules/en.toml:{line}: " in str(caught.value) and message in str(caught.value), str(caught.value)


def test_an_entry_twice_in_a_list_is_named(data_copy):
    toml = data_copy / "rules" / "he.toml"
    edit(toml, '"יועץ*", ', '"יועץ*", "יועצ*", ')
    with pytest.raises(RuleDataError, match=r"rules/he.toml:\d+: cue class 'person': 'יועצ\*' is in the list twice "
                                            r"\(as 'יועץ\*': the same once folded\)"):
        checks.language("he")
    toml = data_copy / "rules" / "el.toml"
    rules_module.language.cache_clear()
    edit(toml, 'patterns = [\n', 'patterns = [\n  "@apology[!neg] _{0,40} @contrast",\n  "@apology[!neg] _{0,40} @contrast",\n')
    with pytest.raises(RuleDataError, match=r"rules/el.toml:\d+: rule '[a-z-]+': 'patterns': '@apology\[!neg\] _\{0,40\} "
                                            r"@contrast' is in the list twice$"):
        checks.language("el")


def test_unless_met_names_only_absence_rules(data_copy):
    toml = data_copy / "rules" / "en.toml"
    edit(toml, "[rules.deflect-ownership]\n", '[rules.deflect-ownership]\nunless_met = ["excuse"]\n')
    with pytest.raises(RuleDataError, match=r"rules/en.toml:\d+: rule 'deflect-ownership': 'unless_met' names 'excuse', "
                                            r"which is not an absence rule"):
        checks.language("en")


def test_invalid_toml_names_the_line(data_copy):
    edit(data_copy / "rules" / "en.toml", 'name = "English"', 'name = "English')
    with pytest.raises(RuleDataError, match=r"rules/en.toml: not valid TOML: Illegal character '\\n' \(at line \d+"):
        checks.language("en")


def test_the_classes_the_engine_reads_must_be_there_and_plain(data_copy):
    path = data_copy / "rules" / "en.toml"
    edit(path, "scope_break = [", "scope_breaks = [")
    with pytest.raises(RuleDataError, match="needs the classes the engine reads: scope_break"):
        checks.language("en")
    edit(path, "scope_breaks = [", 'scope_break = ["_ and",')
    with pytest.raises(RuleDataError, match="cue class 'scope_break' is read by the engine before patterns run"):
        checks.language("en")


def test_an_unknown_stemmer_is_named(data_copy):
    edit(data_copy / "rules" / "en.toml", 'stemmer = "english"', 'stemmer = "klingon"')
    with pytest.raises(RuleDataError, match="rules/en.toml: \\[language\\]: stemmer 'klingon'"):
        checks.language("en")


def test_a_split_that_does_not_spell_its_word_is_named(data_copy):
    edit(data_copy / "rules" / "en.toml", 'didnt = "did nt"', 'didnt = "did not"')
    with pytest.raises(RuleDataError, match="rules/en.toml: \\[language\\]: splits: 'didnt' = 'did not' must spell"):
        checks.language("en")


def test_too_few_examples_is_an_error(data_copy):
    path = data_copy / "rules" / "en.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index("bad = [", text.index("[rules.thanks-missing]"))
    end = text.index("]\n", start)
    path.write_text(text[:start] + 'bad = ["I am sorry."' + text[end:], encoding="utf-8")
    with pytest.raises(RuleDataError, match="rule 'thanks-missing': needs at least 4 'bad' examples"):
        checks.language("en")


def test_bad_example_without_span_mark_is_an_error(data_copy):
    edit(data_copy / "rules" / "en.toml", '"[[Mistakes were made]] with your order.",', '"Mistakes were made with your order.",')
    with pytest.raises(RuleDataError, match="rule 'evasive-passive': bad example must mark its span"):
        checks.language("en")


def test_catalogue_mistakes(data_copy):
    edit(data_copy / "rules" / "catalogue.toml", 'severity = "warning"', 'severity = "fatal"')
    with pytest.raises(RuleDataError, match=r"rules/catalogue.toml:\d+: rule '.*': severity must be one of"):
        checks.catalogue()


def test_missing_rule_in_a_language(data_copy):
    path = data_copy / "rules" / "catalogue.toml"
    path.write_text(path.read_text(encoding="utf-8") + '\n[rules.new-rule]\nkind = "presence"\nseverity = "tip"\n'
                    'sources = ["001"]\nprinciple = "say-sorry"\n', encoding="utf-8")
    with pytest.raises(RuleDataError, match="rule 'new-rule': missing"):
        checks.language("en")


def test_a_cue_entry_can_carry_antipatterns(data_copy):
    path = data_copy / "rules" / "en.toml"
    edit(path, "contrast = [", 'contrast = [\n  {pattern = "only", unless = ["only (one|two|once|a few)"]},')
    fired = lambda text: "apology-but" in checks.check(text, "en").fired()  # noqa: E731
    assert fired("I'm sorry, only the manager can sign it.")
    assert not fired("I'm sorry, only two items arrived.")


def test_a_token_can_pass_one_test_and_fail_another(data_copy):
    path = data_copy / "rules" / "en.toml"
    # a word ending in "ment" that is not "payment" counts as a remedy here
    edit(path, "remedy = [", 'remedy = [\n  "*ment&!=payment",')
    fix = lambda text: "fix-missing" not in checks.check(text, "en").fired()  # noqa: E731
    assert fix("I have arranged a reimbursement.")
    assert not fix("I saw your payment.")


def test_a_group_of_alternatives_can_share_a_negative_test(data_copy):
    path = data_copy / "rules" / "en.toml"
    fix = lambda text: "fix-missing" not in checks.check(text, "en").fired()  # noqa: E731
    assert not fix("Here is an endowment.") and not fix("Here is an allowance.")
    edit(path, "remedy = [", 'remedy = [\n  "(*ment|*ance)&!=payment",')
    rules_module.language.cache_clear()
    assert fix("Here is an endowment.") and fix("Here is an allowance.")
    assert not fix("Here is a payment.")


def test_a_rule_message_may_use_plain_angle_brackets_and_ampersands(data_copy):
    edit(data_copy / "rules" / "en.toml", 'message = "Apologise in plain words:',
         'message = "Q&A: 2 < 3 > 1. Apologise in plain words:')
    assert checks.language("en").rule("apology-missing").message.startswith("Q&A: 2 < 3 > 1.")


def test_bounded_alternatives_under_a_small_repeat_are_allowed(data_copy):
    # (a|@b){0,3} has 2^3 ways at most: bounded, so linear in the text
    edit(data_copy / "rules" / "en.toml", 'patterns = ["@apology[!neg]"]', 'patterns = ["(please|@apology){0,3} sorry"]')
    assert checks.language("en").rule("apology-missing").patterns[0].source == "(please|@apology){0,3} sorry"


def test_an_ignore_entry_can_carry_antipatterns(data_copy):
    # An ignore entry that would swallow a real remedy ("replace it" as in "replace it
    # yourself") is kept from doing so where its own unless matches ("replace it free").
    path = data_copy / "rules" / "en.toml"
    (data_copy / rules_module.model_path("en")).unlink(missing_ok=True)   # the patterns alone
    rules_module.language.cache_clear()
    missing = lambda: "fix-missing" in checks.check("I'm so sorry. We'll replace it free.", "en").fired()  # noqa: E731
    assert not missing()
    edit(path, 'ignore = [\n  "look into",', 'ignore = [\n  "replace it",\n  "look into",')
    rules_module.language.cache_clear()
    assert missing(), "the plain ignore entry swallows the remedy"
    edit(path, '  "replace it",\n', '  {pattern = "replace it", unless = ["replace it free"]},\n')
    rules_module.language.cache_clear()
    assert not missing(), "the entry's own unless keeps the remedy"


def test_a_language_shipped_only_as_its_ready_read_copy_loads_from_it(data_copy):
    # The site's wheel (macros/runtime.py build_wheel) leaves a language's data out and
    # keeps the hash of the data its ready-read copy was read from.
    text = "Sorry, but you should have read the terms. We will look into it."
    expected = checks.check(text, "en")
    copy = rules_module.frozen("en")
    (data_copy / rules_module.frozen_path("en")).write_bytes(copy)
    (data_copy / rules_module.language_path("en")).unlink()
    (data_copy / rules_module.model_path("en")).unlink(missing_ok=True)
    (data_copy / rules_module.data_hash_path("en")).write_text(rules_module.copy_data_hash(copy).hex() + "\n",
                                                                 encoding="utf-8")
    rules_module.language.cache_clear()
    assert rules_module._thawed("en") is not None
    assert checks.check(text, "en") == expected and not expected.passed
    # a copy read from other data is never used: with no data to read, that is an error
    (data_copy / rules_module.data_hash_path("en")).write_text("00" * 32 + "\n", encoding="utf-8")
    rules_module.language.cache_clear()
    with pytest.raises(RuleDataError, match=r"rules/en.toml: file is missing"):
        checks.language("en")
