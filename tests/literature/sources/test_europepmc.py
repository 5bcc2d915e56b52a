"""Europe PMC client against the recorded search responses."""

from __future__ import annotations

import json
import re

import pytest

from reviewtools.errors import NetworkError
from reviewtools.literature.identifiers import Identifier
from reviewtools.literature.sources import europepmc
from tests.literature.sources import EPMC, FixtureServer, session_for


@pytest.fixture
def server():
    with FixtureServer() as srv:
        yield srv


def records(name: str) -> list[dict]:
    return json.loads((EPMC / name).read_text())["resultList"]["result"]


def test_core_record_fields():
    w = europepmc.parse_result(records("search_query-cancer_resultType-core.json")[2])
    assert w.title.startswith("The role of psychological flexibility")
    assert w.authors[:2] == ["Al-Abbadey, Miznah", "Tomescu-Stachie, Sonia"]
    assert (w.journal, w.year, w.volume, w.issue, w.pages) == (
        "British journal of health psychology", 2025, "30", "3", "e12807")
    assert (w.pmid, w.doi) == ("40468710", "10.1111/bjhp.12807")
    assert "Neoplasms" in w.mesh
    assert w.abstract.startswith("Objective: This study investigated")
    assert "Design: " in w.abstract
    assert not re.search(r"</?[a-z]", w.abstract)
    assert w.source == "europepmc"


def test_erratum_record_points_at_the_corrected_article():
    w = europepmc.parse_result(records("search_query-cancer_resultType-core.json")[1])
    assert w.pmcid == "PMC12124214"
    assert "Published Erratum" in w.publication_types
    [notice] = w.notices
    assert (notice.kind, notice.pmid, notice.doi) == ("correction of", "39293462",
                                                      "10.1016/s0140-6736(24)01653-2")


def test_every_core_record_parses_with_a_title():
    works = [europepmc.parse_result(r)
             for r in records("search_query-cancer_resultType-core.json")]
    assert len(works) == 25
    assert all(w.title and w.year for w in works)
    designs = {w.design for w in works}
    assert {"Systematic Review", "Observational Study"} <= designs


def test_lite_record_authors_from_author_string():
    w = europepmc.parse_result(records("search_query-cancer_resultType-lite.json")[0])
    assert w.authors == ["Schoenfeld, JD", "Haas-Kogan, DA", "O'Neill, AF"]
    assert w.journal == "Lancet"


def test_search_sends_core_json_query(server, tmp_path):
    settings = server.settings(tmp_path)
    session, _ = session_for(settings)
    works = europepmc.search("cancer", limit=5, settings=settings, session=session)
    assert len(works) == 5
    [req] = server.requests
    assert req.params == {"query": "cancer", "format": "json", "resultType": "core",
                          "pageSize": "5"}


def test_search_without_hits(server, tmp_path):
    settings = server.settings(tmp_path)
    session, _ = session_for(settings)
    assert europepmc.search("asdkfjhasdkfjhasdfasdasdasdfgsagsd", settings=settings,
                            session=session) == []


def test_fetch_works_by_pmcid_pmid_and_doi_in_one_query(server, tmp_path):
    settings = server.settings(tmp_path)
    session, _ = session_for(settings)
    ids = [Identifier("pmcid", "PMC12120539"), Identifier("pmid", "40468710"),
           Identifier("doi", "10.3238/arztebl.m2025.0086"), Identifier("pmcid", "PMC1")]
    works, failures = europepmc.fetch_works(ids, settings=settings, session=session)
    assert [w.doi for w in works] == ["10.1002/hpja.70059", "10.1111/bjhp.12807",
                                      "10.3238/arztebl.m2025.0086"]
    assert failures == [(Identifier("pmcid", "PMC1"), "Europe PMC has no record of this PMCID")]
    [req] = server.requests
    assert "PMCID:PMC12120539" in req.params["query"] and " OR " in req.params["query"]


def test_html_page_instead_of_json(server, tmp_path):
    from tests.literature.sources import Fault, html_error_page
    settings = server.settings(tmp_path)
    session, _ = session_for(settings)
    server.add_fault("/europepmc", Fault("body", body=html_error_page(),
                                         content_type="text/html"))
    with pytest.raises(NetworkError, match="an HTML page instead of JSON"):
        europepmc.search("cancer", settings=settings, session=session)
