"""Random-effects pooling checked against DerSimonian-Laird arithmetic done by hand.

All numbers are synthetic, chosen to make the arithmetic easy to follow; no study is real.
"""

from __future__ import annotations

import math

import pytest
import statsmodels

from reviewtools.grading.pooling import PoolingError, pool, smd_from_arms
from reviewtools.model.evidence import OutcomeResult

Z = 1.959964


def md(study: str, value: float, se: float, **kw) -> OutcomeResult:
    return OutcomeResult(study=study, outcome="pain", comparison="massage vs rest",
                         measure="MD", value=value, se=se, **kw)


THREE = [md("Syn1", 0.5, 0.2), md("Syn2", 0.2, 0.3), md("Syn3", 0.8, 0.25)]


def test_dersimonian_laird_matches_the_hand_calculation():
    """Effects 0.5, 0.2, 0.8 with SEs 0.2, 0.3, 0.25 (synthetic).

    Fixed-effect weights w = 1/SE^2 = 25, 11.111, 16; W = 52.111.
    Fixed-effect mean = (25x0.5 + 11.111x0.2 + 16x0.8) / 52.111 = 27.522 / 52.111 = 0.52814.
    Q = 25(0.5-0.52814)^2 + 11.111(0.2-0.52814)^2 + 16(0.8-0.52814)^2
      = 0.0198 + 1.1964 + 1.1825 = 2.3987, df = 2.
    C = W - sum(w^2)/W = 52.111 - (625 + 123.457 + 256)/52.111 = 32.836.
    tau^2 = (Q - df)/C = 0.3987/32.836 = 0.012143.
    I^2 = (Q - df)/Q = 16.62%.
    Random-effects weights 1/(SE^2 + tau^2) = 19.036, 9.7734, 13.417; pooled mean = 0.52554,
    SE = 1/sqrt(42.226) = 0.15364, 95% CI 0.52554 -/+ 1.96 x 0.15364 = 0.2244 to 0.8267.
    """
    w = [1 / 0.2**2, 1 / 0.3**2, 1 / 0.25**2]
    y = [0.5, 0.2, 0.8]
    fixed = sum(wi * yi for wi, yi in zip(w, y, strict=True)) / sum(w)
    q = sum(wi * (yi - fixed) ** 2 for wi, yi in zip(w, y, strict=True))
    c = sum(w) - sum(wi**2 for wi in w) / sum(w)
    tau2 = (q - 2) / c
    w_re = [1 / (1 / wi + tau2) for wi in w]
    mean = sum(wi * yi for wi, yi in zip(w_re, y, strict=True)) / sum(w_re)
    se = 1 / math.sqrt(sum(w_re))
    assert (round(q, 4), round(tau2, 6), round(100 * (q - 2) / q, 2)) == (2.3987, 0.012143, 16.62)

    pooled = pool(THREE)
    assert pooled.estimate == pytest.approx(mean, abs=1e-9)
    assert pooled.estimate == pytest.approx(0.52554, abs=1e-5)
    assert pooled.tau2 == pytest.approx(tau2, abs=1e-9)
    assert pooled.q == pytest.approx(q, abs=1e-9)
    assert pooled.i2 == pytest.approx(16.62, abs=0.01)
    assert (pooled.ci_low, pooled.ci_high) == (pytest.approx(mean - Z * se, abs=1e-6),
                                               pytest.approx(mean + Z * se, abs=1e-6))
    assert sum(s.weight_percent for s in pooled.studies) == pytest.approx(100)
    assert pooled.q_df == 2 and pooled.k == 3


def test_provenance_names_statsmodels_and_its_version():
    version = ".".join(statsmodels.__version__.split(".")[:2])
    assert f"pooled by reviewtools with statsmodels {version}" in pool(THREE).provenance


def test_homogeneous_studies_have_no_heterogeneity():
    """Q below its df: tau^2 is truncated at 0 and I^2 is 0, so random = fixed effect."""
    same = [md("Syn1", 1.0, 0.5), md("Syn2", 1.1, 0.5), md("Syn3", 0.9, 0.5)]
    pooled = pool(same)
    assert (pooled.tau2, pooled.i2) == (0.0, 0.0)
    assert pooled.estimate == pytest.approx(1.0)


def test_ratio_measures_pool_on_the_log_scale_from_their_cis():
    """Synthetic risk ratios 0.5 (0.25-1.0) and 0.8 (0.4-1.6): both CIs are symmetric on the
    log scale with SE = ln(2)/1.96 each, so the studies weigh the same and the pooled RR with
    no heterogeneity beyond chance is the geometric mean sqrt(0.5 x 0.8) = 0.6325."""
    rr = [OutcomeResult(study=k, outcome="falls", comparison="a vs b", measure="RR", value=v,
                        ci_low=v / 2, ci_high=v * 2) for k, v in (("SynA", 0.5), ("SynB", 0.8))]
    pooled = pool(rr)
    assert pooled.tau2 == 0.0
    assert pooled.estimate == pytest.approx(math.sqrt(0.5 * 0.8), rel=1e-9)
    assert pooled.studies[0].se == pytest.approx(math.log(2) / Z, rel=1e-6)
    assert pooled.ci_low < pooled.estimate < pooled.ci_high


def test_smd_from_arm_data_is_hedges_g():
    """Synthetic arms: means 12 and 10, SDs 4 and 4, n 20 and 20: pooled SD 4, d = 0.5,
    correction J = 1 - 3/(4 x 38 - 1) = 0.98013, g = 0.49007."""
    r = OutcomeResult(study="Syn1", outcome="sleep", comparison="a vs b", measure="SMD",
                      mean_intervention=12, sd_intervention=4, n_intervention=20,
                      mean_control=10, sd_control=4, n_control=20)
    g, var = smd_from_arms(r)
    assert g == pytest.approx(0.5 * (1 - 3 / (4 * 38 - 1)), rel=1e-9)
    assert var > 0


def test_paule_mandel_is_available_and_differs_from_dl_when_heterogeneous():
    dl, pm = pool(THREE, method="dl"), pool(THREE, method="pm")
    assert pm.method.startswith("Paule-Mandel")
    assert pm.tau2 != pytest.approx(dl.tau2)


def test_unknown_n_stays_unknown():
    pooled = pool([md("Syn1", 0.5, 0.2, n_intervention=10, n_control=10), md("Syn2", 0.2, 0.3)])
    assert pooled.n_total is None


@pytest.mark.parametrize(("results", "message"), [
    ([md("Syn1", 0.5, 0.2)], "at least two studies"),
    ([md("Syn1", 0.5, 0.2), md("Syn1", 0.4, 0.2)], "appears twice: Syn1"),
    ([md("Syn1", 0.5, 0.2), md("Syn2", 0.5, 0.2, timepoint="6 weeks")], "differ in timepoint"),
    ([md("Syn1", 0.5, 0.2), OutcomeResult(study="Syn2", outcome="pain",
                                          comparison="massage vs rest", measure="MD",
                                          value=0.3)], "neither an SE nor a 95% CI"),
])
def test_unpoolable_inputs_say_why(results, message):
    with pytest.raises(PoolingError, match=message):
        pool(results)


def test_unknown_method_lists_the_methods():
    with pytest.raises(PoolingError, match="dl .*pm"):
        pool(THREE, method="reml")
