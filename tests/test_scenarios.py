"""Every exercise scenario is complete in every language, and its model answer
passes the checker with no error and no warning."""
import pytest

import checks
from checks import LANGUAGES

SCENARIOS = checks.scenario_ids()


def test_there_are_scenarios():
    assert "plums" in SCENARIOS


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_scenario_is_complete_in_every_language(scenario_id):
    scenario = checks.scenario(scenario_id)
    assert scenario.missing_languages() == []
    for lang in LANGUAGES:
        text = scenario.text(lang)
        assert len(text.hints) >= 2 and len(text.key_terms) >= 3


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_model_answer_passes_without_warnings(scenario_id, lang):
    answer = checks.scenario(scenario_id).text(lang).model_answer
    report = checks.check(answer, lang, scenario_id)
    serious = [(f.rule, f.excerpt) for f in report.findings if f.severity in ("error", "warning")]
    assert report.passed and not serious, serious


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_key_terms_name_the_problem_in_the_model_answer(scenario_id, lang):
    answer = checks.scenario(scenario_id).text(lang).model_answer
    assert "problem-unnamed" not in checks.check(answer, lang, scenario_id).fired()
