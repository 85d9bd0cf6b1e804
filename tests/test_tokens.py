"""The token layer under the rules: sentences, readings, negation scope, questions,
and the pattern language, each on its own."""
import re

import pytest

from checks import analyse
from checks.morphology import Morphology
from checks.normalize import Folded
from checks.patterns import PatternError, parse
from checks.tokens import Sentences, tokenize

EN = Sentences(abbreviations=frozenset({"mr", "mrs", "dr"}), question_marks=frozenset("?"),
               number_abbreviations=frozenset({"no"}))


def sentences(text: str, rules: Sentences = EN, morphology: Morphology | None = None) -> list[str]:
    doc = Folded.of(text)
    tokens, _ = tokenize(doc, morphology or Morphology(), rules)
    out: dict[int, list] = {}
    for t in tokens:
        out.setdefault(t.sentence, []).append(t)
    return [doc.original[doc.span(ts[0].start, ts[-1].end)[0]:doc.span(ts[0].start, ts[-1].end)[1]]
            for ts in out.values()]


@pytest.mark.parametrize("text,expected", [
    ("I'm sorry, Mr. Smith, but it is late.", ["I'm sorry, Mr. Smith, but it is late."]),
    ("It cost 2.50 today. Sorry!", ["It cost 2.50 today.", "Sorry!"]),
    ("Sorry, e.g. the box was torn. Then", ["Sorry, e.g. the box was torn.", "Then"]),
    ("Order no. 5 is late. Sorry.", ["Order no. 5 is late.", "Sorry."]),
    # A number after a full stop starts a sentence unless an abbreviation came before.
    ("It arrived on the 3rd. 14 people called.", ["It arrived on the 3rd.", "14 people called."]),
    ("We owe you 20. 5 of it is the fee.", ["We owe you 20.", "5 of it is the fee."]),
    ("Was it your fault? No. It was ours.", ["Was it your fault?", "No.", "It was ours."]),
    ("Really?! We will fix it.", ["Really?!", "We will fix it."]),
    ("J. Smith called. Sorry.", ["J. Smith called.", "Sorry."]),
    ("I am sorry about\nthe wait but the shop was full", ["I am sorry about\nthe wait but the shop was full"]),
    ("Dear Anna\n\nSorry about the wait", ["Dear Anna", "Sorry about the wait"]),
    ("What I did:\n- refunded you\n- called the depot", ["What I did:", "- refunded you", "- called the depot"]),
    ('He said "sorry." But then', ['He said "sorry."', "But then"]),
])
def test_sentences_end_where_the_language_ends_them(text, expected):
    assert sentences(text) == expected


def test_an_ordinal_date_is_no_sentence_end_where_the_language_writes_one():
    estonian = Sentences(abbreviations=frozenset(), question_marks=frozenset("?"), ordinal_dot=True)
    assert sentences("Vabandame, 15. märtsil oli viga. Aga", estonian) == ["Vabandame, 15. märtsil oli viga.", "Aga"]
    assert sentences("It was 15. Sorry.") == ["It was 15.", "Sorry."]


def test_a_greek_question_mark_ends_a_question():
    greek = Sentences(abbreviations=frozenset(), question_marks=frozenset({"?", ";"}))
    doc = Folded.of("Σας βολεύει αύριο; Θα σας καλέσω.")
    tokens, questions = tokenize(doc, Morphology(), greek)
    assert questions == [True, False]


def test_readings_take_clitics_off_and_read_contractions():
    hebrew = Morphology(clitics=("ו", "ש", "ה", "כש"), min_stem=2)
    assert hebrew.readings("ושהשליח") == ("ושהשליח", "שהשליח", "השליח", "שליח")
    assert "שליח" in hebrew.readings("השליח")
    assert hebrew.readings("לך") == ("לך",)          # too short to be a clitic and a word
    english = Morphology(stemmer="english", suffixes={"n't": "not"}, readings_of={"wo": ("will",)})
    assert english.split("won't") == [(0, 2), (2, 5)]
    assert english.readings("wo") == ("wo", "will") and english.readings("n't") == ("n't", "not")
    assert english.stem("refunded") == english.stem("refunds") == "refund"


def test_a_contraction_without_its_apostrophe_splits_as_the_contraction_does():
    # "didnt" is "did" + "nt" (not), as "didn't" is "did" + "n't": a pattern's "did"
    # meets neither, where a single token read as both "did" and "not" met both.
    from checks import language
    english = Morphology(splits={"didnt": ((0, 3), (3, 5))}, readings_of={"nt": ("not",)})
    assert english.split("didnt") == [(0, 3), (3, 5)] and english.readings("nt") == ("nt", "not")
    en = language("en")
    did_explain, did_not_explain = en.compile("did explain"), en.compile("did not explain")
    for text in ("The guide didnt explain it.", "The guide didn't explain it."):
        assert not analyse(text, "en").matches(did_explain)
        assert analyse(text, "en").matches(did_not_explain)
    assert analyse("The guide did explain it.", "en").matches(did_explain)


