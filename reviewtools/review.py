"""The Review facade: one article's review, with every verb a reviewer uses.

>>> import reviewtools as rt
>>> review = rt.open_review("foot-massage")      # doctest: +SKIP
>>> review.claims().head()                       # doctest: +SKIP

:class:`Review` composes the pipeline stages: it loads records through
:mod:`reviewtools.store`, hands them to a stage function (claim edits, links,
judgements), and saves what comes back. No stage imports this module.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from reviewtools.appraisal import links as links_stage
from reviewtools.appraisal.studies import appraise as appraise_study
from reviewtools.article.importing import ArticleText, load_article
from reviewtools.claims import edits
from reviewtools.claims.detection import sections_of
from reviewtools.claims.reconcile import ExtractReport, reconcile
from reviewtools.errors import ConflictError, NotFoundError
from reviewtools.grading import judgements
from reviewtools.literature import bib
from reviewtools.model.records import Claim, ReviewMeta, Section, Study
from reviewtools.settings import Settings
from reviewtools.store import journal
from reviewtools.store.files import disk_revision, dump_record, folder_lock, load_record
from reviewtools.store.folders import ReviewFolder, list_reviews, load_study, review_dir

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CLAIM_COLUMNS", "ExtractReport", "Review", "claim_row", "extract_review",
           "list_reviews", "open_review", "review_dir"]

CLAIM_COLUMNS = ["id", "section", "text", "start", "end", "flags", "parent", "status", "verdict",
                 "certainty", "overstated", "keys"]


def open_review(slug: str, *, root: str | Path | None = None,
                settings: Settings | None = None) -> Review:
    """Open an existing review under ``<root>/evidence/<slug>``."""
    settings = settings or Settings.from_env(root=root)
    path = review_dir(settings, slug)
    if not (path / "review.yaml").is_file():
        raise NotFoundError(f"no review '{slug}' under {settings.evidence_dir}",
                            hint="run `reviewtools extract SOURCE --review SLUG` first")
    return Review(slug, settings)


class Review(ReviewFolder):
    """The claims of one article and the verbs that change them.

    Every change goes through :func:`reviewtools.store.files.save_record`, so it is
    atomic and refused if someone else saved the same claim first.
    """

    def __repr__(self) -> str:
        return f"<Review {self.slug!r}: {len(self.load_claims())} claims>"

    def _repr_html_(self) -> str:
        from reviewtools.grading.tables import status_table
        return f"<h4>{self.meta.title}</h4>" + status_table([self]).to_html(index=False)

    def claims(self, *, include_dropped: bool = False) -> pd.DataFrame:
        """One row per claim: id, section, text, offsets, flags, status, verdict, certainty."""
        import pandas as pd
        rows = [claim_row(c) for c in self.load_claims(include_dropped=include_dropped)]
        return pd.DataFrame(rows, columns=CLAIM_COLUMNS)

    def _changed(self, old: Claim, new: Claim) -> Claim:
        return old if new is old else self.save(new)

    # ---- reviewer edits of the claim list (reviewtools.claims.edits) --------------------
    def add(self, text: str, *, by: str, section: str | None = None,
            occurrence: int = 0) -> Claim:
        """Add a claim the extractor missed; ``text`` must occur in the snapshot."""
        claim = edits.added_claim(self.snapshot, text, self.meta.sections, self.claim_ids(),
                                  by=by, section=section, occurrence=occurrence)
        return self.save(claim, create=True)

    def split(self, claim_id: str, parts: list[str], *, by: str) -> list[Claim]:
        """Split a compound claim into atomic sub-claims, each anchored to its own span.

        All or nothing: every sub-claim is checked first, then all are written together.
        """
        subs = edits.split_parts(self.claim(claim_id), parts, self.snapshot, by=by)
        with folder_lock(self.claims_dir):
            files = []
            for sub in subs:
                path = self.claim_path(sub.id)
                if path.exists():
                    existing = load_record(path, Claim)
                    if existing.text == sub.text and existing.parent == claim_id:
                        continue  # idempotent re-run
                    raise ConflictError(f"{sub.id} already exists with other text; nothing "
                                        "was split", path=path)
                files.append((f"claims/{sub.id}.yaml", _next_revision(path, sub, create=True)))
            journal.commit(self.path, files)
        return [load_record(self.claim_path(sub.id), Claim) for sub in subs]

    def merge(self, claim_ids: list[str], *, by: str) -> Claim:
        """Merge adjacent claims into one spanning them; the originals are marked dropped."""
        claims = [self.claim(i) for i in claim_ids]
        merged = self.save(edits.merged_claim(claims, self.snapshot, self.claim_ids(), by=by),
                           create=True)
        for c in sorted(claims, key=lambda c: c.anchor.start):
            self.drop(c.id, reason=f"merged into {merged.id}", by=by)
        return merged

    def drop(self, claim_id: str, *, reason: str, by: str) -> Claim:
        """Mark a claim as not a claim (kept on disk with the reason, never deleted)."""
        claim = self.claim(claim_id)
        return self._changed(claim, edits.dropped(claim, reason=reason, by=by))

    # ---- judgements (reviewtools.appraisal, reviewtools.grading.judgements) -------------
    def appraise(self, key: str, **kw: object) -> Study:
        """Appraise study ``key`` (in references.bib) with this review's settings."""
        return appraise_study(key, settings=self.settings, **kw)

    def link(self, claim_id: str, key: str, **kw: object) -> Claim:
        """Link study ``key`` to a claim: ``stance``, ``outcome``, ``quote``, ``by``, ..."""
        claim = self.claim(claim_id)
        keys = bib.entries(self.settings.bib_path)
        return self._changed(claim, links_stage.link(claim, key, bib_keys=keys, **kw))

    def grade(self, claim_id: str, **kw: object) -> Claim:
        """Record a GRADE judgement: ``by``, ``downgrades``, ``upgrades``, ``certainty``..."""
        claim = self.claim(claim_id)
        studies = {lk.key: load_study(lk.key, self.settings) for lk in claim.links}
        return self._changed(claim, judgements.grade(claim, studies, **kw))

    def verdict(self, claim_id: str, value: str, **kw: object) -> Claim:
        """Record a verdict: ``by``, ``reason``, optional ``overstated``."""
        claim = self.claim(claim_id)
        return self._changed(claim, judgements.verdict(claim, value, **kw))

    def resolve(self, claim_id: str, **kw: object) -> Claim:
        """Settle a disputed claim: ``accept`` (a reviewer), ``by``, ``note``."""
        claim = self.claim(claim_id)
        return self.save(judgements.resolve(claim, **kw))

    def no_studies(self, claim_id: str, **kw: object) -> Claim:
        """Record that the ``searches`` found no study for a claim: ``searches``, ``by``."""
        claim = self.claim(claim_id)
        return self._changed(claim, judgements.record_no_studies(claim, **kw))

    def set_statement(self, claim_id: str, text: str, **kw: object) -> Claim:
        """Store the writer's final evidence statement: ``by``."""
        claim = self.claim(claim_id)
        return self._changed(claim, judgements.set_statement(claim, text, **kw))


