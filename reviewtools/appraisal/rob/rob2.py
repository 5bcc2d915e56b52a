"""RoB 2, the Cochrane risk-of-bias tool for randomised trials (Sterne et al., BMJ 2019;366:l4898;
full guidance document of 22 August 2019 at riskofbias.info), for individually randomised
parallel-group trials.

Five domains, each with its signalling questions answered Y / PY / PN / N / NI (NA where a
question is conditional and not asked). Each domain's rating (low / some concerns / high) is
proposed by the guidance's algorithm from the answers; the reviewer may override a domain's
proposal with a reason (the Cochrane Handbook, chapter 8, allows this). Domain 2 has two
variants, for the effect of assignment to intervention (``variant="assignment"``) and the
effect of adhering to it (``variant="adhering"``).

Overall: low only if every domain is low; high if any domain is high; some concerns if
exactly one domain has some concerns. With some concerns in several domains the guidance
leaves it to judgement whether confidence is substantially lowered (then high): the tool
proposes "some concerns" and the overall stays open until the reviewer decides, with a
reason, between "some concerns" and "high". A decision is refused where the rule decides.

>>> from reviewtools.model.evidence import Answer
>>> ev = evaluate({q: Answer(code=c, reason="r") for q, c in LOW_ANSWERS.items()})
>>> ev.overall
'low'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from reviewtools.appraisal.rob.domains import (
    NO,
    NO_NI,
    YES,
    YES_NI,
    AssessmentError,
    Domain,
    Evaluation,
    Judgement,
    Question,
    Tool,
    apply_override,
    check_answers,
    check_domain_keys,
    check_rating,
)
from reviewtools.model.evidence import Answer, Decision

RATINGS = ("low", "some concerns", "high")
VARIANTS = {"assignment": "effect of assignment to intervention",
            "adhering": "effect of adhering to intervention"}
NO_NA = ("Y", "PY", "PN", "N")  # RoB 2 offers no NI for some questions
IF_APPLICABLE = ("NA", "Y", "PY", "PN", "N", "NI")  # "[if applicable]" questions


def _q(id: str, text: str, options: tuple[str, ...] = ("Y", "PY", "PN", "N", "NI"),
       applies: Callable[[Mapping[str, str]], bool] | None = None) -> Question:
    return Question(id=id, text=text, options=options, applies=applies)


D1 = Domain("D1", "Bias arising from the randomisation process", (
    _q("1.1", "Was the allocation sequence random?"),
    _q("1.2", "Was the allocation sequence concealed until participants were enrolled and "
              "assigned to interventions?"),
    _q("1.3", "Did baseline differences between intervention groups suggest a problem with "
              "the randomisation process?"),
))


def _aware(c: Mapping[str, str]) -> bool:
    return c.get("2.1") in YES_NI or c.get("2.2") in YES_NI


D2_ASSIGNMENT = Domain("D2", "Bias due to deviations from intended interventions", (
    _q("2.1", "Were participants aware of their assigned intervention during the trial?"),
    _q("2.2", "Were carers and people delivering the interventions aware of participants' "
              "assigned intervention during the trial?"),
    _q("2.3", "Were there deviations from the intended intervention that arose because of the "
              "trial context?", applies=_aware),
    _q("2.4", "Were these deviations likely to have affected the outcome?",
       applies=lambda c: c.get("2.3") in YES),
    _q("2.5", "Were these deviations from intended intervention balanced between groups?",
       applies=lambda c: c.get("2.4") in YES_NI),
    _q("2.6", "Was an appropriate analysis used to estimate the effect of assignment to "
              "intervention?"),
    _q("2.7", "Was there potential for a substantial impact (on the result) of the failure "
              "to analyse participants in the group to which they were randomised?",
       applies=lambda c: c.get("2.6") in NO_NI),
))

D2_ADHERING = Domain("D2", "Bias due to deviations from intended interventions", (
    _q("2.1", "Were participants aware of their assigned intervention during the trial?"),
    _q("2.2", "Were carers and people delivering the interventions aware of participants' "
              "assigned intervention during the trial?"),
    _q("2.3", "Were important non-protocol interventions balanced across intervention groups?",
       options=IF_APPLICABLE, applies=_aware),
    _q("2.4", "Were there failures in implementing the intervention that could have affected "
              "the outcome?", options=IF_APPLICABLE),
    _q("2.5", "Was there non-adherence to the assigned intervention regimen that could have "
              "affected participants' outcomes?", options=IF_APPLICABLE),
    _q("2.6", "Was an appropriate analysis used to estimate the effect of adhering to the "
              "intervention?",
       applies=lambda c: c.get("2.3") in NO_NI or c.get("2.4") in YES_NI
       or c.get("2.5") in YES_NI),
))

D3 = Domain("D3", "Bias due to missing outcome data", (
    _q("3.1", "Were data for this outcome available for all, or nearly all, participants "
              "randomised?"),
    _q("3.2", "Is there evidence that the result was not biased by missing outcome data?",
       options=NO_NA, applies=lambda c: c.get("3.1") in NO_NI),
    _q("3.3", "Could missingness in the outcome depend on its true value?",
       applies=lambda c: c.get("3.2") in NO),
    _q("3.4", "Is it likely that missingness in the outcome depended on its true value?",
       applies=lambda c: c.get("3.3") in YES_NI),
))

D4 = Domain("D4", "Bias in measurement of the outcome", (
    _q("4.1", "Was the method of measuring the outcome inappropriate?"),
    _q("4.2", "Could measurement or ascertainment of the outcome have differed between "
              "intervention groups?"),
    _q("4.3", "Were outcome assessors aware of the intervention received by study "
              "participants?",
       applies=lambda c: c.get("4.1") in NO_NI and c.get("4.2") in NO_NI),
    _q("4.4", "Could assessment of the outcome have been influenced by knowledge of "
              "intervention received?", applies=lambda c: c.get("4.3") in YES_NI),
    _q("4.5", "Is it likely that assessment of the outcome was influenced by knowledge of "
              "intervention received?", applies=lambda c: c.get("4.4") in YES_NI),
))

D5 = Domain("D5", "Bias in selection of the reported result", (
    _q("5.1", "Were the data that produced this result analysed in accordance with a "
              "pre-specified analysis plan that was finalised before unblinded outcome data "
              "were available for analysis?"),
    _q("5.2", "Is the numerical result being assessed likely to have been selected, on the "
              "basis of the results, from multiple eligible outcome measurements (e.g. scales, "
              "definitions, time points) within the outcome domain?"),
    _q("5.3", "... from multiple eligible analyses of the data?"),
))


def domains_for(variant: str) -> tuple[Domain, ...]:
    if variant not in VARIANTS:
        raise AssessmentError(f"unknown RoB 2 variant {variant!r}; variants: "
                              + ", ".join(f"{k} ({v})" for k, v in VARIANTS.items()))
    d2 = D2_ASSIGNMENT if variant == "assignment" else D2_ADHERING
    return (D1, d2, D3, D4, D5)


# ---- domain algorithms: answers -> (proposed rating, the rule that fired) ------------------

def rate_d1(c: Mapping[str, str]) -> tuple[str, str]:
    if c["1.2"] in NO:
        return "high", "1.2 N/PN: allocation sequence not concealed"
    if c["1.2"] == "NI":
        if c["1.3"] in YES:
            return "high", "1.2 NI and 1.3 Y/PY: no information on concealment and baseline " \
                           "differences suggest a problem"
        return "some concerns", "1.2 NI and 1.3 N/PN/NI: no information on concealment"
    if c["1.1"] in NO or c["1.3"] in YES:
        return "some concerns", "1.2 Y/PY but 1.1 N/PN or 1.3 Y/PY"
    return "low", "1.2 Y/PY, 1.1 Y/PY/NI and 1.3 N/PN/NI"


def _d2_assignment_part1(c: Mapping[str, str]) -> tuple[str, str]:
    if c["2.1"] in NO and c["2.2"] in NO:
        return "low", "2.1 and 2.2 N/PN: participants and carers unaware"
    if c["2.3"] in NO:
        return "low", "2.3 N/PN: no deviations arising from the trial context"
    if c["2.3"] == "NI":
        return "some concerns", "2.3 NI: no information on deviations"
    if c["2.4"] in NO:
        return "some concerns", "2.3 Y/PY but 2.4 N/PN: deviations unlikely to affect outcome"
    if c["2.5"] in YES:
        return "some concerns", "2.4 Y/PY/NI but 2.5 Y/PY: deviations balanced"
    return "high", "2.4 Y/PY/NI and 2.5 N/PN/NI: unbalanced deviations likely to affect outcome"


def _d2_assignment_part2(c: Mapping[str, str]) -> tuple[str, str]:
    if c["2.6"] in YES:
        return "low", "2.6 Y/PY: appropriate analysis"
    if c["2.7"] in NO:
        return "some concerns", "2.6 N/PN/NI and 2.7 N/PN: no substantial impact"
    return "high", "2.6 N/PN/NI and 2.7 Y/PY/NI: potential substantial impact"


def rate_d2_assignment(c: Mapping[str, str]) -> tuple[str, str]:
    (r1, why1), (r2, why2) = _d2_assignment_part1(c), _d2_assignment_part2(c)
    rating = max(r1, r2, key=RATINGS.index)
    return rating, f"worse of part 1 ({r1}: {why1}) and part 2 ({r2}: {why2})"


def rate_d2_adhering(c: Mapping[str, str]) -> tuple[str, str]:
    problems = [why for cond, why in (
        (c["2.3"] in NO_NI, "2.3 N/PN/NI: non-protocol interventions not shown balanced"),
        (c["2.4"] in YES_NI, "2.4 Y/PY/NI: implementation failures could affect outcome"),
        (c["2.5"] in YES_NI, "2.5 Y/PY/NI: non-adherence could affect outcome"),
    ) if cond]
    if not problems:
        return "low", "no unbalanced co-interventions, implementation failures or non-adherence"
    if c["2.6"] in YES:
        return "some concerns", "; ".join(problems) + "; but 2.6 Y/PY: appropriate analysis"
    return "high", "; ".join(problems) + "; and 2.6 N/PN/NI: no appropriate analysis"


def rate_d3(c: Mapping[str, str]) -> tuple[str, str]:
    if c["3.1"] in YES:
        return "low", "3.1 Y/PY: outcome data for (nearly) all participants"
    if c["3.2"] in YES:
        return "low", "3.2 Y/PY: evidence the result is not biased by missing data"
    if c["3.3"] in NO:
        return "low", "3.3 N/PN: missingness could not depend on the true value"
    if c["3.4"] in NO:
        return "some concerns", "3.3 Y/PY/NI but 3.4 N/PN"
    return "high", "3.3 Y/PY/NI and 3.4 Y/PY/NI: missingness likely depends on the true value"


def rate_d4(c: Mapping[str, str]) -> tuple[str, str]:
    if c["4.1"] in YES:
        return "high", "4.1 Y/PY: inappropriate measurement method"
    if c["4.2"] in YES:
        return "high", "4.2 Y/PY: measurement could differ between groups"
    unsure = c["4.2"] == "NI"
    floor = "some concerns" if unsure else "low"
    pre = "4.2 NI; " if unsure else "4.1 N/PN/NI and 4.2 N/PN; "
    if c["4.3"] in NO:
        return floor, pre + "4.3 N/PN: assessors unaware"
    if c["4.4"] in NO:
        return floor, pre + "4.4 N/PN: assessment could not be influenced"
    if c["4.5"] in NO:
        return "some concerns", pre + "4.5 N/PN: influence unlikely"
    return "high", pre + "4.5 Y/PY/NI: assessment likely influenced by knowledge of intervention"


def rate_d5(c: Mapping[str, str]) -> tuple[str, str]:
    if c["5.2"] in YES or c["5.3"] in YES:
        return "high", "5.2 or 5.3 Y/PY: result likely selected"
    if c["5.2"] in NO and c["5.3"] in NO:
        if c["5.1"] in YES:
            return "low", "5.1 Y/PY and 5.2, 5.3 N/PN"
        return "some concerns", "5.2, 5.3 N/PN but 5.1 N/PN/NI: no pre-specified plan shown"
    return "some concerns", "5.2 or 5.3 NI (and neither Y/PY)"


RATERS = {"D1": rate_d1, "D3": rate_d3, "D4": rate_d4, "D5": rate_d5}


def overall_rule(ratings: Mapping[str, str]) -> tuple[str, str, bool]:
    """(proposed overall, rule, whether the reviewer must decide)."""
    high = [k for k, r in ratings.items() if r == "high"]
    concerns = [k for k, r in ratings.items() if r == "some concerns"]
    if high:
        return "high", f"high in {', '.join(high)}: high if any domain is high", False
    if not concerns:
        return "low", "low in all domains", False
    if len(concerns) == 1:
        return "some concerns", f"some concerns in {concerns[0]} only, no domain high", False
    return ("some concerns", f"some concerns in {len(concerns)} domains ({', '.join(concerns)}):"
            " high if they substantially lower confidence in the result (reviewer decides)",
            True)


def _overall(ratings: Mapping[str, str], decision: Decision | None) -> tuple[
        str, str | None, str, str]:
    proposed, rule, open_ = overall_rule(ratings)
    if not open_:
        if decision is not None:
            raise AssessmentError(f"the RoB 2 overall follows from the domains ({rule}); "
                                  "change a domain judgement (with a reason) instead of "
                                  "deciding the overall")
        return proposed, proposed, rule, ""
    if decision is None:
        return proposed, None, rule, ("decide between 'some concerns' and 'high' with a "
                                      "reason: " + rule)
    if decision.rating not in ("some concerns", "high"):
        raise AssessmentError(f"with {rule}, the overall is 'some concerns' or 'high', "
                              f"not {decision.rating!r}")
    return proposed, decision.rating, f"{rule}; {decision.by}: {decision.reason}", ""


def evaluate(answers: Mapping[str, Answer], *, domain_decisions: Mapping[str, Decision] = {},  # noqa: B006
             overall_decision: Decision | None = None, variant: str = "assignment") -> Evaluation:
    """Derive every domain rating and the overall RoB 2 judgement from signalling answers."""
    tool = tool_for_variant(variant)
    codes = check_answers(tool, answers)
    check_domain_keys(tool, domain_decisions)
    raters = dict(RATERS, D2=rate_d2_assignment if variant == "assignment" else rate_d2_adhering)
    judgements: dict[str, Judgement] = {}
    for d in tool.domains:
        proposed, basis = raters[d.key](codes)
        judgements[d.key] = apply_override(tool, d.key, proposed, basis, domain_decisions)
    proposed, overall, basis, needed = _overall(
        {k: j.rating for k, j in judgements.items()}, overall_decision)
    if overall is not None:
        check_rating(tool, overall, "overall")
    return Evaluation(domains=judgements, proposed_overall=proposed, overall=overall,
                      overall_basis=basis, decision_needed=needed)


def tool_for_variant(variant: str) -> Tool:
    return Tool(key="rob2", label="RoB 2", designs="randomised trials",
                reference="Sterne JAC et al. RoB 2. BMJ 2019;366:l4898",
                ratings=RATINGS, domains=domains_for(variant), evaluate=evaluate)


TOOL = tool_for_variant("assignment")

LOW_ANSWERS: dict[str, str] = {
    "1.1": "Y", "1.2": "Y", "1.3": "N", "2.1": "N", "2.2": "N", "2.6": "Y",
    "3.1": "Y", "4.1": "N", "4.2": "N", "4.3": "N", "5.1": "Y", "5.2": "N", "5.3": "N",
}
