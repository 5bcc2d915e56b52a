"""GRADE on evidence profiles: worked cases written from the definitions in the GRADE handbook
(Schünemann et al., eds. GRADE handbook, 2013, sections 5.1-5.2) and the GRADE guidelines
series (Guyatt et al., J Clin Epidemiol 2011: 4 risk of bias, 6 imprecision, 7 inconsistency,
8 indirectness, 9 rating up). All studies below are synthetic."""

from __future__ import annotations

import pytest

from reviewtools.errors import GradingError
from reviewtools.grading.profiles import body, rate
from reviewtools.grading.verdicts import claim_certainty, claim_verdict, combine, profile_verdict
from reviewtools.model.profiles import Profile, ProfileEntry
from reviewtools.model.protocol import (
    Comparator,
    Intervention,
    MinimalImportantDifference,
    Outcome,
    Protocol,
    RelatedIntervention,
)
from reviewtools.model.records import RiskOfBiasRecord, Study

AT = "2026-12-01T00:00:00Z"
PROTOCOL = Protocol(
    review="yoga", question="Does yoga reduce anxiety?",
    intervention=Intervention(name="yoga", related=[
        RelatedIntervention(name="chair yoga", relation="variant"),
        RelatedIntervention(name="stretching", relation="different")]),
    comparators=[Comparator(id="usual-care", kind="no treatment or usual care")],
    outcomes=[Outcome(id="anxiety", name="anxiety", importance="critical",
                      direction="lower is better",
                      mid=MinimalImportantDifference(value=0.5, unit="SMD",
                                                     source="synthetic, for the test")),
              Outcome(id="sleep", name="sleep quality", importance="important",
                      direction="higher is better", no_mid_reason="instruments differ"),
              Outcome(id="cortisol", name="cortisol", importance="mechanism",
                      direction="lower is better")])


def study(key: str, *, design: str = "RCT", rob: str = "low", category: str = "yoga",
          includes: list[str] | None = None, n: int | None = 200) -> Study:
    return Study(key=key, design=design, population="adults", intervention=category,
                 intervention_category=category, n=n,
                 risk_of_bias=RiskOfBiasRecord(overall=rob, reasons="synthetic"),
                 includes=includes or [], appraised_by="t", appraised_at=AT)


def entry(key: str, direction: str = "favours intervention", n: int | None = 200,
          **kw: object) -> ProfileEntry:
    return ProfileEntry(study=key, outcome="anxiety", direction=direction, n=n, by="t", at=AT,
                        **kw)


def profile(*entries: ProfileEntry, outcome: str = "anxiety") -> Profile:
    return Profile(id=f"{outcome}-vs-usual-care", outcome=outcome, comparator="usual-care",
                   entries=list(entries))


def test_three_low_risk_rcts_whose_ci_crosses_the_mid_give_moderate():
    """Handbook 5.2.4 / guideline 6: rate down once when the CI includes both an important
    benefit and no important benefit."""
    studies = {k: study(k) for k in ("a", "b", "c")}
    p = profile(entry("a"), entry("b"), entry("c", measure="SMD", value=-0.4, ci_low=-0.8,
                                              ci_high=-0.1))
    r = rate(p, studies, PROTOCOL, by="ann")
    assert r.start == "high" and r.downgrades.imprecision.levels == 1
    assert "crosses the MID 0.5 SMD" in r.proposals["imprecision"].reason
    assert r.certainty == "moderate" and r.participants == 600


def test_high_risk_of_bias_and_serious_imprecision_give_low():
    studies = {"a": study("a", rob="high"), "b": study("b", rob="high")}
    p = profile(entry("a", n=90), entry("b", n=100))
    r = rate(p, studies, PROTOCOL, by="ann")
    assert r.downgrades.risk_of_bias.levels == 1 and r.downgrades.imprecision.levels == 1
    assert "190 participants, below the optimal information size" in \
        r.downgrades.imprecision.reason
    assert r.certainty == "low"


def test_observational_evidence_with_a_large_effect_rises_one_level():
    """Guideline 9: a large effect (RR > 2 or < 0.5 with a CI that excludes 1) may raise
    non-randomised evidence one level."""
    studies = {"c": study("c", design="cohort", n=5000)}
    p = profile(entry("c", n=5000, measure="RR", value=0.4, ci_low=0.3, ci_high=0.55))
    r = rate(p, studies, PROTOCOL, by="ann")
    assert r.start == "low" and r.proposals["large_effect"].levels == 1
    assert r.upgrades.large_effect.levels == 1 and r.certainty == "moderate"
    with pytest.raises(GradingError, match="non-randomised evidence only"):
        rate(profile(entry("a")), {"a": study("a")}, PROTOCOL, by="ann",
             upgrades={"large_effect": (1, "big")})


