"""The shared vocabulary of the risk-of-bias tools: questions, domains, judgements, errors.

A tool (:mod:`.rob2`, :mod:`.robins_i`, :mod:`.amstar2`) is a :class:`Tool`: a key, a label,
its domains (each with its signalling questions or items), the ratings it uses from best to
worst, and an ``evaluate`` function mapping the reviewer's answers and decisions to an
:class:`Evaluation` (per-domain judgements and the overall rating, each with the rule that
produced it). Evaluations are always computed; nothing here accepts a typed rating.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict

from reviewtools.errors import ReviewToolsError
from reviewtools.model.evidence import Answer, Decision

YES = frozenset({"Y", "PY"})
NO = frozenset({"N", "PN"})
YES_NI = YES | {"NI"}
NO_NI = NO | {"NI"}
STANDARD = ("Y", "PY", "PN", "N", "NI")


class AssessmentError(ReviewToolsError, ValueError):
    """A risk-of-bias assessment is incomplete or inconsistent with the tool's rules."""


@dataclass(frozen=True)
class Question:
    """One signalling question (or AMSTAR 2 item). ``applies`` says, from the answers so far,
    whether the tool asks it; when it does not, the only valid answer is NA."""

    id: str
    text: str
    options: tuple[str, ...] = STANDARD
    applies: Callable[[Mapping[str, str]], bool] | None = None

    def asked(self, codes: Mapping[str, str]) -> bool:
        return self.applies is None or self.applies(codes)


@dataclass(frozen=True)
class Domain:
    key: str
    label: str
    questions: tuple[Question, ...] = ()


@dataclass(frozen=True)
class Tool:
    key: str
    label: str
    designs: str
    reference: str
    ratings: tuple[str, ...]
    domains: tuple[Domain, ...]
    evaluate: Callable[..., Evaluation] = field(repr=False)

    def domain(self, key: str) -> Domain:
        for d in self.domains:
            if d.key == key:
                return d
        raise AssessmentError(f"{self.label} has no domain {key!r}; domains: "
                              + ", ".join(d.key for d in self.domains))

    def questions(self) -> dict[str, Question]:
        return {q.id: q for d in self.domains for q in d.questions}


class Judgement(BaseModel):
    """A domain's rating: what the tool's algorithm proposes (None where the tool has no
    algorithm, as in ROBINS-I), the rating that stands, and why."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    proposed: str | None
    rating: str
    basis: str
    override: Decision | None = None


class Evaluation(BaseModel):
    """Everything an assessment derives from its answers and decisions."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    domains: dict[str, Judgement]
    proposed_overall: str
    overall: str | None
    overall_basis: str
    decision_needed: str = ""


def codes_of(answers: Mapping[str, Answer]) -> dict[str, str]:
    return {qid: a.code for qid, a in answers.items()}


def check_answers(tool: Tool, answers: Mapping[str, Answer]) -> dict[str, str]:
    """Every question the tool asks is answered with one of its options; questions it does
    not ask (given earlier answers) are NA or left out. Returns question id -> code, with NA
    filled in for questions not asked."""
    known = tool.questions()
    unknown = sorted(set(answers) - set(known))
    if unknown:
        raise AssessmentError(f"{tool.label} has no question {', '.join(unknown)}; "
                              f"questions: {', '.join(known)}")
    codes: dict[str, str] = {}
    missing, wrong = [], []
    for qid, q in known.items():
        given = answers.get(qid)
        if not q.asked(codes):
            if given is not None and given.code != "NA":
                wrong.append(f"{qid} is not asked given the earlier answers (answer NA), "
                             f"got {given.code}")
            codes[qid] = "NA"
        elif given is None:
            missing.append(qid)
        elif given.code not in q.options:
            wrong.append(f"{qid} takes {'/'.join(q.options)}, got {given.code}")
        else:
            codes[qid] = given.code
    if missing:
        raise AssessmentError(f"{tool.label}: answer {', '.join(missing)} (each with a reason)")
    if wrong:
        raise AssessmentError(f"{tool.label}: " + "; ".join(wrong))
    return codes


def apply_override(tool: Tool, key: str, proposed: str, basis: str,
                   decisions: Mapping[str, Decision]) -> Judgement:
    """The algorithm's proposal, or the reviewer's override of it (with a reason)."""
    decision = decisions.get(key)
    if decision is None:
        return Judgement(proposed=proposed, rating=proposed, basis=basis)
    check_rating(tool, decision.rating, f"the decision on {key}")
    return Judgement(proposed=proposed, rating=decision.rating, basis=basis, override=decision)


def check_rating(tool: Tool, rating: str, what: str) -> None:
    if rating not in tool.ratings:
        raise AssessmentError(f"{what}: {rating!r} is not a {tool.label} rating; ratings: "
                              + ", ".join(tool.ratings))


def check_domain_keys(tool: Tool, decisions: Mapping[str, Decision]) -> None:
    for key in decisions:
        tool.domain(key)


def worst(tool: Tool, ratings: list[str]) -> str:
    return max(ratings, key=tool.ratings.index)
