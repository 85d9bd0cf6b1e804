"""Translation status: every translation records its English source; when the
English page changes, its translations turn stale (on the status page and on the
page itself, with a link to the English page) until they are marked caught up."""
import html as html_lib
import re
import subprocess
import sys

import pytest

import checks
from checks import LANGUAGES
from conftest import ROOT
from project_copy import build, copy_project

sys.path.insert(0, str(ROOT / "macros"))
import translations  # noqa: E402


def test_every_translation_is_up_to_date_or_reported():
    rows = translations.all_status()
    assert rows
    # this is the release check: nothing stale or missing on main
    behind = [f"docs/{s.lang}/{s.page}.md: {s.state}" for s in rows if s.state in ("stale", "missing")]
    assert not behind, behind


@pytest.fixture(scope="module")
def changed_site(tmp_path_factory):
    """A copy of the project in which an editor changed the English page on apologising."""
    tmp = tmp_path_factory.mktemp("translations")
    project = copy_project(tmp / "project")
    english = project / "docs" / "en" / "say-sorry.md"
    english.write_text(english.read_text(encoding="utf-8") + "\nOne more thought, added by an editor.\n", encoding="utf-8")
    status = subprocess.run([sys.executable, str(project / "macros" / "translations.py"), "status", "--check"],
                            capture_output=True, text=True)
    result = build(project, tmp / "site")
    assert result.returncode == 0, result.stdout + result.stderr
    return project, tmp / "site", status


def test_status_command_lists_the_four_stale_translations(changed_site):
    _, _, status = changed_site
    assert status.returncode == 1
    for lang in ("el", "ar", "et", "he"):
        # the file to change, and the page by its title (the principle's, from the rule data)
        assert f"stale        docs/{lang}/say-sorry.md  (Say sorry and mean it)" in status.stdout


def test_stale_page_tells_its_readers_and_links_to_english(changed_site):
    _, site, _ = changed_site
    for lang in ("el", "ar", "et", "he"):
        html = (site / lang / "say-sorry" / "index.html").read_text(encoding="utf-8")
        assert 'class="admonition warning"' in html and 'href="../../say-sorry/"' in html, lang
    fresh = (site / "el" / "own-it" / "index.html").read_text(encoding="utf-8")
    assert 'class="admonition warning"' not in fresh


def test_status_page_shows_stale(changed_site):
    _, site, _ = changed_site
    html = (site / "translation-status" / "index.html").read_text(encoding="utf-8")
    row = html[html.index('<a href="../say-sorry/">Say sorry and mean it</a>'):].split("</tr>")[0]
    assert row.count("stale") == 4


@pytest.mark.parametrize("lang", ("en",) + translations.TRANSLATIONS)
def test_status_page_names_pages_by_their_titles_in_its_language(site_dir, lang):
    html = (site_dir / ("" if lang == "en" else lang) / "translation-status" / "index.html").read_text(encoding="utf-8")
    table = html[html.index("<table>"):html.index("</table>")]
    titles = [html_lib.unescape(t) for t in re.findall(r"<tr>\s*<td><a [^>]*>([^<]*)</a>", table)]
    assert len(titles) == len(translations.pages())
    principle = checks.language(lang).principles["say-sorry"]
    home = re.search(r"^# (.+)$", (ROOT / "docs" / lang / "index.md").read_text(encoding="utf-8"), re.M).group(1)
    assert principle in titles and home in titles, titles
    assert "Editor's guide" in titles  # English only: its English title, marked as English
    assert not set(titles) & set(translations.pages()), titles  # no file names


def test_marking_catches_up(changed_site):
    project, _, _ = changed_site
    script = str(project / "macros" / "translations.py")
    subprocess.run([sys.executable, script, "mark", "el", "say-sorry"], check=True, capture_output=True)
    status = subprocess.run([sys.executable, script, "status", "--lang", "el", "--check"], capture_output=True, text=True)
    assert status.returncode == 0 and "docs/el/say-sorry.md" not in status.stdout
    front = (project / "docs" / "el" / "say-sorry.md").read_text(encoding="utf-8").split("---")[1]
    assert "source_hash:" in front


def test_pages_show_when_they_were_last_updated(site_dir):
    for lang in LANGUAGES:
        html = (site_dir / ("" if lang == "en" else lang) / "say-sorry" / "index.html").read_text(encoding="utf-8")
        footer = html[html.index('<aside class="md-source-file">'):]
        assert re.search(r"md-source-file__fact.*?\d{4}-\d{2}-\d{2}", footer, re.S), lang
