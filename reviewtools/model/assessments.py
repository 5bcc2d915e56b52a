"""Independent assessments of an evidence profile: one reviewer's GRADE judgement (dual review).

``evidence/<slug>/assessments/<profile-id>/<reviewer>.yaml`` holds one reviewer's
assessment of one profile, kept apart from every other reviewer's (two reviewers never
edit the same file). It opens pre-filled with the library's proposals, is changed
domain by domain, and is *submitted*, which freezes it; re-opening is explicit and
logged. The profile's own ``rating`` is the consensus, written when the assessments are
reconciled (:mod:`reviewtools.grading.dual`).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator

from reviewtools.model.protocol import ID_RE
from reviewtools.model.records import (
    Certainty,
    Downgrades,
    HistoryEntry,
    Record,
    Upgrades,
    check_timestamp,
    now,
)

ASSESSMENT_VERSION = 1
AssessmentStatus = Literal["open", "submitted"]
#: A reviewer's name as it is stored: it is also the assessment's file name.
REVIEWER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class Assessment(Record):
    """``evidence/<slug>/assessments/<profile>/<reviewer>.yaml``: one reviewer's judgement."""

    schema_version: int = ASSESSMENT_VERSION
    profile: str
    reviewer: str
    revision: int = Field(default=1, ge=1)
    ai_assisted: bool = False
    status: AssessmentStatus = "open"
    opened_at: str
    submitted_at: str | None = None
    profile_revision: int = Field(ge=1)  # the profile's revision when last looked at
    entries_digest: str = ""  # sha256 of the profile's entries then (changed = out of date)
    start: Certainty
    downgrades: Downgrades = Downgrades()
    upgrades: Upgrades = Upgrades()
    proposed: Certainty  # what follows from the start and the domains
    certainty: Certainty
    override_justification: str = ""
    note: str = ""
    history: list[HistoryEntry] = []

    @field_validator("profile")
    @classmethod
    def _profile(cls, v: str) -> str:
        if not ID_RE.match(v):
            raise ValueError("profile ids are lower-case letters, digits and '-'")
        return v

    @field_validator("reviewer")
    @classmethod
    def _reviewer(cls, v: str) -> str:
        if not REVIEWER_RE.match(v):
            raise ValueError("reviewer names are letters, digits, '.', '_' and '-' "
                             "(at most 64)")
        return v

    @field_validator("opened_at", "submitted_at")
    @classmethod
    def _when(cls, v: str | None) -> str | None:
        return v if v is None else check_timestamp(v)

    @property
    def submitted(self) -> bool:
        return self.status == "submitted"

    def logged(self, action: str, detail: str = "", **update: object) -> Assessment:
        """A copy with ``update`` applied and one more history entry (by its reviewer)."""
        entry = HistoryEntry(at=now(), by=self.reviewer, action=action, detail=detail)
        return self.model_copy(update={**update, "history": [*self.history, entry]})
