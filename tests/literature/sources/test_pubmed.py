"""PubMed E-utilities client against the recorded NCBI responses."""

from __future__ import annotations

import pytest

from reviewtools.errors import NetworkError
from reviewtools.http.session import Reply
from reviewtools.literature.identifiers import Identifier
from reviewtools.literature.sources import pubmed
from tests.literature.sources import NCBI, FixtureServer, session_for


@pytest.fixture
def server():
    with FixtureServer() as srv:
        yield srv


def reply_for(name: str) -> Reply:
    data = (NCBI / name).read_bytes()
    return Reply(url=f"file:{name}", status=200, text=data.decode("utf-8"), from_cache=False,
                 service="PubMed", content=data)


def one(name: str):
    works = pubmed.parse_efetch(reply_for(name))
    assert len(works) == 1
    return works[0]


def test_rct_record_has_every_field():
    w = one("efetch_pubmed_28731372_rct.xml")
    assert w.title.startswith("Exploring the effect of vitamin D3 supplementation")  # <sub> joined
    assert w.authors[0] == "Rolf, Linda"
    assert w.journal == "Multiple sclerosis (Houndmills, Basingstoke, England)"
    assert (w.year, w.volume, w.issue, w.pages) == (2018, "24", "10", "1280-1287")
    assert (w.doi, w.pmid, w.pmcid) == ("10.1177/1352458517722646", "28731372", "PMC6108041")
    assert "Randomized Controlled Trial" in w.publication_types
    assert w.design == "Randomized Controlled Trial"
    assert w.abstract.startswith("BACKGROUND: Epstein-Barr virus")
    assert "CONCLUSION: High-dose vitamin D3" in w.abstract
    assert "Cholecalciferol" in w.mesh
    assert w.source == "pubmed" and not w.retracted and w.fetched_at


@pytest.mark.parametrize("name, design", [
    ("efetch_pubmed_35830032_meta-analysis.xml", "Meta-Analysis"),
    ("efetch_pubmed_37729413_meta-analysis.xml", "Meta-Analysis"),
    ("efetch_pubmed_33856845_systematic-review.xml", "Systematic Review"),
    ("efetch_pubmed_38704912_observational-study.xml", "Observational Study"),
    ("efetch_pubmed_219391_case-report_1979.xml", "Case Reports"),
    ("efetch_pubmed_32294727_editorial_no-abstract.xml", "Editorial"),
])
def test_publication_types_give_the_design(name, design):
    assert one(name).design == design


def test_editorial_without_abstract():
    w = one("efetch_pubmed_32294727_editorial_no-abstract.xml")
    assert w.abstract == ""
    assert w.title.startswith("LIVER TRANSPLANTATION IN BRAZIL")


def test_erratum_in_is_a_correction_notice():
    w = one("efetch_pubmed_35649368_has-erratum-in.xml")
    [notice] = w.notices
    assert notice.kind == "correction"
    assert notice.pmid == "35767954"
    assert notice.doi == "10.1016/j.celrep.2022.111044"
    assert not w.retracted


def test_published_erratum_points_at_what_it_corrects():
    w = one("efetch_pubmed_38833988_published-erratum.xml")
    assert w.publication_types == ["Published Erratum"]
    [notice] = w.notices
    assert (notice.kind, notice.pmid, notice.doi) == ("correction of", "33279609",
                                                      "10.1016/j.bbamcr.2020.118918")
    assert w.authors[0] == "Pascucci, Franco Andrés"  # character references decoded


def test_update_of_notice():
    [notice] = one("efetch_pubmed_36156117_update-of.xml").notices
    assert notice.kind == "update of" and notice.pmid == "35794888"


def test_inline_html_tags_are_flattened():
    w = one("efetch_pubmed_29106400_html_tags.xml")
    assert w.pmid == "27797938"  # references' PMIDs are not mistaken for the article's
    assert w.title == ("Leucocyte telomere length, genetic variants at the TERT gene region "
                       "and risk of pancreatic cancer.")
    assert "<i>" not in w.title + w.abstract
    assert "r2<0.25" in w.abstract  # an escaped less-than sign stays a less-than sign


def test_two_articles_in_one_answer():
    works = pubmed.parse_efetch(reply_for("efetch_pubmed_12091962_9997_abstract.xml"))
    assert [w.pmid for w in works] == ["12091962", "9997"]
    assert works[1].doi == "10.1016/0005-2795(76)90109-4"
    assert works[0].publication_types == ["Journal Article", "Review"]


