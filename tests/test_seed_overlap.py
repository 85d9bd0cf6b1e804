"""The handbook is written in its own words: under 1% of its 8-word runs, in any
language, also occur in a seed article (tests/seed_overlap.py says how, and
prints the figures)."""
import pytest

import seed_overlap
from checks import LANGUAGES


def test_the_seed_runs_are_there():
    assert len(seed_overlap.seed_runs()) > 5000


@pytest.mark.parametrize("lang", LANGUAGES)
def test_under_one_percent_of_the_handbooks_runs_are_in_a_seed(lang):
    shared, total, per_file = seed_overlap.overlap(lang, seed_overlap.seed_runs())
    assert total > 5000   # pages, scenarios, rule messages and UI strings were all read
    assert shared / total < 0.01, per_file


def test_a_copied_passage_is_found_however_it_is_typed(monkeypatch):
    passage = "Η συγγνώμη είναι το καλύτερο εργαλείο που έχει κάθε υπάλληλος στον πάγκο"
    seeds = seed_overlap.run_hashes(passage)
    monkeypatch.setattr(seed_overlap, "handbook_texts", lambda lang: {
        "docs/el/a.md": "Πρώτα απ' όλα: η ΣΥΓΓΝΩΜΗ ειναι το καλυτερο εργαλειο που εχει καθε υπαλληλος στον πάγκο.",
        "docs/el/b.md": "Κάτι εντελώς διαφορετικό, γραμμένο με δικά μας λόγια από την αρχή ως το τέλος."})
    shared, total, per_file = seed_overlap.overlap("el", seeds)
    assert shared == len(seeds) == 5 and per_file == {"docs/el/a.md": 5}
