"""BibTeX import on real libraries: Zotero Better BibTeX (7,166 entries), JabRef, Mendeley."""

from __future__ import annotations

import pytest

from reviewtools.literature.importers import bibtex, read_file
from tests.conftest import FIXTURES

BIBS = FIXTURES / "bib"


@pytest.mark.slow
def test_zotero_better_bibtex_library():
    result = read_file(BIBS / "large_zotero_bbt_materials_library_7166_entries.bib")
    assert len(result.records) + len(result.problems) == 7166
    assert len(result.records) == 7161
    # the five rows are real data errors: Web of Science accession numbers in pmid fields
    assert all("bad PMID" in p.reason for p in result.problems)
    first = result.records[0]
    assert first.title.startswith("The Fabrication of White Light-Emitting Diodes Using the "
                                  "n-ZnO/NiO/p-GaN")
    assert (first.doi, first.pmid, first.year) == ("10.1186/1556-276x-8-320", "23849302", 2013)


def test_jabref_library_decodes_latex():
    result = read_file(BIBS / "real_jabref_2.10_library_916_entries.bib")
    assert len(result.records) == 900
    reasons = sorted(p.reason.split(" '")[0] for p in result.problems)
    assert reasons == ["bad DOI"] + ["no title"] * 10  # a DOI field holding 'j.desal...'
    assert len(result.records) + len(result.problems) == 911
    assert not any("\\" in r.title or "{" in r.title for r in result.records)


def test_mendeley_duplicate_keys_are_rows():
    result = read_file(BIBS / "real_mendeley_export_465_entries.bib")
    dupes = [p for p in result.problems if "DuplicateBlockKeyBlock" in p.reason]
    assert dupes and "Milazzo2017" in dupes[0].reason
    assert len(result.records) == 450


def test_accents_are_decoded():
    result = bibtex.read("@article{k, title = {Fu{\\ss}reflexzonen bei M{\\\"u}ller},"
                         " author = {M{\\\"u}ller, J{\\\"u}rgen}, year = {1999}}", "x.bib")
    [rec] = result.records
    assert rec.title == "Fußreflexzonen bei Müller" and rec.authors == ["Müller, Jürgen"]
