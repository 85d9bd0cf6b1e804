"""Search finds what people type (Chromium): a word typed without accents, hamza or
niqqud finds the pages that write it with them, an inflection finds the others
(Greek, Arabic, Estonian: the checker's Snowball stemmers, the same in the browser as
in Python), and results stay in the reader's language.

The first tests search the built site through Material's search box. The others
talk to the site's search worker directly with small made-up pages, so what they
expect does not depend on the handbook's text."""
import json
import re
import sys

import pytest
import snowballstemmer

from checks import LANGUAGES
from checks.normalize import fold
from conftest import ROOT

sys.path.insert(0, str(ROOT / "macros"))
import search  # noqa: E402


def prefix(lang):
    return "" if lang == "en" else f"{lang}/"


def search_box(page, server, lang, query) -> tuple[int, list[str]]:
    """Type query into the search box of the language's home page: the number of
    pages found (Material's count) and the addresses listed."""
    page.goto(server.url + prefix(lang))
    meta = page.locator(".md-search-result__meta")
    page.locator(".md-search__input").click()
    # The index is ready when the meta line shows Material's placeholder. Waiting for
    # the line to change instead would hang whenever the index was ready first.
    placeholder = page.evaluate("""() => JSON.parse(document.getElementById("__config")
        .textContent).translations["search.result.placeholder"]""")
    ready = "t => document.querySelector('.md-search-result__meta').textContent.trim() === t"
    page.wait_for_function(ready, arg=placeholder.strip(), timeout=20_000)
    changed = "t => document.querySelector('.md-search-result__meta').textContent.trim() !== t"
    page.locator(".md-search__input").fill(query)
    page.keyboard.press("End")  # Material searches on key events; fill() alone sends none
    page.wait_for_function(changed, arg=placeholder.strip(), timeout=20_000)
    hrefs = page.eval_on_selector_all(".md-search-result__item > a", "as => as.map(a => a.href)")
    count = re.findall(r"\d+", meta.text_content())
    assert not page.errors, page.errors
    return (int(count[0]) if count else len(hrefs)), hrefs


def assert_in_language(server, lang, hrefs):
    others = [f"{other}/" for other in LANGUAGES if other not in ("en", lang)]
    for href in hrefs:
        path = href[len(server.url):]
        assert path.startswith(prefix(lang)) and not any(path.startswith(o) for o in others), href


# The queries of issue 10, each beside the form the pages write.
@pytest.mark.parametrize("lang, typed, written", [
    ("el", "συγγνωμη", "συγγνώμη"),
    ("el", "δικαιολογιες", "δικαιολογίες"),
    ("el", "πελατες", "πελάτες"),
    ("ar", "اعذار", "أعذار"),
    ("he", "סְלִיחָה", "סליחה"),  # with niqqud, as a learner's book prints it
])
def test_a_word_typed_plainly_finds_what_its_written_form_finds(page, server, lang, typed, written):
    found, hrefs = search_box(page, server, lang, typed)
    expected, _ = search_box(page, server, lang, written)
    assert expected > 0
    assert found >= expected, (typed, found, written, expected)
    assert_in_language(server, lang, hrefs)


def test_english_search_still_works(page, server):
    found, hrefs = search_box(page, server, "en", "Apology")
    assert found > 0
    assert_in_language(server, "en", hrefs)


# --- The search worker itself, with made-up pages -----------------------------------

def search_worker(page, server, lang, texts: dict[str, str], queries: list[str]) -> dict:
    """Start the page's search worker (as Material does) on an index of the given
    pages, with the language's real settings; for each query, the pages found and,
    for the first page, the words Material would list as found or missing."""
    page.goto(server.url + prefix(lang))
    return page.evaluate("""async ({texts, queries}) => {
        const config = JSON.parse(document.getElementById("__config").textContent);
        const index = await (await fetch(new URL("search/search_index.json", new URL(config.base, location.href)))).json();
        const docs = Object.entries(texts).map(([location, text]) => ({location, title: location, text}));
        const worker = new Worker(config.search);
        const reply = () => new Promise((resolve, reject) => {
            worker.onmessage = event => resolve(event.data);
            worker.onerror = event => reject(new Error(event.message));
        });
        // Material's messages: 0 sets the index up (answered by 1), 2 is a query (answered by 3)
        worker.postMessage({type: 0, data: {config: index.config, docs, options: {suggest: false}}});
        if ((await reply()).type !== 1) throw new Error("the search worker did not start");
        const results = {};
        for (const query of queries) {
            worker.postMessage({type: 2, data: query});
            const items = (await reply()).data.items;
            results[query] = {pages: items.map(group => group[0].location).sort(),
                              terms: items.length ? items[0][0].terms : {}};
        }
        worker.terminate();
        return results;
    }""", {"texts": texts, "queries": queries})


def pages_found(results):
    return {query: result["pages"] for query, result in results.items()}


def test_greek_without_accents_and_other_inflections(page, server):
    results = search_worker(page, server, "el", {
        "apology/": "<p>Ζητήσαμε συγγνώμη από τους πελάτες.</p>",
        "customer/": "<p>Ένας πελάτης περίμενε.</p>",
        "excuses/": "<p>Οι «δικαιολογίες» δεν βοηθούν.</p>",
        "coffee/": "<p>Ο καφές ήταν κρύος.</p>",
    }, ["συγγνωμη", "ΣΥΓΓΝΩΜΗ", "πελατες", "συγγν", "δικαιολογιας", "καφε", '"συγγνώμη πελάτες"', "πελάτης -συγγνώμη"])
    assert pages_found(results) == {
        "συγγνωμη": ["apology/"],
        "ΣΥΓΓΝΩΜΗ": ["apology/"],
        "πελατες": ["apology/", "customer/"],  # πελάτης: the same stem
        "συγγν": ["apology/"],                 # being typed: the words it begins
        "δικαιολογιας": ["excuses/"],          # the plural, in quotes
        "καφε": ["coffee/"],                   # καφές
        '"συγγνώμη πελάτες"': ["apology/"],
        "πελάτης -συγγνώμη": ["customer/"],
    }


