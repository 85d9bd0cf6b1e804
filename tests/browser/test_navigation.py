"""Languages in a real browser: the switcher stays on the same page, Arabic and
Hebrew are right to left, and search finds the reader's own language."""
import pytest

import checks
from checks import LANGUAGES

PRINCIPLE = "say-sorry"


def prefix(lang):
    return "" if lang == "en" else f"{lang}/"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_direction_and_language(page, server, lang):
    page.goto(server.url + prefix(lang) + f"{PRINCIPLE}/")
    assert page.get_attribute("html", "lang") == lang
    assert page.get_attribute("body", "dir") == ("rtl" if lang in ("ar", "he") else "ltr")


def test_language_switcher_stays_on_the_same_page(page, server):
    page.goto(server.url + f"el/{PRINCIPLE}/")
    links = page.eval_on_selector_all(".md-select__link[hreflang]", "as => as.map(a => [a.hreflang, a.href])")
    targets = dict(links)
    for lang in LANGUAGES:
        assert targets[lang] == server.url + prefix(lang) + f"{PRINCIPLE}/", targets


@pytest.mark.parametrize("lang", LANGUAGES)
def test_search_finds_only_this_language(page, server, lang):
    title = checks.language(lang).principles[PRINCIPLE]
    word = max(title.replace(":", " ").replace(",", " ").split(), key=len)
    page.goto(server.url + prefix(lang) + f"{PRINCIPLE}/")
    page.locator(".md-search__input").click()
    page.locator(".md-search__input").fill(word)
    page.keyboard.press("End")  # Material searches on key events; fill() alone sends none
    page.wait_for_selector(".md-search-result__item", timeout=20_000)
    hrefs = page.eval_on_selector_all(".md-search-result__item > a", "as => as.map(a => a.href)")
    assert hrefs
    others = [f"/{other}/" for other in LANGUAGES if other not in ("en", lang)]
    for href in hrefs:
        path = href[len(server.url) - 1:]
        if lang == "en":
            assert not any(path.startswith(o) for o in others), (word, href)
        else:
            assert path.startswith(f"/{lang}/"), (word, href)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_editors_guide_is_in_the_english_navigation_only(page, server, lang):
    page.goto(server.url + prefix(lang) + f"{PRINCIPLE}/")
    links = page.eval_on_selector_all(".md-nav--primary a.md-nav__link[href]", "as => as.map(a => a.href)")
    assert server.url + prefix(lang) + f"{PRINCIPLE}/" in links  # the learners' pages are there
    editors = [href for href in links if href.endswith("/editors/")]
    assert editors == ([server.url + "editors/"] if lang == "en" else []), editors
