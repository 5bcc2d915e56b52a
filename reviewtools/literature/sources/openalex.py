"""OpenAlex works: DOIs in batches through ``filter=doi:a|b|...`` and ``search=``.

OpenAlex allows up to 50 values OR-ed in one filter
(https://docs.openalex.org/how-to-use-the-api/get-lists-of-entities/filter-entity-lists).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import requests

from reviewtools.http.session import Reply, fetch, in_batches, parse_each, resolve
from reviewtools.literature.identifiers import Identifier
from reviewtools.literature.works import Work, clean_text, split_display_name, to_year, utc_now
from reviewtools.settings import Settings

NAME = "openalex"
LABEL = "OpenAlex"
BATCH = 50  # values per OR filter, OpenAlex's maximum
MAX_PER_PAGE = 200


def strip_prefix(value: Any, *prefixes: str) -> str:
    """``https://doi.org/10.1/x`` -> ``10.1/x`` (first matching prefix removed)."""
    text = str(value or "")
    for prefix in prefixes:
        if text.lower().startswith(prefix):
            return text[len(prefix):]
    return text


def abstract_from_index(index: dict[str, list[int]] | None) -> str:
    """Rebuild an abstract from OpenAlex's ``abstract_inverted_index``."""
    if not index:
        return ""
    positions = [(pos, word) for word, places in index.items() for pos in places
                 if isinstance(pos, int)]
    return clean_text(" ".join(word for _, word in sorted(positions)))


def parse_work(rec: dict[str, Any], reply: Reply | None = None) -> Work:
    """One OpenAlex work object as a :class:`Work`."""
    ids = rec.get("ids") or {}
    biblio = rec.get("biblio") or {}
    first, last = biblio.get("first_page"), biblio.get("last_page")
    pages = f"{first}-{last}" if first and last and first != last else str(first or "")
    source = ((rec.get("primary_location") or {}).get("source") or {})
    pmcid = strip_prefix(ids.get("pmcid"), "https://www.ncbi.nlm.nih.gov/pmc/articles/")
    pmcid = pmcid.strip("/")
    if pmcid and not pmcid.upper().startswith("PMC"):
        pmcid = f"PMC{pmcid}"
    authors = [split_display_name((a.get("author") or {}).get("display_name") or
                                  a.get("raw_author_name") or "")
               for a in rec.get("authorships") or []]
    mesh = list(dict.fromkeys(clean_text(m.get("descriptor_name"))
                              for m in rec.get("mesh") or [] if m.get("descriptor_name")))
    return Work(
        title=clean_text(rec.get("title") or rec.get("display_name")),
        authors=[a for a in authors if a],
        journal=clean_text(source.get("display_name")),
        year=to_year(rec.get("publication_year")),
        volume=str(biblio.get("volume") or ""),
        issue=str(biblio.get("issue") or ""),
        pages=pages,
        doi=strip_prefix(rec.get("doi") or ids.get("doi"), "https://doi.org/").lower(),
        pmid=strip_prefix(ids.get("pmid"), "https://pubmed.ncbi.nlm.nih.gov/").strip("/"),
        pmcid=pmcid.upper(),
        abstract=abstract_from_index(rec.get("abstract_inverted_index")),
        publication_types=[str(rec["type"])] if rec.get("type") else [],
        mesh=mesh,
        retracted=bool(rec.get("is_retracted")),
        source=NAME,
        fetched_at=utc_now(),
        cached=bool(reply and reply.from_cache),
    )


def _results(reply: Reply) -> list[dict[str, Any]]:
    data = reply.json()
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, list):
        raise reply.invalid("JSON without a results list")
    return results


def lookup_dois(dois: Sequence[str], *, settings: Settings | None = None,
                session: requests.Session | None = None) -> list[Work]:
    """Works for up to :data:`BATCH` DOIs in one request (raises NetworkError)."""
    settings, session = resolve(settings, session)
    params = {"filter": "doi:" + "|".join(dois), "per-page": MAX_PER_PAGE}
    reply = fetch(session, f"{settings.openalex_url}/works", params, settings)
    return parse_each(reply, _results(reply), parse_work)


def fetch_works(ids: Sequence[Identifier], *, settings: Settings | None = None,
                session: requests.Session | None = None
                ) -> tuple[list[Work], list[tuple[Identifier, str]]]:
    """Records for DOIs, :data:`BATCH` per request; failures (misses) come back as rows."""
    settings, session = resolve(settings, session)
    failures = [(i, "OpenAlex is asked for DOIs only") for i in ids if i.kind != "doi"]
    wanted = list(dict.fromkeys(i.value for i in ids if i.kind == "doi"))
    # "," separates filters and "|" alternatives: such DOIs cannot go in a filter
    errors: dict[str, str] = {d: "this DOI cannot be put in an OpenAlex filter"
                              for d in wanted if "," in d or "|" in d}
    batchable = [d for d in wanted if d not in errors]
    found, failed = in_batches(
        batchable, BATCH, lambda batch: lookup_dois(batch, settings=settings, session=session),
        lambda w: w.doi)
    errors.update(failed)
    works = []
    for doi in wanted:
        if doi in found:
            works.append(found[doi])
        else:
            failures.append((Identifier("doi", doi),
                             errors.get(doi, "OpenAlex has no record of this DOI")))
    return works, failures


def search(text: str, *, limit: int = 20, settings: Settings | None = None,
           session: requests.Session | None = None) -> list[Work]:
    """OpenAlex full-text search (``search=``) over titles, abstracts and full text."""
    settings, session = resolve(settings, session)
    params = {"search": text, "per-page": max(1, min(limit, MAX_PER_PAGE))}
    reply = fetch(session, f"{settings.openalex_url}/works", params, settings)
    return parse_each(reply, _results(reply)[:limit], parse_work)
