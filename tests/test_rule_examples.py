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


@pytest.mark.parametrize("lang", sorted({c[1] for c in CASES}))
def test_examples_hold_by_their_rules_without_the_learned_layer(lang, monkeypatch):
    # The weights are relearned from the corpus; an example that passed only because
    # they silenced (or added) a finding would break on the next `make train`.
    from checks import language
    model = language(lang).model
    for rule_id in list(model):
        monkeypatch.delitem(model, rule_id)     # put back when the test ends
    wrong = [f"{rule.id} {problem}: {example.text!r}" for _, case_lang, rule, example in CASES
             if case_lang == lang and not isinstance(rule, Exception)
             and (problem := verdict(check(example.text, lang, rule.scenario), rule, example))]
    assert not wrong, "\n".join(wrong)
