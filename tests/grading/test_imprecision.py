"""GRADE imprecision: OIS arithmetic and the proposal from the CI against the MID.

Sources read (stored-page search tools):

* Guyatt GH et al. GRADE guidelines 6. Rating the quality of evidence - imprecision. J Clin
  Epidemiol 2011;64:1283-93 (jclinepi.com S0895-4356(11)00206-X, abstract and key points):
  the 95% CI is the primary criterion; rate down if the decision would differ at the upper
  and lower CI limits; when the CI excludes RR 1.0 and the sample exceeds the OIS precision
  is adequate; an RR under 0.75 or over 1.25 is a rough guide to appreciable benefit or
  harm, and a CI including it may warrant rating down even when the OIS is met; a large
  effect with a small sample should still be checked against the OIS.
* Its worked stroke example as quoted from GRADE 6 on help.magicapp.org ("How to rate
  imprecision"): absolute reduction 1.3% (95% CI 0.6% to 2.0%); with a decision threshold of
  0.5% the whole CI lies beyond it (precise enough); with a threshold of 1% it does not.
* GRADE guidance 34 (J Clin Epidemiol 2022;150:216-24, PubMed abstract): a CI that
  appreciably crosses the thresholds of interest may warrant rating down two or three
  levels; a sample size far less than the OIS may warrant more than one level.

The OIS formulas are the usual two-group sample-size calculations GRADE 6 refers to; the
numbers below are synthetic.
"""

from __future__ import annotations

import pytest

from reviewtools.errors import GradingError
from reviewtools.grading.imprecision import ois_continuous, ois_dichotomous, propose

# z(0.975) + z(0.80) = 1.959964 + 0.841621 = 2.801585; squared 7.848879


def test_ois_for_a_continuous_outcome():
    """SD 10, MID 5: n per group = 2 x 7.848879 x 10^2 / 5^2 = 62.79 -> 63; OIS 126."""
    ois = ois_continuous(sd=10, mid=5)
    assert (ois.per_group, ois.total) == (63, 126)
    assert "62.8" in ois.arithmetic and "= 126" in ois.arithmetic


def test_ois_for_a_dichotomous_outcome():
    """Control risk 20%, RRR 25%: p2 = 0.15; n per group = 7.848879 x (0.2 x 0.8 + 0.15 x
    0.85) / 0.05^2 = 7.848879 x 115 = 902.6 -> 903; OIS 1806."""
    ois = ois_dichotomous(control_risk=0.2, rrr=0.25)
    assert (ois.per_group, ois.total) == (903, 1806)
    assert "(1 - 0.25) = 0.15" in ois.arithmetic


def test_ois_grows_with_power_and_a_stricter_alpha():
    base = ois_continuous(sd=10, mid=5).total
    assert ois_continuous(sd=10, mid=5, power=0.9).total > base
    assert ois_continuous(sd=10, mid=5, alpha=0.01).total > base


def test_grade6_stroke_example_ci_beyond_the_threshold_is_precise():
    """GRADE 6 worked example: reduction 1.3% (0.6% to 2.0%) against a 0.5% threshold."""
    p = propose(0.6, 2.0, null=0.0, mid=0.5)
    assert p.rating == "not serious"
    assert "within one zone" in p.arithmetic


def test_grade6_stroke_example_ci_crossing_the_threshold_is_imprecise():
    """GRADE 6 worked example: the same CI against a 1% threshold includes both reductions
    that would and would not justify treatment."""
    p = propose(0.6, 2.0, null=0.0, mid=1.0)
    assert (p.rating, p.levels) == ("serious", 1)
    assert "crosses a threshold" in p.arithmetic


def test_a_ci_including_appreciable_benefit_and_harm_is_very_serious():
    """GRADE 34: a CI appreciably crossing the thresholds on both sides; RR 0.6 to 1.5 with
    GRADE 6's rough thresholds 0.75 and 1.25."""
    p = propose(0.6, 1.5, null=1.0, thresholds=(0.75, 1.25))
    assert (p.rating, p.levels) == ("very serious", 2)


def test_appreciable_benefit_in_the_ci_is_serious_even_when_the_ois_is_met():
    """GRADE 6 abstract: a CI including an RR under 0.75 may warrant rating down even when
    the OIS criterion is met. RR CI 0.70 to 0.95, n 3000 against an OIS of 1806."""
    p = propose(0.70, 0.95, null=1.0, thresholds=(0.75, 1.25), n_total=3000,
                ois=ois_dichotomous(0.2, 0.25))
    assert p.rating == "serious"


@pytest.mark.parametrize(("n", "rating"), [(3000, "not serious"), (1200, "serious"),
                                           (400, "very serious")])
def test_a_large_effect_is_checked_against_the_ois(n, rating):
    """GRADE 6: a CI excluding RR 1 with a sample over the OIS is adequately precise; a large
    effect from a small sample is rated down (GRADE 34: more than one level when far below
    the OIS; reviewtools proposes two levels under half the OIS, 903 here)."""
    p = propose(0.55, 0.70, null=1.0, thresholds=(0.75, 1.25), n_total=n,
                ois=ois_dichotomous(0.2, 0.25))
    assert p.rating == rating
    assert "1806" in p.arithmetic


def test_an_unknown_sample_size_stays_unknown():
    p = propose(0.55, 0.70, null=1.0, thresholds=(0.75, 1.25), n_total=None,
                ois=ois_dichotomous(0.2, 0.25))
    assert p.rating == "not serious"
    assert any("sample size unknown" in r for r in p.reasons)
    assert "n = 0" not in p.arithmetic


def test_no_mid_is_an_explicit_reason_and_the_ci_is_judged_against_the_null():
    p = propose(-0.2, 1.4, null=0.0)
    assert p.rating == "serious"
    assert "no minimal important difference was stated" in p.reasons[0]
    assert propose(0.3, 1.4, null=0.0).rating == "not serious"


@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(ci_low=2, ci_high=1), "above its upper bound"),
    (dict(ci_low=0, ci_high=1, mid=-1), "MID must be positive"),
    (dict(ci_low=0, ci_high=1, mid=1, thresholds=(-1, 1)), "not both"),
    (dict(ci_low=0.5, ci_high=1, null=1.0, thresholds=(1.1, 1.25)), "either side of the null"),
])
def test_inconsistent_inputs_are_refused(kwargs, message):
    with pytest.raises(GradingError, match=message):
        propose(**kwargs)


def test_ois_inputs_are_checked():
    with pytest.raises(GradingError, match="positive"):
        ois_continuous(sd=0, mid=5)
    with pytest.raises(GradingError, match="between 0 and 1"):
        ois_dichotomous(control_risk=1.2, rrr=0.25)
