"""Reviewer edits of the claim list: add a missed claim, split, merge, drop, promote a
sentence of another kind, regroup by topic.

Each function takes the records it needs (the snapshot, the review's sections,
the claims involved, the ids already used) and returns new or updated claims;
nothing here reads or writes files.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from reviewtools.claims.detection import classify, make_anchor
from reviewtools.errors import InputError
from reviewtools.model.records import CLAIM_KINDS, KIND_LABEL, Claim, Section

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


def _part_anchor(parent: Claim, snapshot: str, part: str, span: str | None
                 ) -> tuple[int, int, str]:
    """Where a split part is anchored: its own words in the parent sentence, else the
    sub-span ``span`` of the sentence, else the whole sentence; and the article's words there
    when ``part`` is the reviewer's wording ('' when ``part`` is the article's own)."""
    quote = parent.quote
    offset = quote.find(part)
    if offset >= 0 and span is None:
        start = parent.anchor.start + offset
        return start, start + len(part), ""
    if span is not None:
        offset = quote.find(span)
        if offset < 0 or not span.strip():
            raise InputError(f"the span of a part is not in claim {parent.id}: {span[:60]!r}")
        start, end = parent.anchor.start + offset, parent.anchor.start + offset + len(span)
    else:
        start, end = parent.anchor.start, parent.anchor.end
    words = snapshot[start:end] if snapshot[start:end] else quote
    return start, end, words


def split_parts(parent: Claim, parts: Sequence[str], snapshot: str, *, by: str,
                spans: Sequence[str | None] | None = None) -> list[Claim]:
    """The sub-claims of ``parent``: each part is either words of the sentence (anchored to
    them) or the reviewer's own wording of one proposition, e.g. "Sauna bathing lowers the
    risk of stroke" (anchored to the sub-span given in ``spans``, else to the sentence)."""
    if len(parts) < 2:
        raise InputError("a split needs at least two parts")
    if len(parts) > MAX_PARTS:
        raise InputError(f"a split makes at most {MAX_PARTS} parts (lettered a-z); "
                         f"got {len(parts)}")
    if parent.parent is not None or parent.id[-1].isalpha():
        raise InputError(f"claim {parent.id} is already a part of a split; split "
                         f"{parent.parent or 'its parent'} into more parts instead")
    spans = list(spans or [])
    if len(spans) > len(parts):
        raise InputError(f"{len(spans)} spans given for {len(parts)} parts")
    spans += [None] * (len(parts) - len(spans))
    inherited = [f for f in parent.flags if f != "compound"]
    made = []
    for i, (part, span) in enumerate(zip(parts, spans, strict=True)):
        part = " ".join(part.split())
        if not part:
            raise InputError(f"part {i + 1} of the split is empty")
        start, end, words = _part_anchor(parent, snapshot, part, span)
        own = classify(part)
        sub = Claim(id=f"{parent.id}{chr(ord('a') + i)}", section=parent.section, text=part,
                    parent=parent.id, origin="split", kind=parent.kind,
                    kind_rule=parent.kind_rule, topic=parent.topic, anchor_text=words,
                    flags=own if set(own) - _WORDING_FLAGS else inherited,
                    anchor=make_anchor(snapshot, start, end))
        made.append(sub.logged(by, "split", f"from {parent.id}"))
    return made


def container(parent: Claim, parts: Sequence[Claim], *, by: str) -> Claim:
    """``parent`` as the container of its split ``parts``: not a claim itself (status
    'split'), needing no verdict; its parts are the claims."""
    ids = ", ".join(p.id for p in parts)
    if parent.status == "split":
        return parent
    return parent.logged(by, "split into parts", ids, status="split")


def derived_verdict(parts: Sequence[Claim]) -> str | None:
    """A container's verdict for display, from its parts: their common verdict, 'partly
    supported' when some but not all parts are supported, None until every part has one."""
    return derived_verdict_of([p.verdict.value if p.verdict else None for p in parts
                               if p.is_claim])


def derived_verdict_of(values: Sequence[str | None]) -> str | None:
    """:func:`derived_verdict` from the parts' verdict values (None: no verdict yet)."""
    values = list(values)
    if not values or None in values:
        return None
    if len(set(values)) == 1:
        return values[0]
    if any(v in ("supported", "partly supported") for v in values):
        return "partly supported"
    return "uncertain"


def promoted(claim: Claim, *, by: str, kind: str = "health-claim") -> Claim:
    """A sentence not treated as a claim (another kind, or dropped) made a claim to review."""
    if kind not in CLAIM_KINDS:
        raise InputError(f"a promoted sentence is a claim: kind must be one of "
                         f"{', '.join(CLAIM_KINDS)}, not {kind[:30]!r}")
    if claim.is_container:
        raise InputError(f"claim {claim.id} is split into parts; its parts are the claims")
    if claim.is_claim and claim.kind in (kind, None):
        return claim
    was = KIND_LABEL.get(claim.kind or "", claim.status)
    return claim.logged(by, "promoted", f"was {was}; now a {KIND_LABEL[kind]}",
                        status="to-do" if not claim.is_claim else claim.status, kind=kind,
                        kind_rule=f"promoted by {by} (was {was})", drop_reason="")


def with_topic(claim: Claim, topic: str, *, by: str) -> Claim:
    """``claim`` moved to outcome topic ``topic`` (a reviewer's regrouping)."""
    topic = " ".join(topic.split())
    if not topic or len(topic) > 60:
        raise InputError("a topic is a short name (1-60 characters), e.g. 'Cardiovascular'")
    if claim.topic == topic:
        return claim
    return claim.logged(by, "topic", topic, topic=topic)


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
