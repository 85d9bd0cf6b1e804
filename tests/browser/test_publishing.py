"""What a host must do, tested: the site works from a sub-path (/handbook/),
its language switcher too, and the nginx configuration in the editor's guide
serves .wasm as application/wasm, caches the runtime for a year, serves the
exercise, the 404 page and the Content-Security-Policy, under which the site,
an exercise and search work with no violation."""
import html as html_lib
import json
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request

import pytest

import checks
from checks import LANGUAGES
from conftest import ROOT
from nginx_server import GuideNginx
from project_copy import build as build_project
from project_copy import copy_project
from site_server import SiteServer, build_site
from test_exercise import weak_reply

EXERCISE = '.exercise[data-exercise="plums"]'
NGINX = "http://127.0.0.1:18080/handbook/"
# The policy of issue 12, which the editor's guide documents and its nginx block sends.
CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; worker-src 'self'; "
       "style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
       "frame-ancestors 'none'")


def home(lang):
    return "" if lang == "en" else f"{lang}/"


def switcher(page):
    return dict(page.eval_on_selector_all(".md-select__link[hreflang]", "as => as.map(a => [a.hreflang, a.href])"))


def check_switcher_on_home_pages(page, url):
    """On every home page each switcher link leads to that language's home page."""
    for lang in LANGUAGES:
        page.goto(url + home(lang))
        assert switcher(page) == {other: url + home(other) for other in LANGUAGES}, lang
    page.goto(url + home("el"))
    page.locator(".md-header__option .md-select").hover()
    page.locator('.md-select__link[hreflang="he"]').click()
    page.wait_for_url(url + home("he"))
    assert page.get_attribute("html", "lang") == "he"


def run_exercise(page, url, lang):
    page.goto(url)
    page.locator(f"{EXERCISE} textarea").fill(weak_reply(lang))
    page.wait_for_selector(f'{EXERCISE}[data-state="done"]', timeout=90_000)
    return page.eval_on_selector_all("[data-rule]", "els => els.map(e => e.dataset.rule)")


def test_site_works_under_a_sub_path(page, site_dir):
    with SiteServer(site_dir, prefix="/handbook/") as server:
        principle = checks.scenario("plums").principle
        rules = run_exercise(page, f"{server.url}he/{principle}/", "he")
        assert "apology-but" in rules
        page.goto(server.url + "el/")
        css = page.eval_on_selector("link[rel=stylesheet]", "l => l.sheet !== null")
        assert css
        check_switcher_on_home_pages(page, server.url)
        outside = [url for url in page.requests if url.startswith("http") and not url.startswith(server.url)]
        assert not outside, outside


def test_language_switcher_works_at_the_root(page, server):
    check_switcher_on_home_pages(page, server.url)


def nginx_config() -> str:
    guide = (ROOT / "docs" / "en" / "editors.md").read_text(encoding="utf-8")
    return re.search(r"```nginx\n(.*?)```", guide, re.S).group(1)


@pytest.fixture(scope="module")
def published_dir(tmp_path_factory):
    """The site built as the guide says to publish it under /handbook/."""
    return build_site(tmp_path_factory.mktemp("published") / "site", site_url=NGINX)


