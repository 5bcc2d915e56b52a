"""`reviewtools check`: one failing case per rule, and a consistent review that passes."""

from __future__ import annotations

import pytest

from reviewtools.appraisal.studies import appraise
from reviewtools.grading.checks import check
from reviewtools.store.files import dump_record


@pytest.fixture
def finished(review, settings):
    """A review where every claim is judged: one linked and graded, the rest not testable."""
    appraise("trial2020a", by="ann", design="RCT", population="adults", intervention="fm",
             intervention_category="foot massage", risk_of_bias="high", rob_reasons="unblinded",
             n=60, settings=settings)
    review.link("sleep-01", "trial2020a", stance="supports", outcome="sleep quality",
                quote="Q.", by="ann")
    review.grade("sleep-01", by="ann")
    review.verdict("sleep-01", "uncertain", by="ann", reason="one small trial")
    for c in review.load_claims():
        if c.id != "sleep-01":
            review.verdict(c.id, "not testable", by="ann", reason="test fixture")
    return review


def _messages(settings):
    """The errors (warnings, such as a study without a stored abstract, pass a check)."""
    return [str(p) for p in check(settings) if p.severity == "error"]


def test_consistent_review_passes(finished, settings):
    assert _messages(settings) == []
    # the one note: trial2020a has no stored abstract to check its quote against (a warning)
    assert [str(p) for p in check(settings)] == [
        "evidence/abstracts/trial2020a.yaml: warning: no stored abstract: the quotes of "
        "'trial2020a' are not checked"]


def test_unjudged_claim_needs_to_do_status(finished, settings):
    claim = finished.claim("mood-01")
    finished.save(claim.model_copy(update={"verdict": None, "status": "in review"}))
    assert any("[mood-01]" in m and "no verdict" in m for m in _messages(settings))
    claim = finished.claim("mood-01")
    finished.save(claim.model_copy(update={"status": "to-do"}))
    assert _messages(settings) == []


def test_missing_bib_key(finished, settings):
    settings.bib_path.write_text(settings.bib_path.read_text().replace("trial2020a", "other2020"))
    msgs = _messages(settings)
    assert any("[sleep-01]" in m and "'trial2020a', which is not in references.bib" in m
               for m in msgs)


def test_unappraised_study(finished, settings):
    (settings.studies_dir / "trial2020a.yaml").unlink()
    assert any("[sleep-01]" in m and "no appraisal" in m for m in _messages(settings))


def test_override_without_justification(finished, settings):
    path = finished.claim_path("sleep-01")
    claim = finished.claim("sleep-01")
    bad = claim.grade.model_copy(update={"certainty": "high"})
    path.write_text(dump_record(claim.model_copy(update={"grade": bad})))
    assert any("[sleep-01]" in m and "without a justification" in m
               for m in _messages(settings))


def test_anchor_no_longer_matches(finished, settings):
    snap = finished.path / "article.txt"
    snap.write_text(snap.read_text().replace("Consequently, foot massage", "So foot massage"))
    assert any("[sleep-07]" in m and "no longer matches" in m for m in _messages(settings))


def test_retracted_study_supporting_unflagged(finished, settings):
    bib = settings.bib_path.read_text().replace(
        "  verified = {test fixture; 2026-11-24},\n}\n\n@article{trial2021b",
        "  verified = {test fixture; 2026-11-24},\n  retracted = {Retraction notice 2022},\n}\n\n"
        "@article{trial2021b", 1)
    settings.bib_path.write_text(bib)
    assert any("[sleep-01]" in m and "retracted" in m for m in _messages(settings))


def test_a_record_without_identifiers_is_fine_with_its_journal_and_stamp(finished, settings):
    """A missing identifier is never a reason to leave a study out: title, authors, year and
    journal seen on the page in `verified` identify it; without a journal or a stamp it
    cannot be checked."""
    bib = settings.bib_path.read_text().replace("  doi = {10.0000/synthetic.a},\n", "", 1)
    settings.bib_path.write_text(bib)
    assert not any("DOI" in m for m in _messages(settings))
    bib = bib.replace("  journal = {Test Journal},\n", "", 1)
    bib = bib.replace("  verified = {test fixture; 2026-11-24},\n", "", 1)
    settings.bib_path.write_text(bib)
    msgs = _messages(settings)
    assert any("neither a DOI, a PMID nor a journal" in m for m in msgs)
    assert any("no verification stamp" in m for m in msgs)


def test_broken_claim_file_is_a_problem_not_a_crash(finished, settings):
    path = finished.claim_path("mood-02")
    path.write_text(path.read_text().replace("status: reviewed", "status: ready"))
    assert any("[mood-02]" in m and "field 'status'" in m for m in _messages(settings))
