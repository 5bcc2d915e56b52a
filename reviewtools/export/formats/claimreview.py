"""schema.org ClaimReview JSON-LD: one review per assessed claim.

``reviewRating`` uses a five-point scale from 1 (contradicted) to 5 (supported);
``alternateName`` carries the verdict in words, which is what readers and fact-check
aggregators show. "Not testable" shares the midpoint with "uncertain" (neither
supported nor refuted) and is told apart by its ``alternateName``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from reviewtools.export.context import claim_anchor
from reviewtools.model.records import VERDICT_LABEL, Claim

if TYPE_CHECKING:
    from reviewtools.export.context import ExportContext

# The rating scale (documented in README): 1 contradicted, 2 not supported, 3 uncertain,
# 4 partly supported, 5 supported. "Not testable" and "no evidence" are not points on it:
# they are published by name only (alternateName), with no numeric rating.
RATING = {"contradicted": 1, "not supported": 2, "uncertain": 3, "partly supported": 4,
          "supported": 5}
BEST, WORST = 5, 1


def review_url(ctx: ExportContext, claim: Claim) -> str:
    """Where the review of this claim is published (relative without a base URL)."""
    page = f"summary.html#{claim_anchor(claim)}"
    return f"{ctx.base_url.rstrip('/')}/{page}" if ctx.base_url else page


def article_url(ctx: ExportContext) -> str | None:
    """Where the article was published: the URL recorded for it (``new --url``), else the
    http(s) address it was fetched from; None when unknown (never a local path or a guess)."""
    meta = ctx.review.meta
    for url in (meta.url, meta.source):
        if re.match(r"^https?://\S+$", url or ""):
            return url
    return None


def claim_review(ctx: ExportContext, claim: Claim) -> dict[str, object]:
    """One ClaimReview for a claim with a verdict."""
    if claim.verdict is None:
        raise ValueError(f"{claim.id} has no verdict to publish")
    meta = ctx.review.meta
    appearance: dict[str, object] = {"@type": "CreativeWork", "headline": meta.title,
                                     "identifier": f"sha256:{meta.sha256}"}
    url = article_url(ctx)
    if url:
        appearance["url"] = url
    rating: dict[str, object] = {"@type": "Rating",
                                 "alternateName": VERDICT_LABEL[claim.verdict.value]}
    if claim.verdict.value in RATING:
        rating.update(ratingValue=RATING[claim.verdict.value], bestRating=BEST,
                      worstRating=WORST)
    item: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": review_url(ctx, claim),
        "claimReviewed": " ".join(claim.text.split()),
        "itemReviewed": {"@type": "Claim", "appearance": appearance},
        "reviewRating": rating,
        "reviewBody": ctx.statement(claim),
        "author": {"@type": "Person", "name": claim.verdict.by},
        "datePublished": claim.verdict.at[:10],
    }
    if ctx.is_draft:  # schema.org CreativeWork: a review not finished says so
        item["creativeWorkStatus"] = "Draft"
    return item


def reviews(ctx: ExportContext) -> list[dict[str, object]]:
    return [claim_review(ctx, c) for c in ctx.claims if c.verdict is not None]


def write(ctx: ExportContext) -> list[Path]:
    """claimreview.jsonld: a JSON array of ClaimReview objects."""
    text = json.dumps(reviews(ctx), indent=2, ensure_ascii=False) + "\n"
    return [ctx.write_text("claimreview.jsonld", text)]
