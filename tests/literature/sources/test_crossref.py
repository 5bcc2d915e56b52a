"""Crossref client against the recorded habanero responses."""

from __future__ import annotations

import json
import re

import pytest

from reviewtools.literature.identifiers import Identifier
from reviewtools.literature.sources import crossref
from tests.literature.sources import CROSSREF, FixtureServer, session_for

PLOS = "10.1371/journal.pone.0033693"


@pytest.fixture
def server():
    with FixtureServer() as srv:
        yield srv


def message(name: str) -> dict:
    return json.loads((CROSSREF / name).read_text())["message"]


def test_correction_notice_from_updated_by():
    w = crossref.parse_message(message("works_10.1371_journal.pone.0033693.json"))
    assert w.title == ("Methylphenidate Exposure Induces Dopamine Neuron Loss and Activation "
                       "of Microglia in the Basal Ganglia of Mice")
    assert w.authors[:2] == ["Sadasivan, Shankar", "Pond, Brooks B."]
    assert (w.journal, w.year, w.volume, w.issue, w.pages) == ("PLoS ONE", 2012, "7", "3",
                                                               "e33693")
    [notice] = w.notices
    assert notice.kind == "correction"
    assert notice.doi == "10.1371/annotation/c76da2c1-ccb8-4797-94c1-359d3ceceeda"
    assert notice.label == "Correction"
    assert not w.retracted  # a correction is not a retraction


def test_jats_abstract_is_plain_text():
    w = crossref.parse_message(message("works_10.1002_jor.1100150407.json"))
    assert w.title.startswith("Growth hormone secretagogue increases muscle strength")
    assert w.abstract.startswith("Twenty")
    assert not re.search(r"</?[a-z]", w.abstract)


@pytest.mark.parametrize("name", sorted(p.name for p in CROSSREF.glob("works_10.*.json")))
def test_every_recorded_work_parses(name):
    msg = message(name)
    w = crossref.parse_message(msg)
    assert w.doi == msg["DOI"].lower()
    assert w.title == " ".join(msg["title"][0].split())
    assert w.year is not None and w.source == "crossref"


def test_fetch_works_one_request_per_doi_and_404_as_row(server, tmp_path):
    settings = server.settings(tmp_path)
    session, _ = session_for(settings)
    ids = [Identifier("doi", PLOS), Identifier("doi", "10.1038/srep16696"),
           Identifier("doi", "10.9999/not-registered")]
    works, failures = crossref.fetch_works(ids, settings=settings, session=session)
    assert [w.doi for w in works] == [PLOS, "10.1038/srep16696"]
    assert failures == [(ids[2], "Crossref has no record of this DOI")]
    assert [r.path for r in server.requests] == [
        f"/crossref/works/{PLOS}", "/crossref/works/10.1038/srep16696",
        "/crossref/works/10.9999/not-registered"]
    assert all(r.params["mailto"] == settings.email for r in server.requests)


def test_search(server, tmp_path):
    settings = server.settings(tmp_path)
    session, _ = session_for(settings)
    works = crossref.search("ecology", limit=2, settings=settings, session=session)
    assert len(works) == 2 and all(w.title for w in works)
    assert server.requests[0].params["rows"] == "2"
