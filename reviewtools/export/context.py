"""What every export format reads: one review's claims, bibliography and study records.

An :class:`ExportContext` is built once per export run; writers in
:mod:`reviewtools.export.formats` take it and return the paths they wrote.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from reviewtools.claims.topics import by_topic, has_headings, topic_groups
from reviewtools.errors import ExportError, StorageError, UnsafePathError
from reviewtools.export.sof import sof_rows
from reviewtools.model.profiles import Profile
from reviewtools.model.protocol import Protocol
from reviewtools.model.records import Claim, Study, is_future, timestamp_value
from reviewtools.store.cache import load_many
from reviewtools.store.files import atomic_write_bytes, storage_error
from reviewtools.store.folders import ReviewFolder, load_study, study_path

T = TypeVar("T")


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
        the linked studies as the protocol names them, else the protocol's intervention)
    """

    review: ReviewFolder
    out_dir: Path
    style: str | None = None
    base_url: str | None = None
    intervention: str | None = None
    figure_paths: dict[str, Path] | None = field(default=None, repr=False)
    drawn: dict[str, Any] = field(default_factory=dict, repr=False)
    confine: Path | None = None  # every file must land inside this folder (None: anywhere)
    problems: list[str] = field(default_factory=list)  # why this export is a draft (none: final)

    @property
    def is_draft(self) -> bool:
        """True when the review is incomplete or fails ``check``: the export says so."""
        return bool(self.problems)

    def prepare(self) -> None:
        """Create :attr:`out_dir`; refuse a file in its place, or (with :attr:`confine`) a
        folder that a symbolic link leads outside the repository."""
        if self.out_dir.exists() and not self.out_dir.is_dir():
            raise StorageError("cannot export here: it is a file, not a folder",
                               path=self.out_dir, hint="give --out a folder")
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise storage_error("cannot create the export folder", self.out_dir, exc) from None
        self._confined(self.out_dir)

    def _confined(self, folder: Path) -> None:
        if self.confine is not None and not folder.resolve().is_relative_to(
                self.confine.resolve()):
            raise UnsafePathError(f"leads outside the repository (to {folder.resolve()}); "
                                  "refusing to export through a link", path=folder)

    @cached_property
    def protocol(self) -> Protocol | None:
        """The review's protocol (None for a review written before protocols)."""
        return self.review.protocol_or_none()

    @cached_property
    def profiles(self) -> dict[str, Profile]:
        """The review's evidence profiles (none without a protocol)."""
        return self.review.load_profiles() if self.protocol is not None else {}

    @cached_property
    def profile_studies(self) -> dict[str, Study]:
        """The appraisals of every study in a profile (cited or not)."""
        keys = {e.study for p in self.profiles.values() for e in p.entries}
        return {k: self.studies.get(k) or load_study(k, self.review.settings) for k in keys}

    @cached_property
    def sof_rows(self) -> list[dict[str, object]]:
        """Summary-of-findings rows for the review's rated profiles (none without)."""
        if self.protocol is None:
            return []
        return sof_rows(self.profiles, self.profile_studies, self.protocol)

    @cached_property
    def agreement(self) -> dict[str, object]:
        """Dual review, submitted assessments only: kappa (linear), kappa_quadratic, n,
        reviewers, ai_assisted, pairs (read-only, for the methods text)."""
        from reviewtools.grading.dual import agreement_summary
        return agreement_summary(self.review)

    def published_profiles(self) -> list[Profile]:
        """The profiles the summary publishes (the rows of :attr:`sof_rows`), in that order."""
        return [self.profiles[row["profile"]] for row in self.sof_rows]

    def once(self, name: str, make: Callable[[], T]) -> T:
        """``make()`` the first time ``name`` is asked for in this export run, then its result
        (a figure written for the Markdown is not drawn again for HTML and DOCX)."""
        if name not in self.drawn:
            self.drawn[name] = make()
        return self.drawn[name]

    @cached_property
    def claims(self) -> list[Claim]:
        """The review's claims (:attr:`Claim.is_claim`), in article order; for an article
        without headings each claim's section is its outcome topic (in memory only)."""
        return by_topic(self.review.load_claims(include_dropped=False),
                        self.review.meta.sections, self.protocol)

    @cached_property
    def not_claims(self) -> list[Claim]:
        """Sentences of other kinds (advice, marketing ...), shown apart from the claims."""
        return [c for c in self.review.load_claims() if c.status == "not a claim"]

    @property
    def group_label(self) -> str:
        """What a group of claims is: 'Topic' for an article without headings."""
        return "Benefit" if has_headings(self.review.meta.sections) else "Topic"

    @cached_property
    def dropped(self) -> list[Claim]:
        """Sentences not treated as claims, in article order: dropped by a reviewer (with the
        reason) or of another kind than a health claim (advice, marketing ...; the kind)."""
        return [c for c in self.review.load_claims(include_dropped=True)
                if c.status in ("dropped", "not a claim")]

    @cached_property
    def bib(self) -> dict[str, dict[str, str]]:
        """The references.bib entries the claims cite (read by key from the derived index)."""
        from reviewtools.literature import bib
        return bib.entries_of(self.review.settings.bib_path, self.cited_keys())

    @cached_property
    def studies(self) -> dict[str, Study]:
        """The appraisals of the studies this review cites (not every study in the repo)."""
        settings = self.review.settings
        paths = {k: study_path(settings, k) for k in self.cited_keys()}
        paths = {k: p for k, p in paths.items() if p.is_file()}
        return dict(zip(paths, load_many(list(paths.values()), Study, settings), strict=True))

    @cached_property
    def sections(self) -> list[SectionClaims]:
        """Claims grouped by section, in the article's section order."""
        if not has_headings(self.review.meta.sections):
            return [SectionClaims(g.slug, g.heading, g.claims) for g in topic_groups(self.claims)]
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
        """The review's date: the latest judgement recorded (else the snapshot's retrieval).

        Times in the future (:func:`~reviewtools.model.records.is_future`: a reviewer's
        clock set wrong) are ignored; ``check`` reports them.
        """
        stamps = []
        for c in self.claims:
            stamps += [lk.at for lk in c.links]
            stamps += [x.at for x in (c.grade, c.verdict, c.resolution) if x is not None]
        stamps = [s for s in stamps if s and not is_future(s)]
        return max([self.review.meta.retrieved, *stamps], key=timestamp_value)

    @property
    def source_date_epoch(self) -> int:
        """:attr:`date` as Unix seconds (for SOURCE_DATE_EPOCH)."""
        return int(timestamp_value(self.date).timestamp())

    def statement(self, claim: Claim) -> str:
        from reviewtools.export.wording import statement
        return statement(claim, self.studies, self.intervention, self.protocol)

    def path(self, name: str) -> Path:
        return self.out_dir / name

    def write_text(self, name: str, text: str) -> Path:
        return self.write_bytes(name, text.encode("utf-8"))

    def write_bytes(self, name: str, data: bytes) -> Path:
        """Write one output file atomically (see :func:`atomic_write_bytes`: no links)."""
        path = self.path(name)
        if path.parent.exists():
            self._confined(path.parent)
        atomic_write_bytes(path, data, mode=0o644)  # exports are meant to be read
        return path



def claim_anchor(claim: Claim) -> str:
    """The HTML id of a claim's heading in the summary."""
    return f"claim-{claim.id}"
