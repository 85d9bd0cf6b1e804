"""Benchmark: the checker's latency in each language, in CPython and in Pyodide under
Node.js. Prints figures; asserts nothing.

- warm: one check of a 150-word reply, repeated (a learner pausing while typing:
  the words' readings and stems are known already);
- cold: the first check of a text whose words have not been seen (caches emptied);
- load: reading and compiling one language's rule data (patterns compile to regular
  expressions on first use, so the first check pays for some), and in Pyodide also
  from the ready-read copy the site serves (checks.rules.frozen);
- worst case: the slowest of several adversarial 5,000-character texts, as a multiple
  of the 150-word reply's time (linear time in the text's length keeps it under 60).

Targets (issue 8): p95 at most 5 ms per 150-word reply in CPython, 10 ms in Pyodide.

    make bench-checker      (or: .venv/bin/python tests/benchmarks/bench_checker.py)
"""
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "macros")]

import checks  # noqa: E402
import runtime  # noqa: E402
from checks import rules as rule_data  # noqa: E402

ROUNDS = 300
COLD_ROUNDS = 40


def reply_of_150_words(lang: str) -> str:
    """The language's longest too-long near-miss: a real reply of at most 150 words."""
    rule = checks.language(lang).rule("too-long")
    return max((ex.text for ex in rule.examples if not ex.fires), key=checks.word_count)


def adversarial(lang: str) -> dict[str, str]:
    """5,000-character texts built to make a checker work hard: the language's own
    apologies and connectives repeated, one endless sentence, negators everywhere."""
    words = " ".join(ex.text for r in checks.language(lang).rules for ex in r.examples)[:600].split()
    short = " ".join(words[:12])
    fill = lambda unit: (unit * (checks.MAX_CHARS // len(unit) + 1))[:checks.MAX_CHARS]  # noqa: E731
    return {
        "examples run together": fill(" ".join(words) + " "),
        "one endless sentence": fill(short.replace(".", "").replace("?", "") + ", "),
        "many short sentences": fill(short + ". "),
        "a single long word": "a" * checks.MAX_CHARS,
    }


def summary(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
    return f"median {statistics.median(samples):6.2f} ms   p95 {p95:6.2f} ms"


def timed(fn, rounds: int, before=None) -> list[float]:
    out = []
    for _ in range(rounds):
        if before:
            before()
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    print(f"CPython {sys.version.split()[0]}: {ROUNDS} warm and {COLD_ROUNDS} cold checks per language")
    cases = []
    for lang in checks.LANGUAGES:
        rule_data.language.cache_clear()
        start = time.perf_counter()
        language = checks.language(lang)
        load = (time.perf_counter() - start) * 1000
        text = reply_of_150_words(lang)
        cases.append({"text": text, "lang": lang})
        checks.check(text, lang)
        warm = timed(lambda: checks.check(text, lang), ROUNDS)

        def forget():
            language.morphology._stems.clear()
            language.morphology._readings.clear()
        cold = timed(lambda: checks.check(text, lang), COLD_ROUNDS, forget)
        base = statistics.median(warm)
        worst = max((statistics.median(timed(lambda t=t: checks.check(t, lang), 5)), name)
                    for name, t in adversarial(lang).items())
        print(f"  {lang}  {checks.word_count(text):3d} words  warm {summary(warm)}   cold {summary(cold)}   "
              f"load {load:5.0f} ms   worst case {worst[0]:6.1f} ms = {worst[0] / base:4.1f}x ({worst[1]})")
    with tempfile.TemporaryDirectory() as tmp:
        wheels = [runtime.build_wheel(Path(tmp)), *runtime.dependency_wheels()]
        case_file = Path(tmp) / "cases.json"
        case_file.write_text(json.dumps(cases), encoding="utf-8")
        out = subprocess.run(["node", str(ROOT / "tests/pyodide/run_checks.mjs"), str(case_file), *map(str, wheels),
                              "--bench", str(ROUNDS)], capture_output=True, text=True, cwd=ROOT, check=True)
        # Again, with the ready-read copies of the rules the site serves (the worker's first start).
        for lang in checks.LANGUAGES:
            (Path(tmp) / f"rules-{lang}.pickle").write_bytes(rule_data.frozen(lang))
        thawed = subprocess.run(["node", str(ROOT / "tests/pyodide/run_checks.mjs"), str(case_file), *map(str, wheels),
                                 "--rules", tmp, "--bench", "1"], capture_output=True, text=True, cwd=ROOT, check=True)
    print("Pyodide (Node.js", subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
          + "): warm checks, and the first check of the text in a fresh runtime with that language loaded")
    copies = json.loads(thawed.stdout.strip().splitlines()[-1])
    for case, result, copy in zip(cases, json.loads(out.stdout.strip().splitlines()[-1]), copies):
        print(f"  {case['lang']}  {checks.word_count(case['text']):3d} words  warm {summary(result['warm'])}   "
              f"first check {result['first']:6.2f} ms   load {result['load']:5.0f} ms, "
              f"from the ready-read copy {copy['load']:4.0f} ms (then first check {copy['first']:6.2f} ms)")


if __name__ == "__main__":
    main()
