"""Benchmark metadata fetching: requests per identifier and wall time, cold and warm cache.

Serves the real recorded responses (../shared/fixtures) from a local HTTP server
(tests/sources/__init__.py) and points the four base URLs at it; the real rate limiters
and the real clock are used, so the NCBI limit (3 requests/s) shapes the timings.

    .venv/bin/python bench/bench_fetch.py [--pmids 1000] [--dois 1000] [--misses 20]

Identifiers: the recorded PMIDs and DOIs plus made-up ones up to the requested count (the
made-up ones are not found: the server answers as the services do for unknown ids, and
they cost the same requests). Parts:

1. PMIDs through ``fetch_works``: efetch, 200 per request.
2. DOIs through the OpenAlex batch route (50 per request). Each DOI OpenAlex does not
   know costs one Crossref request in ``fetch_works``; part 3 measures that on ``--misses``
   DOIs (Crossref's 5/s limit would make 950 misses take over three minutes).
4. The NCBI rate limiter under load: ``--ncbi-calls`` distinct esearch calls back to back.

Each part runs cold (empty cache) and warm (a new session on the same cache folder).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from reviewtools.http.session import make_session, session_state  # noqa: E402
from reviewtools.literature.identifiers import Identifier  # noqa: E402
from reviewtools.literature.sources import (  # noqa: E402
    fetch_works,
    openalex,  # noqa: E402
    pubmed,
)
from tests.literature.sources import OPENALEX, FixtureServer  # noqa: E402


def pmid_list(server: FixtureServer, n: int) -> list[Identifier]:
    real = sorted(server.articles)
    fake = [str(42_000_000 + i) for i in range(max(0, n - len(real)))]
    return [Identifier("pmid", p) for p in (real + fake)[:n]]


def doi_list(n: int) -> list[Identifier]:
    listing = json.loads((OPENALEX / "works_list_search-machine-learning-AND-public-health"
                                      "_per-page-200.json").read_text())
    single = json.loads((OPENALEX / "works_W2741809807.json").read_text())
    real = [r["doi"].removeprefix("https://doi.org/").lower()
            for r in [single, *listing["results"]] if r.get("doi")]
    fake = [f"10.5555/bench.{i}" for i in range(max(0, n - len(real)))]
    return [Identifier("doi", d) for d in (real + fake)[:n]]


def run(label: str, server: FixtureServer, settings, call) -> dict:
    session = make_session(settings)
    _, limiter = session_state(session).service(settings.pubmed_url)
    ncbi_before = list(limiter.history)
    before = server.count()
    start = time.perf_counter()
    found = call(session)
    wall = time.perf_counter() - start
    state = session_state(session)
    ncbi = sorted(list(limiter.history)[len(ncbi_before):])
    return {"part": label, "requests": server.count() - before, "sent": state.sent,
            "wall": wall, "found": found, "ncbi": ncbi}


def limiter_report(times: list[float]) -> str:
    """How the NCBI requests of one run were spread in time."""
    if not times:
        return "no NCBI requests"
    worst = max(sum(1 for t in times if start <= t < start + 1.0 - 1e-9) for start in times)
    return (f"{len(times)} requests over {times[-1] - times[0]:.2f} s, "
            f"at most {worst} in any 1 s window")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pmids", type=int, default=1000)
    parser.add_argument("--dois", type=int, default=1000)
    parser.add_argument("--misses", type=int, default=20)
    parser.add_argument("--ncbi-calls", type=int, default=12)
    args = parser.parse_args(argv)

    rows = []
    notes = []
    with FixtureServer() as server, tempfile.TemporaryDirectory() as tmp:
        settings = server.settings(Path(tmp), retries=2)
        pmids = pmid_list(server, args.pmids)
        dois = doi_list(args.dois)
        misses = [Identifier("doi", f"10.5555/miss.{i}") for i in range(args.misses)]
        terms = [f"bench term {i}" for i in range(args.ncbi_calls)]

        parts = [
            (f"{len(pmids)} PMIDs (fetch_works)", len(pmids),
             lambda s: len(fetch_works(pmids, settings=settings, session=s)[0])),
            (f"{len(dois)} DOIs (OpenAlex batches)", len(dois),
             lambda s: len(openalex.fetch_works(dois, settings=settings, session=s)[0])),
            (f"{len(misses)} DOI misses (-> Crossref)", len(misses),
             lambda s: len(fetch_works(misses, settings=settings, session=s)[0])),
            (f"{len(terms)} esearch calls (rate limit)", len(terms),
             lambda s: sum(len(pubmed.esearch(t, settings=settings, session=s))
                           for t in terms)),
        ]
        for label, count, call in parts:
            for phase in ("cold", "warm"):
                result = run(label, server, settings, call)
                result.update(phase=phase, ids=count)
                rows.append(result)
                if phase == "cold" and ("PMIDs" in label or "esearch" in label):
                    notes.append(f"{label}, cold: NCBI limiter: "
                                 f"{limiter_report(result['ncbi'])}")

    head = f"{'part':<36} {'cache':<5} {'ids':>6} {'requests':>8} {'req/id':>8} " \
           f"{'wall s':>7} {'found':>6}"
    print(head)
    print("-" * len(head))
    for r in rows:
        per = r["requests"] / r["ids"] if r["ids"] else 0.0
        print(f"{r['part']:<36} {r['phase']:<5} {r['ids']:>6} {r['requests']:>8} "
              f"{per:>8.4f} {r['wall']:>7.2f} {r['found']:>6}")
    print()
    for note in notes:
        print(note)
    print("goals: PMIDs <= 1/200 = 0.0050 req/id, DOIs found by OpenAlex <= 1/50 = 0.0200 "
          "req/id, warm re-run 0 requests, NCBI never more than 3 requests in any second")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
