"""CSV export: one row per claim, every cell neutralised against formula injection.

A spreadsheet runs a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return as a formula (OWASP "CSV injection"). :func:`neutralise` prefixes
such text, including text that only begins so after leading whitespace, with an
apostrophe, which spreadsheets show as plain text.
"""

from __future__ import annotations

import csv as _csv
import io
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from reviewtools.export.formats.markdown import drop_controls
from reviewtools.export.sof import SOF_COLUMNS

if TYPE_CHECKING:
    from reviewtools.export.context import ExportContext

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
COLUMNS = ["id", "section", "status", "claim", "statement", "certainty", "verdict",
           "overstated", "verdict_reason", "downgrades", "not_testable_reason",
           "no_studies_found", "keys", "dois", "pmids", "start", "end", "reviewer", "date"]


def neutralise(value: object) -> object:
    """Prefix a text cell that a spreadsheet would run as a formula with an apostrophe.

    >>> neutralise("=1+1"), neutralise("  @SUM(A1)"), neutralise("ok"), neutralise(3)
    ("'=1+1", "'  @SUM(A1)", 'ok', 3)
    """
    if isinstance(value, str) and (value.startswith(_FORMULA_START)
                                   or value.lstrip(" \t\r\n").startswith(_FORMULA_START)):
        return "'" + value
    return value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        out[col] = out[col].map(lambda v: neutralise(",".join(v) if isinstance(v, list) else v))
    return out


def rows(ctx: ExportContext) -> list[dict[str, object]]:
    """One dict per claim (not neutralised), in article order."""
    from reviewtools.export.formats.markdown import csl_item, downgrade_reasons
    out = []
    for c in ctx.claims:
        keys = list(dict.fromkeys(lk.key for lk in c.links))
        items = [csl_item(k, ctx.bib.get(k, {})) for k in keys]
        out.append({
            "id": c.id, "section": c.section, "status": c.status, "claim": c.text,
            "statement": ctx.statement(c),
            "certainty": c.grade.certainty if c.grade else "",
            "verdict": c.verdict.value if c.verdict else "",
            "overstated": "yes" if c.verdict and c.verdict.overstated else "no",
            "verdict_reason": c.verdict.reason if c.verdict else "",
            "downgrades": "; ".join(downgrade_reasons(c)),
            "not_testable_reason": c.not_testable_reason,
            "no_studies_found": "yes" if c.no_studies_found else "no",
            "keys": "; ".join(keys),
            "dois": "; ".join(str(i["DOI"]) for i in items if "DOI" in i),
            "pmids": "; ".join(str(i["PMID"]) for i in items if "PMID" in i),
            "start": c.anchor.start, "end": c.anchor.end,
            "reviewer": c.verdict.by if c.verdict else "",
            "date": c.verdict.at if c.verdict else "",
        })
    return out


def to_csv(records: list[dict[str, object]], columns: list[str] | None = None) -> str:
    """CSV text (RFC 4180 quoting, ``\\n`` line ends) with every cell neutralised."""
    buf = io.StringIO()
    writer = _csv.DictWriter(buf, fieldnames=columns or COLUMNS, lineterminator="\n",
                             quoting=_csv.QUOTE_MINIMAL)
    writer.writeheader()
    for record in records:
        writer.writerow({k: neutralise(" ".join(drop_controls(v).split())
                                       if isinstance(v, str) else v)
                         for k, v in record.items()})
    return buf.getvalue()


def write(ctx: ExportContext) -> list[Path]:
    """claims.csv: one row per claim (dropped claims left out); sof.csv: the summary of
    findings, one row per published evidence profile (when there is one)."""
    paths = [ctx.write_text("claims.csv", to_csv(rows(ctx)))]
    if ctx.sof_rows:
        paths.append(ctx.write_text("sof.csv", to_csv([dict(r) for r in ctx.sof_rows],
                                                      SOF_COLUMNS)))
    return paths
