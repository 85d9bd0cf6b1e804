"""Benchmark: latency of one check of a 150-word reply in each language, in
CPython and in Pyodide under Node.js. Prints figures; asserts nothing.
Targets (issue 2): p95 under 2 ms in CPython, under 10 ms in Pyodide.

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

ROUNDS = 300


def reply_of_150_words(lang: str) -> str:
    """The language's longest too-long near-miss: a real reply of at most 150 words."""
    rule = checks.language(lang).rule("too-long")
    return max((ex.text for ex in rule.examples if not ex.fires), key=checks.word_count)


def summary(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[int(len(samples) * 0.95) - 1]
    return f"median {statistics.median(samples):6.3f} ms   p95 {p95:6.3f} ms"


def main() -> None:
    cases = [{"text": reply_of_150_words(lang), "lang": lang} for lang in checks.LANGUAGES]
    print(f"check() latency, {ROUNDS} runs per language, after one warm-up run")
    print("CPython", sys.version.split()[0])
    for case in cases:
        checks.check(case["text"], case["lang"])
        samples = []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            checks.check(case["text"], case["lang"])
            samples.append((time.perf_counter() - start) * 1000)
        print(f"  {case['lang']}  {checks.word_count(case['text']):3d} words   {summary(samples)}")
    with tempfile.TemporaryDirectory() as tmp:
        wheels = [runtime.build_wheel(Path(tmp)), *runtime.dependency_wheels()]
        case_file = Path(tmp) / "cases.json"
        case_file.write_text(json.dumps(cases), encoding="utf-8")
        out = subprocess.run(["node", str(ROOT / "tests/pyodide/run_checks.mjs"), str(case_file), *map(str, wheels),
                              "--bench", str(ROUNDS)], capture_output=True, text=True, cwd=ROOT, check=True)
    print("Pyodide (Node.js", subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip() + ")")
    for case, samples in zip(cases, json.loads(out.stdout.strip().splitlines()[-1])):
        print(f"  {case['lang']}  {checks.word_count(case['text']):3d} words   {summary(samples)}")


if __name__ == "__main__":
    main()
