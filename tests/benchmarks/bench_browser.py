"""Benchmark: the exercise pages in headless Chromium, served by nginx exactly as the
editor's guide says to publish the site (its server block: types, caching,
compression). Prints figures from one run, in the same browser; asserts nothing.

Figures (issue 9), each against "stock": `loadPyodide()` in a module worker, from
the unmodified npm files (node_modules/pyodide) on the same server, measured from
navigation:
- navigation -> checker ready, cold cache (a new browser profile): target <= 0.5 x stock cold;
- a second exercise page, after the learner has used the first: target <= 0.25 x stock warm;
- bytes transferred (as the server sent them, gzip) before the first exercise is ready: <= 7 MB;
- main-thread tasks of 50 ms or more while the runtime loads: none;
- feedback after a pause in typing: <= 100 ms.

    make bench-browser      (or: .venv/bin/python tests/benchmarks/bench_browser.py)
"""
import re
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from playwright.sync_api import sync_playwright  # noqa: E402

import checks  # noqa: E402
from nginx_server import GuideNginx, free_port, nginx_url  # noqa: E402
from site_server import CHROMIUM, CHROMIUM_ARGS, build_site  # noqa: E402

RUNS = 5
KEYSTROKES = 10     # per run
PAUSE_MS = 60       # exercise.js checks after a pause in typing this long
STOCK_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")
STOCK_HTML = """<!doctype html><meta charset="utf-8"><title>stock loadPyodide</title><script type="module">
const worker = new Worker(new URL("bench-stock/worker.mjs", location), { type: "module" });
worker.onmessage = () => performance.mark("stock:ready");
</script>"""
STOCK_WORKER = """import { loadPyodide } from "./pyodide.mjs";
await loadPyodide();
postMessage("ready");
"""
LONG_TASKS = """
window.__longTasks = [];
new PerformanceObserver(list => { for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.duration]); })
  .observe({ type: 'longtask', buffered: true });
// What ran in each long frame (script, invoker, time), to name the long tasks.
window.__frames = [];
try {
  new PerformanceObserver(list => { for (const e of list.getEntries()) window.__frames.push([e.startTime, e.duration,
      e.scripts.map(s => `${(s.sourceURL || '').split('/').pop() || '?'} ${s.invoker} ${Math.round(s.duration)} ms`)]); })
    .observe({ type: 'long-animation-frame', buffered: true });
} catch (e) {}
"""
MARKS = "Object.fromEntries(performance.getEntriesByType('mark').map(m => [m.name, m.startTime]))"


def exercise_pages(lang="en"):
    """(url path, scenario id) of two exercises on two different pages, the first
    one plums (as in the tests)."""
    pages = []
    for md in sorted((ROOT / "docs" / lang).glob("*.md")):
        for scenario_id in re.findall(r'\{\{\s*exercise\("([a-z0-9-]+)"\)', md.read_text(encoding="utf-8")):
            slug = "" if md.stem == "index" else f"{md.stem}/"
            pages.append((("" if lang == "en" else f"{lang}/") + slug, scenario_id))
            break
    pages.sort(key=lambda p: p[1] != "plums")
    return pages[:2]


def selector(scenario_id):
    return f'.exercise[data-exercise="{scenario_id}"]'


def median(values):
    return statistics.median(values) if values else float("nan")


def ms(values):
    values = sorted(values)
    return f"median {median(values):7.0f} ms (min {values[0]:.0f}, max {values[-1]:.0f})"


# bypass_csp: Playwright's waiting functions evaluate strings, which the guide's
# Content-Security-Policy forbids; the site itself runs under it (test_publishing.py).


class Transfer:
    """Bytes on the wire (body as sent, so gzip counts, plus headers) of every request
    the context makes: the page's, its workers' and its service worker's."""

    def __init__(self, context):
        self.total = 0
        self.urls = []
        context.on("requestfinished", self.finished)

    def finished(self, request):
        try:
            sizes = request.sizes()
        except Exception:  # the context closed meanwhile
            return
        self.total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        self.urls.append(request.url)


