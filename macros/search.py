"""Search in the reader's language, reading words the way the checker reads them.

Material's search plugin writes one index for the whole site. After the build,
`split_index` gives each language its own (`<lang>/search/search_index.json`; the
default language's stays in `search/`), and `write_languages` writes, for each, the
lunr language that index names (`config.lang`: "fold-<lang>"), which Material's
search worker loads from `assets/javascripts/lunr/min/lunr.fold-<lang>.min.js`.

That language folds every word as checks/normalize.py folds text (case, accents,
Arabic hamza and alef forms, harakat, tatweel, Hebrew niqqud), from a table made
here from `fold_char`, drops stop words, and names the Snowball stemmer the checker
uses for the language (checks/rules/<lang>.toml, [language] stemmer), whose
JavaScript build (the same Snowball release as the snowballstemmer package) lies in
docs/assets/javascripts/workers/snowball/. The page runs Material's worker behind
docs/assets/javascripts/workers/search-analysis.js, which defines that language
(`searchLanguage`) and reads each query with it before Material sees it.
"""
from __future__ import annotations

import json
import re
import sys
import unicodedata
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from checks.normalize import fold_char  # noqa: E402
from checks.rules import language as rule_language  # noqa: E402

# How each language's index is read after folding: whose stop words it drops (from
# the lunr-languages files Material ships, assets/javascripts/lunr/min/lunr.<code>.min.js;
# "en" is lunr's own) and whether its words are stemmed, with the Snowball stemmer the
# checker uses for that language. English keeps Material's analysis (stop words, no
# stemmer); Hebrew has no Snowball stemmer: folding only (niqqud, final letters).
# Material's own choice of stop words is kept for el (lunr's Greek ones) and for ar and
# he (none); Estonian gets none rather than English ones.
ANALYSIS = {
    "en": {"stopWords": "en", "stemmed": False},
    "el": {"stopWords": "el", "stemmed": True},
    "ar": {"stopWords": None, "stemmed": True},
    "et": {"stopWords": None, "stemmed": True},
    "he": {"stopWords": None, "stemmed": False},
}
# Where the Snowball stemmers compiled to JavaScript lie, relative to the site (and,
# under docs/, to the sources): <algorithm>-stemmer.js, beside base-stemmer.js and
# Snowball's licence (COPYING). They are generated, not edited, and must come from the
# Snowball release of the snowballstemmer pin (requirements.txt: 3.1.1), which
# tests/browser/test_search.py checks on every word of each index. To update them,
# in a checkout of Snowball at that tag: `make snowball js_out/base-stemmer.js
# js_out/<algorithm>-stemmer.js …`, then copy js_out/*.js and COPYING here.
SNOWBALL_JS = Path("assets") / "javascripts" / "workers" / "snowball"
# Letters are folded in the scripts the handbook is written in; every other character
# that fold_char changes (marks, digits, punctuation, format controls), in any script.
FOLDED_SCRIPTS = ("LATIN", "GREEK", "ARABIC", "HEBREW")
# lunr's query syntax and the index's word separator ("-"): a character that folds to
# one of them (curly quotes, dashes, the Hebrew maqaf) stays as typed, in the index
# and in queries alike, so that folding a query never changes what it asks.
QUERY_SYNTAX = frozenset('"+-*:~^')


def language_code(lang: str) -> str:
    """The lunr language of a site language's index."""
    return f"fold-{lang}"


def material_setting(lang: str, key: str) -> str:
    """One of Material's `search.config.*` strings for a language (separator,
    pipeline), falling back to English as Material does."""
    import material
    folder = Path(material.__file__).parent / "templates" / "partials" / "languages"

    def read(code):
        text = (folder / f"{code}.html").read_text(encoding="utf-8")
        return {name: json.loads(f'"{value}"') for name, value in
                re.findall(r'"search\.config\.(\w+)":\s*"((?:[^"\\]|\\.)*)"', text)}

    return {**read("en"), **read(lang)}[key]


