"""The summary rows the index keeps beside each record: what status and the tables read.

A claim's ``row`` is the claim table's row (:data:`CLAIM_COLUMNS`); its ``sub`` rows are
its links (``Link.model_dump()`` each). A review's row names its sections in order.
Other records have an empty row. Every record here holds JSON-native values only, so a
row read back from JSON equals the one built from the record.
"""

from __future__ import annotations

from collections.abc import Callable

from reviewtools.model.records import Claim, Link, Record, ReviewMeta

CLAIM_COLUMNS = ["id", "section", "text", "start", "end", "flags", "parent", "status", "verdict",
                 "certainty", "overstated", "keys", "kind"]


def claim_row(c: Claim) -> dict:
    """One claim as a row of the claim table."""
    return {
        "id": c.id, "section": c.section, "text": c.text, "start": c.anchor.start,
        "end": c.anchor.end, "flags": list(c.flags), "parent": c.parent, "status": c.status,
        "verdict": c.verdict.value if c.verdict else None,
        "certainty": c.grade.certainty if c.grade else None,
        "overstated": bool(c.verdict and c.verdict.overstated),
        "keys": sorted({link.key for link in c.links}),
        "kind": c.kind or "",
    }


def claim_order(row: dict) -> tuple:
    """Article order of claim rows (a split part after its parent's start), as
    :meth:`ReviewFolder.load_claims` sorts claims."""
    return row["start"], row["parent"] is not None, row["id"]


def _claim(record: Record) -> tuple[object, object]:
    assert isinstance(record, Claim)
    return claim_row(record), [lk.model_dump(mode="json") for lk in record.links]


def _meta(record: Record) -> tuple[object, object]:
    assert isinstance(record, ReviewMeta)
    return {"sections": [s.slug for s in record.sections]}, []


ROWS: dict[type, Callable[[Record], tuple[object, object]]] = {Claim: _claim,
                                                               ReviewMeta: _meta}


def rows_of(record: Record) -> tuple[object, object]:
    """``(row, sub rows)`` of a record (``(None, [])`` for a kind without a summary)."""
    make = ROWS.get(type(record))
    return make(record) if make else (None, [])


_CLAIM_KEYS = frozenset(CLAIM_COLUMNS)
_LINK_KEYS = frozenset(Link.model_fields)


def record_ok(model: type, record: object) -> bool:
    """A stored record read without validation has exactly its model's fields (as every
    ``model_dump_json`` has), so a damaged index is parsed again, not read."""
    return type(record) is dict and record.keys() == model.model_fields.keys()


def sub_ok(model: type, sub: object) -> bool:
    """Stored sub-rows: a claim's links, each with exactly the link's fields."""
    if type(sub) is not list:
        return False
    return model is not Claim or all(type(s) is dict and s.keys() == _LINK_KEYS for s in sub)


def row_ok(model: type, row: object) -> bool:
    """A light shape check of a stored row (its keys, and the types sorting relies on), so
    a damaged index is parsed again, not read."""
    if model is Claim:
        return type(row) is dict and row.keys() == _CLAIM_KEYS \
            and type(row["start"]) is int and type(row["id"]) is str
    if model is ReviewMeta:
        return type(row) is dict and type(row.get("sections")) is list \
            and all(type(s) is str for s in row["sections"])
    return row is None


_CHECKS = {"record": record_ok, "row": row_ok, "sub": sub_ok}


def values_ok(model: type, columns: tuple[str, ...], values: list) -> bool:
    """Whether stored ``values`` of ``columns`` have the shape their builders give."""
    return all(_CHECKS[c](model, v) for c, v in zip(columns, values, strict=True))


# ---- whole-folder tables: one folder's files column by column -----------------------------
# The index keeps, per folder, its files' rows transposed into columns (lists), so a warm
# repository-wide table is one decode per folder and list concatenation, no row objects.

#: The links part of a claims folder table: the claim's id, the link's fields, and the
#: claim's position in the claims part (ids need not be unique in a damaged folder).
LINK_PART = ["claim", *Link.model_fields, "position"]


def _columns(rows: list[dict], keys: list[str]) -> dict[str, list]:
    return {k: [r[k] for r in rows] for k in keys}


def claim_table(values: list[list]) -> dict[str, dict[str, list]]:
    """``claims`` (:data:`CLAIM_COLUMNS`, article order) and ``links`` (``claim`` and the
    link's fields, in the same order) of one claims folder, from its files' row and sub."""
    pairs = sorted(((v[0], v[1]) for v in values), key=lambda p: claim_order(p[0]))
    links = [{"claim": row["id"], **lk, "position": i}
             for i, (row, sub) in enumerate(pairs) for lk in sub]
    return {"claims": _columns([row for row, _ in pairs], CLAIM_COLUMNS),
            "links": _columns(links, LINK_PART)}


def record_table(values: list[list], model: type) -> dict[str, dict[str, list]]:
    """``records``: every field of one folder's records, in file-name order."""
    return {"records": _columns([v[0] for v in values], list(model.model_fields))}


def table_parts(model: type) -> tuple[tuple[str, ...], dict[str, list[str]]]:
    """The stored columns a folder table of ``model`` is built from, and its parts' keys."""
    if model is Claim:
        return ("row", "sub"), {"claims": CLAIM_COLUMNS, "links": LINK_PART}
    return ("record",), {"records": list(model.model_fields)}


def build_table(model: type, values: list[list]) -> dict[str, dict[str, list]]:
    """The folder table of ``model`` from its files' values (:func:`table_parts` order)."""
    return claim_table(values) if model is Claim else record_table(values, model)


def table_ok(model: type, table: object, files: int) -> bool:
    """Whether a stored folder table (some of its parts) has each part's exact keys,
    lists of one length per part, and one claims row (or record) per file."""
    _, parts = table_parts(model)
    if type(table) is not dict or not table or not table.keys() <= parts.keys():
        return False
    for part, cols in table.items():
        keys = parts[part]
        if type(cols) is not dict or list(cols) != keys:
            return False
        lengths = {len(c) if type(c) is list else -1 for c in cols.values()}
        if len(lengths) != 1 or -1 in lengths:
            return False
        if part != "links" and lengths != {files}:
            return False
    return True
