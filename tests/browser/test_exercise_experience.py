"""The learner's experience of an exercise, in real headless Chromium: the verdict in
brief beside the box (counted in the page's plural forms, in view while typing on a
phone-sized screen, a tap away from the findings), a focus ring that does not look
like an error, one announcement per check, "Checking…" and "Draft saved", the
printed page, the page without JavaScript, and no slanted Arabic or Hebrew."""
import re
import tomllib

import babel
import pytest

import checks
from conftest import ROOT
from test_exercise import EXERCISE, LOAD_TIMEOUT, exercise_url, open_exercise, weak_reply, write
from test_exercise_recovery import INSTRUMENT

STRINGS = tomllib.loads((ROOT / "macros" / "strings.toml").read_text(encoding="utf-8"))
BOX = f"{EXERCISE} textarea"
SUMMARY = f"{EXERCISE} .exercise__summary"
STATUS_TEXT = f"{EXERCISE} .exercise__status-text"

# Replaces the checker's answer with window.__fakeReport when one is set: a report
# with any number of findings, to count in every plural form.
FAKE_REPORT = """(() => {
  const Native = window.Worker;
  window.__fakeReport = null;
  window.Worker = class extends Native {
    get onmessage() { return super.onmessage; }
    set onmessage(handler) {
      super.onmessage = (event) => {
        const data = event.data;
        if (window.__fakeReport && data && data.type === "result") handler({ data: { ...data, report: window.__fakeReport } });
        else handler(event);
      };
    }
  };
})();"""


def counted(lang: str, severity: str, n: int) -> str:
    """n findings of a severity as the page should say it: the form for n's CLDR plural
    category (Babel's reading of CLDR, independent of the browser's Intl)."""
    category = babel.Locale.parse(lang).plural_form(n)
    return STRINGS[lang][f"count_{severity}"][category].replace("{n}", str(n))


def expected_summary(lang: str, text: str) -> str:
    report = checks.check(text, lang, "plums")
    if report.passed:
        return STRINGS[lang]["summary_passes"]
    by_rule = {f.rule: f.severity for f in report.findings}
    parts = [counted(lang, s, n) for s in ("error", "warning", "tip")
             if (n := list(by_rule.values()).count(s))]
    return " · ".join(parts)


def fake_report(errors: int, warnings: int = 0) -> dict:
    finding = {"message": "m", "start": None, "end": None, "excerpt": None, "url": "", "principle_title": "p"}
    return {"passed": False, "findings":
            [{**finding, "rule": f"e{i}", "severity": "error"} for i in range(errors)]
            + [{**finding, "rule": f"w{i}", "severity": "warning"} for i in range(warnings)]}


@pytest.mark.parametrize("lang", ["en", "ar", "he"])
def test_summary_beside_the_box_in_the_page_language(page, server, lang):
    open_exercise(page, server, lang)
    weak = weak_reply(lang)
    write(page, weak)
    summary = page.locator(SUMMARY)
    assert summary.is_visible()
    assert summary.text_content() == expected_summary(lang, weak)
    assert summary.get_attribute("data-verdict") == "failed"
    # Beside the box: in the bar just above it, not below the findings.
    bar = page.eval_on_selector(f"{EXERCISE} .exercise__bar", "b => b.getBoundingClientRect().bottom")
    box = page.eval_on_selector(BOX, "b => b.getBoundingClientRect().top")
    assert 0 <= box - bar < 2
    # The status says the same, once, after the verdict.
    assert page.locator(STATUS_TEXT).text_content() == f"{STRINGS[lang]['not_passed']} {summary.text_content()}"

    model = checks.scenario("plums").text(lang).model_answer
    write(page, model)
    assert summary.text_content() == STRINGS[lang]["summary_passes"]
    assert summary.get_attribute("data-verdict") == "passed"


