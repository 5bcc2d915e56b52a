"""Forest plots and risk-of-bias traffic lights for the published evidence profiles.

Kept apart from the export context so that statsmodels and matplotlib load only when an
export draws them.
"""

from __future__ import annotations

from reviewtools.appraisal.risk import load_assessments
from reviewtools.export.context import ExportContext
from reviewtools.export.forest import forest_figure, profile_results
from reviewtools.export.plotting import render
from reviewtools.export.robvis import traffic_light_figure
from reviewtools.grading.pooling import pool
from reviewtools.grading.profiles import body
from reviewtools.store.folders import load_study


def write_forests(ctx: ExportContext) -> dict[str, str]:
    """Write a forest plot per published profile with numeric results; profile -> PNG path."""
    out: dict[str, str] = {}
    if ctx.protocol is None or not ctx.sof_rows:
        return out
    published = {row["profile"] for row in ctx.sof_rows}
    for pid, profile in ctx.review.load_profiles().items():
        if pid not in published:
            continue
        studies = {e.study: ctx.studies.get(e.study) or load_study(e.study, ctx.review.settings)
                   for e in profile.entries}
        kept, _ = body(profile, studies)
        results = profile_results(profile, kept)
        if not results:
            continue
        pooled = pool(results) if len(results) > 1 else None
        fig = forest_figure(results, pooled=pooled, title=pid)
        for fmt in ("png", "svg"):
            ctx.write_bytes(f"figures/forest-{pid}.{fmt}", render(fig, fmt))
        out[pid] = f"figures/forest-{pid}.png"
    return out


def write_traffic_lights(ctx: ExportContext) -> dict[str, str]:
    """A robvis-style traffic-light figure per published profile and tool, for the studies
    assessed with a risk-of-bias tool; profile -> [PNG paths] joined by spaces."""
    out: dict[str, str] = {}
    if ctx.protocol is None or not ctx.sof_rows:
        return out
    assessed = load_assessments(ctx.review.settings)
    published = {row["profile"] for row in ctx.sof_rows}
    for pid, profile in ctx.review.load_profiles().items():
        if pid not in published:
            continue
        by_tool: dict[str, list] = {}
        for e in profile.entries:
            file = assessed.get(e.study)
            for a in file.assessments if file else []:
                if a.overall is not None:
                    by_tool.setdefault(a.tool, []).append(a)
        paths = []
        for tool, items in sorted(by_tool.items()):
            fig = traffic_light_figure(items, title=f"{pid}: {tool}")
            for fmt in ("png", "svg"):
                ctx.write_bytes(f"figures/rob-{pid}-{tool}.{fmt}", render(fig, fmt))
            paths.append(f"figures/rob-{pid}-{tool}.png")
        if paths:
            out[pid] = " ".join(paths)
    return out
