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
        assert reviewed["appearance"]["url"] == "../../evidence/foot-massage/article.txt"
        rating = item["reviewRating"]
        assert rating["@type"] == "Rating"
        assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
        assert rating["alternateName"] == VERDICT_LABEL[claim.verdict.value]
        assert item["author"] == {"@type": "Person", "name": "ann"}
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", item["datePublished"])
        assert item["datePublished"] == claim.verdict.at[:10]
        assert item["reviewBody"]
    ratings = {r["url"].split("#claim-")[1]: r["reviewRating"]["ratingValue"] for r in reviews}
    assert ratings["pain-01"] > ratings["sleep-01"]  # partly supported above uncertain


def test_base_url_makes_urls_absolute(review, settings, tmp_path):
    judge(review, settings)
    reviews = _load(review, tmp_path, base_url="https://example.org/fm")
    assert all(r["url"].startswith("https://example.org/fm/summary.html#claim-")
               for r in reviews)
    assert reviews[0]["itemReviewed"]["appearance"]["url"] == "https://example.org/fm/article.txt"