def stock_times(browser, url):
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    out = []
    for _ in range(2):  # cold, then warm
        page.goto("about:blank")
        page.goto(url)
        page.wait_for_function("performance.getEntriesByName('stock:ready').length > 0", timeout=180_000)
        out.append(page.evaluate("performance.getEntriesByName('stock:ready')[0].startTime"))
    context.close()
    return out


def ready(page, scenario_id):
    """The marks, and the long tasks that started while the runtime loaded, each as
    (duration, what the frames around it ran)."""
    page.wait_for_selector(f'{selector(scenario_id)}[data-state="ready"]', timeout=180_000)
    marks = page.evaluate(MARKS)
    frames = page.evaluate("window.__frames || []")
    tasks = []
    for t, d in page.evaluate("window.__longTasks"):
        if marks["exercise:start"] <= t <= marks["exercise:ready"]:
            ran = [script for start, length, scripts in frames if start <= t + d and t <= start + length
                   for script in scripts]
            tasks.append((d, "; ".join(ran) or "no script (style, layout, paint or the browser)"))
    return marks, tasks


def use_exercise(page, scenario_id, lang="en"):
    """Type a reply that breaks a rule; wait for its findings."""
    reply = next(ex.text for ex in checks.language(lang).rule("apology-but").examples if ex.fires)
    page.locator(f"{selector(scenario_id)} textarea").fill(reply)
    page.wait_for_selector(f'{selector(scenario_id)}[data-state="done"]', timeout=30_000)


def wait_for_precache(page, timeout_s=180):
    """Until the page's service worker (if the site has one) says it has stored the
    runtime and the pages (exercise.js marks it); False without a service worker."""
    for _ in range(timeout_s * 10):
        marks = page.evaluate(MARKS)
        if "exercise:precached" in marks:
            return True
        if not page.evaluate("'serviceWorker' in navigator && !!navigator.serviceWorker.controller") \
                and "exercise:offline-requested" not in marks:
            return False
        page.wait_for_timeout(100)
    return False


def keystroke_lags(page, scenario_id):
    sel = selector(scenario_id)
    box = page.locator(f"{sel} textarea")
    page.evaluate("""(sel) => {
        const root = document.querySelector(sel);
        window.__lags = [];
        root.querySelector('textarea').addEventListener('input', () => { window.__typed = performance.now(); });
        new MutationObserver(() => {
            if (root.dataset.state === 'done' && window.__typed) { window.__lags.push(performance.now() - window.__typed); window.__typed = 0; }
        }).observe(root, { attributes: true, attributeFilter: ['data-state'] });
    }""", sel)
    for n in range(KEYSTROKES):
        box.press("End")
        page.keyboard.type(", but" if n == 0 else "x")
        page.wait_for_function(f"window.__lags.length >= {n + 1}", timeout=20_000)
    return page.evaluate("window.__lags")


def our_times(browser, base, pages):
    """One learner: the first exercise page with an empty cache, uses it, then the
    second exercise page."""
    (first, first_id), (second, second_id) = pages
    context = browser.new_context(bypass_csp=True)
    transfer = Transfer(context)
    page = context.new_page()
    page.add_init_script(LONG_TASKS)
    page.goto(f"{base}{first}#exercise-{first_id}")
    marks, cold_tasks = ready(page, first_id)
    bytes_before_ready = transfer.total
    use_exercise(page, first_id)
    precached = wait_for_precache(page)
    bytes_after_use = transfer.total
    page.goto(f"{base}{second}#exercise-{second_id}")
    marks2, warm_tasks = ready(page, second_id)
    lags = keystroke_lags(page, second_id)
    context.close()
    return {"cold": marks["exercise:ready"], "warm": marks2["exercise:ready"], "cold_marks": marks,
            "warm_marks": marks2, "tasks": cold_tasks + warm_tasks, "bytes": bytes_before_ready,
            "bytes_after_use": bytes_after_use, "precached": precached, "lags": lags,
            "snapshot": "exercise:snapshot" in marks2}


