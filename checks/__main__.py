"""Command line: python -m checks --lang LANG [--scenario ID] [--json] [FILE]
          python -m checks --lang LANG [--scenario ID] --batch FILE [--format csv|json] [--output FILE]

Exit status: 0 passed, 1 not passed, 2 bad input (one line on standard error).
A batch: 0 every reply passed, 1 some did not, 2 an input problem (batch.py).
"""
from __future__ import annotations

import argparse
import os
import sys

from . import LANGUAGES, MAX_CHARS, CheckInputError, RuleDataError, batch, check
from .engine import analyse, explain
from .terminal import shown

# The most bytes a text within the size limit can take in UTF-8 (with a BOM): read no
# more than one byte past it, so /dev/zero or a 200 MB file cannot fill the memory.
_MAX_BYTES = MAX_CHARS * 4 + 3

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


def _human(report) -> str:
    lines = [f"{'PASSED' if report.passed else 'NOT PASSED'} ({report.lang}, {report.words} words)"]
    for f in report.findings:
        where = f' "{shown(f.excerpt)}" at {f.start}-{f.end}' if f.start is not None and f.rule != "too-long" else ""
        lines.append(f"{_SIGN[f.severity]} {f.severity} {f.rule}{where}: {f.message}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python -m checks", description="Check a written apology against the handbook's rules.")
    parser.add_argument("--lang", required=True, help=f"language of the text: {', '.join(LANGUAGES)}")
    parser.add_argument("--scenario", help="exercise scenario id, for the problem-unnamed rule")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    parser.add_argument("--explain", action="store_true",
                        help="also print every token with its readings, stems and tags, and the patterns "
                             "each rule matches (why a rule fired or not)")
    parser.add_argument("file", nargs="?", help="file to check (default: standard input)")
    parser.add_argument("--batch", metavar="FILE",
                        help="check every reply in FILE: .csv (header row id,text) or .jsonl "
                             '(one {"id": ..., "text": ...} per line); one result per reply, '
                             "then a per-rule summary on standard error")
    parser.add_argument("--format", choices=batch.OUTPUT_FORMATS,
                        help="with --batch: results as csv (the default) or json (JSON Lines; --json says the same)")
    parser.add_argument("--output", metavar="FILE", help="with --batch: write the results to FILE (default: standard output)")
    args = parser.parse_args(argv)
    if args.batch is None and (args.format or args.output):
        parser.error("--format and --output work with --batch")
    if args.batch is not None and (args.file is not None or args.explain):
        parser.error("--batch reads the replies from its own FILE: give no other file, and no --explain")
    if args.json and args.format == "csv":
        parser.error("--json and --format csv disagree: choose one")
    sys.stdout.reconfigure(encoding="utf-8")  # reports carry Greek, Arabic, Hebrew text
    if args.batch is not None:
        return _run_batch(args)
    try:
        text = _read(args.file)
        report = check(text, args.lang, args.scenario)
    except (CheckInputError, RuleDataError) as exc:
        sys.stderr.write(f"checks: {exc}\n")
        return 2
    try:
        print(report.to_json() if args.json else _human(report))
        if args.explain:
            print(shown(explain(analyse(text, args.lang))))
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`| head`): nothing more to say, and no traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0 if report.passed else 1


def _run_batch(args) -> int:
    fmt = args.format or ("json" if args.json else "csv")
    try:
        return batch.run(args.batch, args.lang, args.scenario, fmt, args.output, sys.stdout, sys.stderr)
    except (CheckInputError, RuleDataError) as exc:
        sys.stderr.write(shown(f"checks: {exc}", one_line=True) + "\n")
        return 2
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 2


if __name__ == "__main__":
    sys.exit(main())
