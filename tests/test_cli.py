"""The command-line contract of ../shared/spec/apology-rules.md: JSON shape,
exit codes, and one-line errors with exit 2 for every kind of bad input."""
import json
import subprocess
import sys

import pytest

from conftest import ROOT

GOOD = ("Thank you for telling us, and I'm sorry we charged you twice. I have refunded the extra "
        "payment today. Would that work for you? I'll call you on Friday to make sure it arrived.")
WEAK = "I'm sorry, but you should have read the label."


def run(*args, stdin: bytes | str = b""):
    if isinstance(stdin, str):
        stdin = stdin.encode()
    return subprocess.run([sys.executable, "-m", "checks", *args], input=stdin, capture_output=True, cwd=ROOT)


def test_json_shape_and_passed_exit_0():
    result = run("--lang", "en", "--json", stdin=GOOD)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == {"lang", "scenario", "passed", "words", "findings"}
    assert report["lang"] == "en" and report["scenario"] is None and report["passed"] is True
    assert report["words"] == len(GOOD.split())
    for finding in report["findings"]:
        assert {"rule", "severity", "start", "end", "excerpt", "message", "principle"} <= set(finding)
        assert finding["severity"] != "error"


def test_not_passed_exit_1_with_spans():
    result = run("--lang", "en", "--json", stdin=WEAK)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    but = next(f for f in report["findings"] if f["rule"] == "apology-but")
    assert (but["start"], but["end"], but["excerpt"]) == (0, 14, "I'm sorry, but")
    absent = next(f for f in report["findings"] if f["rule"] == "ask-missing")
    assert absent["start"] is None and absent["end"] is None
    # errors come first
    severities = [f["severity"] for f in report["findings"]]
    assert severities == sorted(severities, key=["error", "warning", "tip"].index)


def test_reads_file_and_scenario(tmp_path):
    reply = tmp_path / "reply.txt"
    reply.write_text("Sorry about the plums, but normally we charge the difference.", encoding="utf-8")
    result = run("--lang", "en", "--scenario", "plums", "--json", str(reply))
    report = json.loads(result.stdout)
    assert report["scenario"] == "plums"
    assert {"apology-but", "condescension"} <= {f["rule"] for f in report["findings"]}


def test_human_output_names_rules():
    result = run("--lang", "en", stdin=WEAK)
    assert result.returncode == 1
    assert b"NOT PASSED" in result.stdout and b"apology-but" in result.stdout


@pytest.mark.parametrize("args,stdin,message", [
    (["--lang", "fr"], "sorry", "unknown language 'fr'"),
    (["--lang", "en", "--scenario", "nope"], "sorry", "unknown scenario 'nope'"),
    (["--lang", "en", "/no/such/file.txt"], "", "cannot read /no/such/file.txt"),
    (["--lang", "en"], "   \n\t ", "the text is empty"),
    (["--lang", "en"], "a" * 5001, "the limit is 5000"),
    (["--lang", "en"], b"sorry \xff\xfe", "not valid UTF-8"),
    ([], "sorry", "--lang"),
    (["--lang", "en", "--bogus"], "sorry", "unrecognized arguments"),
])
def test_bad_input_is_one_line_exit_2(args, stdin, message):
    result = run(*args, stdin=stdin)
    assert result.returncode == 2
    assert result.stdout == b""
    err = result.stderr.decode()
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_directory_is_unreadable(tmp_path):
    result = run("--lang", "en", str(tmp_path))
    assert result.returncode == 2 and b"cannot read" in result.stderr


def test_explain_shows_why():
    result = run("--lang", "en", "--explain", stdin="We won't be issuing a replacement.")
    out = result.stdout.decode()
    assert result.returncode == 1
    assert "refusal" in out
    line = next(l for l in out.splitlines() if l.split()[1:2] == ["replacement"])
    assert "@remedy" in line and "#refused" in line


def test_explain_names_the_patterns_that_match_each_rule():
    out = run("--lang", "en", "--explain", stdin="We won't be issuing a replacement. Would you like a voucher?").stdout.decode()
    sections = out.split("\n\n")[-1]
    refusal = sections.split("refusal (presence)\n")[1].split("\n")[0]
    assert refusal.split()[0] == "pattern" and refusal.endswith("\"We won't be issuing a replacement\"")
    fix = sections.split("fix-missing (absence)\n")[1].split("\n")[0]
    assert fix.split()[:2] == ["met", "by"] and "'voucher'" in fix
    assert "followup-missing (absence)\n   nothing meets it" in sections


def test_an_endless_input_is_refused_without_reading_it_all():
    result = subprocess.run(f"head -c 300000000 /dev/zero | {sys.executable} -m checks --lang en",
                            shell=True, capture_output=True, cwd=ROOT, timeout=60)
    assert result.returncode == 2
    assert result.stderr.decode().count("\n") == 1 and "size limit" in result.stderr.decode()


def test_a_closed_pipe_ends_quietly():
    text = "I'm sorry, but the courier lost it. " * 100
    result = subprocess.run(f"{sys.executable} -m checks --lang en --explain | head -1", input=text.encode(),
                            shell=True, capture_output=True, cwd=ROOT, timeout=60)
    assert result.stdout.decode().startswith("NOT PASSED") and b"Traceback" not in result.stderr


def test_escape_codes_are_shown_not_obeyed():
    result = run("--lang", "en", stdin="Sorry,\x1b[2J but the courier lost it.")
    out = result.stdout.decode()
    assert "\x1b" not in out and "\\x1b" in out
