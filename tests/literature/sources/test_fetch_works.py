"""fetch_works and search: routing, batching, failures as rows, cache and offline re-runs."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from reviewtools.errors import InputError, OfflineError
from reviewtools.literature.identifiers import Identifier, parse_identifiers
from reviewtools.literature.sources import SOURCES, fetch_works, get_source, search
from reviewtools.literature.works import Work
from tests.literature.sources import OPENALEX, FixtureServer, session_for

MIXED = ["28731372", "pmid:9997", "PMC12124214", "https://doi.org/10.1371/journal.pone.0033693",
         "10.7717/PEERJ.4375", "10.5555/not-registered", "99999999"]


@pytest.fixture
def server():
    with FixtureServer() as srv:
        yield srv


def run(server, settings, texts):
    ids, bad = parse_identifiers(texts)
    assert bad == []
    session, _ = session_for(settings)
    return fetch_works(ids, settings=settings, session=session)


def test_mixed_identifiers_take_the_cheapest_routes(server, tmp_path):
    settings = server.settings(tmp_path)
    works, failures = run(server, settings, MIXED)
    assert [(w.source, w.pmid or w.doi) for w in works] == [
        ("pubmed", "28731372"), ("pubmed", "9997"),
        ("europepmc", "39709208"),  # PMCID -> Europe PMC; PubMed has no record of its PMID here
        ("crossref", "10.1371/journal.pone.0033693"),  # OpenAlex miss -> Crossref
        ("openalex", "29456894"),
    ]
    assert [(str(i), r) for i, r in failures] == [
        ("doi:10.5555/not-registered",
         "OpenAlex has no record of this DOI; Crossref has no record of this DOI"),
        ("pmid:99999999", "PubMed has no record of this PMID"),
    ]
    paths = [r.path for r in server.requests]
    assert paths.count("/europepmc/search") == 1
    assert paths.count("/ncbi/efetch.fcgi") == 1  # PMIDs and the converted PMCID together
    assert paths.count("/openalex/works") == 1
    assert sorted(p for p in paths if p.startswith("/crossref")) == [
        "/crossref/works/10.1371/journal.pone.0033693", "/crossref/works/10.5555/not-registered"]


def test_same_work_through_two_identifiers_appears_once(server, tmp_path):
    settings = server.settings(tmp_path)
    works, failures = run(server, settings, ["28731372", "PMC6108041", "10.7717/peerj.4375"])
    # PMC6108041 is not in the recorded Europe PMC answer: a row, not a crash
    assert [w.pmid for w in works] == ["28731372", "29456894"]
    assert [str(i) for i, _ in failures] == ["pmcid:PMC6108041"]


def test_450_pmids_take_3_efetch_requests(server, tmp_path):
    settings = server.settings(tmp_path)
    texts = ["28731372", "35649368", "38833988"] + [str(41_000_000 + n) for n in range(447)]
    works, failures = run(server, settings, texts)
    assert server.count("/ncbi/efetch") == 3
    assert server.count() == 3
    assert len(works) == 3 and len(failures) == 447


def test_120_dois_take_3_openalex_requests(server, tmp_path):
    settings = server.settings(tmp_path)
    listing = json.loads((OPENALEX / "works_list_search-machine-learning-AND-public-health"
                                      "_per-page-200.json").read_text())
    real = [r["doi"] for r in listing["results"] if r["doi"]]
    texts = real + [f"10.5555/x{n}" for n in range(120 - len(real))]
    works, failures = run(server, settings, texts)
    assert server.count("/openalex") == 3
    assert len(works) == len(real)
    assert server.count("/crossref") == len(failures) == 120 - len(real)  # misses only


def test_second_run_makes_no_requests(server, tmp_path):
    settings = server.settings(tmp_path)
    first, first_failures = run(server, settings, MIXED)
    sent = server.count()
    assert sent > 0 and not any(w.cached for w in first)
    again, again_failures = run(server, settings, MIXED)  # a new session, same cache folder
    assert server.count() == sent
    assert all(w.cached for w in again)
    assert [w.to_dict() | {"cached": False, "fetched_at": ""} for w in again] == \
           [w.to_dict() | {"fetched_at": ""} for w in first]
    assert again_failures == first_failures  # the Crossref 404 is remembered too


def test_offline_with_warm_cache_works(server, tmp_path):
    settings = server.settings(tmp_path)
    first, _ = run(server, settings, MIXED)
    sent = server.count()
    works, _ = run(server, replace(settings, offline=True), MIXED)
    assert server.count() == sent
    assert [w.title for w in works] == [w.title for w in first]


def test_offline_with_empty_cache_fails_clearly(server, tmp_path):
    settings = server.settings(tmp_path, offline=True)
    with pytest.raises(OfflineError) as info:
        run(server, settings, ["28731372", "10.7717/peerj.4375"])
    assert "offline mode" in str(info.value)
    assert info.value.url.startswith(f"{server.url}/ncbi/efetch.fcgi?db=pubmed&id=28731372")
    assert server.count() == 0
    session, _ = session_for(settings)
    with pytest.raises(OfflineError) as info:
        search("cancer", source="europepmc", settings=settings, session=session)
    assert info.value.url.startswith(f"{server.url}/europepmc/search?query=cancer")


def test_api_key_is_neither_in_cache_keys_nor_stored(server, tmp_path):
    settings = server.settings(tmp_path, ncbi_api_key="KEY-abc-123-secret")
    run(server, settings, ["28731372"])
    assert server.requests[0].params["api_key"] == "KEY-abc-123-secret"
    stored = b"".join(p.read_bytes() for p in (tmp_path / "cache" / "http").iterdir())
    assert b"28731372" in stored  # the answer is there...
    assert b"KEY-abc-123-secret" not in stored  # ...the key is not
    run(server, replace(settings, ncbi_api_key="another-key"), ["28731372"])
    assert server.count() == 1  # a different key is the same cache entry


def test_search_sources_and_unknown_source(server, tmp_path):
    settings = server.settings(tmp_path)
    session, _ = session_for(settings)
    assert set(SOURCES) == {"pubmed", "europepmc", "crossref", "openalex"}
    works = search("cancer", source="europepmc", limit=3, settings=settings, session=session)
    assert len(works) == 3 and all(isinstance(w, Work) for w in works)
    with pytest.raises(InputError) as info:
        search("cancer", source="scopus", settings=settings, session=session)
    assert "pubmed" in str(info.value) and "openalex" in str(info.value)
    with pytest.raises(InputError, match="empty search query"):
        search("  ", settings=settings, session=session)
    assert get_source("Europe_PMC").NAME == "europepmc"


def test_work_round_trip_through_dict(server, tmp_path):
    works, _ = run(server, server.settings(tmp_path), MIXED)
    for w in works:
        assert Work.from_dict(json.loads(json.dumps(w.to_dict()))) == w
    with pytest.raises(InputError, match="unknown work field"):
        Work.from_dict({"title": "x", "colour": "red"})
    assert works[0].identifiers() == [Identifier("doi", "10.1177/1352458517722646"),
                                      Identifier("pmid", "28731372"),
                                      Identifier("pmcid", "PMC6108041")]


def test_citation_and_notebook_display(server, tmp_path):
    works, _ = run(server, server.settings(tmp_path), ["28731372", "10.1371/journal.pone.0033693"])
    rct, plos = works
    assert rct.citation() == (
        "Rolf et al. (2018) Exploring the effect of vitamin D3 supplementation on the anti-EBV "
        "antibody response in relapsing-remitting multiple sclerosis. Multiple sclerosis "
        "(Houndmills, Basingstoke, England) 24(10):1280-1287")
    shown = rct._repr_html_()
    assert "<i>Randomized Controlled Trial</i>" in shown
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/28731372/"' in shown
    assert "<b>[correction]</b>" in plos._repr_html_()
    odd = Work(title="<script>alert(1)</script>", retracted=True)
    assert "<script>" not in odd._repr_html_() and "RETRACTED" in odd._repr_html_()


def test_progress_is_reported_per_service_batch_up_to_the_total(server, tmp_path):
    settings = server.settings(tmp_path)
    ids, _ = parse_identifiers(MIXED)
    session, _ = session_for(settings)
    seen: list[tuple[int, int]] = []
    fetch_works(ids, settings=settings, session=session, progress=lambda d, t: seen.append((d, t)))
    assert [t for _, t in seen] == [len(ids)] * 3  # PMCIDs, PMIDs, DOIs
    assert [d for d, _ in seen] == sorted(d for d, _ in seen) and seen[-1][0] == len(ids)