@lru_cache(maxsize=1)
def folding() -> dict:
    """checks/normalize.py's fold_char as data for search-analysis.js: `changed` is a
    regular-expression class of the characters it changes, `fold` maps those it does
    not remove to their folded form. Every character of the Basic Multilingual Plane
    is looked at (the handbook's scripts all live there); others stay as typed."""
    fold, changed = {}, []
    for code in range(0x10000):
        ch = chr(code)
        category = unicodedata.category(ch)
        if category in ("Cs", "Co", "Cn") or ch.isspace():
            continue  # surrogates, private use, unassigned; white space separates words
        if category.startswith("L") and not unicodedata.name(ch, "").startswith(FOLDED_SCRIPTS):
            continue
        folded = fold_char(ch)
        if folded == ch or QUERY_SYNTAX.intersection(folded) or any(c.isspace() for c in folded):
            continue
        changed.append(code)
        if folded:
            fold[ch] = folded
    ranges: list[list[int]] = []
    for code in changed:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return {"changed": "".join(f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges),
            "fold": fold}


def config(lang: str) -> dict:
    """The `config` of a language's index, as Material's worker reads it."""
    # pipeline: Material removes the steps it does not list from the languages it
    # loads; the fold-<lang> language has no such steps and builds its own pipeline.
    return {"lang": [language_code(lang)], "separator": material_setting(lang, "separator"), "pipeline": []}


def split_index(site_dir: Path, languages: list[str], default: str) -> None:
    """One index per language, so a reader searching Greek pages finds Greek pages."""
    index_file = site_dir / "search" / "search_index.json"
    if not index_file.exists():
        return
    merged = json.loads(index_file.read_text(encoding="utf-8"))
    by_lang: dict[str, list] = {lang: [] for lang in languages}
    for doc in merged["docs"]:
        prefix = doc["location"].split("/", 1)[0]
        if prefix in by_lang and prefix != default:
            by_lang[prefix].append({**doc, "location": doc["location"][len(prefix) + 1:]})
        else:
            by_lang[default].append(doc)
    for lang, docs in by_lang.items():
        folder = site_dir / "search" if lang == default else site_dir / lang / "search"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "search_index.json").write_text(
            json.dumps({"config": {**merged["config"], **config(lang)}, "docs": docs},
                       ensure_ascii=False, separators=(",", ":")),
            encoding="utf-8")


def stemmer(lang: str) -> str | None:
    """The Snowball algorithm that stems the language's search ("greek"), or None:
    the one the checker uses, from the language's rule data."""
    if not ANALYSIS.get(lang, {}).get("stemmed"):
        return None
    return rule_language(lang).morphology.stemmer or None


def write_languages(site_dir: Path, languages: list[str]) -> None:
    """assets/javascripts/lunr/min/lunr.fold-<lang>.min.js for each language: the
    lunr-languages file of its stop words, then searchLanguage() with its settings."""
    folder = site_dir / "assets" / "javascripts" / "lunr" / "min"
    for lang in languages:
        analysis = ANALYSIS.get(lang, {"stopWords": None, "stemmed": False})
        needs = [analysis["stopWords"]] if analysis["stopWords"] not in (None, "en") else []
        missing = [f"{folder}/lunr.{code}.min.js" for code in needs if not (folder / f"lunr.{code}.min.js").is_file()]
        algorithm = stemmer(lang)
        if algorithm and not (site_dir / SNOWBALL_JS / f"{algorithm}-stemmer.js").is_file():
            missing.append(f"{site_dir / SNOWBALL_JS}/{algorithm}-stemmer.js (see SNOWBALL_JS)")
        if missing:
            raise FileNotFoundError(f"macros/search.py: the search of {lang!r} needs {missing[0]}")
        code = language_code(lang)
        settings = {"stopWords": analysis["stopWords"], "stemmer": algorithm, **folding()}
        lines = [f"// The lunr language {code}: written by macros/search.py from checks/normalize.py; do not edit.",
                 # Paths are relative to the worker (assets/javascripts/workers/), as Material's are.
                 *(f'importScripts("../lunr/min/lunr.{need}.min.js");' for need in needs),
                 f"searchLanguage({json.dumps(code)}, "
                 f"{json.dumps(settings, ensure_ascii=False, separators=(',', ':'))});"]
        (folder / f"lunr.{code}.min.js").write_text("\n".join(lines) + "\n", encoding="utf-8")
