"""A write-ahead journal for changes that span several files (a re-extraction).

A re-extraction replaces the snapshot and re-anchors claims to it: the files must change
together, or a crash leaves claims anchored to the wrong text. :func:`commit` first
writes every new file's bytes into one journal file (atomically: it exists whole or not
at all), then writes the files in the order given (claims first, the snapshot and
review.yaml last) and removes the journal. A crash before the journal exists leaves the
old files; a crash after leaves the journal, and :func:`recover` (run before the next
change) writes every file again, so the review ends up entirely new.

>>> commit(folder, [("claims/sleep-01.yaml", b"..."), ("article.txt", b"...")])  # doctest: +SKIP
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import os
from collections.abc import Sequence
from pathlib import Path

from reviewtools.errors import SchemaError
from reviewtools.store.files import atomic_write_bytes, inside_folder

JOURNAL_NAME = ".reviewtools-journal.json"
FORMAT = 1


def journal_path(folder: Path) -> Path:
    return Path(folder) / JOURNAL_NAME


def pending(folder: Path) -> bool:
    """True if an interrupted multi-file change awaits :func:`recover` in ``folder``."""
    return journal_path(folder).is_file()


def commit(folder: Path, files: Sequence[tuple[str, bytes]]) -> None:
    """Write ``files`` (paths relative to ``folder``) all or nothing, in the given order."""
    folder = Path(folder)
    rows = [[inside_folder(folder, rel).relative_to(folder.resolve()).as_posix(),
             base64.b64encode(data).decode("ascii")] for rel, data in files]
    blob = json.dumps({"format": FORMAT, "files": rows}).encode("utf-8")
    atomic_write_bytes(journal_path(folder), blob)
    _apply(folder, rows)


def recover(folder: Path) -> bool:
    """Finish an interrupted :func:`commit` in ``folder``; True if there was one."""
    path = journal_path(folder)
    if not path.is_file():
        return False
    try:
        data = json.loads(path.read_bytes())
        rows = data["files"] if data.get("format") == FORMAT else None
        if not isinstance(rows, list):
            raise TypeError("no list of files")
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise SchemaError(f"unreadable journal of an interrupted change ({type(exc).__name__});"
                          " delete it to keep the files as they are", path=path) from None
    _apply(Path(folder), rows)
    return True


def _apply(folder: Path, rows: list) -> None:
    for row in rows:
        try:
            rel, encoded = row
            data = base64.b64decode(encoded, validate=True)
        except (ValueError, TypeError, binascii.Error):
            raise SchemaError("malformed entry in the journal of an interrupted change",
                              path=journal_path(folder)) from None
        atomic_write_bytes(inside_folder(folder, rel), data)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(journal_path(folder))
