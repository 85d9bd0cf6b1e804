"""pytest fixtures shared by the browser tests: the built site, a server, and
headless Chromium (Debian's, driven by Playwright with its executable path)."""
import os
from pathlib import Path

import pytest

from site_server import CHROMIUM, CHROMIUM_ARGS, SiteServer, build_site


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory) -> Path:
    return build_site(tmp_path_factory.mktemp("site") / "site")


@pytest.fixture(scope="session")
def server(site_dir):
    with SiteServer(site_dir) as running:
        yield running


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    """A fresh browser context (empty cache and storage) that records every request."""
    context = browser.new_context()
    pg = context.new_page()
    pg.requests = []
    pg.errors = []
    context.on("request", lambda request: pg.requests.append(request.url))
    pg.on("pageerror", lambda error: pg.errors.append(str(error)))
    yield pg
    context.close()
