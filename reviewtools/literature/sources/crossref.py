"""Crossref REST API: ``/works/{doi}`` records and ``/works?query=`` search.

Retraction and correction notices come from ``updated-by`` (notices about this work)
and ``update-to`` (this work is the notice).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

import requests

from reviewtools.errors import NetworkError, OfflineError
from reviewtools.http.session import Reply, fetch, parse_each, resolve
from reviewtools.literature.identifiers import Identifier
from reviewtools.literature.works import Notice, Work, author_name, clean_text, to_year, utc_now
from reviewtools.settings import Settings

NAME = "crossref"
LABEL = "Crossref"
MAX_ROWS = 1000  # Crossref's rows ceiling

# Crossref update types (https://www.crossref.org/documentation/crossmark/) -> notice kind
_KINDS = {"retraction": "retraction", "withdrawal": "retraction", "removal": "retraction",
          "correction": "correction", "erratum": "correction", "corrigendum": "correction",
          "expression_of_concern": "expression of concern",
          "expression-of-concern": "expression of concern"}
_ABSTRACT_TITLE = re.compile(r"<jats:title>\s*Abstract\s*</jats:title>", re.IGNORECASE)
_RETRACTING = {"retraction", "withdrawal", "removal"}


def _first(value: Any) -> str:
    if isinstance(value, list):
        return clean_text(str(value[0])) if value else ""
    return clean_text(str(value or ""))


def _year(msg: dict[str, Any]) -> int | None:
    for key in ("issued", "published-print", "published-online", "published", "created"):
        parts = (msg.get(key) or {}).get("date-parts") or [[None]]
        if parts and parts[0] and parts[0][0]:
            return to_year(parts[0][0])
    return None


def _notices(msg: dict[str, Any]) -> tuple[list[Notice], bool]:
    notices, retracted = [], False
    for item in msg.get("updated-by") or []:
        utype = str(item.get("type", "")).lower()
        kind = _KINDS.get(utype, utype.replace("_", " ") or "update")
        retracted |= utype in _RETRACTING
        notices.append(Notice(kind=kind, doi=str(item.get("DOI", "")).lower(),
                              label=clean_text(item.get("label")) or kind))
    for item in msg.get("update-to") or []:
        utype = str(item.get("type", "")).lower()
        kind = _KINDS.get(utype, utype.replace("_", " ") or "update")
        notices.append(Notice(kind=f"{kind} of" if kind != "expression of concern"
                              else "expression of concern for",
                              doi=str(item.get("DOI", "")).lower(),
                              label=clean_text(item.get("label")) or kind))
    return notices, retracted


def parse_message(msg: dict[str, Any], reply: Reply | None = None) -> Work:
    """One Crossref work message as a :class:`Work`."""
    authors = []
    for a in msg.get("author") or []:
        name = author_name(a.get("family"), a.get("given")) or clean_text(a.get("name"))
        if name:
            authors.append(name)
    notices, retracted = _notices(msg)
    types = [str(msg["type"])] if msg.get("type") else []
    return Work(
        title=_first(msg.get("title")),
        authors=authors,
        journal=_first(msg.get("container-title")),
        year=_year(msg),
        volume=str(msg.get("volume") or ""),
        issue=str(msg.get("issue") or ""),
        pages=str(msg.get("page") or ""),
        doi=str(msg.get("DOI") or "").lower(),
        abstract=clean_text(_ABSTRACT_TITLE.sub(" ", str(msg.get("abstract") or ""))),
        publication_types=types,
        retracted=retracted,
        notices=notices,
        source=NAME,
        fetched_at=utc_now(),
        cached=bool(reply and reply.from_cache),
    )


def _message(reply: Reply, expected: str) -> dict[str, Any]:
    data = reply.json()
    if not isinstance(data, dict) or data.get("message-type") != expected \
            or not isinstance(data.get("message"), dict):
        raise reply.invalid(f"JSON that is not a Crossref {expected}")
    return data["message"]


def work(doi: str, *, settings: Settings | None = None,
         session: requests.Session | None = None) -> Work:
    """The Crossref record of one DOI; raises NetworkError (status 404 if unknown)."""
    settings, session = resolve(settings, session)
    url = f"{settings.crossref_url}/works/{quote(doi, safe='/:;()')}"
    reply = fetch(session, url, None, settings)
    return parse_each(reply, [_message(reply, "work")], parse_message)[0]


def fetch_works(ids: Sequence[Identifier], *, settings: Settings | None = None,
                session: requests.Session | None = None
                ) -> tuple[list[Work], list[tuple[Identifier, str]]]:
    """Records for DOIs, one request each (Crossref has no batch lookup by DOI)."""
    settings, session = resolve(settings, session)
    works: list[Work] = []
    failures: list[tuple[Identifier, str]] = []
    for ident in dict.fromkeys(ids):
        if ident.kind != "doi":
            failures.append((ident, "Crossref looks up DOIs only"))
            continue
        try:
            works.append(work(ident.value, settings=settings, session=session))
        except OfflineError:
            raise  # offline, a "not found" row would be wrong: the caller must know
        except NetworkError as exc:
            reason = "Crossref has no record of this DOI" if exc.status == 404 else str(exc)
            failures.append((ident, reason))
    return works, failures


def search(text: str, *, limit: int = 20, settings: Settings | None = None,
           session: requests.Session | None = None) -> list[Work]:
    """Crossref bibliographic search (``query=``), best match first."""
    settings, session = resolve(settings, session)
    params = {"query": text, "rows": max(1, min(limit, MAX_ROWS))}
    reply = fetch(session, f"{settings.crossref_url}/works", params, settings)
    items = _message(reply, "work-list").get("items") or []
    if not isinstance(items, list):
        raise reply.invalid("a work list without items")
    return parse_each(reply, items[:limit], parse_message)
