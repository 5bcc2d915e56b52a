"""Extraction scored against the hand-made gold list (tests/data/foot-massage-gold.yaml)."""

from __future__ import annotations

from pathlib import Path

import yaml

from reviewtools.article.importing import load_article
from reviewtools.claims.detection import extract, sections_of
from reviewtools.review import open_review
from reviewtools.settings import Settings
from tests.conftest import ARTICLE, REPO

DATA = Path(__file__).resolve().parents[1] / "data"
GOLD = yaml.safe_load((DATA / "foot-massage-gold.yaml").read_text())


def _extracted():
    art = load_article(str(ARTICLE))
    return {c.text: c for c in extract(art, sections_of(art))}


def _scores():
    found = _extracted()
    gold_claims = {g["text"] for g in GOLD if g["claim"]}
    tp = len(gold_claims & set(found))
    return tp / len(found), tp / len(gold_claims), found


def test_gold_list_covers_every_sentence_once():
    art = load_article(str(ARTICLE))
    for g in GOLD:
        assert art.text.count(g["text"]) == 1, g["sentence"]


def test_recall_and_precision_at_least_95_percent():
    precision, recall, _ = _scores()
    assert recall >= 0.95, recall
    assert precision >= 0.95, precision


def test_every_appeal_to_unnamed_evidence_is_flagged():
    found = _extracted()
    missed = [g["sentence"] for g in GOLD if g["evidence_appeal"]
              and "evidence-appeal" not in found[g["text"]].flags]
    assert missed == []
    wrong = [g["sentence"] for g in GOLD if g["claim"] and not g["evidence_appeal"]
             and "evidence-appeal" in found[g["text"]].flags]
    assert wrong == []


def test_promotional_text_is_flagged():
    found = _extracted()
    for g in GOLD:
        if g["claim"]:
            assert ("promotional" in found[g["text"]].flags) is g["promotional"], g["sentence"]


def test_shipped_claims_are_anchored_to_the_snapshot():
    review = open_review("foot-massage", settings=Settings.from_env(root=REPO))
    claims = review.load_claims()
    assert len(claims) >= 41
    for c in claims:
        assert review.snapshot[c.anchor.start:c.anchor.end] == c.text, c.id
