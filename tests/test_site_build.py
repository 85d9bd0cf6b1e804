"""The built site: every page in every language, the browser runtime served
from the site itself, and one search index per language."""
import base64
import gzip
import hashlib
import html as html_lib
import sys
import json
import re
import struct
import zipfile

import pytest
import tomllib

import checks
from checks import rules as rules_module
from checks import LANGUAGES
from conftest import ROOT

sys.path.insert(0, str(ROOT / "macros"))
import translations  # noqa: E402

# Pages every language must have (the editor's guide is English only, by its front matter).
PAGES = [p for p in translations.pages() if not translations.english_only(p)]
UI = tomllib.loads((ROOT / "macros" / "strings.toml").read_text(encoding="utf-8"))


def page_dir(site_dir, lang, slug):
    folder = site_dir if lang == "en" else site_dir / lang
    return folder if slug == "index" else folder / slug


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_is_written_and_built_in_every_language(site_dir, lang):
    missing = [slug for slug in PAGES if not (ROOT / "docs" / lang / f"{slug}.md").exists()]
    assert not missing, f"docs/{lang}/ lacks {missing}"
    for slug in PAGES:
        html = (page_dir(site_dir, lang, slug) / "index.html").read_text(encoding="utf-8")
        assert f'<html lang="{lang}"' in html


def test_principle_pages_end_with_an_exercise_and_rules_link_back(site_dir):
    principles = set(checks.language("en").principles) | {"prepare", "recovery-paradox", "document"}
    for lang in LANGUAGES:
        for slug in principles:
            html = (page_dir(site_dir, lang, slug) / "index.html").read_text(encoding="utf-8")
            assert 'data-exercise="' in html, f"{lang}/{slug} has no exercise"
    for rule in checks.catalogue():
        html = (site_dir / "rules" / "index.html").read_text(encoding="utf-8")
        assert f'id="{rule}"' in html