@pytest.mark.parametrize("lang, errors, warnings", [
    ("ar", 1, 2), ("ar", 3, 11), ("ar", 10, 100), ("ar", 2, 1),
    ("he", 1, 2), ("he", 2, 5), ("el", 1, 3), ("et", 2, 1), ("en", 1, 2),
])
def test_counts_take_the_plural_form_of_the_number(page, server, lang, errors, warnings):
    page.add_init_script(FAKE_REPORT)
    open_exercise(page, server, lang)
    page.evaluate("report => { window.__fakeReport = report; }", fake_report(errors, warnings))
    write(page, weak_reply(lang))
    expected = f"{counted(lang, 'error', errors)} · {counted(lang, 'warning', warnings)}"
    assert page.locator(SUMMARY).text_content() == expected


def test_plural_forms_cover_the_browser_categories(page, server):
    """Every category Chromium's Intl.PluralRules can choose has a form in strings.toml."""
    page.goto(server.url)
    for lang in checks.LANGUAGES:
        browser = set(page.evaluate("lang => new Intl.PluralRules(lang).resolvedOptions().pluralCategories", lang))
        for key in ("count_error", "count_warning", "count_tip"):
            assert set(STRINGS[lang][key]) == browser, (lang, key)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_summary_stays_in_view_while_typing_on_a_short_screen(browser, server, lang):
    # 390×400: a phone's width with its on-screen keyboard open (the viewport meta asks
    # the keyboard to shrink the layout, as this does).
    context = browser.new_context(viewport={"width": 390, "height": 400}, has_touch=True, is_mobile=True)
    pg = context.new_page()
    open_exercise(pg, server, lang)
    write(pg, weak_reply(lang))
    box = pg.locator(BOX)
    box.focus()
    box.press("End")
    # The learner has scrolled on: the top of the box is under the header.
    top = pg.eval_on_selector(BOX, "b => b.getBoundingClientRect().top + window.scrollY")
    pg.evaluate("y => window.scrollTo(0, y)", top - 48 + 80)
    box.press_sequentially(" ok", delay=30)
    pg.wait_for_selector(f'{EXERCISE}[data-state="done"]', timeout=10_000)
    seen = pg.eval_on_selector(SUMMARY, """s => {
        const r = s.getBoundingClientRect();
        const header = document.querySelector('.md-header').getBoundingClientRect().bottom;
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return { top: r.top, bottom: r.bottom, header, onTop: s.contains(hit), box: document.activeElement === document.querySelector('.exercise textarea') };
    }""")
    assert seen["box"]  # still typing
    assert seen["top"] >= seen["header"] - 1 and seen["bottom"] <= 400, seen
    assert seen["onTop"], seen  # not covered by the header or anything else
    assert 'interactive-widget=resizes-content' in pg.get_attribute('meta[name="viewport"]', "content")
    context.close()


def test_summary_jumps_to_the_findings(page, server):
    page.set_viewport_size({"width": 390, "height": 844})
    open_exercise(page, server, "he")
    write(page, weak_reply("he"))
    page.locator(SUMMARY).scroll_into_view_if_needed()
    page.locator(SUMMARY).click()
    page.wait_for_function("() => document.activeElement && document.activeElement.matches('.exercise__feedback')")
    top = page.eval_on_selector(f"{EXERCISE} .exercise__feedback", "f => f.getBoundingClientRect().top")
    assert 0 <= top < 844 / 2
    assert page.url == exercise_url(server, "he")  # no new history entry


def _rgb(css: str) -> tuple:
    return tuple(int(x) for x in re.findall(r"\d+", css)[:3])


