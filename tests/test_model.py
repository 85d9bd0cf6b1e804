"""The learned layer (checks/model.py): it adds where the patterns are silent, it
silences a pattern match only where it is all but sure the sentence is innocent, it
passes a rule's own antipatterns, and a broken weights file is named."""
import json
import random
from contextlib import contextmanager

import pytest

import checks
from checks import rules as rules_module
from checks.engine import Analysis, absent, presence
from checks.model import Weights, read_model, reply_features, sentence_features
from checks.rules import RuleDataError

from test_rule_data import data_copy  # noqa: F401  (fixture)

KINDS = {rule_id: meta["kind"] for rule_id, meta in checks.catalogue().items()}


@contextmanager
def model_of(lang, model: dict):
    """A language with these learned weights for a while (none: its patterns alone)."""
    saved = lang.model
    object.__setattr__(lang, "model", model)
    try:
        yield model
    finally:
        object.__setattr__(lang, "model", saved)


@pytest.fixture
def learned():
    """Give English a model of its own for one test: rule id -> Weights."""
    with model_of(checks.language("en"), {}) as model:
        yield model


def test_a_sentence_the_weights_are_sure_of_is_a_finding_with_the_sentence_as_span(learned):
    learned["refusal"] = Weights(bias=-5.0, threshold=0.5, weights={"~blorf": 10.0})
    text = "I'm so sorry. We blorf that parcel, as things stand. Would a refund suit you?"
    found = [f for f in checks.check(text, "en").findings if f.rule == "refusal"]
    assert [f.excerpt for f in found] == ["We blorf that parcel, as things stand."]
    assert text[found[0].start:found[0].end] == found[0].excerpt


def test_a_learned_finding_passes_the_rules_own_antipatterns(learned):
    learned["refusal"] = Weights(bias=-5.0, threshold=0.5, weights={"~blorf": 10.0})
    # quoted in order to reject it: mentioned, not used
    assert "refusal" in {f.rule for f in checks.check('Sorry. We blorf parcels.', "en").findings}
    assert "refusal" not in {f.rule for f in checks.check('Sorry. "We blorf parcels."', "en").findings}


def test_below_its_threshold_the_model_is_silent(learned):
    learned["refusal"] = Weights(bias=-5.0, threshold=0.5, weights={"~blorf": 4.0})
    assert "refusal" not in {f.rule for f in checks.check("Sorry, we blorf that parcel.", "en").findings}


def test_weights_sure_the_requirement_is_there_meet_an_absence_rule(learned):
    text = "I'm sorry about the parcel. I will plugh it for you today."
    assert "fix-missing" in {f.rule for f in checks.check(text, "en").findings}
    learned["fix-missing"] = Weights(bias=-5.0, threshold=0.5, weights={"~plugh": 10.0})
    assert "fix-missing" not in {f.rule for f in checks.check(text, "en").findings}


def test_a_pattern_match_in_a_sentence_the_weights_call_innocent_is_silenced(learned):
    text = "I'm sorry. You should have read the label. Would a refund suit you?"
    assert "blame-customer" in {f.rule for f in checks.check(text, "en").findings}
    learned["blame-customer"] = Weights(bias=0.0, threshold=None, weights={"~label": -10.0}, silent_below=0.05)
    assert "blame-customer" not in {f.rule for f in checks.check(text, "en").findings}
    # the same match in a sentence the weights are not sure of still speaks
    learned["blame-customer"] = Weights(bias=0.0, threshold=None, weights={"~label": -2.0}, silent_below=0.05)
    assert "blame-customer" in {f.rule for f in checks.check(text, "en").findings}


def test_a_silenced_match_leaves_the_other_matches_of_the_rule(learned):
    text = "I'm sorry. You should have read the label. You should have called us first."
    learned["blame-customer"] = Weights(bias=0.0, threshold=None, weights={"~label": -10.0}, silent_below=0.05)
    found = [f.excerpt for f in checks.check(text, "en").findings if f.rule == "blame-customer"]
    assert found and all("label" not in excerpt for excerpt in found)


