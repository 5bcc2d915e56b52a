"""references.bib writing (upsert, hand-checked records), verification and listing.

Work objects are built from the real recorded responses in ../shared/fixtures (Crossref
JSON, PubMed efetch XML, Europe PMC JSON); nothing here is a made-up API response.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewtools.errors import BibError, ConflictError, IdentifierError, InputError, OfflineError
from reviewtools.literature import refs, sources
from reviewtools.literature.bib import BibFile, normalise_title, parse_bib, unescape_tex
from reviewtools.literature.identifiers import Identifier
from reviewtools.literature.refs import (
    BibRecord,
    add_verified_record,
    list_refs,
    make_key,
    upsert,
    verify,
)
from reviewtools.literature.works import Notice, Work
from tests.conftest import FIXTURES
from tests.literature.test_bib import ALL_BIBS, BIBS, BIG, CLEAN_BIBS, DUPLICATE_KEY_BIBS

DAY = "2026-11-27"


# ---- Works from recorded responses ------------------------------------------------------------

def crossref_work(name: str) -> Work:
    """A Work from a recorded Crossref /works/DOI response."""
    msg = json.loads((FIXTURES / "crossref" / name).read_text(encoding="utf-8"))["message"]
    return Work(
        title=msg["title"][0],
        authors=[f"{a['family']}, {a['given']}" for a in msg.get("author", [])],
        journal=(msg.get("container-title") or [""])[0],
        year=msg["published"]["date-parts"][0][0], volume=msg.get("volume", ""),
        issue=msg.get("issue", ""), pages=msg.get("page", ""), doi=msg["DOI"].lower(),
        notices=[Notice(kind=u["type"], doi=u["DOI"].lower(), label=u.get("label", ""))
                 for u in msg.get("updated-by", [])],
        source="crossref")


def pubmed_work(name: str) -> Work:
    """A Work from the first article of a recorded PubMed efetch XML response."""
    art = ET.parse(FIXTURES / "ncbi" / name).getroot().find(".//PubmedArticle")
    authors = [f"{a.findtext('LastName')}, {a.findtext('ForeName')}"
               for a in art.iter("Author") if a.findtext("LastName")]
    doi = next((e.text for e in art.iter("ELocationID") if e.get("EIdType") == "doi"), "")
    types = [t.text for t in art.iter("PublicationType")]
    return Work(
        title="".join(art.find(".//ArticleTitle").itertext()), authors=authors,
        journal=art.findtext(".//Journal/Title"),
        year=int(art.findtext(".//JournalIssue/PubDate/Year")),
        volume=art.findtext(".//JournalIssue/Volume") or "",
        pages=art.findtext(".//MedlinePgn") or "", doi=(doi or "").lower(),
        pmid=art.findtext(".//PMID"), publication_types=types, source="pubmed")


def europepmc_works(name: str = "search_query-cancer_resultType-core.json") -> list[Work]:
    data = json.loads((FIXTURES / "europepmc" / name).read_text(encoding="utf-8"))
    out = []
    for r in data["resultList"]["result"]:
        authors = [f"{a['lastName']}, {a.get('firstName', '')}".rstrip(", ")
                   for a in r.get("authorList", {}).get("author", []) if a.get("lastName")]
        out.append(Work(title=r["title"], authors=authors, year=int(r["pubYear"]),
                        doi=(r.get("doi") or "").lower(), pmid=r.get("pmid", ""),
                        abstract=r.get("abstractText", ""),
                        publication_types=r.get("pubTypeList", {}).get("pubType", []),
                        source="europepmc"))
    return out


@pytest.fixture
def rct() -> Work:
    return pubmed_work("efetch_pubmed_28731372_rct.xml")


@pytest.fixture
def pone() -> Work:
    return crossref_work("works_10.1371_journal.pone.0033693.json")


def copy(path, tmp_path):
    dest = tmp_path / path.name
    shutil.copyfile(path, dest)
    return dest


# ---- upsert ----------------------------------------------------------------------------------

def test_fixture_works_look_right(rct, pone):
    assert rct.pmid == "28731372" and rct.doi == "10.1177/1352458517722646"
    assert rct.title.startswith("Exploring the effect of vitamin D3 supplementation")
    assert rct.authors[0] == "Rolf, Linda" and rct.year == 2018
    assert pone.authors[0] == "Sadasivan, Shankar" and pone.notices[0].kind == "correction"


@pytest.mark.parametrize("path", CLEAN_BIBS, ids=lambda p: p.name)
def test_upsert_of_nothing_leaves_bytes_identical(path, tmp_path):
    bib = copy(path, tmp_path)
    before = bib.read_bytes()
    mtime = bib.stat().st_mtime_ns
    assert upsert(bib, [], verified_source="pubmed", date=DAY) == []
    assert bib.read_bytes() == before and bib.stat().st_mtime_ns == mtime


def test_add_to_big_real_bib_only_appends(rct, tmp_path):
    bib = copy(BIG, tmp_path)
    before = bib.read_bytes()
    [change] = upsert(bib, [rct], verified_source="pubmed", date=DAY)
    assert change.action == "added" and change.key == "rolf2018exploring"
    after = bib.read_bytes()
    assert after.startswith(before)
    added = after[len(before):].decode()
    lib = parse_bib(added)
    [entry] = lib.entries
    got = {f.key: f.value for f in entry.fields}
    assert got["pmid"] == "28731372" and got["doi"] == "10.1177/1352458517722646"
    assert got["verified"] == f"pubmed; {DAY}" and got["year"] == "2018"
    assert got["author"].startswith("Rolf, Linda and Muris, Anne-Hilde")
    assert len(BibFile.load(bib).entries) == 7167


def test_add_is_idempotent_and_bytes_stay(rct, tmp_path):
    bib = tmp_path / "references.bib"
    upsert(bib, [rct], verified_source="pubmed", date=DAY)
    once = bib.read_bytes()
    [change] = upsert(bib, [rct], verified_source="pubmed", date=DAY)
    assert change.action == "unchanged" and bib.read_bytes() == once


def test_crlf_file_keeps_its_newlines(rct, tmp_path):
    bib = tmp_path / "refs.bib"
    original = (BIBS / "paper_timeseriesflattener_JOSS.bib").read_bytes().replace(b"\n", b"\r\n")
    bib.write_bytes(original)
    upsert(bib, [rct], verified_source="pubmed", date=DAY)
    after = bib.read_bytes()
    assert after.startswith(original)
    assert b"\n" not in after[len(original):].replace(b"\r\n", b"")


def test_duplicate_by_pmid_updates_in_place(tmp_path):
    """abbasi_2013 in the real Zotero library has PMID 23849302: a record with that PMID
    (and no DOI) updates it; every byte outside that entry stays identical."""
    bib = copy(BIG, tmp_path)
    text = bib.read_bytes().decode()
    entry = BibFile.load(bib).by_key["abbasi_2013"]
    rec = BibRecord(title="The fabrication of white light-emitting diodes using the "
                    "n-ZnO/NiO/p-GaN heterojunction with enhanced luminescence",
                    authors=["Abbasi, Mazhar Ali"], year=2013, pmid="23849302",
                    pmcid="PMC3717059")
    [change] = upsert(bib, [rec], verified_source="pubmed", date=DAY)
    assert change.key == "abbasi_2013" and change.action == "updated"
    assert set(change.fields) == {"pmcid", "verified"}
    new = bib.read_bytes().decode()
    new_entry = BibFile.load(bib).by_key["abbasi_2013"]
    assert new[:entry.start] == text[:entry.start]
    assert new[new_entry.end:] == text[entry.end:]
    # unmanaged fields (publisher, month, doi as written) are untouched
    assert "publisher = {{Nanoscale Research Letters}}" in new_entry.raw
    assert "title = {The Fabrication of White Light-Emitting Diodes Using the " \
           "n-{{ZnO}}/{{NiO}}/p-{{GaN}}" in new_entry.raw
    assert new_entry.fields["pmcid"] == "PMC3717059"
    assert new_entry.fields["verified"] == f"pubmed; {DAY}"


def test_duplicate_by_doi_and_by_title_year(tmp_path):
    bib = copy(BIG, tmp_path)
    by_doi = BibRecord(title="Piezoelectric mimicry of flexoelectricity",
                       authors=["Abdollahi, Amir"], year=2018,
                       doi="10.1103/PHYSREVLETT.121.205502".lower())
    by_title = BibRecord(title="PIEZOELECTRIC MIMICRY OF {F}LEXOELECTRICITY.",
                         authors=["Abdollahi, A."], year=2018)
    other_year = BibRecord(title="Piezoelectric mimicry of flexoelectricity",
                           authors=["Abdollahi, Amir"], year=2019, pmid="1")
    changes = upsert(bib, [by_doi, by_title, other_year], verified_source="crossref",
                     date=DAY)
    assert [c.key for c in changes[:2]] == ["abdollahi_2018", "abdollahi_2018"]
    assert changes[2].action == "added" and changes[2].key == "abdollahi2019piezoelectric"
    bf = BibFile.load(bib)
    assert len(bf.entries) == 7167
    assert bf.by_key["abdollahi_2018"].fields["verified"] == f"crossref; {DAY}"
    # the bib's full author list is kept: the records' one author is a truncation of it
    assert bf.by_key["abdollahi_2018"].fields["author"].startswith("Abdollahi, Amir and")


def test_same_work_twice_in_one_batch_is_one_entry(rct, tmp_path):
    bib = tmp_path / "references.bib"
    twin = Work(title=rct.title.upper(), authors=rct.authors, year=rct.year, pmid=rct.pmid)
    changes = upsert(bib, [rct, twin], verified_source="pubmed", date=DAY)
    assert [c.action for c in changes] == ["added", "unchanged"]
    assert len(BibFile.load(bib).entries) == 1


def test_keys_fold_to_ascii_and_get_suffixes():
    rec = BibRecord(title="Über die Fußreflexzonenmassage", authors=["Müller, Jürgen"],
                    year=1999)
    assert make_key(rec, set()) == "muller1999uber"
    assert make_key(rec, {"muller1999uber"}) == "muller1999ubera"
    assert make_key(rec, {"Muller1999uber", "muller1999ubera"}) == "muller1999uberb"
    assert make_key(BibRecord(title="The effects of reflexology on sleep",
                              authors=["Huang, Li"], year=2021), set()) == \
        "huang2021reflexology"
    assert make_key(BibRecord(title="", authors=["Øster, Å"], year=None), set()) == \
        "oster" + "nd" + "untitled"
    assert make_key(BibRecord(title="3D printing", authors=[], year=2020), set()) == \
        "anon2020printing"


def test_colliding_keys_in_real_bib(pone, tmp_path):
    bib = tmp_path / "references.bib"
    first = Work(title="Methylphenidate and mice", authors=["Sadasivan, S"], year=2012,
                 doi="10.1000/other")
    upsert(bib, [first, pone], verified_source="crossref", date=DAY)
    assert list(BibFile.load(bib).by_key) == ["sadasivan2012methylphenidate",
                                              "sadasivan2012methylphenidatea"]


def test_retraction_is_marked_with_a_note(pone, tmp_path):
    """The PLOS ONE record carries a real correction notice (not a retraction): no mark.
    The same record with a retraction notice gets retracted = {yes} and a note."""
    bib = tmp_path / "references.bib"
    upsert(bib, [pone], verified_source="crossref", date=DAY)
    assert "retracted" not in BibFile.load(bib).entries[0].fields
    pone.notices.append(Notice(kind="retraction", doi="10.1371/journal.pone.0999999"))
    [change] = upsert(bib, [pone], verified_source="crossref", date=DAY)
    fields = BibFile.load(bib).entries[0].fields
    assert change.action == "updated" and fields["retracted"] == "yes"
    assert fields["note"] == "Retracted; retraction notice doi:10.1371/journal.pone.0999999"


def test_a_retraction_notice_itself_is_not_retracted(tmp_path):
    notice = Work(title="Retraction: something", authors=["Editors, The"], year=2020,
                  doi="10.1/r", notices=[Notice(kind="retraction of", doi="10.1/x")])
    bib = tmp_path / "references.bib"
    upsert(bib, [notice], verified_source="crossref", date=DAY)
    assert "retracted" not in BibFile.load(bib).entries[0].fields


@pytest.mark.parametrize("name", sorted(DUPLICATE_KEY_BIBS))
def test_bib_with_failed_blocks_is_never_written(name, rct, tmp_path):
    bib = copy(next(p for p in ALL_BIBS if p.name == name), tmp_path)
    before = bib.read_bytes()
    with pytest.raises(BibError, match=r"line \d+"):
        upsert(bib, [rct], verified_source="pubmed", date=DAY)
    assert bib.read_bytes() == before


def test_malformed_bib_names_line_and_is_unchanged(rct, tmp_path):
    bib = copy(BIBS / "paper_CosinorAge_JOSS.bib", tmp_path)
    text = bib.read_text(encoding="utf-8")
    victim = BibFile.from_text(text).entries[3]
    broken = text[:victim.end - 1] + text[victim.end:]
    bib.write_text(broken, encoding="utf-8")
    with pytest.raises(BibError) as err:
        upsert(bib, [rct], verified_source="pubmed", date=DAY)
    assert f"line {victim.line}" in str(err.value)
    assert bib.read_text(encoding="utf-8") == broken
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_bad_inputs_write_nothing(rct, tmp_path):
    bib = copy(BIBS / "paper_CosinorAge_JOSS.bib", tmp_path)
    before = bib.read_bytes()
    with pytest.raises(InputError):
        upsert(bib, [rct], verified_source="", date=DAY)
    with pytest.raises(InputError):
        upsert(bib, [rct], verified_source="pubmed", date="27/11/2026")
    with pytest.raises(InputError):
        upsert(bib, [rct, Work(title="  ", pmid="1")], verified_source="pubmed", date=DAY)
    assert bib.read_bytes() == before


def test_failed_write_leaves_file_intact(rct, tmp_path, monkeypatch):
    bib = copy(BIBS / "paper_CosinorAge_JOSS.bib", tmp_path)
    before = bib.read_bytes()

    def full_disk(fd, *a, **k):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError):
        upsert(bib, [rct], verified_source="pubmed", date=DAY)
    assert bib.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_adding_one_entry_costs_about_one_parse(rct, tmp_path):
    bib = copy(BIG, tmp_path)
    t0 = time.perf_counter()
    parse_bib(bib.read_text(encoding="utf-8"))
    parse = time.perf_counter() - t0
    t0 = time.perf_counter()
    upsert(bib, [rct], verified_source="pubmed", date=DAY)
    add = time.perf_counter() - t0
    assert add < 3 * parse + 0.5, (add, parse)


# ---- hand-checked records --------------------------------------------------------------------

RECORD = {"title": "Exploring the effect of vitamin D3 supplementation on the anti-EBV "
                   "antibody response in relapsing-remitting multiple sclerosis",
          "authors": ["Rolf, Linda", "Muris, Anne-Hilde"], "journal": "Mult Scler",
          "year": 2018, "volume": "24", "number": "10", "pages": "1280-1287",
          "doi": "https://doi.org/10.1177/1352458517722646", "pmid": "28731372"}
PAGE = "https://pubmed.ncbi.nlm.nih.gov/28731372/"


def test_add_verified_record(tmp_path):
    bib = tmp_path / "references.bib"
    change = add_verified_record(bib, RECORD, PAGE, date=DAY)
    assert change.action == "added" and change.key == "rolf2018exploring"
    fields = BibFile.load(bib).entries[0].fields
    assert fields["verified"] == f"{PAGE}; {DAY}"
    assert fields["doi"] == "10.1177/1352458517722646" and fields["pages"] == "1280--1287"
    assert fields["author"] == "Rolf, Linda and Muris, Anne-Hilde"


@pytest.mark.parametrize("change,error", [
    ({"title": ""}, InputError), ({"authors": []}, InputError), ({"year": "20x8"}, InputError),
    ({"doi": "", "pmid": "", "journal": ""}, InputError), ({"doi": "10.1/"}, IdentifierError),
    ({"pmid": "PMC123"}, IdentifierError), ({"colour": "red"}, InputError),
])
def test_bad_records_are_refused(change, error, tmp_path):
    bib = tmp_path / "references.bib"
    with pytest.raises(error):
        add_verified_record(bib, {**RECORD, **change}, PAGE, date=DAY)
    assert not bib.exists()


def test_a_record_seen_without_identifiers_is_added_with_its_page(tmp_path):
    """Eligibility, not identifiers: title, authors, year and journal seen on a public page
    are enough; a second add of the same work is recognised by title, year and first author."""
    bib = tmp_path / "references.bib"
    seen = {**RECORD, "doi": "", "pmid": ""}
    change = add_verified_record(bib, seen, PAGE, date=DAY)
    assert change.action == "added"
    fields = BibFile.load(bib).entries[0].fields
    assert "doi" not in fields and "pmid" not in fields and fields["verified"] == f"{PAGE}; {DAY}"
    again = add_verified_record(bib, seen, PAGE, date=DAY)
    assert again.action != "added" and len(BibFile.load(bib).entries) == 1


def test_verification_source_must_be_a_page(tmp_path):
    with pytest.raises(InputError, match="URL"):
        add_verified_record(tmp_path / "r.bib", RECORD, "checked it myself", date=DAY)


# ---- verify ----------------------------------------------------------------------------------

def fake_fetch(works, calls=None):
    index = {str(i): w for w in works for i in w.identifiers()}

    def fetch_works(ids, *, settings=None, session=None, progress=None):
        if calls is not None:
            calls.append(list(ids))
        found, failed = [], []
        for ident in ids:
            w = index.get(str(ident))
            if w is None:
                failed.append((ident, "not found (HTTP 404)"))
            elif w not in found:
                found.append(w)
        return found, failed
    return fetch_works


def test_verify_reports_mismatches(rct, pone, tmp_path, monkeypatch, settings):
    bib = tmp_path / "references.bib"
    add_verified_record(bib, RECORD, PAGE, date=DAY)  # a correct hand-checked record
    bib.write_text(bib.read_text(encoding="utf-8") + """
