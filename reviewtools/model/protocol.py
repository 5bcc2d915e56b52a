"""The review protocol: ``evidence/<slug>/protocol.yaml``, written before the evidence.

Like a PROSPERO or Cochrane protocol, it states the review question in PICO form
(intervention and the related interventions a reviewer may meet, populations,
comparators, outcomes with their direction and importance), the search strategy
as concept blocks, and who reviews and how. Everything review-specific in the
library reads from it: search queries, GRADE indirectness, drafted wording and
the vocabulary of study appraisals.

>>> p = Protocol(review="sauna", question="Does sauna bathing improve health?",
...              intervention=Intervention(name="sauna bathing"))
>>> p.relation_of("sauna bathing"), p.relation_of("something else")
('same', 'different')
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from reviewtools.model.records import SLUG_RE, HistoryEntry, Record

PROTOCOL_VERSION = 1
Relation = Literal["same", "variant", "different"]
ComparatorKind = Literal["no treatment or usual care", "sham or attention control",
                         "active treatment"]
Importance = Literal["critical", "important", "mechanism"]
Direction = Literal["higher is better", "lower is better"]
TeamMode = Literal["single reviewer", "dual independent", "dual independent, blinded"]
OTHER = "other"  # an intervention the protocol does not name: a different intervention
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,40}\Z")

RELATION_LABEL = {
    "same": "the protocol's intervention",
    "variant": "a variant of the protocol's intervention (indirect)",
    "different": "a different intervention (indirect)",
}


def _id(value: str) -> str:
    if not ID_RE.match(value):
        raise ValueError("ids are lower-case letters, digits and '-', e.g. 'usual-care'")
    return value


ProtocolId = Annotated[str, AfterValidator(_id)]  # population, comparator, outcome, profile ids


class RelatedIntervention(Record):
    """An intervention a reviewer may meet in the literature, and how it relates."""

    name: str = Field(min_length=1)
    relation: Relation
    synonyms: list[str] = []
    phrase: str = ""  # how drafted statements name it (default: its name)
    note: str = ""


class Intervention(Record):
    """The intervention the article is about, with its synonyms for searching."""

    name: str = Field(min_length=1)
    synonyms: list[str] = []
    related: list[RelatedIntervention] = []


class Population(Record):
    id: ProtocolId
    description: str = Field(min_length=1)


class Comparator(Record):
    id: ProtocolId
    kind: ComparatorKind
    description: str = ""
    terms: list[str] = []  # words that name this control in study records (for migration)


class MinimalImportantDifference(Record):
    value: float
    unit: str = Field(min_length=1)
    source: str = Field(min_length=1)  # where the MID comes from (a citation or a rationale)


class Outcome(Record):
    """An outcome the review rates, with its direction and its importance (GRADE)."""

    id: ProtocolId
    name: str = Field(min_length=1)
    importance: Importance
    direction: Direction
    terms: list[str] = []  # words that name it in claims and in searches
    mid: MinimalImportantDifference | None = None
    no_mid_reason: str = ""


class ProfileSpec(Record):
    """One body of evidence GRADE rates: an outcome for a comparison (population, time frame)."""

    id: ProtocolId
    outcome: str  # an outcome id of this protocol
    comparator: str  # a comparator id of this protocol
    population: str = ""  # a population id ('' = all the protocol's populations)
    time_frame: str = ""


class ConceptBlock(Record):
    """Terms OR-ed together; blocks are AND-ed."""

    name: str = Field(min_length=1)
    terms: list[str] = Field(min_length=1)


class SearchPlan(Record):
    sources: list[str] = ["pubmed", "europepmc"]
    blocks: list[ConceptBlock] = []
    date_from: str | None = None
    date_to: str | None = None


class ReviewTeam(Record):
    mode: TeamMode = "single reviewer"
    reviewers: list[str] = []
    ai_assistance: str = ""  # what AI assistance was used, by whom, for what


class Protocol(Record):
    """``evidence/<slug>/protocol.yaml``: the question and methods, stated before the evidence."""

    schema_version: int = PROTOCOL_VERSION
    review: str
    revision: int = Field(default=1, ge=1)
    status: Literal["draft", "final"] = "draft"
    written: str = ""
    question: str = Field(min_length=1)
    intervention: Intervention
    populations: list[Population] = []
    comparators: list[Comparator] = []
    outcomes: list[Outcome] = []
    search: SearchPlan = SearchPlan()
    team: ReviewTeam = ReviewTeam()
    profiles: list[ProfileSpec] = []
    note: str = ""
    history: list[HistoryEntry] = []

    @field_validator("review")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not SLUG_RE.match(v):
            raise ValueError("review slugs are lower-case letters, digits and '-'")
        return v

    @model_validator(mode="after")
    def _unique(self) -> Protocol:
        for kind, items in (("population", self.populations), ("comparator", self.comparators),
                            ("outcome", self.outcomes)):
            ids = [i.id for i in items]
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                raise ValueError(f"{kind} ids must be unique: {', '.join(dupes)}")
        outcomes, comparators = {o.id for o in self.outcomes}, {c.id for c in self.comparators}
        populations = {p.id for p in self.populations}
        for spec in self.profiles:
            if spec.outcome not in outcomes or spec.comparator not in comparators or (
                    spec.population and spec.population not in populations):
                raise ValueError(f"profile {spec.id} names an outcome, comparator or "
                                 "population the protocol does not define")
        ids = [s.id for s in self.profiles]
        if len(set(ids)) != len(ids):
            raise ValueError("profile ids must be unique")
        names = [n.lower() for n in self.intervention_names()]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"intervention names must be unique: {', '.join(dupes)}")
        return self

    # ---- interventions --------------------------------------------------------------------
    def intervention_names(self) -> list[str]:
        """The protocol's intervention, then the related ones, by name."""
        return [self.intervention.name, *(r.name for r in self.intervention.related)]

    def _related(self, name: str) -> RelatedIntervention | None:
        wanted = name.strip().lower()
        for r in self.intervention.related:
            if wanted in {r.name.lower(), *(s.lower() for s in r.synonyms)}:
                return r
        return None

    def is_named(self, name: str) -> bool:
        """True if ``name`` is the intervention, a related one, a synonym, or 'other'."""
        wanted = name.strip().lower()
        own = {self.intervention.name.lower(), *(s.lower() for s in self.intervention.synonyms)}
        return wanted in own or wanted == OTHER or self._related(name) is not None

    def relation_of(self, name: str) -> Relation:
        """How the intervention called ``name`` relates to the protocol's (drives indirectness).

        A name the protocol does not know is a different intervention.
        """
        wanted = name.strip().lower()
        own = {self.intervention.name.lower(), *(s.lower() for s in self.intervention.synonyms)}
        if wanted in own:
            return "same"
        related = self._related(name)
        return related.relation if related else "different"

    def phrase_of(self, name: str) -> str:
        """How a drafted statement names the intervention called ``name``."""
        if self.relation_of(name) == "same":
            return self.intervention.name
        related = self._related(name)
        if related is None:
            return self.intervention.name
        return related.phrase or related.name

    def direct_phrase(self) -> str:
        """'X or Y': the intervention and its variants, for reasons that name them."""
        names = [self.intervention.name] + [r.name for r in self.intervention.related
                                            if r.relation in ("same", "variant")]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]

    def profile(self, profile_id: str) -> ProfileSpec:
        for spec in self.profiles:
            if spec.id == profile_id:
                return spec
        raise KeyError(f"no profile '{profile_id}' in the protocol; known: "
                       + ", ".join(s.id for s in self.profiles))

    def comparator(self, comparator_id: str) -> Comparator:
        for c in self.comparators:
            if c.id == comparator_id:
                return c
        raise KeyError(f"no comparator '{comparator_id}' in the protocol")

    # ---- outcomes and searching -----------------------------------------------------------
    def outcome(self, outcome_id: str) -> Outcome:
        for o in self.outcomes:
            if o.id == outcome_id:
                return o
        raise KeyError(f"no outcome '{outcome_id}' in the protocol; known: "
                       + ", ".join(o.id for o in self.outcomes))

    def outcomes_in(self, text: str) -> list[Outcome]:
        """The protocol's outcomes that ``text`` names (by name or one of its terms)."""
        low = text.lower()
        found = []
        for o in self.outcomes:
            words = [o.name, *o.terms]
            if any(re.search(rf"\b{re.escape(w.lower())}", low) for w in words if w.strip()):
                found.append(o)
        return found

    def intervention_terms(self) -> list[str]:
        """Search terms for the intervention block: the protocol's own block, else its names."""
        for block in self.search.blocks:
            if block.name.lower() == "intervention":
                return list(block.terms)
        return list(dict.fromkeys([self.intervention.name, *self.intervention.synonyms]))

    def other_blocks(self) -> list[ConceptBlock]:
        """Concept blocks other than the intervention and outcome ones (e.g. population)."""
        return [b for b in self.search.blocks if b.name.lower() not in ("intervention",
                                                                         "outcome")]


