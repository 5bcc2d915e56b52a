"""The derived index: parsed evidence files in one SQLite file under the cache folder.

Never a source of truth. Each row holds, for one evidence file, the :func:`stamp
<reviewtools.store.cache.stamp>` it had when it was parsed (size, mtime_ns, inode,
ctime_ns), its validated record as JSON, and a small summary ``row`` (the columns
``status`` and the claim tables read, so they need neither YAML nor pydantic) plus
``sub`` rows (a claim's links). A row is used only while the file's stamp is the same;
a changed, added or deleted file is parsed again and its row replaced. references.bib
is indexed by entry key in the same file, so an export reads only the entries it cites.

Failure costs speed, never correctness: a read-only or full cache folder, a locked
database or any SQLite error makes a read miss (the file is parsed) and a write a no-op;
a corrupt or foreign file is deleted and rebuilt; an index written by other code (the
models or this module changed) is emptied. Concurrent processes share it through
SQLite's write-ahead log; every write is one transaction. Deleting it is always safe.

>>> index = Index.of(settings)                                    # doctest: +SKIP
>>> index.entries("reviewtools.model.records.Claim", ["/r/evidence/x/claims"])  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from reviewtools import __version__
from reviewtools.settings import Settings

T = TypeVar("T")
NAME = "index.sqlite3"
FORMAT = 3
APPLICATION_ID = 0x52540118  # "RT", issue 18: a file with another id is not ours
Stamp = tuple[int, int, int, int]
_CHUNK = 500  # SQLite host parameters per query, well below every build's limit
_SOURCES = ("model", "store/index.py", "store/rows.py", "literature/bib.py")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    kind TEXT NOT NULL, folder TEXT NOT NULL, name TEXT NOT NULL,
    size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, ino INTEGER NOT NULL,
    ctime_ns INTEGER NOT NULL, row TEXT NOT NULL, sub TEXT NOT NULL,
    PRIMARY KEY (kind, folder, name));
CREATE TABLE IF NOT EXISTS records (
    kind TEXT NOT NULL, folder TEXT NOT NULL, name TEXT NOT NULL, record TEXT NOT NULL,
    PRIMARY KEY (kind, folder, name));
CREATE TABLE IF NOT EXISTS folders (
    kind TEXT NOT NULL, folder TEXT NOT NULL, columns TEXT NOT NULL, listing TEXT NOT NULL,
    items TEXT NOT NULL, PRIMARY KEY (kind, folder, columns));
CREATE TABLE IF NOT EXISTS bibs (
    path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    ino INTEGER NOT NULL, ctime_ns INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS bib_entries (
    path TEXT NOT NULL, key TEXT NOT NULL, fields TEXT NOT NULL, PRIMARY KEY (path, key));
"""


