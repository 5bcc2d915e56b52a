"""Forest plots for the published evidence profiles, written with the export.

Kept apart from the export context so that statsmodels and matplotlib load only when an
export draws them.
"""

from __future__ import annotations

from reviewtools.export.context import ExportContext
from reviewtools.export.forest import forest_figure, profile_results
from reviewtools.export.plotting import render
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
