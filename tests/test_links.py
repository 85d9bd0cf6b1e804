"""Every internal link and anchor in the built site resolves, in every language
(including links the macros write as raw HTML, which MkDocs does not validate)."""
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlparse


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.links = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        for key in ("href", "src"):
            if attrs.get(key) and not (tag == "link" and attrs.get("rel") in ("canonical", "alternate")):
                self.links.append(attrs[key])


def parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


def target_file(site_dir: Path, url_path: str) -> Path:
    path = site_dir / unquote(url_path).lstrip("/")
    return path / "index.html" if url_path.endswith("/") or path.is_dir() else path


def test_every_internal_link_and_anchor_resolves(site_dir):
    base = "http://site.invalid/"
    pages = sorted(site_dir.rglob("*.html"))
    parsed = {p: parse(p) for p in pages}
    broken = []
    for page, found in parsed.items():
        page_url = base + page.relative_to(site_dir).as_posix()
        for link in found.links:
            if link.startswith(("mailto:", "data:", "javascript:")):
                continue
            url, fragment = urldefrag(urljoin(page_url, link))
            if not url.startswith(base):
                continue  # external links are not this check's business
            target = target_file(site_dir, urlparse(url).path)
            if not target.exists():
                broken.append(f"{page.relative_to(site_dir)}: {link} (no {target.relative_to(site_dir)})")
            elif fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else parse(target).ids
                if unquote(fragment) not in ids:
                    broken.append(f"{page.relative_to(site_dir)}: {link} (no #{fragment})")
    assert not broken, "\n".join(broken[:30])
