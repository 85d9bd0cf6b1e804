"""MkDocs hooks (configured in mkdocs.yml under `hooks:`), run once the whole
multilingual site is built:

- serve the Pyodide runtime and the `checks` wheel from the site itself;
- give every page the date it was last changed (`page.meta.revision_date`,
  which Material shows at the foot of the page);
- split the search index by language, so a reader searching Greek pages finds
  Greek pages, each read as the checker reads words (macros/search.py; see
  overrides/main.html);
- keep every link relative, so the site works from any sub-path: the language
  switcher on the home pages too (mkdocs-static-i18n writes those root-absolute);
- stop the build, before any page is rendered, on a mistake in the data the
  pages are made from: rule data and scenarios (RuleDataError names the file, the
  line and the rule), and a page with no translation (mkdocs-static-i18n would
  serve the English page under the other language's lang and dir);
- write one language-neutral 404.html (overrides/404.html), from the default
  language's build. It is served at any missing address, so MkDocs gives it
  absolute links from the path of `site_url` (`SITE_URL` when building);
- give the templates in overrides/ the UI strings (macros/strings.toml) as
  `ui_strings`, so the theme's additions speak the page's language, and the
  headings' permanent-link tooltip too (toc's permalink_title, per language build);
- leave out the <link rel="alternate" hreflang> tags of the page head (see
  on_post_page).
"""
from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from copy import deepcopy
from datetime import date
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

sys.path.insert(0, str(Path(__file__).resolve().parent))
import offline  # noqa: E402
import runtime  # noqa: E402  (this folder is not a package MkDocs knows)
import translations  # noqa: E402

if str(runtime.ROOT) not in sys.path:
    sys.path.insert(0, str(runtime.ROOT))
import checks  # noqa: E402
import search  # noqa: E402  (reads checks.normalize)
from checks.rules import RuleDataError  # noqa: E402

# The UI strings of every language; the templates in overrides/ read them as ui_strings.
UI_STRINGS = tomllib.loads(Path(__file__).with_name("strings.toml").read_text(encoding="utf-8"))


def _languages(config) -> list[str]:
    return [lang.locale for lang in config.plugins["i18n"].config.languages]


def _default_language(config) -> str:
    return next(lang.locale for lang in config.plugins["i18n"].config.languages if lang.default)


@lru_cache(maxsize=1)
def _git_dates() -> dict[str, str]:
    """Path (relative to the repository) -> date of the last commit that touched it,
    for files without uncommitted changes."""
    def git(*args):
        return subprocess.run(["git", *args], cwd=runtime.ROOT, capture_output=True, text=True, check=True).stdout
    try:
        log, dirty = git("log", "--format=@%cs", "--name-only"), git("status", "--porcelain", "-uall")
    except (OSError, subprocess.CalledProcessError):
        return {}  # not a git checkout: file times are all there is
    changed = {line[3:] for line in dirty.splitlines()}
    dates, current = {}, None
    for line in log.splitlines():
        if line.startswith("@"):
            current = line[1:]
        elif line and line not in dates and line not in changed:
            dates[line] = current
    return dates


def on_page_markdown(markdown, page, config, files, **kwargs):
    path = Path(page.file.abs_src_path)
    rel = path.relative_to(runtime.ROOT).as_posix() if path.is_relative_to(runtime.ROOT) else None
    page.meta["revision_date"] = _git_dates().get(rel) or date.fromtimestamp(path.stat().st_mtime).isoformat()
    return markdown


def check_data() -> None:
    """Load every language's rules and every scenario in every language, so a
    mistake stops the build whichever page would have used it."""
    try:
        checks.catalogue()
        for lang in checks.LANGUAGES:
            checks.language(lang)
        for scenario in checks.all_scenarios():
            for lang in checks.LANGUAGES:
                scenario.text(lang)
    except RuleDataError as exc:
        raise PluginError(f"checks/{exc}") from None


PRINCIPLE_TITLE = "# " + translations.PRINCIPLE_TITLE


def check_principle_titles(config) -> None:
    """A page that rules come from takes its title from the rule data ([principles]),
    which the widget and the rules page use too: one place, so they cannot drift."""
    docs = Path(config["docs_dir"])
    problems = []
    for lang in checks.LANGUAGES:
        for slug in checks.language(lang).principles:
            path = docs / lang / f"{slug}.md"
            if not path.exists():
                continue   # check_translations reports it
            lines = path.read_text(encoding="utf-8").splitlines()
            number, title = next(((n, line) for n, line in enumerate(lines, 1) if line.startswith("# ")), (1, None))
            if title is None or title.strip() != PRINCIPLE_TITLE:
                problems.append(f"docs/{lang}/{slug}.md:{number}: the title of this page is in "
                                f"checks/rules/{lang}.toml [principles] (the widget and the rules page name "
                                f"the page with it): write the title line as {PRINCIPLE_TITLE}")
    if problems:
        raise PluginError("\n".join(problems))


