"""How often the checker is right, on replies its rules were not written from.

    python tests/accuracy.py [--split dev|test|all] [--lang L] [--errors] [--json] [--corpus DIR] [--ids TEXT] [--not-ids TEXT]
    python tests/accuracy.py --phrases [--lang L] [--errors]

The blind corpus (tests/corpus/<split>/<lang>.toml, see tests/corpus/README.md)
labels every reply with the rules a careful trainer says should fire. This prints,
per language and split: precision, recall and F1 per rule; micro-F1 over all
labelled rules; the share of good replies (no error expected) the checker fails;
and the share of bad replies (an error expected) it passes. `--errors` lists the
replies it gets wrong, rule by rule (for the dev split: never tune on the test split).

`--phrases` measures the phrase banks instead (tests/corpus/phrases/<lang>.toml): short
texts written blind, each labelled for one rule: a harmful phrasing the rule should
find and a near-miss it should not; for an absence rule, a text that meets it and one
that only looks as if it does. They are development material, like `dev/`.
"""
from __future__ import annotations

import argparse
import json
import sys
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
SPLITS = ("dev", "test")
# Labelled rules: every rule but the word count (mechanical) and the scenario rule
# (a reply of the corpus answers no exercise scenario).
NOT_LABELLED = ("too-long", "problem-unnamed")


def load(split: str, lang: str, corpus: Path = CORPUS, table: str = "reply") -> list[dict]:
    """A language's replies in a split, or (split "phrases", table "phrase") its phrase bank."""
    path = corpus / split / f"{lang}.toml"
    if not path.exists():
        return []
    return tomllib.loads(path.read_text(encoding="utf-8"))[table]


# A phrase's label, and whether its rule should fire on the phrase alone.
PHRASE_FIRES = {"fires": True, "near-miss": False, "meets": False, "does-not-meet": True}


def phrase_report(checks, phrases: list[dict], lang: str, errors: bool) -> str:
    """Per rule: the phrases it should fire on that it does, and those it should stay
    quiet on that it does (for an absence rule, "fires" means "not met")."""
    by_rule: dict[str, Counter] = {}
    wrong = []
    for phrase in phrases:
        fired = phrase["rule"] in {f.rule for f in checks.check(phrase["text"], lang).findings}
        should = PHRASE_FIRES[phrase["label"]]
        c = by_rule.setdefault(phrase["rule"], Counter())
        c["should" if should else "quiet"] += 1
        c["right_should" if should else "right_quiet"] += fired == should
        if fired != should:
            wrong.append((phrase["id"], phrase["rule"], phrase["label"], phrase["text"]))
    lines = [f"== {lang} · phrases · {len(phrases)}",
             f"   {'rule':<18} {'fires when it should':>22} {'quiet when it should':>22}",
             f"   {'':<18} {'(harm; not met)':>22} {'(near-miss; met)':>22}"]
    order = [r for r in checks.catalogue() if r in by_rule]
    total = Counter()
    for rule in order:
        c = by_rule[rule]
        total.update(c)
        lines.append(f"   {rule:<18} {_ratio(c['right_should'], c['should']):>22} {_ratio(c['right_quiet'], c['quiet']):>22}")
    lines.append(f"   {'all':<18} {_ratio(total['right_should'], total['should']):>22} {_ratio(total['right_quiet'], total['quiet']):>22}")
    if errors:
        lines += [f"   {pid} {rule} ({label}): {text[:200]!r}" for pid, rule, label, text in wrong]
    return "\n".join(lines)


def _ratio(right: int, n: int) -> str:
    return f"{right}/{n} ({right / n:.0%})" if n else "–"


def labelled_rules(checks) -> list[str]:
    return [r for r in checks.catalogue() if r not in NOT_LABELLED]


