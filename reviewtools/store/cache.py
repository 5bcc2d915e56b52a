"""A cache of parsed evidence files, keyed by path, size, inode and change times.

Parsing YAML is the slow part of ``check`` and ``status`` on a large repository
(about 0.35 ms per claim file; validating the same data from JSON takes 0.013 ms).
Each folder of evidence files gets one JSON shard under the cache folder
(``REVIEWTOOLS_CACHE_DIR``) holding, per file name, its :func:`stamp` (size,
modification time, inode and status-change time) and the validated record as JSON.
A file is re-parsed when any part of its stamp differs: an edit that keeps the size and
resets the modification time (``sed -i`` then ``touch -r``) still changes the inode or
the change time, which no user can set. Files changed in the last :data:`RACY_SECONDS`
are never cached (the clock may not have ticked between two writes of the same size),
so a cached record is always the one on disk. Deleting the cache folder is always safe.

>>> shard = ParsedFolder(folder, Claim, settings)    # doctest: +SKIP
>>> claim = shard.load(folder / "sleep-01.yaml")      # doctest: +SKIP
>>> shard.flush()                                     # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Generic, TypeVar

from pydantic import ValidationError

from reviewtools.model.records import Record
from reviewtools.settings import Settings
from reviewtools.store.files import atomic_write_text, load_record

R = TypeVar("R", bound=Record)
RACY_SECONDS = 1.0
FORMAT = 3  # bump when the shard layout changes
_MEMORY: dict[tuple[str, tuple[int, ...]], Record] = {}
Stamp = tuple[int, int, int, int]


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


class ParsedFolder(Generic[R]):
    """The parse cache of one folder of evidence files of one kind.

    Parameters
    ----------
    folder : Path
        Folder holding the files (e.g. ``evidence/<slug>/claims``); files below it in
        sub-folders may be loaded too (e.g. ``evidence`` for every ``*/review.yaml``).
    model : type
        The record model the files hold.
    settings : Settings or None
        Where the cache lives; ``None`` keeps the cache in memory only.
    """

    def __init__(self, folder: Path, model: type[R], settings: Settings | None) -> None:
        self.model = model
        self.folder = os.path.abspath(folder)
        self.file = cache_file(settings, model.__name__, self.folder) if settings else None
        data = read_json(self.file) if self.file else None
        ok = isinstance(data, dict) and data.get("format") == FORMAT \
            and data.get("folder") == self.folder and isinstance(data.get("files"), dict)
        self.entries: dict[str, list] = data["files"] if ok else {}  # type: ignore[index]
        self.dirty = False

    def load(self, path: Path) -> R:
        """The validated record in ``path``; raises like :func:`store.load_record`."""
        try:
            now = list(stamp(path))
        except OSError:
            now = [-1, -1, -1, -1]
        name = os.path.relpath(os.path.abspath(path), self.folder)
        key = (os.path.join(self.folder, name), tuple(now))
        mem = _MEMORY.get(key)
        if mem is not None and type(mem) is self.model:
            return mem  # type: ignore[return-value]
        hit = self.entries.get(name)
        record = None
        if isinstance(hit, list) and len(hit) == 2 and hit[0] == now \
                and isinstance(hit[1], str):
            with contextlib.suppress(ValidationError, TypeError, ValueError):
                record = self.model.model_validate_json(hit[1])
        settled = is_settled(now[1])
        if record is None:
            record = load_record(Path(path), self.model)
            if settled:
                self.entries[name] = [now, record.model_dump_json()]
                self.dirty = True
        if settled:
            _MEMORY[key] = record
        return record

    def flush(self) -> None:
        """Write the shard if anything new was parsed, dropping files that are gone."""
        if not (self.dirty and self.file):
            return
        files = {k: v for k, v in self.entries.items()
                 if os.path.exists(os.path.join(self.folder, k))}
        write_json(self.file, {"format": FORMAT, "folder": self.folder, "files": files})
        self.dirty = False


def load_many(paths: list[Path], model: type[R], settings: Settings | None = None) -> list[R]:
    """Load and validate many files of one kind, reusing earlier parses of unchanged files.

    Raises the first :class:`~reviewtools.errors.SchemaError` met, like ``load_record``.
    """
    shards: dict[Path, ParsedFolder[R]] = {}
    out: list[R] = []
    with gc_paused(), contextlib.ExitStack() as flushes:
        for path in paths:
            parent = Path(path).parent
            shard = shards.get(parent)
            if shard is None:
                shard = shards[parent] = ParsedFolder(parent, model, settings)
                flushes.callback(shard.flush)
            out.append(shard.load(Path(path)))
    return out
