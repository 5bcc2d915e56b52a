"""Records for evidence profiles: one study's result for one outcome and comparison, and the
reviewer's answers and decisions that risk-of-bias assessments are built from.

These are plain, immutable records (record in, record out): the appraisal and grading stages
take them and return new records; nothing here reads or writes files.

* :class:`OutcomeResult` is one study's effect estimate for one outcome, one comparison and
  one time point, as reported (or computed by the reviewer from reported numbers). An unknown
  number of participants or events is ``None``, never 0.
* :class:`Answer` is the answer to one signalling question (RoB 2, ROBINS-I) or item
  (AMSTAR 2), always with the reviewer's reason.
* :class:`Decision` is a reviewer's judgement where a tool's rules leave it open or allow an
  override, again always with a reason.

Imports nothing from reviewtools but :mod:`reviewtools.model.records`.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from reviewtools.model.records import BibKey

Measure = Literal["MD", "SMD", "RR", "OR", "HR", "RD"]
MEASURE_LABEL: dict[str, str] = {
    "MD": "mean difference",
    "SMD": "standardised mean difference",
    "RR": "risk ratio",
    "OR": "odds ratio",
    "HR": "hazard ratio",
    "RD": "risk difference",
}
RATIO_MEASURES = frozenset({"RR", "OR", "HR"})
AnswerCode = Literal["Y", "PY", "PN", "N", "NI", "NA", "NMA"]
ANSWER_LABEL: dict[str, str] = {
    "Y": "yes", "PY": "probably yes (AMSTAR 2: partial yes)", "PN": "probably no", "N": "no",
    "NI": "no information", "NA": "not applicable", "NMA": "no meta-analysis conducted",
}


class EvidenceRecord(BaseModel):
    """Immutable, strict: an unknown field is an error that names the field."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _reason(v: str) -> str:
    if not v.strip():
        raise ValueError("a reason is required (say what in the report supports this)")
    return v.strip()


class Answer(EvidenceRecord):
    """The answer to one signalling question or item, with the reviewer's reason."""

    code: AnswerCode
    reason: str

    @field_validator("reason")
    @classmethod
    def _has_reason(cls, v: str) -> str:
        return _reason(v)


class Decision(EvidenceRecord):
    """A reviewer's judgement where the tool leaves one open or allows an override."""

    rating: str
    reason: str
    by: str = Field(min_length=1)

    @field_validator("reason")
    @classmethod
    def _has_reason(cls, v: str) -> str:
        return _reason(v)


class OutcomeResult(EvidenceRecord):
    """One study's effect estimate for one outcome, comparison and time point.

    ``value``/``ci_low``/``ci_high`` are on the natural scale (a risk ratio of 0.8, not its
    log). ``se`` is on the analysis scale (the log scale for ratio measures) when the study
    reports it. Arm-level means and SDs may be given instead of an effect for continuous
    outcomes, so a standardised mean difference can be computed.
    """

    study: BibKey
    outcome: str = Field(min_length=1)
    comparison: str = Field(min_length=1)
    timepoint: str = ""
    measure: Measure
    value: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    se: float | None = Field(default=None, gt=0)
    p: float | None = Field(default=None, ge=0, le=1)
    n_intervention: int | None = Field(default=None, ge=1)
    n_control: int | None = Field(default=None, ge=1)
    events_intervention: int | None = Field(default=None, ge=0)
    events_control: int | None = Field(default=None, ge=0)
    mean_intervention: float | None = None
    sd_intervention: float | None = Field(default=None, gt=0)
    mean_control: float | None = None
    sd_control: float | None = Field(default=None, gt=0)
    source: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> OutcomeResult:
        if (self.ci_low is None) != (self.ci_high is None):
            raise ValueError("give both ends of the confidence interval, or neither")
        if self.ci_low is not None and self.ci_high is not None:
            if self.ci_low > self.ci_high:
                raise ValueError(f"ci_low {self.ci_low} is above ci_high {self.ci_high}")
            if self.value is not None and not self.ci_low <= self.value <= self.ci_high:
                raise ValueError(f"value {self.value} lies outside its CI "
                                 f"[{self.ci_low}, {self.ci_high}]")
        if self.measure in RATIO_MEASURES:
            for name in ("value", "ci_low", "ci_high"):
                x = getattr(self, name)
                if x is not None and not (x > 0 and math.isfinite(x)):
                    raise ValueError(f"{name} of a {MEASURE_LABEL[self.measure]} must be > 0")
        for arm in ("intervention", "control"):
            events, n = getattr(self, f"events_{arm}"), getattr(self, f"n_{arm}")
            if events is not None and n is not None and events > n:
                raise ValueError(f"events_{arm} ({events}) exceeds n_{arm} ({n})")
        return self

    @property
    def n_total(self) -> int | None:
        """Participants in both arms, or None when either arm's number is unknown."""
        if self.n_intervention is None or self.n_control is None:
            return None
        return self.n_intervention + self.n_control

    @property
    def label(self) -> str:
        when = f" at {self.timepoint}" if self.timepoint else ""
        return f"{self.study}: {self.outcome}{when} ({self.comparison})"