@pytest.mark.parametrize("lang", checks.LANGUAGES)
def test_the_model_changes_a_verdict_only_as_its_levels_allow(lang):
    """With its model a language finds everything its patterns find, except matches
    whose sentences all score below the rule's silent_below; an absence rule it calls
    missing the patterns call missing too."""
    rules = checks.language(lang)
    texts = [example.text for rule in rules.rules for example in rule.examples][:300]
    learned_rules = [rules.rule(rule_id) for rule_id in rules.model]
    for text in texts:
        with model_of(rules, {}):
            alone = Analysis(text, rules)
            by_patterns = [presence(r, alone) if r.kind == "presence" else absent(r, alone) for r in learned_rules]
        with_model = Analysis(text, rules)
        for rule, patterns_say in zip(learned_rules, by_patterns):
            if rule.kind == "presence":
                kept = {r for r in patterns_say if with_model.silenced(rule.id, r) is None}
                assert kept <= set(presence(rule, with_model)), (rule.id, text)
            else:
                assert patterns_say or not absent(rule, with_model), (rule.id, text)


def test_a_score_does_not_depend_on_the_order_of_the_keys():
    rng = random.Random(4)
    weights = {f"~k{i}": rng.uniform(-3, 3) / 7 for i in range(200)}
    model = Weights(bias=0.1, threshold=0.5, weights=weights)
    keys = list(weights)
    first = model.score(keys)
    for _ in range(20):
        rng.shuffle(keys)
        assert model.score(keys) == first


def test_features_are_per_sentence_and_mark_negation_and_questions():
    rules = checks.language("en")
    a = Analysis("We will not refund it. Would a new one suit you?", rules)
    sentences = sentence_features(a.tokens, a.token_keys)
    assert len(sentences) == 2
    first, second = sentences[0][2], sentences[1][2]
    assert "n|~refund" in first and "#neg" in first
    assert "q|~suit" in second and "#q" in second and "#q" not in first
    assert reply_features(sentences) == first | second


@pytest.mark.parametrize("text, message", [
    ("{", "not valid JSON"),
    ('{"about": 1}', "needs a 'rules' table"),
    ('{"rules": {"no-such-rule": {"bias": 0, "threshold": 0.5, "weights": {}}}}', "'no-such-rule' is not a presence or absence rule"),
    ('{"rules": {"too-long": {"bias": 0, "threshold": 0.5, "weights": {}}}}', "'too-long' is not a presence or absence rule"),
    ('{"rules": {"refusal": {"threshold": 0.5, "weights": {}}}}', "needs bias, weights and a threshold, silent_below or lone_below"),
    ('{"rules": {"refusal": {"bias": 0, "weights": {}}}}', "needs a threshold, a silent_below or a lone_below"),
    ('{"rules": {"refusal": {"bias": 0, "threshold": 1.5, "weights": {}}}}', "threshold must be between 0 and 1"),
    ('{"rules": {"refusal": {"bias": 0, "silent_below": 0, "weights": {}}}}', "silent_below must be between 0 and 1"),
    ('{"rules": {"fix-missing": {"bias": 0, "threshold": 0.5, "silent_below": 0.05, "weights": {}}}}',
     r"only a presence rule's findings can be silenced \(silent_below\)"),
    ('{"rules": {"refusal": {"bias": 0, "lone_below": 1, "weights": {}}}}', "lone_below must be between 0 and 1"),
    ('{"rules": {"ask-missing": {"bias": 0, "lone_below": 0.2, "weights": {}}}}',
     r"only a presence rule's findings can be silenced \(lone_below\)"),
])
def test_a_malformed_model_file_is_named(text, message):
    with pytest.raises(ValueError, match=message) as err:
        read_model(text, "rules/en.model.json", KINDS)
    assert "rules/en.model.json" in str(err.value)


def test_a_broken_model_file_fails_loading_the_language(data_copy):  # noqa: F811
    (data_copy / "rules" / "en.model.json").write_text('{"rules": {"refusal": {"bias": "x"}}}', encoding="utf-8")
    with pytest.raises(RuleDataError, match=r"rules/en.model.json: rule 'refusal'"):
        rules_module.read_language("en")


