"""CSL-JSON import on the real manubot and Crossref CSL-JSON records."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewtools.errors import InputError
from reviewtools.literature.importers import csljson, read_file
from tests.conftest import FIXTURES

DOI = FIXTURES / "doi"


def test_manubot_csl_json():
    [rec] = read_file(DOI / "10.1098_rsif.2017.0387.csl.manubot-raw.json").records
    assert rec.title == "Opportunities and obstacles for deep learning in biology and medicine"
    assert (rec.doi, rec.pmid, rec.pmcid, rec.year) == ("10.1098/rsif.2017.0387", "29618526",
                                                        "PMC5938574", 2018)
    assert rec.authors[0] == "Ching, Travers" and len(rec.authors) == 36


def test_crossref_csl_json_abstract_loses_its_jats_tags():
    [rec] = read_file(DOI / "10.1126_science.169.3946.635.csl.json").records
    assert rec.abstract.startswith("The train of thought pursued in this article")
    assert "<jats" not in rec.abstract and rec.pages == "635-641"


def test_bad_json_is_one_clear_error():
    with pytest.raises(InputError, match="not JSON"):
        csljson.read("[{", "x.json")


@given(st.lists(st.text(min_size=1, max_size=40).filter(str.strip), min_size=1, max_size=4))
def test_round_trip(titles):
    data = [{"title": t, "author": [{"family": "Smith", "given": "J"}],
             "issued": {"date-parts": [[2020]]}} for t in titles]
    result = csljson.read(json.dumps(data), "x.json")
    assert len(result.records) + len(result.problems) == len(titles)
    assert all(r.year == 2020 and r.authors == ["Smith, J"] for r in result.records)
