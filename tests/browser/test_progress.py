"""A learner's progress, kept in the browser only, in real headless Chromium: passing
an exercise records the date, "All exercises" shows each one as not started, draft or
passed (dated in the reader's locale) and "N of M passed", one or all can be reset
after a confirmation, and the page prints as a summary for a trainer."""
import datetime
import tomllib

import pytest

import checks
from conftest import ROOT
from test_exercise import EXERCISE, open_exercise, write

STRINGS = tomllib.loads((ROOT / "macros" / "strings.toml").read_text(encoding="utf-8"))
LIST = ".exercise-progress"


def exercises_url(server, lang: str) -> str:
    return server.url + ("" if lang == "en" else f"{lang}/") + "exercises/"


def item(page, scenario_id: str):
    return page.locator(f"{LIST} li:has(a[data-progress-exercise='{scenario_id}'])")


def shown(page) -> dict:
    """Each exercise's state and status text on the page, by id."""
    return page.eval_on_selector(LIST, """list => Object.fromEntries([...list.querySelectorAll('a[data-progress-exercise]')]
        .map(a => [a.dataset.progressExercise, [a.closest('li').dataset.progress, a.closest('li').querySelector('.exercise-progress__status').textContent]]))""")


def storage(page) -> dict:
    return page.evaluate("() => Object.fromEntries(Object.keys(localStorage).filter(k => k.startsWith('srh-')).map(k => [k, localStorage.getItem(k)]))")


@pytest.fixture
def british(browser, server):
    """A reader whose browser prefers British English (dates: 5 Mar 2025)."""
    context = browser.new_context(locale="en-GB", timezone_id="UTC")
    pg = context.new_page()
    pg.errors = []
    pg.on("pageerror", lambda error: pg.errors.append(str(error)))
    yield pg
    context.close()


def test_passing_is_recorded_and_shown_with_its_date(british, server):
    page, t = british, STRINGS["en"]
    open_exercise(page, server, "en")
    write(page, checks.scenario("plums").text("en").model_answer)
    assert page.get_attribute(EXERCISE, "data-passed") == "true"
    passed = datetime.datetime.fromisoformat(storage(page)["srh-passed:en:plums"].replace("Z", "+00:00"))
    assert abs(datetime.datetime.now(datetime.timezone.utc) - passed) < datetime.timedelta(minutes=5)
    # A draft of another exercise, typed in its box (no check needed).
    page.goto(server.url + "say-sorry/")
    page.locator('.exercise[data-exercise="cappuccino"] textarea').fill("Sorry about the coffee")

    page.goto(exercises_url(server, "en"))
    states = shown(page)
    total = len(checks.scenario_ids())
    assert len(states) == total
    british_date = f"{passed.day} {passed:%b} {passed.year}"  # en-GB, the reader's locale: 5 Mar 2025
    assert states["plums"] == ["passed", t["progress_passed"].replace("{date}", british_date)]
    assert states["cappuccino"] == ["draft", t["progress_draft"]]
    assert all(s == ["not-started", t["progress_not_started"]] for k, s in states.items() if k not in ("plums", "cappuccino"))
    count = t["progress_count"].replace("{passed}", "1").replace("{total}", str(total))
    assert page.locator(f"{LIST} .exercise-progress__count").text_content() == count
    assert not item(page, "bank-deadline").locator(".exercise-progress__reset").is_visible()  # nothing to reset
    assert not page.errors


def test_a_later_pass_keeps_the_first_date(page, server):
    page.add_init_script("localStorage.setItem('srh-passed:he:plums', '2024-01-02T09:00:00.000Z')")
    open_exercise(page, server, "he")
    write(page, checks.scenario("plums").text("he").model_answer)
    assert storage(page)["srh-passed:he:plums"] == "2024-01-02T09:00:00.000Z"


@pytest.mark.parametrize("lang", ["ar", "el"])
def test_progress_in_the_page_language(page, server, lang):
    t = STRINGS[lang]
    page.add_init_script(f"""if (!sessionStorage.getItem('seeded')) {{
        sessionStorage.setItem('seeded', '1');
        localStorage.setItem('srh-passed:{lang}:faulty-cd', '2025-03-05T10:30:00.000Z');
        localStorage.setItem('srh-passed:en:plums', '2025-03-05T10:30:00.000Z');  // another language's progress
        localStorage.setItem('srh-draft:{lang}:plums', 'draft');
    }}""")
    page.goto(exercises_url(server, lang))
    states = shown(page)
    date = page.evaluate("lang => new Intl.DateTimeFormat(lang, { dateStyle: 'medium' }).format(new Date('2025-03-05T10:30:00.000Z'))", lang)
    assert states["faulty-cd"] == ["passed", t["progress_passed"].replace("{date}", date)]
    assert states["plums"] == ["draft", t["progress_draft"]]
    total = len(checks.scenario_ids())
    assert page.locator(f"{LIST} .exercise-progress__count").text_content() == \
        t["progress_count"].replace("{passed}", "1").replace("{total}", str(total))
    reset = item(page, "faulty-cd").locator(".exercise-progress__reset")
    assert reset.text_content() == t["progress_reset"]


