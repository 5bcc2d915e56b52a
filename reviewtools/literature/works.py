"""One normalised bibliographic record, whatever service it came from.

>>> w = Work(title="A trial", authors=["Rolf, Linda"], year=2018, doi="10.1177/1352458517722646")
>>> [str(i) for i in w.identifiers()]
['doi:10.1177/1352458517722646']
>>> Work.from_dict(w.to_dict()) == w
True
"""

from __future__ import annotations

import html
import re
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

from reviewtools.errors import InputError
from reviewtools.literature.identifiers import Identifier

#: Notice kinds. ``retraction``/``correction``/``expression of concern`` are notices *about*
#: this work; the ``... of`` forms mean this work *is* such a notice about another one.
NOTICE_KINDS = ("retraction", "correction", "expression of concern", "update",
                "retraction of", "correction of", "expression of concern for", "update of")

#: Publication types that describe a study design, most informative first (PubMed names).
DESIGN_TYPES = ("Meta-Analysis", "Systematic Review", "Randomized Controlled Trial",
                "Controlled Clinical Trial", "Clinical Trial", "Observational Study",
                "Comparative Study", "Case Reports", "Review", "Editorial", "Letter",
                "Comment", "Published Erratum", "Retraction of Publication")


def utc_now() -> str:
    """The current time as an ISO 8601 string in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass
class Notice:
    """A retraction, correction or expression of concern linked to a work."""

    kind: str
    doi: str = ""
    pmid: str = ""
    label: str = ""


@dataclass
class Work:
    """A bibliographic record normalised from PubMed, Europe PMC, Crossref or OpenAlex.

    ``authors`` are ``"Surname, Given"`` strings (a group author is kept as one name);
    ``publication_types`` use the service's own vocabulary (PubMed's for PubMed and
    Europe PMC, e.g. ``Randomized Controlled Trial``); ``cached`` is True when the
    response came from the on-disk HTTP cache.
    """

    title: str
    authors: list[str] = field(default_factory=list)
    journal: str = ""
    year: int | None = None
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    pmid: str = ""
    pmcid: str = ""
    abstract: str = ""
    publication_types: list[str] = field(default_factory=list)
    mesh: list[str] = field(default_factory=list)
    retracted: bool = False
    notices: list[Notice] = field(default_factory=list)
    source: str = ""
    fetched_at: str = ""
    cached: bool = False

    def identifiers(self) -> list[Identifier]:
        """The work's DOI, PMID and PMCID (those it has), as identifiers."""
        out = []
        if self.doi:
            out.append(Identifier("doi", self.doi.lower()))
        if self.pmid:
            out.append(Identifier("pmid", self.pmid))
        if self.pmcid:
            out.append(Identifier("pmcid", self.pmcid))
        return out

    @property
    def first_author(self) -> str:
        """Surname of the first author, or ``""``."""
        return self.authors[0].split(",")[0].strip() if self.authors else ""

    @property
    def design(self) -> str:
        """The most informative study-design publication type, or ``""``."""
        types = {t.lower() for t in self.publication_types}
        return next((d for d in DESIGN_TYPES if d.lower() in types), "")

    def citation(self) -> str:
        """A one-line citation: ``Rolf et al. (2018) Title. Journal 24(10):1280-1287``."""
        authors = self.first_author + (" et al." if len(self.authors) > 1 else "")
        where = self.journal + (f" {self.volume}" if self.volume else "") \
            + (f"({self.issue})" if self.issue else "") + (f":{self.pages}" if self.pages else "")
        year = f" ({self.year})" if self.year else ""
        return f"{authors}{year} {self.title.rstrip('.')}. {where}".strip()

    def _repr_html_(self) -> str:
        links = ", ".join(f'<a href="{html.escape(i.url)}">{html.escape(str(i))}</a>'
                          for i in self.identifiers())
        flags = "".join(f" <b>[{html.escape(n.kind)}]</b>" for n in self.notices)
        if self.retracted:
            flags = " <b style='color:#b00'>[RETRACTED]</b>" + flags
        design = f" <i>{html.escape(self.design)}</i>" if self.design else ""
        return (f"<div>{html.escape(self.citation())}{design}{flags}<br>"
                f"<small>{links} &middot; {html.escape(self.source)}"
                f"{' (cached)' if self.cached else ''}</small></div>")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; :meth:`from_dict` reads it back."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Work:
        """Build a work from :meth:`to_dict` output; unknown keys are an error."""
        if not isinstance(data, dict):
            raise InputError(f"a work must be a mapping, got {type(data).__name__}")
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise InputError(f"unknown work field(s): {', '.join(unknown)}",
                             hint=f"valid fields: {', '.join(sorted(names))}")
        if "title" not in data:
            raise InputError("a work needs a title")
        values = dict(data)
        values["notices"] = [n if isinstance(n, Notice) else Notice(**n)
                             for n in values.get("notices") or []]
        values["authors"] = list(values.get("authors") or [])
        values["publication_types"] = list(values.get("publication_types") or [])
        values["mesh"] = list(values.get("mesh") or [])
        return cls(**values)