def tags_of(text: str, word: str) -> set[str]:
    a = analyse(text, "en")
    i = next(i for i, t in enumerate(a.tokens) if t.text == word)
    piece = a.stream[a.offsets[a.items.index(i)]:].split("\x02", 2)[1]
    return {k for k in piece.split("\x03") if k.startswith("#")}


@pytest.mark.parametrize("text,word,tags", [
    ("We can't refund sale items.", "refund", {"#neg", "#refused"}),
    ("Unfortunately a refund isn't something we can offer.", "refund", {"#neg", "#refused"}),
    ("We didn't refund you in time.", "refund", {"#neg"}),
    ("I'm sorry we didn't call, so I have refunded you.", "refunded", set()),
    ("I cannot apologise enough for the wait.", "apologise", set()),
    ("We won't be able to issue a replacement.", "replacement", {"#neg", "#refused"}),
    # a dash between clauses ends the reach; a hyphen inside a word group does not
    ("We moved you without noticing — my apologies for that.", "apologies", set()),
    ("We moved you without noticing - my apologies for that.", "apologies", set()),
    ("We can't offer a same-day refund.", "refund", {"#neg", "#refused"}),
])
def test_negation_reaches_what_it_denies_and_no_further(text, word, tags):
    assert tags_of(text, word) & {"#neg", "#refused"} == tags


@pytest.mark.parametrize("text,asks", [
    ("Would that work for you", True),
    ("Anna, would you like a refund", True),
    ("Does Friday suit you?", True),
    ("What happened is that the box was torn.", False),
    ("We will refund you.", False),
])
def test_questions_are_tagged(text, asks):
    assert ("#q" in tags_of(text, text.split()[-1].strip("?.").lower())) == asks


def word(text, whole=False):
    return text if whole else [text]


@pytest.mark.parametrize("source,problem", [
    ("", "the pattern is empty"),
    ("(sorry", "not closed"),
    ("sorry)", "unexpected ')'"),
    ("sorry _{0,99}", "at most {0,60}"),
    ("(a _{0,3}){2,5}", "a repeat inside a repeat"),
    ("a?{2}", "two repeats"),
    ("@Bad", "bad cue class name"),
    ("sorry[maybe]", "unknown tag"),
    ("*sorry*", "use word* or *word"),
])
def test_a_pattern_that_cannot_be_read_says_why(source, problem):
    with pytest.raises(PatternError, match=re.escape(problem)):
        parse(source, word)


def test_more_of_the_pattern_language():
    with pytest.raises(PatternError, match="every part is optional"):
        parse("sorry?", word)
    assert parse("==מלא", word).kind == "surface"
    assert parse("@remedy_verb&==י*", word).kind == "and"
    assert parse(r"anything else \?", word).items[-1].value == "?"
    with pytest.raises(PatternError, match="with _ every other test must be a 'not'"):
        parse("_&sorry", word)


def test_a_group_joined_with_and_tests_each_alternative():
    # (a|b)&!c is a&!c|b&!c: an "&" after a group used to compile into a test that never matched
    group = parse("(*ment|*ance)&!=payment", word)
    assert [o.kind for o in group.options] == ["and", "and"]
    assert all(o.value[-1][1] for o in group.options)    # each ends in "and not =payment"
    with pytest.raises(PatternError, match="every alternative in the group must be a single"):
        parse("(sorry about|*ment)&!=payment", word)
    with pytest.raises(PatternError, match="& stands between two one-token tests"):
        parse("sorry&", word)


def test_a_skip_can_exclude_a_class():
    from checks import language
    pattern = language("en").compile("sorry (_&!@contrast){0,4} late")
    assert analyse("I'm sorry the parcel was late.", "en").matches(pattern)
    assert not analyse("Sorry, but it was late.", "en").matches(pattern)
    for source, problem in [("_&@contrast", "every other test must be a 'not'"),
                            ("sorry&!_", "& joins one-token tests only")]:
        with pytest.raises(PatternError, match=re.escape(problem)):
            parse(source, word)


def test_a_word_as_typed_is_not_its_clitic_reading():
    from checks.cues import token_keys
    doc = Folded.of("מלא")
    hebrew = Morphology(clitics=("מ",), min_stem=2)
    (token,), _ = tokenize(doc, hebrew, EN)
    keys = token_keys(token)
    assert "=לא" in keys and "%לא" not in keys and "%מלא" in keys


