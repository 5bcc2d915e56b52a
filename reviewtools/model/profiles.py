"""Evidence profiles: the unit GRADE rates, one outcome for one comparison.

``evidence/<slug>/profiles/<id>.yaml`` holds a profile: which protocol outcome and
comparator (and population, time frame) it is about, the study results that
contribute to it (each study counted once), the entries refused with the reason,
and the certainty rating with every domain's proposal and the reviewer's decision.
Claims name the profiles their wording asserts; a claim's certainty comes from them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from reviewtools.model.protocol import ID_RE
from reviewtools.model.records import (
    BibKey,
    Certainty,
    Downgrades,
    HistoryEntry,
    Record,
    Upgrades,
)

PROFILE_VERSION = 1
PROPOSED_BY = "reviewtools migrate"  # a rating by this name is a proposal awaiting a reviewer
EffectDirection = Literal["favours intervention", "no difference", "favours comparator",
                          "mixed"]


class ProfileEntry(Record):
    """One study's result for the profile's outcome and comparison, as the study reported it."""

    study: BibKey
    outcome: str = Field(min_length=1)  # the outcome as the study measured it
    direction: EffectDirection
    n: int | None = Field(default=None, ge=1)  # participants analysed; None = not reported
    measure: str = ""  # e.g. "SMD", "MD (points)", "RR"
    value: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    i2: float | None = Field(default=None, ge=0, le=100)  # heterogeneity, for a pooled result
    studies_pooled: int | None = Field(default=None, ge=1)
    result: str = ""  # the result in words
    quote: str = ""  # the sentence of the abstract that reports it
    time_point: str = ""
    by: str
    at: str



class Refused(Record):
    """An entry left out of the profile's body of evidence, and why (never silently)."""

    study: BibKey
    reason: str = Field(min_length=1)


class DomainProposal(Record):
    """What the library proposed for one domain, with its arithmetic."""

    levels: int = Field(ge=0, le=2)
    reason: str


class Rating(Record):
    """The certainty of a profile's body of evidence (GRADE), with every reason."""

    start: Certainty
    start_reason: str
    proposals: dict[str, DomainProposal] = {}
    downgrades: Downgrades = Downgrades()
    upgrades: Upgrades = Upgrades()
    proposed: Certainty
    certainty: Certainty
    override_justification: str = ""
    participants: int | None = None  # None when any contributing n is unknown
    participants_known: int = 0
    studies: int = 0
    refused: list[Refused] = []
    pooled: str = ""  # the pooled estimate reviewtools computed, with its provenance
    by: str
    ai_assisted: bool = False
    at: str
    reviewers: list[str] = []  # dual review: the reviewers whose assessments it reconciles
    reconciliation: str = ""  # dual review: how their disagreement was resolved


class Profile(Record):
    """``evidence/<slug>/profiles/<id>.yaml``: one outcome x comparison body of evidence."""

    schema_version: int = PROFILE_VERSION
    id: str
    revision: int = Field(default=1, ge=1)
    outcome: str  # a protocol outcome id
    comparator: str  # a protocol comparator id
    population: str = ""
    time_frame: str = ""
    entries: list[ProfileEntry] = []
    rating: Rating | None = None
    summary: str = ""  # the plain-language statement for the SoF table
    history: list[HistoryEntry] = []

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not ID_RE.match(v):
            raise ValueError("profile ids are lower-case letters, digits and '-'")
        return v
