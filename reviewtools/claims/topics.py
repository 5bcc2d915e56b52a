"""Outcome topics: how the claims of an article without headings are grouped.

An article without headings has one section ('intro'); publishing all its claims under one
heading says nothing. Each claim gets an outcome topic instead: the reviewer's own choice
(``Claim.topic``, set by :func:`reviewtools.claims.edits.with_topic`), else the first of the
protocol's outcomes the claim names (by its name or one of its terms), else the first topic
of the general vocabulary (:data:`reviewtools.claims.vocab.TOPICS`) whose words it uses, else
"Other claims". Harm and safety claims always go to "Harms and safety" unless the reviewer
moved them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from reviewtools.claims.vocab import TOPICS
from reviewtools.model.protocol import Protocol
from reviewtools.model.records import Claim, Section

HARMS = "Harms and safety"
OTHER = "Other claims"
_COMPILED = {name: re.compile(r"\b(?:" + words + r")\b", re.IGNORECASE)
             for name, words in TOPICS.items()}


@dataclass
class TopicGroup:
    """The claims of one topic (or one section), in article order."""

    slug: str
    heading: str
    claims: list[Claim] = field(default_factory=list)


def has_headings(sections: Sequence[Section]) -> bool:
    """True if the article has headings of its own (more than the one 'intro' section)."""
    return any(s.slug != "intro" for s in sections)


def topic_slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "topic"


def topic_of(claim: Claim, protocol: Protocol | None = None) -> str:
    """The claim's outcome topic (see the module docstring for the order)."""
    if claim.topic:
        return claim.topic
    if claim.kind == "harm-claim":
        return HARMS
    if protocol is not None:
        named = protocol.outcomes_in(claim.text)
        if named:
            return named[0].name[:1].upper() + named[0].name[1:]
    for name, pattern in _COMPILED.items():
        if name != HARMS and pattern.search(claim.text):
            return name
    return OTHER


def topic_groups(claims: Sequence[Claim], protocol: Protocol | None = None
                 ) -> list[TopicGroup]:
    """Claims grouped by topic; the groups ordered by their first claim in the article. A
    split sentence's parts stay with the topic of the first part."""
    groups: dict[str, TopicGroup] = {}
    by_sentence: dict[str, str] = {}
    for c in claims:
        name = by_sentence.setdefault(c.sentence, topic_of(c, protocol)) if not c.topic \
            else c.topic
        group = groups.setdefault(name, TopicGroup(topic_slug(name), name))
        group.claims.append(c)
    return list(groups.values())


def by_topic(claims: Sequence[Claim], sections: Sequence[Section],
             protocol: Protocol | None = None) -> list[Claim]:
    """``claims`` unchanged for an article with headings; else copies whose ``section`` is
    the slug of their topic and whose ``topic`` is its name (for grouping in exports)."""
    if has_headings(sections):
        return list(claims)
    out = []
    for group in topic_groups(claims, protocol):
        out += [c.model_copy(update={"section": group.slug, "topic": group.heading})
                for c in group.claims]
    order = {c.id: i for i, c in enumerate(claims)}
    return sorted(out, key=lambda c: order[c.id])


def section_groups(claims: Sequence[Claim], sections: Sequence[Section],
                   protocol: Protocol | None = None) -> list[TopicGroup]:
    """The groups a summary or a notebook uses: the article's sections when it has headings,
    else outcome topics (:func:`topic_groups`)."""
    if not has_headings(sections):
        return topic_groups(claims, protocol)
    order = [(s.slug, s.heading) for s in sections]
    for c in claims:
        if c.section not in {slug for slug, _ in order}:
            order.append((c.section, c.section.replace("-", " ").capitalize()))
    groups = [TopicGroup(slug, heading, [c for c in claims if c.section == slug])
              for slug, heading in order]
    return [g for g in groups if g.claims]
