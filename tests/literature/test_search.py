"""Candidate search for a claim, screening decisions and PRISMA counts.

``reviewtools.literature.sources.search`` is replaced by a function returning Work objects read from
the real recorded PubMed and Europe PMC responses in ../shared/fixtures.
"""

from __future__ import annotations

import dataclasses
import re

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from reviewtools.errors import IdentifierError, InputError, NotFoundError, OfflineError
from reviewtools.literature import sources
from reviewtools.literature.refs import upsert
from reviewtools.literature.search import (
    build_query,
    load_screening,
    outcome_terms,
    prisma_counts,
    protocol_query,
    record_id,
    screen,
    screening_path,
    screening_table,
    search_candidates,
)
from reviewtools.model.protocol import ConceptBlock, Intervention, Outcome, Protocol
from reviewtools.store.files import load_record
from tests.conftest import PROTOCOL
from tests.literature.test_refs import europepmc_works, pubmed_work

PUBMED_FILES = ["efetch_pubmed_28731372_rct.xml", "efetch_pubmed_35830032_meta-analysis.xml",
                "efetch_pubmed_33856845_systematic-review.xml",
                "efetch_pubmed_38704912_observational-study.xml"]
SHIPPED = load_record(PROTOCOL, Protocol)
T = SHIPPED.intervention_terms()  # the shipped protocol's intervention block


# ---- query builder ---------------------------------------------------------------------------

def test_build_query_for_real_claims():
    q = build_query("individuals receiving regular foot massage experience improvements in "
                    "sleep latency", T)
    assert q == ('("foot massage" OR "foot reflexology" OR reflexology OR "plantar massage") '
                 'AND ("sleep latency" OR sleep OR insomnia)')
    q = build_query("This shift is associated with decreased heart rate, lowered blood "
                    "pressure, and diminished hyperarousal", ["foot massage"])
    assert q == ('("foot massage") AND ("blood pressure" OR hypertension OR "heart rate" '
                 'OR stress)')
    assert build_query("Circulatory efficiency is a cornerstone of systemic health",
                       ["reflexology"]) == "(reflexology) AND (circulation OR \"blood flow\")"


def test_the_protocol_gives_the_query():
    sauna = Protocol(review="sauna", question="Does sauna bathing help?",
                     intervention=Intervention(name="sauna bathing", synonyms=["sauna"]),
                     outcomes=[Outcome(id="bp", name="blood pressure", importance="important",
                                       direction="lower is better",
                                       terms=["blood pressure", "hypertension"])])
    q = protocol_query("Regular sauna use lowers blood pressure", sauna)
    assert q == '("sauna bathing" OR sauna) AND ("blood pressure" OR hypertension)'
    sauna.search.blocks = [ConceptBlock(name="intervention", terms=["sauna", "Finnish bath"]),
                           ConceptBlock(name="population", terms=["adults"])]
    q = protocol_query("Regular sauna use lowers blood pressure", sauna)
    assert q == ('(sauna OR "Finnish bath") AND (adults) AND ("blood pressure" OR '
                 'hypertension)')
    # a claim naming none of the protocol's outcomes falls back to the general vocabulary
    assert protocol_query("Saunas help you sleep", sauna).endswith("AND (sleep OR insomnia)")
    assert "massage" not in q and "reflexology" not in q


def test_outcome_terms_fall_back_to_content_words():
    assert outcome_terms("Foot massage supports gastrointestinal motility", T) == [
        "gastrointestinal", "motility"]
    assert build_query("Foot massage is nice", T).endswith('"plantar massage")')
    assert len([t for t in outcome_terms("sleep anxiety pain mood fatigue cortisol", T)]) >= 4


def test_build_query_needs_an_intervention():
    with pytest.raises(InputError):
        build_query("sleep", [])
    with pytest.raises(InputError):
        build_query("sleep", ["  "])


@given(st.text(max_size=200), st.lists(st.text(min_size=1, max_size=20), min_size=1,
                                       max_size=4))
