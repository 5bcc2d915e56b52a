"""ROBINS-I: the overall rating derived from the reviewer's seven domain judgements.

Sources read (stored-page search tools):

* Syst Rev 2017;6:204 (s13643-017-0659-4), Table 1 "Summary of ROBINS-I tool": the seven
  domains (pre-intervention, at intervention, post-intervention), signalling answers
  Y/PY/PN/N/NI, domain levels low/moderate/serious/critical/no information.
* Published ROBINS-I tables applying the overall rule: PMC9214343 Table 4 (Bathen et al.
  and Ferrell et al.: one or more critical domains, overall critical) and PMC6969993 Table 2
  (Aggerholm-Pedersen 2016: serious in confounding, moderate in missing data, else low,
  overall serious; Li YJ 2017: moderate in reported result, else low, overall moderate; Tsuda
  2017: moderate in three domains, overall moderate).

The ROBINS-I BMJ paper (Sterne et al. 2016;355:i4919) was found but only its author list
was stored; the rule tested is the published one as these tables apply it, with "no
information" placed below serious and above moderate as ROBINS-I defines it.
"""

from __future__ import annotations

import pytest

from reviewtools.appraisal.rob import AssessmentError, assess
from reviewtools.appraisal.rob.robins_i import evaluate
from tests.appraisal.rob.helpers import answers, decision

DOMAINS = ("D1", "D2", "D3", "D4", "D5", "D6", "D7")


def judged(*ratings: str) -> dict:
    return {k: decision(r, f"{k} judged {r}") for k, r in zip(DOMAINS, ratings, strict=True)}


@pytest.mark.parametrize(("ratings", "expected"), [
    (("critical", "low", "low", "low", "low", "serious", "low"), "critical"),       # Bathen
    (("critical", "serious", "moderate", "serious", "serious", "serious", "low"), "critical"),
    (("serious", "low", "low", "low", "moderate", "low", "low"), "serious"),  # Aggerholm-P.
    (("low", "low", "low", "low", "low", "low", "moderate"), "moderate"),     # Li YJ
    (("moderate", "low", "low", "low", "moderate", "low", "moderate"), "moderate"),  # Tsuda
    (("low",) * 7, "low"),
])
def test_overall_is_the_most_severe_domain(ratings, expected):
    """Worked rows from PMC9214343 Table 4 and PMC6969993 Table 2 (see module docstring)."""
    assert evaluate({}, domain_decisions=judged(*ratings)).overall == expected


def test_no_information_without_serious_problems_gives_no_information():
    """ROBINS-I levels (Syst Rev 2017 Table 1): lacking information in a domain, with no
    serious or critical domain, leaves the overall at 'no information', not low."""
    ev = evaluate({}, domain_decisions=judged(
        "moderate", "low", "no information", "low", "low", "low", "low"))
    assert ev.overall == "no information"
    serious = evaluate({}, domain_decisions=judged(
        "serious", "low", "no information", "low", "low", "low", "low"))
    assert serious.overall == "serious"


def test_domain_judgements_are_the_reviewers_with_no_invented_proposal():
    ev = evaluate(answers(q1_1="Y", q1_4="PY"), domain_decisions=judged(*["low"] * 7))
    assert all(j.proposed is None and j.override is not None for j in ev.domains.values())


def test_every_domain_must_be_judged():
    with pytest.raises(AssessmentError, match="judge D7"):
        evaluate({}, domain_decisions={k: decision("low") for k in DOMAINS[:6]})


def test_the_overall_cannot_be_decided_by_hand():
    with pytest.raises(AssessmentError, match="follows from the domain judgements"):
        evaluate({}, domain_decisions=judged(*["low"] * 7), overall_decision=decision("low"))


def test_unknown_questions_and_ratings_are_named():
    with pytest.raises(AssessmentError, match="no question 8.1"):
        evaluate(answers(q8_1="Y"), domain_decisions=judged(*["low"] * 7))
    with pytest.raises(AssessmentError, match="low, moderate, no information, serious"):
        evaluate({}, domain_decisions=judged("high", *["low"] * 6))


def test_an_assessment_record_for_a_cohort_study():
    a = assess("robins-i", "Lee2019", answers(q1_1="Y"), assessor="CD",
               domain_decisions=judged("serious", *["low"] * 6))
    assert a.overall == "serious"
    assert a.domain_ratings["D1"] == "serious"
