"""Helpers the notebooks call, so no logic lives only in a notebook.

>>> from reviewtools import notebook as nb
>>> review = nb.open_shipped("sauna")               # doctest: +SKIP
>>> nb.section_claims(review, "sleep")               # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from reviewtools.errors import NetworkError, NotFoundError, ReviewToolsError
from reviewtools.literature import bib
from reviewtools.review import Review, open_review
from reviewtools.settings import Settings


def find_root(start: Path | None = None) -> Path:
    """The repository root: ``$REVIEWTOOLS_ROOT``, else the nearest folder above the current
    one that holds ``evidence/``."""
    env = os.environ.get("REVIEWTOOLS_ROOT")
    if env:
        return Path(env)
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "evidence").is_dir():
            return folder
    raise NotFoundError("no evidence/ folder found above the current directory",
                        hint="set REVIEWTOOLS_ROOT to the repository root")


def open_shipped(slug: str, *, offline: bool | None = None) -> Review:
    """Open a review in this repository (notebooks run offline unless told otherwise)."""
    off = offline if offline is not None else os.environ.get("REVIEWTOOLS_OFFLINE", "1") != "0"
    settings = Settings.from_env(root=find_root(), offline=off)
    return open_review(slug, settings=settings)


def open_here(slug: str, *, offline: bool | None = None) -> Review:
    """Open review ``slug`` of the repository this notebook is in (found from the current
    folder, so a notebook in ``notebooks/<slug>/`` works); online unless told otherwise
    (``offline=True`` or ``REVIEWTOOLS_OFFLINE=1``)."""
    settings = Settings.from_env(root=find_root(), offline=offline)
    return open_review(slug, settings=settings)


def protocol_outcomes(review: Review) -> pd.DataFrame:
    """The protocol's outcomes: id, name, importance, direction, MID (or why none)."""
    rows = [{"id": o.id, "outcome": o.name, "importance": o.importance,
             "direction": o.direction,
             "mid": f"{o.mid.value:g} {o.mid.unit}" if o.mid else o.no_mid_reason}
            for o in review.protocol.outcomes]
    return pd.DataFrame(rows, columns=["id", "outcome", "importance", "direction", "mid"])


def section_claims(review: Review, section: str) -> pd.DataFrame:
    """The section's claims with their anchored text and flags."""
    df = review.claims()
    df = df[df["section"] == section]
    return df[["id", "text", "start", "end", "flags", "parent", "status"]].reset_index(drop=True)


def claims_of(review: Review, ids: Iterable[str]) -> pd.DataFrame:
    """Claims ``ids`` (in that order; a dict's keys) with text, flags, verdict, certainty."""
    ids = list(ids)
    df = review.claims().set_index("id")
    cols = [c for c in ("section", "text", "flags", "status", "verdict", "certainty",
                        "overstated") if c in df.columns]
    return df.loc[[i for i in ids if i in df.index], cols]


def section_figure(review: Review, section: str):  # noqa: ANN201 - matplotlib Figure
    """The section's certainty-by-verdict figure (see :mod:`reviewtools.export.figures`)."""
    from reviewtools.export.figures import section_figure as draw
    return draw(review, section)


def references(review: Review, keys: list[str] | None = None) -> pd.DataFrame:
    """The references.bib records (title, year, DOI, PMID, verification) for ``keys``."""
    entries = bib.entries(review.settings.bib_path)
    keys = keys if keys is not None else sorted(
        {lk.key for c in review.load_claims() for lk in c.links})
    rows = [{"key": k, "title": entries[k].get("title", ""), "year": entries[k].get("year", ""),
             "doi": entries[k].get("doi", ""), "pmid": entries[k].get("pmid", ""),
             "verified": entries[k].get("verified", "")} for k in keys if k in entries]
    return pd.DataFrame(rows, columns=["key", "title", "year", "doi", "pmid", "verified"])


def section_keys(review: Review, section: str) -> list[str]:
    return sorted({lk.key for c in review.load_claims() if c.section == section
                   for lk in c.links})


def candidate_search(review: Review, claim_id: str) -> pd.DataFrame:
    """Run the claim's candidate search; offline without a cached answer, say so and show
    the verified records already linked to the claim instead (never a made-up response)."""
    try:
        from reviewtools.literature.search import search_candidates
    except ImportError:  # pragma: no cover - literature layer not installed
        search_candidates = None
    if search_candidates is not None:
        try:
            return search_candidates(review, claim_id)
        except (NetworkError, ReviewToolsError) as exc:
            print(f"Live search unavailable ({exc}).")
    print("Showing the verified records linked to this claim in the evidence files.")
    keys = sorted({lk.key for lk in review.claim(claim_id).links})
    return references(review, keys)