def test_the_words_listed_under_a_result_are_the_words_typed(page, server):
    results = search_worker(page, server, "el", {"customer/": "<p>Ένας πελάτης περίμενε.</p>"},
                            ["Πελάτες ζάχαρη"])
    assert results["Πελάτες ζάχαρη"]["terms"] == {"πελάτες": True, "ζάχαρη": False}


def test_arabic_without_hamza_harakat_or_tatweel(page, server):
    results = search_worker(page, server, "ar", {
        "excuses/": "<p>قدّم الموظفُ أعذارًا كثيرة.</p>",
        "excuse/": "<p>لا عذر لنا.</p>",
        "apology/": "<p>الاعتذار مهم.</p>",
        "customer/": "<p>انتظر العمـــيل طويلاً.</p>",
    }, ["اعذار", "أعذار", "اعتذار", "العميل", "الموظفين"])
    assert pages_found(results) == {
        "اعذار": ["excuses/"],       # أعذارًا (Snowball keeps a broken plural apart from عذر)
        "أعذار": ["excuses/"],
        "اعتذار": ["apology/"],      # الاعتذار: with the article
        "العميل": ["customer/"],     # العمـــيل: with tatweel
        "الموظفين": ["excuses/"],    # الموظفُ: the same stem
    }


def test_hebrew_with_niqqud_and_estonian_english_without_diacritics(page, server):
    hebrew = search_worker(page, server, "he", {"sorry/": "<p>סליחה על העיכוב.</p>", "other/": "<p>לקוחות מרוצים.</p>"},
                           ["סְלִיחָה", "סליחה", "הָעִיכּוּב"])
    assert pages_found(hebrew) == {"סְלִיחָה": ["sorry/"], "סליחה": ["sorry/"], "הָעִיכּוּב": ["sorry/"]}
    estonian = search_worker(page, server, "et", {"thanks/": "<p>Täname, et ootasite.</p>",
                                                  "customers/": "<p>Kliendid ootasid.</p>"},
                             ["tanan", "TÄNAME", "kliendile"])
    assert pages_found(estonian) == {"tanan": ["thanks/"], "TÄNAME": ["thanks/"],  # the same stem
                                     "kliendile": ["customers/"]}
    english = search_worker(page, server, "en", {"cafe/": "<p>The café apologised.</p>", "other/": "<p>Nothing.</p>"},
                            ["cafe", "CAFÉ", "apologised", "apolog"])
    assert pages_found(english) == {"cafe": ["cafe/"], "CAFÉ": ["cafe/"], "apologised": ["cafe/"], "apolog": ["cafe/"]}


# Characters the folding table must treat as checks/normalize.py does, in every script.
TRICKY_WORDS = ["ΐδιος", "Ὀδυσσεύς", "ΆΝΘΡΩΠΟΣ", "Straße", "naïve", "İstanbul", "Ǆemal",
                "شُكْرًا", "آسفون", "مسؤول", "ـــسلامـــ", "٣٤٥", "۱۲", "مستشفى", "مدرسة",
                "שָׁלוֹם", "מִכְתָּב", "עֵץ", "ארץ", "ﬠולם"]


def test_the_folding_is_the_checkers(page, server):
    """Each word is found by the checker's folded form of it (computed here, in Python)."""
    texts = {f"w{i}/": f"<p>{word}</p>" for i, word in enumerate(TRICKY_WORDS)}
    queries = [fold(word) for word in TRICKY_WORDS]
    results = search_worker(page, server, "he", texts, queries)
    found = {word: results[fold(word)]["pages"] for word in TRICKY_WORDS}
    assert found == {word: [f"w{i}/"] for i, word in enumerate(TRICKY_WORDS)}


@pytest.mark.parametrize("lang", ["el", "ar", "et"])
def test_the_browser_stems_every_word_of_the_index_as_the_checker_does(page, server, site_dir, lang):
    """The Snowball stemmer the search worker imports gives, for every folded word of
    the language's index, the stem Python's snowballstemmer gives the checker."""
    algorithm = search.stemmer(lang)
    index = json.loads((site_dir / lang / "search" / "search_index.json").read_text(encoding="utf-8"))
    words = sorted({word for doc in index["docs"]
                    for word in re.findall(r"\w+", fold(re.sub(r"<[^>]+>", " ", doc["title"] + " " + doc["text"])))
                    if not word.isdigit()})
    assert len(words) > 500, len(words)
    page.goto(server.url + f"{lang}/")
    in_browser = page.evaluate("""async ({url, words}) => {
        const stemmer = new (await import(url)).default();
        return words.map(word => stemmer.stemWord(word));
    }""", {"url": f"{server.url}{search.SNOWBALL_JS.as_posix()}/{algorithm}-stemmer.js", "words": words})
    python = snowballstemmer.stemmer(algorithm)
    differ = [(word, got) for word, got in zip(words, in_browser) if got != python.stemWord(word)]
    assert not differ, differ[:10]
