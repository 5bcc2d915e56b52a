"""A study's abstract (or a full-text excerpt) as stored in ``evidence/abstracts/<key>.yaml``.

The text is kept exactly as it was seen, with the public page it was seen on (``page``)
and the day (``seen``); a text read from an export file names that file
(``imported_from``) until it is confirmed on a page. ``reviewtools check`` looks for
every link's quote in it.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from reviewtools.model.records import SCHEMA_VERSION, BibKey, HistoryEntry, Record

_URL = re.compile(r"^https?://[^\s/]+\S*\Z")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")


class Abstract(Record):
    """The abstract of one study, with where and when it was seen."""

    schema_version: int = SCHEMA_VERSION
    key: BibKey
    revision: int = Field(default=1, ge=1)
    kind: Literal["abstract", "excerpt"] = "abstract"
    text: str = Field(min_length=1)
    complete: bool = Field(default=True, description="False when the page showed only part "
                           "of the text (a cut-off copy): only that part is stored")
    page: str = ""
    imported_from: str = ""
    via: str = Field(default="page", description="how it was obtained: page (pasted from the "
                     "page), a service name (pubmed, europepmc, ...) or import")
    seen: str
    by: str = ""
    history: list[HistoryEntry] = Field(default_factory=list)

    @field_validator("page")
    @classmethod
    def _page(cls, v: str) -> str:
        if v and not _URL.match(v):
            raise ValueError("must be the http(s) URL of the public page the text was seen on")
        return v

    @field_validator("seen")
    @classmethod
    def _seen(cls, v: str) -> str:
        if not _DAY.match(v):
            raise ValueError("must be a date YYYY-MM-DD")
        return v

    @model_validator(mode="after")
    def _source(self) -> Abstract:
        if not (self.page or self.imported_from):
            raise ValueError("an abstract needs the page it was seen on (page) or the file it "
                             "was imported from (imported_from)")
        return self
