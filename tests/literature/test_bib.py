"""references.bib reading, block positions, value encoding and in-place entry edits."""

from __future__ import annotations

import bibtexparser
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reviewtools.errors import BibError
from reviewtools.literature.bib import (
    BibFile,
    decode_value,
    edit_entry,
    encode_value,
    first_surname,
    format_entry,
    normalise_doi,
    normalise_title,
    parse_bib,
    split_authors,
    surname,
    year_of,
)
from tests.conftest import FIXTURES

BIBS = FIXTURES / "bib"
ALL_BIBS = sorted(BIBS.rglob("*.bib"))
# files bibtexparser reads without a failed block (the rest have duplicate keys)
DUPLICATE_KEY_BIBS = {"biber_examples_via_bibtexparser.bib", "paper_EUKulele_JOSS.bib",
                      "real_mendeley_export_465_entries.bib",
                      "bbt_issue873_parens_undefined_macros_988_entries.bib"}
CLEAN_BIBS = [p for p in ALL_BIBS if p.name not in DUPLICATE_KEY_BIBS]
BIG = BIBS / "large_zotero_bbt_materials_library_7166_entries.bib"


def read(path):
    return path.read_bytes().decode("utf-8")


def fields_of(library):
    return {e.key: {f.key.lower(): f.value for f in e.fields} for e in library.entries}


def test_fixture_set_is_complete():
    assert len(ALL_BIBS) == 34 and len(CLEAN_BIBS) == 30


@pytest.mark.parametrize("path", CLEAN_BIBS, ids=lambda p: p.name)
def test_every_block_is_located_exactly(path):
    text = read(path)
    bf = BibFile.from_text(text, path)
    assert len(bf.entries) == len(bibtexparser.parse_string(text).entries)
    last, line = 0, 1
    for e in bf.entries:
        assert text[e.start:e.end] == e.raw
        assert e.raw.startswith("@") and e.start >= last
        line += text.count("\n", last, e.start)
        last = e.start
        assert line == e.line


def test_big_library_counts():
    bf = BibFile.load(BIG)
    assert len(bf.entries) == 7166
    e = bf.by_key["abbasi_2013"]
    assert (e.doi, e.pmid, e.year) == ("10.1186/1556-276x-8-320", "23849302", 2013)
    assert bf.find(pmid="23849302") is e
    assert bf.find(doi="10.1186/1556-276X-8-320".lower()) is e
    title = ("The fabrication of white light emitting diodes using the "
             "n-ZnO/NiO/p-GaN heterojunction with enhanced luminescence")
    assert bf.find(title=title, year=2013, author="Abbasi") is e
    assert bf.find(title=title, year=2014, author="Abbasi") is None
    # title + year alone never match; nor does another first author, or another PMID
    assert bf.find(title=title, year=2013) is None
    assert bf.find(title=title, year=2013, author="Smith") is None
    assert bf.find(title=title, year=2013, author="Abbasi", pmid="1") is None


@pytest.mark.parametrize("name,line", [
    ("real_mendeley_export_465_entries.bib", 500),
    ("paper_EUKulele_JOSS.bib", 528),
    ("bbt_issue873_parens_undefined_macros_988_entries.bib", 866),
])
def test_failed_blocks_are_errors_naming_the_line(name, line):
    path = next(p for p in ALL_BIBS if p.name == name)
    with pytest.raises(BibError, match=rf"line {line}: .*Duplicate entry key"):
        BibFile.load(path)


def test_unbalanced_entry_names_its_line():
    text = read(BIBS / "paper_CosinorAge_JOSS.bib")
    bf = BibFile.from_text(text)
    victim = bf.entries[5]
    broken = text[:victim.end - 1] + text[victim.end:]  # drop the entry's closing brace
    with pytest.raises(BibError) as err:
        parse_bib(broken, "refs.bib")
    assert f"line {victim.line}:" in str(err.value) and "refs.bib" in str(err.value)


def test_crlf_and_bom_are_located():
    text = read(BIBS / "paper_timeseriesflattener_JOSS.bib").replace("\n", "\r\n")
    bf = BibFile.from_text("\ufeff" + text)
    assert len(bf.entries) == 9
    assert all(("\ufeff" + text)[e.start:e.end] == e.raw for e in bf.entries)


@pytest.mark.parametrize("path", CLEAN_BIBS, ids=lambda p: p.name)
def test_bibtexparser_write_back_round_trip(path):
    """Parse, write with bibtexparser, parse again: every entry and field survives."""
    first = bibtexparser.parse_string(read(path))
    again = bibtexparser.parse_string(bibtexparser.write_string(first))
    assert not again.failed_blocks
    assert fields_of(again) == fields_of(first)
    assert [s.key for s in again.strings] == [s.key for s in first.strings]
    assert len(again.preambles) == len(first.preambles)


