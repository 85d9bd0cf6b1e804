"""The theme around the pages, in real Chromium: the theme's own Arabic and Hebrew
labels corrected where they slip, the footer's credit replaced by a link to the
(English) editor's guide, a language switcher that keeps the reader's place and
marks the current language, a light and a dark scheme, and the one-page method on
one A4 sheet with stories printed open."""
import re
import sys
import tomllib
from pathlib import Path

import jinja2
import pytest

from checks import LANGUAGES
from conftest import ROOT

sys.path.insert(0, str(ROOT / "macros"))
import translations  # noqa: E402

UI = tomllib.loads((ROOT / "macros" / "strings.toml").read_text(encoding="utf-8"))
OTHER_LANGUAGES = [lang for lang in LANGUAGES if lang != "en"]
PRINCIPLE = "say-sorry"


def prefix(lang: str) -> str:
    return "" if lang == "en" else f"{lang}/"


def material_labels(lang: str) -> dict[str, str]:
    """The labels of Material's own translation file for a language."""
    import material
    path = Path(material.__file__).parent / "templates" / "partials" / "languages" / f"{lang}.html"
    text = path.read_text(encoding="utf-8")
    return {key: value.replace('\\"', '"') for key, value in re.findall(r'"([\w.]+)":\s*"((?:[^"\\]|\\.)*)"', text)}