def test_a_pattern_that_starts_with_an_ending_is_tried_only_where_a_word_ends_so():
    from checks import language
    from checks.patterns import SUFFIX
    et = language("et")
    pattern = et.compile("*site _{0,2} =ise")
    assert pattern.first == frozenset(["=" + SUFFIX + "site"])     # not None: not tried at every token
    analysis = analyse("Te valisite selle ise. Siis otsustasite ise, et see ei sobinud.", "et")
    assert [analysis.tokens[a].text for a, _ in analysis.matches(pattern)] == ["valisite", "otsustasite"]
    assert not analyse("Me saatsime selle ise.", "et").matches(pattern)


def test_an_exact_word_cannot_be_a_beginning():
    with pytest.raises(PatternError, match="=word is one exact word"):
        parse("=refund*", word)


def test_a_pattern_can_carry_its_own_antipatterns(tmp_path, monkeypatch):
    from checks import rules as rule_data
    lang = rule_data.language("en")
    plain = lang.compile("we can't")
    own = rule_data.Pattern(plain.source, plain.expression, plain.first, plain.required,
                            unless=(lang.compile("we can't wait"),))
    a = analyse("We can't wait to see you. We can't refund it.", "en")
    assert len(a.matches(plain)) == 2 and len(a.matches(own)) == 1


def test_a_rule_can_stay_silent_on_a_reply_that_holds_a_match_anywhere():
    from dataclasses import replace
    from checks import rules as rule_data
    from checks.engine import presence
    lang = rule_data.language("en")
    rule = replace(lang.rule("deflect-ownership"), patterns=(lang.compile("contact the manufacturer"),))
    alone = "Please contact the manufacturer about the fault."
    assert len(presence(rule, analyse(alone, "en"))) == 1
    committed = replace(rule, unless_reply=(lang.compile("i will call you"),))
    assert len(presence(committed, analyse(alone, "en"))) == 1
    assert presence(committed, analyse(alone + " I will call you on Friday to hear how it went.", "en")) == []


def test_a_rule_can_stay_silent_on_a_reply_that_meets_an_absence_rule():
    from dataclasses import replace
    from checks import rules as rule_data
    from checks.engine import presence
    lang = rule_data.language("en")
    rule = replace(lang.rule("deflect-ownership"), patterns=(lang.compile("contact the manufacturer"),),
                   unless_met=("followup-missing",))
    alone = "Please contact the manufacturer about the fault."
    assert len(presence(rule, analyse(alone, "en"))) == 1
    assert presence(rule, analyse(alone + " I will call you on Friday to hear how it went.", "en")) == []


def test_a_rule_can_drop_findings_in_a_sentence_that_owns_the_fault():
    from dataclasses import replace
    from checks import rules as rule_data
    from checks.engine import presence
    lang = rule_data.language("en")
    rule = replace(lang.rule("evasive-passive"), unless=(), unless_sentence=())
    text = "A mistake was made, and it was our mistake. A mistake was made."
    assert len(presence(rule, analyse(text, "en"))) == 2
    owned = replace(rule, unless_sentence=(lang.compile("our mistake"),))
    (first, _), = presence(owned, analyse(text, "en"))
    assert first > 8     # the finding in the second sentence stays


def test_a_pattern_is_tried_only_in_sentences_that_hold_all_it_needs(monkeypatch):
    # Without a `$` a match stays in one sentence, so a start is tried only where that
    # sentence holds every key the pattern requires; a pattern with `$` may go on.
    from checks import language

    class Spy:
        def __init__(self, regex):
            self.regex, self.tried = regex, 0

        def match(self, stream, pos):
            self.tried += 1
            return self.regex.match(stream, pos)

    patterns = language("en").rule("apology-but").patterns
    inside = next(p for p in patterns if p.source == "@apology[!neg] _{0,40} @contrast")
    across = next(p for p in patterns if p.source == "@apology[!neg] _{0,40} $ _? @contrast")
    assert inside.one_sentence and not across.one_sentence
    spies = {}
    for pattern in (inside, across):
        spies[pattern.source] = Spy(pattern.regex)
        monkeypatch.setitem(pattern.__dict__, "regex", spies[pattern.source])
    text = "Sorry for the wait. We are sorry, but the van broke. Sorry again. But it is fixed."
    analysis = analyse(text, "en")
    assert [analysis.tokens[a].text for a, _ in analysis.matches(inside)] == ["we"]
    assert spies[inside.source].tried == 1                 # only the sentence with "but"
    assert [analysis.tokens[a].text for a, _ in analysis.matches(across)] == ["sorry"]
    assert spies[across.source].tried >= 2
