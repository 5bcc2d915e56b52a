"""Europe PMC REST search (``/search?query=..&format=json&resultType=core``).

Also converts PMCIDs: one query ``PMCID:PMC1 OR PMCID:PMC2 ...`` per :data:`BATCH` ids
returns the core records, which carry the PMID and DOI.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import requests

from reviewtools.errors import NetworkError, OfflineError
from reviewtools.http.session import Reply, fetch, parse_each, resolve
from reviewtools.literature.identifiers import Identifier
from reviewtools.literature.works import (
    Notice,
    Work,
    author_name,
    clean_text,
    doi_in_text,
    initials_name,
    to_year,
    utc_now,
)
from reviewtools.settings import Settings

NAME = "europepmc"
LABEL = "Europe PMC"
BATCH = 50  # identifiers OR-ed into one query
PAGE_SIZE = 1000  # the service's maximum pageSize

# commentCorrection "type" -> notice kind
NOTICE_TYPES = {
    "retraction in": "retraction", "retraction of": "retraction of",
    "erratum in": "correction", "erratum for": "correction of",
    "expression of concern in": "expression of concern",
    "expression of concern for": "expression of concern for",
    "update in": "update", "update of": "update of",
}
_FIELDS = {"doi": "DOI", "pmid": "EXT_ID", "pmcid": "PMCID"}


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def parse_result(rec: dict[str, Any], reply: Reply | None = None) -> Work:
    """One Europe PMC result (core or lite) as a :class:`Work`."""
    authors = []
    for a in _as_list((rec.get("authorList") or {}).get("author")):
        name = a.get("collectiveName") or author_name(a.get("lastName"), a.get("firstName")) \
            or clean_text(a.get("fullName"))
        if name:
            authors.append(name)
    if not authors and rec.get("authorString"):
        names = str(rec["authorString"]).rstrip(".").split(",")
        authors = [initials_name(s) for s in names if s.strip()]
    journal = rec.get("journalInfo") or {}
    types = [str(t) for t in _as_list((rec.get("pubTypeList") or {}).get("pubType"))]
    notices = []
    for c in _as_list((rec.get("commentCorrectionList") or {}).get("commentCorrection")):
        kind = NOTICE_TYPES.get(str(c.get("type", "")).lower())
        if kind:
            pmid = str(c.get("id", "")) if c.get("source") == "MED" else ""
            label = clean_text(c.get("reference"))
            notices.append(Notice(kind=kind, pmid=pmid, doi=doi_in_text(label), label=label))
    mesh = [clean_text(m.get("descriptorName"))
            for m in _as_list((rec.get("meshHeadingList") or {}).get("meshHeading"))]
    return Work(
        title=clean_text(rec.get("title")),
        authors=authors,
        journal=clean_text((journal.get("journal") or {}).get("title") or rec.get("journalTitle")),
        year=to_year(journal.get("yearOfPublication") or rec.get("pubYear")),
        volume=str(journal.get("volume") or rec.get("journalVolume") or ""),
        issue=str(journal.get("issue") or rec.get("issue") or ""),
        pages=str(rec.get("pageInfo") or ""),
        doi=str(rec.get("doi") or "").lower(),
        pmid=str(rec.get("pmid") or ""),
        pmcid=str(rec.get("pmcid") or ""),
        abstract=clean_text(rec.get("abstractText")),
        publication_types=types,
        mesh=[m for m in mesh if m],
        retracted="Retracted Publication" in types or any(n.kind == "retraction" for n in notices),
        notices=notices,
        source=NAME,
        fetched_at=utc_now(),
        cached=bool(reply and reply.from_cache),
    )


def _results(reply: Reply) -> list[dict[str, Any]]:
    data = reply.json()
    wrapper = data.get("resultList") if isinstance(data, dict) else None
    results = wrapper.get("result") if isinstance(wrapper, dict) else None
    if not isinstance(results, list):
        raise reply.invalid("JSON without resultList.result")
    return results


def query(text: str, *, limit: int = 25, settings: Settings | None = None,
          session: requests.Session | None = None) -> list[Work]:
    """Run one Europe PMC query and return up to ``limit`` core records."""
    settings, session = resolve(settings, session)
    params = {"query": text, "format": "json", "resultType": "core",
              "pageSize": max(1, min(limit, PAGE_SIZE))}
    reply = fetch(session, f"{settings.europepmc_url}/search", params, settings)
    return parse_each(reply, _results(reply)[:limit], parse_result)


def _matches(work: Work, ident: Identifier) -> bool:
    return {"doi": work.doi.lower(), "pmid": work.pmid, "pmcid": work.pmcid.upper()}[ident.kind] \
        == (ident.value.upper() if ident.kind == "pmcid" else ident.value)


def fetch_works(ids: Sequence[Identifier], *, settings: Settings | None = None,
                session: requests.Session | None = None
                ) -> tuple[list[Work], list[tuple[Identifier, str]]]:
    """Records for DOIs, PMIDs and PMCIDs, :data:`BATCH` identifiers per query."""
    settings, session = resolve(settings, session)
    works: list[Work] = []
    failures: list[tuple[Identifier, str]] = []
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), BATCH):
        batch = unique[start:start + BATCH]
        terms = [f'{_FIELDS[i.kind]}:"{i.value}"' if i.kind == "doi" else
                 (f"(EXT_ID:{i.value} AND SRC:MED)" if i.kind == "pmid" else f"PMCID:{i.value}")
                 for i in batch]
        try:
            found = query(" OR ".join(terms), limit=PAGE_SIZE, settings=settings, session=session)
        except OfflineError:
            raise  # offline, a "not found" row would be wrong: the caller must know
        except NetworkError as exc:
            failures += [(i, str(exc)) for i in batch]
            continue
        for ident in batch:
            hit = next((w for w in found if _matches(w, ident)), None)
            if hit is None:
                failures.append((ident, f"Europe PMC has no record of this {ident.kind.upper()}"))
            else:
                works.append(hit)
    return works, failures


def search(text: str, *, limit: int = 20, settings: Settings | None = None,
           session: requests.Session | None = None) -> list[Work]:
    """Search Europe PMC (full query syntax) and return core records."""
    return query(text, limit=limit, settings=settings, session=session)
