"""An editor's mistake stops the build with a message that says where: an unknown
scenario in a page, a bad rule pattern, a broken scenario file, a broken link; an
empty or blank rule message or title, HTML in a message, a pattern that would take
exponential time, the same exercise twice on one page, an exercise on a page other
than its scenario's, a page with no translation,
a missing UI string, a root-absolute link written as raw HTML.

Each test breaks its own copy of the project; these mistakes stop the build before
or at the first page that meets them, so a failing build takes a second or two."""
import re

import pytest

from project_copy import build, copy_project


@pytest.fixture
def project(tmp_path):
    return copy_project(tmp_path / "project")


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(path, text):
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def failed(project, tmp_path) -> str:
    result = build(project, tmp_path / "out")
    assert result.returncode != 0, "the build should have failed"
    return result.stdout + result.stderr


def test_unknown_scenario_names_the_page(project, tmp_path):
    append(project / "docs" / "el" / "own-it.md", '\n{{ exercise("no-such-story") }}\n')
    out = failed(project, tmp_path)
    assert "el/own-it.md: exercise('no-such-story'): there is no scenario 'no-such-story'" in out


def test_bad_rule_pattern_names_file_line_and_rule(project, tmp_path):
    path = project / "checks" / "rules" / "he.toml"
    text = path.read_text(encoding="utf-8")
    at = text.index("patterns = [", text.index("[rules.refusal]"))
    path.write_text(text[:at] + "patterns = ['(unclosed', " + text[at + len("patterns = ["):], encoding="utf-8")
    out = failed(project, tmp_path)
    line = next(n for n, l in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "(unclosed" in l)
    assert f"rules/he.toml:{line}: rule 'refusal': bad pattern '(unclosed': a '(' is not closed" in out


def test_scenario_missing_a_field_names_file_and_language(project, tmp_path):
    edit(project / "checks" / "scenarios" / "plums.toml", "[et]\ntitle =", "[et]\ntitel =")
    out = failed(project, tmp_path)
    line = (project / "checks" / "scenarios" / "plums.toml").read_text(encoding="utf-8").splitlines().index("[et]") + 1
    assert f"scenarios/plums.toml:{line}: [et]: 'title' is missing" in out


def test_broken_link_and_anchor_name_the_page(project, tmp_path):
    append(project / "docs" / "en" / "follow-up.md", "\nSee [nothing](no-such-page.md) and [this](say-sorry.md#no-anchor).\n")
    out = failed(project, tmp_path)
    assert "en/follow-up.md" in out and "no-such-page.md" in out


