"""GRADE imprecision: optimal information size and a proposed judgement, arithmetic shown.

Following GRADE guidelines 6 (Guyatt et al., J Clin Epidemiol 2011;64:1283-93) and the update
in GRADE guidance 34 (J Clin Epidemiol 2022;150:216-24):

* the primary criterion is the 95% CI against the threshold that matters, the minimal
  important difference (MID): a CI that includes both an important effect and a trivial one
  (or the null) is imprecise, one that spans important effects in both directions is very
  imprecise;
* when the CI does not cross a threshold, the optimal information size (OIS: the sample
  size of one adequately powered trial) is checked; a total sample below the OIS is
  imprecise, and far below it (under ``far_fraction`` of the OIS, reviewtools' default 0.5)
  very imprecise.

:func:`ois_continuous` and :func:`ois_dichotomous` compute the OIS with the usual two-group
normal-approximation formulas. :func:`propose` returns an :class:`ImprecisionProposal`: a
proposed rating (not serious / serious / very serious) with every step written out. It is a
proposal: the reviewer decides. An unknown sample size stays unknown (the OIS check is
reported as not done, never as n = 0), and when no MID was stated the CI is judged against
the null only, which the reasons say.
"""

from __future__ import annotations

import math
from statistics import NormalDist

from pydantic import BaseModel, ConfigDict

from reviewtools.errors import GradingError

RATINGS = ("not serious", "serious", "very serious")
FAR_FRACTION = 0.5


