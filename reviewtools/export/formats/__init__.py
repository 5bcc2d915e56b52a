"""Export formats, one module each, behind a plain registry keyed by short names.

>>> sorted(FORMATS)
['annotations', 'article', 'claimreview', 'csv', 'docx', 'figures', 'html', 'md', 'pdf']
>>> FORMATS["md"].label
'Sourced summary (Markdown with Pandoc citations)'

Every writer takes an :class:`ExportContext` (the review's claims, bibliography and
study records, loaded once) and returns the paths it wrote. Files are written
atomically, and the bytes depend only on the review data (dates come from the
judgements, never from the clock), so re-running an export changes nothing.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reviewtools.errors import InputError

if TYPE_CHECKING:
    from reviewtools.export.context import ExportContext

Writer = Callable[["ExportContext"], list[Path]]


@dataclass(frozen=True)
class Format:
    """One export format: a short name, a human label, the writer and the files it makes."""

    name: str
    label: str
    target: str  # "module:function" inside reviewtools.export.formats
    outputs: tuple[str, ...]

    def load(self) -> Writer:
        module, func = self.target.split(":")
        return getattr(importlib.import_module(f"{__name__}.{module}"), func)


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("md", "Sourced summary (Markdown with Pandoc citations)", "markdown:write",
           ("summary.md", "references.json")),
    Format("html", "A page to publish: standalone HTML (Pandoc citeproc, figures inline)",
           "pandoc:write_html", ("summary.html",)),
    Format("docx", "Word document (Pandoc citeproc)", "pandoc:write_docx", ("summary.docx",)),
    Format("csv", "Claims and judgements, one row per claim", "csv:write", ("claims.csv",)),
    Format("annotations", "W3C Web Annotation JSON-LD on the article snapshot",
           "annotations:write", ("annotations.jsonld",)),
    Format("claimreview", "schema.org ClaimReview JSON-LD, one per claim", "claimreview:write",
           ("claimreview.jsonld",)),
    Format("pdf", "The page as PDF (headless Chromium; not in the default set)",
           "pandoc:write_pdf", ("summary.pdf",)),
    Format("article", "The article with its claims marked by verdict (HTML)",
           "article_view:write", ("article.html",)),
    Format("figures", "Evidence map and certainty bars (PNG and SVG)", "markdown:write_figures",
           ("figures/",)),
)}
DEFAULT_FORMATS: tuple[str, ...] = ("md", "html", "docx", "csv", "annotations", "claimreview",
                                    "article")


def get_format(name: str) -> Format:
    """The format called ``name``; an unknown name lists the valid ones."""
    try:
        return FORMATS[name.strip().lower()]
    except KeyError:
        raise InputError(f"unknown export format {name!r}; choose from "
                         f"{', '.join(FORMATS)}") from None


def parse_formats(spec: str | list[str] | tuple[str, ...] | None) -> list[str]:
    """'md,html' or ['md', 'html'] -> validated names in the given order, no duplicates."""
    if spec is None:
        return list(DEFAULT_FORMATS)
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    names: list[str] = []
    for item in items:
        if not str(item).strip():
            continue
        name = get_format(str(item)).name
        if name not in names:
            names.append(name)
    if not names:
        raise InputError("no export format given; choose from " + ", ".join(FORMATS))
    return names


