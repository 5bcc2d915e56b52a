"""CSL-JSON (Zotero "CSL JSON" export, citeproc, manubot): a list of items, or one item."""

from __future__ import annotations

import json

from reviewtools.errors import InputError
from reviewtools.literature.importers.base import ImportProblem, ImportResult, build


def _name(person: object) -> str:
    if not isinstance(person, dict):
        return ""
    if person.get("literal"):
        return str(person["literal"])
    family, given = str(person.get("family") or ""), str(person.get("given") or "")
    return f"{family}, {given}" if family and given else family or given


def _year(item: dict) -> object:
    for name in ("issued", "published-print", "published-online", "created"):
        parts = (item.get(name) or {}).get("date-parts") if isinstance(item.get(name), dict) \
            else None
        if parts and parts[0] and parts[0][0]:
            return parts[0][0]
    return ""


def _text(value: object) -> object:
    return value[0] if isinstance(value, list) and value else value


def read(text: str, source: str) -> ImportResult:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{source}: not JSON (line {exc.lineno}: {exc.msg})") from None
    items = data if isinstance(data, list) else [data]
    result = ImportResult()
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            result.problems.append(ImportProblem(source_file=source, position=n,
                                                 reason="not a CSL-JSON item (an object)"))
            continue
        build(result, source, n, {
            "title": _text(item.get("title")),
            "authors": [_name(p) for p in item.get("author") or []],
            "year": _year(item), "journal": _text(item.get("container-title")),
            "volume": item.get("volume", ""), "number": item.get("issue", ""),
            "pages": item.get("page", ""), "doi": item.get("DOI", ""),
            "pmid": item.get("PMID", ""), "pmcid": item.get("PMCID", ""),
            "abstract": item.get("abstract", ""),
        })
    return result
