"""Command line: python -m checks --lang LANG [--scenario ID] [--json] [FILE]

Exit status: 0 passed, 1 not passed, 2 bad input (one line on standard error).
"""
from __future__ import annotations

import argparse
import sys

from . import LANGUAGES, CheckInputError, RuleDataError, check
from .engine import analyse, explain

_SIGN = {"error": "✗", "warning": "!", "tip": "·"}


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line and exit 2, as the contract asks
        sys.stderr.write(f"checks: {message}\n")
        sys.exit(2)


def _read(path: str | None) -> str:
    try:
        if path is None or path == "-":
            data = sys.stdin.buffer.read()
            name = "standard input"
        else:
            with open(path, "rb") as handle:
                data = handle.read()
            name = path
    except OSError as exc:
        raise CheckInputError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CheckInputError(f"{name} is not valid UTF-8 (byte {exc.start})") from None


def _human(report) -> str:
    lines = [f"{'PASSED' if report.passed else 'NOT PASSED'} ({report.lang}, {report.words} words)"]
    for f in report.findings:
        where = f' "{f.excerpt}" at {f.start}-{f.end}' if f.start is not None and f.rule != "too-long" else ""
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
    print(report.to_json() if args.json else _human(report))
    if args.explain:
        print(explain(analyse(text, args.lang)))
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