def _luminance(rgb) -> float:
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_focus_ring_is_the_primary_colour_not_an_error_colour(page, server):
    page.goto(exercise_url(server, "en"))
    page.locator(BOX).focus()
    ring = page.eval_on_selector(BOX, """b => {
        const s = getComputedStyle(b);
        const probe = document.createElement('span');
        probe.style.color = 'var(--md-primary-fg-color)';
        document.body.append(probe);
        const primary = getComputedStyle(probe).color;
        probe.remove();
        return { outline: s.outlineColor, style: s.outlineStyle, width: parseFloat(s.outlineWidth), primary,
                 background: getComputedStyle(document.body).backgroundColor };
    }""")
    assert ring["style"] != "none" and ring["width"] >= 2
    assert _rgb(ring["outline"]) == _rgb(ring["primary"])
    red, green, blue = _rgb(ring["outline"])
    assert not (red > green + 60 and red > blue + 60), ring  # not a red or orange-red
    light, dark = sorted([_luminance(_rgb(ring["outline"])), _luminance(_rgb(ring["background"]))], reverse=True)
    assert (light + 0.05) / (dark + 0.05) >= 3  # WCAG 1.4.11: a focus indicator against its background


def _watch_status(page):
    page.eval_on_selector(STATUS_TEXT, """s => {
        window.__said = [];
        new MutationObserver(() => { if (s.textContent) window.__said.push(s.textContent); })
            .observe(s, { childList: true, characterData: true, subtree: true });
    }""")


def test_a_result_is_announced_once_per_check(page, server):
    t = STRINGS["en"]
    page.add_init_script(INSTRUMENT)
    open_exercise(page, server, "en")
    weak = weak_reply("en")
    write(page, weak)
    _watch_status(page)
    # Typing on (spaces: the same findings), each pause checked: nothing is said again.
    page.locator(BOX).press_sequentially("    ", delay=90)
    page.wait_for_timeout(400)
    posted = page.evaluate("window.__posted.filter(m => m.type === 'check').length")
    assert posted >= 3  # several checks ran while typing
    assert page.evaluate("window.__said") == []
    # "Check" pressed is a question: its answer is said even though it has not changed.
    page.locator(f'{EXERCISE} [data-action="check"]').click()
    page.wait_for_function("() => window.__said.length === 1", timeout=5_000)
    said = page.evaluate("window.__said")
    assert said[0].startswith(t["not_passed"])
    # A new verdict is said once, and "Checking…" never goes to the live region.
    page.evaluate("window.__said = []")
    page.locator(BOX).fill(checks.scenario("plums").text("en").model_answer)
    page.wait_for_selector(f'{EXERCISE}[data-passed="true"]', timeout=10_000)
    page.wait_for_timeout(300)
    assert page.evaluate("window.__said") == [t["passed"]]


def test_checking_and_draft_saved_are_shown(page, server):
    t = STRINGS["el"]
    page.add_init_script(INSTRUMENT)
    open_exercise(page, server, "el")
    note = page.locator(f"{EXERCISE} .exercise__draft-note")
    assert not note.is_visible()  # nothing written, nothing saved
    page.evaluate("window.__held = []")  # the checker answers slowly
    page.locator(BOX).fill(weak_reply("el"))
    assert note.is_visible() and note.text_content() == t["draft_saved"]
    assert page.get_attribute(BOX, "aria-describedby") is None  # said quietly, not tied to the box
    page.wait_for_function(f"() => document.querySelector({SUMMARY!r}).textContent === {t['checking']!r}", timeout=5_000)
    assert page.locator(SUMMARY).is_visible()
    assert page.locator(STATUS_TEXT).text_content() != t["checking"]
    page.evaluate("window.__release()")
    page.wait_for_selector(f'{EXERCISE}[data-state="done"]', timeout=10_000)
    assert page.locator(SUMMARY).text_content() == expected_summary("el", weak_reply("el"))
    # Cleared: no draft, no verdict.
    page.locator(BOX).fill("")
    assert not note.is_visible() and not page.locator(SUMMARY).is_visible()
    page.reload()
    assert not note.is_visible()


