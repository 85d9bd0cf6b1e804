"""LanguageTool-style: each rule's own good and bad examples, in every language."""
import pytest

from checks import check
from rule_examples import cases, verdict

CASES = list(cases())


@pytest.mark.parametrize("lang,rule,example", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_example(lang, rule, example):
    if isinstance(rule, Exception):
        raise rule  # the language's rule data does not load
    report = check(example.text, lang, rule.scenario)
    problem = verdict(report, rule, example)
    assert problem is None, f"{rule.id} [{lang}] {problem}: {example.text!r}"