SEED = """if (!sessionStorage.getItem('seeded')) {
    sessionStorage.setItem('seeded', '1');
    localStorage.setItem('srh-passed:en:plums', '2025-03-05T10:30:00.000Z');
    localStorage.setItem('srh-draft:en:plums', 'Dear Mrs Hill, I am sorry');
    localStorage.setItem('srh-draft:en:cappuccino', 'Sorry');
    localStorage.setItem('srh-passed:en:faulty-cd', '2025-03-06T10:30:00.000Z');
    localStorage.setItem('srh-draft:el:plums', 'Λυπάμαι');
}"""


def test_reset_one_asks_first_and_clears_draft_and_pass(page, server):
    t = STRINGS["en"]
    page.add_init_script(SEED)
    page.goto(exercises_url(server, "en"))
    questions = []

    def answer(dialog, accept):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda d: answer(d, False))
    item(page, "plums").locator(".exercise-progress__reset").click()
    title = checks.scenario("plums").text("en").title
    assert questions == [t["progress_confirm_one"].replace("{title}", title)]
    assert shown(page)["plums"][0] == "passed" and "srh-draft:en:plums" in storage(page)  # said no: nothing lost

    page.once("dialog", lambda d: answer(d, True))
    item(page, "plums").locator(".exercise-progress__reset").click()
    assert shown(page)["plums"] == ["not-started", t["progress_not_started"]]
    left = storage(page)
    assert "srh-draft:en:plums" not in left and "srh-passed:en:plums" not in left
    assert {"srh-draft:en:cappuccino", "srh-passed:en:faulty-cd", "srh-draft:el:plums"} <= set(left)  # the others stay
    assert page.evaluate("document.activeElement.dataset.progressExercise") == "plums"  # focus kept in place
    # The exercise's box is empty again.
    page.goto(server.url + "last-word/")
    assert page.locator(f"{EXERCISE} textarea").input_value() == ""


def test_reset_all_clears_this_language_only(page, server):
    t = STRINGS["en"]
    page.add_init_script(SEED)
    page.goto(exercises_url(server, "en"))
    page.once("dialog", lambda d: d.dismiss())
    page.locator('[data-progress-action="reset-all"]').click()
    assert shown(page)["faulty-cd"][0] == "passed"
    asked = []
    page.once("dialog", lambda d: (asked.append(d.message), d.accept()))
    page.locator('[data-progress-action="reset-all"]').click()
    assert asked == [t["progress_confirm_all"]]
    assert all(state == "not-started" for state, _ in shown(page).values())
    assert storage(page) == {"srh-draft:el:plums": "Λυπάμαι"}  # another language's draft is not this page's to reset
    assert page.locator(f"{LIST} .exercise-progress__count").text_content() == \
        t["progress_count"].replace("{passed}", "0").replace("{total}", str(len(checks.scenario_ids())))


def test_progress_follows_another_tab(page, server):
    page.goto(exercises_url(server, "en"))
    assert shown(page)["plums"][0] == "not-started"
    other = page.context.new_page()
    other.goto(server.url + "last-word/")
    other.locator(f"{EXERCISE} textarea").fill("Dear Mrs Hill")
    page.wait_for_function("() => document.querySelector('li[data-progress=\"draft\"] a[data-progress-exercise=\"plums\"]')",
                           timeout=5_000)
    other.close()


def test_the_progress_summary_prints(page, server):
    page.add_init_script(SEED)
    page.goto(exercises_url(server, "en"))
    page.fill(".exercise-progress__name input", "Maria Rossi")
    page.emulate_media(media="print")
    printed = page.evaluate("""() => {
        const visible = (sel) => [...document.querySelectorAll(sel)].filter(n => n.getClientRects().length > 0);
        return {
            title: visible('.md-typeset h1').map(h => h.textContent.trim()),
            intro: visible('.md-typeset > p').length,
            name: document.querySelector('.exercise-progress__name input').value,
            nameShown: visible('.exercise-progress__name').length,
            printed: visible('.exercise-progress__printed').map(p => p.textContent),
            count: visible('.exercise-progress__count').length,
            items: visible('.exercise-progress li').length,
            statuses: visible('.exercise-progress__status').length,
            buttons: visible('button').length,
            about: visible('.exercise-progress__about').length,
            header: visible('.md-header, .md-sidebar, .md-footer').length,
        };
    }""")
    total = len(checks.scenario_ids())
    assert printed["title"] and printed["name"] == "Maria Rossi" and printed["nameShown"] == 1
    assert printed["count"] == 1 and printed["items"] == total and printed["statuses"] == total
    assert len(printed["printed"]) == 1 and printed["printed"][0].startswith("Printed on ")
    assert printed["intro"] == 0 and printed["buttons"] == 0 and printed["about"] == 0 and printed["header"] == 0


def test_blocked_storage_is_said_not_shown_as_not_started(page, server):
    page.add_init_script("Object.defineProperty(window, 'localStorage', "
                         "{ get() { throw new DOMException('blocked', 'SecurityError'); } });")
    page.goto(exercises_url(server, "et"))
    assert page.locator(f"{LIST} .exercise-progress__count").text_content() == STRINGS["et"]["progress_unavailable"]
    assert all(text == "" for _, text in shown(page).values())


def test_without_javascript_the_list_shows_without_tools(browser, server):
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    pg.goto(exercises_url(server, "he"))
    assert pg.locator(f"{LIST} a[data-progress-exercise]").count() == len(checks.scenario_ids())
    assert not pg.locator(".exercise-progress__tools").is_visible()
    context.close()
