"""Forest plot: one row per study, labels as SVG text, deterministic bytes (synthetic data)."""

from __future__ import annotations

import re

import pytest

from reviewtools.export.forest import forest_figure
from reviewtools.export.plotting import FigureError, render
from reviewtools.grading.pooling import PoolingError, pool
from reviewtools.model.evidence import OutcomeResult


def result(study: str, value: float, *, measure: str = "MD", outcome: str = "pain",
           **kw) -> OutcomeResult:
    lo, hi = (value / 1.8, value * 1.8) if measure in {"RR", "OR"} else (value - 1, value + 1)
    return OutcomeResult(study=study, outcome=outcome, comparison="massage vs rest",
                         measure=measure, value=value, ci_low=lo, ci_high=hi, **kw)


STUDIES = [result("Syn2020", -1.0), result("Syn2021", -0.5), result("Syn2019", -2.0),
           result("Syn2018", -1.4)]


def texts(svg: bytes) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg.decode("utf-8"))


def test_one_row_per_study_in_the_order_given():
    fig = forest_figure(STUDIES)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert sorted(labels, key=[s.study for s in STUDIES].index) == [s.study for s in STUDIES]
    assert len(labels) == len(STUDIES)


def test_the_pooled_diamond_adds_one_labelled_row():
    fig = forest_figure(STUDIES, pooled=pool(STUDIES))
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert len(labels) == len(STUDIES) + 1
    assert labels[-1].startswith("Pooled (DerSimonian-Laird)")


def test_labels_and_estimates_are_text_in_the_svg():
    svg = render(forest_figure(STUDIES, pooled=pool(STUDIES)), "svg")
    words = texts(svg)
    for s in STUDIES:
        assert s.study in words
    assert "-1.00 [-2.00, 0.00]  25.0%" in words
    assert any(w.startswith("mean difference (MD)") for w in words)
    assert "pain: massage vs rest" in words


def test_same_input_gives_the_same_bytes():
    one = render(forest_figure(STUDIES, pooled=pool(STUDIES)), "svg")
    two = render(forest_figure(STUDIES, pooled=pool(STUDIES)), "svg")
    assert one == two
    assert render(forest_figure(STUDIES), "png") == render(forest_figure(STUDIES), "png")


def test_ratio_measures_use_a_log_axis():
    rr = [result("SynA", 0.6, measure="RR"), result("SynB", 0.9, measure="RR")]
    assert forest_figure(rr).axes[0].get_xscale() == "log"


def test_a_figure_shows_one_outcome_comparison():
    with pytest.raises(PoolingError, match="differ in outcome"):
        forest_figure([result("SynA", 1.0), result("SynB", 1.0, outcome="sleep")])
    with pytest.raises(FigureError, match="other studies"):
        forest_figure(STUDIES[:3], pooled=pool(STUDIES))
    with pytest.raises(FigureError, match="formats: svg, png"):
        render(forest_figure(STUDIES), "gif")
