"""AMSTAR 2, critical appraisal of systematic reviews of healthcare interventions (Shea et al.,
BMJ 2017;358:j4008).

Sixteen items answered Y / N, with "partial yes" (PY) where the checklist offers it (items 2,
4, 7, 8, 9) and "no meta-analysis conducted" (NMA) for the meta-analysis items (11, 12, 15);
every answer carries a reason. A "no" on a critical item (2, 4, 7, 9, 11, 13, 15) is a
critical flaw; a "no" on any other item is a non-critical weakness. The overall confidence in
the results of the review is derived, never typed:

* high: no critical flaw and at most one non-critical weakness;
* moderate: no critical flaw, more than one non-critical weakness;
* low: one critical flaw, with or without non-critical weaknesses;
* critically low: more than one critical flaw.

Each item is reported as a "domain" of the evaluation (keys "1" to "16") rated
yes / partial yes / no / no meta-analysis, so a traffic-light figure can show them.
"""

from __future__ import annotations

from collections.abc import Mapping

from reviewtools.appraisal.rob.domains import (
    AssessmentError,
    Domain,
    Evaluation,
    Judgement,
    Question,
    Tool,
    check_answers,
)
from reviewtools.model.evidence import Answer, Decision

RATINGS = ("high", "moderate", "low", "critically low")
ITEM_RATINGS = {"Y": "yes", "PY": "partial yes", "N": "no", "NMA": "no meta-analysis"}
CRITICAL_ITEMS = frozenset({"2", "4", "7", "9", "11", "13", "15"})
PARTIAL_YES_ITEMS = frozenset({"2", "4", "7", "8", "9"})
META_ANALYSIS_ITEMS = frozenset({"11", "12", "15"})

ITEMS: tuple[tuple[str, str], ...] = (
    ("1", "Did the research questions and inclusion criteria include the components of PICO?"),
    ("2", "Did the report contain an explicit statement that the review methods were "
          "established prior to the conduct of the review, and justify significant deviations "
          "from the protocol?"),
    ("3", "Did the review authors explain their selection of the study designs for inclusion?"),
    ("4", "Did the review authors use a comprehensive literature search strategy?"),
    ("5", "Did the review authors perform study selection in duplicate?"),
    ("6", "Did the review authors perform data extraction in duplicate?"),
    ("7", "Did the review authors provide a list of excluded studies and justify the "
          "exclusions?"),
    ("8", "Did the review authors describe the included studies in adequate detail?"),
    ("9", "Did the review authors use a satisfactory technique for assessing the risk of bias "
          "in individual included studies?"),
    ("10", "Did the review authors report on the sources of funding for the included studies?"),
    ("11", "If meta-analysis was performed, did the review authors use appropriate methods for "
           "statistical combination of results?"),
    ("12", "If meta-analysis was performed, did the review authors assess the potential impact "
           "of risk of bias in individual studies on the results?"),
    ("13", "Did the review authors account for risk of bias in individual studies when "
           "interpreting or discussing the results?"),
    ("14", "Did the review authors provide a satisfactory explanation for, and discussion of, "
           "any heterogeneity observed in the results?"),
    ("15", "If they performed quantitative synthesis, did the review authors carry out an "
           "adequate investigation of publication bias and discuss its likely impact?"),
    ("16", "Did the review authors report any potential sources of conflict of interest, "
           "including any funding they received for conducting the review?"),
)


def _options(item: str) -> tuple[str, ...]:
    return (("Y",) + (("PY",) if item in PARTIAL_YES_ITEMS else ()) + ("N",)
            + (("NMA",) if item in META_ANALYSIS_ITEMS else ()))


def _label(item: str) -> str:
    return f"Item {item}" + (" (critical)" if item in CRITICAL_ITEMS else "")


DOMAINS = tuple(Domain(item, _label(item), (Question(id=item, text=text, options=_options(item)),))
                for item, text in ITEMS)


def overall_rule(codes: Mapping[str, str]) -> tuple[str, str]:
    flaws = sorted((i for i, c in codes.items() if c == "N" and i in CRITICAL_ITEMS), key=int)
    weak = sorted((i for i, c in codes.items() if c == "N" and i not in CRITICAL_ITEMS), key=int)
    counts = (f"critical flaws: {', '.join(flaws) or 'none'}; "
              f"non-critical weaknesses: {', '.join(weak) or 'none'}")
    if len(flaws) > 1:
        return "critically low", f"more than one critical flaw ({counts})"
    if flaws:
        return "low", f"one critical flaw ({counts})"
    if len(weak) > 1:
        return "moderate", f"no critical flaw, more than one non-critical weakness ({counts})"
    return "high", f"no critical flaw, at most one non-critical weakness ({counts})"


def evaluate(answers: Mapping[str, Answer], *, domain_decisions: Mapping[str, Decision] = {},  # noqa: B006
             overall_decision: Decision | None = None, variant: str = "") -> Evaluation:
    """Overall confidence in a review's results from its 16 AMSTAR 2 item answers."""
    if domain_decisions or overall_decision is not None:
        raise AssessmentError("AMSTAR 2 ratings follow from the item answers; change an "
                              "answer (with its reason) instead of deciding a rating")
    codes = check_answers(TOOL, answers)
    judgements = {item: Judgement(proposed=ITEM_RATINGS[c], rating=ITEM_RATINGS[c],
                                  basis=("critical item" if item in CRITICAL_ITEMS
                                         else "non-critical item"))
                  for item, c in codes.items()}
    overall, basis = overall_rule(codes)
    return Evaluation(domains=judgements, proposed_overall=overall, overall=overall,
                      overall_basis=basis)


TOOL = Tool(key="amstar2", label="AMSTAR 2", designs="systematic reviews",
            reference="Shea BJ et al. AMSTAR 2. BMJ 2017;358:j4008",
            ratings=RATINGS, domains=DOMAINS, evaluate=evaluate)
