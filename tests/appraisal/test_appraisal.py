"""Judgements: idempotent re-runs, refusing to overwrite another reviewer, dual review."""

from __future__ import annotations

import pytest

from reviewtools.appraisal.studies import appraise
from reviewtools.errors import ConflictError, GradingError, InputError, NotFoundError
from reviewtools.grading.rules import agreement


def _appraise_all(settings):
    appraise("trial2020a", by="ann", design="RCT", population="adults with insomnia",
             intervention="foot massage 20 min nightly", intervention_category="foot massage",
             risk_of_bias="high", rob_reasons="unblinded, small", n=60, settings=settings)
    appraise("trial2021b", by="ann", design="RCT", population="older adults",
             intervention="foot reflexology", intervention_category="foot reflexology",
             risk_of_bias="some concerns", rob_reasons="allocation unclear", n=80,
             settings=settings)


def test_appraise_requires_bib_key_and_is_idempotent(review, settings):
    with pytest.raises(NotFoundError, match="not in"):
        appraise("nobody2020", by="ann", design="RCT", population="x", intervention="x",
                 intervention_category="other", risk_of_bias="low", rob_reasons="x",
                 settings=settings)
    _appraise_all(settings)
    path = settings.studies_dir / "trial2020a.yaml"
    before = path.read_bytes()
    _appraise_all(settings)
    assert path.read_bytes() == before
    with pytest.raises(ConflictError, match="appraised by ann"):
        appraise("trial2020a", by="bob", design="RCT", population="adults", intervention="x",
                 intervention_category="foot massage", risk_of_bias="low", rob_reasons="x",
                 settings=settings)


def test_link_idempotent_and_protects_other_reviewers(review):
    kw = dict(stance="supports", outcome="sleep quality", quote="Sleep improved.", by="ann")
    first = review.link("sleep-01", "trial2020a", **kw)
    again = review.link("sleep-01", "trial2020a", **kw)
    assert again.revision == first.revision
    with pytest.raises(ConflictError, match="ann already linked"):
        review.link("sleep-01", "trial2020a", **{**kw, "stance": "no effect", "by": "bob"})
    changed = review.link("sleep-01", "trial2020a", **{**kw, "stance": "no effect", "by": "bob"},
                          replace=True)
    assert changed.links[0].stance == "no effect"
    assert "was ann's" in changed.history[-1].detail
    with pytest.raises(NotFoundError, match="not in references.bib"):
        review.link("sleep-01", "ghost2020", **kw)


def test_grade_and_verdict_flow(review, settings):
    _appraise_all(settings)
    review.link("sleep-01", "trial2020a", stance="supports", outcome="sleep quality",
                quote="Sleep improved.", by="ann", directness="direct")
    review.link("sleep-01", "trial2021b", stance="no effect", outcome="sleep quality",
                quote="No difference.", by="ann")
    with pytest.raises(GradingError, match="grade the evidence"):
        review.verdict("sleep-01", "partly supported", by="ann", reason="x")
    claim = review.grade("sleep-01", by="ann")
    g = claim.assessments["ann"].grade
    assert g.start == "high" and g.downgrades.imprecision.levels == 1
    assert g.downgrades.inconsistency.levels == 1
    assert review.grade("sleep-01", by="ann").revision == claim.revision  # idempotent
    claim = review.verdict("sleep-01", "uncertain", by="ann", reason="two small trials disagree")
    assert claim.status == "reviewed" and claim.verdict.overstated  # "has been demonstrated"
    assert claim.grade.certainty == g.certainty
    with pytest.raises(InputError, match="needs a reason"):
        review.verdict("sleep-01", "uncertain", by="ann", reason="")


def test_dual_review_disagreement_and_resolution(review, settings):
    _appraise_all(settings)
    review.link("sleep-07", "trial2020a", stance="supports", outcome="sleep", quote="Q.",
                by="ann")
    review.grade("sleep-07", by="ann")
    review.verdict("sleep-07", "uncertain", by="ann", reason="one small trial")
    review.grade("sleep-07", by="bob",
                 downgrades={"imprecision": (0, "precise enough for a yes/no claim")})
    claim = review.verdict("sleep-07", "uncertain", by="bob", reason="agree")
    assert claim.status == "disputed" and claim.verdict is None
    stats = agreement([claim], "ann", "bob")
    assert stats["disagreements"][0]["claim"] == "sleep-07"
    claim = review.resolve("sleep-07", accept="bob", by="ann",
                           note="imprecision judged not serious after discussion")
    assert claim.status == "reviewed" and claim.grade.by == "bob"
    assert claim.resolution.note.startswith("imprecision")


def test_no_studies_and_statement(review):
    claim = review.no_studies("stress-04", searches=["foot reflexology fMRI limbic"], by="ann")
    assert claim.no_studies_found
    claim = review.grade("stress-04", by="ann")
    assert claim.assessments["ann"].grade.certainty == "very low"
    claim = review.verdict("stress-04", "uncertain", by="ann", reason="no studies found")
    assert claim.verdict.overstated
    claim = review.set_statement("stress-04", "No study has tested this.", by="ann")
    assert claim.statement == "No study has tested this."
