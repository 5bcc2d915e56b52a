"""Random-effects pooling of study results for one outcome and one comparison (statsmodels).

>>> pooled = pool(results)                      # doctest: +SKIP
>>> pooled.estimate, pooled.ci_low, pooled.ci_high, pooled.i2    # doctest: +SKIP

GRADE rates one outcome for one comparison, so :func:`pool` refuses results that mix
outcomes, comparisons, time points or effect measures. Each study contributes an effect and
its variance on the analysis scale:

* mean differences and risk differences as reported, standardised mean differences as
  reported or computed (Hedges' g, statsmodels ``effectsize_smd``) from arm means, SDs and ns;
* risk, odds and hazard ratios on the log scale, back-transformed for the result.

The standard error comes from ``se`` when given, else from the 95% CI as
(upper - lower) / (2 x 1.959964). Random effects are DerSimonian-Laird (``method="dl"``) or
Paule-Mandel (``method="pm"``), via ``statsmodels.stats.meta_analysis.combine_effects``; the
result records tau² and I² (percent), both truncated at 0 as their definitions say
(statsmodels 0.15 leaves both negative when Q < df), Cochran's Q with its df and p, study
weights, and a provenance string naming the statsmodels version.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist

import numpy as np
import statsmodels
from pydantic import BaseModel, ConfigDict
from statsmodels.stats.meta_analysis import combine_effects, effectsize_smd

from reviewtools.errors import GradingError
from reviewtools.model.evidence import MEASURE_LABEL, RATIO_MEASURES, OutcomeResult

METHODS: dict[str, tuple[str, str]] = {
    "dl": ("chi2", "DerSimonian-Laird random effects"),
    "pm": ("pm", "Paule-Mandel random effects"),
}
Z95 = NormalDist().inv_cdf(0.975)


class PoolingError(GradingError):
    """Study results cannot be pooled as given (mixed outcomes, missing numbers, too few)."""


class StudyContribution(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    study: str
    effect: float  # analysis scale (log for ratio measures)
    se: float
    weight_percent: float
    se_from: str


class PooledResult(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    outcome: str
    comparison: str
    timepoint: str
    measure: str
    method: str
    k: int
    n_total: int | None  # None when any study's n is unknown
    estimate: float
    ci_low: float
    ci_high: float
    tau2: float
    i2: float  # percent
    q: float
    q_df: int
    q_p: float
    studies: list[StudyContribution]
    provenance: str


def statsmodels_version() -> str:
    return ".".join(statsmodels.__version__.split(".")[:2])


def one_comparison(results: Sequence[OutcomeResult]) -> dict[str, str]:
    """The outcome, comparison, time point and measure shared by all results (or an error)."""
    if not results:
        raise PoolingError("no study results given")
    return {f: _same(results, f) for f in ("outcome", "comparison", "timepoint", "measure")}


def study_interval(r: OutcomeResult) -> tuple[float, float, float]:
    """A study's estimate and 95% CI on the natural scale (computed from the SE if needed)."""
    if r.value is not None and r.ci_low is not None and r.ci_high is not None:
        return r.value, r.ci_low, r.ci_high
    effect, se, _ = effect_and_se(r)
    lo, hi = effect - Z95 * se, effect + Z95 * se
    if r.measure in RATIO_MEASURES:
        return math.exp(effect), math.exp(lo), math.exp(hi)
    return effect, lo, hi


def _same(results: Sequence[OutcomeResult], field: str) -> str:
    values = sorted({str(getattr(r, field)) for r in results})
    if len(values) != 1:
        raise PoolingError(f"results differ in {field} ({', '.join(values)}); pool one outcome "
                           "for one comparison at one time point with one effect measure")
    return values[0]


def smd_from_arms(r: OutcomeResult) -> tuple[float, float]:
    """Hedges' g and its variance from arm means, SDs and ns (statsmodels)."""
    need = ("mean_intervention", "sd_intervention", "n_intervention",
            "mean_control", "sd_control", "n_control")
    gaps = [f for f in need if getattr(r, f) is None]
    if gaps:
        raise PoolingError(f"{r.label}: no SMD and no arm data to compute one (missing "
                           f"{', '.join(gaps)})")
    g, var = effectsize_smd(r.mean_intervention, r.sd_intervention, r.n_intervention,
                            r.mean_control, r.sd_control, r.n_control)
    return float(g), float(var)