def test_queries_are_well_formed(claim, terms):
    terms = [t for t in terms if t.strip() and re.sub(r"[\"()\[\]\s]", "", t)]
    if not terms:
        return
    q = build_query(claim, terms)
    depth = 0
    for c in q.replace('"(', "").replace(')"', ""):
        depth += {"(": 1, ")": -1}.get(c, 0)
        assert depth >= 0
    assert depth == 0 and q.count('"') % 2 == 0 and q.startswith("(")


# ---- candidate search ------------------------------------------------------------------------

@pytest.fixture
def found():
    pubmed = [pubmed_work(f) for f in PUBMED_FILES]
    epmc = europepmc_works()
    # Europe PMC also finds the RCT (same PMID) and one record PubMed found, without ids
    # but with the same title and year
    again = dataclasses.replace(pubmed[0], source="europepmc")
    no_ids = dataclasses.replace(pubmed[1], doi="", pmid="", pmcid="", title=pubmed[1].title
                                 .upper(), source="europepmc")
    return {"pubmed": pubmed, "europepmc": [again, *epmc[:5], no_ids]}


@pytest.fixture
def fake_search(monkeypatch, found):
    calls = []

    def search(query, *, source="pubmed", limit=20, settings=None, session=None):
        calls.append((query, source, limit))
        return found[source][:limit]
    monkeypatch.setattr(sources, "search", search)
    return calls


def test_search_candidates(review, fake_search, found):
    upsert(review.settings.bib_path, [found["pubmed"][0]], verified_source="pubmed",
           date="2026-11-27")
    df = search_candidates(review, "sleep-04", limit=10)
    assert [s for _, s, _ in fake_search] == ["pubmed", "europepmc"]
    assert len({q for q, _, _ in fake_search}) == 1 and "sleep latency" in fake_search[0][0]
    assert len(df) == 4 + 5  # RCT and the title-only twin merged
    assert df["id"].is_unique
    rct = df.set_index("id").loc["pmid:28731372"]
    assert rct.sources == "pubmed,europepmc" and rct.in_bib == "rolf2018exploring"
    assert rct.design == "Randomized Controlled Trial" and rct.year == 2018
    meta = df.set_index("id").loc["pmid:35830032"]
    assert meta.sources == "pubmed,europepmc" and meta.design == "Meta-Analysis"
    assert (df["in_bib"] == "").sum() == len(df) - 1
    assert df["abstract"].str.len().max() <= 240

    screening = load_screening(review, "sleep-04")
    assert [(r.source, r.count) for r in screening.searches] == [("pubmed", 4),
                                                                 ("europepmc", 7)]
    assert screening.searches[0].ids[0] == "pmid:28731372"
    on_disk = yaml.safe_load(screening_path(review, "sleep-04").read_text())
    assert on_disk["claim"] == "sleep-04" and on_disk["revision"] == 1

    # re-running with the same results records nothing new
    search_candidates(review, "sleep-04", limit=10)
    assert load_screening(review, "sleep-04").revision == 1


def test_offline_error_propagates_and_records_nothing(review, monkeypatch):
    def offline(query, **kw):
        raise OfflineError("offline mode: this PubMed answer is not in the cache",
                           url="https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esearch.fcgi")
    monkeypatch.setattr(sources, "search", offline)
    with pytest.raises(OfflineError):
        search_candidates(review, "sleep-04")
    assert not screening_path(review, "sleep-04").exists()


def test_offline_without_cache_through_the_real_clients(review):
    offline = dataclasses.replace(review.settings, offline=True)
    with pytest.raises(OfflineError):
        search_candidates(review, "sleep-04", settings=offline)
    assert not screening_path(review, "sleep-04").exists()


def test_unknown_claim(review, fake_search):
    with pytest.raises(NotFoundError):
        search_candidates(review, "sleep-99")
    assert fake_search == []


def test_record_ids(found):
    assert record_id(found["pubmed"][0]) == "pmid:28731372"
    no_pmid = dataclasses.replace(found["pubmed"][0], pmid="")
    assert record_id(no_pmid) == "doi:10.1177/1352458517722646"
    bare = dataclasses.replace(no_pmid, doi="")
    assert re.fullmatch(r"title:[0-9a-f]{12}", record_id(bare))
    assert record_id(dataclasses.replace(bare, title=bare.title.upper())) == record_id(bare)


