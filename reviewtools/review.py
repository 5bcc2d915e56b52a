"""A review: one article's snapshot and its claim files, with the reviewer's editing verbs.

>>> import reviewtools as rt
>>> review = rt.open_review("foot-massage")      # doctest: +SKIP
>>> review.claims().head()                       # doctest: +SKIP
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from .article import ArticleText, load_article
from .claims import extract, make_anchor, reanchor, sections_of
from .errors import InputError, NotFoundError
from .models import Claim, HistoryEntry, ReviewMeta, Study, now
from .settings import Settings
from .store import check_claim_id, check_slug, load_record, save_record

CLAIM_COLUMNS = ["id", "section", "text", "start", "end", "flags", "parent", "status", "verdict",
                 "certainty", "overstated", "keys"]


def review_dir(settings: Settings, slug: str) -> Path:
    return settings.evidence_dir / check_slug(slug)


def open_review(slug: str, *, root: str | Path | None = None,
                settings: Settings | None = None) -> Review:
    """Open an existing review under ``<root>/evidence/<slug>``."""
    settings = settings or Settings.from_env(root=root)
    path = review_dir(settings, slug)
    if not (path / "review.yaml").is_file():
        raise NotFoundError(f"no review '{slug}' under {settings.evidence_dir}",
                            hint="run `reviewtools extract SOURCE --review SLUG` first")
    return Review(slug, settings)


def list_reviews(settings: Settings) -> list[str]:
    root = settings.evidence_dir
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / "review.yaml").is_file())


@dataclass
class ExtractReport:
    """What an extraction run did: counts a reviewer can check at a glance."""

    slug: str
    created: list[str] = field(default_factory=list)
    reanchored_exact: list[str] = field(default_factory=list)
    reanchored_fuzzy: list[str] = field(default_factory=list)
    orphaned: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.slug}: {len(self.created)} new, {len(self.unchanged)} unchanged, "
                f"{len(self.reanchored_exact)} moved, {len(self.reanchored_fuzzy)} re-anchored "
                f"(fuzzy), {len(self.orphaned)} orphaned"
                + (f": {', '.join(self.orphaned)}" if self.orphaned else ""))


class Review:
    """The claims of one article and the verbs that change them.

    Every change goes through :func:`reviewtools.store.save_record`, so it is
    atomic and refused if someone else saved the same claim first.
    """

    def __init__(self, slug: str, settings: Settings) -> None:
        self.slug = check_slug(slug)
        self.settings = settings
        self.path = review_dir(settings, slug)
        self.claims_dir = self.path / "claims"

    def __repr__(self) -> str:
        return f"<Review {self.slug!r}: {len(self.load_claims())} claims>"

    def _repr_html_(self) -> str:
        from .views import status_table
        return f"<h4>{self.meta.title}</h4>" + status_table([self]).to_html(index=False)

    # ---- reading -------------------------------------------------------------------------
    @cached_property
    def meta(self) -> ReviewMeta:
        return load_record(self.path / "review.yaml", ReviewMeta)

    @cached_property
    def snapshot(self) -> str:
        return (self.path / self.meta.snapshot).read_text(encoding="utf-8")

    def claim_path(self, claim_id: str) -> Path:
        return self.claims_dir / f"{check_claim_id(claim_id)}.yaml"

    def claim(self, claim_id: str) -> Claim:
        path = self.claim_path(claim_id)
        if not path.is_file():
            raise NotFoundError(f"no claim '{claim_id}' in review '{self.slug}'")
        return load_record(path, Claim)

    def load_claims(self, *, include_dropped: bool = True) -> list[Claim]:
        from .cache import load_many
        claims = load_many(sorted(self.claims_dir.glob("*.yaml")), Claim, self.settings)
        claims.sort(key=lambda c: (c.anchor.start, c.parent is not None, c.id))
        return [c for c in claims if include_dropped or c.status != "dropped"]

    def claims(self, *, include_dropped: bool = False) -> pd.DataFrame:
        """One row per claim: id, section, text, offsets, flags, status, verdict, certainty."""
        rows = [claim_row(c) for c in self.load_claims(include_dropped=include_dropped)]
        return pd.DataFrame(rows, columns=CLAIM_COLUMNS)

    # ---- saving --------------------------------------------------------------------------
    def save(self, claim: Claim, *, create: bool = False) -> Claim:
        return save_record(self.claim_path(claim.id), claim, create=create)

    def _log(self, claim: Claim, by: str, action: str, detail: str = "") -> Claim:
        entry = HistoryEntry(at=now(), by=by, action=action, detail=detail)
        return claim.model_copy(update={"history": [*claim.history, entry]})

    # ---- reviewer edits of the claim list --------------------------------------------------
    def add(self, text: str, *, by: str, section: str | None = None,
            occurrence: int = 0) -> Claim:
        """Add a claim the extractor missed; ``text`` must occur in the snapshot."""
        starts = _find_all(self.snapshot, text)
        if len(starts) <= occurrence:
            raise InputError(f"text not found in the article snapshot: {text[:60]!r}")
        start = starts[occurrence]
        sec = section or self._section_at(start)
        claim_id = self._next_id(sec)
        claim = Claim(id=claim_id, section=sec, text=text, origin="added",
                      anchor=make_anchor(self.snapshot, start, start + len(text)),
                      flags=_flags(text))
        return self.save(self._log(claim, by, "added"), create=True)

    def split(self, claim_id: str, parts: list[str], *, by: str) -> list[Claim]:
        """Split a compound claim into atomic sub-claims, each anchored to its own span."""
        parent = self.claim(claim_id)
        if len(parts) < 2:
            raise InputError("a split needs at least two parts")
        made = []
        for i, part in enumerate(parts):
            offset = parent.text.find(part)
            if offset < 0:
                raise InputError(f"part {i + 1} is not in claim {claim_id}: {part[:60]!r}")
            start = parent.anchor.start + offset
            sub_id = f"{claim_id}{chr(ord('a') + i)}"
            sub = Claim(id=sub_id, section=parent.section, text=part, parent=claim_id,
                        origin="split", flags=_flags(part) if set(_flags(part)) - {"hedged",
                        "assertive"} else parent.flags,
                        anchor=make_anchor(self.snapshot, start, start + len(part)))
            path = self.claim_path(sub_id)
            if path.exists():
                existing = load_record(path, Claim)
                if existing.text == part and existing.parent == claim_id:
                    made.append(existing)  # idempotent re-run
                    continue
            made.append(self.save(self._log(sub, by, "split", f"from {claim_id}"), create=True))
        return made

    def merge(self, claim_ids: list[str], *, by: str) -> Claim:
        """Merge adjacent claims into one spanning them; the originals are marked dropped."""
        claims = sorted((self.claim(i) for i in claim_ids), key=lambda c: c.anchor.start)
        if len(claims) < 2:
            raise InputError("a merge needs at least two claims")
        start, end = claims[0].anchor.start, max(c.anchor.end for c in claims)
        text = self.snapshot[start:end]
        merged = Claim(id=self._next_id(claims[0].section), section=claims[0].section, text=text,
                       origin="merged", anchor=make_anchor(self.snapshot, start, end),
                       flags=_flags(text))
        merged = self.save(self._log(merged, by, "merged", ", ".join(claim_ids)), create=True)
        for c in claims:
            self.drop(c.id, reason=f"merged into {merged.id}", by=by)
        return merged

    def drop(self, claim_id: str, *, reason: str, by: str) -> Claim:
        """Mark a claim as not a claim (kept on disk with the reason, never deleted)."""
        if not reason.strip():
            raise InputError("dropping a claim needs a reason")
        claim = self.claim(claim_id)
        if claim.status == "dropped" and claim.drop_reason == reason:
            return claim
        claim = claim.model_copy(update={"status": "dropped", "drop_reason": reason})
        return self.save(self._log(claim, by, "dropped", reason))

    # ---- judgements (see reviewtools.appraisal for the rules) ------------------------------
    def appraise(self, key: str, **kw: object) -> Study:
        """Appraise study ``key`` (in references.bib) with this review's settings."""
        from .appraisal import appraise
        return appraise(key, settings=self.settings, **kw)

    def link(self, claim_id: str, key: str, **kw: object) -> Claim:
        """Link study ``key`` to a claim: ``stance``, ``outcome``, ``quote``, ``by``, ..."""
        from .appraisal import link
        return link(self, claim_id, key, **kw)

    def grade(self, claim_id: str, **kw: object) -> Claim:
        """Record a GRADE judgement: ``by``, ``downgrades``, ``upgrades``, ``certainty``..."""
        from .appraisal import grade
        return grade(self, claim_id, **kw)

    def verdict(self, claim_id: str, value: str, **kw: object) -> Claim:
        """Record a verdict: ``by``, ``reason``, optional ``overstated``."""
        from .appraisal import verdict
        return verdict(self, claim_id, value, **kw)

    def resolve(self, claim_id: str, **kw: object) -> Claim:
        from .appraisal import resolve
        return resolve(self, claim_id, **kw)

    def no_studies(self, claim_id: str, **kw: object) -> Claim:
        from .appraisal import record_no_studies
        return record_no_studies(self, claim_id, **kw)

    def set_statement(self, claim_id: str, text: str, **kw: object) -> Claim:
        from .appraisal import set_statement
        return set_statement(self, claim_id, text, **kw)

    def _section_at(self, pos: int) -> str:
        for s in self.meta.sections:
            if s.start <= pos <= s.end:
                return s.slug
        return self.meta.sections[0].slug if self.meta.sections else "intro"

    def _next_id(self, section: str) -> str:
        used = {p.stem for p in self.claims_dir.glob(f"{section}-*.yaml")}
        n = 1
        while f"{section}-{n:02d}" in used or any(u.startswith(f"{section}-{n:02d}") for u in used):
            n += 1
        return f"{section}-{n:02d}"


