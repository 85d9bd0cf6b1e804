"""Exercise scenarios: one TOML file per scenario, one table per language.

The site renders them and the checker reads their key terms for the
`problem-unnamed` rule, so both always agree on what the problem is.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .rules import LANGUAGES, RuleDataError, _read_toml, _table_lines

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# What every language table of a scenario must hold, and of what type.
FIELDS = {"title": str, "situation": str, "customer": str, "key_terms": list,
          "hints": list, "model_answer": str}


@dataclass(frozen=True)
class ScenarioText:
    title: str
    situation: str       # what happened, for the learner
    customer: str        # what the customer said or wrote
    key_terms: tuple[str, ...]   # words that name what went wrong (problem-unnamed)
    hints: tuple[str, ...]
    model_answer: str


@dataclass(frozen=True)
class Scenario:
    id: str
    principle: str       # the handbook page whose exercise this is
    texts: dict[str, ScenarioText]

    def text(self, lang: str) -> ScenarioText:
        if lang not in self.texts:
            raise RuleDataError(f"scenarios/{self.id}.toml: [{lang}] is missing")
        return self.texts[lang]

    def missing_languages(self) -> list[str]:
        return [lang for lang in LANGUAGES if lang not in self.texts]


def scenario_ids() -> list[str]:
    folder = resources.files(__package__).joinpath("scenarios")
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def _scenario_text(table, where: str) -> ScenarioText:
    if not isinstance(table, dict):
        raise RuleDataError(f"{where} must be a table")
    for key, kind in FIELDS.items():
        value = table.get(key)
        if not isinstance(value, kind) or not value:
            raise RuleDataError(f"{where}: '{key}' is missing or not a non-empty {kind.__name__}")
        if kind is list and not all(isinstance(v, str) and v.strip() for v in value):
            raise RuleDataError(f"{where}: every entry of '{key}' must be a non-empty string")
    unknown = set(table) - set(FIELDS)
    if unknown:
        raise RuleDataError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    return ScenarioText(
        title=table["title"], situation=table["situation"], customer=table["customer"],
        key_terms=tuple(table["key_terms"]), hints=tuple(table["hints"]),
        model_answer=table["model_answer"])


@lru_cache(maxsize=None)
def scenario(scenario_id: str) -> Scenario:
    """A scenario by id; KeyError when there is no such scenario file."""
    if not isinstance(scenario_id, str) or not _ID.match(scenario_id) or scenario_id not in scenario_ids():
        raise KeyError(scenario_id)
    filename = f"scenarios/{scenario_id}.toml"
    data = _read_toml(filename)
    principle = data.get("principle")
    if not isinstance(principle, str):
        raise RuleDataError(f"{filename}: 'principle' (the page slug) is missing")
    unknown = set(data) - set(LANGUAGES) - {"principle"}
    if unknown:
        raise RuleDataError(f"{filename}: unknown key(s) or language(s) {', '.join(sorted(unknown))}")
    lines = _table_lines(filename)
    texts = {lang: _scenario_text(data[lang], f"{filename}:{lines.get(lang, 1)}: [{lang}]")
             for lang in LANGUAGES if lang in data}
    return Scenario(scenario_id, principle, texts)


def all_scenarios() -> list[Scenario]:
    return [scenario(s) for s in scenario_ids()]
