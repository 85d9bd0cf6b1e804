"""What a host must do, tested: the site works from a sub-path (/handbook/),
and the nginx configuration in the editor's guide serves .wasm as
application/wasm, caches the runtime for a year, and serves the exercise."""
import re
import shutil
import subprocess
import time
import urllib.request

import pytest

import checks
from conftest import ROOT
from site_server import SiteServer
from test_exercise import weak_reply

EXERCISE = '.exercise[data-exercise="plums"]'


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
        outside = [url for url in page.requests if url.startswith("http") and not url.startswith(server.url)]
        assert all(url.startswith(server.origin) for url in outside)
        # The only requests outside the sub-path: Material probing each language's
        # sitemap.xml at the root-absolute <link rel="alternate"> that static-i18n
        # writes (they 404 and change nothing: the switcher's links are relative).
        assert all(url.endswith("/sitemap.xml") for url in outside), outside


def nginx_config() -> str:
    guide = (ROOT / "docs" / "en" / "editors.md").read_text(encoding="utf-8")
    return re.search(r"```nginx\n(.*?)```", guide, re.S).group(1)


@pytest.fixture(scope="module")
def nginx(site_dir, tmp_path_factory):
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
            urllib.request.urlopen("http://127.0.0.1:18080/handbook/", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    yield "http://127.0.0.1:18080/handbook/"
    process.terminate()
    process.wait(timeout=10)


def test_nginx_serves_wasm_and_caches_the_runtime(nginx):
    with urllib.request.urlopen(nginx + "assets/pyodide/pyodide.asm.wasm") as response:
        assert response.headers["Content-Type"] == "application/wasm"
        assert "max-age=31536000" in response.headers["Cache-Control"]
    with urllib.request.urlopen(nginx + "el/say-sorry/") as response:
        assert response.headers["Content-Type"].startswith("text/html")


def test_nginx_serves_a_working_exercise(page, nginx):
    principle = checks.scenario("plums").principle
    assert "apology-but" in run_exercise(page, f"{nginx}ar/{principle}/", "ar")
