"""A cache of parsed evidence files, keyed by path, size, inode and change times.

Parsing YAML is the slow part of ``check`` and ``status`` on a large repository
(about 0.35 ms per claim file; validating the same data from JSON takes 0.03 ms, and
reading a stored summary row 0.004 ms). The derived index (:mod:`reviewtools.store.index`,
one SQLite file under the cache folder, ``REVIEWTOOLS_CACHE_DIR``) holds per file its
:func:`stamp` (size, modification time, inode and status-change time), the validated
record as JSON and its summary rows (:mod:`reviewtools.store.rows`), and per folder its
files' rows as columns (:func:`folder_tables`: a warm ``status`` or repository DataFrame
is one query, one ``stat`` per file and one JSON decode per folder).
A file is re-parsed when any part of its stamp differs: an edit that keeps the size and
resets the modification time (``sed -i`` then ``touch -r``) still changes the inode or
the change time, which no user can set. Files changed in the last :data:`RACY_SECONDS`
are never cached (the clock may not have ticked between two writes of the same size),
so a cached record is always the one on disk. Deleting the cache folder is always safe.

>>> shard = ParsedFolder(folder, Claim, settings)    # doctest: +SKIP
>>> claim = shard.load(folder / "sleep-01.yaml")      # doctest: +SKIP
>>> shard.flush()                                     # doctest: +SKIP
>>> rows = folder_values([folder], Claim, settings, ("row",))  # doctest: +SKIP
>>> table = folder_tables([folder], Claim, settings)           # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import stat as stat_module
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Generic, TypeVar

from pydantic import ValidationError

from reviewtools.model.records import Record
from reviewtools.settings import Settings
from reviewtools.store.files import atomic_write_text, load_record
from reviewtools.store.index import Index, dumps
from reviewtools.store.rows import build_table, rows_of, table_ok, table_parts, values_ok

R = TypeVar("R", bound=Record)
RACY_SECONDS = 1.0
_MEMORY: dict[tuple[str, tuple[int, ...]], Record] = {}
Stamp = tuple[int, int, int, int]
GONE: Stamp = (-1, -1, -1, -1)


def stamp(path: Path) -> Stamp:
    """``(size, mtime_ns, inode, ctime_ns)`` of ``path``; raises ``OSError`` if it is gone.

    The change time (``ctime``) is set by the kernel on every write, rename or ``touch``,
    and cannot be set back, so a changed file always gets a new stamp.
    """
    return stat_stamp(os.stat(path))


def stat_stamp(st: os.stat_result) -> Stamp:
    """:func:`stamp` from an ``os.stat`` result."""
    return st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns


def is_settled(mtime_ns: int) -> bool:
    """True if a file last modified at ``mtime_ns`` is old enough to cache safely."""
    return mtime_ns < time.time_ns() - int(RACY_SECONDS * 1e9)


def cache_file(settings: Settings, kind: str, name: str) -> Path:
    """Where the cache keeps ``name`` (hashed) of the given ``kind``."""
    digest = hashlib.sha1(name.encode("utf-8"), usedforsecurity=False).hexdigest()[:20]
    return settings.resolved_cache_dir / "parsed" / kind / f"{digest}.json"


def read_json(path: Path) -> object:
    """Parsed JSON from a cache file, or ``None`` if it is missing or unreadable."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_json(path: Path, data: object) -> None:
    """Write a cache file; a read-only cache folder only costs speed, never correctness."""
    with contextlib.suppress(OSError):
        atomic_write_text(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while loading many files.

    Parsing creates millions of short-lived, acyclic objects (freed at once by
    reference counting) while the loaded records accumulate; each automatic
    full collection then walks every record again. On 36,000 files this cost
    about a third of ``check``'s time. The previous state is restored on exit.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def kind_of(model: type) -> str:
    """The index's name for a record model (module and class: two models share a name)."""
    return f"{model.__module__}.{model.__qualname__}"


def _split(path: Path | str) -> tuple[str, str]:
    return os.path.split(os.path.abspath(path))


def _now(path: Path | str) -> Stamp:
    try:
        return stamp(Path(path))
    except OSError:
        return GONE


def _parsed(folder: str, name: str, now: Stamp, record: Record) -> tuple:
    row, sub = rows_of(record)
    return folder, name, now, record.model_dump_json(), dumps(row), dumps(sub)


class ParsedFolder(Generic[R]):
    """The parse cache of the files of one kind in one folder (or its sub-folders).

    Parameters
    ----------
    folder : Path
        Folder holding the files (e.g. ``evidence/<slug>/claims``); files below it in
        sub-folders may be loaded too (e.g. ``evidence`` for every ``*/review.yaml``).
    model : type
        The record model the files hold.
    settings : Settings or None
        Where the cache lives; ``None`` keeps the cache in memory only.
    tables : bool
        On :meth:`flush`, also store the folder table (:func:`folder_tables`) of each
        folder whose every file was loaded, unless the stored one is current (so a
        ``status`` after ``check`` reads no file's row).
    """

    def __init__(self, folder: Path, model: type[R], settings: Settings | None, *,
                 tables: bool = False) -> None:
        self.model = model
        self.kind = kind_of(model)
        self.folder = os.path.abspath(folder)
        self.index = Index.of(settings) if settings is not None else None
        self.stored: dict[str, dict[str, tuple[Stamp, tuple[str, ...]]]] = {}
        self.pending: list[tuple] = []
        self.tables = tables
        self.seen: dict[str, dict[str, tuple[Stamp, Record]]] = {}

    def _stored(self, parent: str) -> dict[str, tuple[Stamp, tuple[str, ...]]]:
        if parent not in self.stored:
            self.stored[parent] = self.index.entries(self.kind, [parent])[parent] \
                if self.index is not None else {}
        return self.stored[parent]

    def load(self, path: Path) -> R:
        """The validated record in ``path``; raises like :func:`store.load_record`."""
        now = _now(path)
        parent, name = _split(path)
        key = (os.path.join(parent, name), now)
        mem = _MEMORY.get(key)
        if mem is not None and type(mem) is self.model:
            return mem  # type: ignore[return-value]
        hit = self._stored(parent).get(name)
        record = _from_json(self.model, hit[1][0]) if hit and hit[0] == now else None
        settled = now != GONE and is_settled(now[1])
        if record is None:
            record = load_record(Path(path), self.model)
            if settled:
                self.pending.append(_parsed(parent, name, now, record))
        if settled:
            _MEMORY[key] = record
        if self.tables:
            self.seen.setdefault(parent, {})[name] = (now, record)
        return record

    def flush(self) -> None:
        """Store what was parsed since the last flush (one transaction)."""
        if self.pending and self.index is not None:
            self.index.put(self.kind, self.pending)
        self.pending = []
        if self.tables and self.index is not None:
            self._store_tables()
        self.seen = {}

    def _store_tables(self) -> None:
        assert self.index is not None
        items: list[tuple[str, str, str, str]] = []
        columns, keys = table_parts(self.model)
        parts = list(keys)
        for parent, seen in self.seen.items():
            listing = scan(parent)
            if len(listing) != len(seen) or not all(
                    name in seen and seen[name][0] == now and now != GONE
                    and is_settled(now[1]) for name, now in listing):
                continue  # not every file was loaded, or one changed since
            text = _listing_text(listing)
            stored = self.index.folder_sets(self.kind, f"table:{parts[-1]}", [parent]).get(parent)
            if stored is not None and stored[0] == text:
                continue
            values = [_record_values(seen[name][1], columns) for name, _ in listing]
            items += _table_items(parent, text, build_table(self.model, values))
        self.index.put_folder_sets(self.kind, items)


def _record_values(record: Record, columns: tuple[str, ...]) -> list:
    """A record's stored ``columns`` as their JSON decodes would give them."""
    row, sub = rows_of(record)
    given = {"row": row, "sub": sub}
    return [record.model_dump(mode="json") if c == "record" else given[c] for c in columns]


def _from_json(model: type[R], text: str) -> R | None:
    try:
        return model.model_validate_json(text)
    except (ValidationError, TypeError, ValueError):
        return None  # a damaged row: parse the file again


def load_many(paths: list[Path], model: type[R], settings: Settings | None = None) -> list[R]:
    """Load and validate many files of one kind, reusing earlier parses of unchanged files.

    Raises the first :class:`~reviewtools.errors.SchemaError` met, like ``load_record``.
    """
    shard = ParsedFolder(Path("."), model, settings)
    if shard.index is not None:
        parents = list(dict.fromkeys(_split(p)[0] for p in paths))
        shard.stored.update(shard.index.entries(shard.kind, parents))
    with gc_paused():
        try:
            return [shard.load(Path(path)) for path in paths]
        finally:
            shard.flush()


def scan(folder: str, names: Iterable[str] | None = None, suffix: str = ".yaml",
         ) -> list[tuple[str, Stamp]]:
    """``(name, stamp)`` of the files ending in ``suffix`` in ``folder``, sorted by name (or
    of the given ``names`` that exist). Links are followed; a name that is not a readable
    regular file gets :data:`GONE` (loading it then raises the right error)."""
    out: list[tuple[str, Stamp]] = []
    if names is not None:
        for name in names:
            try:
                st = os.stat(os.path.join(folder, name))
            except OSError:
                continue
            out.append((name, stat_stamp(st) if stat_module.S_ISREG(st.st_mode) else GONE))
        return out
    try:
        entries = os.scandir(folder)
    except OSError:
        return []
    with entries:
        for entry in entries:
            if not entry.name.endswith(suffix):
                continue
            try:
                st = entry.stat()
            except OSError:
                out.append((entry.name, GONE))
                continue
            out.append((entry.name, stat_stamp(st) if stat_module.S_ISREG(st.st_mode) else GONE))
    out.sort()
    return out


def folder_values(folders: Iterable[Path | str], model: type[R], settings: Settings | None,
                  columns: tuple[str, ...] = ("row",), *, names: Iterable[str] | None = None,
                  ) -> dict[str, list[tuple[str, list]]]:
    """The stored ``columns`` (decoded JSON: ``record``, ``row``, ``sub``) of every file of
    ``model`` in each folder (or only ``names``), as ``{folder: [(name, values), ...]}`` in
    name order; the keys are the folders as given.

    A warm read is one query per 500 folders and one ``stat`` per file: no YAML, no
    pydantic. A file whose stamp differs from the stored one is parsed and validated (and
    stored, once settled); rows of files that are gone are forgotten. Raises the first
    :class:`~reviewtools.errors.SchemaError` met, like ``load_record``.
    """
    given = [str(f) for f in folders]
    absolute = {f: os.path.abspath(f) for f in given}
    kind = kind_of(model)
    index = Index.of(settings) if settings is not None else None
    wanted = list(names) if names is not None else None
    whole = ",".join(columns)  # whole-folder entries: only for full listings
    sets = index.folder_sets(kind, whole, absolute.values()) if index and wanted is None else {}
    out: dict[str, list[tuple[str, list]]] = {}
    listings: dict[str, list[tuple[str, Stamp]]] = {}
    with gc_paused():
        for folder in given:
            where = absolute[folder]
            listing = listings[folder] = scan(where, wanted)
            hit = sets.get(where)
            if hit is not None and hit[0] == _listing_text(listing):
                values = _whole(model, columns, hit[1], len(listing))
                if values is not None:
                    out[folder] = [(name, v) for (name, _), v in zip(listing, values,
                                                                     strict=True)]
        missed = [f for f in given if f not in out]
        if missed:
            _read_files(model, settings, index, missed, absolute, listings, columns,
                        wanted is None, out)
    return {f: out[f] for f in given}


def _listing_text(listing: list[tuple[str, Stamp]]) -> str:
    return json.dumps(listing, ensure_ascii=False, separators=(",", ":"))


def _whole(model: type[R], columns: tuple[str, ...], text: str, count: int) -> list | None:
    """A whole-folder entry's values (one per file), or ``None`` if it is damaged."""
    try:
        values = json.loads(text)
    except ValueError:
        return None
    if type(values) is not list or len(values) != count:
        return None
    width = len(columns)
    if not all(type(v) is list and len(v) == width and values_ok(model, columns, v)
               for v in values):
        return None
    return values


def _read_files(model: type[R], settings: Settings | None, index: Index | None,
                folders: list[str], absolute: dict[str, str],
                listings: dict[str, list[tuple[str, Stamp]]], columns: tuple[str, ...],
                whole: bool, out: dict[str, list[tuple[str, list]]]) -> None:
    """The per-file path of :func:`folder_values` for folders whose listing changed."""
    kind = kind_of(model)
    stored = index.entries(kind, [absolute[f] for f in folders], columns) if index else {}
    pending: list[tuple] = []
    gone: list[tuple[str, str]] = []
    sets: list[tuple[str, str, str]] = []
    try:
        with gc_paused():
            for folder in folders:
                where, listing = absolute[folder], listings[folder]
                known = stored.get(where, {})
                out[folder] = _folder_values(model, where, listing, known, columns, pending)
                if whole:
                    present = {name for name, _ in listing}
                    gone += [(where, name) for name in known if name not in present]
                    if all(now != GONE and is_settled(now[1]) for _, now in listing):
                        sets.append((where, _listing_text(listing),
                                     json.dumps([v for _, v in out[folder]],
                                                ensure_ascii=False, separators=(",", ":"))))
    finally:
        if index is not None:
            index.put(kind, pending)
            index.forget(kind, gone)
            index.put_folder_sets(kind, [(",".join(columns), *item) for item in sets])


def _folder_values(model: type[R], folder: str, listing: list[tuple[str, Stamp]],
                   known: dict[str, tuple[Stamp, tuple[str, ...]]], columns: tuple[str, ...],
                   pending: list[tuple]) -> list[tuple[str, list]]:
    same = [name for name, now in listing if now != GONE and name in known
            and known[name][0] == now]
    decoded = _decode(same, [known[name][1] for name in same], len(columns))
    out = []
    for name, now in listing:
        values = decoded.get(name)
        if values is None or not values_ok(model, columns, values):
            values = _parse(model, folder, name, now, columns, pending)
        out.append((name, values))
    return out


def _decode(names: list[str], texts: list[tuple[str, ...]], width: int) -> dict[str, list]:
    """Decode stored JSON columns, one ``json.loads`` per column for the lot (falling back
    to one per value when any is damaged: those are then left out, and parsed again)."""
    if not names:
        return {}
    try:
        columns = [json.loads("[" + ",".join(t[c] for t in texts) + "]") for c in range(width)]
        if all(len(col) == len(names) for col in columns):
            return {name: [col[i] for col in columns] for i, name in enumerate(names)}
    except ValueError:
        pass
    out = {}
    for name, values in zip(names, texts, strict=True):
        with contextlib.suppress(ValueError):
            out[name] = [json.loads(v) for v in values]
    return out


def _parse(model: type[R], folder: str, name: str, now: Stamp, columns: tuple[str, ...],
           pending: list[tuple]) -> list:
    path = Path(folder, name)
    record = load_record(path, model)
    parsed = _parsed(folder, name, now, record)
    if now != GONE and is_settled(now[1]):
        pending.append(parsed)
        _MEMORY[(str(path), now)] = record
    text = {"record": parsed[3], "row": parsed[4], "sub": parsed[5]}
    return [json.loads(text[c]) for c in columns]


def folder_tables(folders: Iterable[Path | str], model: type[R], settings: Settings | None,
                  parts: Iterable[str] | None = None) -> dict[str, dict[str, dict[str, list]]]:
    """Each folder's files of ``model`` as column lists (:func:`reviewtools.store.rows.
    build_table`: for claims, ``claims`` and ``links``; else ``records``), by folder as
    given; only the named ``parts`` (all when ``None``).

    Warm (no file changed since the table was stored): one query per part and 500
    folders, one ``stat`` per file and one JSON decode per folder and part. Otherwise the
    folder's files are read as :func:`folder_values` reads them and its table is built and
    stored again.
    """
    given = [str(f) for f in folders]
    absolute = {f: os.path.abspath(f) for f in given}
    kind = kind_of(model)
    columns, keys = table_parts(model)
    wanted = list(parts) if parts is not None else list(keys)
    index = Index.of(settings) if settings is not None else None
    sets = {p: index.folder_sets(kind, f"table:{p}", absolute.values()) if index else {}
            for p in wanted}
    out: dict[str, dict[str, dict[str, list]]] = {}
    missed: list[str] = []
    listings: dict[str, str] = {}
    with gc_paused():
        for folder in given:
            where = absolute[folder]
            listing = scan(where)
            listings[folder] = text = _listing_text(listing)
            hits = [sets[p].get(where) for p in wanted]
            table = _table(model, wanted, [h[1] for h in hits], len(listing)) if all(
                h is not None and h[0] == text for h in hits) else None
            if table is None:
                missed.append(folder)
            else:
                out[folder] = table
        if missed:
            found = folder_values(missed, model, settings, columns)
            store: list[tuple[str, str, str, str]] = []
            for folder in missed:
                table = build_table(model, [v for _, v in found[folder]])
                out[folder] = {p: table[p] for p in wanted}
                if all(now != GONE and is_settled(now[1])
                       for _, now in json.loads(listings[folder])):
                    store += _table_items(absolute[folder], listings[folder], table)
            if index is not None:
                index.put_folder_sets(kind, store)
    return out


def _table_items(folder: str, listing: str, table: dict) -> list[tuple[str, str, str, str]]:
    return [(f"table:{part}", folder, listing, dumps(cols)) for part, cols in table.items()]


def _table(model: type[R], parts: list[str], texts: list[str], files: int) -> dict | None:
    try:
        table = {p: json.loads(t) for p, t in zip(parts, texts, strict=True)}
    except ValueError:
        return None
    return table if table_ok(model, table, files) else None
