"""One risk-of-bias assessment of one study's result, as a record.

:class:`RobAssessment` holds what the reviewer supplies (tool, study, outcome, answers with
reasons, domain decisions where the tool allows or needs them, the assessor, whether an AI
proposed the answers, the date) and what the tool derives from it (``evaluation``: every
domain rating with its rule, and ``overall``). The derived part is recomputed whenever a
record is built or loaded; a stored or typed ``overall`` or ``evaluation`` that disagrees
with the answers is an error, so a hand-edited rating cannot slip through.

>>> a = assess("amstar2", "Smith2020", answers, assessor="AB")   # doctest: +SKIP
>>> a.overall                                                      # doctest: +SKIP
'moderate'
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date as Date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from reviewtools.appraisal.rob.domains import AssessmentError, Evaluation
from reviewtools.appraisal.rob.registry import tool_named
from reviewtools.model.evidence import Answer, Decision
from reviewtools.model.records import BibKey


def derive(data: Mapping[str, Any]) -> Evaluation:
    """Run the tool's rules on the answers and decisions in ``data``."""
    tool = tool_named(str(data.get("tool", "")))
    answers = {str(k): Answer.model_validate(v) for k, v in (data.get("answers") or {}).items()}
    decisions = {str(k): Decision.model_validate(v)
                 for k, v in (data.get("domain_decisions") or {}).items()}
    raw = data.get("overall_decision")
    overall = None if raw is None else Decision.model_validate(raw)
    return tool.evaluate(answers, domain_decisions=decisions, overall_decision=overall,
                         variant=variant_of(data))


def variant_of(data: Mapping[str, Any]) -> str:
    """RoB 2's domain 2 variant, defaulting to the effect of assignment; '' for other tools."""
    if data.get("tool") != "rob2":
        return str(data.get("variant") or "")
    return str(data.get("variant") or "assignment")


class RobAssessment(BaseModel):
    """A risk-of-bias (or AMSTAR 2) assessment; ``evaluation`` and ``overall`` are derived."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tool: str
    study: BibKey
    outcome: str = ""
    comparison: str = ""
    result: str = ""
    variant: str = ""
    note: str = ""  # what the assessment was based on (e.g. "the abstract only")
    answers: dict[str, Answer]
    domain_decisions: dict[str, Decision] = {}
    overall_decision: Decision | None = None
    assessor: str = Field(min_length=1)
    ai_assisted: bool = False
    date: Date
    evaluation: Evaluation
    overall: str | None

    @model_validator(mode="before")
    @classmethod
    def _derive(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        evaluation = derive(data)
        typed = data.get("evaluation")
        if typed is not None and Evaluation.model_validate(typed) != evaluation:
            raise AssessmentError("the stored domain ratings do not follow from the answers; "
                                  "ratings are derived: remove them or correct the answers")
        if "overall" in data and data["overall"] != evaluation.overall:
            raise AssessmentError(f"overall {data['overall']!r} does not follow from the "
                                  f"domains, which give {evaluation.overall!r} "
                                  f"({evaluation.overall_basis})")
        return {**data, "variant": variant_of(data), "evaluation": evaluation,
                "overall": evaluation.overall}

    @property
    def domain_ratings(self) -> dict[str, str]:
        return {k: j.rating for k, j in self.evaluation.domains.items()}

    def require_overall(self) -> str:
        """The overall rating, or an error saying which decision is still needed."""
        if self.overall is None:
            raise AssessmentError(f"{self.study}: overall risk of bias not decided: "
                                  f"{self.evaluation.decision_needed}")
        return self.overall


def assess(tool: str, study: str, answers: Mapping[str, Answer | Mapping[str, str]], *,
           assessor: str, date: Date | None = None, ai_assisted: bool = False,
           domain_decisions: Mapping[str, Decision] | None = None,
           overall_decision: Decision | None = None, variant: str = "", outcome: str = "",
           comparison: str = "", result: str = "", note: str = "") -> RobAssessment:
    """Build an assessment, raising :class:`AssessmentError` (not a pydantic error) when the
    answers are incomplete or a decision conflicts with the tool's rules."""
    data: dict[str, Any] = {
        "tool": tool, "study": study, "outcome": outcome, "comparison": comparison,
        "result": result, "variant": variant, "note": note, "answers": dict(answers),
        "domain_decisions": dict(domain_decisions or {}), "overall_decision": overall_decision,
        "assessor": assessor, "ai_assisted": ai_assisted, "date": date or Date.today(),
    }
    derive(data)  # raises AssessmentError with the tool's own message
    return RobAssessment.model_validate(data)
