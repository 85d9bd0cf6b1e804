"""The exercise widget when things go wrong, in real headless Chromium: a stalled
runtime download, a worker that dies, typing faster than the checker answers,
clearing the box, storage that is full or blocked, and inputs Python refuses.
The learner always ends with feedback about the text in the box (or none), in the
page's language, and only "Try again" restarts a runtime that failed to load."""
import tomllib

import pytest

import checks
from conftest import ROOT
from test_exercise import EXERCISE, LOAD_TIMEOUT, exercise_url, open_exercise, weak_reply, write

STRINGS = tomllib.loads((ROOT / "macros" / "strings.toml").read_text(encoding="utf-8"))
BOX = f"{EXERCISE} textarea"
STATUS = f"{EXERCISE} .exercise__status-text"
WASM = "**/pyodide.asm.wasm"

# Wraps the page's Worker: counts checker workers and what is posted to them, and can hold
# back the checker's answers (window.__held = []) until window.__release().
INSTRUMENT = """(() => {
  const Native = window.Worker;
  window.__workers = [];
  window.__posted = [];
  window.__received = [];
  window.__held = null;
  window.Worker = class extends Native {
    constructor(url, ...rest) {
      super(url, ...rest);
      this.checker = String(url).includes("exercise-worker");  // not the search's worker
      if (!this.checker) return;
      window.__workers.push(this);
      this.addEventListener("message", (e) => window.__received.push(e.data && e.data.type));
    }
    postMessage(message, ...rest) {
      if (this.checker) window.__posted.push({ type: message.type, text: message.text });
      return super.postMessage(message, ...rest);
    }
    get onmessage() { return super.onmessage; }
    set onmessage(handler) {
      super.onmessage = (event) => {
        if (this.checker && window.__held && event.data && event.data.type === "result") {
          window.__held.push(() => handler(event));
        } else {
          handler(event);
        }
      };
    }
  };
  window.__release = () => {
    const held = window.__held || [];
    window.__held = null;
    held.forEach((deliver) => deliver());
    return held.length;
  };
})();"""


def model_answer(lang: str) -> str:
    return checks.scenario("plums").text(lang).model_answer


def status(page) -> str:
    return page.locator(STATUS).text_content()


def state(page) -> str:
    return page.get_attribute(EXERCISE, "data-state")


def checks_posted(page) -> list[str]:
    return page.evaluate("window.__posted.filter(m => m.type === 'check').map(m => m.text)")


def feedback_shown(page) -> dict:
    return page.eval_on_selector(EXERCISE, """el => ({
        passed: el.dataset.passed ?? null,
        marks: el.querySelectorAll('mark[data-mark-rule]').length,
        findings: el.querySelectorAll('.exercise__feedback [data-rule]').length,
        feedbackVisible: !el.querySelector('.exercise__feedback').hidden,
        fired: el.querySelectorAll('.exercise__rule--fired').length,
        summaryVisible: !el.querySelector('.exercise__summary').hidden,
    })""")


NO_FEEDBACK = {"passed": None, "marks": 0, "findings": 0, "feedbackVisible": False, "fired": 0, "summaryVisible": False}


def test_stalled_download_times_out_and_only_try_again_restarts(page, server):
    t = STRINGS["ar"]
    page.add_init_script(INSTRUMENT)
    page.clock.install()  # the watchdog's timer, fast-forwarded below
    stalled = []
    page.route(WASM, lambda route: stalled.append(route))  # never answered: the download hangs
    page.goto(exercise_url(server, "ar"))
    draft = weak_reply("ar")
    page.locator(BOX).fill(draft)
    for _ in range(100):  # the worker asks for the .wasm once Pyodide's script has loaded
        if stalled:
            break
        page.wait_for_timeout(100)
    assert stalled and state(page) == "loading"

    page.clock.fast_forward("01:00")
    page.wait_for_selector(f'{EXERCISE}[data-state="error"]', timeout=10_000)
    assert status(page) == f"{t['load_failed']} {t['draft_saved']}"  # in the page's language
    assert page.locator(f'{EXERCISE} [data-action="retry"]').is_visible()

    # Keystrokes and "Check" after the failure neither restart the runtime nor re-announce.
    page.eval_on_selector(f"{EXERCISE} .exercise__status", """status => {
        window.__mutations = 0;
        new MutationObserver((records) => { window.__mutations += records.length; })
            .observe(status, { subtree: true, childList: true, characterData: true, attributes: true });
    }""")
    requests_before = len(page.requests)
    page.locator(BOX).press_sequentially(" abcdefghijk", delay=20)
    page.locator(f'{EXERCISE} [data-action="check"]').click()
    page.wait_for_timeout(300)
    assert page.evaluate("window.__workers.length") == 1
    assert not [u for u in page.requests[requests_before:] if "/pyodide/" in u or "exercise-worker" in u]
    assert page.evaluate("window.__mutations") == 0
    assert state(page) == "error"

    page.unroute(WASM)
    page.locator(f'{EXERCISE} [data-action="retry"]').click()
    page.wait_for_selector(f'{EXERCISE}[data-state="done"]', timeout=LOAD_TIMEOUT)
    assert page.evaluate("window.__workers.length") == 2
    assert page.locator(f"{EXERCISE} .exercise__marked").text_content() == draft + " abcdefghijk"


