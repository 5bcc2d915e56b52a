"""The row types every importer returns, and the field clean-up they share."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field

from reviewtools.errors import ReviewToolsError
from reviewtools.literature.identifiers import parse_identifier

_YEAR = re.compile(r"\b(1[5-9]\d\d|2\d\d\d)\b")
_TAGS = re.compile(r"</?[A-Za-z][A-Za-z0-9:._-]{0,30}(?:\s[^<>]{0,200})?/?>")


class ImportedRecord(BaseModel):
    """One bibliographic record read from an export file (not yet verified)."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1)
    authors: list[str] = Field(default_factory=list)
    year: int | None = None
    journal: str = ""
    volume: str = ""
    number: str = ""
    pages: str = ""
    doi: str = ""
    pmid: str = ""
    pmcid: str = ""
    abstract: str = ""
    source_file: str
    position: int = Field(ge=1, description="1-based number of the record in its file")

    @property
    def label(self) -> str:
        for kind in ("doi", "pmid", "pmcid"):
            if getattr(self, kind):
                return f"{kind}:{getattr(self, kind)}"
        return f"record {self.position}"


class ImportProblem(BaseModel):
    """A record that was not imported, and why."""

    model_config = ConfigDict(extra="forbid")

    source_file: str
    position: int
    reason: str

    def __str__(self) -> str:
        return f"{self.source_file}: record {self.position}: {self.reason}"


class ImportResult(BaseModel):
    model_config = ConfigDict(extra="forbid")

    records: list[ImportedRecord] = Field(default_factory=list)
    problems: list[ImportProblem] = Field(default_factory=list)


def clean(value: object) -> str:
    """A value as one line of text: markup tags dropped, whitespace collapsed."""
    if isinstance(value, list):
        value = " ".join(str(v) for v in value)
    return " ".join(_TAGS.sub(" ", str(value or "")).split())


def year_in(value: object) -> int | None:
    m = _YEAR.search(str(value or ""))
    if not m:
        return None
    year = int(m.group(1))
    return year if year <= datetime.now(UTC).year + 1 else None


def identifier(kind: str, value: object) -> str:
    """A normalised DOI / PMID / PMCID, '' when absent; ValueError naming it when malformed."""
    text = clean(value)
    if not text:
        return ""
    try:
        ident = parse_identifier(text if kind == "doi" or ":" in text else f"{kind}:{text}")
    except ReviewToolsError as exc:
        raise ValueError(f"bad {kind.upper()} {text!r}: {exc}") from None
    if ident.kind != kind:
        raise ValueError(f"{text!r} is a {ident.kind}, not a {kind}")
    return ident.value


def build(result: ImportResult, source: str, position: int, fields: dict[str, object]) -> None:
    """Append a record built from ``fields`` to ``result``, or a problem row saying why not."""
    try:
        ids = {k: identifier(k, fields.pop(k, "")) for k in ("doi", "pmid", "pmcid")}
    except ValueError as exc:
        result.problems.append(ImportProblem(source_file=source, position=position,
                                             reason=str(exc)))
        return
    title = clean(fields.pop("title", ""))
    if not title:
        result.problems.append(ImportProblem(source_file=source, position=position,
                                             reason="no title"))
        return
    authors = [clean(a) for a in (fields.pop("authors", None) or []) if clean(a)]
    text = {k: clean(fields.get(k, "")) for k in ("journal", "volume", "number", "pages",
                                                   "abstract")}
    result.records.append(ImportedRecord(title=title, authors=authors,
                                         year=year_in(fields.get("year")), **text, **ids,
                                         source_file=source, position=position))
