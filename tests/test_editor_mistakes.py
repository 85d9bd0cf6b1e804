"""An editor's mistake stops the build with a message that says where: an unknown
scenario in a page, a bad rule pattern, a broken scenario file, a broken link."""
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