def check_translations(config) -> None:
    """Every page in every language, unless its English page says english_only."""
    names = {lang.locale: lang.name for lang in config.plugins["i18n"].config.languages}
    missing = [s for s in translations.all_status() if s.state == "missing"]
    if missing:
        raise PluginError("\n".join(
            f"docs/{s.lang}/{s.page}.md is missing: translate docs/en/{s.page}.md into "
            f"{s.lang} ({names.get(s.lang, s.lang)}; without it that site would show the English page), "
            f"or give docs/en/{s.page}.md the front matter english_only: true" for s in missing))


# href="/x", src='/x': root-absolute, so broken when the site is served under a sub-path
_ROOT_ABSOLUTE = re.compile(r"""\b(?:href|src|action)\s*=\s*["']?/(?!/)""", re.I)


def on_page_content(html, page, config, files, **kwargs):
    """Refuse a root-absolute link written as raw HTML in a page: MkDocs checks
    Markdown links, not these, and the site must work from any sub-path."""
    match = _ROOT_ABSOLUTE.search(html)
    if match:
        snippet = html[match.start():html.find(">", match.start()) + 1][:80]
        raise PluginError(f"docs/{page.file.src_uri}: {snippet}: a link that starts with '/' breaks when "
                          "the site is served under a sub-path: write it relative (as a Markdown link)")
    return html


def on_startup(command, dirty, **kwargs):
    # `mkdocs serve` never waits for the runtime's compilation (runtime.py)
    runtime.serving = command == "serve"


@event_priority(100)  # before the pages are read and rendered
def on_pre_build(config, **kwargs):
    check_data()
    check_principle_titles(config)
    check_translations(config)


@event_priority(-200)  # after mkdocs-static-i18n (-100) has set the language of this build
def on_config(config, **kwargs):
    lang = config.plugins["i18n"].current_language
    # The headings' "permanent link" tooltip in this build's language (mkdocs-static-i18n
    # refuses per-language markdown_extensions; every page is rendered from mdx_configs).
    config.mdx_configs.setdefault("toc", {})["permalink_title"] = UI_STRINGS[lang]["permalink_title"]
    if lang == _default_language(config):
        config.theme.static_templates.add("404.html")
    else:  # every language's build would overwrite it: the last one (Hebrew) won
        config.theme.static_templates.discard("404.html")


def on_env(env, config, files, **kwargs):
    env.globals["ui_strings"] = UI_STRINGS


@event_priority(0)  # after mkdocs-static-i18n (50) has set this page's switcher links
def on_page_context(context, page, config, nav, **kwargs):
    """The switcher links of the home pages are root-absolute ("/el/", or
    site_url's path + "el/"): make them relative to the site, as MkDocs'
    `url` filter then makes them relative to the page."""
    base = urlsplit(config.site_url or "/").path.rstrip("/") + "/"
    # mkdocs-static-i18n sets them as an attribute, which templates read first
    for alternate in getattr(config.extra, "alternate", None) or []:
        if alternate["link"].startswith(base):
            alternate["link"] = alternate["link"][len(base):] or "."
    return context


# <link rel="alternate" hreflang="…" href="…"> as Material writes it in the page head
_HEAD_ALTERNATE = re.compile(r'[ \t]*<link rel="alternate" href="[^"]*" hreflang="[^"]*">\n?')


def on_post_page(output, page, config, **kwargs):
    """Material fetches sitemap.xml under every alternate link of the head, and on a
    switcher click goes to the page the sitemap names, without its #anchor (which
    language-switcher.js carries over): five requests per page, four or five of them
    404. The switcher's own links already point at the same page in each language
    (mkdocs-static-i18n), and the sitemap lists every page's alternates for search
    engines (with absolute addresses, which these relative links are not)."""
    head_end = output.find("</head>")
    return _HEAD_ALTERNATE.sub("", output[:head_end]) + output[head_end:]


def on_template_context(context, template_name, config, **kwargs):
    if template_name == "404.html":  # not the last page's links: each language's home
        config.extra.alternate = deepcopy(config.plugins["i18n"].extra_alternate)
    return context


@event_priority(-200)  # after mkdocs-static-i18n (-100) has built every language
def on_post_build(config, **kwargs):
    if getattr(config.plugins["i18n"], "building", False):
        return  # a nested per-language build: wait for the outermost one
    site_dir = Path(config.site_dir)
    built = runtime.install_runtime(site_dir / "assets" / "pyodide")
    search.split_index(site_dir, _languages(config), _default_language(config))
    search.write_languages(site_dir, _languages(config))
    # last: it lists (and hashes) every file of the site, the search's too
    offline.write_service_worker(site_dir, _languages(config), _default_language(config), built)
