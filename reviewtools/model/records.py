"""Records stored in the evidence folder, validated on load.

One pydantic model per file kind (:class:`ReviewMeta`, :class:`Claim`,
:class:`Study`, :class:`Screening`); nested models hold judgements. Field
order is the on-disk key order, so files diff cleanly. ``extra="forbid"`` makes
an unknown field a validation error that names the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

SCHEMA_VERSION = 2  # 2: claims name evidence profiles; studies list what a review pooled

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}\Z")
CLAIM_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,40}-\d{2,5}(?:[a-z]|-[a-z0-9]{1,8})?\Z")
SHA256_RE = re.compile(r"^[0-9a-f]{64}\Z")
# ISO 8601 date-time as reviewtools writes it (seconds, 'Z' or an offset) or a plain date.
TIMESTAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
                          r"(?:Z|[+-]\d{2}:?\d{2})?)?\Z")
KEY_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_:.-]{0,80}\Z")


def _bib_key(value: str) -> str:
    if not KEY_RE.match(value):
        raise ValueError("must be a references.bib key (letters, digits, _:.-)")
    return value


BibKey = Annotated[str, AfterValidator(_bib_key)]  # a references.bib key

Certainty = Literal["high", "moderate", "low", "very low"]
CERTAINTY_ORDER: tuple[str, ...] = ("very low", "low", "moderate", "high")
CERTAINTY_SYMBOL = {"high": "⊕⊕⊕⊕", "moderate": "⊕⊕⊕◯", "low": "⊕⊕◯◯", "very low": "⊕◯◯◯"}
CERTAINTY_LABEL = {"high": "High", "moderate": "Moderate", "low": "Low", "very low": "Very low"}

Stance = Literal["supports", "contradicts", "mixed", "no effect", "background"]
Directness = Literal["direct", "indirect"]
VerdictValue = Literal[
    "supported", "partly supported", "uncertain", "not supported", "contradicted", "not testable",
    "no evidence",
]
VERDICT_LABEL = {
    "supported": "Supported",
    "partly supported": "Partly supported",
    "uncertain": "Uncertain (insufficient evidence)",
    "not supported": "Not supported",
    "contradicted": "Contradicted",
    "not testable": "Not testable",
    "no evidence": "No evidence found",
}
# "not a claim": a sentence of a kind that is not a health or harm claim (advice, marketing,
# ...), kept with the kind as the reason and promotable; "split": a compound sentence whose
# parts are the claims (a container: no verdict of its own, counted once through its parts).
Status = Literal["to-do", "in review", "reviewed", "disputed", "dropped", "not a claim", "split"]
NOT_CLAIM_STATUSES: tuple[str, ...] = ("dropped", "not a claim", "split")
Flag = Literal["evidence-appeal", "promotional", "hedged", "assertive", "mechanistic", "vague",
               "compound", "absolute", "weak-hedge"]
# What a sentence of the article is (reviewtools.claims.kinds decides; the reviewer can promote).
Kind = Literal["health-claim", "harm-claim", "description", "advice", "marketing", "testimonial",
               "meta", "citation"]
CLAIM_KINDS: tuple[str, ...] = ("health-claim", "harm-claim")
KIND_LABEL = {
    "health-claim": "health claim", "harm-claim": "harm or safety claim",
    "description": "description of the intervention", "advice": "advice",
    "marketing": "marketing", "testimonial": "testimonial or anecdote",
    "meta": "meta or transition", "citation": "citation or boilerplate",
}
Origin = Literal["extracted", "split", "merged", "added"]
Design = Literal[
    "systematic review with meta-analysis", "systematic review", "RCT", "non-randomised trial",
    "cohort", "case-control", "cross-sectional", "case series", "mechanistic/laboratory",
    "narrative review", "expert opinion",
]
# The intervention a study tested, by a name in the review's protocol (its intervention,
# a related one, or "other"); how it relates to the question comes from the protocol.
InterventionCategory = str
RiskOfBias = Literal["low", "some concerns", "high"]
DOWNGRADE_DOMAINS = (
    "risk_of_bias", "inconsistency", "indirectness", "imprecision", "publication_bias",
)
UPGRADE_DOMAINS = ("large_effect", "dose_response", "plausible_confounding")


def now() -> str:
    """Current UTC time as an ISO 8601 string with seconds precision."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def check_timestamp(value: str) -> str:
    """``value`` if it is an ISO 8601 date or date-time (as :func:`now` writes), else
    ValueError: a stamp like 'yesterday' would break every export that sorts or prints it."""
    if not isinstance(value, str) or not TIMESTAMP_RE.match(value):
        raise ValueError("must be an ISO 8601 time like '2026-11-24T10:00:00Z'")
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("must be an ISO 8601 time like '2026-11-24T10:00:00Z' "
                         "(no such date)") from None
    return value


