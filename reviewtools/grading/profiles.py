"""GRADE for an evidence profile: one outcome for one comparison, each study counted once.

The rules follow the GRADE handbook (Schünemann et al. 2013, sections 5.1-5.2) and the
GRADE guidelines series in J Clin Epidemiol (4: risk of bias, 5: publication bias,
6: imprecision, 7: inconsistency, 8: indirectness, 9: rating up). The library
*proposes* each domain with its arithmetic; the reviewer accepts or overrides it
with a reason, and the certainty follows from the start level and the domains.

- **Body of evidence.** A study contributes once; a systematic review and a trial it
  pooled are never both counted (the review is kept); overlapping reviews are not
  both counted; narrative reviews and expert opinion are not study results. Every
  refused entry is kept with its reason.
- **Start.** Randomised evidence (RCTs, reviews of RCTs) starts at High; all other
  designs (non-randomised, observational, laboratory) at Low. There is no "very low"
  start: laboratory and surrogate evidence is *indirect* and rated down for it.
- **Imprecision** is judged, never waived: a review's pooled confidence interval is
  compared with the minimal important difference (MID) the protocol states, or with
  no effect when it states none (said so); the optimal information size (OIS, ~400
  participants for a continuous outcome) is checked; an unknown number of
  participants stays unknown and cannot show the OIS is met.
- **Upgrades** (large effect, dose-response, plausible confounding) apply to
  non-randomised evidence only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import get_args

from reviewtools.appraisal.risk import RobFile, grading_level
from reviewtools.errors import GradingError
from reviewtools.model.evidence import Measure, OutcomeResult
from reviewtools.model.profiles import (
    DomainProposal,
    EffectDirection,
    Profile,
    ProfileEntry,
    Rating,
    Refused,
)
from reviewtools.model.protocol import Outcome, Protocol
from reviewtools.model.records import (
    CERTAINTY_ORDER,
    DOWNGRADE_DOMAINS,
    UPGRADE_DOMAINS,
    DomainRating,
    Downgrades,
    Study,
    Upgrades,
    now,
)

OIS_CONTINUOUS = 400  # participants; GRADE's rule of thumb (guideline 6, Guyatt 2011)
FAR_BELOW_OIS = 100
NOT_STUDY_RESULTS = {"narrative review", "expert opinion"}
RATIO_MEASURES = ("RR", "OR", "HR", "risk ratio", "odds ratio", "hazard ratio")
REVIEW_TOOLS = ("amstar2",)  # rate a review's methods, not its trials' risk of bias


def is_randomised(study: Study) -> bool:
    if study.design == "RCT":
        return True
    if study.design.startswith("systematic review"):
        return not study.review_of or set(study.review_of) <= {"RCT"}
    return False


# ---- the body of evidence ----------------------------------------------------------------

def body(profile: Profile, studies: Mapping[str, Study]) -> tuple[list[ProfileEntry],
                                                                 list[Refused]]:
    """The entries that count, and the ones refused (each with its reason)."""
    kept: list[ProfileEntry] = []
    refused: list[Refused] = []
    reviews = [e for e in profile.entries if studies[e.study].includes]
    pooled_in: dict[str, str] = {}
    for e in reviews:
        for key in studies[e.study].includes:
            pooled_in.setdefault(key, e.study)
    for e in profile.entries:
        study = studies[e.study]
        if any(k.study == e.study for k in kept):
            refused.append(Refused(study=e.study, reason="already in this profile: a study "
                                   "is counted once"))
        elif study.design in NOT_STUDY_RESULTS:
            refused.append(Refused(study=e.study, reason=f"a {study.design} is not a study "
                                   "result; cite the studies it reports"))
        elif e.study in pooled_in and pooled_in[e.study] != e.study:
            refused.append(Refused(study=e.study, reason=f"pooled in {pooled_in[e.study]}, "
                                   "which is in this profile"))
        elif study.includes and (overlap := [k for k in kept if set(study.includes) & set(
                studies[k.study].includes)]):
            refused.append(Refused(study=e.study, reason=f"overlaps with {overlap[0].study} "
                                   "(they pool some of the same studies)"))
        else:
            kept.append(e)
    return kept, refused


def start_for(kept: Sequence[ProfileEntry], studies: Mapping[str, Study]) -> tuple[str, str]:
    if not kept:
        raise GradingError("a profile with no contributing study has no certainty: record "
                           "'no evidence' on the claims instead")
    if any(is_randomised(studies[e.study]) for e in kept):
        return "high", "randomised evidence starts at High"
    return "low", "non-randomised evidence starts at Low"


def participants(kept: Sequence[ProfileEntry]) -> tuple[int | None, int, int]:
    """(total, or None if any n is unknown; the known total; how many are unknown)."""
    known = [e.n for e in kept if e.n is not None]
    unknown = len(kept) - len(known)
    return (None if unknown else sum(known)), sum(known), unknown


def direction_of(kept: Sequence[ProfileEntry]) -> EffectDirection:
    found = {e.direction for e in kept}
    return found.pop() if len(found) == 1 else "mixed"


# ---- the five domains ---------------------------------------------------------------------

def _weight(e: ProfileEntry, default: int) -> int:
    return e.n if e.n is not None else default


def study_risk(e: ProfileEntry, studies: Mapping[str, Study],
               tools: Mapping[str, RobFile]) -> tuple[str, str]:
    """(low / some concerns / high, from what): the tool's overall where assessed with it."""
    file = tools.get(e.study)
    trials = [a for a in (file.assessments if file else []) if a.tool not in REVIEW_TOOLS]
    if trials:
        mine = [a for a in trials if a.outcome in ("", e.outcome)] or trials
        return grading_level(mine[-1]), mine[-1].tool
    return studies[e.study].risk_of_bias.overall, "abstract"