def score(checks, replies: list[dict], lang: str) -> dict:
    rules = labelled_rules(checks)
    errors = {r for r, meta in checks.catalogue().items() if meta["severity"] == "error"}
    counts = {r: Counter() for r in rules}
    good = bad = good_failed = bad_passed = 0
    wrong = []
    for reply in replies:
        report = checks.check(reply["text"], lang)
        fired = {f.rule for f in report.findings} & set(rules)
        expected = set(reply["fires"])
        for rule in rules:
            key = ("tp" if rule in expected else "fp") if rule in fired else ("fn" if rule in expected else "tn")
            counts[rule][key] += 1
        if expected & errors:
            bad += 1
            bad_passed += report.passed
        else:
            good += 1
            good_failed += not report.passed
        if fired != expected:
            wrong.append((reply["id"], sorted(fired - expected), sorted(expected - fired), reply["text"]))
    total = sum(counts.values(), Counter())
    return {"rules": counts, "micro": total, "good": good, "good_failed": good_failed,
            "bad": bad, "bad_passed": bad_passed, "wrong": wrong, "replies": len(replies)}


def prf(c: Counter) -> tuple[float | None, float | None, float | None]:
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else None
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else None
    f = 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)
    return p, r, f


def _pct(x: float | None) -> str:
    return "   –" if x is None else f"{x:4.2f}"


def report_text(lang: str, split: str, s: dict, presence: set[str]) -> str:
    lines = [f"== {lang} · {split} · {s['replies']} replies"]
    lines.append(f"   {'rule':<18} {'P':>4} {'R':>4} {'F1':>4}   tp  fp  fn")
    for rule, c in s["rules"].items():
        p, r, f = prf(c)
        mark = "*" if rule in presence else " "
        lines.append(f"  {mark}{rule:<18} {_pct(p)} {_pct(r)} {_pct(f)} {c['tp']:>4}{c['fp']:>4}{c['fn']:>4}")
    p, r, f = prf(s["micro"])
    lines.append(f"   {'micro':<18} {_pct(p)} {_pct(r)} {_pct(f)}")
    gf = s["good_failed"] / s["good"] if s["good"] else 0
    bp = s["bad_passed"] / s["bad"] if s["bad"] else 0
    lines.append(f"   good replies failed: {s['good_failed']}/{s['good']} ({gf:.0%})   "
                 f"bad replies passed: {s['bad_passed']}/{s['bad']} ({bp:.0%})")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=(*SPLITS, "all"), default="all")
    parser.add_argument("--lang")
    parser.add_argument("--errors", action="store_true", help="list the replies the checker gets wrong")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="another corpus folder (dev/, test/)")
    parser.add_argument("--ids", help="only replies whose id contains this (e.g. -b2- for the second batch)")
    parser.add_argument("--not-ids", help="leave out replies whose id contains this (a batch kept unseen)")
    parser.add_argument("--phrases", action="store_true", help="measure the phrase banks (tests/corpus/phrases/)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    import checks
    langs = [args.lang] if args.lang else list(checks.LANGUAGES)
    if args.phrases:
        for lang in langs:
            phrases = load("phrases", lang, args.corpus, table="phrase")
            if phrases:
                print(phrase_report(checks, phrases, lang, args.errors) + "\n")
        return 0
    presence = {r for r, m in checks.catalogue().items() if m["kind"] == "presence"} - set(NOT_LABELLED)
    splits = SPLITS if args.split == "all" else (args.split,)
    out = {}
    for split in splits:
        for lang in langs:
            replies = [r for r in load(split, lang, args.corpus) if (not args.ids or args.ids in r["id"])
                       and not (args.not_ids and args.not_ids in r["id"])]
            if not replies:
                continue
            s = score(checks, replies, lang)
            out[f"{lang}/{split}"] = s
            if not args.json:
                print(report_text(lang, split, s, presence))
                real = [r for r in replies if r.get("writer") == "real"]
                if real:
                    r = score(checks, real, lang)
                    p, rc, f = prf(r["micro"])
                    print(f"   of which real published replies: {r['replies']}, micro P {_pct(p)} R {_pct(rc)} F1 {_pct(f)}, "
                          f"good failed {r['good_failed']}/{r['good']}, bad passed {r['bad_passed']}/{r['bad']}")
                if args.errors:
                    for rid, extra, missed, text in s["wrong"]:
                        print(f"   {rid}: fired {extra} missed {missed}\n      {text[:300]!r}")
                print()
    if args.json:
        print(json.dumps({k: {"micro_f1": prf(v["micro"])[2],
                              "good_failed": v["good_failed"] / max(v["good"], 1),
                              "bad_passed": v["bad_passed"] / max(v["bad"], 1),
                              "rules": {r: dict(zip("prf", prf(c))) for r, c in v["rules"].items()}}
                          for k, v in out.items()}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
