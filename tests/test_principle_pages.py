"""Every principle page opens with a one-line summary (a paragraph with the class
`summary`, right under the title) and shows one complete bad reply beside one
complete good reply to the same customer. The good reply passes the checker with
no error and no warning; the bad one does not, and breaks a rule of its own page
where the page has rules (issue 11). English must have them on every principle
page; a translation is held to the same standard as soon as it has them.
Every principle page has an exercise of its own, in every language (issue 10)."""
import re
from collections import defaultdict

import pytest

import checks
from checks import LANGUAGES
from conftest import ROOT

# The pages that teach a principle (as in test_site_build.py): those the rules come
# from, and the three whose principles have no rule of their own.
PRINCIPLES = sorted(set(checks.language("en").principles) | {"prepare", "recovery-paradox", "document"})

FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
EXERCISE = re.compile(r'\{\{\s*exercise\(\s*"([^"]+)"\s*\)\s*\}\}')
REPLY = re.compile(r'<div class="reply reply--(bad|good)" markdown>\s*\n(.*?)\n\s*</div>', re.S)


def source(lang: str, slug: str) -> str:
    return FRONT_MATTER.sub("", (ROOT / "docs" / lang / f"{slug}.md").read_text(encoding="utf-8"))


def replies(text: str) -> list[tuple[str, str]]:
    """(bad|good, reply text) for each reply box: its first paragraph is the label."""
    out = []
    for kind, inner in REPLY.findall(text):
        paragraphs = [p for p in re.split(r"\n\s*\n", inner.strip()) if p.strip()]
        out.append((kind, " ".join(" ".join(p.split()) for p in paragraphs[1:])))
    return out


def has_pair(lang: str, slug: str) -> bool:
    path = ROOT / "docs" / lang / f"{slug}.md"
    return path.exists() and 'class="reply-pair"' in path.read_text(encoding="utf-8")


CASES = [(lang, slug) for lang in LANGUAGES for slug in PRINCIPLES if lang == "en" or has_pair(lang, slug)]


@pytest.mark.parametrize("slug", PRINCIPLES)
def test_english_principle_page_opens_with_a_one_line_summary(slug):
    text = source("en", slug)
    match = re.match(r"# [^\n]+\n\n((?:[^\n]+\n)+?)\{ \.summary \}\n", text)
    assert match, f"docs/en/{slug}.md: no '{{ .summary }}' paragraph right under the title"
    summary = " ".join(match.group(1).split())
    assert 20 <= len(summary) <= 160, (slug, summary)


@pytest.mark.parametrize("lang,slug", CASES)
def test_one_bad_and_one_good_reply_side_by_side(lang, slug):
    text = source(lang, slug)
    assert text.count('<div class="reply-pair" markdown>') == 1, f"docs/{lang}/{slug}.md"
    kinds = [kind for kind, _ in replies(text)]
    assert kinds == ["bad", "good"], (lang, slug, kinds)
    assert all(len(reply.split()) >= 15 for _, reply in replies(text)), "a complete reply, not a line"


@pytest.mark.parametrize("lang,slug", CASES)
def test_good_reply_passes_and_bad_reply_breaks_the_page(lang, slug):
    found = dict(replies(source(lang, slug)))
    good = checks.check(found["good"], lang)
    serious = [(f.rule, f.excerpt) for f in good.findings if f.severity in ("error", "warning")]
    assert good.passed and not serious, (lang, slug, serious)

    bad = checks.check(found["bad"], lang)
    assert [f for f in bad.findings if f.severity in ("error", "warning")], (lang, slug, "bad reply passes")
    page_rules = {r.id for r in checks.language(lang).rules if r.principle == slug}
    if page_rules:
        assert page_rules & set(bad.fired()), (lang, slug, "the bad reply breaks none of this page's rules")


def exercises_on(lang: str, slug: str) -> list[str]:
    return EXERCISE.findall(source(lang, slug))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_two_principle_pages_share_an_exercise(lang):
    # a shared exercise shares one draft and one pass, and "All exercises" can only link
    # to one of the pages (issue 10: ask-and-fix and follow-up once shared the CD)
    pages_of = defaultdict(list)
    for slug in PRINCIPLES:
        ids = exercises_on(lang, slug)
        assert ids, f"docs/{lang}/{slug}.md has no exercise"
        for scenario_id in ids:
            pages_of[scenario_id].append(slug)
    shared = {scenario_id: pages for scenario_id, pages in pages_of.items() if len(pages) > 1}
    assert not shared, f"docs/{lang}/: exercises on more than one page: {shared}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_exercise_is_on_the_page_its_scenario_names(lang):
    # "All exercises" links each scenario to its `principle` page
    for scenario in checks.all_scenarios():
        assert scenario.principle in PRINCIPLES, (scenario.id, scenario.principle)
        assert scenario.id in exercises_on(lang, scenario.principle), \
            f"docs/{lang}/{scenario.principle}.md does not show exercise('{scenario.id}')"


RULE_LINK = re.compile(r"\[([^\]]+)\]\(rules\.md#([a-z-]+)\)")
INLINE_CODE = re.compile(r"`[^`]*`")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_link_to_a_rule_names_it_by_its_title(lang):
    """The glossary, the role-play cards and every other page call a rule what the
    widget and the rule reference call it: its title in the checker's data."""
    titles = {rule.id: rule.title for rule in checks.language(lang).rules}
    wrong = []
    for path in sorted((ROOT / "docs" / lang).glob("*.md")):
        text = INLINE_CODE.sub("", path.read_text(encoding="utf-8"))
        for label, rule_id in RULE_LINK.findall(text):
            if " ".join(label.split()) != titles.get(rule_id):
                wrong.append(f"{path.name}: [{label}] -> {rule_id} ({titles.get(rule_id)!r})")
    assert not wrong, wrong
