"""From claim-by-claim grades to evidence profiles: the proposal ``reviewtools migrate`` makes.

Each non-background link of a claim becomes a profile entry: its outcome is matched to
the protocol's outcomes (by name and terms), its comparison to the protocol's
comparators from the study's recorded comparator (keyword rules below), its direction
from the link's stance, and n from the study record (unknown stays unknown). A link
that fits no outcome, or whose comparator is unclear or mixes several kinds of
control, is not placed: it is listed for the reviewer with the reason. Profiles are
rated by the GRADE rules and marked as proposals (``PROPOSED_BY``) until a reviewer
rates them; reviewers' grades and verdicts on claims are kept as they are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from reviewtools.errors import GradingError
from reviewtools.grading.profiles import body, rate
from reviewtools.model.profiles import PROPOSED_BY, EffectDirection, Profile, ProfileEntry
from reviewtools.model.protocol import ComparatorKind, ProfileSpec, Protocol
from reviewtools.model.records import Claim, Study, now

DIRECTION: dict[str, EffectDirection] = {
    "supports": "favours intervention", "no effect": "no difference",
    "contradicts": "favours comparator", "mixed": "mixed"}
# Comparator wording -> kind, general English; the protocol's comparators add their own
# ``terms`` (tried first). A text matching two kinds is "mixed" and left to the reviewer.
COMPARATOR_WORDS: tuple[tuple[ComparatorKind, str], ...] = (
    ("sham or attention control", r"sham|placebo|attention|light[- ]touch|non-specific|"
                                  r"no touch|inert"),
    ("active treatment", r"ultrasound|stretching|strengthening|physical therapy|acupuncture|"
                         r"relaxation therap|exercise|medication|\bdrugs?\b|active"),
    ("no treatment or usual care", r"usual care|routine care|no[- ]treatment|no[- ]intervention"
                                   r"|waiting|control group|control condition|\brest\b|resting|"
                                   r"bed rest|conventional care|standard care|\bcontrols?\b"),
)
UNCONTROLLED = r"pre[- /]|baseline|within-subject|no control|n/a|within patients"


@dataclass
class MigrationReport:
    """What a migration did, and every link it could not place (with the reason)."""

    profiles: dict[str, Profile] = field(default_factory=dict)
    specs: list[ProfileSpec] = field(default_factory=list)
    mapping: dict[str, list[str]] = field(default_factory=dict)
    unplaced: list[tuple[str, str, str]] = field(default_factory=list)  # claim, key, reason
    unrated: list[tuple[str, str]] = field(default_factory=list)  # profile, reason


def comparator_kind(text: str, protocol: Protocol | None = None
                    ) -> tuple[ComparatorKind | None, str]:
    """The kind of control a study's comparator text describes, or None with the reason."""
    low = text.lower()
    own = [c.kind for c in (protocol.comparators if protocol else [])
           if any(term.lower() in low for term in c.terms)]
    kinds = list(dict.fromkeys([*own, *(kind for kind, words in COMPARATOR_WORDS
                                        if re.search(words, low))]))
    if len(kinds) == 1:
        return kinds[0], ""
    if len(kinds) > 1:
        return None, f"comparators of several kinds in one result ({text[:80]})"
    if re.search(UNCONTROLLED, low) or not low.strip():
        return None, f"no control group ({text[:80] or 'none recorded'})"
    return None, f"comparator unclear ({text[:80]})"


def _place(claim: Claim, studies: Mapping[str, Study], protocol: Protocol,
           report: MigrationReport) -> list[tuple[str, ProfileEntry, ProfileSpec]]:
    kinds = {c.kind: c.id for c in protocol.comparators}
    placed = []
    for lk in claim.links:
        if lk.stance == "background":
            continue
        study = studies[lk.key]
        outcomes = protocol.outcomes_in(lk.outcome)
        if not outcomes:
            report.unplaced.append((claim.id, lk.key, f"outcome '{lk.outcome}' is none of "
                                    "the protocol's outcomes"))
            continue
        kind, why = comparator_kind(study.comparator, protocol)
        if kind is None or kind not in kinds:
            report.unplaced.append((claim.id, lk.key, why or f"no '{kind}' comparator in the "
                                    "protocol"))
            continue
        outcome, comparator = outcomes[0].id, kinds[kind]
        spec = ProfileSpec(id=f"{outcome}-vs-{comparator}", outcome=outcome,
                           comparator=comparator)
        entry = ProfileEntry(study=lk.key, outcome=lk.outcome, direction=DIRECTION[lk.stance],
                             n=study.n if study.n_unit == "participants" and study.n else None,
                             quote=lk.quote, by=PROPOSED_BY, at=now())
        placed.append((claim.id, entry, spec))
    return placed


def propose(claims: Sequence[Claim], studies: Mapping[str, Study],
            protocol: Protocol) -> MigrationReport:
    """Profiles, protocol profile specs and claim mappings proposed from the claims' links."""
    report = MigrationReport()
    for claim in claims:
        if not claim.is_claim:
            continue
        for claim_id, entry, spec in _place(claim, studies, protocol, report):
            profile = report.profiles.setdefault(spec.id, Profile(
                id=spec.id, outcome=spec.outcome, comparator=spec.comparator))
            if spec.id not in {s.id for s in report.specs}:
                report.specs.append(spec)
            same = [e for e in profile.entries if e.study == entry.study]
            if not same:
                profile.entries.append(entry)
            elif same[0].outcome != entry.outcome:
                report.unplaced.append((claim_id, entry.study, f"already in {spec.id} for "
                                        f"'{same[0].outcome}': a study is counted once"))
            ids = report.mapping.setdefault(claim_id, [])
            if spec.id not in ids:
                ids.append(spec.id)
    full = protocol.model_copy(update={"profiles": [*protocol.profiles, *[
        s for s in report.specs if s.id not in {p.id for p in protocol.profiles}]]})
    for pid, profile in report.profiles.items():
        kept, refused = body(profile, studies)
        profile.entries = kept
        report.unplaced += [("", r.study, f"{pid}: {r.reason}") for r in refused]
        try:
            profile.rating = rate(profile, studies, full, by=PROPOSED_BY)
        except GradingError as exc:
            report.unrated.append((pid, str(exc)))
    return report
