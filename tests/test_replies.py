"""Realistic replies, written before the patterns that judge them (tests/replies/),
so they test how the rules generalise: the exact set of errors each must get."""
import tomllib

import pytest

import checks
from conftest import ROOT

REPLIES = [(path.stem, n, reply) for path in sorted((ROOT / "tests" / "replies").glob("*.toml"))
           for n, reply in enumerate(tomllib.loads(path.read_text(encoding="utf-8"))["reply"])]


def test_every_language_has_replies():
    assert {lang for lang, _, _ in REPLIES} == set(checks.LANGUAGES)


@pytest.mark.parametrize("lang,n,reply", REPLIES, ids=[f"{lang}-{n}" for lang, n, _ in REPLIES])
def test_reply_gets_exactly_its_errors(lang, n, reply):
    report = checks.check(reply["text"], lang)
    errors = {f.rule for f in report.findings if f.severity == "error"}
    assert errors == set(reply["errors"]), reply["note"]
