"""`python -m checks --batch FILE`: a group's replies in CSV or JSON Lines, one result
per reply equal to what `checks.check` says of that text, a per-rule summary, a
one-line message naming every row that cannot be checked, and the CLI's exit codes."""
import csv
import io
import json
import os
import subprocess
import sys
from collections import Counter

import pytest

from conftest import ROOT

import checks
from checks import MAX_CHARS, check
from checks.__main__ import main

HE_MODEL = checks.scenario("internet-outage").text("he").model_answer  # passes
HE_CUSTOMER = checks.scenario("internet-outage").text("he").customer   # no apology: does not pass
# Commas, a Hebrew abbreviation written with a double quote, and a line break.
HE_WEAK = 'אני מצטער, אבל זה לא באשמתנו: השליח של חברת ה"דואר" איבד את החבילה.\nתבדקו שוב מחר.'
AR_MODEL = checks.scenario("plums").text("ar").model_answer
AR_WEAK = "أنا آسف، لكن المندوب أضاع الطرد."
EN_GOOD = ("Thank you for telling us, and I'm sorry we charged you twice. I have refunded the extra "
           "payment today. Would that work for you? I'll call you on Friday to make sure it arrived.")
EN_WEAK = "I'm sorry, but you should have read the label."


def run(*args, stdin: bytes = b""):
    """`python -m checks ARGS` in this process (the rules load once, not once a test):
    exit code, and standard output and error as bytes."""
    streams = [io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict") for _ in range(2)]
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    sys.stdout, sys.stderr = streams
    try:
        code = main([str(arg) for arg in args])
    except SystemExit as exc:
        code = exc.code
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
    out, err = (stream.flush() or stream.buffer.getvalue() for stream in streams)
    return subprocess.CompletedProcess(args, code, out, err)


def csv_bytes(rows, bom=True) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8")


def json_results(stdout: bytes) -> list[dict]:
    return [json.loads(line) for line in stdout.decode("utf-8").splitlines()]


def expected_json(reply_id, text, lang, scenario=None) -> dict:
    return {"id": reply_id, **check(text, lang, scenario).to_dict()}


def summary_counts(stderr: str) -> tuple[dict, str]:
    """The summary table as {rule: replies it fired on}, and its last line."""
    lines = stderr.splitlines()
    head = lines.index(next(l for l in lines if l.split()[:3] == ["rule", "severity", "replies"]))
    table = {l.split()[0]: int(l.split()[2]) for l in lines[head + 1:-1]}
    return table, lines[-1]


def expected_counts(reports) -> dict:
    return dict(Counter(rule for report in reports for rule in report.fired()))


def test_csv_with_good_bad_and_broken_rows_hebrew(tmp_path):
    good = [("dana", HE_MODEL), ("eli", HE_WEAK), ("רות", HE_CUSTOMER)]
    assert [check(t, "he").passed for _, t in good] == [True, False, False]
    rows = [
        ("id", "text"),                  # row 1
        good[0],                         # row 2 (lines 2-5: the model answer has line breaks)
        ("", "אני מצטער"),               # row 3: no id
        good[1],                         # row 4
        ("noa", "   "),                  # row 5: empty
        ("gil", "א" * (MAX_CHARS + 1)),  # row 6: over the limit
        ("tal", "a", "b"),               # row 7: three columns
        ("dana", "again"),               # row 8: the same id as row 2
        (),                              # row 9: blank, skipped
        good[2],                         # row 10
    ]
    data, ln = b"\xef\xbb\xbf", {}    # ln: row number -> the line it starts on
    for number, row in enumerate(rows, 1):
        ln[number] = data.count(b"\n") + 1
        data += csv_bytes([row], bom=False)
    for number, raw in ((11, b"bad,caf\xe9 \xd7\x90\r\n"), (12, b'last,"never closed\r\nline\r\n')):
        ln[number] = data.count(b"\n") + 1  # 11: not UTF-8; 12: a quote never closed
        data += raw
    path = tmp_path / "group.csv"
    path.write_bytes(data)

    result = run("--lang", "he", "--batch", path, "--format", "json")
    assert result.returncode == 2
    assert json_results(result.stdout) == [expected_json(i, t, "he") for i, t in good]
    stderr = result.stderr.decode()
    messages = [l for l in stderr.splitlines() if l.startswith("checks: ")]
    assert messages == [
        f"checks: {path} row 3 (line {ln[3]}): no id (not checked)",
        f'checks: {path} row 5 (line {ln[5]}), id "noa": the text is empty (not checked)',
        f'checks: {path} row 6 (line {ln[6]}), id "gil": the text has {MAX_CHARS + 1} characters; '
        f"the limit is {MAX_CHARS} (not checked)",
        f"checks: {path} row 7 (line {ln[7]}): 3 columns where the header has 2 "
        "(a text with a comma or a line break must be in double quotes) (not checked)",
        f'checks: {path} row 8 (line {ln[8]}), id "dana": duplicate id (first at row 2) (not checked)',
        f'checks: {path} row 11 (line {ln[11]}), id "bad": not valid UTF-8 (save the file as UTF-8) (not checked)',
        f"checks: {path} row 12 (line {ln[12]}): a double quote opened here is never closed, so lines "
        f"{ln[12]}-{ln[12] + 1} (the rest of the file) cannot be read as rows (not checked)",
    ]
    table, total = summary_counts(stderr)
    assert table == expected_counts(check(t, "he") for _, t in good)
    assert total == "3 replies checked: 1 passed, 2 not passed; 7 rows not checked (see above)"
    assert path.read_bytes() == data


def test_jsonl_with_good_bad_and_broken_lines_arabic(tmp_path):
    lines = [
        json.dumps({"id": 7, "text": AR_MODEL}, ensure_ascii=False),        # 1
        json.dumps({"id": "سارة", "text": AR_WEAK, "group": "B"}, ensure_ascii=False),  # 2: extra key ignored
        '{"id": "x", "text": "أنا آسف',                                      # 3: broken JSON
        '["not", "an object"]',                                              # 4
        json.dumps({"text": AR_WEAK}, ensure_ascii=False),                   # 5: no id
        '{"id": "y"}',                                                       # 6: no text
        '{"id": "z", "text": 42}',                                           # 7
        '{"id": "7", "text": "مرة أخرى"}',                                   # 8: same id as line 1
        "",                                                                  # 9: blank, skipped
        '{"id": "w", "text": ""}',                                           # 10: empty
    ]
    data = "\n".join(lines).encode("utf-8") + b'\n{"id": "v", "text": "\xff"}\n'  # 11: not UTF-8
    path = tmp_path / "group.jsonl"
    path.write_bytes(data)

    result = run("--lang", "ar", "--batch", path, "--format", "csv")
    assert result.returncode == 2
    rows = list(csv.reader(io.StringIO(result.stdout.decode("utf-8"))))
    assert rows[0] == ["id", "passed", "words", "errors", "warnings", "tips", "findings"]
    reports = [check(AR_MODEL, "ar"), check(AR_WEAK, "ar")]
    assert [r.passed for r in reports] == [True, False]
    assert rows[1:] == [
        [reply_id, str(r.passed).lower(), str(r.words),
         *(str(sum(f.severity == s for f in r.findings)) for s in ("error", "warning", "tip")),
         "; ".join(dict.fromkeys(f"{f.rule}:{f.severity}" for f in r.findings))]
        for reply_id, r in zip(["7", "سارة"], reports)]
    stderr = result.stderr.decode()
    messages = [l for l in stderr.splitlines() if l.startswith("checks: ")]
    assert messages == [
        f"checks: {path} line 3: not valid JSON: Unterminated string starting at (column 21) (not checked)",
        f'checks: {path} line 4: not an object {{"id": ..., "text": ...}} (not checked)',
        f"checks: {path} line 5: no id (not checked)",
        f'checks: {path} line 6, id "y": no text (not checked)',
        f'checks: {path} line 7, id "z": the text must be a string (not checked)',
        f'checks: {path} line 8, id "7": duplicate id (first at line 1) (not checked)',
        f'checks: {path} line 10, id "w": the text is empty (not checked)',
        f"checks: {path} line 11: not valid UTF-8 (byte 22 of the line; save the file as UTF-8) (not checked)",
    ]
    table, total = summary_counts(stderr)
    assert table == expected_counts(reports)
    assert total == "2 replies checked: 1 passed, 1 not passed; 8 rows not checked (see above)"

    as_json = run("--lang", "ar", "--batch", path, "--json")  # --json as for one text
    assert json_results(as_json.stdout) == [expected_json(7, AR_MODEL, "ar"), expected_json("سارة", AR_WEAK, "ar")]


@pytest.mark.parametrize("replies,code", [
    ([("a", EN_GOOD), ("b", EN_GOOD.replace("today", "this morning"))], 0),
    ([("a", EN_GOOD), ("b", EN_WEAK)], 1),
])
def test_exit_code_without_bad_rows_is_the_single_text_one(tmp_path, replies, code):
    path = tmp_path / "group.csv"
    path.write_bytes(csv_bytes([("id", "text"), *replies], bom=False))
    result = run("--lang", "en", "--batch", path)
    assert result.returncode == code
    assert [line.split(",")[:2] for line in result.stdout.decode().splitlines()[1:]] == \
        [[i, str(check(t, "en").passed).lower()] for i, t in replies]
    assert "not checked" not in result.stderr.decode()
    reports = [check(t, "en") for _, t in replies]
    table, total = summary_counts(result.stderr.decode())
    assert table == expected_counts(reports)
    passed = sum(r.passed for r in reports)
    assert total == f"2 replies checked: {passed} passed, {2 - passed} not passed"


def test_scenario_and_semicolon_header_as_spreadsheets_export(tmp_path):
    path = tmp_path / "plums.csv"
    path.write_text('ID;Text\n1;"Sorry about the plums; I refunded you."\n2;Sorry, I refunded you.\n', encoding="utf-8")
    result = run("--lang", "en", "--scenario", "plums", "--batch", path, "--format", "json")
    assert json_results(result.stdout) == [
        expected_json("1", "Sorry about the plums; I refunded you.", "en", "plums"),
        expected_json("2", "Sorry, I refunded you.", "en", "plums")]
    assert "problem-unnamed" in {f["rule"] for f in json_results(result.stdout)[1]["findings"]}


def test_output_file_and_the_input_is_never_overwritten(tmp_path):
    path = tmp_path / "group.csv"
    data = csv_bytes([("id", "text"), ("a", EN_WEAK)])
    path.write_bytes(data)
    out = tmp_path / "results.csv"
    result = run("--lang", "en", "--batch", path, "--output", out)
    assert result.returncode == 1 and result.stdout == b""
    assert out.read_bytes() == run("--lang", "en", "--batch", path).stdout
    assert "1 reply checked: 0 passed, 1 not passed" in result.stderr.decode()

    link = tmp_path / "link.csv"
    link.symlink_to(path)
    for target in (path, link):
        refused = run("--lang", "en", "--batch", path, "--output", target)
        assert refused.returncode == 2 and refused.stdout == b""
        assert refused.stderr.decode() == f"checks: --output {target} is the input file: choose another name\n"
        assert path.read_bytes() == data


def test_escape_codes_in_ids_are_shown_not_obeyed(tmp_path):
    path = tmp_path / "group.csv"
    path.write_bytes(csv_bytes([("id", "text"), ("a\x1b[2J", EN_WEAK), ("b\x9b31m", "  "), ("c\u2028d", EN_WEAK)]))
    result = run("--lang", "en", "--batch", path)
    out, err = result.stdout.decode(), result.stderr.decode()
    for shown in (out, err):
        assert not any(ch in shown for ch in "\x1b\x9b\u2028")
    assert "a\\x1b[2J,false" in out and 'id "b\\x9b31m": the text is empty' in err
    as_json = run("--lang", "en", "--batch", path, "--json").stdout.decode()
    assert not any(ch in as_json for ch in "\x1b\x9b\u2028")
    assert [r["id"] for r in json_results(as_json.encode())] == ["a\x1b[2J", "c\u2028d"]


@pytest.mark.parametrize("name,content,message", [
    ("group.txt", b"id,text\n1,sorry\n", "cannot tell the format of {path} from its name: use .csv"),
    ("group.csv", b"name,reply\n1,sorry\n", "{path} line 1: the header row must name the columns id and text"),
    ("group.csv", b"\xef\xbb\xbfid,text\r\n", "{path} has a header row but no replies"),
    ("group.jsonl", b"\n \n", "{path} is empty"),
    ("group.json", b'[{"id": 1, "text": "sorry"}]', "{path} holds one JSON array; write one"),
    ("missing.csv", None, "cannot read {path}: No such file or directory"),
])
def test_a_file_that_cannot_be_read_is_one_line_exit_2(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = run("--lang", "en", "--batch", path)
    assert result.returncode == 2 and result.stdout == b""
    err = result.stderr.decode()
    assert err.startswith("checks: " + message.format(path=path)) and err.count("\n") == 1


@pytest.mark.parametrize("args,message", [
    (["--lang", "en", "--scenario", "nope"], "unknown scenario 'nope'"),
    (["--lang", "fr"], "unknown language 'fr'"),
    (["--lang", "en", "reply.txt"], "--batch reads the replies from its own FILE"),
    (["--lang", "en", "--explain"], "--batch reads the replies from its own FILE"),
    (["--lang", "en", "--json", "--format", "csv"], "--json and --format csv disagree"),
])
def test_bad_arguments_are_one_line_exit_2(tmp_path, args, message):
    path = tmp_path / "group.csv"
    path.write_bytes(csv_bytes([("id", "text"), ("a", EN_WEAK)]))
    result = run(*args, "--batch", path)
    assert result.returncode == 2 and result.stdout == b""
    assert message in result.stderr.decode() and result.stderr.count(b"\n") == 1


def test_format_and_output_need_batch():
    result = run("--lang", "en", "--format", "csv", stdin=b"sorry")
    assert result.returncode == 2 and b"--format and --output work with --batch" in result.stderr


def test_an_endless_file_is_refused_without_reading_it_all(tmp_path):
    endless = tmp_path / "zero.csv"
    endless.symlink_to("/dev/zero")
    result = subprocess.run([sys.executable, "-m", "checks", "--lang", "en", "--batch", endless],
                            capture_output=True, cwd=ROOT, timeout=60)
    assert result.returncode == 2 and result.stdout == b""
    err = result.stderr.decode()
    assert err.count("\n") == 1 and "over the batch size limit" in err


def test_a_closed_pipe_ends_quietly(tmp_path):
    path = tmp_path / "group.csv"
    path.write_bytes(csv_bytes([("id", "text"), *((f"r{n}", EN_WEAK) for n in range(40))]))
    result = subprocess.run(f"{sys.executable} -m checks --lang en --batch {path} | head -2", shell=True,
                            capture_output=True, cwd=ROOT, timeout=120)
    assert result.stdout.decode().splitlines()[1].startswith("r0,false") and b"Traceback" not in result.stderr


def test_the_module_reads_and_checks_without_a_subprocess(tmp_path):
    """`batch.run` is the same code path the CLI takes, writing to any streams."""
    from checks import batch
    path = tmp_path / "group.jsonl"
    path.write_text(json.dumps({"id": "a", "text": HE_WEAK}, ensure_ascii=False) + "\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert batch.run(str(path), "he", None, "json", None, out, err) == 1
    assert json_results(out.getvalue().encode()) == [expected_json("a", HE_WEAK, "he")]
    assert os.fspath(path) not in err.getvalue()  # no row problems, only the summary
