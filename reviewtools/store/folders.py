"""Where a review's files live, and reading them: the review folder and the study records.

>>> from reviewtools.settings import Settings                 # doctest: +SKIP
>>> folder = ReviewFolder("sauna", Settings.from_env())  # doctest: +SKIP
>>> [c.id for c in folder.load_claims()][:3]                    # doctest: +SKIP

Every stage reads a review through a :class:`ReviewFolder`; the
:class:`reviewtools.review.Review` facade adds the verbs that change it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

from reviewtools.errors import InputError, NotFoundError, UnsafePathError
from reviewtools.model.profiles import Profile
from reviewtools.model.protocol import ID_RE, Protocol
from reviewtools.model.records import NOT_CLAIM_STATUSES, Claim, ReviewMeta, Study
from reviewtools.settings import Settings
from reviewtools.store.cache import folder_tables, folder_values, gc_paused, load_many
from reviewtools.store.files import (
    RESERVED_SLUGS,
    check_claim_id,
    check_key,
    check_slug,
    inside_folder,
    load_record,
    read_text,
    save_record,
)


def review_dir(settings: Settings, slug: str) -> Path:
    """``<root>/evidence/<slug>``: the folder of review ``slug``."""
    return settings.evidence_dir / check_slug(slug)


def inside(folder: Path, relative: str, *, field: str) -> Path:
    """``folder / relative`` if it resolves inside ``folder`` (links followed), else
    :class:`UnsafePathError` naming the field: no evidence file can point a read elsewhere."""
    try:
        return inside_folder(folder, relative)
    except UnsafePathError:
        raise UnsafePathError(f"field '{field}' = {relative[:60]!r} points outside the review "
                              f"folder; refused", path=folder / "review.yaml") from None


def list_reviews(settings: Settings) -> list[str]:
    """The slugs of every review under ``settings.evidence_dir``, sorted."""
    try:
        entries = os.scandir(settings.evidence_dir)
    except OSError:
        return []
    with entries:
        return sorted(e.name for e in entries if e.name not in RESERVED_SLUGS
                      and os.path.isfile(os.path.join(e.path, "review.yaml")))


def existing_review(slug: str, settings: Settings) -> ReviewFolder:
    """The folder of review ``slug``; :class:`NotFoundError` if it has no review.yaml."""
    folder = ReviewFolder(slug, settings)
    if not (folder.path / "review.yaml").is_file():
        raise NotFoundError(f"no review '{slug}' under {settings.evidence_dir}",
                            hint="run `reviewtools new SOURCE --review SLUG ...` first")
    return folder


class ReviewFolder:
    """One review on disk: its metadata, snapshot and claim files (read, and saved one by one)."""

    def __init__(self, slug: str, settings: Settings) -> None:
        self.slug = check_slug(slug)
        self.settings = settings
        self.path = review_dir(settings, slug)
        self.claims_dir = self.path / "claims"

    @cached_property
    def meta(self) -> ReviewMeta:
        return load_many([self.path / "review.yaml"], ReviewMeta, self.settings)[0]

    @property
    def protocol_path(self) -> Path:
        return self.path / "protocol.yaml"

    def has_protocol(self) -> bool:
        return self.protocol_path.is_file()

    @cached_property
    def protocol(self) -> Protocol:
        """The review's protocol (``protocol.yaml``), validated; NotFoundError if none yet."""
        if not self.has_protocol():
            raise NotFoundError(f"review '{self.slug}' has no protocol ({self.protocol_path})",
                                hint=f"write one: `reviewtools protocol init {self.slug} "
                                "--intervention NAME`, then fill it in")
        protocol = load_record(self.protocol_path, Protocol)
        if protocol.review != self.slug:
            raise NotFoundError(f"{self.protocol_path}: the protocol is for review "
                                f"'{protocol.review}', not '{self.slug}'")
        return protocol

    def protocol_or_none(self) -> Protocol | None:
        """The protocol when there is one (exports of a review without one still run)."""
        return self.protocol if self.has_protocol() else None

    @cached_property
    def snapshot(self) -> str:
        """The article snapshot's text (``snapshot:`` in review.yaml, inside this folder)."""
        return read_text(inside(self.path, self.meta.snapshot, field="snapshot"))

    def claim_path(self, claim_id: str) -> Path:
        return self.claims_dir / f"{check_claim_id(claim_id)}.yaml"

    def claim(self, claim_id: str) -> Claim:
        """The claim ``claim_id``; :class:`NotFoundError` if this review has none."""
        path = self.claim_path(claim_id)
        if not path.is_file():
            raise NotFoundError(f"no claim '{claim_id}' in review '{self.slug}'")
        return load_record(path, Claim)

    def decide_on(self, claim_id: str) -> Claim:
        """The claim a decision is about (the Review facade also checks the caller's text)."""
        return self.claim(claim_id)

    def claim_ids(self) -> set[str]:
        return {p.stem for p in self.claims_dir.glob("*.yaml")}

    def load_claims(self, *, include_dropped: bool = True) -> list[Claim]:
        """Every claim in article order (a split part after its parent's start);
        ``include_dropped=False``: only the records that count as claims
        (:attr:`Claim.is_claim`: no dropped records, other sentence kinds or split containers)."""
        claims = load_many(sorted(self.claims_dir.glob("*.yaml")), Claim, self.settings)
        claims.sort(key=lambda c: (c.anchor.start, c.parent is not None, c.id))
        return [c for c in claims if include_dropped or c.is_claim]

    def claim_rows(self, *, include_dropped: bool = True, links: bool = False) -> list[dict]:
        """The claim table's rows (:data:`reviewtools.store.rows.CLAIM_COLUMNS`) in article
        order, read from the derived index without validating records; with ``links``, each
        row also holds its ``links`` (``Link.model_dump()`` each)."""
        return claim_rows([self], include_dropped=include_dropped, links=links)[self.slug]

    @property
    def profiles_dir(self) -> Path:
        return self.path / "profiles"

    def profile_path(self, profile_id: str) -> Path:
        return self.profiles_dir / f"{check_profile_id(profile_id)}.yaml"

    def load_profiles(self) -> dict[str, Profile]:
        """Every evidence profile of the review, by id."""
        paths = sorted(self.profiles_dir.glob("*.yaml"))
        return {p.id: p for p in load_many(paths, Profile, self.settings)}

    def save_profile(self, profile: Profile, *, create: bool = False) -> Profile:
        return save_record(self.profile_path(profile.id), profile, create=create)

    def save(self, claim: Claim, *, create: bool = False) -> Claim:
        """Save one claim atomically; refused if someone else saved it first."""
        return save_record(self.claim_path(claim.id), claim, create=create)


