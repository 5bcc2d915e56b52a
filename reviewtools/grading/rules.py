"""GRADE certainty, verdicts, overstatement, and agreement between reviewers.

Rules follow the GRADE handbook (Schünemann et al., section 5): a body of
randomised evidence starts at High, observational evidence at Low; mechanistic
studies, narrative reviews and expert opinion are not a body of evidence and
start at Very low. Five domains can lower certainty by one (serious) or two
(very serious) levels; three can raise it. The result is clamped to the
four-level scale.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from reviewtools.errors import GradingError
from reviewtools.model.protocol import Protocol
from reviewtools.model.records import (
    CERTAINTY_LABEL,
    CERTAINTY_ORDER,
    CERTAINTY_SYMBOL,
    DOWNGRADE_DOMAINS,
    UPGRADE_DOMAINS,
    Claim,
    DomainRating,
    Downgrades,
    Grade,
    Study,
    Upgrades,
    now,
)

RANDOMISED = {"RCT", "systematic review with meta-analysis", "systematic review"}
OBSERVATIONAL = {"non-randomised trial", "cohort", "case-control", "cross-sectional",
                 "case series"}
OPTIMAL_INFORMATION_SIZE = 400  # participants; GRADE rule of thumb for continuous outcomes
VERY_SMALL = 100
CLAIMED_BY_WORDING = {"evidence-appeal": "high", "assertive": "moderate", "hedged": "low"}


def rank(certainty: str) -> int:
    return CERTAINTY_ORDER.index(certainty)


def shift(start: str, change: int) -> str:
    """Move ``start`` by ``change`` levels on the four-level scale, clamped."""
    return CERTAINTY_ORDER[max(0, min(3, rank(start) + change))]


def display(certainty: str | None) -> str:
    """'⊕⊕◯◯ Low' style rendering; 'not graded' for None."""
    if certainty is None:
        return "not graded"
    return f"{CERTAINTY_SYMBOL[certainty]} {CERTAINTY_LABEL[certainty]}"


def _evidence_designs(study: Study) -> set[str]:
    if study.design.startswith("systematic review") and study.review_of:
        return set(study.review_of)
    return {study.design if not study.design.startswith("systematic review") else "RCT"}


def start_level(studies: Sequence[Study]) -> tuple[str, str]:
    """Starting certainty from the designs of the studies that bear on a claim."""
    if not studies:
        return "very low", "no studies address this claim"
    designs = set().union(*(_evidence_designs(s) for s in studies))
    if designs & {"RCT"}:
        return "high", "randomised evidence starts at High"
    if designs & OBSERVATIONAL:
        return "low", "observational evidence starts at Low"
    return "very low", "only mechanistic studies, narrative reviews or opinion"


def propose_downgrades(studies: Sequence[Study], stances: Sequence[str],
                       directness: Sequence[str], protocol: Protocol | None = None
                       ) -> Downgrades:
    """Downgrades the study records themselves justify; a reviewer may change each one.

    Indirectness compares each study's intervention with the review's ``protocol``: when
    no study tested the protocol's intervention or a variant of it, and no link is
    direct, the proposal is two levels. Without a protocol that relation is unknown and
    only the one-level proposal is made.
    """
    if not studies:
        return Downgrades()
    weights = [max(s.n or 1, 1) if s.n_unit == "participants" else 1 for s in studies]
    high = sum(w for s, w in zip(studies, weights, strict=True) if s.risk_of_bias.overall == "high")
    rob = DomainRating()
    if high / sum(weights) >= 0.5:
        rob = DomainRating(levels=1, reason="most of the evidence comes from studies at high "
                           "risk of bias")
    inc = DomainRating()
    directional = {s for s in stances if s != "background"}
    if "supports" in directional and directional & {"no effect", "contradicts"}:
        inc = DomainRating(levels=1, reason="studies point in different directions")
    ind = DomainRating()
    if all(d == "indirect" for d in directionality(directness)):
        if protocol is not None and not any(
                protocol.relation_of(s.intervention_category) in ("same", "variant")
                for s in studies):
            ind = DomainRating(levels=2, reason=f"no study tested {protocol.direct_phrase()}, "
                               "and none measured the claimed outcome directly")
        else:
            ind = DomainRating(levels=1, reason="population, intervention or outcome differ "
                               "from the claim")
    imp = _imprecision(studies)
    return Downgrades(risk_of_bias=rob, inconsistency=inc, indirectness=ind, imprecision=imp)


def directionality(directness: Sequence[str]) -> list[str]:
    return list(directness) or ["indirect"]


def _imprecision(studies: Sequence[Study]) -> DomainRating:
    if any(s.n_unit == "studies" for s in studies):
        return DomainRating()  # pooled reviews: participants not summed here
    total = sum(s.n or 0 for s in studies)
    if total < VERY_SMALL:
        return DomainRating(levels=2, reason=f"{total} participants in all, far below the "
                            f"optimal information size (~{OPTIMAL_INFORMATION_SIZE})")
    if total < OPTIMAL_INFORMATION_SIZE:
        return DomainRating(levels=1, reason=f"{total} participants in all, below the "
                            f"optimal information size (~{OPTIMAL_INFORMATION_SIZE})")
    return DomainRating()


def certainty_from(start: str, downgrades: Downgrades, upgrades: Upgrades) -> str:
    down = sum(getattr(downgrades, d).levels for d in DOWNGRADE_DOMAINS)
    up = sum(getattr(upgrades, d).levels for d in UPGRADE_DOMAINS)
    return shift(start, up - down)


def _merge_domains(model: type, proposed, given: Mapping[str, tuple[int, str]] | None, names):
    values = {d: getattr(proposed, d) for d in names} if proposed is not None else {}
    for domain, rating in (given or {}).items():
        if domain not in names:
            raise GradingError(f"unknown GRADE domain '{domain}'; use one of: {', '.join(names)}")
        levels, reason = rating
        if levels and not reason.strip():
            raise GradingError(f"rating down or up for '{domain}' needs a reason")
        values[domain] = DomainRating(levels=levels, reason=reason)
    return model(**values)


def build_grade(studies: Sequence[Study], stances: Sequence[str], directness: Sequence[str], *,
                by: str, downgrades: Mapping[str, tuple[int, str]] | None = None,
                upgrades: Mapping[str, tuple[int, str]] | None = None,
                certainty: str | None = None, justification: str = "",
                note: str = "", protocol: Protocol | None = None) -> Grade:
    """Propose a certainty from the studies, apply the reviewer's domain ratings, and accept
    an override of the result only with a written justification."""
    contributing = [s for s, st in zip(studies, stances, strict=True) if st != "background"]
    start, start_reason = start_level(contributing)
    down = _merge_domains(Downgrades, propose_downgrades(contributing,
                          [s for s in stances if s != "background"], directness, protocol),
                          downgrades,
                          DOWNGRADE_DOMAINS)
    up = _merge_domains(Upgrades, Upgrades(), upgrades, UPGRADE_DOMAINS)
    proposed = certainty_from(start, down, up)
    final = certainty or proposed
    if final not in CERTAINTY_ORDER:
        raise GradingError(f"certainty {final!r} is not one of {', '.join(CERTAINTY_ORDER)}")
    if final != proposed and not justification.strip():
        raise GradingError(f"overriding the proposed certainty ({proposed}) with {final} needs "
                           "a written justification")
    return Grade(start=start, start_reason=start_reason, downgrades=down, upgrades=up,
                 proposed=proposed, certainty=final, override_justification=justification,
                 note=note, by=by, at=now())


def claimed_certainty(flags: Iterable[str]) -> str:
    """How sure the article's wording sounds: an appeal to evidence in assertive words claims
    High; a plain assertion Moderate, and so does a weak hedge ("can help": the effect is
    still said to happen); hedged wording ("may") Low."""
    flags = set(flags)
    if "evidence-appeal" in flags and "assertive" in flags:
        return "high"
    if "evidence-appeal" in flags or "assertive" in flags or "weak-hedge" in flags:
        return "moderate"
    return "low"


def is_overstated(flags: Iterable[str], certainty: str | None, verdict: str) -> bool:
    """True when the wording claims more certainty than the graded evidence allows."""
    flags = list(flags)
    claimed = claimed_certainty(flags)
    if verdict in ("not supported", "contradicted"):
        return True
    if verdict in ("uncertain", "not testable") or certainty is None:
        return "evidence-appeal" in flags or claimed != "low"
    return rank(certainty) < rank(claimed)


def propose_verdict(stances: Sequence[str], certainty: str | None) -> str:
    """A first verdict from the direction of the evidence and its certainty."""
    counts = {s: sum(1 for x in stances if x == s) for s in
              ("supports", "contradicts", "no effect", "mixed")}
    if not any(counts.values()) or certainty in (None, "very low"):
        return "uncertain"
    if counts["contradicts"] > counts["supports"]:
        return "contradicted"
    if counts["no effect"] >= counts["supports"] and counts["no effect"]:
        return "not supported"
    if counts["supports"] and (counts["contradicts"] + counts["no effect"] + counts["mixed"]):
        return "partly supported"
    if counts["supports"]:
        return "supported" if certainty in ("high", "moderate") else "partly supported"
    return "uncertain"


def weighted_kappa(a: Sequence[str], b: Sequence[str], categories: Sequence[str],
                   weights: str | None = "linear") -> float:
    """Cohen's kappa for two raters; ``weights`` 'linear' or 'quadratic' for ordinal scales,
    None for the unweighted statistic."""
    if len(a) != len(b) or not a:
        raise GradingError("kappa needs two equally long, non-empty lists of ratings")
    k = len(categories)
    index = {c: i for i, c in enumerate(categories)}
    obs = [[0.0] * k for _ in range(k)]
    for x, y in zip(a, b, strict=True):
        obs[index[x]][index[y]] += 1
    n = float(len(a))
    row = [sum(r) for r in obs]
    col = [sum(obs[i][j] for i in range(k)) for j in range(k)]

    def w(i: int, j: int) -> float:
        if weights is None:
            return 0.0 if i == j else 1.0
        d = abs(i - j) / (k - 1)
        return d if weights == "linear" else d * d

    observed = sum(w(i, j) * obs[i][j] for i in range(k) for j in range(k)) / n
    expected = sum(w(i, j) * row[i] * col[j] for i in range(k) for j in range(k)) / (n * n)
    if expected == 0:
        return 1.0
    return 1.0 - observed / expected


def agreement(claims: Sequence[Claim], first: str, second: str) -> dict[str, object]:
    """Agreement between two reviewers over the claims both graded: weighted kappa on
    certainty, unweighted kappa on verdicts, and the list of disagreements."""
    both = [c for c in claims if first in c.assessments and second in c.assessments
            and c.assessments[first].grade and c.assessments[second].grade]
    if not both:
        raise GradingError(f"no claim was graded by both {first} and {second}")
    ca = [c.assessments[first].grade.certainty for c in both]
    cb = [c.assessments[second].grade.certainty for c in both]
    va = [c.assessments[first].verdict.value if c.assessments[first].verdict else "uncertain"
          for c in both]
    vb = [c.assessments[second].verdict.value if c.assessments[second].verdict else "uncertain"
          for c in both]
    verdicts = sorted(set(va) | set(vb))
    disagreements = [
        {"claim": c.id, first: f"{x} / {p}", second: f"{y} / {q}"}
        for c, x, y, p, q in zip(both, ca, cb, va, vb, strict=True) if x != y or p != q]
    return {
        "claims": len(both),
        "certainty_kappa_linear": weighted_kappa(ca, cb, CERTAINTY_ORDER, "linear"),
        "verdict_kappa": weighted_kappa(va, vb, verdicts, None) if len(verdicts) > 1 else 1.0,
        "disagreements": disagreements,
    }


# ---- calibrated wording of a published statement ----------------------------------------------

_NAMED_CERTAINTY = re.compile(r"\b(high|moderate|low|very low)[- ]certainty\b"
                              r"|\bcertainty (?:is|was) (high|moderate|low|very low)\b", re.I)
_HEDGE = {"very low": re.compile(r"\bvery uncertain\b|\bvery low\b|\bunknown\b|\bno stud(y|ies)\b"
                                 r"|\bnot (?:been )?(?:tested|studied|measured)\b", re.I),
          "low": re.compile(r"\bmay\b|\bmight\b|\blow\b|\buncertain\b|\bno stud(y|ies)\b", re.I)}


def statement_problems(statement: str, certainty: str | None) -> list[str]:
    """What is wrong with a statement's calibration for a claim of ``certainty`` (GRADE
    informative statements: 'probably' for moderate, 'may' for low, 'very uncertain' for very
    low): a certainty named that is not the claim's, or wording surer than the evidence."""
    text = " ".join((statement or "").split())
    if not text or certainty is None:
        return []
    out = []
    named = {(a or b).lower() for a, b in _NAMED_CERTAINTY.findall(text)}
    wrong = sorted(named - {certainty})
    if wrong:
        out.append(f"the statement says {' and '.join(wrong)} certainty; the claim's "
                   f"certainty is {certainty}")
    hedge = _HEDGE.get(certainty)
    if hedge is not None and not hedge.search(text):
        word = "'very uncertain'" if certainty == "very low" else "'may'"
        out.append(f"a {certainty} certainty statement says so ({word}); this one reads surer "
                   "than the evidence")
    if certainty == "low" and re.search(r"\bprobably\b", text, re.I) and not \
            re.search(r"\bmay\b", text, re.I):
        out.append("'probably' is for moderate certainty; at low certainty say 'may'")
    return out
