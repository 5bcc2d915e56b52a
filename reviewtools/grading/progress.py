"""Review progress per section: how many claims are reviewed, graded, disputed, to do.

Plain rows (no pandas), so ``reviewtools status`` answers quickly; the notebook table
(:func:`reviewtools.grading.tables.status_table`) is built from the same rows.
"""

from __future__ import annotations

from collections.abc import Sequence

from reviewtools.model.records import NOT_CLAIM_STATUSES
from reviewtools.store.cache import gc_paused
from reviewtools.store.folders import ReviewFolder, claim_tables, section_order

STATUS_COLUMNS = ["review", "section", "claims", "reviewed", "graded", "disputed", "to-do"]


def status_rows(reviews: Sequence[ReviewFolder]) -> list[dict[str, object]]:
    """One row per review and section, in the article's section order.

    Read from the claim table's rows in the derived index (no YAML, no validation while
    nothing changed; a changed file is parsed again).
    """
    with gc_paused():
        return _status_rows(list(reviews))


def _status_rows(reviews: list[ReviewFolder]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    orders = section_order(reviews)
    tables = claim_tables(reviews, links=False)
    for review in reviews:
        by_section: dict[str, dict[str, int]] = {}
        c = tables[review.slug]["claims"]
        for section, status, certainty, verdict in zip(c["section"], c["status"],
                                                       c["certainty"], c["verdict"],
                                                       strict=True):
            if status in NOT_CLAIM_STATUSES:  # Claim.is_claim: counted through its parts
                continue
            row = by_section.setdefault(section, {"claims": 0, "reviewed": 0,
                                                  "graded": 0, "disputed": 0, "to-do": 0})
            row["claims"] += 1
            row["reviewed"] += status == "reviewed"
            row["graded"] += certainty is not None or verdict is not None
            row["disputed"] += status == "disputed"
            row["to-do"] += status == "to-do"
        order = orders[review.slug]
        for section in sorted(by_section, key=lambda s: order.index(s) if s in order else 99):
            rows.append({"review": review.slug, "section": section, **by_section[section]})
    return rows


def text_table(rows: Sequence[dict[str, object]], columns: Sequence[str]) -> str:
    """Rows as right-aligned text columns (the layout pandas' ``to_string`` prints)."""
    cells = [[str(c) for c in columns]] + [["" if r.get(c) is None else str(r[c])
                                             for c in columns] for r in rows]
    numeric = [all(isinstance(r.get(c), int) for r in rows) for c in columns]
    widths = [max(len(row[i]) for row in cells) + numeric[i]  # pandas pads numbers by one
              for i in range(len(columns))]
    return "\n".join(" ".join(v.rjust(w) for v, w in zip(row, widths, strict=True))
                     for row in cells)


def shorten(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters with an ellipsis when it is longer."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[:max(width - 1, 0)].rstrip() + "…"


def cell(value: object) -> str:
    """A table cell: missing values (None, NaN, empty lists) are an empty cell, always."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, list | tuple | set):
        return ",".join(str(v) for v in value)
    return str(value)


def listing(rows: Sequence[dict[str, object]], columns: Sequence[str], *,
            widths: dict[str, int] | None = None, wide: bool = False) -> str:
    """Rows for the terminal: long cells cut with an ellipsis (unless ``wide``), missing
    values empty, the last column left-aligned so text reads naturally."""
    shown = [{c: cell(r.get(c)) if wide or c not in (widths or {})
              else shorten(cell(r.get(c)), (widths or {})[c]) for c in columns} for r in rows]
    if not shown:
        return "(none)"
    *head, last = columns
    body = text_table(shown, head).splitlines() if head else ["" for _ in range(len(shown) + 1)]
    tails = [last, *(r[last] for r in shown)]
    return "\n".join(f"{b}  {x}".rstrip() if head else x for b, x in zip(body, tails,
                                                                      strict=True))
