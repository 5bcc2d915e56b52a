"""Which risk-of-bias tool fits which study design.

``TOOLS`` maps a short name to a :class:`~reviewtools.appraisal.rob.domains.Tool` (whose
``label`` is the human name). :func:`tool_for` picks the tool for a design and says why, or
says why no tool applies (laboratory, mechanistic and narrative work is not assessed for risk
of bias with these tools: its place in GRADE is as indirect or background evidence).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from reviewtools.appraisal.rob import amstar2, rob2, robins_i
from reviewtools.appraisal.rob.domains import AssessmentError, Tool

TOOLS: dict[str, Tool] = {
    "rob2": rob2.TOOL,
    "robins-i": robins_i.TOOL,
    "amstar2": amstar2.TOOL,
}

# design (as written in study records, plus common spellings) -> tool key or None
DESIGN_TOOL: dict[str, str | None] = {
    "RCT": "rob2",
    "randomised trial": "rob2",
    "randomized trial": "rob2",
    "randomised controlled trial": "rob2",
    "randomized controlled trial": "rob2",
    "non-randomised trial": "robins-i",
    "non-randomized trial": "robins-i",
    "cohort": "robins-i",
    "case-control": "robins-i",
    "before-after": "robins-i",
    "controlled before-after": "robins-i",
    "interrupted time series": "robins-i",
    "systematic review": "amstar2",
    "systematic review with meta-analysis": "amstar2",
    "cross-sectional": None,
    "case series": None,
    "mechanistic/laboratory": None,
    "laboratory": None,
    "mechanistic": None,
    "narrative review": None,
    "expert opinion": None,
}

NO_TOOL_REASON: dict[str, str] = {
    "cross-sectional": "a cross-sectional survey does not compare interventions over time; "
                       "ROBINS-I is for non-randomised studies of interventions",
    "case series": "a case series has no comparison group, so there is no comparative effect "
                   "whose risk of bias a tool could assess",
    "narrative review": "a narrative review has no systematic methods to appraise; cite its "
                        "primary studies and assess those",
    "expert opinion": "expert opinion is not a study; it is not rated for risk of bias",
}
LAB_REASON = ("laboratory and mechanistic studies do not estimate an effect in people; they "
              "inform GRADE only as indirect evidence, without a risk-of-bias tool")


class ToolChoice(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    design: str
    tool: str | None
    reason: str


def tool_named(key: str) -> Tool:
    try:
        return TOOLS[key]
    except KeyError:
        valid = ", ".join(f"{k} ({t.label}, {t.designs})" for k, t in TOOLS.items())
        raise AssessmentError(f"unknown risk-of-bias tool {key!r}; tools: {valid}") from None


def tool_for(design: str) -> ToolChoice:
    """The tool made for a study design, or None with the reason no tool applies."""
    key = design.strip()
    if key not in DESIGN_TOOL:
        lowered = {d.lower(): d for d in DESIGN_TOOL}
        key = lowered.get(key.lower(), key)
    if key not in DESIGN_TOOL:
        raise AssessmentError(f"unknown study design {design!r}; designs: "
                              + ", ".join(DESIGN_TOOL))
    tool = DESIGN_TOOL[key]
    if tool is None:
        return ToolChoice(design=key, tool=None, reason=NO_TOOL_REASON.get(key, LAB_REASON))
    t = TOOLS[tool]
    return ToolChoice(design=key, tool=tool, reason=f"{t.label} is the tool for {t.designs}")