@pytest.mark.parametrize("lang", LANGUAGES)
def test_all_exercises_lists_every_principle_page_and_each_link_lands_on_its_exercise(site_dir, lang):
    # issue 10: the list once had 8 exercises for 10 principle pages
    principles = set(checks.language("en").principles) | {"prepare", "recovery-paradox", "document"}
    html = (page_dir(site_dir, lang, "exercises") / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a data-progress-exercise="([^"]+)" href="\.\./([^/"]+)/#exercise-\1">', html)
    assert len(links) == len(checks.scenario_ids()) == html.count("data-progress-exercise=")
    assert {slug for _, slug in links} == principles
    for scenario_id, slug in links:
        target = (page_dir(site_dir, lang, slug) / "index.html").read_text(encoding="utf-8")
        assert f'id="exercise-{scenario_id}"' in target, (lang, scenario_id, slug)
        # each entry names the page it practises, by that page's heading
        h1 = re.sub(r'<a class="headerlink".*?</a>', "", re.search(r"<h1[^>]*>(.*?)</h1>", target, re.S).group(1))
        heading = html_lib.unescape(re.sub(r"<[^>]+>", "", h1).strip())
        about = re.search(rf'data-progress-exercise="{scenario_id}".*?exercise-progress__about">(.*?)</span>', html, re.S)
        assert html_lib.unescape(about.group(1)).startswith(f" ({heading}): "), (lang, scenario_id, about.group(1))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_principle_page_and_the_feedback_that_links_to_it_use_one_title(site_dir, lang):
    # the widget's "learn more: <title>" and the rules page take the title from the
    # rule data; the page's heading, its tab title and the navigation show the same
    for slug, title in checks.language(lang).principles.items():
        html = (page_dir(site_dir, lang, slug) / "index.html").read_text(encoding="utf-8")
        h1 = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
        h1 = re.sub(r'<a class="headerlink".*?</a>', "", h1)
        assert re.sub(r"<[^>]+>", "", h1).strip() == title, (lang, slug)
        assert f"<title>{title}" in html.replace("&quot;", '"').replace("&#39;", "'"), (lang, slug)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_headings_permanent_links_are_titled_in_the_pages_language(site_dir, lang):
    for slug in ("index", "say-sorry", "rules"):
        html = (page_dir(site_dir, lang, slug) / "index.html").read_text(encoding="utf-8")
        titles = set(re.findall(r'<a class="headerlink" href="[^"]*" title="([^"]*)"', html))
        assert titles == {html_lib.escape(UI[lang]["permalink_title"])}, (lang, slug, titles)


def primary_nav(site_dir, lang) -> list[str]:
    """The links of a language's navigation (its home page's sidebar), as page slugs."""
    html = (page_dir(site_dir, lang, "index") / "index.html").read_text(encoding="utf-8")
    nav = html[html.index('class="md-nav md-nav--primary"'):]
    nav = nav[:nav.index("md-sidebar--secondary")]  # not the table of contents
    return [href.strip("./") or "index" for href in re.findall(r'<a href="([^"#]*)" class="md-nav__link', nav)]


def test_the_editors_guide_is_in_the_english_navigation_only(site_dir):
    english = primary_nav(site_dir, "en")
    assert "editors" in english
    # the learners' navigation is the English one, in the same order, but English-only pages
    learners = [slug for slug in english if slug in PAGES]
    for lang in LANGUAGES:
        if lang != "en":
            assert primary_nav(site_dir, lang) == learners, lang
            # nor is it the next page after the last one of the learners' navigation
            last = (page_dir(site_dir, lang, learners[-1]) / "index.html").read_text(encoding="utf-8")
            assert "md-footer__link--next" not in last, lang


@pytest.mark.parametrize("lang", LANGUAGES)
def test_one_site_name_per_tab_the_editions_own(site_dir, lang):
    def title(slug):
        html = (page_dir(site_dir, lang, slug) / "index.html").read_text(encoding="utf-8")
        return html_lib.unescape(re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip())
    site_name = translations.title("index", lang)  # the home page's heading: the edition's own name
    assert title("index") == site_name
    principle = checks.language(lang).principles["say-sorry"]
    assert title("say-sorry") == f"{principle} - {site_name}"


def _served_runtime(site_dir, page):
    html = (site_dir / page / "index.html").read_text(encoding="utf-8")
    return json.loads(html_lib.unescape(re.search(r'data-runtime="([^"]*)"', html).group(1)))


def test_runtime_is_served_from_the_site_with_our_wheel(site_dir):
    files = _served_runtime(site_dir, checks.scenario("plums").principle)
    # every exercise page of every language names the same files
    for lang in LANGUAGES:
        assert _served_runtime(site_dir, f"{lang}/{checks.scenario('plums').principle}".removeprefix("en/")) == files
    index = site_dir / files["index"]
    for name in ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm"):
        assert (index / name).is_file(), name
    lock_file = site_dir / files["lock"]
    lock = json.loads(lock_file.read_text())
    entry = lock["packages"]["checks"]
    wheel = (index / entry["file_name"]).resolve()  # Pyodide resolves it against the runtime's folder
    assert hashlib.sha256(wheel.read_bytes()).hexdigest() == entry["sha256"]
    names = zipfile.ZipFile(wheel).namelist()
    # compiled to bytecode (no source); each language only as the hash of the data its
    # ready-read copy (served beside the wheel) was read from; the scenarios as data
    assert "checks/engine.pyc" in names and "checks/engine.py" not in names
    assert "checks/rules/he.data.sha256" in names and "checks/rules/he.toml" not in names
    assert "checks/rules/catalogue.toml" in names and "checks/scenarios/plums.toml" in names
    assert set(files["rules"]) == set(checks.LANGUAGES)
    stdlib = zipfile.ZipFile(site_dir / files["stdlib"]).namelist()
    assert "json/__init__.pyc" in stdlib and not [n for n in stdlib if n.endswith(".py")]


def test_runtime_files_are_named_by_their_content(site_dir):
    """Each file's folder is the hash of its content (the three runtime files share
    one, named by their hashes together): a publish changes the address of whatever
    it changes, so a host may cache them for ever."""
    sys.path.insert(0, str(ROOT / "macros"))
    import runtime
    folder = site_dir / "assets" / "pyodide"
    files = _served_runtime(site_dir, checks.scenario("plums").principle)
    singles = [files["stdlib"], files["lock"], *(s["url"] for s in files["snapshots"].values()),
               *files["rules"].values()]
    lock = json.loads((site_dir / files["lock"]).read_text())
    singles += [f"{files['index']}{entry['file_name']}" for entry in lock["packages"].values()]
    for path in singles:
        target = (site_dir / path).resolve()
        assert target.parent.name == runtime._file_hash(target), path
    assert set(files["snapshots"]) == set(LANGUAGES)
    for snapshot in files["snapshots"].values():
        data = (site_dir / snapshot["url"]).read_bytes()
        assert snapshot["bytes"] == len(data)
        assert snapshot["integrity"] == "sha256-" + base64.b64encode(hashlib.sha256(data).digest()).decode()
        # stored without its pages of zeros (exercise-worker.js puts them back)
        magic, page, length = data[:4], *struct.unpack("<II", data[4:12])
        assert magic == runtime.SPARSE_MAGIC and page == runtime.SPARSE_PAGE and len(data) < length
    # each language's rules ready-read, for the data the wheel carries (checks.rules.frozen)
    assert set(files["rules"]) == set(LANGUAGES)
    for lang, path in files["rules"].items():
        assert (site_dir / path).read_bytes()[:32] == rules_module._data_hash(lang)
    # the .gz copies a host serves as they are (nginx gzip_static)
    wasm = site_dir / files["index"] / "pyodide.asm.wasm"
    assert gzip.decompress(wasm.with_name(wasm.name + ".gz").read_bytes()) == wasm.read_bytes()
    assert not (folder / "pyodide.asm.wasm").exists() and not (folder / "pyodide-lock.json").exists()


def test_one_search_index_per_language(site_dir):
    seen = 0
    for lang in LANGUAGES:
        index_file = (site_dir if lang == "en" else site_dir / lang) / "search" / "search_index.json"
        index = json.loads(index_file.read_text(encoding="utf-8"))
        locations = [d["location"] for d in index["docs"]]
        assert locations
        assert not any(loc.split("/")[0] in LANGUAGES for loc in locations), lang
        seen += len(locations)
        assert index["config"]["lang"] == [f"fold-{lang}"]  # macros/search.py
        language_file = site_dir / "assets" / "javascripts" / "lunr" / "min" / f"lunr.fold-{lang}.min.js"
        assert f'searchLanguage("fold-{lang}",' in language_file.read_text(encoding="utf-8")


def test_every_link_and_asset_is_relative(site_dir):
    """So the site works from any sub-path: the language switcher (and its
    <link rel="alternate">) on the home pages too. 404.html is the exception:
    it is served at any missing address, so its links come from SITE_URL."""
    absolute = re.compile(r'\b(?:href|src|action)="/(?!/)[^"]*"')
    found = [f"{page.relative_to(site_dir)}: {link}"
             for page in sorted(site_dir.rglob("*.html")) if page != site_dir / "404.html"
             for link in absolute.findall(page.read_text(encoding="utf-8"))]
    assert not found, "\n".join(found[:30])


def test_one_404_page_for_every_language(site_dir):
    assert not [p for p in site_dir.rglob("404.html") if p != site_dir / "404.html"]
    html = (site_dir / "404.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in html and '<body dir="ltr"' in html  # not the last language built
    for lang in LANGUAGES:
        home = "/" if lang == "en" else f"/{lang}/"
        direction = "rtl" if lang in ("ar", "he") else "ltr"
        assert re.search(rf'<li lang="{lang}" dir="{direction}">\s*<strong>[^<]+</strong>[^<]+'
                         rf'<a href="{home}" hreflang="{lang}">', html), lang
