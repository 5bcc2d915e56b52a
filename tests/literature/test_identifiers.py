"""Identifier parsing: every accepted form, clear rejections, and properties."""

from __future__ import annotations

import string
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reviewtools.errors import IdentifierError
from reviewtools.literature.identifiers import Identifier, parse_identifier, parse_identifiers

DOI = "10.1371/journal.pone.0033693"


@pytest.mark.parametrize("text", [
    DOI,
    "10.1371/JOURNAL.PONE.0033693",
    f"doi:{DOI}",
    f"DOI: {DOI}",
    f"  doi:{DOI}  ",
    f"https://doi.org/{DOI}",
    f"http://dx.doi.org/{DOI}",
    f"HTTPS://DX.DOI.ORG/{DOI.upper()}",
    "https://doi.org/10.1371%2Fjournal.pone.0033693",
    f"doi.org/{DOI}",
    f"doi:https://doi.org/{DOI}",
    f"{DOI}.",
])
def test_doi_forms(text):
    assert parse_identifier(text) == Identifier("doi", DOI)


@pytest.mark.parametrize("text, expected", [
    ("28731372", "pmid:28731372"),
    ("pmid:28731372", "pmid:28731372"),
    ("PMID: 28731372", "pmid:28731372"),
    ("https://pubmed.ncbi.nlm.nih.gov/28731372/", "pmid:28731372"),
    ("pubmed.ncbi.nlm.nih.gov/28731372", "pmid:28731372"),
    ("https://www.ncbi.nlm.nih.gov/pubmed/28731372", "pmid:28731372"),
    ("https://europepmc.org/article/MED/28731372", "pmid:28731372"),
    ("https://europepmc.org/abstract/MED/28731372?x=1#top", "pmid:28731372"),
    ("PMC6108041", "pmcid:PMC6108041"),
    ("pmc6108041", "pmcid:PMC6108041"),
    ("pmcid:PMC6108041", "pmcid:PMC6108041"),
    ("pmcid: 6108041", "pmcid:PMC6108041"),
    ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC6108041/", "pmcid:PMC6108041"),
    ("https://pmc.ncbi.nlm.nih.gov/articles/PMC6108041/", "pmcid:PMC6108041"),
    ("https://europepmc.org/article/PMC/PMC6108041", "pmcid:PMC6108041"),
    ("https://europepmc.org/article/pmc/pmc6108041", "pmcid:PMC6108041"),
])
def test_pubmed_and_pmc_forms(text, expected):
    assert str(parse_identifier(text)) == expected


def test_percent_encoded_url_with_percent_in_doi_is_stable():
    ident = parse_identifier("https://doi.org/10.1000/a%2541")
    assert ident.value == "10.1000/a%41"
    assert parse_identifier(str(ident)) == ident  # not decoded a second time


@pytest.mark.parametrize("text, words", [
    ("", "empty"),
    ("   ", "empty"),
    ("10.1/x", "not a valid DOI"),
    ("10.1371/", "not a valid DOI"),
    ("10.1371/has space", "not a valid DOI"),
    ("doi:", "not a valid DOI"),
    ("pmid:abc", "not a valid PMID"),
    ("pmid:0", "not a valid PMID"),
    ("1234567890", "not a valid PMID"),
    ("PMC", "not a valid PMCID"),
    ("PMCabc", "not a valid PMCID"),
    ("https://example.org/10.1371/x", "not a doi.org, PubMed"),
    ("https://pubmed.ncbi.nlm.nih.gov/", "not a doi.org, PubMed"),
    ("https://pubmed.ncbi.nlm.nih.gov/abc/", "not a valid PMID"),
    ("ftp://doi.org/10.1371/x", "not a DOI, PMID or PMCID"),
    ("hello world", "not a DOI, PMID or PMCID"),
    ("x" * 2000, "longer than"),
])
def test_rejections_say_what_is_wrong(text, words):
    with pytest.raises(IdentifierError) as info:
        parse_identifier(text)
    message = str(info.value)
    assert words in message
    assert "expected e.g." in message  # and what a good one looks like