@pytest.mark.parametrize("path", CLEAN_BIBS, ids=lambda p: p.name)
def test_edit_every_entry_in_place_keeps_all_fields(path):
    """Set two managed fields in every real entry, splice, re-parse the whole file."""
    text = read(path)
    bf = BibFile.from_text(text)
    pieces, pos = [], 0
    for e in bf.entries:
        pieces += [text[pos:e.start], edit_entry(e.raw, {"verified": "pubmed; 2026-11-27",
                                                         "pmcid": "PMC1"})]
        pos = e.end
    out = "".join(pieces) + text[pos:]
    before, after = fields_of(parse_bib(text)), fields_of(parse_bib(out))
    assert set(after) == set(before)
    for key, fields in before.items():
        want = {**fields, "verified": "pubmed; 2026-11-27", "pmcid": "PMC1"}
        assert after[key] == want, key


def test_edit_changes_only_the_value_bytes():
    raw = ('@article{abbasi_2013,\n  title = {Old {{ZnO}} title},\n  year = {2013},\n'
           '  pmid = {23849302}\n}')
    new = edit_entry(raw, {"title": "New title", "doi": "10.1186/x"})
    assert new == ('@article{abbasi_2013,\n  title = {New title},\n  year = {2013},\n'
                   '  pmid = {23849302},\n  doi = {10.1186/x}\n}')
    tabbed = "@article{k,\n\ttitle = {T},\n}"
    assert edit_entry(tabbed, {"doi": "10.1/x"}) == \
        "@article{k,\n\ttitle = {T},\n\tdoi = {10.1/x},\n}"
    assert edit_entry("@misc{k}", {"doi": "10.1/x"}) == "@misc{k,\n  doi = {10.1/x},\n}"
    parens = '@techreport(k, title = "A (b) c", year = 1999)'
    lib = parse_bib(edit_entry(parens, {"year": "2000"}))
    assert fields_of(lib) == {"k": {"title": "A (b) c", "year": "2000"}}


# ---- value encoding -------------------------------------------------------------------------

field_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=80)
no_backslash = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\\"),
                       max_size=80)


def _write_and_read(value):
    text = format_entry("article", "k", [("title", value), ("note", "after")])
    lib = parse_bib(text + format_entry("misc", "k2", [("year", "2020")]))
    got = fields_of(lib)
    assert list(got) == ["k", "k2"]
    assert got["k"]["note"] == "after" and got["k2"] == {"year": "2020"}
    return got["k"]["title"]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(no_backslash)
def test_values_round_trip_exactly(value):
    """Braces (balanced or not), quotes, @, %, #, commas and any Unicode come back."""
    assert decode_value(_write_and_read(value)) == " ".join(value.split())


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(field_text)
@example("\\\\")  # found by this test: an escaped backslash used to escape the closing brace
@example("a \\\\ b\\")
def test_any_value_stays_inside_its_field(value):
    """Backslashes included: the value never ends the entry early or eats the next field."""
    got = _write_and_read(value)
    assert got == encode_value(value)


@given(st.text(alphabet="{}ab ", max_size=30))
def test_balanced_braces_pass_through(value):
    depth, ok = 0, True
    for c in value:
        depth += {"{": 1, "}": -1}.get(c, 0)
        ok = ok and depth >= 0
    if ok and depth == 0:
        assert encode_value(value) == " ".join(value.split())


def test_encode_examples():
    assert encode_value("A {DNA} study") == "A {DNA} study"
    assert encode_value("x } y {") == "x \\} y \\{"
    assert encode_value("ends with \\") == "ends with \\textbackslash{}"
    assert encode_value("two\nlines\t here") == "two lines here"


# ---- normalisation ---------------------------------------------------------------------------

def test_latex_and_unicode_titles_normalise_alike():
    lib = parse_bib(read(BIBS / "tricky" / "bbt_issue1115_latex_accents_ring_caron.bib"))
    entry = {f.key: f.value for f in lib.entries[0].fields}
    assert first_surname(entry) == "Rehurek"
    assert normalise_title("{\\v R}eh{\\r u}{\\v r}ek") == normalise_title("Řehůřek") == "rehurek"
    assert normalise_title("Fabrication of n-{{ZnO}}/{{NiO}}.") == "fabrication of n zno nio"
    assert normalise_title("Vitamin D<sub>3</sub> & MS") == "vitamin d3 ms"


def test_names_and_years():
    assert split_authors("Abbasi, M. and {Smith and Sons} AND Nur, O.") == [
        "Abbasi, M.", "{Smith and Sons}", "Nur, O."]
    assert surname("{V{\\'a}squez-Sancho}, Fabi{\\'a}n") == "Vasquez-Sancho"
    assert surname("Radim {\\v R}eh{\\r u}{\\v r}ek") == "Rehurek"
    assert surname("{World Health Organization}") == "World Health Organization"
    assert year_of({"date": "2019-03-01"}) == 2019 and year_of({"year": "{}"}) is None
    assert normalise_doi("https://doi.org/10.1186/ABC") == "10.1186/abc"
    assert normalise_doi("not a doi") == ""