def phases(runs, key):
    """Median time of each loading stage the worker reports (exercise-worker.js): started,
    restored from the snapshot, Pyodide loaded, wheels installed, `checks` imported, ready
    (the rules compiled)."""
    names = ("exercise:start", "exercise:runtime", "exercise:snapshot", "exercise:checker", "exercise:rules",
             "exercise:imported", "exercise:ready")
    parts = []
    for name in names:
        values = [run[key][name] for run in runs if name in run[key]]
        if values:
            parts.append(f"{name.split(':')[1]} {median(values):.0f}")
    return " -> ".join(parts)


def main():
    with tempfile.TemporaryDirectory(prefix="bench-browser-") as tmp:
        tmp = Path(tmp)
        port = free_port()
        base = nginx_url(port)
        site = build_site(tmp / "site", site_url=base)
        stock = site / "bench-stock"
        stock.mkdir()
        for name in STOCK_FILES:
            shutil.copy2(ROOT / "node_modules" / "pyodide" / name, stock / name)
        (stock / "worker.mjs").write_text(STOCK_WORKER, encoding="utf-8")
        (site / "bench-stock.html").write_text(STOCK_HTML, encoding="utf-8")
        pages = exercise_pages()
        with GuideNginx(site, tmp / "nginx", port), sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            stock_cold, stock_warm, runs = [], [], []
            for _ in range(RUNS):
                cold, warm = stock_times(browser, base + "bench-stock.html")
                stock_cold.append(cold)
                stock_warm.append(warm)
                runs.append(our_times(browser, base, pages))
            sc, sw = median(stock_cold), median(stock_warm)
            cold = [r["cold"] for r in runs]
            warm = [r["warm"] for r in runs]
            tasks = [d for r in runs for d, _ in r["tasks"]]
            lags = [lag for r in runs for lag in r["lags"]]
            after_pause = [lag - PAUSE_MS for lag in lags]
            mb = median([r["bytes"] for r in runs]) / 1e6
            print(f"Chromium {browser.version}, {RUNS} runs, nginx with the guide's server block at {base}")
            print(f"pages: first {pages[0][0]} (exercise {pages[0][1]}), second {pages[1][0]} (exercise {pages[1][1]})")
            print(f"stock loadPyodide(), module worker, npm files:  cold {ms(stock_cold)}   warm {ms(stock_warm)}")
            print(f"navigation -> ready, first exercise page, cold:  {ms(cold)}   "
                  f"{median(cold) / sc:.2f} x stock cold (target <= 0.50)")
            print(f"navigation -> ready, second exercise page, warm: {ms(warm)}   "
                  f"{median(warm) / sw:.2f} x stock warm (target <= 0.25); {median(warm) / sc:.2f} x stock cold; "
                  f"restored from the snapshot in {sum(r['snapshot'] for r in runs)} of {RUNS} runs")
            print(f"  phases, first page (ms after navigation): {phases(runs, 'cold_marks')}")
            print(f"  phases, second page (ms after navigation): {phases(runs, 'warm_marks')}")
            print(f"bytes transferred before the first exercise is ready: median {mb:.2f} MB (target <= 7 MB); "
                  f"until the learner's first findings and the offline copy: "
                  f"{median([r['bytes_after_use'] for r in runs]) / 1e6:.2f} MB "
                  f"(offline copy stored in {sum(r['precached'] for r in runs)} of {RUNS} runs)")
            print(f"main-thread tasks >= 50 ms while the runtime loads (both pages, all runs): {len(tasks)}, "
                  f"longest {max(tasks, default=0):.0f} ms (target: none)")
            for d, ran in sorted((t for r in runs for t in r["tasks"]), reverse=True):
                print(f"  {d:.0f} ms: {ran}")
            print(f"feedback after a pause ({len(lags)} keystrokes): keystroke -> findings {ms(lags)}; "
                  f"after the {PAUSE_MS} ms pause {ms(after_pause)} (target <= 100 ms)")
            browser.close()


if __name__ == "__main__":
    main()