def draft_protocol(review: str, intervention: str, *, reviewer: str, written: str,
                   article_title: str = "") -> Protocol:
    """A protocol to fill in: the question and intervention named, the three standard
    comparators, one general population, the intervention search block, one reviewer.

    Outcomes are left empty on purpose: the reviewer lists them, with their direction and
    importance, before looking at the evidence.
    """
    about = f' the article "{article_title}"' if article_title else " the article"
    return Protocol(
        review=review, status="draft", written=written,
        question=(f"In adults, does {intervention}, compared with no treatment or usual care, "
                  f"with a sham or attention control, or with an active treatment, improve the "
                  f"outcomes{about} claims?"),
        intervention=Intervention(name=intervention, synonyms=[intervention]),
        populations=[Population(id="general", description="Adults, healthy or with any "
                                "condition; named groups are recorded and judged for "
                                "indirectness.")],
        comparators=[
            Comparator(id="usual-care", kind="no treatment or usual care"),
            Comparator(id="sham", kind="sham or attention control"),
            Comparator(id="active", kind="active treatment"),
        ],
        search=SearchPlan(blocks=[ConceptBlock(name="intervention", terms=[intervention])]),
        team=ReviewTeam(reviewers=[reviewer]),
        note="Draft written by `reviewtools new`: list the outcomes (with direction and "
             "importance), the related interventions and the search blocks, then set status "
             "to final before appraising studies.")