def claim_tables(reviews: Sequence[ReviewFolder], *, links: bool = True,
                 ) -> dict[str, dict[str, dict[str, list]]]:
    """Each review's claims folder as columns, by slug: ``claims`` (the claim table's
    columns, article order) and, with ``links``, ``links`` (``claim`` and the link's
    fields); from the derived index (:func:`reviewtools.store.cache.folder_tables`)."""
    if not reviews:
        return {}
    found = folder_tables([r.claims_dir for r in reviews], Claim, reviews[0].settings,
                          None if links else ["claims"])
    return {r.slug: found[str(r.claims_dir)] for r in reviews}


def claim_rows(reviews: Sequence[ReviewFolder], *, include_dropped: bool = True,
               links: bool = False) -> dict[str, list[dict]]:
    """:meth:`ReviewFolder.claim_rows` of many reviews at once, by slug (a few queries for
    the lot); raises the first :class:`~reviewtools.errors.SchemaError` met."""
    out: dict[str, list[dict]] = {}
    with gc_paused():
        for slug, table in claim_tables(reviews, links=links).items():
            claims = table["claims"]
            rows = [dict(zip(claims, values, strict=True))
                    for values in zip(*claims.values(), strict=True)]
            if links:
                for r in rows:
                    r["links"] = []
                part = table["links"]
                fields = [f for f in part if f not in ("claim", "position")]
                for position, *values in zip(part["position"], *(part[f] for f in fields),
                                             strict=True):
                    rows[position]["links"].append(dict(zip(fields, values, strict=True)))
            out[slug] = [r for r in rows if include_dropped
                         or r["status"] not in NOT_CLAIM_STATUSES]  # Claim.is_claim
    return out


def section_order(reviews: Sequence[ReviewFolder]) -> dict[str, list[str]]:
    """The section slugs of each review in article order, by slug (from the derived index)."""
    if not reviews:
        return {}
    found = folder_values([r.path for r in reviews], ReviewMeta, reviews[0].settings, ("row",),
                          names=["review.yaml"])
    out = {}
    for review in reviews:
        hits = found[str(review.path)]
        out[review.slug] = hits[0][1][0]["sections"] if hits else list(
            s.slug for s in review.meta.sections)  # no review.yaml: raises as before
    return out


def check_profile_id(value: str) -> str:
    """A profile id: lower-case letters, digits and '-' (safe as a file name)."""
    if not isinstance(value, str) or not ID_RE.match(value):
        raise InputError(f"invalid profile id {value!r}: use lower-case letters, digits and '-'")
    return value


def study_path(settings: Settings, key: str) -> Path:
    """``<root>/evidence/studies/<key>.yaml``: where the appraisal of ``key`` lives."""
    return settings.studies_dir / f"{check_key(key)}.yaml"


def load_study(key: str, settings: Settings) -> Study:
    """The appraisal of study ``key``; :class:`NotFoundError` if it has none yet."""
    path = study_path(settings, key)
    if not path.is_file():
        raise NotFoundError(f"study '{key}' has not been appraised",
                            hint=f"record it with rt.appraise('{key}', ...)")
    return load_record(path, Study)


def load_studies(settings: Settings) -> dict[str, Study]:
    """Every appraised study, keyed by its bib key."""
    paths = sorted(settings.studies_dir.glob("*.yaml"))
    return {s.key: s for s in load_many(paths, Study, settings)}


def study_rows(settings: Settings) -> list[dict]:
    """Every appraised study as ``Study.model_dump()`` would give it, in file-name order,
    read from the derived index without validating records."""
    records = study_table(settings)
    return [dict(zip(records, values, strict=True))
            for values in zip(*records.values(), strict=True)]


def study_table(settings: Settings) -> dict[str, list]:
    """Every appraised study's fields as columns (lists), in file-name order."""
    return folder_tables([settings.studies_dir], Study, settings)[str(settings.studies_dir)][
        "records"]
