"""axe-core (npm, injected by the test) finds no serious or critical violation
on any page in any language, nor on an exercise showing its feedback, in the
light and in the dark colour scheme (each chosen as a reader's system would:
Material follows prefers-color-scheme until the reader picks one)."""
import pytest

from conftest import ROOT
from checks import LANGUAGES

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async () => {
        const result = await axe.run(document, { resultTypes: ['violations'] });
        return result.violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`);
    }""")
    return found


def page_paths(site_dir) -> list[str]:
    paths = []
    for index in sorted(site_dir.rglob("index.html")):
        rel = index.parent.relative_to(site_dir).as_posix()
        if rel.split("/")[0] in ("assets", "search"):
            continue
        paths.append("" if rel == "." else rel + "/")
    return paths


SCHEMES = {"light": "default", "dark": "slate"}


def use_scheme(page, name: str) -> None:
    page.emulate_media(color_scheme=name)


def check_scheme(page, name: str) -> None:
    assert page.get_attribute("body", "data-md-color-scheme") == SCHEMES[name]


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_has_no_serious_violation(page, server, site_dir, lang, scheme):
    paths = [p for p in page_paths(site_dir)
             if (p.split("/")[0] == lang if lang != "en" else p.split("/")[0] not in LANGUAGES)]
    assert paths
    use_scheme(page, scheme)
    problems = {}
    for path in paths:
        page.goto(server.url + path)
        check_scheme(page, scheme)
        found = violations(page)
        if found:
            problems[path] = found
    assert not problems


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_exercise_feedback_has_no_serious_violation(page, server, lang, scheme):
    from test_exercise import EXERCISE, open_exercise, weak_reply, write
    use_scheme(page, scheme)
    open_exercise(page, server, lang)
    check_scheme(page, scheme)
    write(page, weak_reply(lang))
    assert not violations(page)
