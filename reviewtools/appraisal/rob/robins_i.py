"""ROBINS-I, risk of bias in non-randomised studies of interventions (Sterne et al., BMJ
2016;355:i4919), for cohort-type studies.

Seven domains (confounding; selection of participants; classification of interventions;
deviations from intended interventions; missing data; measurement of outcomes; selection of
the reported result), each with signalling questions answered Y / PY / PN / N / NI (NA where
a question does not apply), each answer with a reason.

ROBINS-I (2016) gives no algorithm from signalling answers to a domain rating: the answers
inform the reviewer's judgement. So every domain rating here is a reviewer :class:`Decision`
(low / moderate / serious / critical / no information) with a reason, and the tool records
no proposal for it. The overall rating is always derived from the domain ratings by the
tool's rule: critical if any domain is critical; otherwise serious if any is serious;
otherwise no information if any domain lacks information; otherwise moderate if any is
moderate; low only if all are low.
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
    check_domain_keys,
    check_rating,
)
from reviewtools.model.evidence import Answer, Decision

RATINGS = ("low", "moderate", "no information", "serious", "critical")
SEVERITY_ORDER = ("critical", "serious", "no information", "moderate", "low")
ANY = ("NA", "Y", "PY", "PN", "N", "NI")


def _domain(key: str, label: str, *questions: tuple[str, str]) -> Domain:
    return Domain(key, label, tuple(Question(id=i, text=t, options=ANY) for i, t in questions))


DOMAINS = (
    _domain("D1", "Bias due to confounding",
            ("1.1", "Is there potential for confounding of the effect of intervention?"),
            ("1.2", "Was the analysis based on splitting participants' follow-up time "
                    "according to intervention received?"),
            ("1.3", "Were intervention discontinuations or switches likely to be related to "
                    "factors that are prognostic for the outcome?"),
            ("1.4", "Did the authors use an appropriate analysis method that controlled for all "
                    "the important confounding domains?"),
            ("1.5", "Were confounding domains that were controlled for measured validly and "
                    "reliably?"),
            ("1.6", "Did the authors control for any post-intervention variables that could "
                    "have been affected by the intervention?"),
            ("1.7", "Did the authors use an appropriate analysis method that controlled for all "
                    "the important confounding domains and for time-varying confounding?"),
            ("1.8", "Were confounding domains that were controlled for measured validly and "
                    "reliably (time-varying)?")),
    _domain("D2", "Bias in selection of participants into the study",
            ("2.1", "Was selection of participants into the study (or into the analysis) based "
                    "on participant characteristics observed after the start of intervention?"),
            ("2.2", "Were the post-intervention variables that influenced selection likely to "
                    "be associated with intervention?"),
            ("2.3", "Were they likely to be influenced by the outcome or a cause of it?"),
            ("2.4", "Do start of follow-up and start of intervention coincide for most "
                    "participants?"),
            ("2.5", "Were adjustment techniques used that are likely to correct for the "
                    "presence of selection biases?")),
    _domain("D3", "Bias in classification of interventions",
            ("3.1", "Were intervention groups clearly defined?"),
            ("3.2", "Was the information used to define intervention groups recorded at the "
                    "start of the intervention?"),
            ("3.3", "Could classification of intervention status have been affected by "
                    "knowledge of the outcome or risk of the outcome?")),
    _domain("D4", "Bias due to deviations from intended interventions",
            ("4.1", "Were there deviations from the intended intervention beyond what would be "
                    "expected in usual practice?"),
            ("4.2", "Were these deviations unbalanced between groups and likely to have "
                    "affected the outcome?"),
            ("4.3", "Were important co-interventions balanced across intervention groups?"),
            ("4.4", "Was the intervention implemented successfully for most participants?"),
            ("4.5", "Did study participants adhere to the assigned intervention regimen?"),
            ("4.6", "Was an appropriate analysis used to estimate the effect of starting and "
                    "adhering to the intervention?")),
    _domain("D5", "Bias due to missing data",
            ("5.1", "Were outcome data available for all, or nearly all, participants?"),
            ("5.2", "Were participants excluded due to missing data on intervention status?"),
            ("5.3", "Were participants excluded due to missing data on other variables needed "
                    "for the analysis?"),
            ("5.4", "Are the proportion of participants and reasons for missing data similar "
                    "across interventions?"),
            ("5.5", "Is there evidence that results were robust to the presence of missing "
                    "data?")),
    _domain("D6", "Bias in measurement of outcomes",
            ("6.1", "Could the outcome measure have been influenced by knowledge of the "
                    "intervention received?"),
            ("6.2", "Were outcome assessors aware of the intervention received by study "
                    "participants?"),
            ("6.3", "Were the methods of outcome assessment comparable across intervention "
                    "groups?"),
            ("6.4", "Were any systematic errors in measurement of the outcome related to "
                    "intervention received?")),
    _domain("D7", "Bias in selection of the reported result",
            ("7.1", "Is the reported effect estimate likely to be selected, on the basis of the "
                    "results, from multiple outcome measurements within the outcome domain?"),
            ("7.2", "... from multiple analyses of the intervention-outcome relationship?"),
            ("7.3", "... from different subgroups?")),
)


def check_recorded(answers: Mapping[str, Answer]) -> None:
    """ROBINS-I questions are recorded, not scored: unknown ids are errors, gaps are not (the
    tool's conditional questions vary with the study)."""
    known = {q.id for d in DOMAINS for q in d.questions}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise AssessmentError(f"ROBINS-I has no question {', '.join(unknown)}; questions: "
                              + ", ".join(sorted(known)))


def overall_rule(ratings: Mapping[str, str]) -> tuple[str, str]:
    for level in SEVERITY_ORDER:
        hit = [k for k, r in ratings.items() if r == level]
        if hit and level != "low":
            return level, f"{level} in {', '.join(hit)}: the overall is the most severe " \
                          "domain rating (critical > serious > no information > moderate)"
    return "low", "low in all domains"


def evaluate(answers: Mapping[str, Answer], *, domain_decisions: Mapping[str, Decision],
             overall_decision: Decision | None = None, variant: str = "") -> Evaluation:
    """Overall ROBINS-I rating from the reviewer's seven domain judgements."""
    check_recorded(answers)
    check_domain_keys(TOOL, domain_decisions)
    missing = [d.key for d in DOMAINS if d.key not in domain_decisions]
    if missing:
        raise AssessmentError("ROBINS-I: judge " + ", ".join(missing) + " (low, moderate, "
                              "serious, critical or no information, with a reason)")
    if overall_decision is not None:
        raise AssessmentError("the ROBINS-I overall follows from the domain judgements; "
                              "change a domain judgement (with a reason) instead")
    judgements = {}
    for d in DOMAINS:
        decision = domain_decisions[d.key]
        check_rating(TOOL, decision.rating, f"ROBINS-I {d.key}")
        judgements[d.key] = Judgement(proposed=None, rating=decision.rating,
                                      basis="reviewer judgement informed by the signalling "
                                            "answers", override=decision)
    overall, basis = overall_rule({k: j.rating for k, j in judgements.items()})
    return Evaluation(domains=judgements, proposed_overall=overall, overall=overall,
                      overall_basis=basis)


TOOL = Tool(key="robins-i", label="ROBINS-I", designs="non-randomised studies of interventions",
            reference="Sterne JAC et al. ROBINS-I. BMJ 2016;355:i4919",
            ratings=RATINGS, domains=DOMAINS, evaluate=evaluate)
