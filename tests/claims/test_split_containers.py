"""A split sentence is a container: its parts are the claims, it is counted once in every
figure, and the parts read as sentences in the published summary. On the sauna page of the
gold list (tests/data/gold/sauna-stoked.yaml), which has no headings (claims go by topic)."""

from __future__ import annotations

import pytest
import yaml

from reviewtools.claims.edits import derived_verdict
from reviewtools.cli.main import main
from reviewtools.export.context import ExportContext
from reviewtools.export.formats.markdown import render
from reviewtools.grading.checks import check
from reviewtools.grading.progress import status_rows
from reviewtools.grading.tables import summary_of_findings
from reviewtools.model.records import Verdict, appeal_count, sentence_count
from reviewtools.review import extract_review, open_review
from tests.claims.gold import GOLD_DIR

SAUNA = yaml.safe_load((GOLD_DIR / "sauna-stoked.yaml").read_text(encoding="utf-8"))
FOUR = ("Regular use of a sauna has been shown to improve circulation and lower the risk of high "
        "blood pressure, heart disease, and stroke.")
PARTS = ["Regular sauna use improves circulation.",
         "Regular sauna use lowers the risk of stroke."]


@pytest.fixture
def sauna(settings, tmp_path):
    src = tmp_path / "sauna.md"
    src.write_text(SAUNA["source"], encoding="utf-8")
    extract_review(str(src), "sauna", settings=settings)
    review = open_review("sauna", settings=settings)
    parent = next(c for c in review.load_claims() if c.text == FOUR)
    assert "evidence-appeal" in parent.flags and "compound" in parent.flags
    return review, parent.id


def _figures(review, out):
    claims = review.load_claims(include_dropped=False)
    rows = status_rows([review])
    sof = summary_of_findings(review)
    md = render(ExportContext(review=review, out_dir=out), figures={})
    return claims, rows, sof, md


def test_a_two_part_split_counts_the_parent_once(sauna, tmp_path):
    review, parent_id = sauna
    claims, rows, sof, md = _figures(review, tmp_path / "before")
    n, appeals = len(claims), appeal_count(claims)
    review.split(parent_id, PARTS, by="ann", spans=["improve circulation", "stroke"])
    after, rows2, sof2, md2 = _figures(review, tmp_path / "after")
    # claim count: the parent gives way to its two parts (one more claim, not two)
    assert len(after) == n + 1
    assert sum(r["claims"] for r in rows2) == n + 1 and sum(r["to-do"] for r in rows2) == n + 1
    assert f"makes {n + 1} checkable health claims" in md2
    # the sentence behind them is still one sentence, with one appeal to evidence
    assert appeal_count(after) == appeals and sentence_count(after) == sentence_count(claims)
    assert f"{appeals} of them appeal to evidence" in md2
    # verdict table: the parts, not the parent
    ids = list(sof2["claim"])
    assert parent_id not in ids and {f"{parent_id}a", f"{parent_id}b"} <= set(ids)
    assert len(ids) == len(sof) + 1
    parent = review.claim(parent_id)
    assert parent.status == "split" and parent.is_container and not parent.is_claim
    # check wants no verdict from the container
    assert not [p for p in check(review.settings, ["sauna"]) if p.claim == parent_id]


def test_split_parts_read_as_sentences_in_the_summary(sauna, tmp_path):
    review, parent_id = sauna
    made = review.split(parent_id, PARTS, by="ann", spans=["improve circulation", "stroke"])
    assert [c.text for c in made] == PARTS
    assert [review.snapshot[c.anchor.start:c.anchor.end] for c in made] == [
        "improve circulation", "stroke"]
    md = render(ExportContext(review=review, out_dir=tmp_path / "out"), figures={})
    for part in PARTS:
        assert f"> {part}" in md
    assert f"### Claim {parent_id} " not in md
    assert "*Part of the article's sentence:* \"improve circulation\"" in md


def test_a_part_without_a_span_is_anchored_to_the_whole_sentence(sauna):
    review, parent_id = sauna
    made = review.split(parent_id, PARTS, by="ann")
    parent = review.claim(parent_id)
    assert all((c.anchor.start, c.anchor.end) == (parent.anchor.start, parent.anchor.end)
               for c in made)
    assert made[0].anchor_text == FOUR and made[0].quote == FOUR


def test_a_containers_verdict_is_derived_from_its_parts(sauna):
    review, parent_id = sauna
    a, b = review.split(parent_id, PARTS, by="ann")
    assert derived_verdict([a, b]) is None

    def judged(c, value):
        return c.model_copy(update={"verdict": Verdict(value=value, by="ann", reason="r",
                                                       at="2026-12-02T00:00:00Z")})
    assert derived_verdict([judged(a, "supported"), judged(b, "uncertain")]) == \
        "partly supported"
    assert derived_verdict([judged(a, "uncertain"), judged(b, "uncertain")]) == "uncertain"


def test_rerunning_a_split_changes_nothing_even_an_old_one(sauna, settings):
    review, parent_id = sauna
    parts = ["improve circulation", "lower the risk of high blood pressure"]
    review.split(parent_id, parts, by="ann")
    assert review.claim(parent_id).status == "split"
    old = review.claim(parent_id)
    review.save(old.model_copy(update={"status": "reviewed"}))  # as a split before containers
    before = {p.name: p.read_bytes() for p in review.claims_dir.iterdir()}
    assert main(["claim", "sauna", "split", parent_id, *parts, "--root",
                 str(settings.root)]) == 0
    assert {p.name: p.read_bytes() for p in review.claims_dir.iterdir()} == before
    assert review.claim(parent_id).is_claim  # kept as the reviewer recorded it


def test_articles_without_headings_are_published_by_topic(sauna, tmp_path, settings):
    review, _ = sauna
    ctx = ExportContext(review=review, out_dir=tmp_path / "out")
    headings = [g.heading for g in ctx.sections]
    assert "Introduction" not in headings and ctx.group_label == "Topic"
    assert {"Cardiovascular", "Harms and safety", "Sleep"} <= set(headings)
    harms = next(g for g in ctx.sections if g.heading == "Harms and safety")
    assert [c.kind for c in harms.claims] == ["harm-claim"]
    md = render(ctx, figures={})
    assert "| Topic | Claims |" in md and "| Benefit |" not in md
    dropped = md.split("## Sentences not treated as claims")[1]
    assert "advice" in dropped.split("\n## ")[0]  # listed with its kind as the reason


def test_the_reviewer_renames_and_regroups_topics(sauna, settings):
    review, parent_id = sauna
    before = review.topics()
    assert "Cardiovascular" in set(before["topic"])
    review.rename_topic("Cardiovascular", "Heart and circulation", by="ann")
    after = review.topics()
    assert "Cardiovascular" not in set(after["topic"])
    assert (after["topic"] == "Heart and circulation").sum() == (
        before["topic"] == "Cardiovascular").sum()
    assert main(["claim", "sauna", "topic", "Skin and hair", parent_id, "--root",
                 str(settings.root)]) == 0
    assert review.claim(parent_id).topic == "Skin and hair"
