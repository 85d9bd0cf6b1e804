"""The learned layer: a few rules also read a reply through weights learned from the
blind corpus (`rules/<lang>.model.json`, written by tests/train_model.py).

Patterns are precise, but every phrasing they know was written down by someone; the
weights generalise from the corpus over the same keys the patterns read (stems, cue
class tags, negation and question tags, stem pairs). Each use has its own level,
chosen on batches the weights were not trained on:

- a presence rule (`refusal`, say) also fires on a sentence whose score reaches its
  `threshold`; the finding's span is that sentence, and it passes the rule's own
  antipatterns like any pattern match;
- a presence rule's pattern match is silenced when every sentence it touches scores
  below the rule's `silent_below`: the weights are all but sure the sentence is
  innocent (a rule that cannot be right should not speak);
- a presence rule's findings that would be the reply's only error are dropped when
  every sentence they touch scores below the rule's `lone_below`: on replies met for
  the first time, a lone finding the weights doubt was far more often a good reply
  told it fails than harm caught (`tests/corpus/first-contact/`);
- an absence rule (`fix-missing`, say) is met when the patterns found nothing but the
  reply's score that the requirement is there reaches its threshold.

A rule missing from a language's model file is decided by its patterns alone.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass

# Token keys the weights read: stems and cue class tags (the forms typed and the
# readings are left out: stems cover them, and fewer keys generalise better).
_READ = ("~", "@")
_FLAGS = ("#neg", "#refused", "#q")
_LEVELS = ("threshold", "silent_below", "lone_below")


@dataclass(frozen=True)
class Weights:
    """One rule's learned weights: the score is the logistic of bias + the weights
    of the keys present. At or above `threshold` the model speaks (None: it never
    adds); below `silent_below` it silences a presence rule's pattern match, below
    `lone_below` a finding that would be the reply's only error (None: it never
    does)."""
    bias: float
    threshold: float | None
    weights: dict[str, float]
    silent_below: float | None = None
    lone_below: float | None = None

    def logit(self, features) -> float:
        # fsum: the same sum whatever order a set gives the keys in (CPython, Pyodide)
        # (looked up key by key: a sentence has far fewer keys than a rule has weights)
        weights = self.weights
        return math.fsum([self.bias, *[weights[k] for k in features if k in weights]])

    def score(self, features) -> float:
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, self.logit(features)))))

    def reaches(self, features) -> bool:
        """score >= threshold, without the exponential (a check asks this often)."""
        return self.threshold is not None and self.logit(features) >= _logit(self.threshold)

    def below(self, features, level: float | None) -> bool:
        """score < level (never, when the level is None)."""
        return level is not None and self.logit(features) < _logit(level)


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def sentence_features(tokens, token_keys) -> list[tuple[int, int, frozenset[str]]]:
    """Per sentence: its first and last token (end exclusive) and the keys it has.
    A key under negation is also counted as "n|key", inside a question as "q|key",
    and each pair of neighbouring words' first stems as "b|stem stem"."""
    out = []
    start, keys, previous = 0, set(), None
    for i, token in enumerate(tokens):
        if i and token.sentence != tokens[i - 1].sentence:
            out.append((start, i, frozenset(keys)))
            start, keys, previous = i, set(), None
        if not token.word:
            previous = None
            continue
        mine = token_keys[i]
        read = [k for k in mine if k[0] in _READ or k in _FLAGS]
        if "#neg" in mine:
            read += ["n|" + k for k in mine if k[0] in _READ]
        if "#q" in mine:
            read += ["q|" + k for k in mine if k[0] in _READ]
        stem = token.stems[0] if token.stems else token.text
        if previous is not None:
            read.append(f"b|{previous} {stem}")
        previous = stem
        keys.update(read)
    if tokens:
        out.append((start, len(tokens), frozenset(keys)))
    return out


def reply_features(sentences) -> frozenset[str]:
    """A whole reply's keys: those of all its sentences."""
    return frozenset().union(*(keys for _, _, keys in sentences))


def read_model(text: str, where: str, kinds: dict[str, str]) -> dict[str, Weights]:
    """A model file's rules (rule id -> Weights), checked against the rule kinds it
    may name; ValueError with `where` when it is malformed."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{where}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    rules = data.get("rules") if isinstance(data, dict) else None
    if not isinstance(rules, dict):
        raise ValueError(f"{where}: needs a 'rules' table (rule id -> bias, threshold, weights)")
    out = {}
    for rule_id, entry in rules.items():
        if kinds.get(rule_id) not in ("presence", "absence"):
            raise ValueError(f"{where}: '{rule_id}' is not a presence or absence rule of the catalogue")
        try:
            bias = float(entry["bias"])
            weights = {str(k): float(v) for k, v in entry["weights"].items()}
            levels = {name: None if entry.get(name) is None else float(entry[name]) for name in _LEVELS}
        except (KeyError, TypeError, ValueError, AttributeError):
            raise ValueError(f"{where}: rule '{rule_id}' needs bias, weights and a threshold,"
                             f" silent_below or lone_below (numbers)") from None
        if all(level is None for level in levels.values()):
            raise ValueError(f"{where}: rule '{rule_id}' needs a threshold, a silent_below or a lone_below")
        for name, level in levels.items():
            if level is not None and not 0.0 < level < 1.0:
                raise ValueError(f"{where}: rule '{rule_id}': {name} must be between 0 and 1")
        for name in ("silent_below", "lone_below"):
            if levels[name] is not None and kinds[rule_id] != "presence":
                raise ValueError(f"{where}: rule '{rule_id}': only a presence rule's findings can be silenced ({name})")
        out[rule_id] = Weights(bias, levels["threshold"], weights, levels["silent_below"], levels["lone_below"])
    return out
