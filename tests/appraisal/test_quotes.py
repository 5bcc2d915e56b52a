"""The quote matcher: typography forgiven, words and numbers never."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reviewtools.appraisal.quotes import nearest_passage, normalise, quote_in, quote_problem
from reviewtools.literature.importers import read_file
from tests.conftest import FIXTURES

# a real abstract: the first record of the recorded PubMed export
ABSTRACT = read_file(FIXTURES / "import" / "pubmed_medline_export_10_records.txt") \
    .records[0].abstract


def test_exact_and_typographic_variants_match():
    quote = "birds are living dinosaurs"
    assert quote_in(quote, ABSTRACT)
    assert quote_in("birds  are\nliving dinosaurs", ABSTRACT)
    assert quote_in("\u2018lizard\u2011like\u2019 genome structure of 2n = 36\u201346",
                    ABSTRACT)
    assert quote_in("2n=36 - 46", ABSTRACT)


def test_one_changed_word_or_number_does_not_match():
    assert not quote_in("birds are living mammals", ABSTRACT)
    assert not quote_in("2n = 36-47", ABSTRACT)
    assert not quote_in("", ABSTRACT)


def test_section_labels_are_ignored():
    source = "BACKGROUND: Foot massage is common.\nMethods\nWe ran a trial. RESULTS: It helped."
    assert quote_in("Foot massage is common. We ran a trial. It helped.", source)
    assert quote_in("common. Methods: We ran a trial.", source)
    assert normalise("Conclusions: x") == "x"


def test_ellipsis_parts_must_appear_in_order():
    assert quote_in("birds are living dinosaurs ... extinction event", ABSTRACT)
    assert not quote_in("extinction event ... birds are living dinosaurs", ABSTRACT)


def test_problem_names_the_nearest_passage():
    message = quote_problem("birds are living mammals, the latest example", ABSTRACT)
    assert message is not None and "birds are living dinosaurs" in message
    assert quote_problem("birds are living dinosaurs", ABSTRACT) is None
    assert nearest_passage("x", "").passage == ""


@given(st.integers(0, len(ABSTRACT) - 40), st.integers(10, 40))
def test_every_passage_of_the_abstract_matches_itself(start, length):
    passage = ABSTRACT[start:start + length]
    if normalise(passage):
        assert quote_in(passage.strip(), ABSTRACT)