@article{wrongtitle2012,
  author = {Sadasivan, Shankar},
  title = {Methylphenidate improves sleep in healthy adults},
  year = {2012},
  doi = {10.1371/journal.pone.0033693},
}

@article{wrongauthor2012,
  author = {Smith, John},
  title = {Methylphenidate exposure induces dopamine neuron loss and activation of
           microglia in the basal ganglia of mice},
  year = {2013},
  doi = {10.1371/JOURNAL.PONE.0033693},
}

@book{noids,
  title = {A book},
}

@article{gone,
  title = {Vanished},
  pmid = {999999999},
}

@article{badid,
  title = {Typo},
  doi = {10.1371 /x},
}
""", encoding="utf-8")
    calls = []
    monkeypatch.setattr(sources, "fetch_works", fake_fetch([rct, pone], calls))
    found = {(m.key, m.kind): m for m in verify(bib, settings=settings)}
    assert ("rolf2018exploring", "title") not in found
    assert not [k for k in found if k[0] == "rolf2018exploring"]
    assert found[("wrongtitle2012", "title")].source.startswith("Methylphenidate Exposure")
    assert ("wrongtitle2012", "author") not in found
    assert found[("wrongauthor2012", "author")].bib == "Smith"
    assert found[("wrongauthor2012", "year")].severity == "warning"
    assert ("wrongauthor2012", "title") not in found
    assert ("noids", "missing identifier") in found
    assert "404" in found[("gone", "unresolved")].detail
    assert ("badid", "bad identifier") in found
    # one batched call, each identifier once
    assert len(calls) == 1
    assert sorted(map(str, calls[0])) == sorted(
        ["doi:10.1177/1352458517722646", "pmid:28731372", "doi:10.1371/journal.pone.0033693",
         "pmid:999999999"])


def test_verify_reports_retraction(pone, tmp_path, monkeypatch, settings):
    bib = tmp_path / "references.bib"
    upsert(bib, [pone], verified_source="crossref", date=DAY)
    retracted = Work(**{**pone.__dict__, "retracted": True,
                        "notices": [Notice("retraction", doi="10.1371/r")]})
    monkeypatch.setattr(sources, "fetch_works", fake_fetch([retracted]))
    [m] = verify(bib, settings=settings)
    assert m.kind == "retracted" and "10.1371/r" in m.detail and m.severity == "error"
    assert str(m).startswith("sadasivan2012methylphenidate [doi:10.1371/journal.pone.0033693]")
    # once references.bib marks it (cite again), verify still says so, as a warning
    upsert(bib, [retracted], verified_source="crossref", date=DAY)
    [m] = verify(bib, settings=settings)
    assert (m.kind, m.severity, m.bib) == ("retracted", "warning", "yes")


def test_verify_flags_identifier_conflict(rct, pone, tmp_path, monkeypatch, settings):
    bib = tmp_path / "references.bib"
    bib.write_text("@article{mixed,\n  author = {Rolf, Linda},\n  title = {" + rct.title +
                   "},\n  year = {2018},\n  pmid = {28731372},\n  doi = {10.1371/journal.pone."
                   "0033693},\n}\n", encoding="utf-8")
    monkeypatch.setattr(sources, "fetch_works", fake_fetch([rct, pone]))
    kinds = {m.kind for m in verify(bib, settings=settings)}
    assert {"identifier conflict", "title", "author"} <= kinds


def test_verify_offline_raises(rct, tmp_path, monkeypatch, settings):
    bib = tmp_path / "references.bib"
    upsert(bib, [rct], verified_source="pubmed", date=DAY)

    def offline(ids, **kw):
        raise OfflineError("offline and not cached", url="https://example.org")
    monkeypatch.setattr(sources, "fetch_works", offline)
    with pytest.raises(OfflineError):
        verify(bib, settings=settings)


def test_list_refs(tmp_path):
    df = list_refs(copy(BIG, tmp_path))
    assert len(df) == 7166
    row = df.set_index("key").loc["abbasi_2013"]
    assert (row.author, row.year, row.pmid) == ("Abbasi", 2013, "23849302")
    assert list_refs(tmp_path / "missing.bib").empty
    assert refs.LIST_COLUMNS == list(df.columns)


def test_europepmc_fixture_records_upsert(tmp_path):
    works = europepmc_works()
    bib = tmp_path / "references.bib"
    changes = upsert(bib, works, verified_source="europepmc", date=DAY)
    keys = [c.key for c in changes]
    assert len(set(keys)) == len(works) == 25
    bf = BibFile.load(bib)
    assert len(bf.entries) == 25
    assert all(bf.find(pmid=w.pmid) is not None for w in works)
    assert Identifier("pmid", works[0].pmid) in works[0].identifiers()


# ---- property: whatever the values, upsert writes what parses back -----------------------------

_value = st.text(st.characters(blacklist_categories=("Cs", "Cc")),
                 min_size=1, max_size=60).filter(lambda s: normalise_title(s))
_name = st.text(st.characters(whitelist_categories=("Lu", "Ll", "Lo", "Zs", "Pd")),
                min_size=1, max_size=20).filter(str.strip)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=_value, new_title=_value, journal=_value, surname=_name,
       pmid=st.integers(1, 10**8))
def test_upsert_round_trips_any_values(title, new_title, journal, surname, pmid):
    with tempfile.TemporaryDirectory() as d:
        bib = Path(d) / "references.bib"
        bib.write_text("@string{jx = {Journal X}}\n\n@comment{kept}\n\n@article{other,\n"
                       "  title = {Other}, journal = jx,\n}\n", encoding="utf-8")
        head = bib.read_bytes()
        rec = BibRecord(title=title, authors=[f"{surname}, A"], year=2020, journal=journal,
                        pmid=str(pmid))
        [added] = upsert(bib, [rec], verified_source="pubmed", date=DAY)
        assert bib.read_bytes().startswith(head)
        fields = BibFile.load(bib).by_key[added.key].fields
        assert unescape_tex(fields["title"]) == " ".join(title.split())
        assert unescape_tex(fields["journal"]) == " ".join(journal.split())
        assert fields["pmid"] == str(pmid)
        # an update with a new title (same PMID) changes only that entry
        upsert(bib, [dataclasses.replace(rec, title=new_title)], verified_source="pubmed",
               date=DAY)
        bf = BibFile.load(bib)
        assert len(bf.entries) == 2 and bib.read_bytes().startswith(head)
        want = new_title if normalise_title(new_title) != normalise_title(title) else title
        assert unescape_tex(bf.by_key[added.key].fields["title"]) == " ".join(want.split())
        assert bf.by_key["other"].fields["journal"] == "Journal X"


def test_identifier_gained_in_a_batch_matches_later_works(rct, tmp_path):
    """DOI-only entry; a batch brings its full record (DOI + PMID), then a PMID-only copy."""
    bib = tmp_path / "references.bib"
    bib.write_text("@article{rolf2018,\n  title = {Exploring the effect of vitamin D3},\n"
                   "  doi = {10.1177/1352458517722646},\n  retracted = {2020-01-01, notice},\n"
                   "}\n", encoding="utf-8")
    pmid_only = Work(title=rct.title, authors=["Rolf, L"], year=2018, pmid=rct.pmid,
                     retracted=True)
    changes = upsert(bib, [rct, pmid_only], verified_source="pubmed", date=DAY)
    assert [(c.key, c.action) for c in changes] == [("rolf2018", "updated"),
                                                    ("rolf2018", "unchanged")]
    bf = BibFile.load(bib)
    assert len(bf.entries) == 1 and bf.entries[0].pmid == rct.pmid
    # an existing, more informative retraction mark is kept
    assert bf.entries[0].fields["retracted"] == "2020-01-01, notice"


# ---- data loss: different works never merge; TeX from services is inert -------------------------
# (written before the fix; both failed on 8c5cde5: the second "Editorial" overwrote the first)


def _editorial(author: str, doi: str = "", pmid: str = "") -> BibRecord:
    return BibRecord(title="Editorial", authors=[author], year=2020, journal=f"J {author}",
                     doi=doi, pmid=pmid)


def test_refs_add_of_two_editorials_keeps_both(tmp_path):
    bib = tmp_path / "references.bib"
    first = {"title": "Editorial", "authors": ["Smith, A"], "year": 2020, "journal": "J One",
             "doi": "10.1000/ed.1"}
    second = {**first, "authors": ["Jones, B"], "journal": "J Two", "doi": "10.1000/ed.2"}
    a = add_verified_record(bib, first, "https://doi.org/10.1000/ed.1", date=DAY)
    b = add_verified_record(bib, second, "https://doi.org/10.1000/ed.2", date=DAY)
    assert (a.action, b.action) == ("added", "added") and a.key != b.key
    bf = BibFile.load(bib)
    assert bf.by_key[a.key].fields["doi"] == "10.1000/ed.1"
    assert bf.by_key[a.key].fields["author"] == "Smith, A"
    assert bf.by_key[a.key].fields["journal"] == "J One"
    assert bf.by_key[b.key].fields["doi"] == "10.1000/ed.2"


def test_cite_of_two_pmids_titled_editorial_keeps_both(tmp_path):
    bib = tmp_path / "references.bib"
    one = Work(title="Editorial", authors=["Smith, A"], year=2020, pmid="32294727",
               journal="J One", source="pubmed")
    two = Work(title="Editorial", authors=["Smith, A"], year=2020, pmid="11748933",
               journal="J Two", source="pubmed")
    upsert(bib, [one], verified_source=None, date=DAY)
    changes = upsert(bib, [two], verified_source=None, date=DAY)
    assert [c.action for c in changes] == ["added"]
    assert sorted(e.pmid for e in BibFile.load(bib).entries) == ["11748933", "32294727"]


def test_title_and_year_alone_never_merge(tmp_path):
    bib = tmp_path / "references.bib"
    [first] = upsert(bib, [_editorial("Smith, A")], verified_source="pubmed", date=DAY)
    changes = upsert(bib, [_editorial("Jones, B")], verified_source="pubmed", date=DAY)
    assert changes[0].action == "added" and len(BibFile.load(bib).entries) == 2
    # same title, year and first author, no identifiers: the same work
    again = upsert(bib, [dataclasses.replace(_editorial("Smith, Anne"), journal="J Smith, A")],
                   verified_source="pubmed", date=DAY)
    assert (again[0].key, again[0].action) == (first.key, "unchanged")


def test_latex_in_a_fetched_title_is_written_inert(tmp_path):
    bib = tmp_path / "references.bib"
    work = Work(title=r"Foot care \input{/etc/hostname} and 100% of $x_1$ {\bf cases}",
                authors=["O'Brien, {\\relax} T"], year=2020, pmid="1", source="pubmed")
    [change] = upsert(bib, [work], verified_source=None, date=DAY)
    raw = bib.read_text(encoding="utf-8")
    assert "\\input{" not in raw and "{\\bf" not in raw and "{\\relax}" not in raw
    assert "\\textbackslash{}input\\{/etc/hostname\\}" in raw
    fields = BibFile.load(bib).by_key[change.key].fields
    assert unescape_tex(fields["title"]) == work.title


@given(st.text(max_size=80))
def test_escape_tex_round_trips_and_leaves_no_command(text):
    from reviewtools.literature.bib import escape_tex
    escaped = escape_tex(text)
    assert unescape_tex(escaped) == text
    assert parse_bib("@article{k, title = {" + escaped.replace("\n", " ") + "}}\n").entries


def test_refs_add_over_a_different_verified_record_is_refused(tmp_path):
    bib = tmp_path / "references.bib"
    record = {"title": "Editorial", "authors": ["Smith, A"], "year": 2020, "journal": "J One",
              "doi": "10.1000/ed.1"}
    add_verified_record(bib, record, "https://doi.org/10.1000/ed.1", date=DAY)
    before = bib.read_bytes()
    changed = {**record, "journal": "J Other", "pages": "1-2"}
    with pytest.raises(ConflictError, match=r"journal 'J One' -> 'J Other'"):
        add_verified_record(bib, changed, "https://doi.org/10.1000/ed.1", date=DAY)
    assert bib.read_bytes() == before
    change = add_verified_record(bib, changed, "https://doi.org/10.1000/ed.1", date=DAY,
                                 replace=True)
    fields = BibFile.load(bib).by_key[change.key].fields
    assert fields["journal"] == "J Other" and fields["pages"] == "1--2"
    assert fields["history"] == f"{DAY} replaced: journal was {{J One}}"


def test_an_identifier_shared_with_a_conflicting_entry_is_refused(tmp_path):
    bib = tmp_path / "references.bib"
    upsert(bib, [BibRecord(title="A", authors=["Smith, A"], year=2020, doi="10.1000/a",
                           pmid="1")], verified_source="pubmed", date=DAY)
    before = bib.read_bytes()
    with pytest.raises(BibError, match="other identifiers differ"):
        upsert(bib, [BibRecord(title="A", authors=["Smith, A"], year=2020, doi="10.1000/a",
                               pmid="2")], verified_source="pubmed", date=DAY)
    assert bib.read_bytes() == before


@pytest.mark.parametrize("day", ["2020-13-45", "2026-02-30", "2026-1-5"])
def test_a_verification_date_that_is_no_date_is_refused(day):
    from reviewtools.literature.refs import stamp
    with pytest.raises(InputError, match="is not a date"):
        stamp("https://pubmed.ncbi.nlm.nih.gov/1/", day)
    assert stamp("pubmed", "2026-02-28") == "pubmed; 2026-02-28"