def code_digest() -> str:
    """A digest of the code that decides what a stored row means (the models, this
    module, the row builders, the bib reader) and the package version."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(__version__.encode())
    for name in _SOURCES:
        target = package / name
        files = sorted(target.rglob("*.py")) if target.is_dir() else [target]
        for path in files:
            with contextlib.suppress(OSError):
                digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:32]


_DIGEST: list[str] = []


def _digest() -> str:
    if not _DIGEST:
        _DIGEST.append(code_digest())
    return _DIGEST[0]


class Index:
    """One process's connection to the index file at ``path`` (``None``: no index at all)."""

    _open: dict[str, Index] = {}
    _guard = threading.Lock()

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.pid = os.getpid()
        self.lock = threading.RLock()
        self.db: sqlite3.Connection | None = None
        self.broken = path is None
        self.rebuilt = False

    @classmethod
    def of(cls, settings: Settings | None) -> Index:
        """The index of ``settings``' cache folder, opened once per process (and again in a
        forked child: a SQLite connection must not cross a fork)."""
        if settings is None:
            return cls(None)
        path = settings.resolved_cache_dir / NAME
        key = str(path)
        with cls._guard:
            hit = cls._open.get(key)
            if hit is None or hit.pid != os.getpid():
                hit = cls._open[key] = cls(path)
            return hit

    @classmethod
    def close_all(cls) -> None:
        """Close every index this process opened (the next use opens them again)."""
        with cls._guard:
            for index in cls._open.values():
                if index.db is not None and index.pid == os.getpid():
                    with contextlib.suppress(sqlite3.Error):
                        index.db.close()
            cls._open.clear()

    # ---- connection -------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection | None:
        if self.db is not None or self.broken:
            return self.db
        assert self.path is not None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = self._open_db()
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) or not self._drop():
                self.broken = True  # unwritable or unreadable: parse every file
                return None
            try:
                self.db = self._open_db()
            except sqlite3.Error:
                self.broken = True
        except OSError:
            self.broken = True
        return self.db

    def _open_db(self) -> sqlite3.Connection:
        db = sqlite3.connect(str(self.path), timeout=2.0, isolation_level=None,
                             check_same_thread=False)
        try:
            app = db.execute("PRAGMA application_id").fetchone()[0]
            version = db.execute("PRAGMA user_version").fetchone()[0]
            tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables and (app, version) != (APPLICATION_ID, FORMAT):
                raise sqlite3.DatabaseError("a foreign or older index")
            with contextlib.suppress(sqlite3.OperationalError):
                db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            if not tables:
                db.executescript(_SCHEMA + f"PRAGMA application_id={APPLICATION_ID};"
                                 f"PRAGMA user_version={FORMAT};")
            row = db.execute("SELECT value FROM meta WHERE key='code'").fetchone()
            if row is None or row[0] != _digest():
                with _transaction(db):
                    for table in ("files", "records", "folders", "bibs", "bib_entries"):
                        db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names
                    db.execute("INSERT OR REPLACE INTO meta VALUES ('code', ?)", (_digest(),))
        except BaseException:
            db.close()
            raise
        return db

    def _drop(self) -> bool:
        """Delete a corrupt or foreign index file (and its journal files), once per process."""
        if self.rebuilt or self.path is None:
            return False
        self.rebuilt = True
        if self.db is not None:
            with contextlib.suppress(sqlite3.Error):
                self.db.close()
            self.db = None
        try:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        except OSError:
            return False
        return True

    def _run(self, work: Callable[[sqlite3.Connection], T], default: T) -> T:
        """``work(db)``, or ``default`` when the index cannot answer (then the caller parses)."""
        with self.lock:
            for _ in range(2):
                db = self._connect()
                if db is None:
                    return default
                try:
                    return work(db)
                except sqlite3.OperationalError:
                    return default  # locked, read-only, full: only speed is lost
                except sqlite3.DatabaseError:
                    if not self._drop():  # corrupt: start again from an empty index
                        self.broken = True
                        return default
            return default

    # ---- evidence files ---------------------------------------------------------------------
    def entries(self, kind: str, folders: Iterable[str], columns: tuple[str, ...] = ("record",),
                ) -> dict[str, dict[str, tuple[Stamp, tuple[str, ...]]]]:
        """``{folder: {name: (stamp, values)}}`` of the stored files of ``kind`` in ``folders``;
        ``values`` holds the asked ``columns`` (``record``, ``row``, ``sub``) as JSON text."""
        if not columns or any(c not in ("record", "row", "sub") for c in columns):
            raise ValueError(columns)
        wanted = list(dict.fromkeys(folders))
        picked = ", ".join(("r." if c == "record" else "f.") + c for c in columns)
        joined = " JOIN records r USING (kind, folder, name)" if "record" in columns else ""

        def work(db: sqlite3.Connection) -> dict[str, dict[str, tuple[Stamp, tuple[str, ...]]]]:
            out: dict[str, dict[str, tuple[Stamp, tuple[str, ...]]]] = {f: {} for f in wanted}
            for chunk in _chunks(wanted):
                marks = ",".join("?" * len(chunk))
                rows = db.execute("SELECT f.folder, f.name, f.size, f.mtime_ns, f.ino, "  # noqa: S608
                                  f"f.ctime_ns, {picked} FROM files f{joined} WHERE f.kind=? "
                                  f"AND f.folder IN ({marks})", (kind, *chunk))
                for folder, name, a, b, c, d, *values in rows:
                    out[folder][name] = ((a, b, c, d), tuple(values))
            return out
        return self._run(work, {f: {} for f in wanted})

    def put(self, kind: str, items: list[tuple[str, str, Stamp, str, str, str]]) -> None:
        """Store ``(folder, name, stamp, record, row, sub)`` rows in one transaction."""
        if not items:
            return

        def work(db: sqlite3.Connection) -> None:
            with _transaction(db):
                db.executemany("INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?,?,?,?)",
                               [(kind, f, n, *s, w, b) for f, n, s, _, w, b in items])
                db.executemany("INSERT OR REPLACE INTO records VALUES (?,?,?,?)",
                               [(kind, f, n, r) for f, n, _, r, _, _ in items])
        self._run(work, None)

    def forget(self, kind: str, items: Iterable[tuple[str, str]]) -> None:
        """Delete the rows of files that are gone, ``(folder, name)`` each."""
        gone = list(items)
        if not gone:
            return

        def work(db: sqlite3.Connection) -> None:
            with _transaction(db):
                for table in ("files", "records"):
                    db.executemany(f"DELETE FROM {table} WHERE kind=? AND folder=? "  # noqa: S608
                                   "AND name=?", [(kind, f, n) for f, n in gone])
        self._run(work, None)

    def folder_sets(self, kind: str, columns: str, folders: Iterable[str],
                    ) -> dict[str, tuple[str, str]]:
        """``{folder: (listing, items)}``: the whole-folder entries stored by
        :meth:`put_folder_sets` (a folder's file names and stamps, and its files' values)."""
        wanted = list(dict.fromkeys(folders))

        def work(db: sqlite3.Connection) -> dict[str, tuple[str, str]]:
            out: dict[str, tuple[str, str]] = {}
            for chunk in _chunks(wanted):
                marks = ",".join("?" * len(chunk))
                out.update((f, (a, b)) for f, a, b in db.execute(
                    "SELECT folder, listing, items FROM folders WHERE kind=? AND "  # noqa: S608
                    f"columns=? AND folder IN ({marks})", (kind, columns, *chunk)))
            return out
        return self._run(work, {})

    def put_folder_sets(self, kind: str, items: list[tuple[str, str, str, str]]) -> None:
        """Store ``(columns, folder, listing, items)`` whole-folder entries in one
        transaction."""
        if not items:
            return

        def work(db: sqlite3.Connection) -> None:
            with _transaction(db):
                db.executemany("INSERT OR REPLACE INTO folders VALUES (?,?,?,?,?)",
                               [(kind, f, c, a, b) for c, f, a, b in items])
        self._run(work, None)

    # ---- bib files --------------------------------------------------------------------------
    def bib_stamp(self, path: str) -> Stamp | None:
        def work(db: sqlite3.Connection) -> Stamp | None:
            row = db.execute("SELECT size, mtime_ns, ino, ctime_ns FROM bibs WHERE path=?",
                             (path,)).fetchone()
            return tuple(row) if row else None  # type: ignore[return-value]
        return self._run(work, None)

    def bib_entries(self, path: str, stamp: Stamp, keys: Iterable[str] | None,
                    ) -> dict[str, str] | None:
        """``{key: fields JSON}`` of the entries ``keys`` (all when ``None``) of the bib file at
        ``path`` as indexed at ``stamp``; ``None`` if the index holds another version."""
        wanted = None if keys is None else list(dict.fromkeys(keys))

        def work(db: sqlite3.Connection) -> dict[str, str] | None:
            db.execute("BEGIN")  # one snapshot: the stamp and the entries together
            try:
                row = db.execute("SELECT size, mtime_ns, ino, ctime_ns FROM bibs WHERE path=?",
                                 (path,)).fetchone()
                if row is None or tuple(row) != tuple(stamp):
                    return None
                if wanted is None:
                    return dict(db.execute("SELECT key, fields FROM bib_entries WHERE path=?",
                                           (path,)))
                out: dict[str, str] = {}
                for chunk in _chunks(wanted):
                    marks = ",".join("?" * len(chunk))
                    out.update(db.execute("SELECT key, fields FROM bib_entries WHERE "  # noqa: S608
                                          f"path=? AND key IN ({marks})", (path, *chunk)))
                return out
            finally:
                db.execute("COMMIT")
        return self._run(work, None)

    def put_bib(self, path: str, stamp: Stamp, entries: dict[str, str]) -> None:
        """Replace the indexed entries of the bib file at ``path`` (``{key: fields JSON}``)."""
        def work(db: sqlite3.Connection) -> None:
            with _transaction(db):
                db.execute("DELETE FROM bib_entries WHERE path=?", (path,))
                db.executemany("INSERT OR REPLACE INTO bib_entries VALUES (?,?,?)",
                               [(path, k, v) for k, v in entries.items()])
                db.execute("INSERT OR REPLACE INTO bibs VALUES (?,?,?,?,?)", (path, *stamp))
        self._run(work, None)


@contextlib.contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i:i + _CHUNK]


def dumps(value: object) -> str:
    """Compact JSON for a stored column."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
