"""``reviewtools check`` for protocols and evidence profiles.

Reported as problems: a protocol that does not load; a profile whose outcome or
comparator the protocol does not define, that has no certainty, whose rating is out of
date or does not follow from its domains, that counts a study twice or a review with
a trial it pooled; a claim naming an unknown profile. Once a reviewer has rated any
profile of a review, a claim whose verdict differs from what its rated profiles give
(rules in :mod:`reviewtools.grading.verdicts`), or a claim mapped to no profile
without "no evidence" or "not testable", is a problem too. A migration's proposals
(rated by ``PROPOSED_BY``) are not yet a reviewer's and are not held against claims.
"""

from __future__ import annotations

from collections.abc import Mapping

from reviewtools.appraisal.risk import RobFile
from reviewtools.errors import ReviewToolsError
from reviewtools.grading.dual_checks import check_assessments
from reviewtools.grading.profiles import body, new_profile
from reviewtools.grading.rules import statement_problems
from reviewtools.grading.verdicts import claim_verdict
from reviewtools.model.profiles import PROPOSED_BY, Profile
from reviewtools.model.protocol import Protocol
from reviewtools.model.records import (
    CERTAINTY_ORDER,
    DOWNGRADE_DOMAINS,
    UPGRADE_DOMAINS,
    Claim,
    Study,
)
from reviewtools.settings import Settings
from reviewtools.store.files import load_record
from reviewtools.store.folders import ReviewFolder

Found = tuple[str, str, str]  # file, claim, message


def _rating_problems(profile: Profile, studies: Mapping[str, Study]) -> list[str]:
    r = profile.rating
    if r is None:  # no studies is a result: an empty body of evidence is not rated
        return [] if not profile.entries else ["profile has no certainty: rate it"]
    out = []
    kept, refused = body(profile, studies)
    out += [f"{x.study}: {x.reason}" for x in refused]
    if r.studies != len(kept):
        out.append(f"rating counts {r.studies} studies but the profile has {len(kept)}: re-rate")
    change = sum(getattr(r.upgrades, d).levels for d in UPGRADE_DOMAINS) - sum(
        getattr(r.downgrades, d).levels for d in DOWNGRADE_DOMAINS)
    follows = CERTAINTY_ORDER[max(0, min(3, CERTAINTY_ORDER.index(r.start) + change))]
    if follows != r.proposed:
        out.append(f"proposed certainty {r.proposed} does not follow from the start "
                   f"({r.start}) and the domains ({follows})")
    if r.certainty != r.proposed and not r.override_justification.strip():
        out.append(f"certainty overridden ({r.proposed} -> {r.certainty}) without a reason")
    return out


def _entry_quote_problems(profile: Profile, settings: Settings) -> list[str]:
    """Each entry's quote must be in its study's stored abstract or excerpt (as links' are)."""
    from reviewtools.appraisal.quotes import quote_problem
    from reviewtools.literature.abstracts import load_abstract
    out = []
    for e in profile.entries:
        stored = load_abstract(settings, e.study) if e.quote.strip() else None
        problem = quote_problem(e.quote, stored.text) if stored is not None else None
        if problem:
            out.append(f"{e.study}: the quote " + problem.format(kind=stored.kind))
    return out


def check_profiles(review: ReviewFolder, studies: Mapping[str, Study], rel: str) -> list[Found]:
    """Every problem with the review's protocol, profiles and claim mappings."""
    if not review.has_protocol():
        return []
    try:
        protocol: Protocol = review.protocol
        profiles = review.load_profiles()
    except ReviewToolsError as exc:
        return [(rel, "", f"cannot read the protocol or a profile: {exc}")]
    out: list[Found] = []
    outcomes, comparators = {o.id for o in protocol.outcomes}, {c.id for c in protocol.comparators}
    for pid, profile in profiles.items():
        where = f"{rel}/profiles/{pid}.yaml"
        if profile.outcome not in outcomes or profile.comparator not in comparators:
            out.append((where, "", "outcome or comparator is not in the protocol"))
            continue
        missing = sorted({e.study for e in profile.entries} - set(studies))
        if missing:
            out.append((where, "", f"no appraisal for {', '.join(missing)}"))
            continue
        out += [(where, "", msg) for msg in _rating_problems(profile, studies)]
        out += [(where, "", msg) for msg in _entry_quote_problems(profile, review.settings)]
        if profile.summary.strip() and profile.rating is not None:
            out += [(where, "", f"summary: {msg}") for msg in
                    statement_problems(profile.summary, profile.rating.certainty)]
    out += check_assessments(review, profiles, rel)  # type: ignore[arg-type]
    accepted = any(p.rating and p.rating.by != PROPOSED_BY for p in profiles.values())
    questions = {spec.id: spec for spec in protocol.profiles}
    for claim in _readable_claims(review):
        where = f"{rel}/claims/{claim.id}.yaml"
        unknown = [pid for pid in claim.profiles if pid not in profiles and pid not in questions]
        if unknown:
            out.append((where, claim.id, f"names unknown profile(s): {', '.join(unknown)}"))
            continue
        if accepted:  # a protocol question with no profile file yet: no study answers it
            mine = {pid: profiles.get(pid) or new_profile(protocol, pid) for pid in claim.profiles}
            out += [(where, claim.id, m) for m in _claim_problems(claim, mine, studies,
                                                                   protocol)]
    return out


def _readable_claims(review: ReviewFolder) -> list:
    """The claims that load (a broken file is reported by the claim checks already)."""
    out = []
    for path in sorted(review.claims_dir.glob("*.yaml")):
        try:
            claim = load_record(path, Claim)
        except ReviewToolsError:
            continue
        if claim.is_claim:
            out.append(claim)
    return out


def _claim_problems(claim, profiles, studies, protocol) -> list[str]:  # noqa: ANN001
    verdict = claim.verdict.value if claim.verdict else None
    if not claim.profiles:
        if verdict not in (None, "not testable", "no evidence"):
            return ["mapped to no profile: name the profiles its wording asserts, or record "
                    "'no evidence' / 'not testable'"]
        return []
    mine = [profiles[pid] for pid in claim.profiles]
    if any(p.rating is None or p.rating.by == PROPOSED_BY for p in mine) or verdict is None:
        return []
    certainty, expected, reason = claim_verdict(mine, dict(studies), protocol,
                                                no_studies_found=claim.no_studies_found)
    out = []
    if verdict not in ("not testable", expected):
        out.append(f"verdict '{verdict}' but its profiles give '{expected}' ({reason})")
    if claim.grade and certainty and claim.grade.certainty != certainty:
        out.append(f"certainty {claim.grade.certainty} but its profiles give {certainty}")
    return out


def check_rob_files(settings: Settings) -> list[Found]:
    """Every risk-of-bias file loads, and every overall follows from its answers (a typed
    overall or domain rating that the tool's rules do not give is a problem)."""
    out: list[Found] = []
    folder = settings.evidence_dir / "rob"
    for path in sorted(folder.glob("*.yaml")):
        where = f"evidence/rob/{path.name}"
        try:
            record = load_record(path, RobFile)
        except (ReviewToolsError, ValueError) as exc:
            out.append((where, "", f"cannot read: {str(exc).splitlines()[0][:300]}"))
            continue
        if record.study != path.stem:
            out.append((where, "", f"study '{record.study}' does not match the file name"))
    return out