def test_a_review_of_small_trials_is_not_spared_imprecision():
    studies = {"sr": study("sr", design="systematic review with meta-analysis", n=300,
                           includes=["t1", "t2"])}
    p = profile(entry("sr", n=300, measure="SMD", value=-0.6, ci_low=-1.5, ci_high=0.3,
                      studies_pooled=6))
    r = rate(p, studies, PROTOCOL, by="ann")
    assert r.downgrades.imprecision.levels == 1  # important benefit and no effect
    assert "crosses the MID 0.5 SMD or no effect" in r.downgrades.imprecision.reason
    wider = profile(entry("sr", n=3000, measure="SMD", value=-0.3, ci_low=-1.5, ci_high=0.8,
                          studies_pooled=6))
    r = rate(wider, studies, PROTOCOL, by="ann")
    assert r.downgrades.imprecision.levels == 2  # important benefit and important harm
    assert "includes both important benefit and important harm" in \
        r.downgrades.imprecision.reason


def test_unknown_n_is_never_reported_as_zero():
    studies = {"a": study("a", n=None), "b": study("b")}
    r = rate(profile(entry("a", n=None), entry("b", n=250)), studies, PROTOCOL, by="ann")
    assert r.participants is None and r.participants_known == 250
    assert "participants not reported for 1 of 2 studies (250 known)" in \
        r.downgrades.imprecision.reason
    assert "0 participants" not in r.downgrades.imprecision.reason


def test_no_mid_stated_is_an_explicit_reason():
    studies = {"a": study("a", n=500)}
    p = Profile(id="sleep-vs-usual-care", outcome="sleep", comparator="usual-care", entries=[
        ProfileEntry(study="a", outcome="PSQI", direction="favours intervention", n=500,
                     measure="MD", value=1.0, ci_low=0.2, ci_high=1.8, by="t", at=AT)])
    r = rate(p, studies, PROTOCOL, by="ann")
    assert "no minimal important difference to judge it against (instruments differ)" in \
        r.proposals["imprecision"].reason


def test_each_study_is_counted_once_and_a_review_never_with_its_own_trials():
    studies = {"sr": study("sr", design="systematic review", includes=["t1", "t2"]),
               "t1": study("t1"), "t3": study("t3"),
               "sr2": study("sr2", design="systematic review", includes=["t2", "t9"]),
               "nr": study("nr", design="narrative review")}
    p = profile(entry("sr"), entry("t1"), entry("t3"), entry("t3"), entry("sr2"), entry("nr"))
    kept, refused = body(p, studies)
    assert [e.study for e in kept] == ["sr", "t3"]
    reasons = {r.study: r.reason for r in refused}
    assert reasons["t1"] == "pooled in sr, which is in this profile"
    assert reasons["t3"].startswith("already in this profile")
    assert reasons["sr2"].startswith("overlaps with sr")
    assert reasons["nr"].startswith("a narrative review is not a study result")
    r = rate(p, studies, PROTOCOL, by="ann")
    assert r.studies == 2 and len(r.refused) == 4


def test_indirectness_comes_from_the_protocol_and_laboratory_work_starts_low():
    variant = rate(profile(entry("v", n=500)), {"v": study("v", category="chair yoga")},
                   PROTOCOL, by="ann")
    assert variant.downgrades.indirectness.levels == 1
    other = rate(profile(entry("o", n=500)), {"o": study("o", category="stretching")},
                 PROTOCOL, by="ann")
    assert other.downgrades.indirectness.levels == 2
    lab = rate(profile(entry("l", n=500), outcome="cortisol"),
               {"l": study("l", design="mechanistic/laboratory")}, PROTOCOL, by="ann")
    assert lab.start == "low" and "laboratory" in lab.downgrades.indirectness.reason
    assert lab.certainty == "very low"


