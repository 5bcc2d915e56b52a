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
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from reviewtools.errors import BibError, ConflictError, InputError
from reviewtools.literature.abstracts import load_abstract, save_abstract
from reviewtools.literature.bib import (
    BibEntry,
    BibFile,
    edit_entry,
    escape_tex,
    first_surname,
    format_entry,
    normalise_doi,
    normalise_title,
    parse_bib,
    plain_text,
    split_authors,
    surname,
)
from reviewtools.literature.identifiers import parse_identifier
from reviewtools.literature.importers import ImportResult
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
    record_from_import,
    record_from_work,
)
from reviewtools.literature.search import (
    fingerprint_id,
    load_screening,
    screening_path,
)
from reviewtools.literature.verify import TITLE_THRESHOLD, Mismatch, compare, verify  # noqa: F401 - re-exported
from reviewtools.model.records import SearchRun, now
from reviewtools.settings import Settings
from reviewtools.store.files import atomic_write_text, folder_lock, save_record
from reviewtools.store.folders import ReviewFolder


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
    try:
        valid = bool(_DATE_RE.match(day)) and date.fromisoformat(day).isoformat() == day
    except ValueError:
        valid = False
    if not valid:
        raise InputError(f"verification date {day!r} is not a date (YYYY-MM-DD)")
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


def find_record(bf: BibFile, rec: BibRecord) -> BibEntry | None:
    """The entry holding the same work as ``rec`` (see :meth:`BibFile.find`).

    Raises :class:`BibError` when an entry shares one identifier with ``rec`` but holds a
    different one of another kind: the two cannot be told apart safely.
    """
    author = surname(_bib_name(rec.authors[0])) if rec.authors else ""
    entry = bf.find(doi=rec.doi, pmid=rec.pmid, pmcid=rec.pmcid, title=rec.title,
                    year=rec.year, author=author)
    if entry is None:
        for kind in ("doi", "pmid", "pmcid"):
            value = getattr(rec, kind)
            other = bf.find(**{kind: value}) if value else None
            if other is not None and other.key in bf.by_key and getattr(other, kind) == value:
                raise BibError(f"{rec.label} matches '{other.key}' by {kind.upper()}, but their "
                               "other identifiers differ; fix the entry by hand "
                               "(nothing was written)", path=bf.path)
    return entry


def _conflicts(entry: BibEntry, changes: dict[str, str]) -> dict[str, tuple[str, str]]:
    """The changes that overwrite a non-empty managed value: ``{field: (old, new)}``."""
    return {name: (entry.fields[name], value) for name, value in changes.items()
            if name in MANAGED and entry.fields.get(name, "").strip()}


def _history(entry: BibEntry, conflicts: dict[str, tuple[str, str]], day: str) -> str:
    old = "; ".join(f"{name} was {{{value}}}" for name, (value, _) in conflicts.items())
    previous = entry.fields.get("history", "").strip()
    line = f"{day} replaced: {old}"
    return f"{previous} | {line}" if previous else line


def describe_conflicts(key: str, conflicts: dict[str, tuple[str, str]]) -> str:
    diffs = "; ".join(f"{name} {plain_text(old)!r} -> {plain_text(new)!r}"
                      for name, (old, new) in conflicts.items())
    return f"'{key}' already holds this work with other values: {diffs}"


