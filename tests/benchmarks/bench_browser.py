"""Benchmark: the exercise page in headless Chromium on 127.0.0.1. Prints figures;
asserts nothing. Targets (issue 3): ready at most 1.25 x bare loadPyodide; longest
main-thread task while loading under 50 ms; last keystroke to findings under
150 ms; and the bytes a page with and without an exercise transfers.

    make bench-browser      (or: .venv/bin/python tests/benchmarks/bench_browser.py)
"""
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from playwright.sync_api import sync_playwright  # noqa: E402

import checks  # noqa: E402
from site_server import CHROMIUM, CHROMIUM_ARGS, SiteServer, build_site  # noqa: E402

RUNS = 5
KEYSTROKES = 25
SCENARIO = "plums"
EXERCISE = f'.exercise[data-exercise="{SCENARIO}"]'

# A bare page: loadPyodide in a module worker, from the same files, nothing else.
BARE_HTML = """<!doctype html><meta charset="utf-8"><title>bare</title><script type="module">
const worker = new Worker(URL.createObjectURL(new Blob([`
  import { loadPyodide } from "${new URL('assets/pyodide/pyodide.mjs', location)}";
  await loadPyodide({ indexURL: "${new URL('assets/pyodide/', location)}" });
  postMessage("ready");`], { type: "text/javascript" })), { type: "module" });
worker.onmessage = () => { window.__ready = performance.now(); };
</script>"""

LONG_TASKS = """
window.__longTasks = [];
new PerformanceObserver(list => { for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.duration]); })
  .observe({ type: 'longtask', buffered: true });
"""
# Marks exercise.js sets as the runtime loads (worker started, runtime loaded, ...).
PHASES = ("exercise:start", "exercise:runtime", "exercise:checker", "exercise:rules", "exercise:ready")


def ms(values):
    values = sorted(values)
    return f"median {statistics.median(values):7.1f} ms   p95 {values[max(0, int(len(values) * 0.95) - 1)]:7.1f} ms"


def time_to_ready(browser, url, bare: bool):
    """Navigation start to ready, with an empty cache, then warm (same context)."""
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(LONG_TASKS)
    out, long_tasks, phases = [], [], {}
    for _ in range(2):
        page.goto("about:blank")  # the same URL again with a #fragment would not reload
        page.goto(url)
        if bare:
            page.wait_for_function("window.__ready !== undefined", timeout=120_000)
            out.append(page.evaluate("window.__ready"))
        else:
            page.wait_for_selector(f'{EXERCISE}[data-state="ready"]', timeout=120_000)
            out.append(page.evaluate("performance.getEntriesByName('exercise:ready')[0].startTime"))
            marks = page.evaluate("Object.fromEntries(performance.getEntriesByType('mark').map(m => [m.name, m.startTime]))")
            phases = {name: marks.get(name) for name in PHASES}
            # only the tasks while the runtime loads: from the worker's start to ready
            long_tasks = [d for t, d in page.evaluate("window.__longTasks")
                          if marks["exercise:start"] <= t <= marks["exercise:ready"]]
    context.close()
    return out, long_tasks, phases


def bytes_of(browser, url, until_ready: bool) -> int:
    context = browser.new_context()
    page = context.new_page()
    sizes = []
    page.on("requestfinished", lambda r: sizes.append(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"]))
    page.goto(url)
    if until_ready:
        page.wait_for_selector(f'{EXERCISE}[data-state="ready"]', timeout=120_000)
    page.wait_for_load_state("networkidle")
    context.close()
    return sum(sizes)


def keystroke_to_findings(browser, url) -> list[float]:
    context = browser.new_context()
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector(f'{EXERCISE}[data-state="ready"]', timeout=120_000)
    box = page.locator(f"{EXERCISE} textarea")
    box.fill("I'm sorry about the plums")
    page.wait_for_selector(f'{EXERCISE}[data-state="done"]')
    page.evaluate("""() => {
        const root = document.querySelector('%s');
        window.__lags = [];
        root.querySelector('textarea').addEventListener('input', () => { window.__typed = performance.now(); });
        new MutationObserver(() => {
            if (root.dataset.state === 'done' && window.__typed) { window.__lags.push(performance.now() - window.__typed); window.__typed = 0; }
        }).observe(root, { attributes: true, attributeFilter: ['data-state'] });
    }""" % EXERCISE)
    for n in range(KEYSTROKES):
        box.press("End")
        page.keyboard.type(", but" if n == 0 else "x")
        page.wait_for_function(f"window.__lags.length >= {n + 1}", timeout=10_000)
    lags = page.evaluate("window.__lags")
    context.close()
    return lags


def main():
    with tempfile.TemporaryDirectory() as tmp:
        site = build_site(Path(tmp) / "site")
        (site / "bench-bare.html").write_text(BARE_HTML, encoding="utf-8")
        principle = checks.scenario(SCENARIO).principle
        with SiteServer(site) as server, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            exercise_url = f"{server.url}{principle}/#exercise-{SCENARIO}"
            ours, bare, tasks, phase_runs = {"cold": [], "warm": []}, {"cold": [], "warm": []}, [], []
            for _ in range(RUNS):
                (cold, warm), _, _ = time_to_ready(browser, server.url + "bench-bare.html", bare=True)
                bare["cold"].append(cold), bare["warm"].append(warm)
                (cold, warm), long_tasks, phases = time_to_ready(browser, exercise_url, bare=False)
                ours["cold"].append(cold), ours["warm"].append(warm)
                tasks.extend(long_tasks)
                phase_runs.append(phases)
            print(f"Chromium {browser.version}, {RUNS} runs each, site on {server.origin}")
            for cache in ("cold", "warm"):
                ratio = statistics.median(ours[cache]) / statistics.median(bare[cache])
                print(f"navigation -> ready, {cache} cache:  exercise page {ms(ours[cache])}   "
                      f"bare loadPyodide {ms(bare[cache])}   ratio {ratio:.2f} (target <= 1.25)")
            steps = " -> ".join(f"{name.split(':')[1]} {statistics.median(run[name] for run in phase_runs):.0f}"
                                for name in PHASES)
            print(f"exercise page, warm cache, median ms after navigation: {steps}")
            longest = max(tasks, default=0.0)
            print(f"longest main-thread task while the runtime loads (worker start to ready): {longest:.0f} ms "
                  f"({len(tasks)} tasks of 50 ms or more; target < 50 ms)")
            lags = keystroke_to_findings(browser, exercise_url)
            print(f"last keystroke -> findings shown ({len(lags)} keystrokes): {ms(lags)} (target < 150 ms)")
            plain = bytes_of(browser, server.url, until_ready=False)
            with_exercise = bytes_of(browser, exercise_url, until_ready=True)
            print(f"bytes transferred: page without exercise {plain / 1024:,.0f} KiB; "
                  f"with exercise, until ready {with_exercise / 1024:,.0f} KiB")
            browser.close()


if __name__ == "__main__":
    main()