def test_parse_identifiers_reports_all_problems_without_raising():
    ok, bad = parse_identifiers([DOI, "nonsense", "28731372", f"doi:{DOI.upper()}", "PMC0"])
    assert [str(i) for i in ok] == [f"doi:{DOI}", "pmid:28731372"]  # duplicate dropped
    assert [text for text, _ in bad] == ["nonsense", "PMC0"]
    assert all(problem for _, problem in bad)


def test_parse_identifiers_survives_non_strings():
    ok, bad = parse_identifiers([None, 12, DOI])  # type: ignore[list-item]
    assert [i.kind for i in ok] == ["doi"]
    assert len(bad) == 2


def test_str_and_url():
    ident = parse_identifier("PMC6108041")
    assert str(ident) == "pmcid:PMC6108041"
    assert ident.url == "https://pmc.ncbi.nlm.nih.gov/articles/PMC6108041/"
    assert parse_identifier(DOI).url == f"https://doi.org/{DOI}"


# -- properties -------------------------------------------------------------------------

doi_suffix = st.text(alphabet=string.ascii_letters + string.digits + "-._;()/:<>#", min_size=1,
                     max_size=40).filter(lambda s: s.rstrip(".,;"))
dois = st.builds(lambda reg, suffix: f"10.{reg}/{suffix}",
                 st.integers(1000, 999_999_999), doi_suffix)
pmids = st.integers(1, 999_999_999).map(str)
pmcids = st.integers(1, 999_999_999).map(lambda n: f"PMC{n}")


def _decorate(draw, value: str, kind: str) -> str:
    forms = {
        "doi": [value, value.upper(), f"doi:{value}", f"https://doi.org/{quote(value)}",
                f"http://dx.doi.org/{quote(value, safe='/:;()')}", f" {value} "],
        "pmid": [value, f"pmid:{value}", f"https://pubmed.ncbi.nlm.nih.gov/{value}/",
                 f"https://europepmc.org/article/MED/{value}"],
        "pmcid": [value, value.lower(), f"pmcid:{value}",
                  f"https://www.ncbi.nlm.nih.gov/pmc/articles/{value}/",
                  f"https://europepmc.org/article/PMC/{value}"],
    }[kind]
    return draw(st.sampled_from(forms))


@st.composite
def identifier_texts(draw):
    kind = draw(st.sampled_from(["doi", "pmid", "pmcid"]))
    value = draw({"doi": dois, "pmid": pmids, "pmcid": pmcids}[kind])
    return kind, value, _decorate(draw, value, kind)


@given(identifier_texts())
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_normalise_is_idempotent(case):
    kind, _value, text = case
    ident = parse_identifier(text)
    assert ident.kind == kind
    assert parse_identifier(str(ident)) == ident
    assert parse_identifier(ident.value) == ident
    assert parse_identifier(ident.url) == ident


@given(identifier_texts())
def test_every_form_of_one_identifier_agrees(case):
    kind, value, text = case
    assert parse_identifier(text) == parse_identifier(value)


@given(st.text(max_size=200))
@example("10.")
@example("doi:https://")
@example("https://doi.org/%")
@example("pmc:\x00")
@example("\u0130" * 3)
def test_random_text_never_crashes(text):
    try:
        ident = parse_identifier(text)
    except IdentifierError as exc:
        assert str(exc)
    else:
        assert ident.kind in ("doi", "pmid", "pmcid")
        assert parse_identifier(str(ident)) == ident


@given(st.lists(st.text(max_size=30), max_size=20))
def test_parse_identifiers_never_raises(texts):
    ok, bad = parse_identifiers(texts)
    assert len(ok) + len(bad) <= len(texts)
    assert len(set(ok)) == len(ok)
