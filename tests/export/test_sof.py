"""Summary-of-findings tables: one per comparison, outcomes in order of importance (GRADEpro)."""

from __future__ import annotations

from reviewtools.export.sof import sof_markdown


def _row(pid, outcome, importance, comparison):  # noqa: ANN001, ANN202
    return {"profile": pid, "outcome": outcome, "importance": importance,
            "comparison": comparison, "participants (studies)": "10 (1 study)",
            "certainty": "Very low", "effect": "1 favours intervention",
            "statement": "The evidence is very uncertain.", "footnotes": ""}


def test_one_table_per_comparison_with_critical_outcomes_first():
    rows = [_row("hrv-vs-care", "heart-rate variability", "mechanism", "x vs usual care"),
            _row("pain-vs-sham", "pain", "critical", "x vs sham"),
            _row("pain-vs-care", "pain", "critical", "x vs usual care")]
    md = "\n".join(sof_markdown(rows, lambda s: s))
    care = md.split("### x vs usual care")[1].split("###")[0]
    assert md.index("### x vs usual care") < md.index("### x vs sham")  # first seen first
    assert care.index("| pain |") < care.index("| heart-rate variability |")
    assert "| critical |" in care and "Comparison" not in care.split("\n")[2]
    assert md.count(": GRADE summary of findings") == 2
