"""A cache of parsed evidence files, keyed by path, size and modification time.

Loading thousands of YAML files is the slow part of ``check`` and ``status``;
a warm run reads one JSON file instead and re-parses only files that changed.
The cache holds only data that was already validated and lives under the
cache folder (``REVIEWTOOLS_CACHE_DIR``); deleting it is always safe.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TypeVar

from .models import Record
from .settings import Settings
from .store import atomic_write_text, load_record

R = TypeVar("R", bound=Record)
_MEMORY: dict[tuple[str, int, int], Record] = {}


def _stamp(path: Path) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns


def load_many(paths: list[Path], model: type[R], settings: Settings | None = None) -> list[R]:
    """Load and validate many files of one kind, reusing earlier parses of unchanged files."""
    disk_file = None
    disk: dict[str, list] = {}
    if settings is not None and paths:
        disk_file = settings.resolved_cache_dir / "parsed" / f"{model.__name__}.json"
        if disk_file.is_file():
            try:
                disk = json.loads(disk_file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                disk = {}
    out: list[R] = []
    dirty = False
    for path in paths:
        size, mtime = _stamp(path)
        key = str(path.resolve())
        mem = _MEMORY.get((key, size, mtime))
        if mem is not None:
            out.append(mem)  # type: ignore[arg-type]
            continue
        hit = disk.get(key)
        if hit and hit[0] == size and hit[1] == mtime:
            record = model.model_construct_validated(hit[2]) if hasattr(
                model, "model_construct_validated") else model.model_validate(hit[2])
        else:
            record = load_record(path, model)
            disk[key] = [size, mtime, record.model_dump(mode="json")]
            dirty = True
        _MEMORY[(key, size, mtime)] = record
        out.append(record)
    if dirty and disk_file is not None:
        try:
            atomic_write_text(disk_file, json.dumps(disk))
        except OSError:
            pass  # a read-only checkout still works, just without the cache
    return out