def test_error_document_is_a_network_error():
    with pytest.raises(NetworkError, match="instead of <PubmedArticleSet>"):
        pubmed.parse_efetch(reply_for("esearch_pubmed_biopython.xml"))


def test_esummary_error_answer_raises():
    with pytest.raises(NetworkError, match="Neither query_key nor id specified"):
        pubmed.parse_esummary(reply_for("esummary_error_no_id.xml"))


def test_esummary_records(server, tmp_path):
    settings = server.settings(tmp_path)
    session, _ = session_for(settings)
    works = pubmed.esummary(["11850928", "11482001"], settings=settings, session=session)
    assert [w.pmid for w in works] == ["11850928", "11482001"]
    assert works[0].title == "Zirconium granuloma following treatment of rhus dermatitis."
    assert works[0].authors == ["LoPresti, PJ", "Hambrick, GW Jr"]
    assert (works[0].year, works[0].journal, works[0].pages) == (1965, "Archives of dermatology",
                                                                    "188-91")
    assert pubmed.esummary([], settings=settings, session=session) == []


def test_esearch_ids_and_identification_params(server, tmp_path):
    settings = server.settings(tmp_path, ncbi_api_key="SECRET-KEY-123")
    session, _ = session_for(settings)
    ids = pubmed.esearch("biopython", limit=5, settings=settings, session=session)
    assert ids == ["41282813", "41148224", "41011574", "40959146", "40937394"]
    [req] = server.requests
    assert req.params["tool"] == settings.tool and req.params["email"] == settings.email
    assert req.params["api_key"] == "SECRET-KEY-123"
    assert req.params["retmax"] == "5"
    assert "mailto:" in req.headers["User-Agent"]


def test_search_with_no_hits_is_empty(server, tmp_path):
    settings = server.settings(tmp_path)
    session, _ = session_for(settings)
    assert pubmed.search("abcXYZ", settings=settings, session=session) == []
    assert server.count("/ncbi/efetch") == 0  # nothing to fetch


def test_search_fetches_the_hits_in_one_request(server, tmp_path):
    settings = server.settings(tmp_path)
    session, _ = session_for(settings)
    works = pubmed.search("biopython", limit=20, settings=settings, session=session)
    assert works == []  # the recorded hits have no recorded records: nothing is invented
    [fetch] = [r for r in server.requests if r.path.endswith("efetch.fcgi")]
    assert len(fetch.params["id"].split(",")) == 20


def test_fetch_works_batches_200_per_request(server, tmp_path):
    settings = server.settings(tmp_path)
    session, _ = session_for(settings)
    real = ["28731372", "35649368", "9997"]
    ids = [Identifier("pmid", p) for p in real] + \
          [Identifier("pmid", str(40_000_000 + n)) for n in range(447)]
    works, failures = pubmed.fetch_works(ids, settings=settings, session=session)
    assert server.count("/ncbi/efetch") == 3  # 450 PMIDs -> ceil(450 / 200)
    sizes = [len(r.params["id"].split(",")) for r in server.requests]
    assert sizes == [200, 200, 50]
    assert sorted(w.pmid for w in works) == sorted(real)
    assert len(failures) == 447
    assert failures[0][1] == "PubMed has no record of this PMID"


def test_fetch_works_rejects_other_kinds_as_rows(server, tmp_path):
    settings = server.settings(tmp_path)
    session, _ = session_for(settings)
    works, failures = pubmed.fetch_works([Identifier("doi", "10.1038/srep16696")],
                                         settings=settings, session=session)
    assert works == [] and failures[0][1] == "PubMed looks up PMIDs only"
    assert server.count() == 0


@pytest.mark.parametrize("path", sorted(NCBI.glob("efetch_pubmed_*.xml")), ids=lambda p: p.stem)
def test_every_recorded_efetch_parses(path):
    works = pubmed.parse_efetch(reply_for(path.name))
    named = path.stem.split("_")[2]  # efetch_pubmed_<first PMID>_...
    pmids = [w.pmid for w in works]
    assert named in pmids or path.stem.endswith("html_tags")  # that file holds 27797938
    for w in works:
        assert w.title and w.authors and w.journal and w.year
        assert w.pmid.isdigit() and w.doi == w.doi.lower()
        assert w.publication_types
