"""The judgements reviewers record on a claim: GRADE, verdict, resolution, no-studies, statement.

Each function takes the claim (and the records it needs) and returns the updated
claim, or the same object when nothing changed; the
:class:`reviewtools.review.Review` facade loads and saves. Every judgement
carries who made it and when; changing another reviewer's accepted judgement
needs ``replace=True``.
"""

from __future__ import annotations

from collections.abc import Mapping

from reviewtools.errors import GradingError, InputError, NotFoundError
from reviewtools.grading.rules import build_grade, is_overstated
from reviewtools.model.protocol import Protocol
from reviewtools.model.records import Assessment, Claim, Grade, Resolution, Study, Verdict, now


def grade(claim: Claim, studies: Mapping[str, Study], *, by: str,
          downgrades: dict[str, tuple[int, str]] | None = None,
          upgrades: dict[str, tuple[int, str]] | None = None, certainty: str | None = None,
          justification: str = "", note: str = "", replace: bool = False,
          protocol: Protocol | None = None) -> Claim:
    """``by``'s GRADE judgement for ``claim`` from its linked ``studies`` (keyed by bib key).

    The review's ``protocol`` decides how each study's intervention relates to the question
    (indirectness).
    """
    linked, stances, directness = [], [], []
    for lk in claim.links:
        linked.append(studies[lk.key])
        stances.append(lk.stance)
        if lk.stance != "background":
            directness.append(lk.directness)
    new = build_grade(linked, stances, directness, by=by, downgrades=downgrades,
                      upgrades=upgrades, certainty=certainty, justification=justification,
                      note=note, protocol=protocol)
    current = claim.assessments.get(by, Assessment())
    if current.grade and _same(current.grade, new):
        return claim
    assessments = {**claim.assessments, by: current.model_copy(update={"grade": new})}
    return settle(claim.logged(by, "graded", new.certainty, assessments=assessments),
                  replace=replace)


def _same(a: Grade | Verdict, b: Grade | Verdict) -> bool:
    return a.model_dump(exclude={"at"}) == b.model_dump(exclude={"at"})


def verdict(claim: Claim, value: str, *, by: str, reason: str,
            overstated: bool | None = None, replace: bool = False) -> Claim:
    """``by``'s verdict; ``overstated`` is computed from the wording when not given."""
    if not reason.strip():
        raise InputError("a verdict needs a reason a reader can check")
    mine = claim.assessments.get(by, Assessment())
    certainty = mine.grade.certainty if mine.grade else None
    if value != "not testable" and certainty is None:
        raise GradingError(f"{claim.id}: grade the evidence before giving a verdict "
                           "(or use 'not testable' with a reason)")
    flag = is_overstated(claim.flags, certainty, value) if overstated is None else overstated
    new = Verdict(value=value, overstated=flag, reason=reason, by=by, at=now())
    if mine.verdict and _same(mine.verdict, new):
        return claim
    assessments = {**claim.assessments, by: mine.model_copy(update={"verdict": new})}
    extra = {"not_testable_reason": reason} if value == "not testable" else {}
    return settle(claim.logged(by, "verdict", value, assessments=assessments, **extra),
                  replace=replace)


def settle(claim: Claim, *, replace: bool = False) -> Claim:
    """Derive the accepted grade/verdict and the status from the reviewers' assessments."""
    done = {who: a for who, a in claim.assessments.items() if a.verdict is not None}
    if claim.resolution is not None and not replace:
        return claim
    if not done:
        return claim.model_copy(update={"status": "in review" if claim.assessments or claim.links
                                        else claim.status})
    keys = {(a.grade.certainty if a.grade else None, a.verdict.value) for a in done.values()}
    if len(keys) > 1:
        return claim.model_copy(update={"status": "disputed", "grade": None, "verdict": None})
    first = next(iter(done.values()))
    return claim.model_copy(update={"status": "reviewed", "grade": first.grade,
                                    "verdict": first.verdict})


def resolve(claim: Claim, *, accept: str, by: str, note: str) -> Claim:
    """Settle a disputed claim by accepting one reviewer's assessment, with a note."""
    if accept not in claim.assessments or claim.assessments[accept].verdict is None:
        raise NotFoundError(f"{claim.id}: {accept} has no complete assessment to accept")
    if not note.strip():
        raise InputError("resolving a disagreement needs a note")
    chosen = claim.assessments[accept]
    return claim.logged(by, "resolved", f"accepted {accept}: {note}", grade=chosen.grade,
                        verdict=chosen.verdict, status="reviewed",
                        resolution=Resolution(by=by, at=now(), note=note))


def record_no_studies(claim: Claim, *, searches: list[str], by: str) -> Claim:
    """Record that the searches found no study addressing a claim (a result, not a gap)."""
    if not searches:
        raise InputError("list the searches that found nothing")
    if claim.no_studies_found and claim.searched == searches:
        return claim
    return claim.logged(by, "no studies found", f"{len(searches)} searches",
                        no_studies_found=True, searched=searches)


def set_statement(claim: Claim, text: str, *, by: str) -> Claim:
    """Store the writer's final evidence statement (preferred over the drafted one)."""
    if claim.statement == text:
        return claim
    return claim.logged(by, "statement edited", statement=text)
