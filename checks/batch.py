"""Batch checking for trainers: `python -m checks --lang L --batch FILE`.

A group's replies come in as CSV (a header row naming the columns `id` and `text`;
comma, semicolon or tab between cells, as spreadsheets export them) or JSON Lines
(one {"id": ..., "text": ...} object per line). Each reply is checked with `check`,
exactly as one text is; the results go out one per reply (CSV, or JSON Lines with
the contract's report plus the id), and a per-rule summary of the group goes to
standard error. A row that cannot be checked gets one line there naming its row or
line and why, and every other row is still checked.
"""
from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
from collections import Counter
from dataclasses import dataclass
from typing import IO

from .engine import MAX_CHARS, CheckInputError, check, rules_and_key_terms
from .report import SEVERITY_ORDER, Report
from .terminal import shown

# A thousand replies at the size limit of one text, in any script (at most 4 bytes a
# character in UTF-8). Read no more than one byte past it: /dev/zero is refused, not read.
MAX_BATCH_BYTES = 1000 * (MAX_CHARS * 4 + 3)

INPUT_FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}
OUTPUT_FORMATS = ("csv", "json")
CSV_COLUMNS = ("id", "passed", "words", "errors", "warnings", "tips", "findings")
CSV_DELIMITERS = (",", ";", "\t")

_SURROGATE = re.compile(r"[\ud800-\udfff]")
# json.dumps leaves these as they are; escaped, the JSON means the same and a terminal
# shows it without obeying it.
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True)
class Row:
    """One reply as read from the file, or the reason it cannot be checked."""
    where: str                  # "row 4 (line 6)" in CSV, "line 4" in JSON Lines
    id: str | int | None = None
    text: str | None = None
    problem: str | None = None


def input_format(path: str) -> str:
    """"csv" or "jsonl", from the file's extension."""
    extension = os.path.splitext(path)[1].lower()
    if extension not in INPUT_FORMATS:
        raise CheckInputError(
            f"cannot tell the format of {path} from its name: use .csv (a header row id,text, then "
            'one reply per row) or .jsonl (one {"id": ..., "text": ...} object per line)')
    return INPUT_FORMATS[extension]


def read_bounded(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BATCH_BYTES + 1)
    except OSError as exc:
        raise CheckInputError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_BATCH_BYTES:
        raise CheckInputError(f"{path} is over the batch size limit of {MAX_BATCH_BYTES:,} bytes: "
                              "split it into smaller files")
    return data.removeprefix(codecs.BOM_UTF8)


def csv_rows(data: bytes, path: str) -> list[Row]:
    # Bytes that are not UTF-8 become lone surrogates, refused row by row below.
    text = data.decode("utf-8", errors="surrogateescape")
    first_line = text.splitlines()[0] if text.strip() else ""
    delimiter = next((d for d in CSV_DELIMITERS if _is_header(first_line, d)), None)
    if delimiter is None:
        raise CheckInputError(f"{path} line 1: the header row must name the columns id and text "
                              f"(found: {first_line[:80]!r})")
    # The file is bounded; a longer text is then refused by its length, not by a csv.Error
    # that would leave the reader in the middle of the cell (the limit is process-wide).
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header = [name.strip().lower() for name in next(reader)]
    id_at, text_at = header.index("id"), header.index("text")
    rows, number = [], 1
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return rows
        except csv.Error as exc:
            number += 1
            rows.append(Row(_row_where(number, line), problem=_csv_problem(exc, line, reader.line_num)))
            continue
        number += 1  # a blank line is a row in a spreadsheet too
        if not any(cell.strip() for cell in cells):
            continue
        where = _row_where(number, line)
        if len(cells) != len(header):
            found = f"{len(cells)} column{'s' if len(cells) != 1 else ''}"
            rows.append(Row(where, problem=f"{found} where the header has {len(header)} "
                                           f"(a text with {_named(delimiter)} or a line break must be in double quotes)"))
            continue
        reply_id, reply = cells[id_at].strip(), cells[text_at]
        if _SURROGATE.search(reply_id + reply):
            rows.append(Row(where, reply_id or None, problem="not valid UTF-8 (save the file as UTF-8)"))
        elif not reply_id:
            rows.append(Row(where, problem="no id"))
        else:
            rows.append(Row(where, reply_id, reply))


def _is_header(line: str, delimiter: str) -> bool:
    names = [name.strip().lower() for name in next(csv.reader([line], delimiter=delimiter))]
    return names.count("id") == 1 and names.count("text") == 1


def _row_where(number: int, line: int) -> str:
    return f"row {number}" if number == line else f"row {number} (line {line})"


def _named(delimiter: str) -> str:
    return {",": "a comma", ";": "a semicolon", "\t": "a tab"}[delimiter]


def _csv_problem(exc: csv.Error, first: int, last: int) -> str:
    if "unexpected end of data" in str(exc):
        return (f"a double quote opened here is never closed, so lines {first}-{last} "
                "(the rest of the file) cannot be read as rows")
    if "expected after" in str(exc):
        return 'text after a closing double quote: inside quotes, write a double quote as two ("")'
    return f"not valid CSV ({exc})"


def jsonl_rows(data: bytes, path: str) -> list[Row]:
    if data.lstrip()[:1] == b"[":
        raise CheckInputError(f"{path} holds one JSON array; write one "
                              '{"id": ..., "text": ...} object per line (JSON Lines)')
    rows = []
    for number, raw in enumerate(data.split(b"\n"), 1):
        if raw.strip():
            rows.append(_json_row(raw, f"line {number}"))
    return rows


