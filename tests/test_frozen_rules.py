"""A language's ready-read copy (the pickle the wheel carries, so the browser need not
read the rule data before the first check) behaves exactly as the data read afresh,
and is never used when it does not match the data beside it."""
import shutil

import pytest

import checks
from checks import rules as rules_module
from checks.engine import Analysis, run_rule
from conftest import ROOT


def findings(language, text):
    analysis = Analysis(text, language)
    return [(f.rule, f.start, f.end) for rule in language.rules for f in run_rule(rule, language, analysis)]


@pytest.mark.parametrize("lang", checks.LANGUAGES)
def test_a_thawed_language_finds_what_the_data_read_afresh_finds(lang, tmp_path, monkeypatch):
    copy = tmp_path / "checks"
    shutil.copytree(ROOT / "checks", copy, ignore=shutil.ignore_patterns("__pycache__", "*.pickle"))
    (copy / rules_module.frozen_path(lang)).write_bytes(rules_module.frozen(lang))
    monkeypatch.setattr(rules_module.resources, "files", lambda package: copy)
    thawed = rules_module._thawed(lang)
    assert thawed is not None
    fresh = rules_module.read_language(lang)
    texts = [ex.text for rule in fresh.rules for ex in rule.examples]
    assert [findings(thawed, t) for t in texts] == [findings(fresh, t) for t in texts]
    assert thawed.compile_regexes()      # every expression survives the round trip


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    copy = tmp_path / "checks"
    shutil.copytree(ROOT / "checks", copy, ignore=shutil.ignore_patterns("__pycache__", "*.pickle"))
    monkeypatch.setattr(rules_module.resources, "files", lambda package: copy)
    rules_module.language.cache_clear()
    yield copy
    rules_module.language.cache_clear()


def test_a_copy_that_does_not_match_the_data_is_not_used(data_copy):
    (data_copy / rules_module.frozen_path("en")).write_bytes(rules_module.frozen("en"))
    assert rules_module._thawed("en") is not None
    toml = data_copy / "rules" / "en.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        'title = "Don\'t blame the customer"', 'title = "Never blame the customer"', 1), encoding="utf-8")
    assert rules_module._thawed("en") is None
    assert checks.language("en").rule("blame-customer").title == "Never blame the customer"


def test_a_damaged_copy_is_not_used(data_copy):
    good = rules_module.frozen("et")
    (data_copy / rules_module.frozen_path("et")).write_bytes(good[:len(good) // 2])
    assert rules_module._thawed("et") is None
    assert checks.language("et").code == "et"
