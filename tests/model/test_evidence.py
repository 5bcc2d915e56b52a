"""Evidence records: unknown numbers stay unknown, impossible numbers are refused."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from reviewtools.model.evidence import Decision, OutcomeResult


def result(**kw) -> OutcomeResult:
    base = dict(study="Syn2020", outcome="pain", comparison="massage vs rest", measure="MD")
    return OutcomeResult(**{**base, **kw})


def test_unknown_n_is_none_not_zero():
    r = result(n_intervention=12)
    assert r.n_control is None and r.n_total is None
    assert result(n_intervention=12, n_control=10).n_total == 22


@pytest.mark.parametrize(("kw", "message"), [
    (dict(value=3.0, ci_low=0.0, ci_high=2.0), "outside its CI"),
    (dict(value=1.0, ci_low=2.0, ci_high=0.0), "above ci_high"),
    (dict(value=1.0, ci_low=0.5), "both ends"),
    (dict(measure="RR", value=0.0, ci_low=0.0, ci_high=1.0), "must be > 0"),
    (dict(n_intervention=10, events_intervention=11), "exceeds n_intervention"),
    (dict(n_control=0), "greater than or equal to 1"),
    (dict(study="not a key!"), "references.bib key"),
    (dict(measure="NNT"), "Input should be"),
])
def test_impossible_results_are_refused(kw, message):
    with pytest.raises(ValidationError, match=message):
        result(**kw)


def test_records_are_immutable_and_strict():
    r = result(value=1.0)
    with pytest.raises(ValidationError):
        r.value = 2.0  # type: ignore[misc]
    with pytest.raises(ValidationError, match="Extra inputs"):
        result(effect_size=1.0)


def test_a_decision_needs_a_reason_and_a_reviewer():
    with pytest.raises(ValidationError, match="a reason is required"):
        Decision(rating="high", reason=" ", by="AB")
    with pytest.raises(ValidationError):
        Decision(rating="high", reason="why", by="")