# ---- screening and PRISMA --------------------------------------------------------------------

def test_screen_and_count(review, fake_search):
    search_candidates(review, "sleep-04", limit=10)
    screen(review, "sleep-04", "28731372", "include", "", "ann", title="Vitamin D RCT")
    screen(review, "sleep-04", "pmid:35830032", "exclude", "not foot massage", "ann")
    screen(review, "sleep-04", "https://pubmed.ncbi.nlm.nih.gov/33856845/", "exclude",
           "not foot massage", "ann")
    screen(review, "sleep-04", "doi:10.1000/elsewhere", "maybe", "found by hand", "ann")
    counts = prisma_counts(review, "sleep-04")
    assert counts == {"identified": 4 + 7 + 1, "duplicates_removed": 1, "screened": 4,
                      "excluded": 2, "included": 1, "maybe": 1, "not_screened": 10 - 3,
                      "other_sources": 1, "exclusion_reasons": {"not foot massage": 2}}
    assert prisma_counts(review) == counts  # only one claim has searches
    table = screening_table(review, "sleep-04")
    assert list(table["id"])[:2] == ["pmid:28731372", "pmid:35830032"]
    assert table.iloc[0]["title"] == "Vitamin D RCT"


def test_screening_rules(review, fake_search):
    search_candidates(review, "sleep-04", limit=10)
    with pytest.raises(InputError, match="reason"):
        screen(review, "sleep-04", "pmid:28731372", "exclude", "  ", "ann")
    with pytest.raises(InputError, match="decision"):
        screen(review, "sleep-04", "pmid:28731372", "accept", "", "ann")
    with pytest.raises(IdentifierError):
        screen(review, "sleep-04", "not an id", "include", "", "ann")
    with pytest.raises(NotFoundError):
        screen(review, "sleep-99", "pmid:28731372", "include", "", "ann")
    first = screen(review, "sleep-04", "pmid:28731372", "include", "", "ann")
    rev = load_screening(review, "sleep-04").revision
    assert screen(review, "sleep-04", "pmid:28731372", "include", "", "ann") == first
    assert load_screening(review, "sleep-04").revision == rev  # idempotent
    screen(review, "sleep-04", "pmid:28731372", "exclude", "wrong population", "bob")
    screen(review, "sleep-04", "pmid:28731372", "exclude", "wrong outcome", "ann")
    decisions = load_screening(review, "sleep-04").decisions
    assert sorted((d.by, d.decision) for d in decisions) == [("ann", "exclude"),
                                                             ("bob", "exclude")]
    assert prisma_counts(review, "sleep-04")["exclusion_reasons"] == {"wrong outcome": 1}


def test_the_review_counts_each_record_once_however_many_claims_screened_it(review,
                                                                           fake_search):
    search_candidates(review, "sleep-04", limit=10)
    search_candidates(review, "sleep-01", limit=10)
    screen(review, "sleep-04", "pmid:28731372", "include", "", "ann")
    screen(review, "sleep-01", "pmid:28731372", "exclude", "wrong outcome", "ann")
    screen(review, "sleep-01", "pmid:35830032", "exclude", "wrong outcome", "ann")
    screen(review, "sleep-04", "pmid:35830032", "exclude", "not the intervention", "ann")
    per_claim = [prisma_counts(review, c) for c in ("sleep-04", "sleep-01")]
    whole = prisma_counts(review)
    assert whole["screened"] == 2 < sum(c["screened"] for c in per_claim)
    assert whole["included"] == 1 and whole["excluded"] == 1  # included for one claim: in
    # both claims' searches found the same records: after de-duplication they are one set
    unique = per_claim[0]["identified"] - per_claim[0]["duplicates_removed"]
    assert whole["identified"] - whole["duplicates_removed"] == unique
    assert whole["exclusion_reasons"] == {"not the intervention": 1}  # the latest reason


