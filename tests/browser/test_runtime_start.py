"""How the checker's runtime starts, in real headless Chromium: once a learner has
used an exercise the service worker keeps the runtime and the language's pages,
and the next exercise page restores the memory snapshot; a damaged snapshot or a
device short of memory starts normally (the learner sees no difference); the
exercise works offline on a repeat visit; and with Save-Data the runtime waits
until the learner focuses the box."""
import checks

from test_exercise import EXERCISE, LOAD_TIMEOUT, exercise_url, weak_reply, write

MARKS = "Object.fromEntries(performance.getEntriesByType('mark').map(m => [m.name, m.startTime]))"
# A second exercise page of each language (the first is plums, on exercise_url's page).
SECOND = ("ask-and-fix", "faulty-cd")


def second_url(server, lang="en"):
    return server.url + ("" if lang == "en" else f"{lang}/") + f"{SECOND[0]}/"


def second_exercise(scenario=SECOND[1]):
    return f'.exercise[data-exercise="{scenario}"]'


def use_and_keep(page, server, lang="en"):
    """The learner checks a reply; the service worker then keeps the runtime and the pages."""
    page.goto(exercise_url(server, lang))
    page.locator(f"{EXERCISE} textarea").fill(weak_reply(lang))
    page.wait_for_selector(f'{EXERCISE}[data-state="done"]', timeout=LOAD_TIMEOUT)
    page.wait_for_function("performance.getEntriesByName('exercise:precached').length > 0", timeout=LOAD_TIMEOUT)


def open_second(page, server, lang="en"):
    page.goto(second_url(server, lang))
    page.locator(f"{second_exercise()} textarea").focus()
    page.wait_for_selector(f'{second_exercise()}[data-state="ready"]', timeout=LOAD_TIMEOUT)
    return page.evaluate(MARKS)


def findings(page, text, lang="en"):
    sel = second_exercise()
    page.eval_on_selector(sel, "el => { el.dataset.state = 'ready'; }")
    page.locator(f"{sel} textarea").fill(text)
    page.wait_for_selector(f'{sel}[data-state="done"]', timeout=10_000)
    shown = page.eval_on_selector_all(f"{sel} .exercise__feedback [data-rule]", "els => els.map(e => e.dataset.rule)")
    expected = list(dict.fromkeys(f.rule for f in checks.check(text, lang, SECOND[1]).findings))
    return shown, expected


def snapshot_url(page, lang="en"):
    runtime = page.eval_on_selector(second_exercise(), "el => JSON.parse(el.dataset.runtime)")
    return runtime["snapshots"][lang]["url"]


def test_the_next_exercise_page_starts_from_the_snapshot(page, server):
    use_and_keep(page, server, "el")
    marks = open_second(page, server, "el")
    assert "exercise:snapshot" in marks  # restored, not started from scratch
    shown, expected = findings(page, weak_reply("el"), "el")
    assert shown == expected and "apology-but" in shown
    assert not page.errors


def test_a_damaged_snapshot_starts_normally(page, server):
    use_and_keep(page, server)
    page.goto(second_url(server))
    kept = page.evaluate("""async (path) => {
        const url = new URL(path, new URL(document.querySelector('.exercise').dataset.root, location)).href;
        for (const name of await caches.keys()) {
            const cache = await caches.open(name);
            if (await cache.match(url)) {
                await cache.put(url, new Response(new Uint8Array(64 * 1024 * 1024).fill(7)));
                return true;
            }
        }
        return false;
    }""", snapshot_url(page))
    assert kept
    marks = open_second(page, server)
    assert "exercise:snapshot" not in marks and "exercise:ready" in marks
    shown, expected = findings(page, weak_reply("en"))
    assert shown == expected and "apology-but" in shown
    assert not page.errors


def test_a_device_short_of_memory_starts_normally(browser, server):
    context = browser.new_context()
    context.add_init_script("Object.defineProperty(Navigator.prototype, 'deviceMemory', { get: () => 0.5 });")
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    use_and_keep(page, server)
    marks = open_second(page, server)
    assert "exercise:snapshot" not in marks and "exercise:ready" in marks
    shown, expected = findings(page, weak_reply("en"))
    assert shown == expected
    assert not page.errors
    context.close()


def test_the_exercise_works_offline_on_a_repeat_visit(page, server):
    use_and_keep(page, server, "ar")
    page.context.set_offline(True)
    try:
        marks = open_second(page, server, "ar")
        shown, expected = findings(page, weak_reply("ar"), "ar")
        assert shown == expected and "apology-but" in shown
        # the language's other pages too
        page.goto(server.url + "ar/")
        assert page.get_attribute("html", "lang") == "ar"
    finally:
        page.context.set_offline(False)
    assert "exercise:ready" in marks
    assert not page.errors


# navigator.connection.saveData as a browser with Save-Data on reports it (Chromium's
# CDP has no switch for it; Network.emulateNetworkConditions sets the speed only).
SAVE_DATA = """Object.defineProperty(Navigator.prototype, 'connection', { get: () => ({
    saveData: true, effectiveType: '4g', type: 'wifi', downlink: 10, rtt: 50,
    addEventListener() {}, removeEventListener() {} }) });"""


def worker_requests(page):
    return [url for url in page.requests if "/pyodide/" in url or "exercise-worker" in url]


def test_save_data_waits_for_focus(browser, server):
    context = browser.new_context()
    context.add_init_script(SAVE_DATA)
    page = context.new_page()
    page.requests = []
    context.on("request", lambda request: page.requests.append(request.url))
    page.goto(exercise_url(server, "he") + "#exercise-plums")  # the exercise in view
    page.wait_for_timeout(3000)
    assert page.get_attribute(EXERCISE, "data-state") == "idle"
    assert not worker_requests(page)
    page.locator(f"{EXERCISE} textarea").focus()
    page.wait_for_selector(f'{EXERCISE}[data-state="ready"]', timeout=LOAD_TIMEOUT)
    assert worker_requests(page)
    shown = write(page, weak_reply("he"))
    assert "apology-but" in shown["rules"]
    # The offline copy leaves out the memory snapshot (several megabytes).
    page.wait_for_function("performance.getEntriesByName('exercise:precached').length > 0", timeout=LOAD_TIMEOUT)
    kept = page.evaluate("""async () => {
        const urls = [];
        for (const name of await caches.keys()) for (const r of await (await caches.open(name)).keys()) urls.push(r.url);
        return urls;
    }""")
    assert any(url.endswith(".whl") for url in kept) and not any("snapshot-" in url for url in kept)
    context.close()


def test_without_save_data_the_exercise_in_view_starts_at_once(page, server):
    page.goto(exercise_url(server, "he") + "#exercise-plums")
    page.wait_for_selector(f'{EXERCISE}[data-state="ready"]', timeout=LOAD_TIMEOUT)
    assert page.get_attribute(EXERCISE, "data-state") == "ready"
