"""Re-checking references.bib against the bibliographic services: ``reviewtools refs verify``.

Every entry is re-fetched by its DOI, PMID or PMCID (batched through
:func:`reviewtools.literature.sources.fetch_works`) and compared with what the service holds:
title (fuzzy), first author's surname, year, conflicting identifiers and retraction
notices. A fabricated or mistyped reference shows up here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from reviewtools.errors import IdentifierError, NetworkError
from reviewtools.literature.bib import (
    BibEntry,
    BibFile,
    first_surname,
    identifier_text,
    normalise_doi,
    normalise_title,
    plain_text,
    surname,
)
from reviewtools.literature.records import _ascii_word, _bib_name, record_from_work
from reviewtools.settings import Settings

TITLE_THRESHOLD = 90  # rapidfuzz ratio (0-100) below which titles count as different


@dataclass
class Mismatch:
    """One problem :func:`verify` found with an entry."""

    key: str
    kind: Literal["title", "author", "year", "missing identifier", "bad identifier",
                  "unresolved", "identifier conflict", "retracted"]
    identifier: str = ""
    bib: str = ""
    source: str = ""
    detail: str = ""
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = f" [{self.identifier}]" if self.identifier else ""
        text = f"{self.key}{where}: {self.kind}"
        if self.bib or self.source:
            text += f": bib has {self.bib!r}, source has {self.source!r}"
        if self.detail:
            text += f" ({self.detail})"
        return text if self.severity == "error" else text + " [warning]"

    def to_dict(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.__dict__.items()}



def _entry_ids(entry: BibEntry) -> tuple[list[Any], list[Mismatch]]:
    from reviewtools.literature.identifiers import parse_identifier
    ids, problems = [], []
    for kind in ("doi", "pmid", "pmcid"):
        raw = identifier_text(entry.fields.get(kind, ""))
        if not raw or (kind == "pmcid" and (ids or problems)):
            continue  # a PMCID is looked up only when there is no DOI or PMID
        try:
            ids.append(parse_identifier(raw if kind == "doi" or ":" in raw else f"{kind}:{raw}"))
        except IdentifierError as exc:
            problems.append(Mismatch(entry.key, "bad identifier", kind, detail=str(exc)))
    if not ids and not problems:
        problems.append(Mismatch(entry.key, "missing identifier",
                                 detail="no DOI, PMID or PMCID: the entry cannot be verified"))
    return ids, problems


def _work_index(works: Sequence[Any]) -> dict[str, Any]:
    index: dict[str, Any] = {}
    for w in works:
        for kind in ("doi", "pmid", "pmcid"):
            value = str(getattr(w, kind, "") or "")
            if value:
                index.setdefault(f"{kind}:{value.lower()}", w)
    return index


def compare(entry: BibEntry, work: Any, identifier: str) -> list[Mismatch]:
    """Title, first author, year and retraction of ``entry`` against a fetched work."""
    from rapidfuzz import fuzz
    out: list[Mismatch] = []
    bib_title, src_title = entry.fields.get("title", ""), str(work.title or "")
    score = fuzz.ratio(normalise_title(bib_title), normalise_title(src_title))
    if score < TITLE_THRESHOLD:
        out.append(Mismatch(entry.key, "title", identifier, plain_text(bib_title), src_title,
                            f"similarity {score:.0f}/100"))
    bib_author = _ascii_word(first_surname(entry.fields))
    authors = list(getattr(work, "authors", None) or [])
    src_author = surname(_bib_name(authors[0])) if authors else ""
    if bib_author and src_author and bib_author != _ascii_word(src_author):
        out.append(Mismatch(entry.key, "author", identifier, first_surname(entry.fields),
                            src_author, "first author's surname differs"))
    if entry.year and getattr(work, "year", None) and entry.year != int(work.year):
        off_by_one = abs(entry.year - int(work.year)) == 1
        out.append(Mismatch(entry.key, "year", identifier, str(entry.year), str(work.year),
                            "often e-publication vs print year" if off_by_one else "",
                            "warning" if off_by_one else "error"))
    for kind in ("doi", "pmid"):
        mine = getattr(entry, kind)
        theirs = str(getattr(work, kind, "") or "").lower()
        if mine and theirs and mine != theirs and not identifier.startswith(kind):
            out.append(Mismatch(entry.key, "identifier conflict", identifier, mine, theirs,
                                f"the record found by {identifier} has another {kind}"))
    rec = record_from_work(work)
    if rec.retracted:
        known = entry.fields.get("retracted", "").strip()
        out.append(Mismatch(entry.key, "retracted", identifier, known, "yes",
                            rec.retraction_note + ("; already marked in references.bib"
                                                   if known else ""),
                            "warning" if known else "error"))
    return out


def verify(bib_path: Path | str, *, settings: Settings | None = None,
           progress: Callable[[int, int], None] | None = None) -> list[Mismatch]:
    """Re-fetch every entry by DOI/PMID and report what does not match.

    Reports title (fuzzy, below ``TITLE_THRESHOLD``), first-author surname and year
    mismatches, missing, malformed or unresolvable identifiers, conflicting
    identifiers, and retractions. Network problems raise (OfflineError offline).
    """
    from reviewtools.literature import sources
    settings = settings or Settings.from_env()
    bf = BibFile.load(bib_path)
    problems: list[Mismatch] = []
    wanted: dict[str, Any] = {}
    per_entry: list[tuple[BibEntry, list[Any]]] = []
    for entry in bf.entries:
        ids, bad = _entry_ids(entry)
        problems += bad
        per_entry.append((entry, ids))
        for ident in ids:
            wanted.setdefault(str(ident).lower(), ident)
    if not wanted:
        return problems
    works, failures = sources.fetch_works(list(wanted.values()), settings=settings,
                                          progress=progress)
    offline = [str(r) for _, r in failures if "no network" in str(r)]
    if not works and failures and len(offline) == len(failures):
        raise NetworkError(offline[0][offline[0].index("no network"):].split(" (use")[0]
                           + f"; none of the {len(wanted)} identifier(s) could be checked",
                           hint="connect and run again; nothing was changed")
    index = _work_index(works)
    failed = {str(ident).lower(): reason for ident, reason in failures}
    for entry, ids in per_entry:
        seen: set[int] = set()
        for ident in ids:
            label = str(ident)
            work = index.get(label.lower())
            if work is None:
                reason = failed.get(label.lower(), "no record returned")
                problems.append(Mismatch(entry.key, "unresolved", label, detail=reason))
                continue
            if id(work) in seen:
                continue
            seen.add(id(work))
            problems += compare(entry, work, label)
    return problems


# ---- test and example identifiers ------------------------------------------------------------

PLACEHOLDER_DOI_PREFIXES = ("10.5555/",)  # the DOI Foundation's prefix for examples and tests
_PLACEHOLDER_HOST = re.compile(
    r"(?i)\b(?:https?://)?(?:[\w-]+\.)*(?:example\.(?:org|com|net)|localhost|127\.0\.0\.1|"
    r"[\w-]+\.(?:invalid|test|example))(?::\d+)?(?:[/\s;?#]|$)")
_PAGE_FIELDS = ("doi", "url", "verified", "note", "howpublished", "pmid", "pmcid")


def placeholder_problems(fields: dict[str, str]) -> list[str]:
    """Test or example identifiers and pages in one entry's fields (empty when none).

    >>> for p in placeholder_problems({"doi": "10.5555/12345678",
    ...                                "verified": "https://example.org/x; 2026-01-01"}):
    ...     print(p)
    DOI 10.5555/12345678 has the reserved test prefix 10.5555
    verified names a test or example page (example.org)
    """
    out = []
    doi = normalise_doi(fields.get("doi", ""))
    if doi.startswith(PLACEHOLDER_DOI_PREFIXES):
        out.append(f"DOI {doi} has the reserved test prefix {doi.split('/', 1)[0]}")
    for name in _PAGE_FIELDS:
        m = _PLACEHOLDER_HOST.search(identifier_text(fields.get(name, "")))
        if m:
            host = re.sub(r"(?i)^https?://|[:/\s;?#].*$", "", m.group(0).strip())
            out.append(f"{name} names a test or example page ({host})")
    return out
