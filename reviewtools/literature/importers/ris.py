"""RIS (EndNote, Zotero, Mendeley, Scopus) and Web of Science tagged exports, read by rispy."""

from __future__ import annotations

import rispy

from reviewtools.literature.importers.base import ImportResult, build


def _first(entry: dict, *names: str) -> object:
    for name in names:
        value = entry.get(name)
        if value:
            return value[0] if isinstance(value, list) and name != "abstract" else value
    return ""


def _pages(start: object, end: object) -> str:
    start, end = str(start or "").strip(), str(end or "").strip()
    return f"{start}-{end}" if start and end and end != start else start


def read(text: str, source: str) -> ImportResult:
    """Records of a RIS file (a BOM is dropped; ``N2`` counts as an abstract)."""
    result = ImportResult()
    entries = rispy.loads(text.lstrip("\ufeff"), skip_unknown_tags=True)
    for n, e in enumerate(entries, start=1):
        build(result, source, n, {
            "title": _first(e, "title", "primary_title", "translated_title", "short_title"),
            "authors": e.get("authors") or e.get("first_authors") or [],
            "year": _first(e, "year", "publication_year", "date"),
            "journal": _first(e, "journal_name", "secondary_title", "alternate_title1",
                              "alternate_title3"),
            "volume": _first(e, "volume"), "number": _first(e, "number"),
            "pages": _pages(_first(e, "start_page"), _first(e, "end_page")),
            "doi": _first(e, "doi"), "abstract": _first(e, "abstract", "notes_abstract"),
        })
    return result


def read_wos(text: str, source: str) -> ImportResult:
    """Records of a Web of Science tagged export (``FN``/``PT`` ... ``ER``)."""
    result = ImportResult()
    entries = rispy.loads(text.lstrip("\ufeff"), implementation=rispy.WokParser,
                          skip_unknown_tags=True)
    for n, e in enumerate(entries, start=1):
        build(result, source, n, {
            "title": _first(e, "document_title"),
            "authors": e.get("author_full_name") or e.get("authors") or [],
            "year": _first(e, "publication_year", "publication_date"),
            "journal": _first(e, "publication_name"), "volume": _first(e, "volume"),
            "number": _first(e, "issue"),
            "pages": _pages(_first(e, "beginning_page"), _first(e, "ending_page")),
            "doi": _first(e, "doi"), "pmid": _first(e, "pubmed_id"),
            "abstract": _first(e, "abstract"),
        })
    return result
