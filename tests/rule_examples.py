"""Every example of every rule in every language, as (id, lang, rule, example) cases.
Shared by the CPython test and the Pyodide test so both run exactly the same set.
A language whose data does not load becomes one case carrying the error, so the
other languages still run."""
from checks import LANGUAGES, RuleDataError, language


def cases():
    for lang in LANGUAGES:
        try:
            rules = language(lang).rules
        except RuleDataError as exc:
            yield f"{lang}-data", lang, exc, None
            continue
        for rule in rules:
            for n, example in enumerate(rule.examples):
                kind = "bad" if example.fires else "good"
                yield f"{lang}-{rule.id}-{kind}{n}", lang, rule, example


def verdict(report, rule, example) -> str | None:
    """None when the report agrees with the example, else what went wrong."""
    spans = sorted((f.start, f.end) for f in report.findings if f.rule == rule.id)
    if example.fires and not spans:
        return "did not fire"
    if not example.fires and spans:
        return f"fired on {[example.text[s:e] for s, e in spans if s is not None]}"
    if example.spans and spans != sorted(example.spans):
        return (f"spans {[example.text[s:e] for s, e in spans]} "
                f"!= marked {[example.text[s:e] for s, e in example.spans]}")
    if rule.kind == "length" and example.fires and spans != [(0, len(example.text))]:
        return "too-long must span the whole text"
    return None