_SPACE = re.compile(r"\s+")
_HEADING_END = re.compile(r"\s*</(?:jats:)?(?:h[1-6]|title)>\s*")
_BLOCK_TAG = re.compile(r"</?(?:jats:)?(?:p|title|sec|br|div|li|list|label|h[1-6])\b[^>]*>")
_TAG = re.compile(r"</?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?>")


def clean_text(text: str | None, *, markup: bool = True) -> str:
    """Collapse whitespace; with ``markup``, also drop JATS/HTML tags and decode entities.

    Use ``markup=False`` for text already taken out of parsed XML, where a ``<`` is a
    real less-than sign (``r2<0.25``).
    """
    if not text:
        return ""
    if not markup:
        return _SPACE.sub(" ", text).strip()
    text = _TAG.sub("", _BLOCK_TAG.sub(" ", _HEADING_END.sub(": ", text)))
    return _SPACE.sub(" ", html.unescape(text)).strip()


def author_name(family: str | None, given: str | None) -> str:
    """``"Surname, Given"``, or just the surname when the given name is unknown."""
    family = clean_text(family)
    given = clean_text(given)
    if family and given:
        return f"{family}, {given}"
    return family or given


def initials_name(name: str) -> str:
    """``"Hambrick GW Jr"`` -> ``"Hambrick, GW Jr"`` (MEDLINE style: surname, then initials)."""
    tokens = clean_text(name).split()
    for index in range(len(tokens) - 1, 0, -1):
        if tokens[index].isalpha() and tokens[index].isupper():
            return f"{' '.join(tokens[:index])}, {' '.join(tokens[index:])}"
    return " ".join(tokens)


_DOI_IN_TEXT = re.compile(r"doi:\s*(10\.\d{4,9}/\S+?)\.?(?:\s|$)", re.IGNORECASE)


def doi_in_text(text: str) -> str:
    """The DOI cited in a reference string (``"... doi: 10.1/x."``), lower-case, or ``""``."""
    match = _DOI_IN_TEXT.search((text or "") + " ")
    return match.group(1).lower() if match else ""


def split_display_name(name: str) -> str:
    """``"Heather Piwowar"`` -> ``"Piwowar, Heather"`` (last word as surname)."""
    name = clean_text(name)
    if "," in name or " " not in name:
        return name
    given, _, family = name.rpartition(" ")
    return f"{family}, {given}"


def to_year(value: object) -> int | None:
    """A four-digit year from an int or a string starting with one, else None."""
    if isinstance(value, int) and 1000 <= value <= 2999:
        return value
    match = re.match(r"\s*(\d{4})", str(value or ""))
    return int(match.group(1)) if match else None