def searches_made(review: Review, section: str) -> pd.DataFrame:
    """The searches recorded for claims with no studies found."""
    rows = [{"claim": c.id, "search": s} for c in review.load_claims()
            if c.section == section for s in c.searched]
    return pd.DataFrame(rows, columns=["claim", "search"])


def my_assessments(review: Review) -> pd.DataFrame:
    """Dual review, for ``review.reviewer``: every protocol profile with your assessment's
    status and certainty, and what blinding lets you see of the others (no other
    reviewer's certainty while yours is not submitted; open the review with
    ``review.as_reviewer(name)``)."""
    rows = []
    for spec in review.protocol.profiles:
        if not review.profile_path(spec.id).is_file():
            continue
        view = review.blind_view(spec.id)
        rows.append({"profile": spec.id,
                     "importance": review.protocol.outcome(spec.outcome).importance,
                     "status": view.own.status if view.own else "not opened",
                     "certainty": view.own.certainty if view.own else None,
                     "others": view.summary()})
    return pd.DataFrame(rows, columns=["profile", "importance", "status", "certainty",
                                       "others"])


def risk_of_bias(review: Review, keys: Iterable[str]) -> pd.DataFrame:
    """The risk-of-bias assessments of studies ``keys`` (``evidence/rob/``) as derived from
    their answers: tool, outcome, each domain's rating, the overall rating and the level
    GRADE weighs (low / some concerns / high), who assessed and on what; the answers
    themselves stay in the files. A study with none shows its appraisal's label."""
    from reviewtools.appraisal.risk import grading_level, load_assessments
    from reviewtools.store.folders import load_study
    tools = load_assessments(review.settings)
    rows = []
    for key in dict.fromkeys(keys):
        found = tools.get(key)
        for a in found.assessments if found else []:
            rows.append({"study": key, "tool": a.tool, "outcome": a.outcome,
                         "domains": "; ".join(f"{k} {v}" for k, v in a.domain_ratings.items()),
                         "overall": a.overall, "grade level": grading_level(a),
                         "assessor": a.assessor + (" (AI-assisted)" if a.ai_assisted else ""),
                         "date": str(a.date), "note": a.note})
        if not found or not found.assessments:
            study = load_study(key, review.settings)
            rows.append({"study": key, "tool": "appraisal label", "outcome": "",
                         "domains": "", "overall": study.risk_of_bias.overall,
                         "grade level": study.risk_of_bias.overall,
                         "assessor": study.appraised_by, "date": "", "note":
                         "no tool-based assessment; the study record's label"})
    return pd.DataFrame(rows, columns=["study", "tool", "outcome", "domains", "overall",
                                       "grade level", "assessor", "date", "note"])


def profile_rating(review: Review, profile_id: str) -> pd.DataFrame:
    """A profile's certainty rating domain by domain (the library's proposal and the
    decision that stands, with reasons); ``.attrs``: certainty, who rated, reviewers
    reconciled. In blind mode only what blinding lets ``review.reviewer`` see (nothing of
    a rating hidden from them, never another reviewer's open assessment)."""
    profile = review.profile(profile_id)
    rating = profile.rating
    cols = ["domain", "proposed levels", "proposal", "levels", "reason"]
    if rating is None:
        df = pd.DataFrame([], columns=cols)
        df.attrs.update(certainty=None, by=None)
        return df
    rows = []
    for kind in ("downgrades", "upgrades"):
        for name, decided in getattr(rating, kind):
            proposal = rating.proposals.get(name)
            rows.append({"domain": name, "proposed levels": proposal.levels if proposal else 0,
                         "proposal": proposal.reason if proposal else "",
                         "levels": decided.levels, "reason": decided.reason})
    df = pd.DataFrame(rows, columns=cols)
    df.attrs.update(start=rating.start, proposed=rating.proposed, certainty=rating.certainty,
                    by=rating.by, reviewers=list(rating.reviewers),
                    reconciliation=rating.reconciliation,
                    override_justification=rating.override_justification)
    return df


def profile_entries(review: Review, profile_id: str) -> pd.DataFrame:
    """A profile's results as recorded: study, outcome as reported, direction, n, effect
    with its confidence interval, and who recorded it."""
    rows = [{"study": e.study, "outcome": e.outcome, "direction": e.direction, "n": e.n,
             "effect": " ".join(x for x in (e.measure, "" if e.value is None else f"{e.value:g}",
                                            "" if e.ci_low is None or e.ci_high is None else
                                            f"({e.ci_low:g} to {e.ci_high:g})") if x),
             "by": e.by} for e in review.profile(profile_id).entries]
    return pd.DataFrame(rows, columns=["study", "outcome", "direction", "n", "effect", "by"])
