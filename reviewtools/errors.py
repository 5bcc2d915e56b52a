"""Exceptions raised by reviewtools.

Every error a reviewer can cause (bad input, a stale write, a missing reference,
a network failure) is a subclass of :class:`ReviewToolsError`; the CLI prints its
message on one line and exits non-zero. Each subclass also derives from the
builtin that best describes it, so ``except ValueError`` keeps working.
"""

from __future__ import annotations


class ReviewToolsError(Exception):
    """Base class for all errors reviewtools raises on purpose.

    Exit codes of the CLI: 1 ``check`` found problems (or an export of a review that fails
    check, :class:`NotReadyError`); 2 bad input, a schema error, a missing record or a
    network failure; 3 a conflicting write (:class:`ConflictError`); 4 a file could not be
    read or written (:class:`StorageError`); 130 interrupted.
    """

    exit_code = 2

    def __init__(self, message: str, *, path: object = None, hint: str | None = None) -> None:
        self.path = None if path is None else str(path)
        self.hint = hint
        super().__init__(message)

    def __str__(self) -> str:
        text = super().__str__()
        if self.path and not text.startswith(self.path):
            text = f"{self.path}: {text}"
        if self.hint:
            text = f"{text} ({self.hint})"
        return text


class InputError(ReviewToolsError, ValueError):
    """An argument or input file is unusable (empty, binary, too large, wrong type)."""


class ArticleImportError(InputError):
    """An article could not be read, fetched or parsed."""


class SchemaError(ReviewToolsError, ValueError):
    """An evidence file does not match its schema."""

    def __init__(self, message: str, *, path: object = None, field: str | None = None,
                 value: object = None, allowed: str | None = None) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        super().__init__(message, path=path)


class ConflictError(ReviewToolsError):
    """A write was based on a stale revision, or would overwrite another reviewer's work."""

    exit_code = 3


class ClaimMismatchError(ConflictError):
    """A decision names a claim whose recorded text is not the text the caller was written for
    (a notebook copied from another review, or an article edited since)."""


class NotFoundError(ReviewToolsError, LookupError):
    """A review, claim, study or reference key does not exist."""


class IdentifierError(ReviewToolsError, ValueError):
    """A DOI, PMID or PMCID is malformed."""


class BibError(ReviewToolsError, ValueError):
    """references.bib cannot be parsed or would be corrupted by a change."""


class NetworkError(ReviewToolsError, ConnectionError):
    """A remote service failed, timed out or answered with something unusable."""

    def __init__(self, message: str, *, url: str | None = None, status: int | None = None,
                 hint: str | None = None) -> None:
        self.url = url
        self.status = status
        super().__init__(message, hint=hint)


class OfflineError(NetworkError):
    """Offline mode is on and the response is not in the cache."""


class GradingError(ReviewToolsError, ValueError):
    """A GRADE judgement is inconsistent (e.g. an override without justification)."""


class ExportError(ReviewToolsError):
    """An export could not be produced (Pandoc failure, unresolved citation)."""


class NotReadyError(ExportError):
    """A review that is incomplete or fails ``check`` was exported with ``--final`` (same exit
    code as check)."""

    exit_code = 1


class StorageError(ReviewToolsError, OSError):
    """A file could not be read or written: disk full, file too large for ``ulimit -f``,
    read-only file or file system, no permission, a folder where a file belongs. Nothing
    on disk was changed."""

    exit_code = 4


class UnsafePathError(InputError):
    """A path would lead outside the repository: a symbolic link as a write target, or a
    path in an evidence file that resolves outside its review's folder."""