@pytest.mark.parametrize("lang", checks.LANGUAGES)
def test_a_shipped_model_names_how_it_was_trained(lang):
    path = rules_module.resources.files("checks").joinpath(rules_module.model_path(lang))
    if not path.is_file():
        pytest.skip(f"{lang} has no learned weights")
    data = json.loads(path.read_text(encoding="utf-8"))
    trained = data["trained_on"]
    assert trained["split"] == "dev" and trained["held_out"] and trained["replies"] > 0
    for rule_id, entry in data["rules"].items():
        for record in ("held_out", "held_out_silenced"):
            if record in entry:
                assert entry[record]["right"] > 2 * entry[record]["wrong"], (rule_id, record)
        assert ("threshold" in entry) == ("held_out" in entry), rule_id
        assert ("silent_below" in entry) == ("held_out_silenced" in entry), rule_id
        assert ("lone_below" in entry) == ("first_contact_alone" in entry), rule_id
        if "first_contact_alone" in entry:
            record = entry["first_contact_alone"]
            assert record["right"] >= 2 * record["wrong"] and record["right"] > 0, rule_id


def test_explain_shows_a_learned_decision_and_the_keys_behind_it(learned):
    from checks.engine import analyse, explain
    learned["refusal"] = Weights(bias=-5.0, threshold=0.5, weights={"~blorf": 10.0, "~parcel": 0.5})
    learned["fix-missing"] = Weights(bias=-5.0, threshold=0.5, weights={"~plugh": 10.0})
    shown = explain(analyse("Sorry. We blorf that parcel. I will plugh it today.", "en"))
    assert "learned         1.00 (threshold 0.50) -> 'We blorf that parcel.'  [~blorf +10.00, ~parcel +0.50]" in shown
    assert "learned         0.99 (threshold 0.50) -> the reply meets it  [~plugh +10.00]" in shown


def test_explain_shows_a_silenced_match_and_the_keys_against_it(learned):
    from checks.engine import analyse, explain
    learned["blame-customer"] = Weights(bias=0.0, threshold=None, weights={"~label": -10.0, "~read": -0.5},
                                        silent_below=0.05)
    shown = explain(analyse("I'm sorry. You should have read the label.", "en"))
    assert ("learned         0.00 (silent below 0.05) -> silences 'You should have'"
            "  [~label -10.00, ~read -0.50]") in shown


# A complete reply whose only error is one blame finding, and the same reply without
# its apology (two errors: the blame finding is then not alone).
COMPLETE = ("I'm so sorry. You should have read the label more carefully. I have refunded the delivery"
            " fee today. Would a call on Friday suit you? I will ring you then to check all is well.")
UNAPOLOGETIC = COMPLETE.replace("I'm so sorry. ", "")


def test_a_lone_finding_the_weights_doubt_is_dropped_and_the_reply_passes(learned):
    blamed = {f.rule for f in checks.check(COMPLETE, "en").findings if f.severity == "error"}
    assert blamed == {"blame-customer"}, blamed
    learned["blame-customer"] = Weights(bias=0.0, threshold=None, weights={"~label": -2.0}, lone_below=0.3)
    report = checks.check(COMPLETE, "en")
    assert report.passed and "blame-customer" not in {f.rule for f in report.findings}


def test_a_doubted_finding_that_is_not_the_only_error_still_speaks(learned):
    learned["blame-customer"] = Weights(bias=0.0, threshold=None, weights={"~label": -2.0}, lone_below=0.3)
    errors = {f.rule for f in checks.check(UNAPOLOGETIC, "en").findings if f.severity == "error"}
    assert {"blame-customer", "apology-missing"} <= errors


def test_a_lone_finding_the_weights_do_not_doubt_still_speaks(learned):
    learned["blame-customer"] = Weights(bias=0.0, threshold=None, weights={"~label": -0.5}, lone_below=0.3)
    assert not checks.check(COMPLETE, "en").passed


def test_explain_shows_a_lone_finding_dropped_and_why(learned):
    from checks.engine import analyse, explain
    learned["blame-customer"] = Weights(bias=0.0, threshold=None, weights={"~label": -2.0}, lone_below=0.3)
    assert ("learned         0.12 (alone below 0.30) -> drops its findings: the reply's only error  [~label -2.00]"
            in explain(analyse(COMPLETE, "en")))
    assert "-> keeps its findings: not the reply's only error" in explain(analyse(UNAPOLOGETIC, "en"))
