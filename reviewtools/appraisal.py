"""Study appraisals and the judgements reviewers record on claims.

Every judgement carries who made it and when. Re-running the same call is a
no-op; changing another reviewer's judgement needs ``replace=True`` and is
written to the claim's history.
"""

from __future__ import annotations

from pathlib import Path

from . import bib
from .errors import ConflictError, GradingError, InputError, NotFoundError
from .grading import build_grade, is_overstated
from .models import (
    Assessment,
    Claim,
    Effect,
    HistoryEntry,
    Link,
    Resolution,
    RiskOfBiasRecord,
    Study,
    Verdict,
    now,
)
from .review import Review
from .settings import Settings
from .store import check_key, load_record, save_record

_SAME_LINK_FIELDS = ("stance", "outcome", "directness", "quote", "note")


def study_path(settings: Settings, key: str) -> Path:
    return settings.studies_dir / f"{check_key(key)}.yaml"


def load_study(key: str, settings: Settings) -> Study:
    path = study_path(settings, key)
    if not path.is_file():
        raise NotFoundError(f"study '{key}' has not been appraised",
                            hint=f"record it with rt.appraise('{key}', ...)")
    return load_record(path, Study)


def load_studies(settings: Settings) -> dict[str, Study]:
    from .cache import load_many
    paths = sorted(settings.studies_dir.glob("*.yaml"))
    return {s.key: s for s in load_many(paths, Study, settings)}


def appraise(key: str, *, by: str, design: str, population: str, intervention: str,
             intervention_category: str, risk_of_bias: str, rob_reasons: str,
             settings: Settings | None = None, replace: bool = False,
             effects: list[dict] | None = None, **fields: object) -> Study:
    """Create or update the appraisal of the study ``key`` (which must be in references.bib)."""
    settings = settings or Settings.from_env()
    if key not in bib.entries(settings.bib_path):
        raise NotFoundError(f"'{key}' is not in {settings.bib_path}",
                            hint="add it with `reviewtools cite ID` first")
    study = Study(key=key, design=design, population=population, intervention=intervention,
                  intervention_category=intervention_category,
                  risk_of_bias=RiskOfBiasRecord(overall=risk_of_bias, reasons=rob_reasons),
                  effects=[Effect(**e) for e in effects or []], appraised_by=by,
                  appraised_at=now(), **fields)
    path = study_path(settings, key)
    if not path.exists():
        return save_record(path, study, create=True)
    old = load_record(path, Study)
    content = {"revision", "appraised_at", "appraised_by", "history"}
    if old.model_dump(exclude=content) == study.model_dump(exclude=content):
        return old
    if old.appraised_by != by and not replace:
        raise ConflictError(f"study '{key}' was appraised by {old.appraised_by}; pass "
                            "replace=True to change their appraisal", path=path)
    entry = HistoryEntry(at=now(), by=by, action="re-appraised",
                         detail=f"previous appraisal by {old.appraised_by}")
    update = study.model_copy(update={"revision": old.revision,
                                      "history": [*old.history, entry]})
    return save_record(path, update)


def _log(claim: Claim, by: str, action: str, detail: str = "") -> list[HistoryEntry]:
    return [*claim.history, HistoryEntry(at=now(), by=by, action=action, detail=detail)]


def link(review: Review, claim_id: str, key: str, *, stance: str, outcome: str, quote: str,
         by: str, directness: str = "indirect", note: str = "", replace: bool = False) -> Claim:
    """Link a study to a claim with the quote that justifies the stance."""
    if key not in bib.entries(review.settings.bib_path):
        raise NotFoundError(f"'{key}' is not in references.bib",
                            hint="add it with `reviewtools cite ID` first")
    claim = review.claim(claim_id)
    new = Link(key=key, stance=stance, outcome=outcome, directness=directness, quote=quote,
               note=note, by=by, at=now())
    links = list(claim.links)
    for i, old in enumerate(links):
        if old.key != key or old.outcome != outcome:
            continue
        if all(getattr(old, f) == getattr(new, f) for f in _SAME_LINK_FIELDS):
            return claim  # idempotent
        if old.by != by and not replace:
            raise ConflictError(f"{claim_id}: {old.by} already linked {key} for '{outcome}' as "
                                f"'{old.stance}'; pass replace=True to change their judgement")
        links[i] = new
        history = _log(claim, by, "link changed", f"{key}: {old.stance} -> {stance}"
                       + (f" (was {old.by}'s)" if old.by != by else ""))
        break
    else:
        links.append(new)
        history = _log(claim, by, "linked", f"{key} ({stance})")
    status = "in review" if claim.status == "to-do" else claim.status
    return review.save(claim.model_copy(update={"links": links, "history": history,
                                                "status": status}))


