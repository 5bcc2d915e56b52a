"""references.bib management: add or update verified entries and list them (checking them
against the services is :mod:`reviewtools.literature.verify`).

Every write goes through :func:`upsert`: it holds the folder lock, refuses a bib
with unreadable blocks, finds the entry for the same work (same DOI, PMID, PMCID,
or normalised title + year) and changes only that entry's changed fields, or
appends a new entry. All other bytes of the file stay exactly as they were.

>>> from reviewtools.literature.refs import BibRecord, make_key
>>> make_key(BibRecord(title="The effect of yoga on sleep", authors=["Huang, Li"],
...                    year=2021), set())
'huang2021yoga'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from reviewtools.errors import BibError, InputError
from reviewtools.literature.bib import (
    BibEntry,
    BibFile,
    edit_entry,
    first_surname,
    format_entry,
    normalise_doi,
    normalise_title,
    parse_bib,
    plain_text,
    split_authors,
    surname,
)
from reviewtools.literature.records import (  # noqa: F401 - BibRecord and record_from_* re-exported
    _DATE_RE,
    MANAGED,
    STOPWORDS,
    BibRecord,
    Change,
    _ascii_word,
    _bib_name,
    _checked_id,
    _is_retraction,
    _pages,
    base_key,
    make_key,
    record_fields,
    record_from_dict,
    record_from_work,
)
from reviewtools.literature.verify import TITLE_THRESHOLD, Mismatch, compare, verify  # noqa: F401 - re-exported
from reviewtools.store.files import atomic_write_text, folder_lock


def _same(name: str, old: str, new: str) -> bool:
    if name == "title":
        return normalise_title(old) == normalise_title(new)
    if name == "author":
        def names(v: str) -> list[str]:
            return [_ascii_word(surname(n)) for n in split_authors(v)]
        mine, theirs = names(old), names(new)
        # a shorter list with the same leading surnames is a truncation, not a correction
        return mine[:len(theirs)] == theirs
    if name == "doi":
        return normalise_doi(old) == normalise_doi(new)
    if name == "pages":
        return _pages(plain_text(old)) == _pages(new)
    return plain_text(old).strip().casefold() == plain_text(new).strip().casefold()


def stamp(source: str, day: str | None = None) -> str:
    """The ``verified`` field: ``source; YYYY-MM-DD``."""
    source = " ".join(str(source).split())
    if not source:
        raise InputError("a verification source is required (service name or page URL)")
    day = day or datetime.now(UTC).date().isoformat()
    if not _DATE_RE.match(day):
        raise InputError(f"verification date {day!r} is not YYYY-MM-DD")
    return f"{source}; {day}"


# ---- upsert ----------------------------------------------------------------------------------


def _changes_for(entry: BibEntry, rec: BibRecord, verified: str) -> dict[str, str]:
    changes: dict[str, str] = {}
    for name, value in record_fields(rec).items():
        old = entry.fields.get(name, "")
        if not old.strip() or not _same(name, old, value):
            changes[name] = value
    if entry.fields.get("verified", "") != verified:
        changes["verified"] = verified
    if rec.retracted and not entry.fields.get("retracted", "").strip():
        changes["retracted"] = "yes"
        note = entry.fields.get("note", "").strip()
        if rec.retraction_note and rec.retraction_note.lower() not in note.lower():
            changes["note"] = f"{note}; {rec.retraction_note}" if note else rec.retraction_note
    return changes


def _new_entry_text(key: str, rec: BibRecord, verified: str) -> str:
    fields = list(record_fields(rec).items()) + [("verified", verified)]
    if rec.retracted:
        fields += [("retracted", "yes"), ("note", rec.retraction_note or "Retracted")]
    return format_entry(rec.entry_type, key, fields)


def _check_text(text: str, key: str, want: dict[str, str]) -> None:
    """Parse an entry's new text on its own; it must be one entry holding ``want``."""
    lib = parse_bib(text, "new entry")
    if len(lib.entries) != 1 or lib.entries[0].key != key:
        raise BibError(f"internal: the text written for '{key}' does not parse as one entry")
    got = {f.key.lower(): str(f.value) for f in lib.entries[0].fields}
    for name, value in want.items():
        if normalise_title(got.get(name, "")) != normalise_title(value):
            raise BibError(f"internal: field '{name}' of '{key}' would not read back")


