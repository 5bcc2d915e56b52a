"""Tables for notebooks and the CLI: status, links, studies, evidence matrix, SoF table."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from reviewtools.claims.topics import topic_of, topic_slug
from reviewtools.grading.progress import STATUS_COLUMNS, status_rows
from reviewtools.grading.rules import display
from reviewtools.model.records import VERDICT_LABEL
from reviewtools.store.folders import ReviewFolder, load_studies


def status_table(reviews: Sequence[ReviewFolder]) -> pd.DataFrame:
    """Progress per section: claims, reviewed, graded, disputed, to do."""
    return pd.DataFrame(status_rows(reviews), columns=STATUS_COLUMNS)


def links_table(review: ReviewFolder) -> pd.DataFrame:
    rows = [{"claim": c.id, "section": c.section, "key": lk.key, "stance": lk.stance,
             "outcome": lk.outcome, "directness": lk.directness, "quote": lk.quote, "by": lk.by}
            for c in review.load_claims(include_dropped=False) for lk in c.links]
    return pd.DataFrame(rows, columns=["claim", "section", "key", "stance", "outcome",
                                       "directness", "quote", "by"])


def studies_table(review: ReviewFolder) -> pd.DataFrame:
    keys = {lk.key for c in review.load_claims() for lk in c.links}
    studies = load_studies(review.settings)
    rows = [{"key": k, "design": s.design, "n": s.n, "n_unit": s.n_unit,
             "intervention": s.intervention_category, "population": s.population,
             "risk_of_bias": s.risk_of_bias.overall, "finding": s.finding}
            for k, s in sorted(studies.items()) if k in keys]
    return pd.DataFrame(rows, columns=["key", "design", "n", "n_unit", "intervention",
                                       "population", "risk_of_bias", "finding"])


def evidence_matrix(review: ReviewFolder) -> pd.DataFrame:
    """Claims x studies, each cell the stance of the link (empty where none)."""
    links = links_table(review)
    if links.empty:
        return pd.DataFrame()
    return links.pivot_table(index="claim", columns="key", values="stance",
                             aggfunc="first").fillna("")


def summary_of_findings(review: ReviewFolder, section: str | None = None) -> pd.DataFrame:
    """A GRADE Summary-of-Findings-style table: claim, studies, certainty, verdict, reasons."""
    rows = []
    protocol = review.protocol_or_none() if section else None
    for c in review.load_claims(include_dropped=False):
        if section and section not in (c.section, topic_slug(topic_of(c, protocol))):
            continue
        reasons = []
        if c.grade:
            for name, rating in c.grade.downgrades:
                if rating.levels:
                    reasons.append(f"{name.replace('_', ' ')} (-{rating.levels}): {rating.reason}")
            for name, rating in c.grade.upgrades:
                if rating.levels:
                    reasons.append(f"{name.replace('_', ' ')} (+{rating.levels}): {rating.reason}")
        rows.append({
            "claim": c.id, "text": c.text,
            "studies": len({lk.key for lk in c.links if lk.stance != "background"}),
            "certainty": display(c.grade.certainty if c.grade else None),
            "verdict": VERDICT_LABEL[c.verdict.value] if c.verdict else c.status,
            "overstated": bool(c.verdict and c.verdict.overstated),
            "reasons": "; ".join(reasons) or ("no studies found" if c.no_studies_found else ""),
        })
    return pd.DataFrame(rows, columns=["claim", "text", "studies", "certainty", "verdict",
                                       "overstated", "reasons"])
