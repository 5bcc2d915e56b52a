"""Stored abstracts: ``evidence/abstracts/<key>.yaml``, one :class:`Abstract` per study.

An abstract is saved from a fetched record (``cite``, ``refs verify``: the services'
Work objects carry it), from an import file, or pasted with the page it was copied from
(``refs abstract KEY --source URL --file ABSTRACT.txt``). Saving the same text again
changes nothing; a different text replaces the stored one only with ``replace=True``,
and the old source is kept in the record's history.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from reviewtools.errors import ConflictError, InputError, ReviewToolsError
from reviewtools.model.abstracts import Abstract
from reviewtools.model.records import HistoryEntry, now
from reviewtools.settings import Settings
from reviewtools.store.files import check_key, load_record, save_record

MAX_CHARS = 20_000


def abstracts_dir(settings: Settings) -> Path:
    return settings.evidence_dir / "abstracts"


def abstract_path(settings: Settings, key: str) -> Path:
    return abstracts_dir(settings) / f"{check_key(key)}.yaml"


def load_abstract(settings: Settings, key: str) -> Abstract | None:
    path = abstract_path(settings, key)
    return load_record(path, Abstract) if path.is_file() else None


def load_abstracts(settings: Settings) -> tuple[dict[str, Abstract], list[tuple[Path, str]]]:
    """Every stored abstract by key, and ``(path, problem)`` for files that do not load."""
    out: dict[str, Abstract] = {}
    bad: list[tuple[Path, str]] = []
    for path in sorted(abstracts_dir(settings).glob("*.yaml")):
        try:
            record = load_record(path, Abstract)
        except ReviewToolsError as exc:
            bad.append((path, str(exc).split(": ", 1)[-1]))
            continue
        if record.key != path.stem:
            bad.append((path, f"key '{record.key}' does not match the file name"))
            continue
        out[record.key] = record
    return out, bad


def clean_abstract(text: str) -> str:
    """The text as stored: line ends unified, outer blank space trimmed, nothing else."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise InputError("the abstract is empty")
    if len(text) > MAX_CHARS:
        raise InputError(f"the abstract is longer than {MAX_CHARS} characters; store the "
                         "passage that holds the quotes as an excerpt instead")
    return text


def save_abstract(settings: Settings, key: str, text: str, *, page: str = "",
                  imported_from: str = "", via: str = "page", kind: str = "abstract",
                  seen: str | None = None, by: str = "", replace: bool = False,
                  complete: bool = True) -> tuple[Abstract, str]:
    """Store ``text`` as the abstract of ``key``; return it and ``added``/``unchanged``/
    ``replaced``. A different stored text is kept unless ``replace``: a stored text seen on a
    page is never replaced by an imported one."""
    text = clean_abstract(text)
    seen = seen or datetime.now(UTC).date().isoformat()
    try:
        new = Abstract(key=key, kind=kind, text=text, complete=complete, page=page,
                       imported_from=imported_from, via=via, seen=seen, by=by)
    except ValueError as exc:
        raise InputError(f"abstract of '{key}': {_first_error(exc)}") from None
    old = load_abstract(settings, key)
    path = abstract_path(settings, key)
    if old is None:
        return save_record(path, new, create=True), "added"
    if " ".join(old.text.split()) == " ".join(text.split()) and (old.page or not page):
        return old, "unchanged"
    if not replace or (old.page and not page):
        raise ConflictError(f"'{key}' already has a stored abstract (from "
                            f"{old.page or old.imported_from}) that differs; give --replace "
                            "to replace it", path=path)
    detail = f"replaced text from {old.page or old.imported_from} seen {old.seen}"
    history = [*old.history, HistoryEntry(at=now(), by=by or "-", action="replace",
                                          detail=detail)]
    updated = new.model_copy(update={"revision": old.revision, "history": history})
    return save_record(path, updated), "replaced"


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        return f"{where}: {first.get('msg', '')}" if where else str(first.get("msg", ""))
    return str(exc)