def claim_row(c: Claim) -> dict:
    return {
        "id": c.id, "section": c.section, "text": c.text, "start": c.anchor.start,
        "end": c.anchor.end, "flags": list(c.flags), "parent": c.parent, "status": c.status,
        "verdict": c.verdict.value if c.verdict else None,
        "certainty": c.grade.certainty if c.grade else None,
        "overstated": bool(c.verdict and c.verdict.overstated),
        "keys": sorted({link.key for link in c.links}),
    }


# ---- extraction into the store --------------------------------------------------------------

def extract_review(source: str, slug: str, *, settings: Settings, by: str = "extractor",
                   title: str | None = None) -> ExtractReport:
    """Import ``source`` as the snapshot of review ``slug`` and create or re-anchor its claims.

    Existing claims are never deleted: each is re-anchored to the new snapshot
    (exact, then fuzzy) or marked orphaned, keeping every judgement. The snapshot,
    review.yaml and the claims change together (:mod:`reviewtools.store.journal`): a crash
    leaves either the old review or, after the next run, the new one.
    """
    article = load_article(source, settings)
    path = review_dir(settings, slug)
    claims_dir = path / "claims"
    journal.recover(path)  # finish an interrupted extraction first
    old_meta = load_record(path / "review.yaml", ReviewMeta) if (path / "review.yaml").is_file() \
        else None
    known = {s.heading: s.slug for s in old_meta.sections} if old_meta else {}
    sections = sections_of(article, known)
    existing = {p.stem: load_record(p, Claim) for p in sorted(claims_dir.glob("*.yaml"))}
    result = reconcile(slug, article, sections, existing, by=by)
    with folder_lock(path), folder_lock(claims_dir):
        files = [(f"claims/{cid}.yaml", _next_revision(claims_dir / f"{cid}.yaml", claim))
                 for cid, claim in result.updated.items()]
        files += [(f"claims/{c.id}.yaml", _next_revision(claims_dir / f"{c.id}.yaml", c,
                                                          create=True)) for c in result.created]
        files += _write_review(path, article, sections, slug, title, old_meta, settings)
        if files:
            journal.commit(path, files)
    return result.report


def _next_revision(path: Path, record: Claim | ReviewMeta, *, create: bool = False) -> bytes:
    """The bytes to save for ``record`` after the revision checks of :func:`save_record`."""
    on_disk = disk_revision(path)
    if create and on_disk is not None:
        raise ConflictError("already exists; load it and edit instead", path=path)
    if not create and on_disk != record.revision:
        raise ConflictError(f"changed on disk (revision {on_disk}, extract read revision "
                            f"{record.revision})", path=path, hint="run extract again")
    saved = record.model_copy(update={"revision": 1 if create else record.revision + 1})
    saved = type(record).model_validate(saved.model_dump())
    return dump_record(saved).encode("utf-8")


def _write_review(path: Path, article: ArticleText, sections: list[Section], slug: str,
                  title: str | None, old: ReviewMeta | None, settings: Settings
                  ) -> list[tuple[str, bytes]]:
    """The snapshot, source and review.yaml files to write, last (empty: same article)."""
    meta = ReviewMeta(slug=slug, title=title or article.title, source=article.source,
                      media_type=article.media_type, retrieved=article.retrieved,
                      sha256=article.sha256, sections=sections,
                      segmenter="pysbd " + _pysbd_version(),
                      methods=old.methods if old else "", reviewers=old.reviewers if old else [])
    if old and (old.sha256 == meta.sha256 and old.sections == meta.sections):
        return []  # same article: keep the original retrieval date
    files = []
    if article.original and article.original.decode("utf-8-sig", "replace") != article.text:
        ext = {"text/html": ".html", "text/markdown": ".md"}.get(article.media_type, ".txt")
        files.append((f"source{ext}", article.original))
    files.append(("article.txt", article.text.encode("utf-8")))
    if old:
        meta = meta.model_copy(update={"revision": old.revision})
    files.append(("review.yaml", _next_revision(path / "review.yaml", meta, create=old is None)))
    return files


def _pysbd_version() -> str:
    from importlib.metadata import version
    return version("pysbd")