def upsert(bib_path: Path | str, works: Iterable[Any], *, verified_source: str | None,
           date: str | None = None, replace: bool = True) -> list[Change]:
    """Add or update one entry per work; return what was done to each.

    Parameters
    ----------
    bib_path : the references.bib file (created if missing).
    works : :class:`reviewtools.literature.works.Work` objects or :class:`BibRecord` objects.
    verified_source : where the records were confirmed (service name or page URL);
        ``None`` stamps each work with its own ``source`` (e.g. ``pubmed``).
    date : ``YYYY-MM-DD`` of the verification (default: today).
    replace : whether a work may overwrite an entry's non-empty values (the old ones are
        kept in its ``history`` field). ``False`` raises :class:`ConflictError` listing
        the differences and writes nothing; filling empty fields is always allowed.

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
            entry = find_record(bf, rec)
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
            conflicts = _conflicts(entry, changes)
            if conflicts and not replace:
                raise ConflictError(describe_conflicts(entry.key, conflicts), path=path,
                                    hint="give --replace to replace them; nothing was written")
            if conflicts:
                changes["history"] = _history(entry, conflicts, verified.rsplit("; ", 1)[-1])
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
                        date: str | None = None, replace: bool = False) -> Change:
    """Add (or update) an entry from a record checked by hand on the public page ``page_url``.

    ``record`` holds title, authors (list of 'Surname, Given'), journal, year, volume,
    number, pages and a DOI and/or PMID (and optionally PMCID). The entry is stamped
    ``verified = {page_url; date}``. An entry for the same work whose values differ is
    left as it was (:class:`ConflictError` shows the differences) unless ``replace``.
    """
    url = str(page_url or "").strip()
    if not re.match(r"^https?://\S+$", url):
        raise InputError(f"verification source {page_url!r} must be the http(s) URL of the "
                         "public page where the record was checked")
    return upsert(bib_path, [record_from_dict(record)], verified_source=url, date=date,
                  replace=replace)[0]


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


# ---- importing export files ------------------------------------------------------------------


@dataclass
class ImportChange:
    """What ``refs import`` did (or, in a dry run, would do) with one record of the file."""

    position: int
    action: Literal["added", "duplicate", "skipped"]
    key: str
    identifier: str
    detail: str = ""
    abstract: str = ""  # added / unchanged / kept / "" (none in the file)

    def __str__(self) -> str:
        what = {"added": "add", "duplicate": "already in references.bib as",
                "skipped": "skip"}[self.action]
        text = f"record {self.position}: {what} {self.key} [{self.identifier}]".replace("  ", " ")
        if self.detail:
            text += f" ({self.detail})"
        if self.abstract:
            text += f"; abstract {self.abstract}"
        return text


def import_records(settings: Settings, result: ImportResult, *, dry_run: bool = False,
                   verified_sources: dict[str, str] | None = None, date: str | None = None,
                   by: str = "") -> list[ImportChange]:
    """Add the records of an import file to references.bib, each at most once.

    A record is a duplicate when an entry (or an earlier record of the file) has the same
    DOI, PMID or PMCID, or the same normalised title, year and first author with no
    differing identifier; a duplicate changes nothing in the bib. A new entry gets
    ``importedfrom = {file}`` and no ``verified`` stamp (it stays unverified) unless
    ``verified_sources`` maps one of its identifiers (``doi:...``/``pmid:...``) to the
    public page where it was checked. Each record's abstract is stored in
    evidence/abstracts/ with the file it came from. ``dry_run`` writes nothing.
    """
    sources_by_id = {_id_label(k): stamp_url(v) for k, v in (verified_sources or {}).items()}
    day = stamp("-", date).rsplit("; ", 1)[-1]
    bib_path = settings.bib_path
    out: list[ImportChange] = []
    with folder_lock(bib_path.parent):
        bf = BibFile.load(bib_path)
        appended: list[str] = []
        abstracts: list[tuple[str, str, str]] = []
        for item in result.records:
            rec = record_from_import(item)
            try:
                entry = find_record(bf, rec)
            except BibError as exc:
                out.append(ImportChange(item.position, "skipped", "", rec.label,
                                        str(exc).split(": ", 1)[-1]))
                continue
            if entry is not None:
                change = ImportChange(item.position, "duplicate", entry.key, rec.label)
            else:
                key = make_key(rec, set(bf.by_key))
                page = next((sources_by_id[i] for i in _labels(rec) if i in sources_by_id), "")
                fields = [*record_fields(rec).items(), ("importedfrom", escape_tex(
                    item.source_file))]
                if page:
                    fields.append(("verified", stamp(page, day)))
                text = format_entry(rec.entry_type, key, fields)
                _check_text(text, key, record_fields(rec))
                appended.append(text)
                bf.add_entry(BibEntry(key, rec.entry_type, dict(fields), -1, -1, 0, text))
                change = ImportChange(item.position, "added", key, rec.label,
                                      "verified" if page else "unverified")
            if item.abstract:
                change.abstract = _abstract_action(settings, change.key, item.abstract)
                if change.abstract == "added":
                    abstracts.append((change.key, item.abstract, item.source_file))
            out.append(change)
        if not dry_run:
            new_text = _apply(bf.text, {}, appended, "\r\n" if "\r\n" in bf.text else "\n")
            if new_text != bf.text:
                atomic_write_text(bib_path, new_text)
    if not dry_run:
        for key, text, source in abstracts:
            save_abstract(settings, key, text, imported_from=source, via="import", seen=day,
                          by=by)
    return out


def _abstract_action(settings: Settings, key: str, text: str) -> str:
    old = load_abstract(settings, key)
    if old is None:
        return "added"
    return "unchanged" if " ".join(old.text.split()) == " ".join(text.split()) else "kept"


def _labels(rec: BibRecord) -> list[str]:
    return [f"{k}:{getattr(rec, k)}" for k in ("doi", "pmid", "pmcid") if getattr(rec, k)]


def _id_label(text: str) -> str:
    return str(parse_identifier(text))


def stamp_url(url: str) -> str:
    url = str(url or "").strip()
    if not re.match(r"^https?://\S+$", url):
        raise InputError(f"verification source {url!r} must be the http(s) URL of the "
                         "public page where the record was checked")
    return url


def record_import(review: ReviewFolder, claim_id: str, result: ImportResult,
                  changes: list[ImportChange], *, date: str | None = None) -> SearchRun | None:
    """Record an import as a search of the claim (source ``import``, its file as the query),
    so its records count as identified in PRISMA; the same import twice is recorded once."""
    review.claim(claim_id)
    ids = []
    for item in result.records:
        if item.pmid or item.doi or item.pmcid:
            ids.append(f"pmid:{item.pmid}" if item.pmid else f"doi:{item.doi}" if item.doi
                       else f"pmcid:{item.pmcid}")
        else:
            ids.append(fingerprint_id(item.title, item.authors, item.year, item.journal)
                       if item.authors and item.year else f"import:{item.position}")
    source = result.records[0].source_file if result.records else "-"
    screening = load_screening(review, claim_id)
    query = f"import of {source}"
    if any(r.query == query and r.ids == ids for r in screening.searches):
        return None
    day = stamp("-", date).rsplit("; ", 1)[-1]
    run = SearchRun(query=query, source="import", date=f"{day}T00:00:00Z" if date else now(),
                    count=len(ids), ids=ids)
    path = screening_path(review, claim_id)
    save_record(path, screening.model_copy(update={"searches": [*screening.searches, run]}),
                create=not path.is_file())
    return run
