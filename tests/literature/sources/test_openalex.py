"""OpenAlex client against the recorded work and list responses."""

from __future__ import annotations

import json

import pytest

from reviewtools.literature.identifiers import Identifier
from reviewtools.literature.sources import openalex
from tests.literature.sources import OPENALEX, FixtureServer, session_for

LIST = "works_list_search-machine-learning-AND-public-health_per-page-200.json"


@pytest.fixture
def server():
    with FixtureServer() as srv:
        yield srv


def test_work_fields_and_abstract_from_inverted_index():
    w = openalex.parse_work(json.loads((OPENALEX / "works_W2741809807.json").read_text()))
    assert w.title.startswith("The state of OA")
    assert w.authors[:2] == ["Piwowar, Heather", "Priem, Jason"]
    assert (w.journal, w.year, w.volume, w.pages) == ("PeerJ", 2018, "6", "e4375")
    assert (w.doi, w.pmid, w.pmcid) == ("10.7717/peerj.4375", "29456894", "PMC5815332")
    assert w.abstract.startswith("Despite growing interest in Open Access (OA)")
    assert not w.retracted and w.source == "openalex"


def test_every_listed_work_parses():
    data = json.loads((OPENALEX / LIST).read_text())
    works = [openalex.parse_work(r) for r in data["results"]]
    assert len(works) == 49
    assert all(w.title for w in works)
    with_doi = [w for w in works if w.doi]
    assert all(not w.doi.startswith("https://") for w in with_doi)


def test_dois_batched_50_per_request(server, tmp_path):
    settings = server.settings(tmp_path)
    session, _ = session_for(settings)
    data = json.loads((OPENALEX / LIST).read_text())
    real = [r["doi"].removeprefix("https://doi.org/") for r in data["results"] if r["doi"]]
    ids = [Identifier("doi", d) for d in real] + \
          [Identifier("doi", f"10.5555/missing.{n}") for n in range(120 - len(real))]
    works, failures = openalex.fetch_works(ids, settings=settings, session=session)
    assert server.count("/openalex/works") == 3  # 120 DOIs -> ceil(120 / 50)
    batches = [r.params["filter"].removeprefix("doi:").split("|") for r in server.requests]
    assert [len(b) for b in batches] == [50, 50, 20]
    assert {w.doi for w in works} == {d.lower() for d in real}
    assert len(failures) == 120 - len(real)
    assert failures[0][1] == "OpenAlex has no record of this DOI"


def test_search(server, tmp_path):
    settings = server.settings(tmp_path)
    session, _ = session_for(settings)
    works = openalex.search("machine learning AND public health", limit=10, settings=settings,
                            session=session)
    assert len(works) == 10
    assert server.requests[0].params["search"] == "machine learning AND public health"


def test_doi_that_breaks_the_filter_syntax_is_a_miss_not_a_request(server, tmp_path):
    settings = server.settings(tmp_path)
    session, _ = session_for(settings)
    odd = Identifier("doi", "10.1002/(sici)1097-0258(19980430)17:8<857::aid-sim777>3.0.co;2-e,x")
    works, failures = openalex.fetch_works([odd, Identifier("doi", "10.7717/peerj.4375")],
                                           settings=settings, session=session)
    assert [w.doi for w in works] == ["10.7717/peerj.4375"]
    assert failures == [(odd, "this DOI cannot be put in an OpenAlex filter")]
    assert server.requests[0].params["filter"] == "doi:10.7717/peerj.4375"
