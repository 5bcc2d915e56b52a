"""Choosing the risk-of-bias tool by study design."""

from __future__ import annotations

import pytest

from reviewtools.appraisal.rob import TOOLS, AssessmentError, tool_for, tool_named
from reviewtools.model.records import Design


def test_the_registry_has_the_three_tools_with_labels():
    assert {k: t.label for k, t in TOOLS.items()} == {
        "rob2": "RoB 2", "robins-i": "ROBINS-I", "amstar2": "AMSTAR 2"}


@pytest.mark.parametrize(("design", "tool"), [
    ("RCT", "rob2"), ("randomised controlled trial", "rob2"),
    ("non-randomised trial", "robins-i"), ("cohort", "robins-i"),
    ("case-control", "robins-i"), ("controlled before-after", "robins-i"),
    ("systematic review", "amstar2"), ("Systematic review with meta-analysis", "amstar2"),
    ("mechanistic/laboratory", None), ("narrative review", None), ("expert opinion", None),
])
def test_each_design_gets_the_tool_made_for_it(design, tool):
    choice = tool_for(design)
    assert choice.tool == tool
    assert choice.reason


def test_no_tool_says_why():
    assert "indirect evidence" in tool_for("mechanistic/laboratory").reason
    assert "no comparison group" in tool_for("case series").reason


def test_every_design_in_study_records_is_covered():
    for design in Design.__args__:
        tool_for(design)


def test_unknown_names_list_the_valid_ones():
    with pytest.raises(AssessmentError, match="designs: RCT"):
        tool_for("anecdote")
    with pytest.raises(AssessmentError, match="tools: rob2"):
        tool_named("rob1")
