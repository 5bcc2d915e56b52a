"""From evidence profiles to a claim's certainty and verdict, by rules a reader can check.

A claim names the profiles its wording asserts. Its certainty is the lowest certainty of
the *critical* profiles it names (GRADE's rule across critical outcomes), or of all it
names when none is critical. Each profile gives a verdict from its direction and
certainty:

=====================  ===============  ================  ==========
direction              high / moderate  low               very low
=====================  ===============  ================  ==========
favours intervention   supported        partly supported  uncertain
mixed                  partly supported partly supported  uncertain
no difference          not supported    not supported     uncertain
favours comparator     contradicted     not supported     uncertain
=====================  ===============  ================  ==========

"Uncertain" is the verdict of very low certainty and of nothing else. A bundled claim
(several profiles) is supported or contradicted only if every part is; it is partly
supported when some parts are supported (or partly) and others are not. "No evidence"
(no study addresses the claim) is its own state, neither very low certainty nor "not
supported"; "not testable" is the reviewer's, and stays.
"""

from __future__ import annotations

from collections.abc import Sequence

from reviewtools.grading.profiles import body, direction_of
from reviewtools.model.profiles import EffectDirection, Profile
from reviewtools.model.protocol import Protocol
from reviewtools.model.records import CERTAINTY_ORDER, Study

TABLE: dict[EffectDirection, tuple[str, str, str]] = {  # (high/moderate, low, very low)
    "favours intervention": ("supported", "partly supported", "uncertain"),
    "mixed": ("partly supported", "partly supported", "uncertain"),
    "no difference": ("not supported", "not supported", "uncertain"),
    "favours comparator": ("contradicted", "not supported", "uncertain"),
}
POSITIVE = {"supported", "partly supported"}


def profile_verdict(direction: EffectDirection, certainty: str) -> str:
    """The verdict one profile gives a claim that asserts a benefit (see the table)."""
    row = TABLE[direction]
    return row[0] if certainty in ("high", "moderate") else row[1] if certainty == "low" \
        else row[2]


def claim_certainty(profiles: Sequence[Profile], protocol: Protocol) -> str | None:
    """The lowest certainty among the critical profiles (all profiles if none is critical)."""
    rated = [p for p in profiles if p.rating is not None]
    if not rated:
        return None
    critical = [p for p in rated if protocol.outcome(p.outcome).importance == "critical"]
    return min((p.rating.certainty for p in critical or rated), key=CERTAINTY_ORDER.index)


def combine(verdicts: Sequence[str]) -> str:
    """One verdict for a claim that asserts several profiles."""
    found = set(verdicts)
    if len(found) == 1:
        return found.pop()
    if found & POSITIVE:
        return "partly supported"
    if found <= {"not supported", "contradicted"}:
        return "not supported"
    return "uncertain"


def claim_verdict(profiles: Sequence[Profile], studies: dict[str, Study], protocol: Protocol,
                  *, no_studies_found: bool = False) -> tuple[str | None, str, str]:
    """(certainty, verdict, reason) for a claim from the profiles it names."""
    rated = [p for p in profiles if p.rating is not None]
    if not rated:
        if no_studies_found:
            return None, "no evidence", "no study addresses the claim (searches recorded)"
        return None, "uncertain", "no rated profile yet"
    parts = []
    for p in rated:
        direction = direction_of(body(p, studies)[0])
        parts.append((p.id, profile_verdict(direction, p.rating.certainty), p.rating.certainty,
                      direction))
    certainty = claim_certainty(rated, protocol)
    reason = "; ".join(f"{pid}: {d}, {c} certainty -> {v}" for pid, v, c, d in parts)
    return certainty, combine([v for _, v, _, _ in parts]), reason
