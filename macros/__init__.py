"""mkdocs-macros module: the handbook's page macros.

    {{ exercise("plums") }}          an exercise: scenario, text box, feedback, rules
    {{ exercise_list() }}            every exercise, linked to the page that holds it
    {{ rule_reference() }}           every rule with its examples, from the checker's data
    {{ principle_rules("say-sorry") }}  the rules a principle page teaches

Everything is rendered from the checker's own data (checks/), in the page's
language, so the site can never drift from what the checker does.
"""
from __future__ import annotations

import html
import json
import sys
import tomllib
from pathlib import Path

import babel

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import checks  # noqa: E402
from checks.rules import SEVERITIES  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import runtime  # noqa: E402  (the files the exercises load: hashed names, see runtime.py)
import translations  # noqa: E402

STRINGS_FILE = Path(__file__).with_name("strings.toml")
STRINGS = tomllib.loads(STRINGS_FILE.read_text(encoding="utf-8"))
DEFAULT_LANG = "en"


class MacroError(Exception):
    """A page uses a macro wrongly; the message names the page."""


def plural_categories(lang: str) -> set[str]:
    """The CLDR plural categories of a language (Babel reads the same CLDR data as
    the browser's Intl.PluralRules): Arabic has six, Hebrew three, English two."""
    return set(babel.Locale.parse(lang).plural_form.tags) | {"other"}


def check_strings(strings: dict, languages) -> None:
    """Every language has every UI string that any language has, as a non-empty
    string: else a page of that language would fail with a bare KeyError (in the
    macros) or show nothing (in the widget). A count is a table with one form per
    plural category of its language, no more and no less."""
    lines = STRINGS_FILE.read_text(encoding="utf-8").splitlines()

    def line_of(lang):
        return next((n for n, line in enumerate(lines, 1) if line.strip() == f"[{lang}]"), 1)

    keys = set().union(*(table for table in strings.values() if isinstance(table, dict)))
    plural_keys = {k for table in strings.values() if isinstance(table, dict)
                   for k, v in table.items() if isinstance(v, dict)}
    problems = []
    for lang in languages:
        table = strings.get(lang)
        if not isinstance(table, dict):
            problems.append(f"macros/strings.toml: [{lang}] is missing (the UI strings of that language)")
            continue
        where = f"macros/strings.toml:{line_of(lang)}: [{lang}]"
        missing = sorted(keys - set(table))
        empty = sorted(k for k, v in table.items() if k not in plural_keys and (not isinstance(v, str) or not v.strip()))
        if missing:
            problems.append(f"{where} lacks {', '.join(missing)} (every language needs every UI string)")
        if empty:
            problems.append(f"{where} has empty {', '.join(empty)}")
        needed = plural_categories(lang)
        for key in sorted(plural_keys & set(table)):
            forms = table[key]
            if not isinstance(forms, dict):
                problems.append(f"{where} {key} must be a table of plural forms: {', '.join(sorted(needed))}")
                continue
            lacking, extra = sorted(needed - set(forms)), sorted(set(forms) - needed)
            blank = sorted(c for c, v in forms.items() if not isinstance(v, str) or not v.strip())
            if lacking:
                problems.append(f"{where} {key} lacks the plural form(s) {', '.join(lacking)}")
            if extra:
                problems.append(f"{where} {key} has plural form(s) {', '.join(extra)}, which {lang} does not use")
            if blank:
                problems.append(f"{where} {key} has empty plural form(s) {', '.join(blank)}")
    if problems:
        raise MacroError("\n".join(problems))


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{_e(' '.join(p.split()))}</p>" for p in text.split("\n\n") if p.strip())


def page_lang(page) -> str:
    return getattr(page.file, "locale", None) or DEFAULT_LANG


def root_prefix(page) -> str:
    """Relative path from the page to the site root ('' or '../' ...)."""
    depth = len([part for part in page.url.split("/") if part]) if page.url else 0
    if not page.url.endswith("/") and depth:
        depth -= 1  # a file URL such as 404.html sits in its folder
    return "../" * depth


def lang_prefix(lang: str) -> str:
    return "" if lang == DEFAULT_LANG else f"{lang}/"


