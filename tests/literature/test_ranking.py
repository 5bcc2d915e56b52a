"""Ranked screening on real records: the shipped review's stored abstracts and a real
PubMed export on an unrelated subject (dinosaurs) as the obvious exclusions."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewtools.literature.importers import read_file
from reviewtools.literature.ranking import ACTIVE_MODEL, QUERY_MODEL, rank, simulate

REPO = Path(__file__).resolve().parents[2]
MEDLINE = REPO.parent / "shared" / "fixtures" / "import" / "pubmed_medline_export_10_records.txt"


def _abstracts() -> dict[str, str]:
    out = {}
    for path in sorted((REPO / "evidence" / "abstracts").glob("*.yaml")):
        out[path.stem] = yaml.safe_load(path.read_text(encoding="utf-8"))["text"]
    return out


@pytest.fixture(scope="module")
def records() -> list[tuple[str, str]]:
    dinos = [(f"dino{i}", f"{r.title}. {r.abstract}")
             for i, r in enumerate(read_file(MEDLINE).records)]
    return [*_abstracts().items(), *dinos]


def test_before_any_decision_records_on_the_question_come_first(records):
    ranked = rank(records, "sleep quality insomnia Pittsburgh Sleep Quality Index")
    assert {r.model for r in ranked} == {QUERY_MODEL}
    assert [r.rank for r in ranked] == list(range(1, len(records) + 1))
    top = [r.id for r in ranked[:5]]
    text = dict(records)
    assert all("sleep" in text[i].lower() for i in top)
    assert all(r.id.startswith("dino") for r in ranked[-10:])  # the unrelated export last
    assert ranked[0].score >= ranked[-1].score


def test_decisions_re_rank_what_is_left(records):
    text = dict(records)
    question = "foot massage outcomes"
    before = [r.id for r in rank(records, question)]
    # the reviewer includes two sleep studies and excludes two pain ones
    sleep = [i for i in before if "sleep" in text[i].lower() and not i.startswith("dino")][:2]
    pain = [i for i in before if "pain" in text[i].lower() and "sleep" not in text[i].lower()][:2]
    decided = {i: (text[i], True) for i in sleep} | {i: (text[i], False) for i in pain}
    after = rank(records, question, decided)
    assert after[0].model == ACTIVE_MODEL
    assert [r.id for r in after[-4:]] == [i for i, _ in records if i in decided]  # last
    open_after = [r.id for r in after if r.model != "decided"]
    sleepy = [i for i in open_after if "sleep" in text[i].lower()]
    # the sleep records move up: their mean rank improves on the query-only order
    mean = lambda order, ids: sum(order.index(i) for i in ids) / len(ids)  # noqa: E731
    open_before = [i for i in before if i not in decided]
    assert mean(open_after, sleepy) < mean(open_before, sleepy)


def test_a_simulated_screening_reads_fewer_records_than_random_order(records):
    text = dict(records)
    labelled = [(i, t, "sleep" in t.lower()) for i, t in records]
    sim = simulate(labelled, "sleep quality", seed=1)
    assert sim.records == len(records) and sim.inclusions == sum(x[2] for x in labelled)
    assert 2 <= sim.read_for_95 <= sim.records
    assert sim.read_for_95 < sim.random_for_95 and sim.wss_95 > 0
    with pytest.raises(ValueError, match="inclusion"):
        simulate([(i, text[i], False) for i in list(text)[:3]], "sleep")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=40), min_size=1, max_size=8), st.text(max_size=30))
def test_any_text_is_ranked_once_each(texts, question):
    cands = [(f"r{i}", t) for i, t in enumerate(texts)]
    ranked = rank(cands, question)
    assert sorted(r.id for r in ranked) == sorted(i for i, _ in cands)
    assert sorted(r.rank for r in ranked) == list(range(1, len(cands) + 1))
