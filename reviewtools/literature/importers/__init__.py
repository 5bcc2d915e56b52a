"""Reading reference-manager and database exports into :class:`ImportedRecord` rows.

One module per format, each with the same interface: ``read(text, source) -> ImportResult``.
A record that cannot be used (no title, a malformed identifier) is an
:class:`ImportProblem` row naming its position, never an exception; only a file that
cannot be read at all raises :class:`~reviewtools.errors.InputError`.

>>> detect_format("refs.nbib", "PMID- 1\\nTI  - A title")
'medline'
"""

from __future__ import annotations

from pathlib import Path

from reviewtools.errors import InputError
from reviewtools.literature.importers.base import ImportedRecord, ImportProblem, ImportResult

__all__ = ["FORMATS", "ImportProblem", "ImportResult", "ImportedRecord", "detect_format",
           "read_file"]

FORMATS = ("ris", "wos", "medline", "bibtex", "csljson")
MAX_BYTES = 64 * 1024 * 1024


def detect_format(name: str, text: str) -> str:
    """The format of an export from its file name and first lines."""
    head = text.lstrip("\ufeff \t\r\n")[:2000]
    suffix = Path(name).suffix.lower()
    if head.startswith(("FN ", "PT ")):
        return "wos"
    if head.startswith("PMID-") or suffix == ".nbib":
        return "medline"
    if head.startswith("TY  -") or suffix == ".ris":
        return "ris"
    if head.startswith(("[", "{")) or suffix == ".json":
        return "csljson"
    if "@" in head or suffix in (".bib", ".bibtex"):
        return "bibtex"
    raise InputError(f"{name}: not a RIS, Web of Science, PubMed (MEDLINE/nbib), BibTeX or "
                     "CSL-JSON export")


def read_file(path: Path | str, fmt: str | None = None) -> ImportResult:
    """Read one export file; the format is detected unless ``fmt`` is given."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise InputError(f"{path}: larger than {MAX_BYTES // 2**20} MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    fmt = fmt or detect_format(path.name, text)
    if fmt not in FORMATS:
        raise InputError(f"unknown import format {fmt!r} (one of {', '.join(FORMATS)})")
    return _reader(fmt)(text, path.name)


def _reader(fmt: str):  # noqa: ANN202 - one of the modules' read functions
    from reviewtools.literature.importers import bibtex, csljson, medline, ris
    return {"ris": ris.read, "wos": ris.read_wos, "medline": medline.read,
            "bibtex": bibtex.read, "csljson": csljson.read}[fmt]