def corrections(lang: str) -> dict[str, str]:
    """The handbook's corrections (overrides/partials/languages/corrections.html),
    rendered by Jinja as MkDocs does, for every key Material has."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(ROOT / "overrides")))
    module = env.get_template("partials/languages/corrections.html").module
    return {key: str(module.t(lang, key)) for key in material_labels("en") if str(module.t(lang, key))}


# Everything English the theme could show: Material's English labels, the
# handbook's English UI strings, and the strings issue 10 found on other pages.
ENGLISH = ({v for v in material_labels("en").values() if re.search(r"[A-Za-z]{3}", v)}
           | {v for v in UI["en"].values() if isinstance(v, str)}
           | {"Made with", "Material for MkDocs", "Permanent link"})


def page_paths(site_dir, lang: str) -> list[str]:
    root = site_dir / prefix(lang)
    paths = []
    for index in sorted(root.rglob("index.html")):
        rel = index.parent.relative_to(site_dir).as_posix()
        first = rel.split("/")[0]
        if first in ("assets", "search") or (lang == "en" and first in LANGUAGES):
            continue
        paths.append("" if rel == "." else rel + "/")
    return paths


# What a reader meets on a page: text, labels and tooltips, Material's strings for
# its scripts, outside anything marked as being in another language.
COLLECT = """() => {
    const lang = document.documentElement.lang;
    const foreign = el => { const marked = el.closest('[lang]'); return marked && marked.lang !== lang; };
    const strings = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const el = node.parentElement;
        if (el.closest('script, style, code, pre, kbd, samp') || foreign(el)) continue;
        if (node.textContent.trim()) strings.push(node.textContent.trim());
    }
    for (const el of document.querySelectorAll('[title], [aria-label], [placeholder], [alt]')) {
        if (foreign(el)) continue;
        for (const attr of ['title', 'aria-label', 'placeholder', 'alt']) {
            if (el.getAttribute(attr)) strings.push(el.getAttribute(attr).trim());
        }
    }
    const config = JSON.parse(document.getElementById('__config').textContent);
    return {
        strings,
        translations: config.translations,
        title: document.title,
        h1: document.querySelector('article h1').textContent.replace('¶', '').trim(),
        siteName: document.querySelector('.md-header__topic:first-child').textContent.trim(),
        nav: [...document.querySelectorAll('.md-nav--primary a.md-nav__link, .md-footer__link')]
            .map(a => a.href),
    };
}"""


@pytest.fixture(scope="module")
def crawl(browser, server, site_dir):
    """Every page of every language, once: what it shows, and every request that failed."""
    context = browser.new_context()
    page = context.new_page()
    failed, errors = [], []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    seen = {}
    for lang in LANGUAGES:
        for n, path in enumerate(page_paths(site_dir, lang)):
            page.goto(server.url + path)
            if n < 3:  # Material's late requests (it fetched sitemaps after load) on a few pages each
                page.wait_for_load_state("networkidle")
            seen[path] = {"lang": lang, **page.evaluate(COLLECT)}
    context.close()
    return {"pages": seen, "failed": failed, "errors": errors, "requested": requested}


@pytest.mark.parametrize("lang", ["ar", "he"])
def test_the_themes_arabic_and_hebrew_slips_are_corrected(crawl, lang):
    theirs, ours = material_labels(lang), corrections(lang)
    assert ours
    wrong = {theirs[key] for key in ours if key in theirs and theirs[key] != ours[key]}
    shown_right = set()
    for path, shown in crawl["pages"].items():
        if shown["lang"] != lang:
            continue
        everything = set(shown["strings"]) | set(shown["translations"].values())
        assert not everything & wrong, (path, everything & wrong)
        for key, value in shown["translations"].items():
            if key in ours:
                assert value == ours[key], (path, key)
        shown_right |= everything & set(ours.values())
    # the corrected labels are the ones on the pages (skip link, language menu, search ...)
    assert len(shown_right) >= 3, shown_right


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_no_english_on_the_other_languages_pages(crawl, lang):
    """Nothing the theme, the hook or the navigation adds is left in English: not
    the headings' "Permanent link", nor the editor's guide in the navigation, nor
    Material's credit (text marked lang="en", such as the footer's note that the
    guide is in English, is not counted)."""
    english_only = tuple(f"{lang}/{slug}/" for slug in translations.pages() if translations.english_only(slug))
    checked = 0
    for path, shown in crawl["pages"].items():
        if shown["lang"] != lang or path.startswith(english_only):  # served in English, not linked
            continue
        found = set(shown["strings"]) & ENGLISH
        assert not found, (path, found)
        checked += 1
    assert checked >= 14


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_tab_names_the_site_once(crawl, lang):
    """A home page's tab is the site's name; any other page's is its heading and the
    site's name. The site's name is the edition's own (its home page's heading)."""
    pages = {path: shown for path, shown in crawl["pages"].items() if shown["lang"] == lang}
    home = pages[prefix(lang)]
    assert home["title"] == home["siteName"] == home["h1"]
    for path, shown in pages.items():
        if path != prefix(lang):
            assert shown["siteName"] == home["siteName"], path
            assert shown["title"] == f"{shown['h1']} - {home['siteName']}", path


@pytest.mark.parametrize("lang", LANGUAGES)
def test_footer_links_the_editors_guide_in_english(page, server, lang):
    page.goto(server.url + prefix(lang) + f"{PRINCIPLE}/")
    link = page.locator(".md-copyright a", has_text=UI[lang]["editors_guide"])
    assert link.count() == 1
    assert not link.get_attribute("href").startswith(("/", "http"))
    link.click()
    page.wait_for_url(server.url + "editors/")
    assert page.get_attribute("html", "lang") == "en"


def headings(page) -> list[str]:
    return page.eval_on_selector_all("article.md-content__inner :is(h1,h2,h3,h4,h5,h6)[id]", "hs => hs.map(h => h.id)")


def switch_language(page, server, to: str):
    page.locator(".md-header__option .md-select").hover()
    page.locator(f'.md-select__link[hreflang="{to}"]').click()
    page.wait_for_function("lang => document.documentElement.lang === lang", arg=to)


def same_sections(page, server, source, target):
    """A page with the same headings in both languages (a translation behind its
    English page may have one more or one less), and the ids of those headings."""
    for slug in ("method", PRINCIPLE, "own-it", "follow-up", "prepare", "last-chance"):
        page.goto(server.url + prefix(target) + f"{slug}/")
        target_ids = headings(page)
        page.goto(server.url + prefix(source) + f"{slug}/")
        source_ids = headings(page)
        if len(source_ids) == len(target_ids) >= 5:
            return slug, source_ids, target_ids
    pytest.fail(f"no page has the same headings in {source} and {target}")


@pytest.mark.parametrize("source,target", [("en", "el"), ("el", "en"), ("ar", "he"), ("he", "et"), ("et", "ar")])
def test_switcher_keeps_the_heading_in_view(page, server, source, target):
    slug, source_ids, target_ids = same_sections(page, server, source, target)
    index = 4
    assert source_ids[index] != target_ids[index] or source in ("el", "ar", "he")  # ids differ by language
    page.goto(server.url + prefix(source) + f"{slug}/#{source_ids[index]}")
    href = page.get_attribute(f'.md-select__link[hreflang="{target}"]', "href")
    assert href.endswith(f"#{source_ids[index]}") and not href.startswith(("/", "http"))  # still relative
    switch_language(page, server, target)
    page.wait_for_url(re.compile(re.escape(f"#{target_ids[index]}") + "$"))
    top = page.eval_on_selector(f'[id="{target_ids[index]}"]', "h => h.getBoundingClientRect().top")
    assert 0 <= top < 200  # scrolled to it, below the header


def test_switcher_keeps_an_anchor_shared_by_every_language(page, server):
    page.goto(server.url + "rules/#apology-but")
    switch_language(page, server, "ar")
    assert page.url == server.url + "ar/rules/#apology-but"
    top = page.eval_on_selector("#apology-but", "h => h.getBoundingClientRect().top")
    assert 0 <= top < 200


@pytest.mark.parametrize("lang", LANGUAGES)
def test_switcher_marks_the_current_language(page, server, lang):
    page.goto(server.url + prefix(lang) + f"{PRINCIPLE}/")
    current = page.eval_on_selector_all(
        ".md-select__link[aria-current]", "as => as.map(a => [a.hreflang, a.getAttribute('aria-current')])")
    assert current == [[lang, "page"]]
    mark, weight = page.eval_on_selector(
        f'.md-select__link[hreflang="{lang}"]',
        "a => [getComputedStyle(a, '::before').content, getComputedStyle(a).fontWeight]")
    assert "✓" in mark and weight == "700"
    other = next(o for o in LANGUAGES if o != lang)
    assert page.eval_on_selector(f'.md-select__link[hreflang="{other}"]',
                                 "a => getComputedStyle(a, '::before').content") in ("none", "normal")
    # each language's name is marked as being in that language
    names = page.eval_on_selector_all(".md-select__link[hreflang]", "as => as.map(a => a.lang === a.hreflang)")
    assert names and all(names)


def scheme(page) -> str:
    return page.get_attribute("body", "data-md-color-scheme")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_palette_toggle_in_the_pages_language_and_kept_across_languages(page, server, lang):
    page.emulate_media(color_scheme="light")
    page.goto(server.url + prefix(lang) + f"{PRINCIPLE}/")
    assert scheme(page) == "default"
    toggle = page.locator("label.md-header__button[for^='__palette']:visible")
    assert toggle.get_attribute("title") == UI[lang]["switch_to_dark"]
    toggle.click()
    assert scheme(page) == "slate"
    assert page.locator("label.md-header__button[for^='__palette']:visible").get_attribute("title") == UI[lang]["switch_to_light"]
    other = "en" if lang != "en" else "he"
    page.goto(server.url + prefix(other) + "method/")
    assert scheme(page) == "slate"  # the reader's choice holds on every page, in every language


def test_dark_scheme_follows_the_system(page, server):
    page.emulate_media(color_scheme="dark")
    page.goto(server.url + "ar/")
    assert scheme(page) == "slate"
    background = page.eval_on_selector("body", "b => getComputedStyle(b).backgroundColor")
    assert background != "rgb(255, 255, 255)"


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_method_prints_on_one_a4_page(page, server, lang):
    page.goto(server.url + prefix(lang) + "method/")
    assert pdf_pages(page.pdf(format="A4")) == 1
    # ... and all of it: the last line of the page is printed
    page.emulate_media(media="print")
    last = page.eval_on_selector("article .print-one-page > p:last-of-type", "e => e.getBoundingClientRect().height")
    assert last > 0
    # a long page still prints on as many sheets as it needs
    page.emulate_media(media=None)
    page.goto(server.url + prefix(lang) + "rules/")
    assert pdf_pages(page.pdf(format="A4")) > 1


@pytest.mark.parametrize("lang", ["en", "he"])
def test_each_role_play_card_prints_on_a_sheet_of_its_own(page, server, lang):
    page.goto(server.url + prefix(lang) + "facilitators/")
    cards = page.locator("article .role-card")
    assert cards.count() >= 9            # eight cards and a blank one
    page.emulate_media(media="print")
    assert cards.first.evaluate("e => getComputedStyle(e).breakBefore") == "page"
    page.emulate_media(media=None)
    assert pdf_pages(page.pdf(format="A4")) > cards.count()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_stories_print_open(page, server, site_dir, lang):
    path = next(p for p in page_paths(site_dir, lang)
                if re.search(r"<details(?![^>]*\bopen)", (site_dir / p / "index.html").read_text(encoding="utf-8")))
    page.goto(server.url + path)
    story = page.locator("article details:not([open])").first
    body = story.locator(":scope > :not(summary)").first
    assert not body.is_visible()  # on screen, a story waits to be opened
    page.emulate_media(media="print")
    assert body.is_visible() and body.bounding_box()["height"] > 0
