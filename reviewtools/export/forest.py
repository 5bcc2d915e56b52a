"""Forest plot for one outcome and one comparison.

>>> fig = forest_figure(results, pooled=pool(results))      # doctest: +SKIP
>>> svg = render(fig, "svg")                                 # doctest: +SKIP

One row per study (square at the estimate, sized by its random-effects weight when a pooled
result is given, line for the 95% CI), the estimate and CI written at the right, a vertical
line at no effect, and the pooled estimate as a diamond with tau² and I² in its label. Ratio
measures are drawn on a log axis. All results must share one outcome, comparison, time point
and measure (GRADE rates one outcome for one comparison).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import get_args

from matplotlib.figure import Figure
from matplotlib.patches import Polygon

from reviewtools.export.plotting import FigureError, style
from reviewtools.grading.pooling import PooledResult, one_comparison, study_interval
from reviewtools.model.evidence import MEASURE_LABEL, RATIO_MEASURES, Measure, OutcomeResult

STUDY_COLOUR = "#0072B2"  # Okabe-Ito blue
POOLED_COLOUR = "#D55E00"  # Okabe-Ito vermillion


def _fmt(x: float) -> str:
    return f"{x:.2f}"


def _check_pooled(shared: dict[str, str], results: Sequence[OutcomeResult],
                  pooled: PooledResult | None) -> None:
    if pooled is None:
        return
    theirs = {f: getattr(pooled, f) for f in shared}
    if theirs != shared or {s.study for s in pooled.studies} != {r.study for r in results}:
        raise FigureError("the pooled result is for other studies or another outcome-"
                          f"comparison ({theirs}) than the study rows ({shared})")


def _title(shared: dict[str, str]) -> str:
    when = f", {shared['timepoint']}" if shared["timepoint"] else ""
    return f"{shared['outcome']}{when}: {shared['comparison']}"


def _diamond(ax, y: float, pooled: PooledResult) -> None:  # noqa: ANN001 - matplotlib Axes
    pts = [(pooled.ci_low, y), (pooled.estimate, y + 0.3), (pooled.ci_high, y),
           (pooled.estimate, y - 0.3)]
    ax.add_patch(Polygon(pts, closed=True, facecolor=POOLED_COLOUR, edgecolor="#333333"))


def forest_figure(results: Sequence[OutcomeResult], *, pooled: PooledResult | None = None,
                  title: str | None = None) -> Figure:
    """A forest plot of study results (top to bottom in the order given) and the pool."""
    shared = one_comparison(results)
    _check_pooled(shared, results, pooled)
    measure = shared["measure"]
    ratio = measure in RATIO_MEASURES
    weights = {s.study: s.weight_percent for s in pooled.studies} if pooled else {}
    rows = len(results) + (2 if pooled else 0)
    labels, ys = [], []
    with style():
        fig = Figure(figsize=(8.0, 0.38 * rows + 1.6), layout="constrained")
        ax = fig.add_subplot()
        for i, r in enumerate(results):
            y = len(results) - i + (1 if pooled else 0)
            est, lo, hi = study_interval(r)
            size = 20 + 2.5 * weights.get(r.study, 10.0)
            ax.plot([lo, hi], [y, y], color=STUDY_COLOUR, linewidth=1.2)
            ax.scatter([est], [y], marker="s", s=size, color=STUDY_COLOUR, zorder=3)
            note = f"{_fmt(est)} [{_fmt(lo)}, {_fmt(hi)}]"
            if r.study in weights:
                note += f"  {weights[r.study]:.1f}%"
            ax.annotate(note, (1.01, y), xycoords=("axes fraction", "data"), va="center")
            labels.append(r.study)
            ys.append(y)
        if pooled:
            _diamond(ax, 0.5, pooled)
            ax.annotate(f"{_fmt(pooled.estimate)} [{_fmt(pooled.ci_low)}, "
                        f"{_fmt(pooled.ci_high)}]", (1.01, 0.5),
                        xycoords=("axes fraction", "data"), va="center")
            labels.append(f"Pooled ({pooled.method.split(' random')[0]}), "
                          f"I² {pooled.i2:.0f}%, tau² {pooled.tau2:.3g}")
            ys.append(0.5)
        ax.axvline(1.0 if ratio else 0.0, color="#555555", linewidth=0.8, linestyle="--")
        if ratio:
            ax.set_xscale("log")
        ax.set_yticks(ys, labels)
        ax.set_ylim(-0.2 if pooled else 0.4, max(ys) + 0.6)
        ax.set_xlabel(f"{MEASURE_LABEL[measure]} ({measure}) with 95% CI")
        ax.set_title(title or _title(shared))
        ax.grid(True, axis="x", color="#eeeeee")
        ax.set_axisbelow(True)
    return fig


def profile_results(profile, studies_kept) -> list[OutcomeResult]:  # noqa: ANN001
    """The numeric results of a profile's counted entries, as forest-plot rows (one measure)."""
    rows = [e for e in studies_kept if e.value is not None and e.ci_low is not None
            and e.ci_high is not None and e.measure in get_args(Measure)]
    measures = {e.measure for e in rows}
    if len(measures) != 1:
        return []
    return [OutcomeResult(study=e.study, outcome=profile.outcome, comparison=profile.comparator,
                          measure=e.measure, value=e.value, ci_low=e.ci_low, ci_high=e.ci_high)
            for e in rows]
