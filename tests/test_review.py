"""The Review API: listing claims, reviewer edits, re-extraction that keeps reviewer work."""

from __future__ import annotations

import pytest

from reviewtools.errors import InputError, NotFoundError
from reviewtools.review import extract_review, open_review
from tests.conftest import ARTICLE


def test_claims_dataframe(review):
    df = review.claims()
    assert len(df) == 41
    assert list(df.columns[:7]) == ["id", "section", "text", "start", "end", "flags", "parent"]
    assert df.iloc[0]["id"] == "intro-01"
    row = df.set_index("id").loc["stress-03"]
    assert "evidence-appeal" in row["flags"]
    assert "<table" in review._repr_html_()


def test_unknown_review_and_claim(settings, review):
    with pytest.raises(NotFoundError, match="no review 'nope'"):
        open_review("nope", settings=settings)
    with pytest.raises(NotFoundError, match="no claim 'sleep-99'"):
        review.claim("sleep-99")
    with pytest.raises(InputError, match="invalid claim id"):
        review.claim("../../etc/passwd")


def test_split_anchors_each_part_and_is_idempotent(review):
    parts = ["improvements in sleep latency",
             "an increase in slow-wave (N3) sleep architecture"]
    subs = review.split("sleep-04", parts, by="ann")
    assert [s.id for s in subs] == ["sleep-04a", "sleep-04b"]
    for sub, part in zip(subs, parts, strict=True):
        assert sub.parent == "sleep-04"
        assert review.snapshot[sub.anchor.start:sub.anchor.end] == part
    again = review.split("sleep-04", parts, by="ann")
    assert [s.revision for s in again] == [1, 1]


def test_add_merge_drop(review):
    added = review.add("Sleep quality is also enhanced", by="ann")
    assert added.origin == "added" and added.section == "intro"
    merged = review.merge(["mood-05", "mood-06"], by="ann")
    assert merged.text.startswith("Individuals seeking autonomy")
    assert merged.text.endswith("cultivation of inner freedom.")
    assert review.claim("mood-05").status == "dropped"
    with pytest.raises(InputError, match="needs a reason"):
        review.drop("mood-07", reason=" ", by="ann")
    with pytest.raises(InputError, match="not found in the article"):
        review.add("Foot massage cures everything.", by="ann")
    ids = set(review.claims()["id"])
    assert "mood-05" not in ids and merged.id in ids


def test_re_extraction_reanchors_and_keeps_judgements(review, settings, tmp_path):
    review.link("sleep-04", "trial2020a", stance="supports", outcome="sleep latency",
                quote="A quote.", by="ann")
    text = ARTICLE.read_text(encoding="utf-8")
    edited = text.replace("5 Benefits of Foot Massage", "Six Benefits of Foot Massage", 1)
    edited = edited.replace("Sleep quality is also enhanced through autonomic regulation. ", "")
    edited = edited.replace("improvements in sleep latency", "improvements in sleep onset latency")
    path = tmp_path / "edited.txt"
    path.write_text(edited, encoding="utf-8")
    report = extract_review(str(path), "foot-massage", settings=settings)
    assert report.orphaned == ["intro-04"]
    assert "sleep-04" in report.reanchored_fuzzy
    assert report.created == []
    review = open_review("foot-massage", settings=settings)
    claim = review.claim("sleep-04")
    assert claim.links and claim.links[0].key == "trial2020a"
    assert "sleep onset latency" in claim.text
    assert review.snapshot[claim.anchor.start:claim.anchor.end] == claim.text
    assert review.claim("intro-04").anchor.state == "orphaned"


def test_extraction_is_idempotent(review, settings):
    before = {p.name: p.read_bytes() for p in review.claims_dir.iterdir()}
    meta = (review.path / "review.yaml").read_bytes()
    report = extract_review(str(ARTICLE), "foot-massage", settings=settings)
    # every sentence is a record: 41 claims and 1 transition kept "not a claim"
    assert report.created == [] and len(report.unchanged) == 42
    assert {p.name: p.read_bytes() for p in review.claims_dir.iterdir()} == before
    assert (review.path / "review.yaml").read_bytes() == meta