def grade(review: Review, claim_id: str, *, by: str,
          downgrades: dict[str, tuple[int, str]] | None = None,
          upgrades: dict[str, tuple[int, str]] | None = None, certainty: str | None = None,
          justification: str = "", note: str = "", replace: bool = False) -> Claim:
    """Record ``by``'s GRADE judgement for a claim from its linked studies."""
    claim = review.claim(claim_id)
    studies, stances, directness = [], [], []
    for lk in claim.links:
        studies.append(load_study(lk.key, review.settings))
        stances.append(lk.stance)
        if lk.stance != "background":
            directness.append(lk.directness)
    new = build_grade(studies, stances, directness, by=by, downgrades=downgrades,
                      upgrades=upgrades, certainty=certainty, justification=justification,
                      note=note)
    current = claim.assessments.get(by, Assessment())
    if current.grade and _same_grade(current.grade, new):
        return claim
    assessments = dict(claim.assessments)
    assessments[by] = current.model_copy(update={"grade": new})
    updated = claim.model_copy(update={"assessments": assessments,
                                       "history": _log(claim, by, "graded", new.certainty)})
    return review.save(settle(updated, replace=replace))


def _same_grade(a, b) -> bool:  # noqa: ANN001
    skip = {"at"}
    return a.model_dump(exclude=skip) == b.model_dump(exclude=skip)


def verdict(review: Review, claim_id: str, value: str, *, by: str, reason: str,
            overstated: bool | None = None, replace: bool = False) -> Claim:
    """Record ``by``'s verdict; ``overstated`` is computed from the wording when not given."""
    claim = review.claim(claim_id)
    if not reason.strip():
        raise InputError("a verdict needs a reason a reader can check")
    mine = claim.assessments.get(by, Assessment())
    certainty = mine.grade.certainty if mine.grade else None
    if value != "not testable" and certainty is None:
        raise GradingError(f"{claim_id}: grade the evidence before giving a verdict "
                           "(or use 'not testable' with a reason)")
    flag = is_overstated(claim.flags, certainty, value) if overstated is None else overstated
    new = Verdict(value=value, overstated=flag, reason=reason, by=by, at=now())
    if mine.verdict and mine.verdict.model_dump(exclude={"at"}) == new.model_dump(exclude={"at"}):
        return claim
    assessments = dict(claim.assessments)
    assessments[by] = mine.model_copy(update={"verdict": new})
    extra = {"not_testable_reason": reason} if value == "not testable" else {}
    updated = claim.model_copy(update={"assessments": assessments, **extra,
                                       "history": _log(claim, by, "verdict", value)})
    return review.save(settle(updated, replace=replace))


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


def resolve(review: Review, claim_id: str, *, accept: str, by: str, note: str) -> Claim:
    """Settle a disputed claim by accepting one reviewer's assessment, with a note."""
    claim = review.claim(claim_id)
    if accept not in claim.assessments or claim.assessments[accept].verdict is None:
        raise NotFoundError(f"{claim_id}: {accept} has no complete assessment to accept")
    if not note.strip():
        raise InputError("resolving a disagreement needs a note")
    chosen = claim.assessments[accept]
    return review.save(claim.model_copy(update={
        "grade": chosen.grade, "verdict": chosen.verdict, "status": "reviewed",
        "resolution": Resolution(by=by, at=now(), note=note),
        "history": _log(claim, by, "resolved", f"accepted {accept}: {note}")}))


def record_no_studies(review: Review, claim_id: str, *, searches: list[str], by: str) -> Claim:
    """Record that the searches found no study addressing a claim (a result, not a gap)."""
    if not searches:
        raise InputError("list the searches that found nothing")
    claim = review.claim(claim_id)
    if claim.no_studies_found and claim.searched == searches:
        return claim
    return review.save(claim.model_copy(update={
        "no_studies_found": True, "searched": searches,
        "history": _log(claim, by, "no studies found", f"{len(searches)} searches")}))


def set_statement(review: Review, claim_id: str, text: str, *, by: str) -> Claim:
    """Store the writer's final evidence statement (preferred over the drafted one)."""
    claim = review.claim(claim_id)
    if claim.statement == text:
        return claim
    return review.save(claim.model_copy(update={
        "statement": text, "history": _log(claim, by, "statement edited")}))