def timestamp_value(value: str) -> datetime:
    """A validated timestamp as an aware datetime (a plain date or no zone means UTC)."""
    when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=UTC)


#: How far past the current time a recorded time may be before it counts as "in the future"
#: (a reviewer's clock set wrong): exports ignore such times and ``check`` reports them.
FUTURE_SLACK = timedelta(days=1)


def is_future(value: str) -> bool:
    """True if the validated timestamp ``value`` lies beyond now + :data:`FUTURE_SLACK`."""
    return timestamp_value(value) > datetime.now(UTC) + FUTURE_SLACK


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Anchor(Record):
    """W3C TextPositionSelector + TextQuoteSelector on the article snapshot."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    prefix: str = ""
    suffix: str = ""
    state: Literal["exact", "fuzzy", "orphaned"] = "exact"


class HistoryEntry(Record):
    at: str
    by: str
    action: str
    detail: str = ""

    @field_validator("at")
    @classmethod
    def _when(cls, v: str) -> str:
        return check_timestamp(v)


class Link(Record):
    """One claim-study link: which study, which way it points, and the quote that shows it."""

    key: BibKey
    stance: Stance
    outcome: str
    directness: Directness
    quote: str = Field(min_length=1)
    note: str = ""
    by: str
    at: str

    @field_validator("at")
    @classmethod
    def _when(cls, v: str) -> str:
        return check_timestamp(v)


class DomainRating(Record):
    levels: int = Field(default=0, ge=0, le=2)
    reason: str = ""


class Downgrades(Record):
    risk_of_bias: DomainRating = DomainRating()
    inconsistency: DomainRating = DomainRating()
    indirectness: DomainRating = DomainRating()
    imprecision: DomainRating = DomainRating()
    publication_bias: DomainRating = DomainRating()


class Upgrades(Record):
    large_effect: DomainRating = DomainRating()
    dose_response: DomainRating = DomainRating()
    plausible_confounding: DomainRating = DomainRating()


class Grade(Record):
    """GRADE certainty for one claim's body of evidence, with every reason."""

    start: Certainty
    start_reason: str = ""
    downgrades: Downgrades = Downgrades()
    upgrades: Upgrades = Upgrades()
    proposed: Certainty
    certainty: Certainty
    override_justification: str = ""
    note: str = ""
    by: str
    at: str

    @field_validator("at")
    @classmethod
    def _when(cls, v: str) -> str:
        return check_timestamp(v)


class Verdict(Record):
    value: VerdictValue
    overstated: bool = False
    reason: str = ""
    by: str
    at: str

    @field_validator("at")
    @classmethod
    def _when(cls, v: str) -> str:
        return check_timestamp(v)


class Assessment(Record):
    """One reviewer's independent judgement of a claim (dual review)."""

    grade: Grade | None = None
    verdict: Verdict | None = None


class Resolution(Record):
    by: str
    at: str
    note: str = Field(min_length=1)

    @field_validator("at")
    @classmethod
    def _when(cls, v: str) -> str:
        return check_timestamp(v)


class Claim(Record):
    """One checkable claim of the article, with its anchor and every judgement about it."""

    schema_version: int = SCHEMA_VERSION
    id: str
    revision: int = Field(default=1, ge=1)
    section: str
    text: str = Field(min_length=1)
    anchor: Anchor
    flags: list[Flag] = []
    parent: str | None = None
    origin: Origin = "extracted"
    status: Status = "to-do"
    drop_reason: str = ""
    searched: list[str] = []
    no_studies_found: bool = False
    links: list[Link] = []
    assessments: dict[str, Assessment] = {}
    grade: Grade | None = None
    verdict: Verdict | None = None
    not_testable_reason: str = ""
    resolution: Resolution | None = None
    statement: str = ""
    profiles: list[str] = []  # the evidence profiles (outcome x comparison) the wording asserts
    kind: Kind | None = None  # what the sentence is (None: recorded before sentence kinds)
    kind_rule: str = ""  # the rule or feature that decided the kind
    topic: str = ""  # outcome topic, for articles without headings (reviewtools.claims.topics)
    anchor_text: str = ""  # the article's words at the anchor when ``text`` is the reviewer's
    history: list[HistoryEntry] = []

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not CLAIM_ID_RE.match(v):
            raise ValueError("claim ids look like 'sleep-04' or 'sleep-04a'")
        return v

    @property
    def certainty(self) -> str | None:
        return self.grade.certainty if self.grade else None

    @property
    def is_claim(self) -> bool:
        """THE rule for what counts as a claim in every figure, table and export: not dropped,
        not a sentence of another kind ("not a claim"), not a split container ("split")."""
        return self.status not in NOT_CLAIM_STATUSES

    @property
    def is_container(self) -> bool:
        """A compound sentence split into parts: its parts are the claims."""
        return self.status == "split"

    @property
    def sentence(self) -> str:
        """The id of the article sentence this claim comes from (a split part's parent)."""
        return self.parent or self.id

    @property
    def quote(self) -> str:
        """The article's own words at the anchor (``text`` unless the reviewer reworded it)."""
        return self.anchor_text or self.text

    def logged(self, by: str, action: str, detail: str = "", **update: object) -> Claim:
        """A copy with ``update`` applied and one more history entry (who, what, when)."""
        entry = HistoryEntry(at=now(), by=by, action=action, detail=detail)
        return self.model_copy(update={**update, "history": [*self.history, entry]})


