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


@pytest.mark.parametrize("old,new,message", [
    ("patterns = ['{apology}']\n# A denied", "patterns = ['{apology}(']\n# A denied", "rules/en.toml:{apology-missing}: rule 'apology-missing': bad pattern"),
    ("[rules.non-apology]", "[rules.non-apologie]", "rules/en.toml:{non-apology}: rule 'non-apologie' is not in rules/catalogue.toml"),
    ('title = "Say sorry"\nmessage = ', 'title = "Say sorry"\nmassage = ', "rules/en.toml:{apology-missing}: rule 'apology-missing': 'message' is missing"),
    ("patterns = ['{apology}']\n# A denied", "patterns = ['{apologee}']\n# A denied", "unknown vocabulary '{apologee}'"),
    ('name = "English"', 'name = "English', "rules/en.toml: not valid TOML: Illegal character '\\n' (at line 8"),
])
def test_broken_language_file_names_file_line_and_rule(data_copy, old, new, message):
    path = data_copy / "rules" / "en.toml"
    lines = path.read_text(encoding="utf-8").splitlines()
    message = re.sub(r"\{([a-z-]+)\}:", lambda m: f"{lines.index(f'[rules.{m.group(1)}]') + 1}:", message)
    edit(path, old, new)
    with pytest.raises(RuleDataError) as caught:
        checks.language("en")
    assert message in str(caught.value)


def test_too_few_examples_is_an_error(data_copy):
    path = data_copy / "rules" / "en.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index("bad = [", text.index("[rules.thanks-missing]"))
    end = text.index("]\n", start)
    path.write_text(text[:start] + 'bad = ["I am sorry."' + text[end:], encoding="utf-8")
    with pytest.raises(RuleDataError, match="rule 'thanks-missing': needs at least 4 'bad' examples"):
        checks.language("en")


def test_bad_example_without_span_mark_is_an_error(data_copy):
    edit(data_copy / "rules" / "en.toml", '"[[Mistakes were made]] with your order."', '"Mistakes were made with your order."')
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