def test_dead_worker_is_restarted_once(page, server):
    t = STRINGS["en"]
    page.add_init_script(INSTRUMENT)
    open_exercise(page, server, "en")
    write(page, weak_reply("en"))
    # The worker dies with a verdict on screen; the learner keeps writing.
    page.evaluate("window.__workers[0].terminate()")
    model = model_answer("en")
    page.locator(BOX).fill(model)
    page.wait_for_selector(f'{EXERCISE}[data-state="done"][data-passed="true"]', timeout=30_000)
    assert page.evaluate("window.__workers.length") == 2
    assert page.locator(f"{EXERCISE} .exercise__marked").text_content() == model

    # It answered, so a later death is restarted again; a death before the new worker
    # has answered anything is not restarted a second time: error, and "Try again".
    page.evaluate("window.__workers[1].terminate()")
    page.wait_for_function("() => window.__received.filter(type => type === 'alive').length === 3")
    page.evaluate("window.__workers[2].terminate()")
    page.wait_for_selector(f'{EXERCISE}[data-state="error"]', timeout=10_000)
    assert status(page) == f"{t['checker_stopped']} {t['draft_saved']}"
    assert page.locator(f'{EXERCISE} [data-action="retry"]').is_visible()
    page.wait_for_timeout(300)
    assert page.evaluate("window.__workers.length") == 3


def test_only_the_newest_text_is_checked(page, server):
    page.add_init_script(INSTRUMENT)
    open_exercise(page, server, "en")
    weak = weak_reply("en")
    more = " Thanks for waiting."
    page.evaluate("window.__held = []")  # the checker answers, but slowly
    page.locator(BOX).fill(weak)
    page.wait_for_function("() => window.__held.length === 1")
    page.locator(BOX).press_sequentially(more, delay=80)  # a pause after every key
    page.wait_for_timeout(200)
    assert checks_posted(page) == [weak]  # nothing more while one request is out
    assert state(page) == "checking"
    page.evaluate("window.__release()")
    page.wait_for_selector(f'{EXERCISE}[data-state="done"]', timeout=10_000)
    assert checks_posted(page) == [weak, weak + more]  # the superseded texts never went
    assert page.locator(f"{EXERCISE} .exercise__marked").text_content() == weak + more


def test_clearing_or_overlong_text_clears_the_feedback(page, server):
    t = STRINGS["et"]
    page.add_init_script(INSTRUMENT)
    open_exercise(page, server, "et")
    weak = weak_reply("et")
    write(page, weak)
    page.locator(BOX).fill("")
    assert feedback_shown(page) == NO_FEEDBACK
    assert status(page) == t["empty"] and state(page) == "ready"

    write(page, weak)
    page.locator(BOX).fill("ab " * 1700)  # 5,100 characters
    assert feedback_shown(page) == NO_FEEDBACK
    assert status(page) == t["too_long_input"] and state(page) == "ready"

    # Cleared while a check runs: its late answer is not shown.
    write(page, weak)
    page.evaluate("window.__held = []")
    page.locator(BOX).fill(model_answer("et"))
    page.wait_for_function("() => window.__held.length === 1")
    page.locator(BOX).fill("")
    assert page.evaluate("window.__release()") == 1
    page.wait_for_timeout(300)
    assert feedback_shown(page) == NO_FEEDBACK
    assert status(page) == t["empty"] and state(page) == "ready"


@pytest.mark.parametrize("lang, text", [("el", "\u0085"), ("he", "\x1c\x1d\x1e\x1f"), ("ar", " \u0085\n\x1f")])
def test_refused_input_is_reported_in_the_page_language(page, server, lang, text):
    page.add_init_script(INSTRUMENT)
    open_exercise(page, server, lang)
    write(page, weak_reply(lang))
    page.locator(BOX).fill(text)
    page.wait_for_function(f"() => document.querySelector({STATUS!r}).textContent === {STRINGS[lang]['empty']!r}",
                           timeout=5_000)
    assert feedback_shown(page) == NO_FEEDBACK
    # The worker itself answers with a code for the page to word, never Python's English.
    report = page.evaluate("""([text, lang]) => new Promise((resolve) => {
        const worker = window.__workers.at(-1);
        worker.addEventListener("message", function on(event) {
            if (event.data.type === "result" && event.data.id === -1) {
                worker.removeEventListener("message", on);
                resolve(event.data.report);
            }
        });
        worker.postMessage({ type: "check", id: -1, text, lang, scenario: "plums" });
    })""", [text, lang])
    assert report == {"input_error": "empty"}


STORAGE = {
    "works": "",
    "full": "Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError'); };",
    "blocked": "Object.defineProperty(window, 'localStorage', "
               "{ get() { throw new DOMException('blocked', 'SecurityError'); } });",
}


@pytest.mark.parametrize("storage", STORAGE)
def test_storage_failure_is_said_honestly(page, server, storage):
    t = STRINGS["el"]
    if STORAGE[storage]:
        page.add_init_script(STORAGE[storage])
    page.route(WASM, lambda route: route.abort())
    page.goto(exercise_url(server, "el"))
    page.locator(BOX).fill("Λυπάμαι πολύ για τα δαμάσκηνα.")
    page.wait_for_selector(f'{EXERCISE}[data-state="error"]', timeout=LOAD_TIMEOUT)
    note = page.locator(f"{EXERCISE} .exercise__draft-note")
    if storage == "works":
        assert status(page) == f"{t['load_failed']} {t['draft_saved']}"
        # the quiet "saved" note under the box, not the bold warning tied to it
        assert note.text_content() == t["draft_saved"]
        assert "exercise__draft-note--lost" not in note.get_attribute("class")
        assert page.get_attribute(BOX, "aria-describedby") is None
    else:
        assert t["draft_saved"] not in status(page)
        assert status(page) == f"{t['load_failed']} {t['draft_not_saved']}"
        assert note.is_visible() and note.text_content() == t["draft_not_saved"]
        assert page.get_attribute(BOX, "aria-describedby") == note.get_attribute("id")
