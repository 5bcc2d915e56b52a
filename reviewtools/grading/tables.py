"""Tables for notebooks and the CLI: status, links, studies, evidence matrix, SoF table."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from reviewtools.claims.topics import topic_of, topic_slug
from reviewtools.grading.progress import STATUS_COLUMNS, status_rows
from reviewtools.grading.rules import display
from reviewtools.model.records import VERDICT_LABEL, Link
from reviewtools.settings import Settings
from reviewtools.store.cache import gc_paused
from reviewtools.store.folders import (
    ReviewFolder,
    claim_tables,
    list_reviews,
    load_studies,
    study_table,
)
from reviewtools.store.rows import CLAIM_COLUMNS

LINK_COLUMNS = ["claim", "section", "key", "stance", "outcome", "directness", "quote", "by"]


def status_table(reviews: Sequence[ReviewFolder]) -> pd.DataFrame:
    """Progress per section: claims, reviewed, graded, disputed, to do."""
    return pd.DataFrame(status_rows(reviews), columns=STATUS_COLUMNS)


def links_table(review: ReviewFolder) -> pd.DataFrame:
    rows = [{"claim": c["id"], "section": c["section"], **{k: lk[k] for k in LINK_COLUMNS[2:]}}
            for c in review.claim_rows(include_dropped=False, links=True) for lk in c["links"]]
    return pd.DataFrame(rows, columns=LINK_COLUMNS)


def studies_table(review: ReviewFolder) -> pd.DataFrame:
    keys = {k for c in review.claim_rows() for k in c["keys"]}
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


# ---- the whole repository at once (from the derived index: no YAML, no validation) ------


def _reviews(settings: Settings, slugs: list[str] | None) -> list[ReviewFolder]:
    return [ReviewFolder(s, settings) for s in (slugs or list_reviews(settings))]


def claims_frame(settings: Settings, slugs: list[str] | None = None, *,
                 include_dropped: bool = True) -> pd.DataFrame:
    """Every claim of the named reviews (all when ``slugs`` is empty): ``review`` and the
    claim table's columns, in review then article order."""
    return repository_frames(settings, slugs, include_dropped=include_dropped,
                             studies=False)["claims"]


def links_frame(settings: Settings, slugs: list[str] | None = None, *,
                include_dropped: bool = True) -> pd.DataFrame:
    """Every link of every claim: ``review``, ``claim`` and the link's fields."""
    return repository_frames(settings, slugs, include_dropped=include_dropped,
                             studies=False)["links"]


def studies_frame(settings: Settings) -> pd.DataFrame:
    """Every appraised study, one row each, with every field of its record."""
    with gc_paused():
        return pd.DataFrame(study_table(settings))


def repository_frames(settings: Settings, slugs: list[str] | None = None, *,
                      include_dropped: bool = True, studies: bool = True,
                      ) -> dict[str, pd.DataFrame]:
    """``claims`` (:func:`claims_frame`), ``links`` (:func:`links_frame`) and, with
    ``studies``, ``studies`` (:func:`studies_frame`), from one read of the claim files."""
    with gc_paused():
        reviews = _reviews(settings, slugs)
        tables = claim_tables(reviews)
        claims: dict[str, list] = {"review": [], **{k: [] for k in CLAIM_COLUMNS}}
        links: dict[str, list] = {"review": [], "claim": [], **{f: [] for f in Link.model_fields}}
        for slug, table in tables.items():
            part, linked = table["claims"], table["links"]
            if not include_dropped:
                part, linked = _without_dropped(part, linked)
            claims["review"] += [slug] * len(part["id"])
            links["review"] += [slug] * len(linked["claim"])
            for name, values in part.items():
                claims[name] += values
            for name in links.keys() - {"review"}:
                links[name] += linked[name]
        frames = {"claims": pd.DataFrame(claims), "links": pd.DataFrame(links)}
    if studies:
        frames["studies"] = studies_frame(settings)
    return frames


def _without_dropped(claims: dict[str, list], links: dict[str, list],
                     ) -> tuple[dict[str, list], dict[str, list]]:
    keep = [i for i, status in enumerate(claims["status"]) if status != "dropped"]
    kept = set(keep)
    rows = [i for i, position in enumerate(links["position"]) if position in kept]
    return ({k: [v[i] for i in keep] for k, v in claims.items()},
            {k: [v[i] for i in rows] for k, v in links.items()})
