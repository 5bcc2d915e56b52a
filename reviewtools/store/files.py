"""Reading and writing evidence files: validated loads, atomic and revision-checked saves.

Files are YAML with a stable key order (the model's field order). A save takes
a lock on the folder, refuses to overwrite a file whose on-disk ``revision``
differs from the one the record was loaded at (someone else saved first), then
writes a temporary file, flushes it to disk and renames it over the old one, so
a reader or a crash sees either the old or the new file, never a partial one.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import reprlib
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import ValidationError

from reviewtools.errors import (
    ConflictError,
    InputError,
    SchemaError,
    StorageError,
    UnsafePathError,
)
from reviewtools.model.records import CLAIM_ID_RE, KEY_RE, SLUG_RE, Record

try:  # the C loader is ~10x faster on large repositories
    _BaseLoader: type = yaml.CSafeLoader
    _Dumper: type = yaml.CSafeDumper
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader
    _Dumper = yaml.SafeDumper

#: Most values a file may expand to through YAML aliases, per character of the file (plus
#: :data:`ALIAS_SLACK`): a 7 KB "billion laughs" file expands to 10^8 values and is refused.
ALIAS_BUDGET_PER_CHAR = 4
ALIAS_SLACK = 10_000
_ALIAS_RE = re.compile(r"(?:^|[\s\[{,:-])\*[^\s,\[\]{}]")


_MERGE_TAG = "tag:yaml.org,2002:merge"


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader, refusing duplicated keys in a mapping (YAML says keys are unique;
    PyYAML keeps the last one silently, and the next save would drop the other)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        scalars = [k for k, _ in node.value
                   if isinstance(k, yaml.ScalarNode) and k.tag != _MERGE_TAG]
        if len(scalars) != len({k.value for k in scalars}):
            seen: set[str] = set()
            for key_node in scalars:
                if key_node.value in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicated key {_bounded(key_node.value)}",
                        key_node.start_mark)
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)


_SHOW = reprlib.Repr()
_SHOW.maxstring = _SHOW.maxother = 50
_SHOW.maxlist = _SHOW.maxtuple = _SHOW.maxdict = _SHOW.maxset = 4
_SHOW.maxlevel = 2


def _bounded(value: object) -> str:
    """``repr(value)`` cut to a few elements and characters, whatever its size or depth."""
    return _SHOW.repr(value)


R = TypeVar("R", bound=Record)
LOCK_NAME = ".reviewtools.lock"


#: Folder names under evidence/ that are not reviews: a review may not take them.
RESERVED_SLUGS = frozenset({"studies", "rob", "abstracts"})


def check_slug(slug: str) -> str:
    """Return ``slug`` if it is a safe review name, else raise :class:`InputError`."""
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        raise InputError(f"invalid review slug {_bounded(slug)}: use lower-case letters, "
                         "digits and '-'")
    if slug in RESERVED_SLUGS:
        raise InputError(f"'{slug}' is reserved (evidence/{slug}/ holds records shared by "
                         "every review); choose another review name")
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
    """Parse YAML text safely; a syntax error names the file, line and column.

    Duplicated keys are refused, and so is a file whose aliases expand to more values than
    its size allows (:data:`ALIAS_BUDGET_PER_CHAR`), so no file can blow up in memory.
    """
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - CSafeLoader/SafeLoader only
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SchemaError(f"not valid YAML at{where}: {problem}", path=path) from None
    if "*" in text and _ALIAS_RE.search(text):
        budget = ALIAS_SLACK + ALIAS_BUDGET_PER_CHAR * len(text)
        if _expanded_size(data, budget) > budget:
            raise SchemaError(f"YAML aliases expand to more than {budget} values; refused "
                              "(is it an alias bomb?)", path=path)
    return data


def _expanded_size(data: object, budget: int) -> int:
    """How many values ``data`` holds with every shared (aliased) value counted each time,
    counting no further than ``budget`` + 1."""
    count, stack = 0, [data]
    while stack and count <= budget:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


def inside_folder(folder: Path, relative: str) -> Path:
    """``folder / relative`` resolved, if inside ``folder`` (links followed), else
    :class:`UnsafePathError`: a path read from a file can never lead elsewhere."""
    base = Path(folder).resolve()
    target = (Path(folder) / relative).resolve()
    if Path(relative).is_absolute() or target == base or not target.is_relative_to(base):
        raise UnsafePathError(f"path {relative[:60]!r} points outside {folder}; refused")
    return target


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file not found", path=path) from None
    except UnicodeDecodeError as exc:
        raise SchemaError(f"not UTF-8 text (byte {exc.start})", path=path) from None
    except OSError as exc:
        raise storage_error("cannot read", path, exc) from None


def storage_error(doing: str, path: Path | str, exc: OSError) -> StorageError:
    """A one-line :class:`StorageError` for an ``OSError`` met while reading or writing."""
    reason = {errno.EISDIR: "it is a folder, not a file",
              errno.ENOTDIR: "a part of the path is a file, not a folder",
              errno.ENOSPC: "the disk is full",
              errno.EFBIG: "the file would exceed the size limit (ulimit -f)",
              errno.EROFS: "the file system is read-only",
              errno.EDQUOT: "the disk quota is exceeded"}.get(exc.errno or 0)
    reason = reason or exc.strerror or type(exc).__name__
    error = StorageError(f"{doing}: {reason}", path=path)
    error.errno = exc.errno  # callers may still test errno.ENOSPC and friends
    return error


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
    errors = exc.errors(include_url=False, include_context=True, include_input=True)
    err = errors[0]
    field = ".".join(str(p) for p in err["loc"]) or "(record)"
    value = err.get("input")
    shown = _bounded(value) if not isinstance(value, dict) else "{...}"
    if len(shown) > 60:
        shown = shown[:57] + "..."
    allowed = _allowed(err)
    more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
    if err["type"] == "extra_forbidden":
        msg = f"unknown field '{field}'"
    elif err["type"] == "missing":
        msg = f"missing required field '{field}'"
    else:
        msg = f"field '{field}' = {shown}: {err['msg']}"
    if allowed:
        msg += f"; allowed: {allowed}"
    return SchemaError(msg + more, path=path, field=field, value=shown, allowed=allowed)


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


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _umask()


def writable_target(path: Path) -> int | None:
    """Check ``path`` may be replaced; return its current permission bits (None if new).

    Refused with a one-line error: a symbolic link (a planted link must not redirect a
    write, nor be replaced by a private copy), a folder, or a read-only file (mode
    without any write bit: someone protected it on purpose).
    """
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise storage_error("cannot write", path, exc) from None
    if stat.S_ISLNK(st.st_mode):
        raise UnsafePathError(f"is a symbolic link (to {os.readlink(path)}); refusing to "
                              "write through it", path=path,
                              hint="replace the link by a regular file")
    if stat.S_ISDIR(st.st_mode):
        raise StorageError("cannot write: it is a folder, not a file", path=path)
    if not st.st_mode & 0o222:
        raise StorageError(f"cannot write: the file is read-only "
                           f"(mode {stat.S_IMODE(st.st_mode):04o})", path=path,
                           hint="make it writable (chmod u+w) if you mean to change it")
    return stat.S_IMODE(st.st_mode)


def atomic_write_bytes(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` via a temporary file and ``os.replace``.

    The temporary file is created with ``O_EXCL`` under a random name in the target
    folder (``tempfile.mkstemp``), so no planted file or link is ever written through;
    see :func:`writable_target` for the targets refused. An existing file keeps its
    permission bits; a new one gets ``mode`` (default: 0666 less the umask). On any error
    (disk full, permission) the temporary file is removed, the original file is left
    exactly as it was, and a :class:`StorageError` names the file and the cause.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise storage_error("cannot create the folder", path.parent, exc) from None
    current = writable_target(path)
    final = current if current is not None else (mode if mode is not None else 0o666 & ~_UMASK)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise storage_error("cannot write", path, exc) from None
    try:
        os.fchmod(fd, final)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and not isinstance(exc, StorageError):
            raise storage_error("cannot write", path, exc) from None
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
    """Exclusive advisory lock on a folder, held while a save checks and writes.

    The lock file is opened without following a link (``O_NOFOLLOW``)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC,
                     0o666 & ~_UMASK)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnsafePathError("is a symbolic link; refusing to use it as a lock",
                                  path=folder / LOCK_NAME) from None
        raise storage_error("cannot lock", folder / LOCK_NAME, exc) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def disk_revision(path: Path) -> int | None:
    """The ``revision`` of the file at ``path`` (0 if it has none, None if no file)."""
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
        on_disk = disk_revision(path)
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