def render_example(example) -> str:
    """An example text as HTML, its marked spans in <mark>."""
    out, last = [], 0
    for start, end in example.spans:
        out.append(_e(example.text[last:start]))
        out.append(f"<mark>{_e(example.text[start:end])}</mark>")
        last = end
    out.append(_e(example.text[last:]))
    return "".join(out).replace("\n", "<br>")


def _md(text: str) -> str:
    """Rule data in Markdown: no HTML (checks/rules.py refuses it; this makes sure)."""
    return html.escape(text, quote=False)


def define_env(env):
    check_strings(STRINGS, checks.LANGUAGES)

    def _page():
        return env.page

    def _scenario(scenario_id: str):
        try:
            return checks.scenario(scenario_id)
        except KeyError:
            raise MacroError(
                f"{_page().file.src_uri}: exercise('{scenario_id}'): there is no scenario "
                f"'{scenario_id}' (checks/scenarios/ has: {', '.join(checks.scenario_ids())})") from None

    @env.macro
    def exercise(scenario_id: str) -> str:
        page = _page()
        lang = page_lang(page)
        t = STRINGS[lang]
        scenario = _scenario(scenario_id)
        # one exercise once per page: its ids, its draft in storage and its worker are per exercise
        seen = page.__dict__.setdefault("_handbook_exercises", set())
        if scenario_id in seen:
            raise MacroError(f"{page.file.src_uri}: exercise('{scenario_id}') is on this page twice "
                             "(each exercise may appear once on a page: remove one)")
        seen.add(scenario_id)
        # An exercise lives on its scenario's page: "All exercises" links there, and a
        # second page showing it would share its draft and its progress.
        slug = Path(page.file.src_uri).stem
        if scenario.principle != slug:
            raise MacroError(f"{page.file.src_uri}: exercise('{scenario_id}') belongs on {scenario.principle}.md "
                             f"(principle in checks/scenarios/{scenario_id}.toml): every page has exercises "
                             "of its own; write a scenario for this page")
        text = scenario.text(lang)  # RuleDataError names the file when a language is missing
        rules = checks.language(lang)
        root = root_prefix(page)
        box = f"exercise-{scenario_id}-text"
        rules_html = "".join(
            f'<li data-check="{r.id}" data-check-severity="{r.severity}">'
            f'<span class="exercise__rule-title">{_e(r.title)}</span> '
            f'<span class="exercise__severity exercise__severity--{r.severity}">{_e(t["severity_" + r.severity])}</span>'
            f'<span class="exercise__rule-message">{_e(r.message)}</span> '
            f'<a href="{root}{lang_prefix(lang)}{r.principle}/">{_e(rules.principles[r.principle])}</a></li>'
            for r in sorted(rules.rules, key=lambda r: SEVERITIES.index(r.severity)))
        hints = "".join(f"<li>{_e(h)}</li>" for h in text.hints)
        strings = dict(t)
        strings["rule_titles"] = {r.id: r.title for r in rules.rules}
        # A presence rule that did not fire was not found, which is not the same as met.
        strings["presence_rules"] = [r.id for r in rules.rules if r.kind == "presence"]
        config = json.dumps(strings, ensure_ascii=False).replace("</", "<\\/")
        # One line per element, no blank lines: Markdown passes the block through untouched.
        return "\n".join([
            f'<div class="exercise" id="exercise-{scenario_id}" data-exercise="{scenario_id}" data-lang="{lang}" '
            f'data-state="idle" data-root="{root}" lang="{lang}" data-runtime="{_e(json.dumps(runtime.manifest()))}">',
            f'<h3 class="exercise__title">{_e(text.title)}</h3>',
            f'<div class="exercise__situation">{_paragraphs(text.situation)}</div>',
            f'<blockquote class="exercise__customer"><strong>{_e(t["customer"])}:</strong> {_paragraphs(text.customer)}</blockquote>',
            f'<details class="exercise__hints"><summary>{_e(t["hints"])}</summary><ul>{hints}</ul></details>',
            f'<noscript><p class="exercise__no-js">{_e(t["no_js"])}</p></noscript>',
            # The bar above the box holds the verdict's summary and sticks in view while
            # the learner writes (also with a phone's keyboard open); the print-only copy
            # of the reply prints in full, where a textarea would print clipped.
            '<div class="exercise__writing">',
            f'<div class="exercise__bar"><label class="exercise__label" for="{box}">{_e(t["your_reply"])}</label>'
            f'<a class="exercise__summary" href="#exercise-{scenario_id}-feedback" title="{_e(t["summary_title"])}" hidden></a></div>',
            f'<textarea id="{box}" class="exercise__text" rows="9" dir="auto" lang="{lang}" spellcheck="true"></textarea>',
            f'<div class="exercise__print-reply" dir="auto" lang="{lang}"></div>',
            '</div>',
            '<div class="exercise__controls">'
            f'<button type="button" class="md-button md-button--primary" data-action="check">{_e(t["check"])}</button> '
            f'<button type="button" class="md-button" data-action="retry" hidden>{_e(t["retry"])}</button>'
            '</div>',
            '<div class="exercise__status" role="status" aria-live="polite"><progress class="exercise__progress" hidden></progress><span class="exercise__status-text"></span></div>',
            f'<div class="exercise__feedback" id="exercise-{scenario_id}-feedback" tabindex="-1" hidden></div>',
            # Reachable without JavaScript; the widget hides it until the learner has tried.
            f'<details class="exercise__model"><summary>{_e(t["model_answer"])}</summary>{_paragraphs(text.model_answer)}</details>',
            f'<details class="exercise__self-check" open><summary>{_e(t["self_check"])}</summary><ol class="exercise__rules">{rules_html}</ol></details>',
            f'<script type="application/json" class="exercise__strings">{config}</script>',
            '</div>',
        ])

    @env.macro
    def exercise_list() -> str:
        """Every exercise, linked to its page; progress.js adds each one's state in
        this browser (not started, draft, passed), the count, reset and print."""
        page = _page()
        lang = page_lang(page)
        t = STRINGS[lang]
        principles = checks.language(lang).principles
        lines = []
        for scenario in checks.all_scenarios():
            text = scenario.text(lang)
            first = " ".join(text.situation.split()).split(". ")[0].rstrip(".") + "."
            # pages no rule links to (prepare, document…) keep their title on the page
            title = principles.get(scenario.principle) or translations.title(scenario.principle, lang)
            where = f" ({_e(title)})"
            lines.append(f'- [{text.title}]({scenario.principle}.md#exercise-{scenario.id}){{ data-progress-exercise="{scenario.id}" }}'
                         f'<span class="exercise-progress__about">{where}: {_e(first)}</span>')
        strings = json.dumps({k: v for k, v in t.items() if k.startswith("progress_")},
                             ensure_ascii=False).replace("</", "<\\/")
        # Shown by progress.js: without JavaScript (or storage) there is no progress to show.
        tools = "".join([
            '<div class="exercise-progress__tools" hidden>',
            '<p class="exercise-progress__count"></p>',
            f'<p class="exercise-progress__local">{_e(t["progress_local"])}</p>',
            '<p class="exercise-progress__printed"></p>',
            f'<p class="exercise-progress__name"><label>{_e(t["progress_name"])} '
            '<input type="text" name="learner-name" autocomplete="name" size="30"></label></p>',
            '<p class="exercise-progress__actions">'
            f'<button type="button" class="md-button md-button--primary" data-progress-action="print">{_e(t["progress_print"])}</button> '
            f'<button type="button" class="md-button" data-progress-action="reset-all">{_e(t["progress_reset_all"])}</button></p>',
            '</div>',
        ])
        return "\n".join([
            f'<div class="exercise-progress" data-lang="{lang}" markdown>',
            tools,
            "",
            *lines,
            "",
            f'<script type="application/json" class="exercise-progress__strings">{strings}</script>',
            "</div>",
        ])

    @env.macro
    def principle_title() -> str:
        """The page's title, from the rule data's [principles] table: the widget and
        the rules page name the page with the same words, so the two cannot drift."""
        page = _page()
        slug = Path(page.file.src_uri).stem
        principles = checks.language(page_lang(page)).principles
        if slug not in principles:
            raise MacroError(f"{page.file.src_uri}: principle_title(): '{slug}' has no title in "
                             f"checks/rules/{page_lang(page)}.toml [principles]")
        return _md(principles[slug])

    @env.macro
    def principle_rules(slug: str) -> str:
        lang = page_lang(_page())
        rules = [r for r in checks.language(lang).rules if r.principle == slug]
        if not rules:
            raise MacroError(f"{_page().file.src_uri}: principle_rules('{slug}'): no rule comes from '{slug}'")
        t = STRINGS[lang]
        return "\n".join(
            f"- [**{_md(r.title)}**](rules.md#{r.id}) (`{r.id}`, {t['severity_' + r.severity]}): {_md(r.message)}"
            for r in rules)

    @env.macro
    def rule_reference() -> str:
        lang = page_lang(_page())
        rules = checks.language(lang)
        t = STRINGS[lang]
        out = []
        for r in rules.rules:
            bad = "".join(f"<li>{render_example(x)}</li>" for x in r.examples if x.fires)
            good = "".join(f"<li>{render_example(x)}</li>" for x in r.examples if not x.fires)
            out += [
                f"## {_md(r.title)} {{#{r.id}}}",
                "",
                f"`{r.id}` · **{t['severity_' + r.severity]}** · "
                f"[{_md(rules.principles[r.principle])}]({r.principle}.md)",
                "",
                _md(r.message),
                "",
                f'<div class="rule-examples" markdown="0"><div class="rule-examples__bad"><h4>✗ {_e(t["examples_bad"])}</h4><ul>{bad}</ul></div>'
                f'<div class="rule-examples__good"><h4>✓ {_e(t["examples_good"])}</h4><ul>{good}</ul></div></div>',
                "",
            ]
        return "\n".join(out)

    @env.macro
    def translation_status() -> str:
        """A table: every page, by its title in the reader's language (linked to it),
        and its state in every translation."""
        page = _page()
        reader = page_lang(page)
        t = STRINGS[reader]
        label = {"up to date": "✓ " + t["status_up_to_date"], "stale": "⚠ " + t["status_stale"],
                 "missing": "✗ " + t["status_missing"], "english only": t["status_english_only"]}
        root = root_prefix(page)
        head = f"| {t['status_page']} | " + " | ".join(translations.TRANSLATIONS) + " |"
        rows = [head, "|" + "---|" * (len(translations.TRANSLATIONS) + 1)]
        for slug in translations.pages():
            url = "" if slug == "index" else f"{slug}/"
            cells = []
            for lang in translations.TRANSLATIONS:
                state = translations.page_status(slug, lang).state
                text = label[state]
                cells.append(f'<a href="{root}{lang}/{url}">{_e(text)}</a>' if state in ("up to date", "stale") else text)
            title = _e(translations.title(slug, reader))
            if (translations.DOCS / reader / f"{slug}.md").exists():
                link = f'<a href="{root}{lang_prefix(reader)}{url}">{title}</a>'
            else:  # read in English (translations.title), as it is served
                link = f'<a href="{root}{url}" hreflang="en" lang="en">{title}</a>'
            rows.append(f"| {link} | " + " | ".join(cells) + " |")
        return "\n".join(rows)


def on_pre_page_macros(env):
    """A translated page older than its English source tells its readers so."""
    page = env.page
    lang = page_lang(page)
    if lang == DEFAULT_LANG:
        return
    slug = Path(page.file.src_uri).stem
    if not (translations.DOCS / lang / f"{slug}.md").exists():
        return  # built from the English page by fallback: nothing to warn about
    if translations.page_status(slug, lang).state != "stale":
        return
    t = STRINGS[lang]
    url = root_prefix(page) + ("" if slug == "index" else f"{slug}/")
    notice = (f'!!! warning "{t["stale_title"]}"\n\n    {t["stale_body"]} '
              f'<a href="{url}" hreflang="en" lang="en">{t["stale_link"]}</a>\n\n')
    env.markdown = notice + env.markdown