def _flags(text: str) -> list[str]:
    from .claims import classify
    return classify(text)


def _find_all(text: str, needle: str) -> list[int]:
    out, pos = [], text.find(needle)
    while pos >= 0 and needle:
        out.append(pos)
        pos = text.find(needle, pos + 1)
    return out


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
    (exact, then fuzzy) or marked orphaned, keeping every judgement.
    """
    article = load_article(source, settings)
    path = review_dir(settings, slug)
    claims_dir = path / "claims"
    old_meta = load_record(path / "review.yaml", ReviewMeta) if (path / "review.yaml").is_file() \
        else None
    known = {s.heading: s.slug for s in old_meta.sections} if old_meta else {}
    sections = sections_of(article, known)
    report = ExtractReport(slug=slug)
    existing = {p.stem: load_record(p, Claim) for p in sorted(claims_dir.glob("*.yaml"))}
    updates: dict[str, Claim] = {}
    for cid, claim in existing.items():
        anchor = reanchor(article.text, claim.text, claim.anchor)
        if anchor == claim.anchor:
            report.unchanged.append(cid)
            continue
        updated = claim.model_copy(update={"anchor": anchor})
        if anchor.state == "fuzzy":
            new_text = article.text[anchor.start:anchor.end]
            updated = updated.model_copy(update={"text": new_text})
            report.reanchored_fuzzy.append(cid)
            detail = f"text now {new_text[:80]!r}"
        elif anchor.state == "orphaned":
            report.orphaned.append(cid)
            detail = "not found in the new snapshot; judgements kept"
        else:
            report.reanchored_exact.append(cid)
            detail = f"moved to {anchor.start}"
        updates[cid] = updated.model_copy(update={"history": [*claim.history, HistoryEntry(
            at=now(), by=by, action=f"re-anchored ({anchor.state})", detail=detail)]})
    covered = [(c.anchor.start, c.anchor.end) for c in [*updates.values(), *existing.values()]
               if c.anchor.state != "orphaned"]
    new_claims = []
    for ex in extract(article, sections):
        if ex.id in existing or any(s <= ex.anchor.start < e for s, e in covered):
            continue
        claim_id = ex.id
        n = int(claim_id.rsplit("-", 1)[1])
        while claim_id in existing or claim_id in {c.id for c in new_claims}:
            n += 1
            claim_id = f"{ex.section}-{n:02d}"
        new_claims.append(Claim(id=claim_id, section=ex.section, text=ex.text, anchor=ex.anchor,
                                flags=ex.flags, history=[HistoryEntry(at=now(), by=by,
                                                                      action="extracted")]))
    _write_review(path, article, sections, slug, title, old_meta, settings)
    for cid, claim in updates.items():
        save_record(claims_dir / f"{cid}.yaml", claim)
    for claim in new_claims:
        save_record(claims_dir / f"{claim.id}.yaml", claim, create=True)
        report.created.append(claim.id)
    return report


def _write_review(path: Path, article: ArticleText, sections, slug: str, title: str | None,
                  old: ReviewMeta | None, settings: Settings) -> None:
    from .store import atomic_write_text
    meta = ReviewMeta(slug=slug, title=title or article.title, source=article.source,
                      media_type=article.media_type, retrieved=article.retrieved,
                      sha256=article.sha256, sections=sections,
                      segmenter="pysbd " + _pysbd_version(),
                      methods=old.methods if old else "", reviewers=old.reviewers if old else [])
    if old and (old.sha256 == meta.sha256 and old.sections == meta.sections):
        return  # same article: keep the original retrieval date
    path.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path / "article.txt", article.text)
    if article.original and article.original.decode("utf-8-sig", "replace") != article.text:
        ext = {"text/html": ".html", "text/markdown": ".md"}.get(article.media_type, ".txt")
        _write_bytes(path / f"source{ext}", article.original)
    if old:
        meta = meta.model_copy(update={"revision": old.revision})
        save_record(path / "review.yaml", meta)
    else:
        save_record(path / "review.yaml", meta, create=True)


def _write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    shutil.move(tmp, path)


def _pysbd_version() -> str:
    from importlib.metadata import version
    return version("pysbd")
