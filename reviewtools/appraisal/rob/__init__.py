"""Risk of bias with the tool made for the design: RoB 2 (randomised trials), ROBINS-I
(non-randomised studies of interventions) and AMSTAR 2 (systematic reviews).

Record in, record out: :func:`assess` takes the reviewer's answers (each with a reason) and
decisions and returns a :class:`RobAssessment` whose domain ratings and overall rating are
derived by the tool's published rules; :func:`tool_for` picks the tool for a study design.

May import the base (errors, model) and, like the rest of the appraisal stage, the stages
before it; nothing here does I/O.
"""

from reviewtools.appraisal.rob.assessment import RobAssessment, assess, derive
from reviewtools.appraisal.rob.domains import AssessmentError, Evaluation, Judgement, Tool
from reviewtools.appraisal.rob.registry import TOOLS, ToolChoice, tool_for, tool_named

__all__ = ["TOOLS", "AssessmentError", "Evaluation", "Judgement", "RobAssessment", "Tool",
           "ToolChoice", "assess", "derive", "tool_for", "tool_named"]