def rule_line(path, rule_id, key):
    """The line of `key = ` in a rule's table, and that line's text."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index(f"[rules.{rule_id}]")
    number = next(n for n in range(start, len(lines)) if lines[n].startswith(f"{key} = "))
    return number + 1, lines[number]


def set_value(path, rule_id, key, value):
    """Give a rule's one-line `key = "..."` a new value; returns the table's line."""
    number, line = rule_line(path, rule_id, key)
    assert re.fullmatch(rf'{key} = "(?:[^"\\]|\\.)*"', line), line   # a one-line string we can replace
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[number - 1] = f"{key} = {value}"
    path.write_text("\n".join(lines), encoding="utf-8")
    return lines.index(f"[rules.{rule_id}]") + 1


def test_empty_rule_message_stops_the_build(project, tmp_path):
    table = set_value(project / "checks" / "rules" / "he.toml", "refusal", "message", '""')
    out = failed(project, tmp_path)
    assert f"checks/rules/he.toml:{table}: rule 'refusal': 'message' is empty" in out, out[-3000:]


def test_blank_rule_title_stops_the_build(project, tmp_path):
    table = set_value(project / "checks" / "rules" / "el.toml", "excuse", "title", '"   "')
    out = failed(project, tmp_path)
    assert f"checks/rules/el.toml:{table}: rule 'excuse': 'title' is empty" in out, out[-3000:]


def test_html_in_a_rule_message_stops_the_build(project, tmp_path):
    path = project / "checks" / "rules" / "en.toml"
    set_value(path, "apology-missing", "message", '"Say sorry <img src=x onmouseover=alert(1)> now."')
    line, _ = rule_line(path, "apology-missing", "message")
    out = failed(project, tmp_path)
    assert (f"checks/rules/en.toml:{line}: rule 'apology-missing': 'message' contains HTML "
            "('<img src=x onmouseov')") in out, out[-3000:]


@pytest.mark.parametrize("pattern,reason", [
    # the audit's pattern: raw regular expressions are not pattern syntax at all
    (r"(?:\w+\s?)+[#@]", "unexpected '?'"),
    # a repeat inside a repeat
    ("(sorry _{0,9}){0,9}", "a repeat inside a repeat"),
    # alternatives that read the same token, repeated: 2^60 ways to fail
    ("(sorry|@apology){0,60} sorry", "a repeat over alternatives that can read the same tokens in 1,152,921,504,606,846,976 ways"),
])
def test_catastrophic_pattern_stops_the_build(project, tmp_path, pattern, reason):
    path = project / "checks" / "rules" / "en.toml"
    edit(path, 'patterns = ["@apology[!neg]"]', f"patterns = ['{pattern}']")
    line = next(n for n, l in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if pattern in l)
    out = failed(project, tmp_path)
    shown = pattern.replace("\\", "\\\\")   # repr() doubles backslashes
    assert f"checks/rules/en.toml:{line}: rule 'apology-missing': bad pattern '{shown}': {reason}" in out, out[-3000:]


def test_the_same_exercise_twice_on_a_page_stops_the_build(project, tmp_path):
    page = project / "docs" / "el" / "last-word.md"
    assert '{{ exercise("plums") }}' in page.read_text(encoding="utf-8")
    append(page, '\n{{ exercise("plums") }}\n')
    out = failed(project, tmp_path)
    assert "el/last-word.md: exercise('plums') is on this page twice" in out, out[-3000:]


def test_an_exercise_on_another_principle_page_stops_the_build(project, tmp_path):
    # two pages sharing an exercise would share its draft, and "All exercises" links one
    append(project / "docs" / "he" / "follow-up.md", '\n{{ exercise("faulty-cd") }}\n')
    out = failed(project, tmp_path)
    assert "he/follow-up.md: exercise('faulty-cd') belongs on ask-and-fix.md" in out, out[-3000:]


def test_a_missing_translation_stops_the_build(project, tmp_path):
    (project / "docs" / "he" / "own-it.md").unlink()
    out = failed(project, tmp_path)
    assert "docs/he/own-it.md is missing: translate docs/en/own-it.md into he (עברית;" in out, out[-3000:]


def test_a_missing_ui_string_names_the_file_and_language(project, tmp_path):
    path = project / "macros" / "strings.toml"
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index("[ar]")
    retry = next(n for n in range(start, len(lines)) if lines[n].startswith("retry = "))
    del lines[retry]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = failed(project, tmp_path)
    assert f"macros/strings.toml:{start + 1}: [ar] lacks retry" in out, out[-3000:]
    assert "KeyError" not in out


def test_a_root_absolute_raw_html_link_stops_the_build(project, tmp_path):
    append(project / "docs" / "he" / "follow-up.md", '\n<a href="/he/say-sorry/">סליחה</a>\n')
    out = failed(project, tmp_path)
    assert "docs/he/follow-up.md" in out and "breaks when the site is served under a sub-path" in out


def test_a_principle_title_written_on_the_page_stops_the_build(project, tmp_path):
    # its title lives in the rule data, which the widget uses: two copies would drift
    page = project / "docs" / "et" / "own-it.md"
    edit(page, "# {{ principle_title() }}", "# Võta vastutus")
    out = failed(project, tmp_path)
    line = page.read_text(encoding="utf-8").splitlines().index("# Võta vastutus") + 1
    assert f"docs/et/own-it.md:{line}: the title of this page is in checks/rules/et.toml [principles]" in out
