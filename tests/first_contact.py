"""Record what the checker said to a blind batch the first time it met it.

    python tests/first_contact.py --batch=-b19- [--commit=REV] [--corpus=DIR]

On replies it has never met the checker makes mistakes that audits then fix on that
batch, so the batch soon stops showing them. This record keeps them: for every reply of
the batch, the error findings (rule, start, end; no span for an absence rule) of the
checker at REV (default: the working tree), which should be the commit the batch was
first measured at (tests/corpus/README.md names it). tests/train_model.py chooses the
learned layer's `lone_below` levels on these records. Replies are read from
DIR/dev/<lang>.toml (default: the corpus), so a batch still kept out of the corpus can
be recorded from its copy.

Writes tests/corpus/first-contact/<batch without dashes>.json.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RECORDS = ROOT / "tests" / "corpus" / "first-contact"

# Run in a separate interpreter, on the checker of the commit named: its `checks`
# first on the path, and nothing of this checkout's.
_SAY = r"""
import json, sys, tomllib
sys.path.insert(0, sys.argv[1])
import checks
batch, corpus = sys.argv[2], sys.argv[3]
said = {}
for lang in checks.LANGUAGES:
    with open(f"{corpus}/dev/{lang}.toml", "rb") as f:
        replies = tomllib.load(f)["reply"]
    for reply in replies:
        if batch in reply["id"]:
            said[reply["id"]] = [[f.rule, f.start, f.end] for f in checks.check(reply["text"], lang).findings
                                 if f.severity == "error"]
print(json.dumps(said))
"""


def checker_at(commit: str, into: Path) -> Path:
    """The `checks` package of a commit, unpacked under `into`."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", commit, "checks"],
                             capture_output=True, check=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def record(batch: str, commit: str | None, corpus: Path) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        root = checker_at(commit, Path(tmp)) if commit else ROOT
        out = subprocess.run([sys.executable, "-c", _SAY, str(root), batch, str(corpus)],
                             capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"the checker at {commit or 'the working tree'} failed:\n{out.stderr}")
    said = json.loads(out.stdout)
    if not said:
        raise SystemExit(f"no reply id in {corpus}/dev contains {batch!r}")
    described = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", commit or "HEAD"],
                               capture_output=True, text=True, check=True).stdout.strip()
    return {"about": "What the checker said to this batch the first time it met it (tests/first_contact.py):"
                     " each reply's error findings as [rule, start, end].",
            "batch": batch, "commit": described + ("" if commit else " (working tree)"), "said": said}


def dumps(data: dict) -> str:
    """JSON with one reply to a line: a record reads and diffs line by line."""
    head = {k: v for k, v in data.items() if k != "said"}
    lines = [f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}," for k, v in head.items()]
    said = [f"    {json.dumps(k)}: {json.dumps(v)}" for k, v in sorted(data["said"].items())]
    return "{\n" + "\n".join(lines) + '\n  "said": {\n' + ",\n".join(said) + "\n  }\n}\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch", required=True, help="the id text of the batch, e.g. -b19-")
    parser.add_argument("--commit", help="the commit the batch was first measured at (default: the working tree)")
    parser.add_argument("--corpus", type=Path, default=ROOT / "tests" / "corpus",
                        help="a corpus directory with dev/<lang>.toml (default: the project's)")
    args = parser.parse_args(argv)
    data = record(args.batch, args.commit, args.corpus.resolve())
    RECORDS.mkdir(parents=True, exist_ok=True)
    path = RECORDS / f"{args.batch.strip('-')}.json"
    path.write_text(dumps(data), encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}: {len(data['said'])} replies,"
          f" {sum(map(len, data['said'].values()))} error findings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
