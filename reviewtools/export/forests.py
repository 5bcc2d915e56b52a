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


def write_forests(ctx: ExportContext) -> dict[str, str]:
    """Write a forest plot per published profile with numeric results, once per export run;
    profile -> PNG path."""
    return ctx.once("forests", lambda: _forests(ctx))


def _forests(ctx: ExportContext) -> dict[str, str]:
    out: dict[str, str] = {}
    for profile in ctx.published_profiles():
        kept, _ = body(profile, ctx.profile_studies)
        results = profile_results(profile, kept)
        if not results:
            continue
        pooled = pool(results) if len(results) > 1 else None
        fig = forest_figure(results, pooled=pooled, title=profile.id)
        for fmt in ("png", "svg"):
            ctx.write_bytes(f"figures/forest-{profile.id}.{fmt}", render(fig, fmt))
        out[profile.id] = f"figures/forest-{profile.id}.png"
    return out


def write_traffic_lights(ctx: ExportContext) -> dict[str, str]:
    """A robvis-style traffic-light figure per published profile and tool, for the studies
    assessed with a risk-of-bias tool, once per export run; profile -> PNG paths joined by
    spaces."""
    return ctx.once("traffic lights", lambda: _traffic_lights(ctx))


def _traffic_lights(ctx: ExportContext) -> dict[str, str]:
    out: dict[str, str] = {}
    published = ctx.published_profiles()
    assessed = load_assessments(ctx.review.settings) if published else {}
    for profile in published:
        by_tool: dict[str, list] = {}
        for e in profile.entries:
            file = assessed.get(e.study)
            for a in file.assessments if file else []:
                if a.overall is not None:
                    by_tool.setdefault(a.tool, []).append(a)
        paths = []
        for tool, items in sorted(by_tool.items()):
            fig = traffic_light_figure(items, title=f"{profile.id}: {tool}")
            for fmt in ("png", "svg"):
                ctx.write_bytes(f"figures/rob-{profile.id}-{tool}.{fmt}", render(fig, fmt))
            paths.append(f"figures/rob-{profile.id}-{tool}.png")
        if paths:
            out[profile.id] = " ".join(paths)
    return out
