"""Calibrated wording: GRADE informative statements from certainty x direction."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewtools.export.wording import (
    DIRECTIONS,
    direction,
    draft_statement,
    drafted,
    join_phrases,
    outcome_phrase,
    statement,
    verb_for,
)
from reviewtools.model.protocol import Intervention, Outcome, Protocol
from reviewtools.model.records import Anchor, Claim, Grade, Link, Study, Verdict
from reviewtools.store.files import load_record
from tests.conftest import PROTOCOL

SHIPPED = load_record(PROTOCOL, Protocol)

TABLE = [
    ("high", "supports", "pain", "Foot massage reduces pain."),
    ("moderate", "supports", "pain", "Foot massage probably reduces pain."),
    ("low", "supports", "pain", "Foot massage may reduce pain."),
    ("very low", "supports", "pain",
     "The evidence is very uncertain about the effect of foot massage on pain."),
    ("high", "supports", "sleep quality", "Foot massage improves sleep quality."),
    ("moderate", "supports", "sleep quality", "Foot massage probably improves sleep quality."),
    ("low", "supports", "sleep quality", "Foot massage may improve sleep quality."),
    ("high", "contradicts", "anxiety", "Foot massage does not reduce anxiety."),
    ("moderate", "contradicts", "anxiety", "Foot massage probably does not reduce anxiety."),
    ("low", "contradicts", "anxiety", "Foot massage may not reduce anxiety."),
    ("very low", "contradicts", "anxiety",
     "The evidence is very uncertain about the effect of foot massage on anxiety."),
    ("high", "no effect", "blood flow",
     "Foot massage results in little to no difference in blood flow."),
    ("moderate", "no effect", "blood flow",
     "Foot massage probably results in little to no difference in blood flow."),
    ("low", "no effect", "blood flow",
     "Foot massage may result in little to no difference in blood flow."),
    ("very low", "no effect", "blood flow",
     "The evidence is very uncertain about the effect of foot massage on blood flow."),
    ("high", "mixed", "mood", "Foot massage improves mood in some studies but not in others."),
    ("moderate", "mixed", "mood",
     "Foot massage probably improves mood in some studies but not in others."),
    ("low", "mixed", "mood", "Foot massage may improve mood in some studies but not in others."),
    ("very low", "mixed", "mood",
     "The evidence is very uncertain about the effect of foot massage on mood."),
    ("low", "none", "mood",
     "The evidence is very uncertain about the effect of foot massage on mood."),
]


@pytest.mark.parametrize(("certainty", "direction_", "outcome", "expected"), TABLE)
def test_certainty_by_direction_table(certainty, direction_, outcome, expected):
    assert draft_statement(certainty, direction_, outcome, "foot massage") == expected


def test_every_certainty_and_direction_is_covered():
    covered = {(c, d) for c, d, _, _ in TABLE}
    for certainty in ("high", "moderate", "low", "very low"):
        for d in ("supports", "contradicts", "no effect", "mixed"):
            assert (certainty, d) in covered


def test_special_cases():
    assert draft_statement(None, "none", "", no_studies=True) == \
        "No studies were found that tested this claim."
    assert draft_statement(None, "none", "sleep", "foot reflexology", no_studies=True) == \
        "No studies were found that tested the effect of foot reflexology on sleep."
    assert draft_statement(None, "none", "", not_testable_reason="no outcome named.") == \
        "This claim cannot be tested against studies: no outcome named."
    assert draft_statement(None, "supports", "pain") == \
        "The evidence for this claim has not been graded yet."
    with pytest.raises(ValueError, match="unknown direction"):
        draft_statement("high", "sideways", "pain")


def test_several_outcomes_get_their_own_verbs_and_a_cap():
    assert draft_statement("low", "supports", ["sleep quality", "insomnia severity"],
                           "foot massage") == \
        "Foot massage may improve sleep quality and reduce insomnia severity."
    assert draft_statement("high", "supports", ["pain", "mood", "anxiety"], "foot massage") == \
        "Foot massage reduces pain and anxiety and improves mood."
    assert draft_statement("moderate", "contradicts", ["mood", "pain"], "foot massage") == \
        "Foot massage probably does not improve mood or reduce pain."
    assert draft_statement("low", "mixed", ["a", "b", "c", "d", "e"], "foot massage") == \
        "Foot massage may improve a, b and c (and 2 other outcomes) in some studies but not " \
        "in others."
    assert draft_statement("very low", "supports", ["a", "b", "c", "d"], "foot massage") == \
        "The evidence is very uncertain about the effect of foot massage on a, b and c " \
        "(and 1 other outcome)."
    assert draft_statement("low", "supports", [], "foot massage") == \
        "Foot massage may improve the claimed outcome."


def test_direction_from_stances():
    assert direction([]) == "none"
    assert direction(["background"]) == "none"
    assert direction(["supports", "background", "supports"]) == "supports"
    assert direction(["no effect"]) == "no effect"
    assert direction(["contradicts"]) == "contradicts"
    assert direction(["supports", "no effect"]) == "mixed"
    assert direction(["mixed"]) == "mixed"
    assert set(DIRECTIONS) >= {"supports", "contradicts", "no effect", "mixed", "none"}


def test_verb_follows_the_outcome():
    assert verb_for("Pain intensity").base == "reduce"
    assert verb_for("state anxiety (STAI)").base == "reduce"
    assert verb_for("sleep quality").base == "improve"
    assert join_phrases(["pain", "Pain", "sleep", "mood"]) == "pain, sleep and mood"


def _claim(**kw) -> Claim:
    base = dict(id="sleep-01", section="sleep", text="Foot massage cures insomnia.",
                anchor=Anchor(start=0, end=10))
    return Claim(**{**base, **kw})


def _link(key, stance, outcome, directness="direct"):
    return Link(key=key, stance=stance, outcome=outcome, directness=directness, quote="q",
                by="ann", at="2026-01-01T00:00:00Z")


def _grade(certainty):
    return Grade(start="high", proposed=certainty, certainty=certainty, by="ann",
                 at="2026-01-01T00:00:00Z")


def test_claim_statement_uses_links_and_grade_and_prefers_the_reviewer():
    claim = _claim(links=[_link("a", "supports", "sleep quality", "indirect"),
                          _link("b", "supports", "sleep onset latency"),
                          _link("c", "background", "physiology")],
                   grade=_grade("moderate"))
    assert outcome_phrase(claim) == "sleep onset latency and sleep quality"  # direct first
    claim.links[0].directness = "direct"
    assert outcome_phrase(claim) == "sleep quality and sleep onset latency"
    assert drafted(claim) == \
        "The intervention probably improves sleep quality and sleep onset latency."
    assert drafted(claim, protocol=SHIPPED) == \
        "Foot massage probably improves sleep quality and sleep onset latency."
    edited = claim.model_copy(update={"statement": "  Foot massage may help some people sleep. "})
    assert statement(edited) == "Foot massage may help some people sleep."
    assert drafted(edited) == drafted(claim)


def test_claim_not_testable_and_no_studies():
    vague = _claim(verdict=Verdict(value="not testable", reason="names no outcome", by="ann",
                                   at="2026-01-01T00:00:00Z"))
    assert statement(vague) == "This claim cannot be tested against studies: names no outcome."
    none = _claim(no_studies_found=True, searched=["foot massage insomnia"])
    assert statement(none) == "No studies were found that tested this claim."


_CERT = st.sampled_from(["high", "moderate", "low", "very low"])
_DIR = st.sampled_from(["supports", "contradicts", "no effect", "mixed", "none"])
_OUTCOME = st.text(st.characters(codec="utf-8", categories=["L", "N", "Zs", "P"]),
                   min_size=1, max_size=40).filter(lambda s: s.strip())


@given(_CERT, _DIR, _OUTCOME)
def test_hedge_matches_certainty(certainty, direction_, outcome):
    text = draft_statement(certainty, direction_, outcome)
    assert text[0].isupper() or not text[0].isalpha()
    assert text.endswith((".", "!", "?"))
    assert " ".join(outcome.split()) in text
    if certainty == "very low" or direction_ == "none":
        assert text.startswith("The evidence is very uncertain")
    elif certainty == "high":
        assert " may " not in text.replace(outcome, "") and "probably" not in text.replace(
            outcome, "")
    elif certainty == "moderate":
        assert " probably " in text
    else:
        assert " may " in text


def test_the_protocol_names_the_intervention_and_the_direction_of_its_outcomes():
    kava = Protocol(review="kava", question="Does kava help?",
                    intervention=Intervention(name="kava extract"),
                    outcomes=[Outcome(id="hdl", name="HDL cholesterol", importance="important",
                                      direction="higher is better"),
                              Outcome(id="craving", name="craving", importance="critical",
                                      direction="lower is better", terms=["cravings"])])
    claim = _claim(links=[_link("a", "supports", "cravings", "direct")], grade=_grade("low"))
    assert drafted(claim, protocol=kava) == "Kava extract may reduce cravings."
    # the general list would have said "improve"; the protocol says less craving is better
    assert verb_for("cravings").base == "improve"
    assert verb_for("cravings", kava).base == "reduce"
    assert verb_for("HDL cholesterol", kava).base == "improve"


def test_a_study_of_a_related_intervention_is_named_as_the_protocol_names_it():
    claim = _claim(links=[_link("a", "supports", "pain", "direct")], grade=_grade("moderate"))
    study = Study(key="a", design="RCT", population="adults", intervention="x",
                  intervention_category="foot reflexology",
                  risk_of_bias={"overall": "low", "reasons": "x"}, appraised_by="t",
                  appraised_at="2026-01-01T00:00:00Z")
    assert drafted(claim, {"a": study}, protocol=SHIPPED) == \
        "Foot reflexology probably reduces pain."
    other = study.model_copy(update={"intervention_category": "whole-body massage"})
    assert drafted(claim, {"a": other}, protocol=SHIPPED) == "Massage probably reduces pain."
