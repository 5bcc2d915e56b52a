"""Ranked screening: candidates in order of relevance, re-ranked from the reviewer's decisions.

Before the reviewer has both included and excluded a record, candidates are ranked by their
TF-IDF cosine similarity to the question (the claim's text, or a protocol question's outcome,
comparator and intervention terms). Once there is at least one inclusion and one exclusion,
the decided records re-rank the undecided ones by Rocchio relevance feedback: the question's
TF-IDF vector (words and word pairs) moved towards the included records' centroid and away
from the excluded ones'. Each decision therefore changes the order of what is left to read,
the active-learning loop ASReview runs. (ASReview's classifiers, naive Bayes, logistic
regression and linear SVM on TF-IDF, were tried on the shipped review's abstracts and moved
relevant records *down* with a handful of decisions; Rocchio moved them up:
``tests/literature/test_ranking.py``.)

The ranking only orders the reading; it never decides. Every record still gets a
reviewer's decision (:func:`reviewtools.literature.search.screen`).

:func:`simulate` replays a finished screening in ranked order, as ASReview's simulation
mode does, for the benchmark in ``bench/bench_screening.py``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

QUERY_MODEL = "tf-idf cosine to the question"
ACTIVE_MODEL = "tf-idf + Rocchio relevance feedback (active learning)"
ROCCHIO = (0.75, 0.25)  # weights of the included and excluded centroids (Rocchio's classic)


@dataclass(frozen=True)
class Ranked:
    """One candidate's place: 1 = read first."""

    id: str
    rank: int
    score: float
    model: str


def _vectoriser():  # sklearn on first use: `reviewtools --version` stays cheap
    from sklearn.feature_extraction.text import TfidfVectorizer
    return TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, strip_accents="unicode",
                           stop_words="english", min_df=1)


def _by_query(texts: Sequence[str], query: str) -> list[float]:
    vec = _vectoriser()
    try:
        matrix = vec.fit_transform([query, *texts])
    except ValueError:  # nothing but stop words anywhere: no signal, keep the given order
        return [0.0] * len(texts)
    sims = (matrix[1:] @ matrix[0].T).toarray().ravel()
    return [float(s) for s in sims]


def _by_decisions(texts: Sequence[str], train: Sequence[str], labels: Sequence[bool],
                  query: str) -> list[float]:
    import numpy as np
    vec = _vectoriser()
    try:
        x_all = vec.fit_transform([*train, query, *texts])
    except ValueError:
        return [0.0] * len(texts)
    n = len(train)
    inc = [k for k in range(n) if labels[k]]
    exc = [k for k in range(n) if not labels[k]]
    centroid = lambda rows: np.asarray(x_all[rows].mean(axis=0)).ravel()  # noqa: E731
    profile = (x_all[n].toarray().ravel() + ROCCHIO[0] * centroid(inc)
               - ROCCHIO[1] * centroid(exc))
    return [float(s) for s in np.asarray(x_all[n + 1:] @ profile).ravel()]


def rank(candidates: Sequence[tuple[str, str]], question: str,
         decided: Mapping[str, tuple[str, bool]] | None = None) -> list[Ranked]:
    """Rank ``candidates`` (id, title + abstract) for ``question``.

    ``decided`` maps the ids the reviewer has decided to (text, included?); it may hold
    records that are not among the candidates (earlier searches). Candidates already decided
    are ranked after the undecided ones, in their given order, with their decision's
    score (1 included, 0 excluded).
    """
    decided = dict(decided or {})
    open_ = [(i, t) for i, t in candidates if i not in decided]
    labels = [inc for _t, inc in decided.values()]
    if any(labels) and not all(labels):
        model = ACTIVE_MODEL
        scores = _by_decisions([t for _i, t in open_], [t for t, _inc in decided.values()],
                               labels, question)
    else:
        model = QUERY_MODEL
        scores = _by_query([t for _i, t in open_], question)
    order = sorted(range(len(open_)), key=lambda k: (-scores[k], k))
    ranked = [Ranked(open_[k][0], n + 1, round(scores[k], 4), model)
              for n, k in enumerate(order)]
    done = [(i, t) for i, t in candidates if i in decided]
    ranked += [Ranked(i, len(ranked) + n + 1, 1.0 if decided[i][1] else 0.0, "decided")
               for n, (i, _t) in enumerate(done)]
    return ranked


@dataclass(frozen=True)
class Simulation:
    """A finished screening replayed in ranked order."""

    records: int
    inclusions: int
    read_for_95: int  # records read (prior ones included) to find 95% of the inclusions
    random_for_95: float  # the same, expected in random order
    wss_95: float  # work saved over sampling at 95% recall (ASReview's WSS@95)
    model: str


def _target(inclusions: int, recall: float) -> int:
    return max(1, math.ceil(recall * inclusions))


def simulate(records: Sequence[tuple[str, str, bool]], question: str, *, seed: int = 0,
             recall: float = 0.95) -> Simulation:
    """Replay ``records`` (id, text, included?) as a reviewer would read them ranked: start
    from one random inclusion and one random exclusion (ASReview's prior knowledge), then
    always read the top-ranked undecided record and learn from its label."""
    inc = [r for r in records if r[2]]
    exc = [r for r in records if not r[2]]
    if not inc or not exc:
        raise ValueError("a simulation needs at least one inclusion and one exclusion")
    rnd = random.Random(seed)
    prior = [rnd.choice(inc), rnd.choice(exc)]
    decided = {r[0]: (r[1], r[2]) for r in prior}
    found, need = 1, _target(len(inc), recall)
    read = 2
    left = [r for r in records if r[0] not in decided]
    truth = {r[0]: r for r in left}
    while found < need and left:
        top = rank([(r[0], r[1]) for r in left], question, decided)[0]
        rec = truth[top.id]
        decided[rec[0]] = (rec[1], rec[2])
        left = [r for r in left if r[0] != rec[0]]
        read += 1
        found += rec[2]
    n, k = len(records), len(inc)
    random_read = need * (n + 1) / (k + 1)  # expected position of the need-th inclusion
    wss = (n - read) / n - (1 - recall)
    return Simulation(n, k, read, round(random_read, 1), round(wss, 3), ACTIVE_MODEL)
