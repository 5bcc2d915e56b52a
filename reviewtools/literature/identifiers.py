"""DOI, PMID and PMCID parsing and normalisation.

Identifiers become value objects before any lookup. Everything a reviewer may paste is
accepted: a bare DOI, ``doi:...``, a doi.org or dx.doi.org URL (any case, %-encoded), a
PMID (``28731372`` or ``pmid:28731372``), a PMCID (``PMC6108041``), and PubMed, PMC and
Europe PMC article URLs.

>>> str(parse_identifier("https://doi.org/10.1371/JOURNAL.PONE.0033693"))
'doi:10.1371/journal.pone.0033693'
>>> str(parse_identifier("https://pubmed.ncbi.nlm.nih.gov/28731372/"))
'pmid:28731372'
>>> ok, bad = parse_identifiers(["PMC6108041", "10.1/"])
>>> [str(i) for i in ok], bad[0][0]
(['pmcid:PMC6108041'], '10.1/')
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote, unquote, urlsplit

from reviewtools.errors import IdentifierError

Kind = Literal["doi", "pmid", "pmcid"]
MAX_LENGTH = 1000  # characters; anything longer is not an identifier someone typed
EXAMPLES = "e.g. 10.1371/journal.pone.0033693, doi:10.1177/1352458517722646, 28731372 or PMC6108041"

# DOI: "10." + registrant (4-9 digits, optionally dotted sub-parts) + "/" + a suffix of
# printable characters without whitespace (Crossref: https://www.crossref.org/blog/dois-and-matching-regular-expressions/)
_DOI = re.compile(r"10\.\d{4,9}(?:\.\d+)*/\S+")
_PMID = re.compile(r"\d{1,9}")
_PMCID = re.compile(r"(?i:pmc)?(\d{1,9})")
_PREFIX = re.compile(r"^(doi|pmid|pmcid|pmc)\s*:\s*", re.IGNORECASE)
_TRAILING = ".,;"
_DOI_HOSTS = {"doi.org", "dx.doi.org", "www.doi.org"}
_URL_START = re.compile(r"^(?:https?://|(?:www\.|dx\.|pmc\.|pubmed\.)?[a-z.]+\.(?:org|gov)/)",
                        re.IGNORECASE)


@dataclass(frozen=True)
class Identifier:
    """A normalised identifier: ``kind`` is doi, pmid or pmcid.

    ``value`` is a lower-case DOI without prefix or URL, a PMID as digits, or a PMCID as
    ``PMC`` followed by digits. ``str()`` gives the prefixed form (``doi:10.1/x``), which
    :func:`parse_identifier` reads back unchanged.
    """

    kind: Kind
    value: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"

    @property
    def url(self) -> str:
        """The public landing page of the identifier."""
        if self.kind == "doi":
            return f"https://doi.org/{quote(self.value, safe='/:;()')}"
        if self.kind == "pmid":
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.value}/"
        return f"https://pmc.ncbi.nlm.nih.gov/articles/{self.value}/"


def _fail(text: str, problem: str) -> IdentifierError:
    shown = text if len(text) <= 80 else text[:77] + "..."
    return IdentifierError(f"{shown!r}: {problem}", hint=f"expected {EXAMPLES}")


def _doi(text: str, original: str) -> Identifier:
    value = text.strip()
    while value and value[-1] in _TRAILING:
        value = value[:-1]
    if not _DOI.fullmatch(value) or not value.isprintable():
        raise _fail(original, "not a valid DOI (a DOI starts with '10.', a registrant number, "
                              "'/' and a suffix without spaces)")
    return Identifier("doi", value.lower())


def _pmid(text: str, original: str) -> Identifier:
    value = text.strip()
    if not value.isascii() or not _PMID.fullmatch(value) or int(value) == 0:
        raise _fail(original, "not a valid PMID (a PMID is a positive number of up to 9 digits)")
    return Identifier("pmid", str(int(value)))


def _pmcid(text: str, original: str) -> Identifier:
    value = text.strip()
    match = _PMCID.fullmatch(value) if value.isascii() else None
    if not match or int(match.group(1)) == 0:
        raise _fail(original, "not a valid PMCID (a PMCID is 'PMC' followed by digits)")
    return Identifier("pmcid", f"PMC{int(match.group(1))}")


def _from_url(text: str, original: str) -> Identifier:
    url = text if re.match(r"(?i)^https?://", text) else "https://" + text
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    path = parts.path
    segments = [unquote(s) for s in path.split("/") if s]
    if host in _DOI_HOSTS:
        return _doi(unquote(path.lstrip("/")), original)
    if host == "pubmed.ncbi.nlm.nih.gov" and len(segments) == 1:
        return _pmid(segments[0], original)
    if host in ("www.ncbi.nlm.nih.gov", "ncbi.nlm.nih.gov"):
        if len(segments) == 2 and segments[0].lower() == "pubmed":
            return _pmid(segments[1], original)
        if len(segments) == 3 and [s.lower() for s in segments[:2]] == ["pmc", "articles"]:
            return _pmcid(segments[2], original)
    if host == "pmc.ncbi.nlm.nih.gov" and len(segments) == 2 and segments[0].lower() == "articles":
        return _pmcid(segments[1], original)
    if host in ("europepmc.org", "www.europepmc.org") and len(segments) == 3 \
            and segments[0].lower() in ("article", "abstract"):
        source = segments[1].upper()
        if source == "MED":
            return _pmid(segments[2], original)
        if source == "PMC":
            return _pmcid(segments[2], original)
    raise _fail(original, "not a doi.org, PubMed, PMC or Europe PMC article URL")


def parse_identifier(text: str) -> Identifier:
    """Parse one DOI, PMID or PMCID in any common form.

    Parameters
    ----------
    text : str
        What the reviewer typed or pasted, e.g. ``"doi:10.1038/srep16696"``,
        ``"https://dx.doi.org/10.1038%2Fsrep16696"``, ``"PMID: 28731372"``, ``"PMC6108041"``.

    Returns
    -------
    Identifier

    Raises
    ------
    IdentifierError
        If ``text`` is not a recognisable identifier; the message says what is wrong.
    """
    if not isinstance(text, str):
        raise IdentifierError(f"expected text, got {type(text).__name__}", hint=f"{EXAMPLES}")
    original = text
    text = text.strip()
    if not text:
        raise _fail(original, "empty identifier")
    if len(text) > MAX_LENGTH:
        raise _fail(original, f"longer than {MAX_LENGTH} characters")
    prefix = _PREFIX.match(text)
    if prefix:
        rest = text[prefix.end():]
        kind = prefix.group(1).lower()
        if kind == "doi":
            if _URL_START.match(rest):
                return _from_url(rest, original)
            return _doi(rest, original)
        if kind == "pmid":
            return _pmid(rest, original)
        return _pmcid(rest, original)
    if text.startswith("10."):
        return _doi(text, original)
    if _URL_START.match(text):
        return _from_url(text, original)
    if text.isascii() and text.isdigit():
        return _pmid(text, original)
    if text[:3].lower() == "pmc":
        return _pmcid(text, original)
    raise _fail(original, "not a DOI, PMID or PMCID")


def parse_identifiers(texts: Iterable[str]) -> tuple[list[Identifier], list[tuple[str, str]]]:
    """Parse many identifiers without raising.

    Returns the parsed identifiers in input order with duplicates removed, and one
    ``(text, problem)`` row for every text that could not be parsed, so a notebook can
    show every bad identifier at once.
    """
    ok: list[Identifier] = []
    seen: set[Identifier] = set()
    bad: list[tuple[str, str]] = []
    for text in texts:
        try:
            ident = parse_identifier(text)
        except IdentifierError as exc:
            bad.append((text if isinstance(text, str) else repr(text), str(exc)))
            continue
        if ident not in seen:
            seen.add(ident)
            ok.append(ident)
    return ok, bad