@pytest.fixture(scope="module")
def nginx(published_dir, tmp_path_factory):
    site_dir = published_dir
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not shutil.os.path.exists(binary):
        pytest.fail("nginx is missing: `make test` installs Debian's nginx-light")
    tmp = tmp_path_factory.mktemp("nginx")
    server_block = (nginx_config().replace("/srv/handbook/", f"{site_dir}/").replace("listen 8080", "listen 127.0.0.1:18080"))
    (tmp / "nginx.conf").write_text(
        f"daemon off;\nuser root;\npid {tmp}/nginx.pid;\nerror_log {tmp}/error.log;\nevents {{}}\n"
        f"http {{\naccess_log off;\nclient_body_temp_path {tmp}/body;\nproxy_temp_path {tmp}/proxy;\n"
        f"fastcgi_temp_path {tmp}/fastcgi;\nuwsgi_temp_path {tmp}/uwsgi;\nscgi_temp_path {tmp}/scgi;\n"
        f"{server_block}\n}}\n", encoding="utf-8")
    process = subprocess.Popen([binary, "-c", str(tmp / "nginx.conf"), "-p", str(tmp)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    for _ in range(50):
        try:
            urllib.request.urlopen(NGINX, timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    yield NGINX
    process.terminate()
    process.wait(timeout=10)


def served_runtime(site_dir):
    """The runtime files an exercise page references (data-runtime), as site paths."""
    html = (site_dir / checks.scenario("plums").principle / "index.html").read_text(encoding="utf-8")
    return json.loads(html_lib.unescape(re.search(r'data-runtime="([^"]*)"', html).group(1)))


def test_nginx_serves_wasm_and_caches_only_hashed_files_for_ever(nginx, published_dir):
    files = served_runtime(published_dir)
    with urllib.request.urlopen(nginx + files["index"] + "pyodide.asm.wasm") as response:
        assert response.headers["Content-Type"] == "application/wasm"
        assert "immutable" in response.headers["Cache-Control"]
    for path in (files["lock"], files["stdlib"]):
        with urllib.request.urlopen(nginx + path) as response:
            assert "immutable" in response.headers["Cache-Control"], path
    # what keeps its name from one publish to the next is revalidated on every use
    for path in ("el/say-sorry/", "assets/javascripts/exercise.js", "service-worker.js"):
        with urllib.request.urlopen(nginx + path) as response:
            assert response.headers["Cache-Control"] == "no-cache", path
            assert "immutable" not in response.headers["Cache-Control"], path
    with urllib.request.urlopen(nginx + "el/say-sorry/") as response:
        assert response.headers["Content-Type"].startswith("text/html")
    # the precompressed copy, as gzip_static serves it
    request = urllib.request.Request(nginx + files["index"] + "pyodide.asm.wasm", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        assert len(response.read()) < 0.5 * (published_dir / files["index"] / "pyodide.asm.wasm").stat().st_size


def feedback_message(page, rule):
    return page.locator(f'{EXERCISE} .exercise__feedback [data-rule="{rule}"]').first.text_content()


def test_a_publish_reaches_a_returning_learner_under_the_guides_cache_headers(page, tmp_path):
    """nginx with the guide's headers (the runtime cached for a year, immutable): a
    learner checks a reply; the editors change a rule message and publish; the
    learner reloads once and gets the new message, from a new checker wheel."""
    project = copy_project(tmp_path / "project")
    site = tmp_path / "site"
    result = build_project(project, site)
    assert result.returncode == 0, result.stdout + result.stderr
    before = served_runtime(site)
    url_of = f"{checks.scenario('plums').principle}/"
    with GuideNginx(site, tmp_path / "nginx") as nginx:
        assert "apology-but" in run_exercise(page, nginx + url_of, "en")
        old = feedback_message(page, "apology-but")
        assert "End the apology where it ends." in old
        rules = project / "checks" / "rules" / "en.toml"
        text = rules.read_text(encoding="utf-8")
        assert text.count("End the apology where it ends.") == 1
        rules.write_text(text.replace("End the apology where it ends.", "Stop the apology at the full stop."),
                         encoding="utf-8")
        result = build_project(project, site)  # published in place, as a host's copy would be
        assert result.returncode == 0, result.stdout + result.stderr
        after = served_runtime(site)
        assert after["lock"] != before["lock"] and after["index"] == before["index"]  # only what changed moved
        page.reload()
        page.locator(f"{EXERCISE} textarea").fill(weak_reply("en"))
        page.wait_for_selector(f'{EXERCISE}[data-state="done"]', timeout=90_000)
        new = feedback_message(page, "apology-but")
        assert "Stop the apology at the full stop." in new and "End the apology where it ends." not in new
        assert not page.errors


def test_nginx_serves_a_working_exercise(page, nginx):
    principle = checks.scenario("plums").principle
    assert "apology-but" in run_exercise(page, f"{nginx}ar/{principle}/", "ar")


def test_nginx_serves_the_switcher_and_the_404_page_under_the_sub_path(page, nginx):
    check_switcher_on_home_pages(page, nginx)
    failed = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 and r.request.resource_type != "document" else None)
    response = page.goto(nginx + "el/no-such-page/deeper/")
    assert response.status == 404
    assert page.get_attribute("html", "lang") == "en" and page.get_attribute("body", "dir") == "ltr"
    sheets = page.eval_on_selector_all("link[rel=stylesheet]", "ls => ls.map(l => l.sheet !== null)")
    assert sheets and all(sheets)  # styled: every stylesheet loaded from the sub-path
    assert page.eval_on_selector(".md-header", "h => getComputedStyle(h).position") == "sticky"
    page.wait_for_load_state("networkidle")
    # Material probes a sitemap.xml beside every <link rel="alternate"> (for
    # versioned sites); only the root has one, and a missing one changes nothing.
    assert not [url for url in failed if not url.endswith("/sitemap.xml")], failed
    links = dict(page.eval_on_selector_all(".md-content li[lang] a[hreflang]", "as => as.map(a => [a.hreflang, a.href])"))
    assert links == {lang: nginx + home(lang) for lang in LANGUAGES}
    assert switcher(page) == links
    for lang, href in links.items():
        assert page.locator(f'.md-content li[lang="{lang}"]').get_attribute("dir") == ("rtl" if lang in ("ar", "he") else "ltr")
        with urllib.request.urlopen(href) as home_page:
            assert f'<html lang="{lang}"'.encode() in home_page.read()


def guide_csp() -> str:
    guide = (ROOT / "docs" / "en" / "editors.md").read_text(encoding="utf-8")
    return re.search(r"```text\n(default-src.*?)\n```", guide, re.S).group(1)


def test_nginx_sends_the_csp_and_nothing_violates_it(page, nginx):
    assert guide_csp() == CSP
    for path in ("", "ar/", "assets/javascripts/exercise-worker.js", "no-such-page/"):
        try:
            response = urllib.request.urlopen(nginx + path)
        except urllib.error.HTTPError as error:
            response = error
        assert response.headers["Content-Security-Policy"] == CSP, path
    page.add_init_script("""window.__violations = [];
        document.addEventListener("securitypolicyviolation",
            e => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));""")
    console = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    principle = checks.scenario("plums").principle
    # An exercise checks a reply (Pyodide: WebAssembly in a worker) ...
    assert "apology-but" in run_exercise(page, f"{nginx}ar/{principle}/", "ar")
    # ... and search finds pages (its own worker, the per-language index).
    page.locator(".md-search__input").click()
    title = checks.language("ar").principles[principle]
    page.locator(".md-search__input").fill(max(title.replace("،", " ").split(), key=len))
    page.keyboard.press("End")
    page.wait_for_selector(".md-search-result__item", timeout=20_000)
    violations = page.evaluate("window.__violations")
    page.goto(nginx + "no-such-page/")
    violations += page.evaluate("window.__violations")
    assert not violations, violations
    assert not [text for text in console if "Content Security Policy" in text or "Refused to" in text], console
    assert not page.errors, page.errors