def upsert(bib_path: Path | str, works: Iterable[Any], *, verified_source: str | None,
           date: str | None = None) -> list[Change]:
    """Add or update one entry per work; return what was done to each.

    Parameters
    ----------
    bib_path : the references.bib file (created if missing).
    works : :class:`reviewtools.literature.works.Work` objects or :class:`BibRecord` objects.
    verified_source : where the records were confirmed (service name or page URL);
        ``None`` stamps each work with its own ``source`` (e.g. ``pubmed``).
    date : ``YYYY-MM-DD`` of the verification (default: today).

    Unchanged bytes stay identical; the file is written atomically under the
    folder lock, and not at all when nothing changed or anything is wrong.
    """
    path = Path(bib_path)
    records = [w if isinstance(w, BibRecord) else record_from_work(w) for w in works]
    stamps = []
    for rec in records:
        if not rec.title.strip():
            raise InputError(f"work {rec.label} has no title; it cannot be cited")
        stamps.append(stamp(verified_source if verified_source is not None else rec.source,
                            date))
    if not records:
        stamp(verified_source or "-", date)  # a malformed date is refused even with no work
    with folder_lock(path.parent):
        bf = BibFile.load(path)
        text = bf.text
        nl = "\r\n" if "\r\n" in text else "\n"
        edits: dict[str, tuple[BibEntry, dict[str, str]]] = {}
        appended: list[str] = []
        out: list[Change] = []
        for rec, verified in zip(records, stamps, strict=True):
            entry = bf.find(doi=rec.doi, pmid=rec.pmid, pmcid=rec.pmcid, title=rec.title,
                            year=rec.year)
            if entry is None:
                key = make_key(rec, set(bf.by_key))
                new_text = _new_entry_text(key, rec, verified)
                _check_text(new_text, key, record_fields(rec))
                appended.append(new_text)
                fields = {**record_fields(rec), "verified": verified}
                bf.add_entry(BibEntry(key, rec.entry_type, fields, -1, -1, 0, new_text))
                out.append(Change(key, "added", rec.label, list(fields)))
                continue
            # an entry appended earlier in this batch already holds this work's record
            changes = {} if entry.start < 0 else _changes_for(entry, rec, verified)
            if not changes:
                out.append(Change(entry.key, "unchanged", rec.label))
                continue
            prev = edits.get(entry.key, (entry, {}))[1]
            edits[entry.key] = (entry, {**prev, **changes})
            entry.fields.update(changes)
            bf.reindex(entry)  # a PMID or DOI it just gained matches later works of the batch
            out.append(Change(entry.key, "updated", rec.label, list(changes)))
        new_text = _apply(text, edits, appended, nl)
        if new_text != text:
            atomic_write_text(path, new_text)
    return out


def _apply(text: str, edits: dict[str, tuple[BibEntry, dict[str, str]]], appended: list[str],
           nl: str) -> str:
    pieces: list[tuple[int, int, str]] = []
    for entry, changes in edits.values():
        new_raw = edit_entry(entry.raw, changes)
        _check_text(new_raw, entry.key, dict(changes))
        pieces.append((entry.start, entry.end, new_raw))
    parts, pos = [], 0
    for start, end, new_raw in sorted(pieces):
        parts += [text[pos:start], new_raw]
        pos = end
    text = "".join(parts) + text[pos:]
    if appended:
        if not text or text.endswith("\n\n") or text.endswith("\r\n\r\n"):
            sep = ""
        else:
            sep = nl if text.endswith("\n") else nl + nl
        text = text + sep + nl.join(a.replace("\n", nl) for a in appended)
    return text


def add_verified_record(bib_path: Path | str, record: dict[str, Any], page_url: str, *,
                        date: str | None = None) -> Change:
    """Add (or update) an entry from a record checked by hand on the public page ``page_url``.

    ``record`` holds title, authors (list of 'Surname, Given'), journal, year, volume,
    number, pages and a DOI and/or PMID (and optionally PMCID). The entry is stamped
    ``verified = {page_url; date}``.
    """
    url = str(page_url or "").strip()
    if not re.match(r"^https?://\S+$", url):
        raise InputError(f"verification source {page_url!r} must be the http(s) URL of the "
                         "public page where the record was checked")
    return upsert(bib_path, [record_from_dict(record)], verified_source=url, date=date)[0]


# ---- listing ---------------------------------------------------------------------------------

LIST_COLUMNS = ["key", "type", "author", "year", "title", "journal", "doi", "pmid", "pmcid",
                "verified", "retracted"]


def list_refs(bib_path: Path | str) -> pd.DataFrame:
    """One row per entry: key, type, first author, year, title, journal, ids, verification."""
    bf = BibFile.load(bib_path)
    rows = [{"key": e.key, "type": e.entry_type, "author": first_surname(e.fields),
             "year": e.year, "title": plain_text(e.fields.get("title", "")),
             "journal": plain_text(e.fields.get("journal", "")), "doi": e.doi, "pmid": e.pmid,
             "pmcid": e.pmcid, "verified": e.fields.get("verified", ""),
             "retracted": e.fields.get("retracted", "")} for e in bf.entries]
    return pd.DataFrame(rows, columns=LIST_COLUMNS)
