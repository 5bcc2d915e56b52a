"""`reviewtools check`: everything a finished review must satisfy, as a list of problems."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import bib
from .errors import ReviewToolsError
from .grading import certainty_from
from .models import Claim, Study
from .review import Review, list_reviews
from .settings import Settings
from .store import load_record


@dataclass(frozen=True)
class Problem:
    file: str
    claim: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file} [{self.claim}]" if self.claim else self.file
        return f"{where}: {self.message}"


def check(settings: Settings, slugs: list[str] | None = None) -> list[Problem]:
    """Check the named reviews (all reviews when ``slugs`` is empty)."""
    problems: list[Problem] = []
    bib_path = settings.bib_path
    try:
        entries = bib.entries(bib_path)
    except ReviewToolsError as exc:
        return [Problem(_rel(bib_path, settings), "", str(exc).removeprefix(f"{bib_path}: "))]
    studies, study_problems = _load_studies(settings)
    problems += study_problems
    for slug in slugs or list_reviews(settings):
        review = Review(slug, settings)
        try:
            snapshot = review.snapshot
        except (OSError, ReviewToolsError) as exc:
            problems.append(Problem(_rel(review.path, settings), "", f"cannot read: {exc}"))
            continue
        for path in sorted(review.claims_dir.glob("*.yaml")):
            try:
                claim = load_record(path, Claim)
            except ReviewToolsError as exc:
                problems.append(Problem(_rel(path, settings), path.stem,
                                        str(exc).split(": ", 1)[-1]))
                continue
            problems += check_claim(claim, _rel(path, settings), snapshot, entries, studies)
    return problems


def _load_studies(settings: Settings) -> tuple[dict[str, Study], list[Problem]]:
    out, problems = {}, []
    for path in sorted(settings.studies_dir.glob("*.yaml")):
        try:
            study = load_record(path, Study)
        except ReviewToolsError as exc:
            problems.append(Problem(_rel(path, settings), "", str(exc).split(": ", 1)[-1]))
            continue
        if study.key != path.stem:
            problems.append(Problem(_rel(path, settings), "", f"key '{study.key}' does not "
                                    "match the file name"))
        out[study.key] = study
    return out, problems


def _rel(path: Path, settings: Settings) -> str:
    try:
        return str(Path(path).resolve().relative_to(settings.root.resolve()))
    except ValueError:
        return str(path)


def check_claim(claim: Claim, file: str, snapshot: str, entries: dict[str, dict[str, str]],
                studies: dict[str, Study]) -> list[Problem]:
    out: list[Problem] = []

    def add(msg: str) -> None:
        out.append(Problem(file, claim.id, msg))

    if claim.id != Path(file).stem:
        add(f"id '{claim.id}' does not match the file name")
    if claim.status == "dropped":
        return out
    a = claim.anchor
    if a.state == "orphaned":
        add("anchor is orphaned: the text is no longer in the article snapshot")
    elif snapshot[a.start:a.end] != claim.text:
        add(f"anchor {a.start}-{a.end} no longer matches the snapshot text")
    if claim.status == "disputed":
        add("reviewers disagree; resolve it with a note")
    elif claim.verdict is None and claim.status != "to-do":
        add(f"status is '{claim.status}' but there is no verdict (give one, or set 'to-do')")
    for lk in claim.links:
        entry = entries.get(lk.key)
        if entry is None:
            add(f"cites '{lk.key}', which is not in references.bib")
            continue
        if not (entry.get("doi") or entry.get("pmid")):
            add(f"'{lk.key}' has neither a DOI nor a PMID in references.bib")
        if not entry.get("verified"):
            add(f"'{lk.key}' has no verification stamp in references.bib")
        if lk.key not in studies:
            add(f"'{lk.key}' is cited but has no appraisal in evidence/studies/")
        if entry.get("retracted") and lk.stance == "supports" and "retract" not in lk.note.lower():
            add(f"'{lk.key}' is retracted ({entry['retracted']}) but supports the claim unflagged")
    out += _check_judgement(claim, add)
    return out


def _check_judgement(claim: Claim, add) -> list[Problem]:  # noqa: ANN001
    g, v = claim.grade, claim.verdict
    if v is not None and v.value != "not testable" and g is None:
        add(f"verdict '{v.value}' has no GRADE certainty")
    if v is not None and v.value == "not testable" and not (v.reason or claim.not_testable_reason):
        add("'not testable' needs a reason")
    if g is not None:
        if certainty_from(g.start, g.downgrades, g.upgrades) != g.proposed:
            add("proposed certainty does not follow from its start level and domain ratings")
        if g.certainty != g.proposed and not g.override_justification.strip():
            add(f"certainty overridden ({g.proposed} -> {g.certainty}) without a justification")
        for name, rating in [*g.downgrades, *g.upgrades]:
            if rating.levels and not rating.reason.strip():
                add(f"GRADE domain '{name}' rated {rating.levels} without a reason")
    if claim.links == [] and v is not None and v.value not in ("not testable",) \
            and not claim.no_studies_found:
        add("has a verdict but no linked studies and no record of searches that found none")
    return []
