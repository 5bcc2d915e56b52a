"""Export formats, one module each, behind a plain registry keyed by short names.

>>> sorted(FORMATS)
['annotations', 'claimreview', 'csv', 'docx', 'figures', 'html', 'md']
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
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ExportError, InputError
from ..models import Claim, Study
from ..store import atomic_write_bytes

if TYPE_CHECKING:
    from ..review import Review

Writer = Callable[["ExportContext"], list[Path]]


@dataclass(frozen=True)
class Format:
    """One export format: a short name, a human label, the writer and the files it makes."""

    name: str
    label: str
    target: str  # "module:function" inside reviewtools.exporters
    outputs: tuple[str, ...]

    def load(self) -> Writer:
        module, func = self.target.split(":")
        return getattr(importlib.import_module(f"{__name__}.{module}"), func)


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("md", "Sourced summary (Markdown with Pandoc citations)", "markdown:write",
           ("summary.md", "references.json")),
    Format("html", "Standalone HTML (Pandoc citeproc, figures embedded)", "pandoc:write_html",
           ("summary.html",)),
    Format("docx", "Word document (Pandoc citeproc)", "pandoc:write_docx", ("summary.docx",)),
    Format("csv", "Claims and judgements, one row per claim", "csv:write", ("claims.csv",)),
    Format("annotations", "W3C Web Annotation JSON-LD on the article snapshot",
           "annotations:write", ("annotations.jsonld",)),
    Format("claimreview", "schema.org ClaimReview JSON-LD, one per claim", "claimreview:write",
           ("claimreview.jsonld",)),
    Format("figures", "Evidence map and certainty bars (PNG and SVG)", "markdown:write_figures",
           ("figures/",)),
)}
DEFAULT_FORMATS: tuple[str, ...] = ("md", "html", "docx", "csv", "annotations", "claimreview")


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


@dataclass
class SectionClaims:
    slug: str
    heading: str
    claims: list[Claim]


@dataclass
class ExportContext:
    """Everything an exporter reads, loaded once per export run.

    Parameters
    ----------
    review : the review to export
    out_dir : folder the files go into (created if needed)
    style : CSL style name or path for HTML/DOCX (None: the default style)
    base_url : where the summary will be published, for ClaimReview ``url``
        (None: relative ``summary.html#claim-ID`` links)
    intervention : wording of the intervention in drafted statements (None: from
        the linked studies, else 'foot massage')
    """

    review: Review
    out_dir: Path
    style: str | None = None
    base_url: str | None = None
    intervention: str | None = None
    _figures: dict[str, Path] | None = field(default=None, repr=False)

    @cached_property
    def claims(self) -> list[Claim]:
        """The review's claims, dropped ones left out, in article order."""
        return self.review.load_claims(include_dropped=False)

    @cached_property
    def bib(self) -> dict[str, dict[str, str]]:
        from .. import bib
        return bib.entries(self.review.settings.bib_path)

    @cached_property
    def studies(self) -> dict[str, Study]:
        """The appraisals of the studies this review cites (not every study in the repo)."""
        from ..appraisal import study_path
        from ..cache import load_many
        settings = self.review.settings
        paths = {k: study_path(settings, k) for k in self.cited_keys()}
        paths = {k: p for k, p in paths.items() if p.is_file()}
        return dict(zip(paths, load_many(list(paths.values()), Study, settings), strict=True))

    @cached_property
    def sections(self) -> list[SectionClaims]:
        """Claims grouped by section, in the article's section order."""
        order = [(s.slug, s.heading) for s in self.review.meta.sections]
        for c in self.claims:
            if c.section not in {slug for slug, _ in order}:
                order.append((c.section, c.section.replace("-", " ").capitalize()))
        groups = [SectionClaims(slug, heading, [c for c in self.claims if c.section == slug])
                  for slug, heading in order]
        return [g for g in groups if g.claims]

    def cited_keys(self) -> list[str]:
        """Every bib key the claims cite, in order of first citation."""
        keys: list[str] = []
        for c in self.claims:
            for lk in c.links:
                if lk.key not in keys:
                    keys.append(lk.key)
        return keys

    def check_citations(self) -> None:
        """Raise :class:`ExportError` naming every cited key missing from references.bib."""
        missing = [f"{c.id}: {lk.key}" for c in self.claims for lk in c.links
                   if lk.key not in self.bib]
        if missing:
            raise ExportError("cited keys missing from references.bib: " + ", ".join(missing),
                              path=self.review.settings.bib_path,
                              hint="add them with `reviewtools cite ID` or fix the links")

    @cached_property
    def date(self) -> str:
        """The review's date: the latest judgement recorded (else the snapshot's retrieval)."""
        stamps = [self.review.meta.retrieved]
        for c in self.claims:
            stamps += [lk.at for lk in c.links]
            stamps += [x.at for x in (c.grade, c.verdict, c.resolution) if x is not None]
        return max(s for s in stamps if s)

    @property
    def source_date_epoch(self) -> int:
        """:attr:`date` as Unix seconds (for SOURCE_DATE_EPOCH)."""
        from datetime import datetime
        return int(datetime.fromisoformat(self.date.replace("Z", "+00:00")).timestamp())

    def statement(self, claim: Claim) -> str:
        from ..wording import statement
        return statement(claim, self.studies, self.intervention)

    def path(self, name: str) -> Path:
        return self.out_dir / name

    def write_text(self, name: str, text: str) -> Path:
        return self.write_bytes(name, text.encode("utf-8"))

    def write_bytes(self, name: str, data: bytes) -> Path:
        path = self.path(name)
        atomic_write_bytes(path, data, mode=0o644)  # exports are meant to be read
        return path

    def figures(self) -> dict[str, Path]:
        """Write the figures once per run; returns {'evidence-map': png path, section: path}."""
        if self._figures is None:
            from ..figures import save_figures
            self._figures = save_figures(self)
        return self._figures


def claim_anchor(claim: Claim) -> str:
    """The HTML id of a claim's heading in the summary."""
    return f"claim-{claim.id}"
