"""Reading and writing evidence files: validated loads, atomic and revision-checked saves.

Files are YAML with a stable key order (the model's field order). A save takes
a lock on the folder, refuses to overwrite a file whose on-disk ``revision``
differs from the one the record was loaded at (someone else saved first), then
writes a temporary file, flushes it to disk and renames it over the old one, so
a reader or a crash sees either the old or the new file, never a partial one.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import ValidationError

from reviewtools.errors import ConflictError, InputError, SchemaError
from reviewtools.model.records import CLAIM_ID_RE, KEY_RE, SLUG_RE, Record

try:  # the C loader is ~10x faster on large repositories
    _Loader: type = yaml.CSafeLoader
    _Dumper: type = yaml.CSafeDumper
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader
    _Dumper = yaml.SafeDumper

R = TypeVar("R", bound=Record)
LOCK_NAME = ".reviewtools.lock"


def check_slug(slug: str) -> str:
    """Return ``slug`` if it is a safe review name, else raise :class:`InputError`."""
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        raise InputError(f"invalid review slug {slug!r}: use lower-case letters, digits and '-'")
    return slug


def check_claim_id(claim_id: str) -> str:
    if not isinstance(claim_id, str) or not CLAIM_ID_RE.match(claim_id):
        raise InputError(f"invalid claim id {claim_id!r}: claim ids look like 'sleep-04'")
    return claim_id


def check_key(key: str) -> str:
    if not isinstance(key, str) or not KEY_RE.match(key):
        raise InputError(f"invalid reference key {key!r}")
    return key


def parse_yaml(text: str, path: Path | str) -> object:
    """Parse YAML text safely; a syntax error names the file, line and column."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - CSafeLoader/SafeLoader only
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SchemaError(f"not valid YAML at{where}: {problem}", path=path) from None


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file not found", path=path) from None
    except UnicodeDecodeError as exc:
        raise SchemaError(f"not UTF-8 text (byte {exc.start})", path=path) from None


def validate(data: object, model: type[R], path: Path | str) -> R:
    """Validate parsed data against ``model``.

    Errors name the file, the field, the value and what is allowed.
    """
    if not isinstance(data, dict):
        raise SchemaError(f"expected a mapping of fields, got {type(data).__name__}", path=path)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise schema_error(exc, path) from None


def schema_error(exc: ValidationError, path: Path | str) -> SchemaError:
    err = exc.errors()[0]
    field = ".".join(str(p) for p in err["loc"]) or "(record)"
    value = err.get("input")
    shown = repr(value) if not isinstance(value, dict) else "{...}"
    if len(shown) > 60:
        shown = shown[:57] + "..."
    allowed = _allowed(err)
    more = f" (and {len(exc.errors()) - 1} more problem(s))" if len(exc.errors()) > 1 else ""
    if err["type"] == "extra_forbidden":
        msg = f"unknown field '{field}'"
    elif err["type"] == "missing":
        msg = f"missing required field '{field}'"
    else:
        msg = f"field '{field}' = {shown}: {err['msg']}"
    if allowed:
        msg += f"; allowed: {allowed}"
    return SchemaError(msg + more, path=path, field=field, value=value, allowed=allowed)


def _allowed(err: dict) -> str | None:
    ctx = err.get("ctx") or {}
    if "expected" in ctx:
        return str(ctx["expected"])
    return None


def load_record(path: Path, model: type[R]) -> R:
    """Read and validate one evidence file."""
    return validate(parse_yaml(read_text(path), path), model, path)


def dump_record(record: Record) -> str:
    """Serialise a record as YAML in field order, omitting nothing."""
    data = record.model_dump(mode="json")
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=False)


def atomic_write_bytes(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` via a temporary file and ``os.replace``.

    On any error (disk full, permission) the temporary file is removed and the
    original file is left exactly as it was. ``mode`` sets the permissions of the new
    file (the temporary file is created private, 0600, by default).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if mode is not None:
            os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def atomic_write_text(path: Path, text: str, *, mode: int | None = None) -> None:
    """:func:`atomic_write_bytes` for UTF-8 text (newlines written as given)."""
    atomic_write_bytes(path, text.encode("utf-8"), mode=mode)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        dfd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Exclusive advisory lock on a folder, held while a save checks and writes."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK_NAME, "a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _disk_revision(path: Path) -> int | None:
    if not path.exists():
        return None
    data = parse_yaml(read_text(path), path)
    if isinstance(data, dict) and isinstance(data.get("revision"), int):
        return data["revision"]
    return 0


def save_record(path: Path, record: R, *, create: bool = False) -> R:
    """Save ``record`` if the file on disk is still at ``record.revision``.

    Returns the saved record with its revision incremented. ``create=True``
    means the file must not exist yet. Raises :class:`ConflictError` when the
    file changed since the record was loaded: reload, re-apply, save again.
    """
    path = Path(path)
    with folder_lock(path.parent):
        on_disk = _disk_revision(path)
        if create:
            if on_disk is not None:
                raise ConflictError("already exists; load it and edit instead", path=path)
            saved = record.model_copy(update={"revision": 1})
        else:
            if on_disk is None:
                raise ConflictError("was deleted since it was loaded", path=path)
            if on_disk != record.revision:
                raise ConflictError(
                    f"changed on disk (revision {on_disk}, you edited revision {record.revision})",
                    path=path, hint="reload it, re-apply your change and save again")
            saved = record.model_copy(update={"revision": record.revision + 1})
        saved = type(record).model_validate(saved.model_dump())
        atomic_write_text(path, dump_record(saved))
        return saved
