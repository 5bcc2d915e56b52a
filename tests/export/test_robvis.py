"""Traffic-light figure: studies by domains plus overall, symbols as well as colours."""

from __future__ import annotations

import re
from datetime import date

import pytest

from reviewtools.appraisal.rob import assess
from reviewtools.export.plotting import FigureError, render
from reviewtools.export.robvis import CELLS, traffic_light_figure
from tests.appraisal.rob.helpers import answers, decision, items

LOW = dict(q1_1="Y", q1_2="Y", q1_3="N", q2_1="N", q2_2="N", q2_6="Y", q3_1="Y", q4_1="N",
           q4_2="N", q4_3="N", q5_1="Y", q5_2="N", q5_3="N")
DAY = date(2026, 1, 5)


def rob2(study: str, **changes: str):
    return assess("rob2", study, answers(**{**LOW, **changes}), assessor="AB", date=DAY)


TRIALS = [rob2("Syn2020"), rob2("Syn2021", q1_2="N"), rob2("Syn2019", q5_1="NI")]


def texts(svg: bytes) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg.decode("utf-8"))


def test_one_row_per_study_and_a_column_per_domain_plus_overall():
    ax = traffic_light_figure(TRIALS).axes[0]
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert list(reversed(rows)) == ["Syn2020", "Syn2021", "Syn2019"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["D1", "D2", "D3", "D4", "D5",
                                                            "Overall"]


def test_symbols_and_labels_are_in_the_svg_so_colour_is_not_the_only_cue():
    words = texts(render(traffic_light_figure(TRIALS), "svg"))
    for study in ("Syn2020", "Syn2021", "Syn2019"):
        assert study in words
    assert words.count("×") == 2          # Syn2021: D1 and the overall
    assert words.count("+") == 6 + 4 + 4  # low cells: Syn2020 all six, the others four each
    assert "+  low" in words and "−  some concerns" in words and "×  high" in words
    assert "D1: Bias arising from the randomisation process" in words


def test_symbols_are_distinct_within_each_tool():
    for tool, cells in CELLS.items():
        symbols = [s for _, s in cells.values()]
        if tool == "amstar2":
            symbols = symbols[:4]  # item answers; overall uses its own letters
        assert len(set(symbols)) == len(symbols), tool


def test_an_undecided_overall_is_drawn_as_awaiting_not_as_a_rating():
    several = rob2("Syn2017", q3_1="N", q3_2="N", q3_3="Y", q3_4="N", q5_1="NI")
    words = texts(render(traffic_light_figure([*TRIALS, several]), "svg"))
    assert "…" in words
    assert "…  awaiting reviewer decision" in words


def test_same_input_gives_the_same_bytes():
    assert render(traffic_light_figure(TRIALS)) == render(traffic_light_figure(TRIALS))


def test_robins_i_and_amstar2_figures():
    cohort = assess("robins-i", "SynCohort", {}, assessor="AB", date=DAY,
                    domain_decisions={f"D{i}": decision("critical" if i == 1 else "low")
                                      for i in range(1, 8)})
    words = texts(render(traffic_light_figure([cohort])))
    assert "!" in words and "!  critical" in words
    review = assess("amstar2", "SynReview", items("Y Y Y Y Y Y Y Y Y Y Y Y Y Y Y Y"),
                    assessor="AB", date=DAY)
    ax = traffic_light_figure([review]).axes[0]
    assert len(ax.get_xticklabels()) == 17


def test_one_tool_per_figure_and_one_row_per_study_outcome():
    cohort = assess("robins-i", "SynCohort", {}, assessor="AB", date=DAY,
                    domain_decisions={f"D{i}": decision("low") for i in range(1, 8)})
    with pytest.raises(FigureError, match="one figure per tool"):
        traffic_light_figure([TRIALS[0], cohort])
    with pytest.raises(FigureError, match="assessed twice: Syn2020"):
        traffic_light_figure([TRIALS[0], TRIALS[0]])
    with pytest.raises(FigureError, match="no assessments"):
        traffic_light_figure([])
