"""How much of the handbook's text runs word for word with the seed articles.

The handbook teaches the ideas of four source articles (machine translations into
el, ar, et, he; `shared/spec/handbook-content.md`) in its own words. This measures
the share of the handbook's 8-word runs (pages, scenarios, rule messages, UI
strings; folded as the checker folds text) that also occur in a seed.

The seeds are not part of this repository: `tests/data/seed-runs.txt` holds only a
short hash of each of their 8-word runs, enough to measure the overlap without
copying their text. Regenerate it when the seeds change:

    .venv/bin/python tests/seed_overlap.py --seeds ../shared/seeds --write

and print the figures per language:

    .venv/bin/python tests/seed_overlap.py
"""
from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from checks import LANGUAGES  # noqa: E402
from checks.normalize import fold  # noqa: E402

RUN = 8
RUNS_FILE = ROOT / "tests" / "data" / "seed-runs.txt"
_WORD = re.compile(r"\w+")
_MARKUP = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|<[^>]+>|\{[#.:][^}]*\}|`[^`]*`|\]\([^)]*\)")


def words(text: str) -> list[str]:
    return _WORD.findall(fold(_MARKUP.sub(" ", text)))


def run_hashes(text: str) -> set[str]:
    """Each 8-word run of a text, as a short hash (64 bits: no collisions at this size)."""
    ws = words(text)
    return {hashlib.blake2b(" ".join(ws[i:i + RUN]).encode(), digest_size=8).hexdigest()
            for i in range(len(ws) - RUN + 1)}


def handbook_texts(lang: str) -> dict[str, str]:
    """Everything a reader of that language sees that the team wrote: the pages
    (front matter dropped), the scenarios' [lang] tables, rule data and UI strings."""
    import tomllib
    texts = {}
    for page in sorted((ROOT / "docs" / lang).glob("*.md")):
        body = page.read_text(encoding="utf-8")
        if body.startswith("---"):
            body = body.split("---", 2)[2]
        texts[str(page.relative_to(ROOT))] = body
    for path in sorted((ROOT / "checks" / "scenarios").glob("*.toml")):
        table = tomllib.loads(path.read_text(encoding="utf-8")).get(lang, {})
        texts[f"{path.relative_to(ROOT)} [{lang}]"] = "\n".join(
            v if isinstance(v, str) else "\n".join(x for x in v if isinstance(x, str)) for v in table.values())
    rules = tomllib.loads((ROOT / "checks" / "rules" / f"{lang}.toml").read_text(encoding="utf-8"))
    texts[f"checks/rules/{lang}.toml"] = "\n".join(
        [r.get("title", "") + "\n" + r.get("message", "") for r in rules.get("rules", {}).values()]
        + list(rules.get("principles", {}).values()))
    strings = tomllib.loads((ROOT / "macros" / "strings.toml").read_text(encoding="utf-8")).get(lang, {})
    texts[f"macros/strings.toml [{lang}]"] = "\n".join(v for v in strings.values() if isinstance(v, str))
    return texts


def seed_runs() -> set[str]:
    return set(RUNS_FILE.read_text(encoding="utf-8").split())


def overlap(lang: str, seeds: set[str]) -> tuple[int, int, dict[str, int]]:
    """(runs shared with a seed, all runs, shared runs per file) for one language."""
    shared, total, per_file = 0, 0, {}
    for name, text in handbook_texts(lang).items():
        runs = run_hashes(text)
        hit = len(runs & seeds)
        shared, total = shared + hit, total + len(runs)
        if hit:
            per_file[name] = hit
    return shared, total, per_file


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=Path, help="the folder of seed articles (.txt)")
    parser.add_argument("--write", action="store_true", help=f"write {RUNS_FILE.relative_to(ROOT)} from --seeds")
    args = parser.parse_args(argv)
    if args.write:
        if not args.seeds or not args.seeds.is_dir():
            parser.error("--write needs --seeds FOLDER")
        runs = set()
        for seed in sorted(args.seeds.glob("*.txt")):
            runs |= run_hashes(seed.read_text(encoding="utf-8"))
        RUNS_FILE.parent.mkdir(parents=True, exist_ok=True)
        RUNS_FILE.write_text("\n".join(sorted(runs)) + "\n", encoding="utf-8")
        print(f"{len(runs)} runs of {RUN} words from {args.seeds}")
        return 0
    seeds = seed_runs()
    for lang in LANGUAGES:
        shared, total, per_file = overlap(lang, seeds)
        print(f"{lang}: {shared} of {total} {RUN}-word runs ({shared / max(total, 1):.2%}) also in a seed")
        for name, hit in sorted(per_file.items(), key=lambda kv: -kv[1]):
            print(f"    {hit:4d}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
