"""The PRISMA 2020 flow diagram of a review, from its screening records.

Boxes follow the PRISMA 2020 flow diagram for new systematic reviews (Page et al., BMJ
2021;372:n71, figure 1): records identified (from database searches and from other
sources), duplicates removed, records screened, records excluded (with the reasons
counted), studies included. Each record is counted once for the review, however many
claims it was screened for (:func:`reviewtools.literature.search.prisma_counts`).
Drawn on matplotlib's Figure API with the export's deterministic style.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from reviewtools.export.context import ExportContext
from reviewtools.export.plotting import render, style
from reviewtools.literature.search import prisma_counts

BOX = {"boxstyle": "round,pad=0.02", "facecolor": "#FFFFFF", "edgecolor": "#333333",
       "linewidth": 1.0}
MAX_REASONS = 6
REASON_CHARS = 38


def _box(ax, x: float, y: float, w: float, h: float, text: str,  # noqa: ANN001
         size: float = 8) -> None:
    ax.add_patch(FancyBboxPatch((x, y), w, h, **BOX))
    ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=size)


def _arrow(ax, x0: float, y0: float, x1: float, y1: float) -> None:  # noqa: ANN001
    ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                arrowprops={"arrowstyle": "->", "color": "#333333", "linewidth": 1.0})


def _reasons(counts: Mapping[str, Any]) -> str:
    reasons = list(counts.get("exclusion_reasons", {}).items())
    lines = [f"{r[:REASON_CHARS] + ('…' if len(r) > REASON_CHARS else '')} (n = {n})"
             for r, n in reasons[:MAX_REASONS]]
    if len(reasons) > MAX_REASONS:
        lines.append(f"{len(reasons) - MAX_REASONS} other reasons "
                     f"(n = {sum(n for _, n in reasons[MAX_REASONS:])})")
    return "\n".join(lines)


def prisma_figure(counts: Mapping[str, Any], *, title: str = "") -> Figure:
    """The flow diagram for ``counts`` (the review-level PRISMA counts)."""
    databases = counts["identified"] - counts["other_sources"]
    with style():
        fig = Figure(figsize=(8.0, 4.8), layout="constrained")
        ax = fig.add_subplot()
        ax.set_xlim(0, 10)
        ax.set_ylim(3.2, 9.8)
        ax.axis("off")
        if title:
            ax.set_title(title, fontsize=10)
        _box(ax, 0.3, 8.3, 4.2, 1.3, f"Records identified from\ndatabase searches "
             f"(n = {databases})\nother sources (n = {counts['other_sources']})")
        _box(ax, 5.5, 8.3, 4.2, 1.3, f"Duplicates removed\n(n = {counts['duplicates_removed']})")
        _box(ax, 0.3, 5.9, 4.2, 1.3, f"Records screened\n(n = {counts['screened']})"
             + (f"\nnot yet screened (n = {counts['not_screened']})"
                if counts.get("not_screened") else ""))
        excluded = f"Records excluded\n(n = {counts['excluded']})"
        reasons = _reasons(counts)
        _box(ax, 5.5, 3.4, 4.2, 3.8, excluded + ("\n\n" + reasons if reasons else ""), 6.5)
        _box(ax, 0.3, 3.5, 4.2, 1.3, f"Studies included\n(n = {counts['included']})"
             + (f"\nundecided (n = {counts['maybe']})" if counts.get("maybe") else ""))
        _arrow(ax, 4.5, 8.95, 5.5, 8.95)
        _arrow(ax, 2.4, 8.3, 2.4, 7.2)
        _arrow(ax, 4.5, 6.55, 5.5, 6.0)
        _arrow(ax, 2.4, 5.9, 2.4, 4.8)
        for y, label in ((8.95, "Identification"), (6.55, "Screening"), (4.15, "Included")):
            ax.text(-0.15, y, label, rotation=90, ha="right", va="center", fontsize=8,
                    color="#555555")
    return fig


def write_prisma(ctx: ExportContext) -> str | None:
    """Write figures/prisma.{png,svg} when the review has screening records (once per export
    run); the PNG path."""
    return ctx.once("prisma", lambda: _prisma(ctx))


def _prisma(ctx: ExportContext) -> str | None:
    counts = prisma_counts(ctx.review)
    if not counts["screened"] and not counts["identified"]:
        return None
    fig = prisma_figure(counts)
    for fmt in ("png", "svg"):
        ctx.write_bytes(f"figures/prisma.{fmt}", render(fig, fmt))
    return "figures/prisma.png"
