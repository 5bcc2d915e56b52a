"""Risk-of-bias traffic-light figure in the style of robvis: studies by domains, plus overall.

>>> fig = traffic_light_figure(assessments)      # doctest: +SKIP

One row per assessment (the study key, with the outcome when the assessments cover more than
one), one column per domain of the tool (AMSTAR 2: per item) and a last column for the
overall rating. Each cell is a circle in a colour-blind-safe (Okabe-Ito) colour *and* a
symbol, so colour is never the only cue; the legend names both, and a key below the plot
spells out each domain. An overall rating still awaiting the reviewer's decision is drawn
as a white circle with an ellipsis, never as a rating.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from reviewtools.appraisal.rob import RobAssessment, tool_named
from reviewtools.appraisal.rob.rob2 import domains_for
from reviewtools.export.plotting import FigureError, style

GREEN, YELLOW, VERMILLION, PURPLE, GREY, SKY = (
    "#009E73", "#F0E442", "#D55E00", "#CC79A7", "#BBBBBB", "#56B4E9")
# tool -> rating -> (colour, symbol)
CELLS: dict[str, dict[str, tuple[str, str]]] = {
    "rob2": {"low": (GREEN, "+"), "some concerns": (YELLOW, "−"), "high": (VERMILLION, "×")},
    "robins-i": {"low": (GREEN, "+"), "moderate": (YELLOW, "−"), "serious": (VERMILLION, "×"),
                 "critical": (PURPLE, "!"), "no information": (GREY, "?")},
    "amstar2": {"yes": (GREEN, "+"), "partial yes": (SKY, "~"), "no": (VERMILLION, "×"),
                "no meta-analysis": (GREY, "NA"), "high": (GREEN, "H"),
                "moderate": (YELLOW, "M"), "low": (VERMILLION, "L"),
                "critically low": (PURPLE, "CL")},
}
UNDECIDED = ("#FFFFFF", "…")


def _tool_of(assessments: Sequence[RobAssessment]) -> tuple[str, str]:
    if not assessments:
        raise FigureError("no assessments to draw")
    kinds = sorted({(a.tool, a.variant) for a in assessments})
    if len(kinds) != 1:
        raise FigureError("one figure per tool (and RoB 2 variant); got "
                          + ", ".join(f"{t} {v}".strip() for t, v in kinds))
    return kinds[0]


def row_labels(assessments: Sequence[RobAssessment]) -> list[str]:
    """Study keys, with the outcome when the figure covers more than one outcome."""
    several = len({a.outcome for a in assessments}) > 1
    labels = [f"{a.study} ({a.outcome})" if several and a.outcome else a.study
              for a in assessments]
    dupes = sorted({x for x in labels if labels.count(x) > 1})
    if dupes:
        raise FigureError(f"assessed twice: {', '.join(dupes)}; one row per study and outcome")
    return labels


def _domain_key(tool: str, variant: str) -> list[tuple[str, str]]:
    domains = domains_for(variant) if tool == "rob2" else tool_named(tool).domains
    return [(d.key, d.label) for d in domains]


def _cell(ax, x: float, y: float, colour: str, symbol: str) -> None:  # noqa: ANN001 - Axes
    ax.scatter([x], [y], s=330, color=colour, edgecolors="#333333", linewidths=0.7, zorder=3)
    ax.annotate(symbol, (x, y), ha="center", va="center", fontsize=8 if len(symbol) > 1 else 10,
                fontweight="bold", zorder=4)


def _legend(ax, tool: str, undecided: bool) -> None:  # noqa: ANN001 - matplotlib Axes
    entries = list(CELLS[tool].items()) + ([("awaiting reviewer decision", UNDECIDED)]
                                           if undecided else [])
    handles = [Line2D([], [], marker="o", linestyle="", markersize=11, markerfacecolor=c,
                      markeredgecolor="#333333", label=f"{symbol}  {rating}")
               for rating, (c, symbol) in entries]
    ax.legend(handles=handles, title="Judgement", loc="upper left", bbox_to_anchor=(1.01, 1.0),
              frameon=False)


def traffic_light_figure(assessments: Sequence[RobAssessment], *,
                         title: str | None = None) -> Figure:
    """Traffic-light plot of assessments made with one tool (top to bottom as given)."""
    tool, variant = _tool_of(assessments)
    labels = row_labels(assessments)
    domains = _domain_key(tool, variant)
    columns = [k for k, _ in domains] + ["Overall"]
    n = len(assessments)
    undecided = any(a.overall is None for a in assessments)
    with style():
        fig = Figure(figsize=(1.6 + 0.55 * len(columns) + 2.6, 0.5 * n + 2.4 + 0.16 * len(domains)),
                     layout="constrained")
        ax = fig.add_subplot()
        for row, a in enumerate(assessments):
            y = n - 1 - row
            ratings = a.domain_ratings
            for col, key in enumerate(columns[:-1]):
                _cell(ax, col, y, *CELLS[tool][ratings[key]])
            cell = UNDECIDED if a.overall is None else CELLS[tool][a.overall]
            _cell(ax, len(columns) - 1, y, *cell)
        ax.set_xticks(range(len(columns)), columns)
        ax.xaxis.tick_top()
        ax.set_yticks(range(n), list(reversed(labels)))
        ax.set_xlim(-0.6, len(columns) - 0.4)
        ax.set_ylim(-0.6, n - 0.4)
        ax.axvline(len(columns) - 1.5, color="#999999", linewidth=0.8)
        for side in ("right", "bottom"):
            ax.spines[side].set_visible(False)
        ax.set_title(title or f"Risk of bias: {tool_named(tool).label}", loc="left")
        _legend(ax, tool, undecided)
        key = "\n".join(f"{k}: {label}" for k, label in domains) if tool != "amstar2" else (
            "Items 1-16 of AMSTAR 2; critical items 2, 4, 7, 9, 11, 13, 15")
        ax.xaxis.set_label_position("bottom")
        ax.set_xlabel(key, loc="left", fontsize=7)
    return fig
