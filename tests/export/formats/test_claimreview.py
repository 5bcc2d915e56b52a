"""claimreview.jsonld: one schema.org ClaimReview per assessed claim, with every field."""

from __future__ import annotations

import json
import re

from reviewtools.model.records import VERDICT_LABEL

from . import export, judge


def _load(review, tmp_path, **kw):
    path = export(review, tmp_path, ["claimreview"], **kw)["claimreview.jsonld"]
    return json.loads(path.read_text(encoding="utf-8"))


def test_every_field(review, settings, tmp_path):
    judge(review, settings)
    reviews = _load(review, tmp_path)
    claims = {c.id: c for c in review.load_claims() if c.verdict}
    assert len(reviews) == len(claims) == 4
    for item in reviews:
        assert item["@context"] == "https://schema.org" and item["@type"] == "ClaimReview"
        claim_id = item["url"].split("#claim-")[1]
        claim = claims[claim_id]
        assert item["claimReviewed"] == " ".join(claim.text.split())
        reviewed = item["itemReviewed"]
        assert reviewed["@type"] == "Claim"
        assert reviewed["appearance"]["@type"] == "CreativeWork"
        assert "url" not in reviewed["appearance"]  # the article's address is not known
        rating = item["reviewRating"]
        assert rating["@type"] == "Rating"
        if claim.verdict.value in ("not testable", "no evidence"):
            assert "ratingValue" not in rating  # a name, not a point on the scale
        else:
            assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
        assert rating["alternateName"] == VERDICT_LABEL[claim.verdict.value]
        assert item["author"] == {"@type": "Person", "name": "ann"}
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", item["datePublished"])
        assert item["datePublished"] == claim.verdict.at[:10]
        assert item["reviewBody"]
    ratings = {r["url"].split("#claim-")[1]: r["reviewRating"].get("ratingValue")
               for r in reviews}
    assert ratings["pain-01"] > ratings["sleep-01"]  # partly supported above uncertain


def test_base_url_makes_urls_absolute(review, settings, tmp_path):
    judge(review, settings)
    reviews = _load(review, tmp_path, base_url="https://example.org/fm")
    assert all(r["url"].startswith("https://example.org/fm/summary.html#claim-")
               for r in reviews)
    assert "url" not in reviews[0]["itemReviewed"]["appearance"]  # never a guessed address


def test_the_articles_recorded_url_is_its_appearance_and_not_testable_has_no_number(
        review, settings, tmp_path):
    from reviewtools.review import set_url
    judge(review, settings)
    set_url(review, "https://blog.invalid/foot-post")
    review.verdict("sleep-05", "not testable", by="ann", reason="names no outcome")
    reviews = _load(review, tmp_path)
    assert {r["itemReviewed"]["appearance"]["url"] for r in reviews} == {
        "https://blog.invalid/foot-post"}
    vague = next(r for r in reviews if r["url"].endswith("#claim-sleep-05"))
    assert vague["reviewRating"] == {"@type": "Rating", "alternateName": "Not testable"}
