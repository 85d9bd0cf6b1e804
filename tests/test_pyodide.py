"""The checker gives the same findings in real Pyodide (Node.js, offline) as in
CPython, on every rule example of every language, every model answer and every
reply of the blind corpus: with the files the site serves (the wheels compiled to
bytecode, and the standard library compiled and cut down to what the worker
imports, so a module it lacks would show here; and each language's rules from the
ready-read copy the site serves, so a copy that reads differently would show too)."""
import json
import shutil
import subprocess
import sys
import tomllib
import zipfile

import pytest

import checks
from conftest import ROOT
from rule_examples import cases

sys.path.insert(0, str(ROOT / "macros"))
import runtime  # noqa: E402  (the site's own wheel builder)


def all_cases() -> list[dict]:
    """Every rule example, every model answer, and every reply and phrase of the blind corpus."""
    out = [{"text": ex.text, "lang": lang, "scenario": rule.scenario} for _, lang, rule, ex in cases() if ex]
    for scenario in checks.all_scenarios():
        for lang, text in scenario.texts.items():
            out.append({"text": text.model_answer, "lang": lang, "scenario": scenario.id})
    for path in sorted((ROOT / "tests" / "corpus").glob("*/*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for item in data.get("reply", []) + data.get("phrase", []):
            out.append({"text": item["text"], "lang": path.stem, "scenario": None})
    return out


def cpython_findings(case: dict) -> list:
    report = checks.check(case["text"], case["lang"], case["scenario"])
    return [[f.rule, f.start, f.end] for f in report.findings]


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_pyodide_matches_cpython(tmp_path):
    served = runtime.prepare().files
    wheels = [path for name, path in served.items() if name.endswith(".whl")]
    stdlib = next(path for name, path in served.items() if name.endswith("/python_stdlib.zip"))
    copies = {path.parent for name, path in served.items() if name.endswith(".pickle")}
    assert len(copies) == 1 and len(list(next(iter(copies)).glob("rules-*.pickle"))) == len(checks.LANGUAGES)
    assert any("checks/engine.pyc" in zipfile.ZipFile(w).namelist() for w in wheels)  # compiled, as served
    # The site's wheel carries each language only as its ready-read copy: no data files.
    names = zipfile.ZipFile(next(w for w in wheels if w.name.startswith("checks-"))).namelist()
    assert "checks/rules/catalogue.toml" in names
    assert not [n for n in names if n.endswith(".model.json") or n in {f"checks/rules/{lang}.toml" for lang in checks.LANGUAGES}]
    assert all(f"checks/rules/{lang}.data.sha256" in names for lang in checks.LANGUAGES)
    data = all_cases()
    case_file = tmp_path / "cases.json"
    case_file.write_text(json.dumps(data), encoding="utf-8")
    result = subprocess.run(["node", str(ROOT / "tests" / "pyodide" / "run_checks.mjs"), str(case_file), *map(str, wheels),
                             "--stdlib", str(stdlib), "--rules", str(next(iter(copies)))], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    in_pyodide = json.loads(result.stdout.strip().splitlines()[-1])
    assert len(in_pyodide) == len(data)
    mismatches = [(c["lang"], c["text"][:60], got, cpython_findings(c))
                  for c, got in zip(data, in_pyodide) if got != cpython_findings(c)]
    assert not mismatches, mismatches[:5]
