"""GRADE rules on worked cases from the GRADE handbook's definitions; kappa against sklearn."""

from __future__ import annotations

import pytest
from sklearn.metrics import cohen_kappa_score

from reviewtools.errors import GradingError
from reviewtools.grading.rules import (
    build_grade,
    display,
    is_overstated,
    propose_verdict,
    start_level,
    weighted_kappa,
)
from reviewtools.model.protocol import Intervention, Protocol, RelatedIntervention
from reviewtools.model.records import CERTAINTY_ORDER, RiskOfBiasRecord, Study
from reviewtools.store.files import load_record
from tests.conftest import PROTOCOL

SHIPPED = load_record(PROTOCOL, Protocol)


def study(design="RCT", n=500, rob="low", category="foot massage", **kw):
    return Study(key=kw.pop("key", "s1"), design=design, population="adults",
                 intervention="foot massage", intervention_category=category, n=n,
                 risk_of_bias=RiskOfBiasRecord(overall=rob, reasons="test"),
                 appraised_by="t", appraised_at="2026-01-01T00:00:00Z", **kw)


def test_start_levels():
    assert start_level([study("RCT")])[0] == "high"
    assert start_level([study("cohort")])[0] == "low"
    assert start_level([study("mechanistic/laboratory")])[0] == "very low"
    assert start_level([study("systematic review with meta-analysis", review_of=["cohort"])])[
        0] == "low"
    assert start_level([])[0] == "very low"


def test_rcts_serious_rob_and_serious_imprecision_give_low():
    s = [study("RCT", n=150, rob="high")]
    g = build_grade(s, ["supports"], ["direct"], by="t")
    assert g.downgrades.risk_of_bias.levels == 1
    assert g.downgrades.imprecision.levels == 1
    assert g.proposed == g.certainty == "low"


def test_observational_with_large_effect_rises_to_moderate():
    s = [study("cohort", n=2000)]
    g = build_grade(s, ["supports"], ["direct"], by="t",
                    upgrades={"large_effect": (1, "RR 0.3 in two cohorts")})
    assert g.start == "low" and g.certainty == "moderate"


def test_clean_large_rct_evidence_stays_high():
    g = build_grade([study(n=600), study(n=700, key="s2")], ["supports", "supports"],
                    ["direct", "direct"], by="t")
    assert g.certainty == "high"


def test_indirect_whole_body_massage_is_rated_down_twice():
    g = build_grade([study(category="whole-body massage", n=1000)], ["supports"], ["indirect"],
                    by="t", protocol=SHIPPED)
    assert g.downgrades.indirectness.levels == 2 and g.certainty == "low"
    assert g.downgrades.indirectness.reason.startswith("no study tested foot massage or "
                                                       "reflexology")
    # a variant of the protocol's intervention is one level, not two
    g = build_grade([study(category="foot reflexology", n=1000)], ["supports"], ["indirect"],
                    by="t", protocol=SHIPPED)
    assert g.downgrades.indirectness.levels == 1
    # without a protocol the relation is unknown: only the one-level proposal is made
    g = build_grade([study(category="whole-body massage", n=1000)], ["supports"], ["indirect"],
                    by="t")
    assert g.downgrades.indirectness.levels == 1


def test_indirectness_follows_each_reviews_protocol():
    sauna = Protocol(review="sauna", question="Does sauna bathing help?",
                     intervention=Intervention(name="sauna bathing", related=[
                         RelatedIntervention(name="infrared sauna", relation="variant")]))
    g = build_grade([study(category="infrared sauna", n=1000)], ["supports"], ["indirect"],
                    by="t", protocol=sauna)
    assert g.downgrades.indirectness.levels == 1
    g = build_grade([study(category="foot reflexology", n=1000)], ["supports"], ["indirect"],
                    by="t", protocol=sauna)
    assert g.downgrades.indirectness.levels == 2
    assert "sauna bathing or infrared sauna" in g.downgrades.indirectness.reason
    assert "foot" not in g.downgrades.indirectness.reason


def test_clamped_at_very_low():
    g = build_grade([study(n=20, rob="high", category="other")], ["supports"], ["indirect"],
                    by="t", downgrades={"publication_bias": (1, "small positive trials only")})
    assert g.certainty == "very low"


def test_inconsistent_directions_rated_down():
    g = build_grade([study(n=600), study(n=600, key="s2")], ["supports", "no effect"],
                    ["direct", "direct"], by="t")
    assert g.downgrades.inconsistency.levels == 1


def test_override_needs_justification():
    s = [study(n=600)]
    with pytest.raises(GradingError, match="justification"):
        build_grade(s, ["supports"], ["direct"], by="t", certainty="low")
    g = build_grade(s, ["supports"], ["direct"], by="t", certainty="low",
                    justification="single-centre sponsor-run trial")
    assert g.proposed == "high" and g.certainty == "low"


def test_domain_rating_needs_reason_and_known_name():
    with pytest.raises(GradingError, match="needs a reason"):
        build_grade([study()], ["supports"], ["direct"], by="t",
                    downgrades={"risk_of_bias": (1, "")})
    with pytest.raises(GradingError, match="unknown GRADE domain"):
        build_grade([study()], ["supports"], ["direct"], by="t", downgrades={"bias": (1, "x")})


def test_display_symbols():
    assert display("low") == "⊕⊕◯◯ Low"
    assert display(None) == "not graded"


def test_overstatement():
    appeal = ["evidence-appeal", "assertive"]
    assert is_overstated(appeal, "low", "partly supported")
    assert not is_overstated(appeal, "high", "supported")
    assert not is_overstated(["hedged"], "low", "partly supported")
    assert is_overstated(["hedged"], "moderate", "contradicted")


def test_proposed_verdicts():
    assert propose_verdict([], None) == "uncertain"
    assert propose_verdict(["supports"], "moderate") == "supported"
    assert propose_verdict(["supports"], "low") == "partly supported"
    assert propose_verdict(["supports", "no effect"], "low") == "not supported"
    assert propose_verdict(["supports", "supports", "no effect"], "low") == "partly supported"
    assert propose_verdict(["contradicts"], "moderate") == "contradicted"
    assert propose_verdict(["supports"], "very low") == "uncertain"


A = ["high", "low", "low", "moderate", "very low", "low", "moderate", "high", "low", "very low"]
B = ["moderate", "low", "very low", "moderate", "very low", "moderate", "moderate", "high",
     "low", "low"]


@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_kappa_matches_sklearn(weights):
    ours = weighted_kappa(A, B, CERTAINTY_ORDER, weights)
    theirs = cohen_kappa_score([CERTAINTY_ORDER.index(x) for x in A],
                               [CERTAINTY_ORDER.index(x) for x in B], weights=weights)
    assert ours == pytest.approx(theirs, abs=1e-12)


def test_kappa_perfect_agreement_and_bad_input():
    assert weighted_kappa(A, A, CERTAINTY_ORDER) == pytest.approx(1.0)
    with pytest.raises(GradingError):
        weighted_kappa(A, B[:3], CERTAINTY_ORDER)
