"""W3C Web Annotation JSON-LD: one ``assessing`` annotation per assessed claim.

Each annotation targets the claim's span of the article snapshot with a
TextQuoteSelector (exact, prefix, suffix) and a TextPositionSelector (start, end,
in Unicode code points, as the Web Annotation Data Model requires), so a client
can re-anchor it on the article. The body holds the verdict and certainty as
text and tags, and each cited study as a linking resource (DOI or PubMed URL).

The file is an ``AnnotationCollection`` with one ``AnnotationPage``; every
annotation also carries the ``@context`` so it stands alone when copied out.
Claims without a settled verdict (to do, in review, disputed) are left out.
"""

from __future__ import annotations

import json
import re
import uuid
from base64 import urlsafe_b64encode
from pathlib import Path
from typing import TYPE_CHECKING

from reviewtools import __version__
from reviewtools.export.context import claim_anchor
from reviewtools.grading.rules import display
from reviewtools.model.records import VERDICT_LABEL, Claim

if TYPE_CHECKING:
    from reviewtools.export.context import ExportContext

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
CONTEXT_LEN = 32  # characters of prefix/suffix context around the exact quote


def _iri(text: str) -> str:
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"reviewtools:{text}"))


def snapshot_iri(ctx: ExportContext) -> str:
    """The snapshot's hash as an RFC 6920 ``ni:`` IRI (the selectors match that exact text)."""
    digest = urlsafe_b64encode(bytes.fromhex(ctx.review.meta.sha256)).decode().rstrip("=")
    return f"ni:///sha-256;{digest}"


def source_iri(ctx: ExportContext) -> str:
    """The annotated resource: where the article was published (the URL recorded for it,
    else the http(s) address it was fetched from), else the snapshot's ``ni:`` IRI."""
    meta = ctx.review.meta
    for url in (meta.url, meta.source):
        if re.match(r"^https?://\S+$", url or ""):
            return url
    return snapshot_iri(ctx)


def study_url(fields: dict[str, object]) -> str | None:
    if fields.get("DOI"):
        return f"https://doi.org/{fields['DOI']}"
    if fields.get("PMID"):
        return f"https://pubmed.ncbi.nlm.nih.gov/{fields['PMID']}/"
    url = fields.get("URL")
    return str(url) if url else None


def selectors(snapshot: str, claim: Claim) -> list[dict[str, object]]:
    """TextQuote + TextPosition selectors for the claim's span (quote only if orphaned)."""
    a = claim.anchor
    if a.state == "orphaned" or not (0 <= a.start < a.end <= len(snapshot)):
        return [{"type": "TextQuoteSelector", "exact": claim.text}]
    exact = snapshot[a.start:a.end]
    return [
        {"type": "TextQuoteSelector", "exact": exact,
         "prefix": snapshot[max(0, a.start - CONTEXT_LEN):a.start],
         "suffix": snapshot[a.end:a.end + CONTEXT_LEN]},
        {"type": "TextPositionSelector", "start": a.start, "end": a.end},
    ]


def annotation(ctx: ExportContext, claim: Claim) -> dict[str, object]:
    """One Web Annotation for an assessed claim."""
    from reviewtools.export.formats.markdown import csl_item
    if claim.verdict is None:
        raise ValueError(f"{claim.id} has no verdict to annotate")
    certainty = claim.grade.certainty if claim.grade else None
    statement = ctx.statement(claim)
    verdict = VERDICT_LABEL[claim.verdict.value]
    reason = claim.verdict.reason.strip()
    if reason and not reason.endswith((".", "!", "?")):
        reason += "."
    text = (f"Verdict: {verdict}. Certainty of the evidence: {display(certainty)}. "
            f"{statement}" + (f" Reason: {reason}" if reason else "")
            + (" The article overstates this claim." if claim.verdict.overstated else ""))
    body: list[dict[str, object]] = [
        {"type": "TextualBody", "purpose": "assessing", "value": " ".join(text.split()),
         "format": "text/plain", "language": "en"},
        {"type": "TextualBody", "purpose": "tagging", "value": f"verdict: {claim.verdict.value}"},
        {"type": "TextualBody", "purpose": "tagging",
         "value": f"certainty: {certainty or 'not graded'}"},
    ]
    for key in dict.fromkeys(lk.key for lk in claim.links):
        url = study_url(csl_item(key, ctx.bib.get(key, {})))
        if url:
            body.append({"type": "SpecificResource", "purpose": "linking", "source": url})
    meta = ctx.review.meta
    item: dict[str, object] = {
        "@context": CONTEXT,
        "id": _iri(f"{meta.slug}/{claim.id}"),
        "type": "Annotation",
        "motivation": "assessing",
        "created": claim.verdict.at,
        "creator": {"type": "Person", "nickname": claim.verdict.by},
        "generator": {"type": "Software", "name": f"reviewtools {__version__}"},
        "body": body,
        "target": {
            "source": source_iri(ctx),
            "selector": selectors(ctx.review.snapshot, claim),
            "state": {"type": "TimeState", "sourceDate": meta.retrieved,
                      "cached": snapshot_iri(ctx)},
        },
    }
    if ctx.base_url:
        item["canonical"] = f"{ctx.base_url.rstrip('/')}/summary.html#{claim_anchor(claim)}"
    return item


def collection(ctx: ExportContext) -> dict[str, object]:
    items = [annotation(ctx, c) for c in ctx.claims if c.verdict is not None]
    meta = ctx.review.meta
    return {
        "@context": CONTEXT,
        "id": _iri(f"{meta.slug}/annotations"),
        "type": "AnnotationCollection",
        "label": ("Draft (not finished) e" if ctx.is_draft else "E")
        + f"vidence review of the claims in: {meta.title}",
        "total": len(items),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }


def write(ctx: ExportContext) -> list[Path]:
    """annotations.jsonld."""
    text = json.dumps(collection(ctx), indent=2, ensure_ascii=False) + "\n"
    return [ctx.write_text("annotations.jsonld", text)]
