"""Re-extraction: fit the claims already recorded to a new snapshot, and find the new ones.

Existing claims are never deleted: each is re-anchored to the new text (exact,
then fuzzy) or marked orphaned, keeping every judgement.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from reviewtools.article.importing import ArticleText
from reviewtools.claims.detection import extract_all, reanchor
from reviewtools.model.records import Claim, HistoryEntry, Section, now


@dataclass
class ExtractReport:
    """What an extraction run did: counts a reviewer can check at a glance."""

    slug: str
    created: list[str] = field(default_factory=list)
    reanchored_exact: list[str] = field(default_factory=list)
    reanchored_fuzzy: list[str] = field(default_factory=list)
    orphaned: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    not_claims: list[str] = field(default_factory=list)  # new sentences of another kind

    def summary(self) -> str:
        others = (f" ({len(self.not_claims)} of them not treated as claims: advice, marketing, "
                  "description ...; `reviewtools claim SLUG promote ID` makes one a claim)"
                  if self.not_claims else "")
        return (f"{self.slug}: {len(self.created)} new{others}, {len(self.unchanged)} unchanged, "
                f"{len(self.reanchored_exact)} moved, {len(self.reanchored_fuzzy)} re-anchored "
                f"(fuzzy), {len(self.orphaned)} orphaned"
                + (f": {', '.join(self.orphaned)}" if self.orphaned else ""))


@dataclass
class Reconciled:
    """The claims to save after a re-extraction: updated old ones and new ones."""

    report: ExtractReport
    updated: dict[str, Claim]
    created: list[Claim]


def _reanchored(claim: Claim, text: str, by: str, report: ExtractReport) -> Claim | None:
    anchor = reanchor(text, claim.quote, claim.anchor)
    if anchor == claim.anchor:
        report.unchanged.append(claim.id)
        return None
    updated = claim.model_copy(update={"anchor": anchor})
    if anchor.state == "fuzzy":
        new_text = text[anchor.start:anchor.end]
        field_name = "anchor_text" if claim.anchor_text else "text"  # keep reviewer wording
        updated = updated.model_copy(update={field_name: new_text})
        report.reanchored_fuzzy.append(claim.id)
        detail = f"text now {new_text[:80]!r}"
    elif anchor.state == "orphaned":
        report.orphaned.append(claim.id)
        detail = "not found in the new snapshot; judgements kept"
    else:
        report.reanchored_exact.append(claim.id)
        detail = f"moved to {anchor.start}"
    return updated.model_copy(update={"history": [*claim.history, HistoryEntry(
        at=now(), by=by, action=f"re-anchored ({anchor.state})", detail=detail)]})


def reconcile(slug: str, article: ArticleText, sections: Sequence[Section],
              existing: Mapping[str, Claim], *, by: str) -> Reconciled:
    """Re-anchor ``existing`` claims to ``article`` and extract the sentences none covers."""
    report = ExtractReport(slug=slug)
    updates: dict[str, Claim] = {}
    for cid, claim in existing.items():
        updated = _reanchored(claim, article.text, by, report)
        if updated is not None:
            updates[cid] = updated
    covered = [(c.anchor.start, c.anchor.end) for c in [*updates.values(), *existing.values()]
               if c.anchor.state != "orphaned"]
    new_claims: list[Claim] = []
    for ex in extract_all(article, list(sections)):
        if ex.id in existing or any(s <= ex.anchor.start < e for s, e in covered):
            continue
        claim_id = ex.id
        n = int(claim_id.rsplit("-", 1)[1])
        while claim_id in existing or claim_id in {c.id for c in new_claims}:
            n += 1
            claim_id = f"{ex.section}-{n:02d}"
        new_claims.append(Claim(
            id=claim_id, section=ex.section, text=ex.text, anchor=ex.anchor, flags=ex.flags,
            kind=ex.kind, kind_rule=ex.kind_rule, drop_reason=ex.reason,
            status="to-do" if ex.is_claim else "not a claim",
            history=[HistoryEntry(at=now(), by=by, action="extracted", detail=ex.kind_rule)]))
    report.created.extend(c.id for c in new_claims)
    report.not_claims.extend(c.id for c in new_claims if not c.is_claim)
    return Reconciled(report=report, updated=updates, created=new_claims)
