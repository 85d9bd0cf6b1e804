"""The result of a check, shaped exactly as the JSON contract."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass

SEVERITY_ORDER = {"error": 0, "warning": 1, "tip": 2}


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    start: int | None      # code-point offsets into the text as typed; None for absence rules
    end: int | None
    excerpt: str | None
    message: str           # what to do instead, in the text's language
    principle: str         # handbook page slug, e.g. "say-sorry"
    principle_title: str   # that page's title in the text's language
    url: str               # the page's path from the site root, e.g. "el/say-sorry/"

    def sort_key(self):
        return (SEVERITY_ORDER[self.severity], self.start is None, self.start or 0)


@dataclass(frozen=True)
class Report:
    lang: str
    scenario: str | None
    passed: bool
    words: int
    findings: tuple[Finding, ...]

    def to_dict(self) -> dict:
        data = asdict(self)
        data["findings"] = [asdict(f) for f in self.findings]
        return data

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def fired(self) -> set[str]:
        return {f.rule for f in self.findings}
