"""Compound claims (reviewtools.claims.compound): detection and the proposed split, on
sentences of the gold pages (tests/data/gold), and odd input (hypothesis)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reviewtools.claims.compound import is_compound, propose_split

FOUR = ("Regular use of a sauna has been shown to improve circulation and lower the risk of high "
        "blood pressure, heart disease, and stroke.")
CHAIN = ("This is because the heat and steam in a sauna can cause your blood vessels to dilate, "
         "which can lower your heart rate and blood pressure.")


def test_four_outcomes_make_four_self_contained_parts():
    parts = propose_split(FOUR)
    assert [p.text for p in parts] == [
        "Regular use of a sauna has been shown to improve circulation.",
        "Regular use of a sauna has been shown to lower the risk of high blood pressure.",
        "Regular use of a sauna has been shown to lower the risk of heart disease.",
        "Regular use of a sauna has been shown to lower the risk of stroke.",
    ]
    assert [FOUR[p.start:p.end] for p in parts] == [
        "improve circulation", "high blood pressure", "heart disease", "stroke"]


def test_a_causal_chain_is_split_at_its_links():
    parts = [p.text for p in propose_split(CHAIN)]
    assert parts[0] == "The heat and steam in a sauna can cause your blood vessels to dilate."
    assert "The heat and steam in a sauna can lower your heart rate." in parts
    assert is_compound(CHAIN)


def test_one_outcome_is_not_compound():
    assert not is_compound("Saunas can also help to improve respiratory health.")
    assert propose_split("Lastly, saunas have been found to promote better sleep.") == []


def test_every_part_reads_as_a_sentence():
    for text in (FOUR, CHAIN, "Cold water tightens pores, reduces inflammation, and seals hair "
                 "cuticles leading to healthier skin and shinier hair."):
        for p in propose_split(text):
            assert p.text[0].isupper() and p.text.endswith(".")
            assert len(p.text.split()) >= 3


@given(st.text(max_size=300))
def test_odd_text_never_crashes_and_spans_stay_inside(text):
    for p in propose_split(text):
        assert 0 <= p.start <= p.end <= len(text)
        assert p.text.endswith(".")
