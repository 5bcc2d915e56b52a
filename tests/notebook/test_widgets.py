"""The claim form saves through the library API and reports refusals instead of raising."""

from __future__ import annotations

from reviewtools.appraisal.studies import appraise
from reviewtools.notebook.widgets import ClaimForm


def _setup(review, settings):
    appraise("trial2020a", by="ann", design="RCT", population="adults", intervention="fm",
             intervention_category="foot massage", risk_of_bias="high", rob_reasons="unblinded",
             n=60, settings=settings)
    review.link("sleep-01", "trial2020a", stance="supports", outcome="sleep", quote="Q.", by="ann")


def test_form_saves_grade_and_verdict(review, settings):
    _setup(review, settings)
    form = ClaimForm(review, "sleep-01", reviewer="ann")
    form.verdict.value = "uncertain"
    form.note.value = "one small unblinded trial"
    assert form.save() is True
    claim = review.claim("sleep-01")
    assert claim.verdict.value == "uncertain" and claim.verdict.by == "ann"
    assert claim.grade is not None and "Saved revision" in form.message.value


def test_form_shows_refusal(review, settings):
    _setup(review, settings)
    form = ClaimForm(review, "sleep-01", reviewer="ann")
    form.certainty.value = "high"
    form.note.value = ""
    assert form.save() is False
    assert "Not saved" in form.message.value
    assert review.claim("sleep-01").verdict is None


def test_form_changing_stance_of_other_reviewer_is_recorded(review, settings):
    _setup(review, settings)
    form = ClaimForm(review, "sleep-01", reviewer="bob")
    form.stances["trial2020a|sleep"].value = "no effect"
    form.note.value = "re-read the abstract"
    assert form.save()
    claim = review.claim("sleep-01")
    assert claim.links[0].stance == "no effect" and "was ann's" in claim.history[-3].detail
