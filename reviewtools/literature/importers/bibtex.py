"""BibTeX / BibLaTeX exports (Zotero, Better BibTeX, JabRef, Mendeley), read by bibtexparser.

LaTeX in values is turned into text with pylatexenc (only values holding a backslash go
through it; it is slow). Blocks bibtexparser could not read, including duplicate keys,
are problem rows.
"""

from __future__ import annotations

import contextlib

import bibtexparser
from bibtexparser.model import Entry
from pylatexenc.latex2text import LatexNodes2Text

from reviewtools.literature.bib import split_authors
from reviewtools.literature.importers.base import ImportProblem, ImportResult, build

_TEXT = LatexNodes2Text(math_mode="text", strict_latex_spaces=True)
_KINDS = {"article", "inproceedings", "conference", "incollection", "book", "inbook", "phdthesis",
          "mastersthesis", "techreport", "report", "misc", "online", "unpublished", "thesis"}


def decode(value: str) -> str:
    """Readable text of a BibTeX value (accents and escapes decoded, braces dropped)."""
    if "\\" in value:
        with contextlib.suppress(Exception):  # pylatexenc raises assorted errors on bad TeX
            value = _TEXT.latex_to_text(value)
    return value.replace("{", "").replace("}", "")


def _value(fields: dict[str, str], *names: str) -> str:
    for name in names:
        if fields.get(name, "").strip():
            return decode(fields[name])
    return ""


def read(text: str, source: str) -> ImportResult:
    """Records of a BibTeX file, in file order."""
    library = bibtexparser.parse_string(text)
    result = ImportResult()
    failed = {id(b) for b in library.failed_blocks}
    position = 0
    for block in library.blocks:
        if not isinstance(block, Entry) and id(block) not in failed:
            continue
        position += 1
        if id(block) in failed:
            reason = type(block).__name__
            key = getattr(block, "key", "")
            result.problems.append(ImportProblem(
                source_file=source, position=position,
                reason=f"line {(block.start_line or 0) + 1}: unreadable block ({reason}"
                       + (f", key {key!r}" if key else "") + ")"))
            continue
        fields = {f.key.lower(): str(f.value) for f in block.fields}
        authors = [decode(a) for a in split_authors(fields.get("author", ""))]
        build(result, source, position, {
            "title": _value(fields, "title"), "authors": authors,
            "year": fields.get("year") or fields.get("date", ""),
            "journal": _value(fields, "journal", "journaltitle", "booktitle"),
            "volume": _value(fields, "volume"), "number": _value(fields, "number", "issue"),
            "pages": _value(fields, "pages").replace("--", "-"),
            "doi": _value(fields, "doi"), "pmid": _value(fields, "pmid"),
            "pmcid": _value(fields, "pmcid"), "abstract": _value(fields, "abstract"),
        })
    return result
