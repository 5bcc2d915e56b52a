"""Bibliographic records: what a service returned, as the fields references.bib will hold.

A :class:`BibRecord` is built from a fetched :class:`reviewtools.literature.works.Work`
or from a plain dict (a record read off a public page by hand); :func:`make_key`
and :func:`record_fields` turn it into a bib entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from reviewtools.errors import BibError, IdentifierError, InputError
from reviewtools.literature.bib import (
    ascii_fold,
    escape_tex,
    normalise_title,
    split_authors,
    surname,
)
from reviewtools.literature.identifiers import parse_identifier

STOPWORDS = frozenset("""
a an the of on in and or for to with at by from as into via is are was were be been does do
can could may might its their his her our your this that these those than versus vs
effect effects efficacy effectiveness impact influence role use using study studies
randomized randomised controlled clinical trial trials pilot preliminary systematic review
meta analysis new novel evaluation assessment comparison comparative investigation among
""".split())
MANAGED = ("author", "title", "journal", "year", "volume", "number", "pages", "doi", "pmid",
           "pmcid")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class BibRecord:
    """The bibliographic fields reviewtools writes for one work."""

    title: str
    authors: list[str]
    year: int | None = None
    journal: str = ""
    volume: str = ""
    number: str = ""
    pages: str = ""
    doi: str = ""
    pmid: str = ""
    pmcid: str = ""
    retracted: bool = False
    retraction_note: str = ""
    entry_type: str = "article"
    source: str = ""

    @property
    def label(self) -> str:
        for kind in ("doi", "pmid", "pmcid"):
            if getattr(self, kind):
                return f"{kind}:{getattr(self, kind)}"
        return self.title[:40]


@dataclass
class Change:
    """What :func:`upsert` did to one work: ``added``, ``updated`` or ``unchanged``."""

    key: str
    action: Literal["added", "updated", "unchanged"]
    identifier: str
    fields: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        extra = f" ({', '.join(self.fields)})" if self.action == "updated" else ""
        return f"{self.action} {self.key} [{self.identifier}]{extra}"


# ---- records ---------------------------------------------------------------------------------


def _is_retraction(notice: object) -> bool:
    """A notice that retracts this work (not ``retraction of``: this work *is* a notice)."""
    return str(getattr(notice, "kind", "") or "").strip().lower() == "retraction"


def record_from_work(work: Any) -> BibRecord:
    """A :class:`BibRecord` from a :class:`reviewtools.literature.works.Work`."""
    notices = [n for n in (getattr(work, "notices", None) or []) if _is_retraction(n)]
    retracted = bool(getattr(work, "retracted", False)) or bool(notices)
    note = ""
    if retracted:
        where = [f"doi:{n.doi}" if getattr(n, "doi", "") else
                 f"PMID {n.pmid}" if getattr(n, "pmid", "") else str(getattr(n, "label", ""))
                 for n in notices]
        where = [w for w in where if w]
        note = "Retracted" + (f"; retraction notice {', '.join(where)}" if where else "")
    return BibRecord(
        title=str(work.title or ""), authors=list(work.authors or []),
        year=int(work.year) if getattr(work, "year", None) else None,
        journal=str(getattr(work, "journal", "") or ""),
        volume=str(getattr(work, "volume", "") or ""),
        number=str(getattr(work, "issue", "") or ""),
        pages=str(getattr(work, "pages", "") or ""),
        doi=(getattr(work, "doi", "") or "").lower(), pmid=str(getattr(work, "pmid", "") or ""),
        pmcid=str(getattr(work, "pmcid", "") or "").upper(),
        retracted=retracted, retraction_note=note,
        source=str(getattr(work, "source", "") or ""))


def record_from_dict(record: dict[str, Any]) -> BibRecord:
    """A :class:`BibRecord` from a hand-checked record; every problem is an InputError."""
    unknown = set(record) - {"title", "authors", "author", "journal", "year", "volume",
                             "number", "issue", "pages", "doi", "pmid", "pmcid", "entry_type"}
    if unknown:
        raise InputError(f"unknown field(s) in record: {', '.join(sorted(unknown))}")
    title = " ".join(str(record.get("title") or "").split())
    if not title:
        raise InputError("record has no title")
    authors = record.get("authors", record.get("author"))
    if isinstance(authors, str):
        authors = split_authors(authors) if " and " in authors.lower() else [authors]
    authors = [" ".join(str(a).split()) for a in (authors or []) if str(a).strip()]
    if not authors:
        raise InputError("record has no authors (give them as 'Surname, Given')")
    try:
        year = int(str(record.get("year", "")).strip())
    except ValueError:
        raise InputError(f"record year {record.get('year')!r} is not a year") from None
    if not 1500 <= year <= datetime.now(UTC).year + 1:
        raise InputError(f"record year {year} is out of range")
    doi = _checked_id("doi", record.get("doi"))
    pmid = _checked_id("pmid", record.get("pmid"))
    pmcid = _checked_id("pmcid", record.get("pmcid"))
    if not (doi or pmid or str(record.get("journal") or "").strip()):
        raise InputError("a record without a DOI or PMID needs its journal, as seen on the "
                         "verification page (title, authors, year and journal identify it)")
    return BibRecord(title=title, authors=authors, year=year,
                     journal=str(record.get("journal") or ""),
                     volume=str(record.get("volume") or ""),
                     number=str(record.get("number") or record.get("issue") or ""),
                     pages=str(record.get("pages") or ""), doi=doi, pmid=pmid, pmcid=pmcid,
                     entry_type=str(record.get("entry_type") or "article"))


def _checked_id(kind: str, value: object) -> str:
    """Normalise a DOI/PMID/PMCID through reviewtools.literature.identifiers; '' when absent."""
    text = str(value or "").strip()
    if not text:
        return ""
    ident = parse_identifier(text if kind == "doi" or ":" in text else f"{kind}:{text}")
    if ident.kind != kind:
        raise IdentifierError(f"{text!r} is a {ident.kind}, not a {kind}")
    return ident.value


# ---- keys and fields -------------------------------------------------------------------------


def _ascii_word(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", ascii_fold(text).lower())


def base_key(rec: BibRecord) -> str:
    """``surname + year + first significant title word``, ASCII, lower-case."""
    name = _ascii_word(surname(_bib_name(rec.authors[0]))) if rec.authors else ""
    words = normalise_title(ascii_fold(rec.title)).split()
    word = next((w for w in words if w.isalpha() and len(w) > 2 and w not in STOPWORDS),
                next((w for w in words if w not in STOPWORDS), "untitled"))
    key = f"{name or 'anon'}{rec.year or 'nd'}{_ascii_word(word)[:20]}"
    return key if key[0].isalpha() else f"ref{key}"


def make_key(rec: BibRecord, taken: set[str]) -> str:
    """A stable key not in ``taken`` (compared case-insensitively): base, then base+a, b..."""
    lower = {k.lower() for k in taken}
    key = base_key(rec)
    if key not in lower:
        return key
    letters = "abcdefghijklmnopqrstuvwxyz"
    for suffix in [*letters, *(a + b for a in letters for b in letters)]:
        if key + suffix not in lower:
            return key + suffix
    raise BibError(f"too many entries share the key {key!r}")  # pragma: no cover


def _bib_name(name: str) -> str:
    """A 'Surname, Given' name as BibTeX; a corporate name (no comma) is braced."""
    name = " ".join(name.split())
    return name if "," in name or not name else "{" + name + "}"


def _pages(pages: str) -> str:
    return re.sub(r"\s*[-\u2010-\u2015]+\s*", "--", pages.strip())


def record_fields(rec: BibRecord) -> dict[str, str]:
    """The managed fields of ``rec`` in the order they are written (empty ones left out).

    Text values come from services, import files or the command line: every TeX special
    character in them is escaped (:func:`reviewtools.literature.bib.escape_tex`), so a
    ``\\input{...}`` in a fetched title is written as text, never as a command.
    """
    def text(value: str) -> str:
        return escape_tex(" ".join(value.split()))

    values = {
        "author": " and ".join(_bib_name(text(a)) for a in rec.authors),
        "title": text(rec.title), "journal": text(rec.journal),
        "year": str(rec.year) if rec.year else "", "volume": text(rec.volume),
        "number": text(rec.number), "pages": text(_pages(rec.pages)), "doi": rec.doi,
        "pmid": rec.pmid, "pmcid": rec.pmcid,
    }
    return {k: " ".join(v.split()) for k, v in values.items() if v and v.strip()}


def record_from_import(rec: Any) -> BibRecord:
    """A :class:`BibRecord` from an :class:`~reviewtools.literature.importers.ImportedRecord`."""
    return BibRecord(title=rec.title, authors=list(rec.authors), year=rec.year,
                     journal=rec.journal, volume=rec.volume, number=rec.number, pages=rec.pages,
                     doi=rec.doi, pmid=rec.pmid, pmcid=rec.pmcid,
                     source=f"import:{rec.source_file}")


def record_page(work: Any) -> str:
    """The public page of a fetched record at the service that returned it ('' if none)."""
    source = str(getattr(work, "source", "") or "")
    pmid, doi = str(getattr(work, "pmid", "") or ""), str(getattr(work, "doi", "") or "")
    if source == "pubmed" and pmid:
        return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
    if source == "europepmc" and pmid:
        return f"https://europepmc.org/article/MED/{pmid}"
    if source == "crossref" and doi:
        return f"https://api.crossref.org/works/{doi}"
    if source == "openalex" and doi:
        return f"https://api.openalex.org/works/doi:{doi}"
    return ""
