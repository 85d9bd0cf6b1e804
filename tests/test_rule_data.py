"""Rule data with a mistake fails loudly at load time, naming the file and the rule."""
import re
import shutil
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
])
def test_broken_language_file_names_file_line_and_rule(data_copy, old, new, where, message):
    path = data_copy / "rules" / "en.toml"
    edit(path, old, new)
    line = _line(path.read_text(encoding="utf-8").splitlines(), where)
    with pytest.raises(RuleDataError) as caught:
        checks.language("en")
    assert f"rules/en.toml:{line}: " in str(caught.value) and message in str(caught.value), str(caught.value)


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
