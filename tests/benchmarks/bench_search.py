"""Benchmark: the site's search in headless Chromium, against "stock": Material's own
worker with the settings Material would give each language (its lunr language where
it ships one, its pipeline), on the same pages. Prints figures; asserts nothing.

- pages found for the queries of issue 10 and a few more, stock and ours;
- time from handing the worker the index to its answer "ready", and per query
  (median of RUNS; the first query after "ready" also finishes the stemming of the
  index's words, if the worker has not yet done it between queries).

    .venv/bin/python tests/benchmarks/bench_search.py [SITE_DIR]   (builds the site without one)
"""
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "macros")]

from playwright.sync_api import sync_playwright  # noqa: E402

import search  # noqa: E402
from site_server import CHROMIUM, CHROMIUM_ARGS, SiteServer, build_site  # noqa: E402

RUNS = 5
QUERIES = {
    "en": ["apology", "apologies", "customer", "Sorry"],
    "el": ["συγγνωμη", "συγγνώμη", "δικαιολογιες", "δικαιολογίες", "πελατες", "πελάτες"],
    "ar": ["اعذار", "أعذار", "اعتذار", "الاعتذار", "العميل"],
    "et": ["vabandus", "vabandust", "klient", "kliendid"],
    "he": ["סְלִיחָה", "סליחה", "לקוחות"],
}
MEASURE = """async ({stock, queries, runs}) => {
    const config = JSON.parse(document.getElementById("__config").textContent);
    const index = await (await fetch(new URL("search/search_index.json", new URL(config.base, location.href)))).json();
    const materialWorker = new URL(config.search, location.href);
    const url = stock ? new URL(materialWorker.searchParams.get("material"), materialWorker) : materialWorker;
    const settings = stock ? {...index.config, ...stock} : index.config;
    const found = {}, ready = [], first = [], later = [];
    for (let run = 0; run < runs; run++) {
        const worker = new Worker(url);
        const reply = () => new Promise(resolve => worker.onmessage = event => resolve(event.data));
        let start = performance.now();
        worker.postMessage({type: 0, data: {config: settings, docs: index.docs, options: {suggest: false}}});
        await reply();
        ready.push(performance.now() - start);
        for (const [i, query] of queries.entries()) {
            start = performance.now();
            worker.postMessage({type: 2, data: query});
            found[query] = (await reply()).data.items.length;
            (i ? later : first).push(performance.now() - start);
        }
        worker.terminate();
    }
    const median = values => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
    return {found, ready: median(ready), first: median(first), later: median(later)};
}"""


def material_settings(lang: str, site_dir: Path) -> dict:
    """What Material's search plugin would have written for the language alone."""
    shipped = (site_dir / "assets" / "javascripts" / "lunr" / "min" / f"lunr.{lang}.min.js").is_file()
    pipeline = [step.strip() for step in search.material_setting(lang, "pipeline").split(",") if step.strip()]
    return {"lang": [lang if shipped else "en"], "pipeline": pipeline}


def main(site_dir: Path) -> None:
    with SiteServer(site_dir) as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        print(f"{'lang':4} {'query':14} {'stock':>5} {'ours':>5}")
        timings = []
        for lang, queries in QUERIES.items():
            page.goto(server.url + ("" if lang == "en" else f"{lang}/"))
            stock = page.evaluate(MEASURE, {"stock": material_settings(lang, site_dir), "queries": queries, "runs": RUNS})
            ours = page.evaluate(MEASURE, {"stock": None, "queries": queries, "runs": RUNS})
            for query in queries:
                print(f"{lang:4} {query:14} {stock['found'][query]:5} {ours['found'][query]:5}")
            timings.append((lang, stock, ours))
        print(f"\nmedian ms of {RUNS} runs    ready: stock  ours   first query: stock  ours   later queries: stock  ours")
        for lang, stock, ours in timings:
            print(f"{lang:25} {stock['ready']:12.0f} {ours['ready']:5.0f} {stock['first']:20.0f} {ours['first']:5.0f}"
                  f" {stock['later']:22.0f} {ours['later']:5.0f}")
        browser.close()


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(Path(sys.argv[1]))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            main(build_site(Path(tmp) / "site"))
    print(f"(load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; timings on a busy machine are rough)")
