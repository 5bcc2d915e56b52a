"""Reviewer edits of the claim list: add a missed claim, split, merge, drop.

Each function takes the records it needs (the snapshot, the review's sections,
the claims involved, the ids already used) and returns new or updated claims;
nothing here reads or writes files.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from reviewtools.claims.detection import classify, make_anchor
from reviewtools.errors import InputError
from reviewtools.model.records import Claim, Section

_WORDING_FLAGS = {"hedged", "assertive"}


def find_all(text: str, needle: str) -> list[int]:
    """Every start offset of ``needle`` in ``text`` (overlapping matches included)."""
    out, pos = [], text.find(needle)
    while pos >= 0 and needle:
        out.append(pos)
        pos = text.find(needle, pos + 1)
    return out


def section_at(sections: Sequence[Section], pos: int) -> str:
    """The slug of the section holding offset ``pos`` (the first section if none does)."""
    for s in sections:
        if s.start <= pos <= s.end:
            return s.slug
    return sections[0].slug if sections else "intro"


MAX_PARTS = 26  # split parts are lettered a-z


def next_id(section: str, used: Collection[str]) -> str:
    """The first free ``<section>-NN`` id, skipping ids whose split parts exist."""
    taken = {re.sub(r"(?<=\d)(?:[a-z]|-[a-z0-9]{1,8})\Z", "", u) for u in used}
    n = 1
    while f"{section}-{n:02d}" in taken:
        n += 1
    return f"{section}-{n:02d}"


def check_section(section: str, sections: Sequence[Section]) -> str:
    """``section`` if it is one of the review's section slugs, else a one-line InputError."""
    known = [s.slug for s in sections]
    if section not in known:
        raise InputError(f"unknown section {section[:40]!r}; this review's sections are: "
                         + (", ".join(known) or "(none)"))
    return section


def added_claim(snapshot: str, text: str, sections: Sequence[Section], used: Collection[str],
                *, by: str, section: str | None = None, occurrence: int = 0) -> Claim:
    """A claim the extractor missed; ``text`` must occur in the snapshot."""
    starts = find_all(snapshot, text)
    if len(starts) <= occurrence:
        raise InputError(f"text not found in the article snapshot: {text[:60]!r}")
    start = starts[occurrence]
    sec = check_section(section, sections) if section else section_at(sections, start)
    claim = Claim(id=next_id(sec, used), section=sec, text=text, origin="added",
                  anchor=make_anchor(snapshot, start, start + len(text)), flags=classify(text))
    return claim.logged(by, "added")


def split_parts(parent: Claim, parts: list[str], snapshot: str, *, by: str) -> list[Claim]:
    """The atomic sub-claims of ``parent``, each anchored to its own span of the snapshot."""
    if len(parts) < 2:
        raise InputError("a split needs at least two parts")
    if len(parts) > MAX_PARTS:
        raise InputError(f"a split makes at most {MAX_PARTS} parts (lettered a-z); "
                         f"got {len(parts)}")
    if parent.parent is not None or parent.id[-1].isalpha():
        raise InputError(f"claim {parent.id} is already a part of a split; split "
                         f"{parent.parent or 'its parent'} into more parts instead")
    made = []
    for i, part in enumerate(parts):
        offset = parent.text.find(part)
        if offset < 0:
            raise InputError(f"part {i + 1} is not in claim {parent.id}: {part[:60]!r}")
        start = parent.anchor.start + offset
        own = classify(part)
        sub = Claim(id=f"{parent.id}{chr(ord('a') + i)}", section=parent.section, text=part,
                    parent=parent.id, origin="split",
                    flags=own if set(own) - _WORDING_FLAGS else parent.flags,
                    anchor=make_anchor(snapshot, start, start + len(part)))
        made.append(sub.logged(by, "split", f"from {parent.id}"))
    return made


def merged_claim(claims: Sequence[Claim], snapshot: str, used: Collection[str], *,
                 by: str) -> Claim:
    """One claim spanning ``claims`` (at least two); the caller drops the originals."""
    if len(claims) < 2:
        raise InputError("a merge needs at least two claims")
    ordered = sorted(claims, key=lambda c: c.anchor.start)
    start, end = ordered[0].anchor.start, max(c.anchor.end for c in ordered)
    text = snapshot[start:end]
    merged = Claim(id=next_id(ordered[0].section, used), section=ordered[0].section, text=text,
                   origin="merged", anchor=make_anchor(snapshot, start, end),
                   flags=classify(text))
    return merged.logged(by, "merged", ", ".join(c.id for c in claims))


def dropped(claim: Claim, *, reason: str, by: str) -> Claim:
    """``claim`` marked as not a claim, with the reason (kept on disk, never deleted)."""
    if not reason.strip():
        raise InputError("dropping a claim needs a reason")
    if claim.status == "dropped" and claim.drop_reason == reason:
        return claim
    return claim.logged(by, "dropped", reason, status="dropped", drop_reason=reason)