def test_a_domain_override_needs_a_reason_and_the_certainty_follows():
    studies = {k: study(k, n=300) for k in ("a", "b")}
    p = profile(entry("a", n=300), entry("b", n=300))
    with pytest.raises(GradingError, match="needs a reason"):
        rate(p, studies, PROTOCOL, by="ann", downgrades={"publication_bias": (1, "")})
    r = rate(p, studies, PROTOCOL, by="ann",
             downgrades={"publication_bias": (1, "only small industry-funded trials")})
    assert r.certainty == "moderate"
    with pytest.raises(GradingError, match="written justification"):
        rate(p, studies, PROTOCOL, by="ann", certainty="low")


def test_opposite_directions_are_inconsistent():
    studies = {k: study(k, n=300) for k in ("a", "b")}
    r = rate(profile(entry("a", n=300), entry("b", "favours comparator", n=300)), studies,
             PROTOCOL, by="ann")
    assert r.downgrades.inconsistency.levels == 1


def test_the_verdict_table_keeps_uncertain_for_very_low_only():
    for direction in ("favours intervention", "mixed", "no difference", "favours comparator"):
        assert profile_verdict(direction, "very low") == "uncertain"
        assert profile_verdict(direction, "low") != "uncertain"
    assert profile_verdict("favours intervention", "moderate") == "supported"
    assert profile_verdict("favours comparator", "high") == "contradicted"
    assert combine(["supported", "not supported"]) == "partly supported"
    assert combine(["not supported", "contradicted"]) == "not supported"


def test_two_claims_asserting_one_outcome_share_its_certainty():
    """The same outcome-comparison is rated once: every claim naming the profile gets its
    certainty, and a bundled claim takes the lowest of its critical profiles."""
    studies = {k: study(k) for k in ("a", "b", "c")}
    anxiety = profile(entry("a"), entry("b"), entry("c"))
    anxiety.rating = rate(anxiety, studies, PROTOCOL, by="ann")
    sleep = Profile(id="sleep-vs-usual-care", outcome="sleep", comparator="usual-care",
                    entries=[ProfileEntry(study="a", outcome="sleep", direction="no difference",
                                          n=60, by="t", at=AT)])
    sleep.rating = rate(sleep, studies, PROTOCOL, by="ann")
    first = claim_verdict([anxiety], studies, PROTOCOL)
    second = claim_verdict([anxiety], studies, PROTOCOL)
    assert first[:2] == second[:2] == ("high", "supported")
    bundled = claim_verdict([anxiety, sleep], studies, PROTOCOL)
    assert bundled[1] == "partly supported"
    assert claim_certainty([anxiety, sleep], PROTOCOL) == "high"  # sleep is not critical
    assert claim_verdict([], studies, PROTOCOL, no_studies_found=True)[1] == "no evidence"


def test_comparable_trials_no_review_pools_are_pooled_with_statsmodels_and_said_so():
    """Two trials on one measure and no review: pooled (random effects) and the pooled CI,
    not each trial's, is judged against the MID. The inverse-variance arithmetic by hand:
    SE = (high - low) / 3.92; with equal SEs and Q = 0 the pooled estimate is the mean."""
    studies = {k: study(k, n=300) for k in ("a", "b")}
    p = profile(entry("a", n=300, measure="SMD", value=-0.6, ci_low=-0.992, ci_high=-0.208),
                entry("b", n=300, measure="SMD", value=-0.6, ci_low=-0.992, ci_high=-0.208))
    r = rate(p, studies, PROTOCOL, by="ann")
    se = (-0.208 + 0.992) / 3.92
    low, high = -0.6 - 1.959964 * se / 2 ** 0.5, -0.6 + 1.959964 * se / 2 ** 0.5
    assert r.pooled.startswith(f"SMD -0.60 (95% CI {low:.2f} to {high:.2f}), I² 0%, 2 studies")
    assert "statsmodels" in r.pooled
    assert "(pooled)" in r.proposals["imprecision"].reason


def test_a_pooled_estimate_does_not_count_its_participants_twice():
    """Pooling two trials of 150 gives 300 participants, not 600: the optimal information
    size is judged on the trials, the confidence interval on the pooled estimate."""
    studies = {k: study(k, n=150) for k in ("a", "b")}
    p = profile(entry("a", n=150, measure="SMD", value=-0.6, ci_low=-0.9, ci_high=-0.3),
                entry("b", n=150, measure="SMD", value=-0.6, ci_low=-0.9, ci_high=-0.3))
    r = rate(p, studies, PROTOCOL, by="ann")
    assert r.pooled and r.participants == 300
    assert "300 participants, below the optimal information size" in \
        r.proposals["imprecision"].reason