class OptimalInformationSize(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    per_group: int
    total: int
    arithmetic: str


class ImprecisionProposal(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rating: str
    levels: int
    reasons: list[str]
    arithmetic: str


def _z(alpha: float, power: float) -> tuple[float, float]:
    if not 0 < alpha < 1 or not 0 < power < 1:
        raise GradingError(f"alpha and power must lie between 0 and 1 (got {alpha}, {power})")
    return NormalDist().inv_cdf(1 - alpha / 2), NormalDist().inv_cdf(power)


def ois_continuous(sd: float, mid: float, *, alpha: float = 0.05,
                   power: float = 0.8) -> OptimalInformationSize:
    """Participants needed to detect a difference of ``mid`` when the outcome's SD is ``sd``:
    n per group = 2 (z(1-alpha/2) + z(power))² sd² / mid²."""
    if sd <= 0 or mid <= 0:
        raise GradingError(f"SD and MID must be positive (got SD {sd}, MID {mid})")
    za, zb = _z(alpha, power)
    exact = 2 * (za + zb) ** 2 * sd**2 / mid**2
    n = math.ceil(exact)
    text = (f"n per group = 2 x ({za:.4f} + {zb:.4f})² x {sd:g}² / {mid:g}² = {exact:.1f}, "
            f"rounded up to {n}; OIS = 2 x {n} = {2 * n} (alpha {alpha:g}, power {power:g})")
    return OptimalInformationSize(per_group=n, total=2 * n, arithmetic=text)


def ois_dichotomous(control_risk: float, rrr: float, *, alpha: float = 0.05,
                    power: float = 0.8) -> OptimalInformationSize:
    """Participants needed to detect a relative risk reduction ``rrr`` from ``control_risk``:
    p2 = p1 (1 - RRR); n per group = (z(1-alpha/2) + z(power))² [p1(1-p1) + p2(1-p2)] /
    (p1 - p2)²."""
    if not 0 < control_risk < 1 or not 0 < rrr < 1:
        raise GradingError(f"control risk and RRR must lie between 0 and 1 "
                           f"(got {control_risk}, {rrr})")
    za, zb = _z(alpha, power)
    p1, p2 = control_risk, control_risk * (1 - rrr)
    exact = (za + zb) ** 2 * (p1 * (1 - p1) + p2 * (1 - p2)) / (p1 - p2) ** 2
    n = math.ceil(exact)
    text = (f"p1 = {p1:g}, p2 = {p1:g} x (1 - {rrr:g}) = {p2:g}; n per group = "
            f"({za:.4f} + {zb:.4f})² x ({p1:g} x {1 - p1:g} + {p2:g} x {1 - p2:g}) / "
            f"({p1:g} - {p2:g})² = {exact:.1f}, rounded up to {n}; OIS = 2 x {n} = {2 * n} "
            f"(alpha {alpha:g}, power {power:g})")
    return OptimalInformationSize(per_group=n, total=2 * n, arithmetic=text)


def _ci_zones(lo: float, hi: float, null: float, below: float, above: float) -> set[str]:
    zones = set()
    if lo < below:
        zones.add("important below")
    if hi > above:
        zones.add("important above")
    if hi >= below and lo <= above:
        zones.add("trivial")
    return zones


def _ci_rating(lo: float, hi: float, null: float, below: float, above: float,
               has_mid: bool) -> tuple[int, str]:
    zones = _ci_zones(lo, hi, null, below, above)
    span = f"CI {lo:g} to {hi:g}"
    if not has_mid:
        if lo <= null <= hi:
            return 1, f"{span} includes the null ({null:g})"
        return 0, f"{span} excludes the null ({null:g})"
    marks = f"thresholds {below:g} and {above:g} around the null {null:g}"
    if {"important below", "important above"} <= zones:
        return 2, f"{span} includes important effects in both directions ({marks})"
    if len(zones) > 1:
        return 1, f"{span} crosses a threshold: it includes important and trivial effects " \
                  f"({marks})"
    return 0, f"{span} lies within one zone ({next(iter(zones))}; {marks})"


def _ois_levels(n_total: int | None, ois: OptimalInformationSize | None,
                far_fraction: float) -> tuple[int, str]:
    if ois is None:
        return 0, "no OIS given: information size not checked"
    if n_total is None:
        return 0, f"total sample size unknown: cannot compare with the OIS of {ois.total}"
    if n_total >= ois.total:
        return 0, f"n = {n_total} meets the OIS of {ois.total}"
    if n_total < far_fraction * ois.total:
        return 2, (f"n = {n_total} is far below the OIS of {ois.total} "
                   f"(< {far_fraction:g} x OIS = {far_fraction * ois.total:g})")
    return 1, f"n = {n_total} is below the OIS of {ois.total}"


def propose(ci_low: float, ci_high: float, *, null: float = 0.0, mid: float | None = None,
            thresholds: tuple[float, float] | None = None, n_total: int | None = None,
            ois: OptimalInformationSize | None = None,
            far_fraction: float = FAR_FRACTION) -> ImprecisionProposal:
    """Propose an imprecision rating from a 95% CI, the MID and the information size.

    Give ``mid`` for difference measures (thresholds null - MID and null + MID) or
    ``thresholds`` (lower, upper) directly, e.g. (0.75, 1.25) for a risk ratio.
    """
    if ci_low > ci_high:
        raise GradingError(f"CI lower bound {ci_low} is above its upper bound {ci_high}")
    if mid is not None and thresholds is not None:
        raise GradingError("give the MID or the thresholds, not both")
    if mid is not None:
        if mid <= 0:
            raise GradingError(f"the MID must be positive (got {mid})")
        thresholds = (null - mid, null + mid)
    has_mid = thresholds is not None
    below, above = thresholds if thresholds is not None else (null, null)
    if has_mid and not below < null < above:
        raise GradingError(f"thresholds {below}, {above} must lie either side of the null {null}")
    reasons = [] if has_mid else [
        "no minimal important difference was stated, so the CI was judged against the null "
        "only; state the MID to judge whether the CI includes trivial or important effects"]
    ci_levels, ci_text = _ci_rating(ci_low, ci_high, null, below, above, has_mid)
    reasons.append(ci_text)
    ois_levels, ois_text = (0, "OIS not needed: the CI already crosses a threshold") \
        if ci_levels else _ois_levels(n_total, ois, far_fraction)
    reasons.append(ois_text)
    if ois is not None and n_total is None and not ci_levels:
        reasons.append("sample size unknown: the proposal rests on the CI alone")
    levels = max(ci_levels, ois_levels)
    arithmetic = "; ".join(filter(None, [ci_text, ois_text, ois.arithmetic if ois else ""]))
    return ImprecisionProposal(rating=RATINGS[levels], levels=levels, reasons=reasons,
                               arithmetic=arithmetic)
