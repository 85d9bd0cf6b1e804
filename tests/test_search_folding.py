"""The search's folding table (macros/search.py) is made from the checker's folding,
and leaves alone what would change a query's meaning."""
import re
import sys

import pytest

from checks.normalize import fold_char
from conftest import ROOT

sys.path.insert(0, str(ROOT / "macros"))
import search  # noqa: E402


def changed_characters() -> set[str]:
    found = set()
    for a, b in re.findall(r"\\u([0-9a-f]{4})(?:-\\u([0-9a-f]{4}))?", search.folding()["changed"]):
        found.update(chr(code) for code in range(int(a, 16), int(b or a, 16) + 1))
    return found


def test_the_table_is_fold_char():
    table, changed = search.folding()["fold"], changed_characters()
    assert set(table) <= changed
    for ch in changed:
        assert table.get(ch, "") == fold_char(ch), ch
    # what issue 10 is about: Greek accents, hamza and alef forms, harakat, tatweel, niqqud
    assert {table[ch] for ch in "άέήίόύώΆΈΉΊΌΎΏ"} == set("αεηιουω")
    assert {table[ch] for ch in "أإآ"} == {"ا"} and table["ؤ"] == "و" and table["ئ"] == "ي"
    assert set("\u064b\u064e\u064f\u0650\u0651\u0652\u0640\u05b0\u05b4\u05b8\u05bc\u05c1") <= changed - set(table)


def test_characters_that_fold_to_query_syntax_stay_as_typed():
    # curly quotes would open a phrase, a dash would forbid the next word
    changed = changed_characters()
    for ch in "\u201c\u201d\u00ab\u00bb\u05f4\u2013\u2014\u05be":
        assert search.QUERY_SYNTAX.intersection(fold_char(ch)) and ch not in changed, ch
    assert "\u2019" in changed  # ’ → ' is no syntax: don’t finds don't


def test_greek_arabic_and_estonian_are_stemmed_with_the_checkers_stemmer():
    from checks.rules import language
    for lang in ("el", "ar", "et"):
        assert search.stemmer(lang) == language(lang).morphology.stemmer != ""
    assert search.stemmer("en") is None and search.stemmer("he") is None


def test_a_missing_stemmer_file_stops_the_build_with_its_name(tmp_path):
    (tmp_path / "assets" / "javascripts" / "lunr" / "min").mkdir(parents=True)
    (tmp_path / "assets" / "javascripts" / "lunr" / "min" / "lunr.el.min.js").write_text("")
    with pytest.raises(FileNotFoundError, match="greek-stemmer.js"):
        search.write_languages(tmp_path, ["el"])