def test_the_prisma_flow_diagram_draws_the_counts(review, fake_search):
    from reviewtools.export.plotting import render
    from reviewtools.export.prisma import prisma_figure
    search_candidates(review, "sleep-04", limit=10)
    screen(review, "sleep-04", "pmid:35830032", "exclude", "wrong outcome", "ann")
    svg = render(prisma_figure(prisma_counts(review)), "svg").decode()
    for text in ("Records screened", "(n = 1)", "Records excluded", "wrong outcome",
                 "Duplicates removed"):
        assert text in svg
    assert svg == render(prisma_figure(prisma_counts(review)), "svg").decode()


def test_prisma_counts_empty(review):
    assert prisma_counts(review)["identified"] == 0
    assert prisma_counts(review, "sleep-04")["screened"] == 0


def test_a_protocol_question_is_screened_and_its_searches_logged(review):
    """Screening per question (one outcome x comparison), as a protocol's searches are run."""
    from reviewtools.literature.search import log_search
    log_search(review, "pain-vs-sham", "sham reflexology pain", "pages",
               ["pmid:17459741", "doi:10.1000/xyz"], date="2026-12-02T01:00:00Z")
    screen(review, "pain-vs-sham", "pmid:17459741", "include", "", "ann", title="A trial")
    screen(review, "pain-vs-sham", "doi:10.1000/xyz", "exclude", "wrong comparator", "ann")
    counts = prisma_counts(review)
    assert (counts["identified"], counts["screened"], counts["included"]) == (2, 2, 1)
    assert prisma_counts(review, "pain-vs-sham") == counts
    assert load_screening(review, "pain-vs-sham").searches[0].source == "pages"
    with pytest.raises(NotFoundError):
        screen(review, "pain-vs-nothing", "pmid:17459741", "include", "", "ann")
    with pytest.raises(InputError, match="query"):
        log_search(review, "pain-vs-sham", " ", "pages", [])


def test_replaying_a_logged_search_with_its_date_records_nothing_new(review):
    """A notebook replays the search log as recorded: an earlier run of a query that was run
    again later (other hits) is already there, so logging it again with its date changes
    nothing (found writing notebooks from the evidence)."""
    from reviewtools.literature.search import log_search, screening_path
    first = ("sham reflexology pain", "pages", ["pmid:17459741"], "2026-12-01T10:00:00Z")
    second = ("sham reflexology pain", "pages", ["pmid:17459741", "doi:10.1000/xyz"],
              "2026-12-02T10:00:00Z")
    for query, source, ids, date in (first, second):
        log_search(review, "pain-vs-sham", query, source, ids, date=date)
    path = screening_path(review, "pain-vs-sham")
    before = path.read_bytes()
    for query, source, ids, date in (first, second):
        log_search(review, "pain-vs-sham", query, source, ids, date=date)
    assert path.read_bytes() == before
    assert len(load_screening(review, "pain-vs-sham").searches) == 2
    log_search(review, "pain-vs-sham", *first[:3])  # run again today: a new run
    assert len(load_screening(review, "pain-vs-sham").searches) == 3


def test_one_study_screened_under_its_doi_and_its_pmid_is_one_record(review):
    """Screening files written at different times name one study by different identifiers
    (the synthetic bib's trial2020a has DOI 10.0000/synthetic.a; add its PMID): PRISMA counts
    it once, through references.bib."""
    from reviewtools.literature.search import log_search
    bib = review.settings.bib_path
    bib.write_text(bib.read_text(encoding="utf-8").replace(
        "  doi = {10.0000/synthetic.a},\n", "  doi = {10.0000/synthetic.a},\n  pmid = {777},\n", 1),
        encoding="utf-8")
    log_search(review, "pain-vs-sham", "q1", "pages", ["doi:10.0000/synthetic.a"])
    log_search(review, "sleep-04", "q2", "pages", ["pmid:777"])
    screen(review, "pain-vs-sham", "doi:10.0000/synthetic.a", "include", "", "ann")
    screen(review, "sleep-04", "pmid:777", "include", "", "ann")
    counts = prisma_counts(review)
    assert (counts["identified"], counts["duplicates_removed"]) == (2, 1)
    assert (counts["screened"], counts["included"]) == (1, 1)