def review_confidence(kept: Sequence[ProfileEntry], tools: Mapping[str, RobFile]) -> str:
    """The AMSTAR 2 confidence of each systematic review in ``kept``, in words: it rates the
    review's methods, not the risk of bias of the trials it pooled, so it is shown beside the
    risk-of-bias domain for the reviewer to weigh, never counted as that risk."""
    seen = []
    for e in kept:
        rated = [a for a in (tools[e.study].assessments if e.study in tools else [])
                 if a.tool in REVIEW_TOOLS]
        if rated:
            seen.append(f"{e.study} {rated[-1].overall}")
    return ("; AMSTAR 2 confidence in the reviews' results (not their trials' risk of bias): "
            + ", ".join(seen)) if seen else ""


def risk_of_bias(kept: Sequence[ProfileEntry], studies: Mapping[str, Study],
                 tools: Mapping[str, RobFile] | None = None) -> DomainProposal:
    known = [e.n for e in kept if e.n is not None]
    default = sorted(known)[len(known) // 2] if known else 1
    total = sum(_weight(e, default) for e in kept)
    judged = {e.study: study_risk(e, studies, tools or {}) for e in kept}
    share = {level: sum(_weight(e, default) for e in kept if judged[e.study][0] == level)
             / total for level in ("low", "some concerns", "high")}
    shown = ", ".join(f"{level} {share[level]:.0%}" for level in share)
    sources = sorted({src for _, src in judged.values()})
    basis = ("weighted by participants (unknown n weighted as the median); judged with "
             + ", ".join("the overall rating in the study record, not yet a tool" if s ==
                         "abstract" else s for s in sources))
    basis += review_confidence(kept, tools or {})
    if share["high"] >= 0.5:
        return DomainProposal(levels=1, reason=f"most of the evidence is at high risk of bias "
                              f"({shown}; {basis})")
    if share["high"] + share["some concerns"] >= 0.5:
        return DomainProposal(levels=1, reason=f"most of the evidence has some concerns or "
                              f"high risk of bias ({shown}; {basis})")
    return DomainProposal(levels=0, reason=f"most of the evidence is at low risk of bias "
                          f"({shown}; {basis})")


def inconsistency(kept: Sequence[ProfileEntry]) -> DomainProposal:
    heterogeneous = [e for e in kept if e.i2 is not None and e.i2 > 75]
    if heterogeneous:
        e = heterogeneous[0]
        return DomainProposal(levels=1, reason=f"considerable heterogeneity in {e.study} "
                              f"(I² = {e.i2:g}%)")
    found = {e.direction for e in kept}
    if "mixed" in found or {"favours intervention", "favours comparator"} <= found:
        return DomainProposal(levels=1, reason="results point in opposite directions")
    if len(kept) == 1:
        return DomainProposal(levels=0, reason="one study: inconsistency cannot be judged")
    if len(found) > 1:
        return DomainProposal(levels=0, reason="results differ in size, not in direction "
                              "(see imprecision)")
    return DomainProposal(levels=0, reason=f"all {len(kept)} studies point the same way")


def indirectness(kept: Sequence[ProfileEntry], studies: Mapping[str, Study],
                 protocol: Protocol) -> DomainProposal:
    relations = [protocol.relation_of(studies[e.study].intervention_category) for e in kept]
    lab = [e.study for e in kept if studies[e.study].design == "mechanistic/laboratory"]
    levels, reasons = 0, []
    if "same" not in relations:
        if "variant" in relations:
            levels = 1
            reasons.append(f"no study tested {protocol.intervention.name} itself, only a "
                           "variant of it")
        else:
            levels = 2
            reasons.append(f"no study tested {protocol.direct_phrase()}")
    if lab:
        if not levels:
            levels = 1
        elif len(lab) == len(kept):  # not the intervention, and only in the laboratory
            levels = 2
        reasons.append(f"laboratory or surrogate setting ({', '.join(lab)})")
    return DomainProposal(levels=levels, reason="; ".join(reasons) or
                          f"the studies tested {protocol.intervention.name} (or the same "
                          "intervention under another name) for this outcome")


def _benefit_sign(outcome: Outcome) -> int:
    return -1 if outcome.direction == "lower is better" else 1


def _ci_judgement(e: ProfileEntry, outcome: Outcome) -> DomainProposal | None:
    if e.ci_low is None or e.ci_high is None:
        return None
    low, high = sorted((e.ci_low, e.ci_high))
    null = 1.0 if e.measure in RATIO_MEASURES else 0.0
    ci = f"{e.measure or 'effect'} 95% CI {low:g} to {high:g} ({e.study})"
    if outcome.mid is None:
        why = outcome.no_mid_reason or "the protocol states none"
        if low < null < high:
            return DomainProposal(levels=1, reason=f"{ci} includes no effect; no minimal "
                                  f"important difference ({why})")
        return DomainProposal(levels=0, reason=f"{ci} excludes no effect; no minimal "
                              f"important difference to judge it against ({why})")
    unit = outcome.mid.unit.lower()
    if not e.measure or (e.measure.lower() not in unit and unit not in e.measure.lower()):
        spans = low < null < high
        verb = "includes" if spans else "excludes"
        return DomainProposal(levels=int(spans), reason=f"{ci} {verb} no effect; the MID is "
                              f"in {outcome.mid.unit}, not {e.measure or 'this measure'}")
    sign = _benefit_sign(outcome)
    benefit, harm = null + sign * outcome.mid.value, null - sign * outcome.mid.value
    lo_t, hi_t = sorted((benefit, harm))
    mid = f"MID {outcome.mid.value:g} {outcome.mid.unit}"
    if low < lo_t and high > hi_t:
        return DomainProposal(levels=2, reason=f"{ci} includes both important benefit and "
                              f"important harm ({mid})")
    if low < benefit < high or low < harm < high or low < null < high:
        return DomainProposal(levels=1, reason=f"{ci} crosses the {mid} or no effect")
    return DomainProposal(levels=0, reason=f"{ci} lies beyond the {mid}" if sign * (
        low - null) > 0 else f"{ci} excludes an important effect ({mid})")


def imprecision(kept: Sequence[ProfileEntry], outcome: Outcome,
                pooled: ProfileEntry | None = None) -> DomainProposal:
    """Size against the OIS from the counted studies; the confidence interval of the pooled
    estimate (``pooled``, or a review's) where there is one, else of each study."""
    total, known, unknown = participants(kept)
    if unknown:
        size = DomainProposal(levels=1, reason=f"participants not reported for {unknown} of "
                              f"{len(kept)} studies ({known} known), so the optimal "
                              f"information size (~{OIS_CONTINUOUS}) cannot be shown to be met")
    elif total < FAR_BELOW_OIS:
        size = DomainProposal(levels=2, reason=f"{total} participants, far below the optimal "
                              f"information size (~{OIS_CONTINUOUS})")
    elif total < OIS_CONTINUOUS:
        size = DomainProposal(levels=1, reason=f"{total} participants, below the optimal "
                              f"information size (~{OIS_CONTINUOUS})")
    else:
        size = DomainProposal(levels=0, reason=f"{total} participants meet the optimal "
                              f"information size (~{OIS_CONTINUOUS})")
    pools = [pooled] if pooled else [e for e in kept if e.studies_pooled is not None]
    cis = [j for e in (pools or kept) if (j := _ci_judgement(e, outcome)) is not None]
    widest = max(cis, key=lambda j: j.levels) if cis else None
    if widest is None:
        return size.model_copy(update={"reason": size.reason + "; no confidence interval "
                                       "reported to judge against a minimal important "
                                       "difference"})
    levels = min(2, max(size.levels, widest.levels))
    return DomainProposal(levels=levels, reason=f"{widest.reason}; {size.reason}")


def publication_bias(kept: Sequence[ProfileEntry]) -> DomainProposal:
    if len(kept) < 10:
        return DomainProposal(levels=0, reason=f"{len(kept)} studies: too few to judge "
                              "small-study effects; the reviewer rates it down if small "
                              "positive trials dominate")
    return DomainProposal(levels=0, reason="the reviewer judges it (funnel plot, "
                          "unpublished trials)")


def large_effect(kept: Sequence[ProfileEntry]) -> DomainProposal:
    for e in kept:
        if e.measure in RATIO_MEASURES and e.value and e.ci_low and e.ci_high:
            low, high = sorted((e.ci_low, e.ci_high))
            if e.value >= 2 and low > 1 or e.value <= 0.5 and high < 1:
                return DomainProposal(levels=1, reason=f"large effect: {e.measure} "
                                      f"{e.value:g} (95% CI {low:g} to {high:g}) in {e.study}")
    return DomainProposal(levels=0, reason="no large effect on a ratio scale")


def pooled_entry(profile: Profile, kept: Sequence[ProfileEntry]) -> tuple[ProfileEntry | None,
                                                                        str]:
    """Where two or more results on one measure have CIs and no review pools them, pool them
    (random effects, statsmodels) and return the pooled result as an entry, with provenance."""
    if any(e.studies_pooled for e in kept):
        return None, ""
    usable = [e for e in kept if e.value is not None and e.ci_low is not None
              and e.ci_high is not None and e.measure in get_args(Measure)]
    if len(usable) < 2 or len({e.measure for e in usable}) != 1:
        return None, ""
    results = [OutcomeResult(study=e.study, outcome=profile.outcome, comparison=profile.comparator,
                             measure=e.measure, value=e.value, ci_low=e.ci_low, ci_high=e.ci_high)
               for e in usable]
    from reviewtools.grading.pooling import pool  # statsmodels loads only when pooling
    try:
        p = pool(results)
    except GradingError as exc:
        return None, f"not pooled: {exc}"
    n = sum(e.n for e in usable) if all(e.n is not None for e in usable) else None
    entry = ProfileEntry(study="pooled", outcome=profile.outcome, direction=direction_of(usable),
                         n=n, measure=p.measure, value=round(p.estimate, 4),
                         ci_low=round(p.ci_low, 4), ci_high=round(p.ci_high, 4),
                         i2=round(min(max(p.i2, 0.0), 100.0), 1), studies_pooled=p.k,
                         by="reviewtools", at=now())
    return entry, (f"{p.measure} {p.estimate:.2f} (95% CI {p.ci_low:.2f} to {p.ci_high:.2f}), "
                   f"I² {p.i2:.0f}%, {p.k} studies; {p.provenance}")


def propose(kept: Sequence[ProfileEntry], studies: Mapping[str, Study], protocol: Protocol,
            outcome: Outcome, randomised: bool, tools: Mapping[str, RobFile] | None = None,
            pooled: ProfileEntry | None = None) -> dict[str, DomainProposal]:
    """Every domain's proposal; a pooled estimate decides imprecision, and heterogeneity
    when its I² is considerable."""
    heterogeneous = pooled is not None and pooled.i2 is not None and pooled.i2 > 75
    out = {"risk_of_bias": risk_of_bias(kept, studies, tools),
           "inconsistency": inconsistency([pooled] if heterogeneous else kept),
           "indirectness": indirectness(kept, studies, protocol),
           "imprecision": imprecision(kept, outcome, pooled),
           "publication_bias": publication_bias(kept)}
    if not randomised:
        out["large_effect"] = large_effect(kept)
    return out


# ---- the rating ---------------------------------------------------------------------------

def _decide(proposals: Mapping[str, DomainProposal], given: Mapping[str, tuple[int, str]],
            names: Sequence[str]) -> dict[str, DomainRating]:
    unknown = set(given) - set(names)
    if unknown:
        raise GradingError(f"unknown GRADE domain(s): {', '.join(sorted(unknown))}; use "
                           + ", ".join(names))
    out = {}
    for name in names:
        proposal = proposals.get(name, DomainProposal(levels=0, reason=""))
        levels, reason = given.get(name, (proposal.levels, proposal.reason))
        if levels != proposal.levels and not reason.strip():
            raise GradingError(f"changing the proposal for {name} ({proposal.levels}) "
                               f"needs a reason")
        out[name] = DomainRating(levels=levels, reason=reason)
    return out


def rate(profile: Profile, studies: Mapping[str, Study], protocol: Protocol, *, by: str,
         downgrades: Mapping[str, tuple[int, str]] | None = None,
         upgrades: Mapping[str, tuple[int, str]] | None = None, certainty: str | None = None,
         justification: str = "", ai_assisted: bool = False,
         tools: Mapping[str, RobFile] | None = None) -> Rating:
    """The certainty of ``profile``: proposals, the reviewer's domain decisions, the result."""
    missing = sorted({e.study for e in profile.entries} - set(studies))
    if missing:
        raise GradingError(f"profile {profile.id}: no appraisal for {', '.join(missing)}")
    kept, refused = body(profile, studies)
    start, start_reason = start_for(kept, studies)
    outcome = protocol.outcome(profile.outcome)
    pooled, pooled_note = pooled_entry(profile, kept)
    proposals = propose(kept, studies, protocol, outcome, start == "high", tools, pooled)
    down = Downgrades(**_decide(proposals, downgrades or {}, DOWNGRADE_DOMAINS))
    if start == "high" and any(v for v, _ in (upgrades or {}).values()):
        raise GradingError("rating up applies to non-randomised evidence only (GRADE)")
    up = Upgrades(**_decide(proposals, upgrades or {}, UPGRADE_DOMAINS))
    change = sum(getattr(up, d).levels for d in UPGRADE_DOMAINS) - sum(
        getattr(down, d).levels for d in DOWNGRADE_DOMAINS)
    proposed = CERTAINTY_ORDER[max(0, min(3, CERTAINTY_ORDER.index(start) + change))]
    final = certainty or proposed
    if final != proposed and not justification.strip():
        raise GradingError(f"overriding the certainty that follows from the domains "
                           f"({proposed}) with {final} needs a written justification")
    total, known, _ = participants(kept)
    return Rating(start=start, start_reason=start_reason, proposals=proposals, downgrades=down,
                  upgrades=up, proposed=proposed, certainty=final,
                  override_justification=justification, participants=total,
                  participants_known=known, studies=len(kept), refused=refused, by=by,
                  pooled=pooled_note,
                  ai_assisted=ai_assisted, at=now())


# ---- editing a profile (records in, records out) ------------------------------------------

def new_profile(protocol: Protocol, profile_id: str) -> Profile:
    """An empty profile for the protocol's profile ``profile_id``."""
    try:
        spec = protocol.profile(profile_id)
    except KeyError as exc:
        raise GradingError(str(exc).strip("'\"")) from None
    return Profile(id=spec.id, outcome=spec.outcome, comparator=spec.comparator,
                   population=spec.population, time_frame=spec.time_frame)


def with_entry(profile: Profile, entry: ProfileEntry, *, replace: bool = False) -> Profile:
    """``profile`` with ``entry`` (one per study and reported outcome); the same profile if
    nothing changed. Changing another reviewer's entry needs ``replace=True``."""
    entries = list(profile.entries)
    for i, old in enumerate(entries):
        if old.study == entry.study and old.outcome == entry.outcome:
            if old.model_dump(exclude={"at"}) == entry.model_dump(exclude={"at"}):
                return profile
            if old.by != entry.by and not replace:
                raise GradingError(f"{profile.id}: {old.by} recorded {entry.study} for "
                                   f"'{entry.outcome}'; pass replace=True to change it")
            entries[i] = entry
            break
    else:
        entries.append(entry)
    return profile.model_copy(update={"entries": entries, "rating": None})


def with_rating(profile: Profile, rating: Rating) -> Profile:
    """``profile`` with ``rating``; the same profile if only the time stamp would change."""
    if profile.rating is not None and profile.rating.model_dump(exclude={"at"}) == \
            rating.model_dump(exclude={"at"}):
        return profile
    return profile.model_copy(update={"rating": rating})
