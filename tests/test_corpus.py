"""The blind corpus is well formed, and its test split is frozen: the files the
accuracy figures are reported on cannot change without this test saying so."""
import hashlib
import tomllib

import pytest

import checks
from conftest import ROOT

CORPUS = ROOT / "tests" / "corpus"
FROZEN = CORPUS / "FROZEN.sha256"
LABELLED = [r for r in checks.catalogue() if r not in ("too-long", "problem-unnamed")]
PRESENCE = {r for r, m in checks.catalogue().items() if m["kind"] == "presence"}
FILES = sorted(p for split in ("dev", "test") for p in (CORPUS / split).glob("*.toml"))
PHRASES = sorted((CORPUS / "phrases").glob("*.toml"))
FIRST_CONTACT = sorted((CORPUS / "first-contact").glob("*.json"))


def test_every_language_has_both_splits():
    assert {(p.parent.name, p.stem) for p in FILES} == {(s, lang) for s in ("dev", "test") for lang in checks.LANGUAGES}


def test_the_test_split_is_frozen():
    recorded = dict(line.split("  ")[::-1] for line in FROZEN.read_text(encoding="utf-8").splitlines() if line)
    actual = {p.relative_to(CORPUS).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
              for p in FILES if p.parent.name == "test"}
    assert actual == recorded, "the frozen test split changed: it must not be tuned on or edited"


@pytest.mark.parametrize("path", FILES, ids=[p.relative_to(CORPUS).as_posix() for p in FILES])
def test_replies_are_labelled_by_the_catalogue(path):
    replies = tomllib.loads(path.read_text(encoding="utf-8"))["reply"]
    ids = [r["id"] for r in replies]
    assert len(ids) == len(set(ids))
    for r in replies:
        assert set(r["fires"]) <= set(LABELLED), r["id"]
        assert r["writer"] in ("native", "learner", "real"), r["id"]
        assert r["source"].startswith("http") == (r["writer"] == "real"), r["id"]
        for rule, excerpts in r.get("evidence", {}).items():
            assert rule in r["fires"] and rule in PRESENCE, (r["id"], rule)
            assert all(e in r["text"] for e in excerpts), (r["id"], rule)


def test_ids_do_not_cross_splits():
    seen = {}
    for path in FILES:
        for r in tomllib.loads(path.read_text(encoding="utf-8"))["reply"]:
            assert r["id"] not in seen, (r["id"], seen.get(r["id"]), path.name)
            seen[r["id"]] = path.parent.name


@pytest.mark.parametrize("path", PHRASES, ids=[p.name for p in PHRASES])
def test_phrase_banks_are_labelled_by_the_catalogue(path):
    """A phrase bank (development material, tests/corpus/phrases/): one rule per
    phrase, a label that says whether it should fire, evidence copied exactly."""
    phrases = tomllib.loads(path.read_text(encoding="utf-8"))["phrase"]
    assert len({p["id"] for p in phrases}) == len(phrases)
    for p in phrases:
        assert p["id"].startswith(path.stem + "-"), p["id"]
        assert p["rule"] in LABELLED, p["id"]
        kind = "presence" if p["rule"] in PRESENCE else "absence"
        assert p["label"] in {"presence": ("fires", "near-miss"), "absence": ("meets", "does-not-meet")}[kind], p["id"]
        assert p["text"].strip(), p["id"]
        assert all(e in p["text"] for e in p.get("evidence", [])), p["id"]
        assert not p.get("evidence") or p["label"] == "fires", p["id"]


def test_phrase_ids_differ_from_reply_ids():
    replies = {r["id"] for path in FILES for r in tomllib.loads(path.read_text(encoding="utf-8"))["reply"]}
    phrases = {p["id"] for path in PHRASES for p in tomllib.loads(path.read_text(encoding="utf-8"))["phrase"]}
    assert not replies & phrases


@pytest.mark.parametrize("path", sorted((CORPUS / "reviews").glob("*.toml")), ids=lambda p: p.stem)
def test_a_second_readers_clear_changes_are_the_labels(path):
    # reviews/<batch>-<lang>.toml: a second reader's disagreements with the writer.
    # "clear" ones (the label contradicts the contract or GUIDE.md) were applied to
    # dev/; "arguable" ones are a record. The record and the labels must not drift.
    lang = path.stem.rsplit("-", 1)[1]
    dev = {r["id"]: r for r in tomllib.loads((CORPUS / "dev" / f"{lang}.toml").read_text(encoding="utf-8"))["reply"]}
    # a reader who agreed with every label records no change (the file then says so in its head)
    text = path.read_text(encoding="utf-8")
    changes = tomllib.loads(text).get("change", [])
    assert changes or "0 clear changes, 0 arguable" in text
    assert {c["verdict"] for c in changes} <= {"clear", "arguable"}
    for change in changes:
        reply = dev[change["id"]]
        if change["verdict"] == "clear":
            assert reply["fires"] == change["fires"], change["id"]
            assert reply.get("evidence", {}) == change.get("evidence", {}), change["id"]
        assert change["reason"].strip(), change["id"]


@pytest.mark.parametrize("path", FIRST_CONTACT, ids=[p.name for p in FIRST_CONTACT])
def test_a_first_contact_record_names_dev_replies_and_catalogue_rules(path):
    """What the checker said to a batch when it first met it (tests/first_contact.py):
    every reply of the batch in dev, each finding a catalogue rule with a span inside
    the text for a presence rule and none for an absence rule."""
    import json
    data = json.loads(path.read_text(encoding="utf-8"))
    assert path.stem == data["batch"].strip("-") and data["commit"]
    texts = {r["id"]: r["text"] for p in FILES if p.parent.name == "dev"
             for r in tomllib.loads(p.read_text(encoding="utf-8"))["reply"] if data["batch"] in r["id"]}
    assert set(data["said"]) == set(texts)
    for reply_id, findings in data["said"].items():
        for rule, start, end in findings:
            assert checks.catalogue()[rule]["severity"] == "error", (reply_id, rule)
            if rule in PRESENCE:
                assert 0 <= start < end <= len(texts[reply_id]), (reply_id, rule)
            else:
                assert start is None and end is None, (reply_id, rule)


def test_first_contact_records_what_the_checker_says(tmp_path):
    """tests/first_contact.py on the working tree: the error findings of checks.check,
    one reply to a line, read back as JSON."""
    import json
    import first_contact        # tests/ is on the path (conftest.py)
    (tmp_path / "dev").mkdir()
    texts = {"en": "You should have read the label. Nothing we can do.", "el": "Συγγνώμη.",
             "ar": "نعتذر.", "et": "Vabandame.", "he": "סליחה."}
    for lang, text in texts.items():
        (tmp_path / "dev" / f"{lang}.toml").write_text(
            f'[[reply]]\nid = "{lang}-bx-001"\ntext = """{text}"""\n', encoding="utf-8")
    data = first_contact.record("-bx-", None, tmp_path)
    assert json.loads(first_contact.dumps(data)) == data
    for lang, text in texts.items():
        expected = [[f.rule, f.start, f.end] for f in checks.check(text, lang).findings if f.severity == "error"]
        assert data["said"][f"{lang}-bx-001"] == expected
    assert {"blame-customer", "refusal"} <= {rule for rule, _, _ in data["said"]["en-bx-001"]}
