"""The service worker (site root: service-worker.js) that keeps, once a learner has
used an exercise, the runtime and that language's pages: later exercise pages
start from the memory snapshot, and the handbook works offline (see
macros/service-worker.js for what it does with them).

It is written from macros/service-worker.js with the build's list of files
(PRECACHE): the runtime (runtime.py), each language's memory snapshot, the
site's assets and each language's pages. Its `version` hashes every listed file's
content, so a publish that changes any of them changes the service worker, which
browsers then install in place of the old one.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import runtime

TEMPLATE = Path(__file__).with_name("service-worker.js")
FILE_NAME = "service-worker.js"
SKIPPED = (".gz", ".br", ".map")


def _site_files(site_dir: Path):
    for path in sorted(site_dir.rglob("*")):
        if path.is_file() and path.suffix not in SKIPPED:
            yield path.relative_to(site_dir).as_posix(), path


def _page_url(rel: str) -> str:
    """The address a page is visited at: its folder ("el/say-sorry/"), "./" for the home page."""
    if rel == "index.html":
        return "./"
    return rel[: -len("index.html")] if rel.endswith("/index.html") else rel


def precache_list(site_dir: Path, languages: list[str], default: str, built: runtime.Runtime) -> dict:
    others = [lang for lang in languages if lang != default]
    # Snapshots and rule copies are per language: kept only for the learner's.
    runtime_files = [f"{runtime.SITE_FOLDER}/{p}" for p in built.files
                     if not p.rsplit("/", 1)[-1].startswith(("snapshot-", "rules-"))]
    shared, pages = [], {lang: [] for lang in languages}
    for rel, path in _site_files(site_dir):
        top = rel.split("/", 1)[0]
        if rel.startswith(f"{runtime.SITE_FOLDER}/") or rel == FILE_NAME or rel.startswith("sitemap.xml"):
            continue
        if top == "assets":
            shared.append(rel)
            # The search's worker as pages start it (overrides/main.html): kept under that
            # very address, because a worker takes its location, query and all, from the
            # response, and reads Material's worker file from the query.
            if re.fullmatch(r"assets/javascripts/workers/search\.[0-9a-f]+\.min\.js", rel):
                shared.append(f"assets/javascripts/workers/search-analysis.js?material={rel.rsplit('/', 1)[1]}")
        elif rel == "404.html":
            shared.append(rel)
        else:
            pages[top if top in others else default].append(_page_url(rel))
    version = hashlib.sha256()
    for rel, path in _site_files(site_dir):
        if rel.startswith(f"{runtime.SITE_FOLDER}/"):
            version.update(rel.encode() + b"\0")  # the name is the content's hash
        elif rel != FILE_NAME:
            version.update(rel.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return {"version": version.hexdigest()[:runtime.HASH_CHARS], "runtime": runtime_files,
            "snapshots": built.manifest.get("snapshots", {}), "rules": built.manifest.get("rules", {}),
            "shared": shared, "pages": pages}


def write_service_worker(site_dir: Path, languages: list[str], default: str, built: runtime.Runtime) -> dict:
    precache = precache_list(site_dir, languages, default, built)
    text = TEMPLATE.read_text(encoding="utf-8").replace(
        "/* global PRECACHE */", "const PRECACHE = " + json.dumps(precache, separators=(",", ":")) + ";", 1)
    (site_dir / FILE_NAME).write_text(text, encoding="utf-8")
    return precache
