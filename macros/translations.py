"""Translation status: which translated pages are up to date with their English
source, which are stale, and which are missing.

Each translated page records, in its front matter, the hash of the English file
it translates (`source_hash`). When the English page changes, its hash changes and
the translation shows as stale until a translator catches it up and marks it.

    python macros/translations.py status [--lang el] [--check]   what needs translating
                                   (each page with its English title)
    python macros/translations.py mark el say-sorry [own-it ...]   mark as caught up
    python macros/translations.py mark el --all
"""
from __future__ import annotations

import argparse
import hashlib
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SOURCE = "en"
TRANSLATIONS = ("el", "ar", "et", "he")
_FRONT_MATTER = re.compile(r"\A---\n(.*?\n)---\n", re.S)
_HASH_LINE = re.compile(r"^source_hash:[ \t]*(\S+)[ \t]*$", re.M)


@dataclass(frozen=True)
class Status:
    page: str      # slug, e.g. "say-sorry"
    lang: str
    state: str     # "up to date" | "stale" | "missing" | "english only"


def source_hash(page: str) -> str:
    """Short hash of the English page's file, as a translation records it."""
    return hashlib.sha256((DOCS / SOURCE / f"{page}.md").read_bytes()).hexdigest()[:12]


def front_matter(text: str) -> str:
    match = _FRONT_MATTER.match(text)
    return match.group(1) if match else ""


def recorded_hash(text: str) -> str | None:
    match = _HASH_LINE.search(front_matter(text))
    return match.group(1) if match else None


def english_only(page: str) -> bool:
    return re.search(r"^english_only:\s*true\s*$", front_matter(
        (DOCS / SOURCE / f"{page}.md").read_text(encoding="utf-8")), re.M) is not None


# A principle page's heading is this macro: its title is in the rule data (site_build.py)
PRINCIPLE_TITLE = "{{ principle_title() }}"
_HEADING = re.compile(r"^#[ \t]+(.+?)[ \t]*$", re.M)


def title(page: str, lang: str = SOURCE) -> str:
    """The page's title as its readers in that language see it: its first heading, or,
    on a principle page, its title in checks/rules/<lang>.toml [principles]. A page
    that is not translated (or English only) is read in English, as it is served."""
    path = DOCS / lang / f"{page}.md"
    if not path.exists():
        path, lang = DOCS / SOURCE / f"{page}.md", SOURCE
    text = path.read_text(encoding="utf-8")
    match = _FRONT_MATTER.match(text)
    heading = _HEADING.search(text, match.end() if match else 0)
    if heading is None:
        return page
    if heading.group(1) == PRINCIPLE_TITLE:
        rules = tomllib.loads((ROOT / "checks" / "rules" / f"{lang}.toml").read_text(encoding="utf-8"))
        return rules["principles"][page]
    return heading.group(1)


def pages() -> list[str]:
    return sorted(p.stem for p in (DOCS / SOURCE).glob("*.md"))


def page_status(page: str, lang: str) -> Status:
    if english_only(page):
        return Status(page, lang, "english only")
    path = DOCS / lang / f"{page}.md"
    if not path.exists():
        return Status(page, lang, "missing")
    recorded = recorded_hash(path.read_text(encoding="utf-8"))
    return Status(page, lang, "up to date" if recorded == source_hash(page) else "stale")


def all_status(langs=TRANSLATIONS) -> list[Status]:
    return [page_status(page, lang) for page in pages() for lang in langs]


def mark(lang: str, page: str) -> None:
    """Record in the translation that it matches the current English page."""
    path = DOCS / lang / f"{page}.md"
    if not path.exists():
        raise SystemExit(f"translations: docs/{lang}/{page}.md does not exist: translate it first")
    text = path.read_text(encoding="utf-8")
    line = f"source_hash: {source_hash(page)}"
    match = _FRONT_MATTER.match(text)
    if match is None:
        text = f"---\n{line}\n---\n" + text
    elif _HASH_LINE.search(match.group(1)):
        text = text[:match.start(1)] + _HASH_LINE.sub(line, match.group(1)) + text[match.end(1):]
    else:
        text = text[:match.end(1)] + line + "\n" + text[match.end(1):]
    path.write_text(text, encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python macros/translations.py", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    status = sub.add_parser("status", help="list pages whose translation is stale or missing")
    status.add_argument("--lang", choices=TRANSLATIONS)
    status.add_argument("--check", action="store_true", help="exit 1 when anything needs translating")
    status.add_argument("--all", action="store_true", help="also list pages that are up to date")
    marker = sub.add_parser("mark", help="mark translations as caught up with the English page")
    marker.add_argument("lang", choices=TRANSLATIONS)
    marker.add_argument("pages", nargs="*")
    marker.add_argument("--all", action="store_true", help="every page that exists in that language")
    args = parser.parse_args(argv)
    if args.command == "mark":
        chosen = [p for p in pages() if (DOCS / args.lang / f"{p}.md").exists()] if args.all else args.pages
        if not chosen:
            parser.error("name the pages to mark, or use --all")
        unknown = [p for p in chosen if p not in pages()]
        if unknown:
            parser.error(f"no English page docs/en/{unknown[0]}.md")
        for page in chosen:
            mark(args.lang, page)
            print(f"marked docs/{args.lang}/{page}.md as translating docs/en/{page}.md ({source_hash(page)})")
        return 0
    rows = all_status((args.lang,) if args.lang else TRANSLATIONS)
    todo = [s for s in rows if s.state in ("stale", "missing")]
    for s in rows if args.all else todo:
        print(f"{s.state:12} docs/{s.lang}/{s.page}.md  ({title(s.page)})")
    print(f"{len(todo)} of {len([s for s in rows if s.state != 'english only'])} translations need work")
    return 1 if args.check and todo else 0


if __name__ == "__main__":
    sys.exit(main())