def _json_row(raw: bytes, where: str) -> Row:
    try:
        value = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return Row(where, problem=f"not valid UTF-8 (byte {exc.start + 1} of the line; save the file as UTF-8)")
    except json.JSONDecodeError as exc:
        return Row(where, problem=f"not valid JSON: {exc.msg} (column {exc.colno})")
    except RecursionError:  # [[[[...]]]]
        return Row(where, problem="not valid JSON: nested too deeply")
    except ValueError as exc:  # a number of over 4,300 digits
        return Row(where, problem=f"not valid JSON: {exc}")
    if not isinstance(value, dict):
        return Row(where, problem='not an object {"id": ..., "text": ...}')
    reply_id, reply = value.get("id"), value.get("text")
    if isinstance(reply_id, str):
        reply_id = reply_id.strip()
    if reply_id is None or reply_id == "":
        return Row(where, problem="no id")
    if isinstance(reply_id, bool) or not isinstance(reply_id, (str, int)):
        return Row(where, problem="the id must be a string or a whole number")
    if reply is None:
        return Row(where, reply_id, problem="no text")
    if not isinstance(reply, str):
        return Row(where, reply_id, problem="the text must be a string")
    if _SURROGATE.search(f"{reply_id}{reply}"):
        return Row(where, reply_id, problem="a \\u escape that is half a surrogate pair")
    return Row(where, reply_id, reply)


def read_rows(path: str) -> list[Row]:
    """Every non-blank row of a batch file; CheckInputError when the file as a whole
    cannot be read (name, size, header, no rows)."""
    fmt = input_format(path)
    data = read_bounded(path)
    if not data.strip():
        raise CheckInputError(f"{path} is empty")
    rows = csv_rows(data, path) if fmt == "csv" else jsonl_rows(data, path)
    if not rows:
        raise CheckInputError(f"{path} has a header row but no replies")
    return rows


class Results:
    """Writes one result per reply, in CSV or JSON Lines."""

    def __init__(self, stream: IO[str], fmt: str):
        self.stream, self.fmt = stream, fmt
        if fmt == "csv":
            self.csv = csv.writer(stream, lineterminator="\n")
            self.csv.writerow(CSV_COLUMNS)

    def write(self, reply_id: str | int, report: Report) -> None:
        if self.fmt == "json":
            line = json.dumps({"id": reply_id, **report.to_dict()}, ensure_ascii=False)
            self.stream.write(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", line) + "\n")
            return
        severities = Counter(f.severity for f in report.findings)
        rules = dict.fromkeys(f"{f.rule}:{f.severity}" for f in report.findings)
        self.csv.writerow([shown(str(reply_id)), "true" if report.passed else "false", report.words,
                           severities["error"], severities["warning"], severities["tip"], "; ".join(rules)])


def summary(reports: list[Report], not_checked: int) -> str:
    """The group's common mistakes: each rule that fired, on how many replies, most first."""
    fired = Counter(rule for report in reports for rule in report.fired())
    severity = {f.rule: f.severity for report in reports for f in report.findings}
    checked = len(reports)
    passed = sum(report.passed for report in reports)
    lines = []
    if fired:
        width = max(len("rule"), *map(len, fired))
        lines.append(f"{'rule':<{width}}  severity  replies")
        for rule in sorted(fired, key=lambda r: (-fired[r], SEVERITY_ORDER[severity[r]], r)):
            lines.append(f"{rule:<{width}}  {severity[rule]:<8}  {fired[rule]} of {checked} "
                         f"({round(100 * fired[rule] / checked)}%)")
    elif checked:
        lines.append("no rule fired")
    total = f"{checked} {'reply' if checked == 1 else 'replies'} checked: {passed} passed, {checked - passed} not passed"
    if not_checked:
        total += f"; {not_checked} {'row' if not_checked == 1 else 'rows'} not checked (see above)"
    lines.append(total)
    return "\n".join(lines) + "\n"


def open_output(output: str | None, path: str, stdout: IO[str]) -> IO[str]:
    if output is None or output == "-":
        return stdout
    if os.path.exists(output) and os.path.exists(path) and os.path.samefile(output, path):
        raise CheckInputError(f"--output {output} is the input file: choose another name")
    try:
        return open(output, "w", encoding="utf-8", newline="")
    except OSError as exc:
        raise CheckInputError(f"cannot write {output}: {exc.strerror or exc}") from None


def run(path: str, lang: str, scenario: str | None, fmt: str, output: str | None,
        stdout: IO[str], stderr: IO[str]) -> int:
    """Check every reply of a batch file. Exit status as for one text: 0 every reply
    passed, 1 some did not, 2 an input problem (then no row is lost: each one that
    could not be checked is named on standard error). CheckInputError when nothing
    can be checked: unknown language or scenario, a file that cannot be read."""
    rules_and_key_terms(lang, scenario)  # an unknown language or scenario is refused first
    rows = read_rows(path)
    stream = open_output(output, path, stdout)
    reports, not_checked, first_at = [], 0, {}
    try:
        results = Results(stream, fmt)
        for row in rows:
            problem, key = row.problem, str(row.id)
            if problem is None and key in first_at:
                problem = f"duplicate id (first at {first_at[key]})"
            if problem is None:
                try:
                    report = check(row.text, lang, scenario)
                except CheckInputError as exc:
                    problem = str(exc)
            if problem is not None:
                not_checked += 1
                named = f', id "{row.id}"' if row.id is not None else ""
                stderr.write(shown(f"checks: {path} {row.where}{named}: {problem} (not checked)", one_line=True) + "\n")
                continue
            first_at[key] = row.where
            reports.append(report)
            results.write(row.id, report)
        stream.flush()
    finally:
        if stream is not stdout:
            stream.close()
    stderr.write(summary(reports, not_checked))
    if not_checked:
        return 2
    return 0 if all(report.passed for report in reports) else 1
