"""Figures: evidence map and per-section certainty bars, saved as PNG and SVG."""

from __future__ import annotations

import matplotlib
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from reviewtools.errors import NotFoundError
from reviewtools.export.figures import (
    CERTAINTY_AXIS,
    VERDICT_COLOUR,
    evidence_map,
    figure_bytes,
    section_figure,
)
from tests.export.formats import export, judge


def test_figures_leave_pyplot_state_alone(review, settings):
    judge(review, settings)
    import matplotlib.pyplot as plt
    before = plt.get_fignums()
    fig = evidence_map(review)
    assert plt.get_fignums() == before
    assert type(fig.canvas).__name__ in ("FigureCanvasBase", "FigureCanvasAgg")
    assert matplotlib.rcParams["text.parse_math"] is True  # rc_context restored it


def test_section_bars_count_every_claim_by_certainty_and_verdict(review, settings):
    judge(review, settings)
    claims = [c for c in review.load_claims(include_dropped=False) if c.section == "sleep"]
    fig = section_figure(review, "sleep")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    heights: dict[str, float] = {}
    colours: dict[tuple[str, str], float] = {}
    for bar in ax.patches:
        level = CERTAINTY_AXIS[round(bar.get_x() + bar.get_width() / 2)]
        heights[level] = heights.get(level, 0) + bar.get_height()
        key = (level, to_hex(bar.get_facecolor()).lower())
        colours[key] = colours.get(key, 0) + bar.get_height()
    assert sum(heights.values()) == len(claims)
    assert heights["low"] == 1 and heights["not graded"] == len(claims) - 1
    assert colours[("low", VERDICT_COLOUR["uncertain"].lower())] == 1
    assert "Deeper, More Restful Sleep" in ax.get_title()


def test_evidence_map_has_one_dot_per_claim_coloured_by_verdict(review, settings):
    judge(review, settings)
    claims = review.load_claims(include_dropped=False)
    fig = evidence_map(review)
    ax = fig.axes[0]
    dots = [c for c in ax.collections]
    assert len(dots) == len(claims)
    colours = [to_hex(d.get_facecolor()[0]).lower() for d in dots]
    assert colours.count(VERDICT_COLOUR["partly supported"].lower()) == 1
    assert colours.count(VERDICT_COLOUR["not testable"].lower()) == 1
    assert [t.get_text() for t in ax.get_xticklabels()] == \
        ["Not graded", "Very low", "Low", "Moderate", "High"]
    assert ax.get_yticklabels()[0].get_text() == "Conclusion"  # first section on top


def test_unknown_section(review, settings):
    judge(review, settings)
    with pytest.raises(NotFoundError, match="no claims in section 'feet'"):
        section_figure(review, "feet")


def test_headings_are_drawn_literally(review, settings):
    judge(review, settings)
    meta = review.meta
    sections = [s.model_copy(update={"heading": "Costs $5 and $10 ^_^"}) if s.slug == "sleep"
                else s for s in meta.sections]
    review.__dict__["meta"] = meta.model_copy(update={"sections": sections})
    fig = section_figure(review, "sleep")
    assert figure_bytes(fig, "png").startswith(b"\x89PNG")
    assert fig.axes[0].get_title().startswith("Costs $5 and $10 ^_^")


def test_saved_files_are_deterministic_and_timestamp_free(review, settings, tmp_path):
    judge(review, settings)
    stale = tmp_path / "a" / "figures" / "certainty-gone.png"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    a = export(review, tmp_path, ["figures"], name="a")
    assert not stale.exists()  # a section that no longer exists loses its figure
    b = export(review, tmp_path, ["figures"], name="b")
    sections = {c.section for c in review.load_claims(include_dropped=False)}
    expected = {"evidence-map.png", "evidence-map.svg"}
    expected |= {f"certainty-{s}.{ext}" for s in sections for ext in ("png", "svg")}
    assert {name.split("/")[1] for name in a} == expected
    for name, path in a.items():
        assert path.read_bytes() == b[name].read_bytes(), name
    svg = a["figures/evidence-map.svg"].read_text()
    assert svg.startswith("<?xml") and "<dc:date>" not in svg
    assert a["figures/evidence-map.png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_unchanged_figures_are_not_rendered_again(review, settings, tmp_path, monkeypatch):
    import reviewtools.export.figures as figures
    judge(review, settings)
    export(review, tmp_path, ["figures"], name="out")
    calls = []
    real = figures.figure_bytes
    monkeypatch.setattr(figures, "figure_bytes", lambda fig, fmt: calls.append(fmt)
                        or real(fig, fmt))
    export(review, tmp_path, ["figures"], name="out")
    assert calls == []  # same claims, same judgements: the files on disk are reused
    review.verdict("stress-01", "not supported", by="ann", reason="changed for the test")
    export(review, tmp_path, ["figures"], name="out")
    assert calls  # a changed verdict re-renders
    (tmp_path / "out" / "figures" / "evidence-map.svg").unlink()
    calls.clear()
    export(review, tmp_path, ["figures"], name="out")
    assert calls  # a missing file re-renders
