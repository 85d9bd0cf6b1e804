"""Command line: python -m checks --lang LANG [--scenario ID] [--json] [FILE]

Exit status: 0 passed, 1 not passed, 2 bad input (one line on standard error).
"""
from __future__ import annotations

import argparse
import os
import re
import sys

from . import LANGUAGES, MAX_CHARS, CheckInputError, RuleDataError, check
from .engine import analyse, explain

# The most bytes a text within the size limit can take in UTF-8 (with a BOM): read no
# more than one byte past it, so /dev/zero or a 200 MB file cannot fill the memory.
_MAX_BYTES = MAX_CHARS * 4 + 3
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")

_SIGN = {"error": "✗", "warning": "!", "tip": "·"}


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line and exit 2, as the contract asks
        sys.stderr.write(f"checks: {message}\n")
        sys.exit(2)


def _read(path: str | None) -> str:
    try:
        if path is None or path == "-":
            data = sys.stdin.buffer.read(_MAX_BYTES + 1)
            name = "standard input"
        else:
            with open(path, "rb") as handle:
                data = handle.read(_MAX_BYTES + 1)
            name = path
    except OSError as exc:
        raise CheckInputError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > _MAX_BYTES:
        raise CheckInputError(f"{name} is over the size limit of {MAX_CHARS} characters")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CheckInputError(f"{name} is not valid UTF-8 (byte {exc.start})") from None


def _shown(text: str) -> str:
    """Text for a terminal: control characters (escape codes) written as \\x1b."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode(), text)


def _human(report) -> str:
    lines = [f"{'PASSED' if report.passed else 'NOT PASSED'} ({report.lang}, {report.words} words)"]
    for f in report.findings:
        where = f' "{_shown(f.excerpt)}" at {f.start}-{f.end}' if f.start is not None and f.rule != "too-long" else ""
        lines.append(f"{_SIGN[f.severity]} {f.severity} {f.rule}{where}: {f.message}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python -m checks", description="Check a written apology against the handbook's rules.")
    parser.add_argument("--lang", required=True, help=f"language of the text: {', '.join(LANGUAGES)}")
    parser.add_argument("--scenario", help="exercise scenario id, for the problem-unnamed rule")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    parser.add_argument("--explain", action="store_true",
                        help="also print every token with its readings, stems and tags (why a rule fired or not)")
    parser.add_argument("file", nargs="?", help="file to check (default: standard input)")
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(encoding="utf-8")  # reports carry Greek, Arabic, Hebrew text
    try:
        text = _read(args.file)
        report = check(text, args.lang, args.scenario)
    except (CheckInputError, RuleDataError) as exc:
        sys.stderr.write(f"checks: {exc}\n")
        return 2
    try:
        print(report.to_json() if args.json else _human(report))
        if args.explain:
            print(_shown(explain(analyse(text, args.lang))))
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`| head`): nothing more to say, and no traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