def effect_and_se(r: OutcomeResult) -> tuple[float, float, str]:
    """A study's effect and standard error on the analysis scale, and where the SE came from."""
    if r.measure == "SMD" and r.value is None:
        g, var = smd_from_arms(r)
        return g, math.sqrt(var), "Hedges' g from arm means and SDs"
    if r.value is None:
        raise PoolingError(f"{r.label}: no effect estimate")
    ratio = r.measure in RATIO_MEASURES
    effect = math.log(r.value) if ratio else r.value
    if r.se is not None:
        return effect, r.se, "reported SE"
    if r.ci_low is None or r.ci_high is None:
        raise PoolingError(f"{r.label}: neither an SE nor a 95% CI to weight it by")
    lo, hi = (math.log(r.ci_low), math.log(r.ci_high)) if ratio else (r.ci_low, r.ci_high)
    if hi <= lo:
        raise PoolingError(f"{r.label}: a zero-width CI gives no weight")
    return effect, (hi - lo) / (2 * Z95), "95% CI"


def _n_total(results: Sequence[OutcomeResult]) -> int | None:
    totals = [r.n_total for r in results]
    return None if any(n is None for n in totals) else sum(totals)  # type: ignore[misc]


def i_squared(q: float, df: int) -> float:
    """Higgins' I² in percent, max(0, (Q - df) / Q); statsmodels leaves it negative."""
    return 0.0 if q <= 0 else max(0.0, 100 * (q - df) / q)


def _random_part(res) -> tuple[float, float, float, np.ndarray]:  # noqa: ANN001 - statsmodels
    """tau², random-effects mean, its SE and relative weights, with tau² truncated at 0.

    DerSimonian-Laird's moment estimator is max(0, (Q - df) / C); statsmodels (0.14, 0.15)
    returns the untruncated value, which is negative when Q < df and would give studies more
    weight than their own variance allows. With tau² = 0 the random-effects result is the
    fixed-effect one.
    """
    if float(res.tau2) > 0:
        return (float(res.tau2), float(res.mean_effect_re), float(res.sd_eff_w_re),
                np.asarray(res.weights_rel_re))
    return 0.0, float(res.mean_effect_fe), float(res.sd_eff_w_fe), np.asarray(res.weights_rel_fe)


def pool(results: Sequence[OutcomeResult], *, method: str = "dl") -> PooledResult:
    """Random-effects pooled estimate, 95% CI, tau², I² and Q for one outcome-comparison."""
    if method not in METHODS:
        raise PoolingError(f"unknown pooling method {method!r}; methods: "
                           + ", ".join(f"{k} ({v[1]})" for k, v in METHODS.items()))
    if len(results) < 2:
        raise PoolingError(f"pooling needs at least two studies, got {len(results)}")
    keys = [r.study for r in results]
    if len(set(keys)) != len(keys):
        raise PoolingError("a study appears twice: " + ", ".join(sorted(
            {k for k in keys if keys.count(k) > 1})))
    fields = one_comparison(results)
    parts = [effect_and_se(r) for r in results]
    eff = np.array([p[0] for p in parts])
    var = np.array([p[1] ** 2 for p in parts])
    res = combine_effects(eff, var, method_re=METHODS[method][0], use_t=False)
    tau2, mean, sd, rel_weights = _random_part(res)
    lo, hi = mean - Z95 * sd, mean + Z95 * sd
    back = math.exp if fields["measure"] in RATIO_MEASURES else float
    homogeneity = res.test_homogeneity()
    weights = rel_weights * 100
    return PooledResult(
        **fields, method=METHODS[method][1], k=len(results), n_total=_n_total(results),
        estimate=back(mean), ci_low=back(lo), ci_high=back(hi), tau2=tau2,
        i2=i_squared(float(res.q), len(results) - 1), q=float(res.q), q_df=len(results) - 1,
        q_p=float(homogeneity.pvalue),
        studies=[StudyContribution(study=r.study, effect=float(e), se=p[1],
                                   weight_percent=float(w), se_from=p[2])
                 for r, e, p, w in zip(results, eff, parts, weights, strict=True)],
        provenance=(f"pooled by reviewtools with statsmodels {statsmodels_version()} "
                    f"({METHODS[method][1]}, {MEASURE_LABEL[fields['measure']]}"
                    + (", log scale" if fields["measure"] in RATIO_MEASURES else "") + ")"),
    )