def claims_only(claims: Iterable[Claim]) -> list[Claim]:
    """The records that count as claims (:attr:`Claim.is_claim`), in the order given."""
    return [c for c in claims if c.is_claim]


def appeal_count(claims: Iterable[Claim]) -> int:
    """Sentences that appeal to unnamed evidence, each counted once (a split sentence's
    parts share its appeal)."""
    return len({c.sentence for c in claims if c.is_claim and "evidence-appeal" in c.flags})


def sentence_count(claims: Iterable[Claim]) -> int:
    """Article sentences behind the claims (a split sentence counts once)."""
    return len({c.sentence for c in claims if c.is_claim})


class Section(Record):
    slug: str
    heading: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class ReviewMeta(Record):
    """``evidence/<slug>/review.yaml``: the article under review and its snapshot."""

    schema_version: int = SCHEMA_VERSION
    slug: str
    title: str
    source: str
    media_type: str
    retrieved: str
    sha256: str
    snapshot: str = "article.txt"
    url: str = ""  # where the article was published, when known (never guessed)
    sections: list[Section] = []
    segmenter: str = ""
    methods: str = ""
    reviewers: list[str] = []
    revision: int = Field(default=1, ge=1)

    @field_validator("slug")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not SLUG_RE.match(v):
            raise ValueError("review slugs are lower-case letters, digits and '-'")
        return v

    @field_validator("sha256")
    @classmethod
    def _sha256(cls, v: str) -> str:
        if not SHA256_RE.match(v):
            raise ValueError("must be 64 lower-case hexadecimal digits (a SHA-256 digest)")
        return v

    @field_validator("retrieved")
    @classmethod
    def _when(cls, v: str) -> str:
        return check_timestamp(v)


class Effect(Record):
    outcome: str
    measure: str
    value: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    text: str = ""


class RiskOfBiasRecord(Record):
    overall: RiskOfBias
    reasons: str = Field(min_length=1)
    domains: dict[str, RiskOfBias] = {}


class Study(Record):
    """``evidence/studies/<key>.yaml``: the appraisal of one study, shared by all claims."""

    schema_version: int = SCHEMA_VERSION
    key: BibKey
    revision: int = Field(default=1, ge=1)
    design: Design
    review_of: list[Design] = []
    includes: list[str] = []  # for a review: the bib keys of the studies it pooled
    population: str
    intervention: str
    intervention_category: InterventionCategory
    comparator: str = ""
    outcomes: list[str] = []
    n: int | None = Field(default=None, ge=0)
    n_unit: Literal["participants", "studies"] = "participants"
    effects: list[Effect] = []
    risk_of_bias: RiskOfBiasRecord
    funding: str = ""
    finding: str = ""
    appraised_by: str
    appraised_at: str
    history: list[HistoryEntry] = []

    @field_validator("appraised_at")
    @classmethod
    def _when(cls, v: str) -> str:
        return check_timestamp(v)


class ScreeningDecision(Record):
    id: str
    title: str = ""
    year: int | None = None
    decision: Literal["include", "exclude", "maybe"]
    reason: str = ""
    by: str
    at: str

    @field_validator("at")
    @classmethod
    def _when(cls, v: str) -> str:
        return check_timestamp(v)


class SearchRun(Record):
    query: str
    source: str
    date: str
    count: int = Field(ge=0)
    ids: list[str] = []
    note: str = ""


class Screening(Record):
    """``evidence/<slug>/screening/<claim>.yaml``: searches and screening decisions."""

    schema_version: int = SCHEMA_VERSION
    claim: str
    revision: int = Field(default=1, ge=1)
    searches: list[SearchRun] = []
    decisions: list[ScreeningDecision] = []


MODELS: dict[str, type[Record]] = {
    "review": ReviewMeta,
    "claim": Claim,
    "study": Study,
    "screening": Screening,
}