def test_an_exercise_page_prints_the_scenario_and_the_reply_in_full(page, server):
    open_exercise(page, server, "ar")
    reply = "\n".join([weak_reply("ar")] * 14)  # longer than the box shows
    write(page, reply)
    page.emulate_media(media="print")
    shown = page.eval_on_selector(EXERCISE, """el => {
        const visible = (sel) => [...el.querySelectorAll(sel)].some(n => n.getClientRects().length > 0);
        const copy = el.querySelector('.exercise__print-reply');
        return {
            situation: visible('.exercise__situation'), customer: visible('.exercise__customer'),
            reply: visible('.exercise__print-reply'), replyText: copy.textContent,
            clipped: copy.scrollHeight > copy.clientHeight + 1,
            verdict: visible('.exercise__verdict'),
            box: visible('textarea'), buttons: visible('button'), progress: visible('progress'),
            summary: visible('.exercise__summary'), hints: visible('.exercise__hints'),
        };
    }""")
    assert shown["situation"] and shown["customer"] and shown["verdict"]
    assert shown["reply"] and shown["replyText"] == reply and not shown["clipped"]
    assert not (shown["box"] or shown["buttons"] or shown["progress"] or shown["summary"] or shown["hints"])


def test_an_empty_reply_prints_no_box(page, server):
    page.goto(exercise_url(server, "en"))
    page.emulate_media(media="print")
    assert page.eval_on_selector(f"{EXERCISE} .exercise__writing", "w => w.getClientRects().length") == 0
    assert page.eval_on_selector(f"{EXERCISE} .exercise__situation", "w => w.getClientRects().length") > 0


@pytest.mark.parametrize("lang", ["et", "he"])
def test_without_javascript_a_note_and_the_model_answer(browser, server, lang):
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    pg.goto(exercise_url(server, lang))
    note = pg.locator(f"{EXERCISE} .exercise__no-js")
    assert note.is_visible() and note.text_content() == STRINGS[lang]["no_js"]
    model = pg.locator(f"{EXERCISE} .exercise__model")
    assert model.is_visible()
    model.locator("summary").click()
    first = " ".join(checks.scenario("plums").text(lang).model_answer.split("\n\n")[0].split())
    assert model.locator("p").first.is_visible()
    assert model.locator("p").first.text_content() == first
    assert not pg.locator(f"{EXERCISE} .exercise__summary").is_visible()
    context.close()


def test_with_javascript_the_note_is_not_shown_and_the_model_answer_waits(page, server):
    page.goto(exercise_url(server, "en"))
    assert not page.locator(f"{EXERCISE} .exercise__no-js").is_visible()
    assert not page.locator(f"{EXERCISE} .exercise__model").is_visible()  # until the learner has tried


def test_the_model_answer_is_offered_when_the_checker_cannot_load(page, server):
    page.route("**/pyodide.asm.wasm", lambda route: route.abort())
    page.goto(exercise_url(server, "ar"))
    page.locator(BOX).focus()
    page.wait_for_selector(f'{EXERCISE}[data-state="error"]', timeout=LOAD_TIMEOUT)
    assert page.locator(f"{EXERCISE} .exercise__model").is_visible()


@pytest.mark.parametrize("lang, slanted", [("ar", False), ("he", False), ("en", True)])
def test_no_synthetic_italics_in_arabic_and_hebrew(page, server, lang, slanted):
    open_exercise(page, server, lang)
    write(page, weak_reply(lang))
    excerpt = page.locator(f"{EXERCISE} .exercise__excerpt").first
    assert (excerpt.evaluate("q => getComputedStyle(q).fontStyle") == "italic") == slanted
    caption = page.locator(f"{EXERCISE} figcaption").first
    assert (caption.evaluate("c => getComputedStyle(c).fontStyle") == "italic") == slanted
    if lang != "en":
        # emphasis in running text: bold instead of slanted
        page.goto(server.url + f"{lang}/own-it/")
        em = page.locator(".md-typeset em").first
        assert em.evaluate("e => getComputedStyle(e).fontStyle") == "normal"
        assert int(em.evaluate("e => getComputedStyle(e).fontWeight")) >= 600
