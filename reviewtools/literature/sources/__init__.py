"""Metadata clients, one module per service, all with the same small interface.

Each ``sources/<name>.py`` exposes ``fetch_works(ids, *, settings, session)`` (returning
``(works, failures)``) and ``search(query, *, limit, settings, session)``.
:func:`fetch_works` here picks the cheapest route per identifier:

- PMIDs: PubMed efetch, at most one request per 200 PMIDs;
- PMCIDs: converted to PMIDs with one Europe PMC query per 50, then fetched with the
  PMIDs (the Europe PMC record stands in when PubMed has none);
- DOIs: OpenAlex ``filter=doi:a|b|...`` (50 per request), then Crossref ``/works/DOI``
  for the misses only.

>>> ids, bad = parse_identifiers(["28731372", "10.1038/srep16696"])  # doctest: +SKIP
>>> works, failures = fetch_works(ids)                                 # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from types import ModuleType

import requests

from reviewtools.errors import InputError
from reviewtools.http.session import resolve
from reviewtools.literature.identifiers import Identifier
from reviewtools.literature.works import Work
from reviewtools.settings import Settings

#: Short name -> human label.
SOURCES: dict[str, str] = {
    "pubmed": "PubMed (NCBI E-utilities)",
    "europepmc": "Europe PMC",
    "crossref": "Crossref",
    "openalex": "OpenAlex",
}


def get_source(name: str) -> ModuleType:
    """The client module for a short name; an unknown name lists the valid ones."""
    key = (name or "").strip().lower().replace(" ", "").replace("_", "")
    if key not in SOURCES:
        valid = ", ".join(f"{k} ({v})" for k, v in SOURCES.items())
        raise InputError(f"unknown source {name!r}", hint=f"valid sources: {valid}")
    return importlib.import_module(f".{key}", __name__)


def _keys(work: Work) -> set[str]:
    return {str(i) for i in work.identifiers()}


def _assign_by_doi(result: dict, idents: Sequence[Identifier], works: Sequence[Work]) -> None:
    """Put each found work under the DOI identifier that asked for it."""
    by_doi = {w.doi: w for w in works}
    for ident in idents:
        if ident.value in by_doi:
            result[ident] = by_doi[ident.value]


def fetch_works(ids: Sequence[Identifier], *, settings: Settings | None = None,
                session: requests.Session | None = None,
                progress: Callable[[int, int], None] | None = None
                ) -> tuple[list[Work], list[tuple[Identifier, str]]]:
    """Fetch records for many identifiers with as few requests as the services allow.

    Parameters
    ----------
    ids : sequence of Identifier
        From :func:`reviewtools.literature.identifiers.parse_identifiers`.
    settings, session : optional
        Defaults: ``Settings.from_env()`` and a new cached session.
    progress : optional
        Called as ``progress(done, total)`` (identifiers) after each service's batch.

    Returns
    -------
    works : list of Work
        One per identifier that was found, in input order; a work reached through two
        identifiers (its DOI and its PMID) appears once.
    failures : list of (Identifier, str)
        One row per identifier not found or not fetched (service down, bad answer), with
        the reason. A missing record or a failed request never raises.

    Raises
    ------
    OfflineError
        Offline (``settings.offline``) and an answer needed is not in the cache: a row
        would wrongly say the record does not exist.
    """
    from reviewtools.literature.sources import crossref, europepmc, openalex, pubmed

    settings, session = resolve(settings, session)
    ids = list(dict.fromkeys(ids))
    failures: dict[Identifier, str] = {}
    result: dict[Identifier, Work] = {}
    done = 0

    def step(kind_count: int) -> None:
        nonlocal done
        done += kind_count
        if progress is not None:
            progress(done, len(ids))

    # PMCIDs -> Europe PMC records (which carry the PMID)
    pmcids = [i for i in ids if i.kind == "pmcid"]
    via_pmc: dict[Identifier, Work] = {}
    if pmcids:
        found, failed = europepmc.fetch_works(pmcids, settings=settings, session=session)
        by_pmcid = {w.pmcid.upper(): w for w in found}
        via_pmc = {i: by_pmcid[i.value] for i in pmcids if i.value in by_pmcid}
        failures.update(failed)
        step(len(pmcids))

    # PMIDs (asked for, or converted from PMCIDs) -> PubMed efetch
    pmids = [i for i in ids if i.kind == "pmid"]
    extra = [Identifier("pmid", w.pmid) for w in via_pmc.values() if w.pmid]
    if pmids or extra:
        found, failed = pubmed.fetch_works(list(dict.fromkeys(pmids + extra)),
                                           settings=settings, session=session)
        by_pmid = {w.pmid: w for w in found}
        for ident in pmids:
            if ident.value in by_pmid:
                result[ident] = by_pmid[ident.value]
        failures.update((i, r) for i, r in failed if i in pmids)
        for ident, record in via_pmc.items():
            result[ident] = by_pmid.get(record.pmid, record)
        step(len(pmids))

    # DOIs -> OpenAlex in batches, Crossref for the misses
    dois = [i for i in ids if i.kind == "doi"]
    if dois:
        found, missed = openalex.fetch_works(dois, settings=settings, session=session)
        _assign_by_doi(result, dois, found)
        misses = [i for i, _ in missed]
        if misses:
            found, failed = crossref.fetch_works(misses, settings=settings, session=session)
            _assign_by_doi(result, misses, found)
            reasons = dict(missed)
            failures.update((i, f"{reasons.get(i, '')}; {r}".strip("; ")) for i, r in failed)
        step(len(dois))

    works: list[Work] = []
    seen: set[str] = set()
    rows: list[tuple[Identifier, str]] = []
    for ident in ids:
        work = result.get(ident)
        if work is None:
            rows.append((ident, failures.get(ident, "not found")))
        elif not (_keys(work) & seen):
            seen |= _keys(work)
            works.append(work)
    return works, rows


def search(query: str, *, source: str = "pubmed", limit: int = 20,
           settings: Settings | None = None, session: requests.Session | None = None
           ) -> list[Work]:
    """Search one service and return full records, best match first.

    ``source`` is a key of :data:`SOURCES`; ``limit`` caps the number of records.
    """
    module = get_source(source)
    if not (query or "").strip():
        raise InputError("empty search query")
    if limit < 1:
        raise InputError(f"limit must be at least 1, got {limit}")
    settings, session = resolve(settings, session)
    return module.search(query, limit=limit, settings=settings, session=session)


__all__ = ["SOURCES", "fetch_works", "get_source", "search"]
