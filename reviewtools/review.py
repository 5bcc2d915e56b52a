"""The Review facade: one article's review, with every verb a reviewer uses.

>>> import reviewtools as rt
>>> review = rt.open_review("sauna")             # doctest: +SKIP
>>> review.claims().head()                       # doctest: +SKIP

:class:`Review` composes the pipeline stages: it loads records through
:mod:`reviewtools.store`, hands them to a stage function (claim edits, links,
judgements), and saves what comes back. No stage imports this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from reviewtools.appraisal import links as links_stage
from reviewtools.appraisal.risk import load_assessments, save_assessment
from reviewtools.appraisal.rob import RobAssessment, assess
from reviewtools.appraisal.studies import appraise as appraise_study
from reviewtools.claims import edits
from reviewtools.claims.detection import sections_of
from reviewtools.claims.reconcile import ExtractReport, reconcile
from reviewtools.errors import ClaimMismatchError, ConflictError, InputError, NotFoundError
from reviewtools.grading import dual, judgements, migration
from reviewtools.grading import profiles as profiles_stage
from reviewtools.grading.migration import MigrationReport
from reviewtools.grading.verdicts import claim_verdict
from reviewtools.literature import bib
from reviewtools.model.assessments import Assessment
from reviewtools.model.profiles import Profile, ProfileEntry
from reviewtools.model.protocol import Protocol, draft_protocol
from reviewtools.model.records import (
    NOT_CLAIM_STATUSES,
    SCHEMA_VERSION,
    Claim,
    HistoryEntry,
    ReviewMeta,
    Section,
    Study,
    now,
)
from reviewtools.settings import Settings
from reviewtools.store import journal
from reviewtools.store.files import (
    check_claim_id,
    disk_revision,
    dump_record,
    folder_lock,
    load_record,
    save_record,
)
from reviewtools.store.folders import (
    ReviewFolder,
    existing_review,
    list_reviews,
    load_studies,
    load_study,
    review_dir,
    study_path,
)
from reviewtools.store.rows import CLAIM_COLUMNS, claim_row

if TYPE_CHECKING:
    import pandas as pd

    from reviewtools.article.importing import ArticleText

__all__ = ["CLAIM_COLUMNS", "ExtractReport", "Review", "claim_row", "extract_review",
           "list_reviews", "new_review", "open_review", "review_dir", "write_protocol"]



def open_review(slug: str, *, root: str | Path | None = None,
                settings: Settings | None = None, reviewer: str | None = None,
                blind: bool = False) -> Review:
    """Open an existing review under ``<root>/evidence/<slug>`` (``blind``: as ``reviewer``,
    seeing what dual review's blinding lets them see, :mod:`reviewtools.grading.dual`)."""
    settings = settings or Settings.from_env(root=root)
    existing_review(slug, settings)  # NotFoundError, with what to run, if there is none
    return Review(slug, settings, reviewer=reviewer, blind=blind)


class Review(ReviewFolder):
    """The claims of one article and the verbs that change them.

    Every change goes through :func:`reviewtools.store.files.save_record`, so it is
    atomic and refused if someone else saved the same claim first.

    A notebook binds the review to the claims it was written for (:meth:`bind`): from
    then on a decision on a claim whose recorded text differs, or on a claim the notebook
    does not list, is refused before anything is written.
    """

    def __init__(self, slug: str, settings: Settings, *, reviewer: str | None = None,
                 blind: bool = False) -> None:
        super().__init__(slug, settings)
        self.expected: dict[str, str] | None = None
        self.reviewer = reviewer or settings.reviewer  # whose assessments (dual review)
        self.blind = blind  # profile(), load_profiles(), sof() show what blinding allows

    def as_reviewer(self, name: str, *, blind: bool = True) -> Review:
        """This review as reviewer ``name`` sees it (blinded by default), same bindings."""
        view = Review(self.slug, self.settings, reviewer=dual.check_reviewer(name), blind=blind)
        view.expected = self.expected
        return view

    def bind(self, claims: Mapping[str, str]) -> Review:
        """Declare the claims (id -> text) the calling notebook decides on; returns self.

        Every listed claim that exists must have exactly that text (claims a split or an
        add will create may be missing yet); :class:`ClaimMismatchError` names both texts.
        """
        expected = {check_claim_id(cid): " ".join(text.split()) for cid, text in claims.items()}
        for cid, text in expected.items():
            if self.claim_path(cid).is_file():
                self._check_text(self.claim(cid), text)
        self.expected = expected
        return self

    def _check_text(self, claim: Claim, text: str) -> None:
        recorded = " ".join(claim.text.split())
        if recorded != text:
            raise ClaimMismatchError(
                f"claim {claim.id} of review '{self.slug}' reads {recorded[:120]!r}, but this "
                f"notebook was written for {text[:120]!r}; nothing was written",
                hint="open the review the notebook was made for, or regenerate the notebook")

    def _check_new(self, claim: Claim) -> Claim:
        """A claim about to be created: when bound, it must be listed with that text."""
        if self.expected is not None:
            if claim.id not in self.expected:
                raise ClaimMismatchError(
                    f"this notebook does not list claim {claim.id} ({claim.text[:80]!r}), which "
                    "this edit would create; nothing was written")
            self._check_text(claim, self.expected[claim.id])
        return claim

    def decide_on(self, claim_id: str) -> Claim:
        """The claim ``claim_id``, checked against the bound texts before a decision."""
        claim = self.claim(claim_id)
        if self.expected is not None:
            if claim_id not in self.expected:
                raise ClaimMismatchError(
                    f"claim {claim_id} is not one of the claims this notebook was written for "
                    f"({', '.join(self.expected)}); nothing was written")
            self._check_text(claim, self.expected[claim_id])
        return claim

    def __repr__(self) -> str:
        return f"<Review {self.slug!r}: {len(self.load_claims(include_dropped=False))} claims>"

    def _repr_html_(self) -> str:
        from reviewtools.grading.tables import status_table
        return f"<h4>{self.meta.title}</h4>" + status_table([self]).to_html(index=False)

    def article_view(self, *, height: int = 640) -> object:
        """The article with its claims marked by verdict, for a notebook (an IPython ``HTML``
        object: the page of ``export --format article`` in a sandboxed frame)."""
        from html import escape

        from IPython.display import HTML

        from reviewtools.export.context import ExportContext
        from reviewtools.export.formats.article_view import render_view
        from reviewtools.export.run import default_out_dir
        page = render_view(ExportContext(review=self, out_dir=default_out_dir(self)))
        return HTML(f'<div><iframe srcdoc="{escape(page)}" sandbox="allow-scripts" title="'
                    f'{escape(self.meta.title)}: the claims marked" style="width: 100%; '
                    f'height: {int(height)}px; border: 1px solid #ccc"></iframe></div>')

    def claims(self, *, include_dropped: bool = False) -> pd.DataFrame:
        """One row per claim: id, section, text, offsets, flags, status, verdict, certainty,
        kind; ``include_dropped=True`` adds dropped records, sentences not treated as claims
        and split containers (a container's verdict derived from its parts)."""
        import pandas as pd
        rows = self.claim_rows(include_dropped=include_dropped)
        for row in rows:
            if row["status"] == "split":  # a container: its verdict, for display, from its parts
                derived = edits.derived_verdict_of([r["verdict"] for r in rows
                                                    if r["parent"] == row["id"]
                                                    and r["status"] not in NOT_CLAIM_STATUSES])
                row["verdict"] = f"{derived} (from its parts)" if derived else None
        return pd.DataFrame(rows, columns=CLAIM_COLUMNS)

    def _changed(self, old: Claim, new: Claim) -> Claim:
        return old if new is old else self.save(new)

    # ---- reviewer edits of the claim list (reviewtools.claims.edits) --------------------
    def add(self, text: str, *, by: str, section: str | None = None,
            occurrence: int = 0) -> Claim:
        """Add a claim the extractor missed; ``text`` must occur in the snapshot."""
        claim = edits.added_claim(self.snapshot, text, self.meta.sections, self.claim_ids(),
                                  by=by, section=section, occurrence=occurrence)
        return self.save(self._check_new(claim), create=True)

    def split(self, claim_id: str, parts: list[str], *, by: str,
              spans: list[str | None] | None = None) -> list[Claim]:
        """Split a compound claim into parts, each one proposition: words of the sentence,
        or the reviewer's own wording ("Sauna bathing lowers the risk of stroke") anchored to
        the sub-span in ``spans`` (else to the whole sentence). The parent becomes a
        container (status 'split'): not a claim, no verdict, counted once through its parts.

        All or nothing: every sub-claim is checked first, then all are written together.
        Re-running a split that exists changes nothing (a split recorded before containers
        keeps its parent as a claim with its own verdict).
        """
        parent = self.decide_on(claim_id)
        subs = [self._check_new(s) for s in edits.split_parts(parent, parts, self.snapshot,
                                                               by=by, spans=spans)]
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
            boxed = edits.container(parent, subs, by=by) if files else parent
            if boxed is not parent:
                files.append((f"claims/{parent.id}.yaml",
                              _next_revision(self.claim_path(parent.id), boxed)))
            journal.commit(self.path, files)
        return [load_record(self.claim_path(sub.id), Claim) for sub in subs]

    def propose_split(self, claim_id: str) -> list[dict[str, str]]:
        """Parts a compound claim could be split into (text and the span each comes from),
        for the reviewer to reword and pass to :meth:`split`."""
        from reviewtools.claims.compound import propose_split
        claim = self.claim(claim_id)
        return [{"text": p.text, "span": claim.quote[p.start:p.end]}
                for p in propose_split(claim.quote)]

    def promote(self, claim_id: str, *, by: str, kind: str = "health-claim") -> Claim:
        """Treat a sentence of another kind (advice, marketing ...) or a dropped one as a
        claim to review ('health-claim' or 'harm-claim')."""
        claim = self.decide_on(claim_id)
        return self._changed(claim, edits.promoted(claim, by=by, kind=kind))

    def set_topic(self, claim_ids: list[str] | str, topic: str, *, by: str) -> list[Claim]:
        """Move claims to outcome topic ``topic`` (articles without headings are published
        by topic); a split sentence's parts move with it."""
        ids = [claim_ids] if isinstance(claim_ids, str) else list(claim_ids)
        family = [c for c in self.load_claims() if c.id in ids or c.parent in ids]
        return [self._changed(c, edits.with_topic(c, topic, by=by)) for c in family]

    def rename_topic(self, old: str, new: str, *, by: str) -> list[Claim]:
        """Rename outcome topic ``old`` to ``new`` for every claim in it."""
        from reviewtools.claims.topics import topic_of
        protocol = self.protocol_or_none()
        ids = [c.id for c in self.load_claims(include_dropped=False)
               if topic_of(c, protocol) == old]
        if not ids:
            raise InputError(f"no claim has the topic {old[:60]!r}; see review.topics()")
        return self.set_topic(ids, new, by=by)

    def topics(self) -> pd.DataFrame:
        """One row per claim: its id, its outcome topic and its text."""
        import pandas as pd

        from reviewtools.claims.topics import topic_of
        protocol = self.protocol_or_none()
        rows = [{"id": c.id, "topic": topic_of(c, protocol), "text": c.text}
                for c in self.load_claims(include_dropped=False)]
        return pd.DataFrame(rows, columns=["id", "topic", "text"])

    def not_claims(self) -> pd.DataFrame:
        """The sentences not treated as claims, with their kind and the rule that decided."""
        import pandas as pd
        rows = [{"id": c.id, "kind": c.kind, "reason": c.drop_reason or c.status,
                 "text": c.text} for c in self.load_claims() if c.status == "not a claim"]
        return pd.DataFrame(rows, columns=["id", "kind", "reason", "text"])

    def merge(self, claim_ids: list[str], *, by: str) -> Claim:
        """Merge adjacent claims into one spanning them; the originals are marked dropped."""
        claims = [self.decide_on(i) for i in claim_ids]
        merged = edits.merged_claim(claims, self.snapshot, self.claim_ids(), by=by)
        merged = self.save(self._check_new(merged), create=True)
        for c in sorted(claims, key=lambda c: c.anchor.start):
            self.drop(c.id, reason=f"merged into {merged.id}", by=by)
        return merged

    def drop(self, claim_id: str, *, reason: str, by: str) -> Claim:
        """Mark a claim as not a claim (kept on disk with the reason, never deleted)."""
        claim = self.decide_on(claim_id)
        return self._changed(claim, edits.dropped(claim, reason=reason, by=by))

    # ---- judgements (reviewtools.appraisal, reviewtools.grading.judgements) -------------
    def appraise(self, key: str, **kw: object) -> Study:
        """Appraise study ``key`` (in references.bib) with this review's settings."""
        return appraise_study(key, settings=self.settings, protocol=self.protocol_or_none(),
                              **kw)

    def link(self, claim_id: str, key: str, **kw: object) -> Claim:
        """Link study ``key`` to a claim: ``stance``, ``outcome``, ``quote``, ``by``, ..."""
        claim = self.decide_on(claim_id)
        keys = bib.entries(self.settings.bib_path)
        return self._changed(claim, links_stage.link(claim, key, bib_keys=keys, **kw))

    def grade(self, claim_id: str, **kw: object) -> Claim:
        """Record a GRADE judgement: ``by``, ``downgrades``, ``upgrades``, ``certainty``..."""
        claim = self.decide_on(claim_id)
        studies = {lk.key: load_study(lk.key, self.settings) for lk in claim.links}
        return self._changed(claim, judgements.grade(claim, studies, protocol=self.protocol,
                                                     **kw))

    def verdict(self, claim_id: str, value: str, **kw: object) -> Claim:
        """Record a verdict: ``by``, ``reason``, optional ``overstated``."""
        claim = self.decide_on(claim_id)
        return self._changed(claim, judgements.verdict(claim, value, **kw))

    def resolve(self, claim_id: str, **kw: object) -> Claim:
        """Settle a disputed claim: ``accept`` (a reviewer), ``by``, ``note``."""
        claim = self.decide_on(claim_id)
        return self.save(judgements.resolve(claim, **kw))

    def no_studies(self, claim_id: str, **kw: object) -> Claim:
        """Record that the ``searches`` found no study for a claim: ``searches``, ``by``."""
        claim = self.decide_on(claim_id)
        return self._changed(claim, judgements.record_no_studies(claim, **kw))

    def set_statement(self, claim_id: str, text: str, **kw: object) -> Claim:
        """Store the writer's final evidence statement: ``by``."""
        claim = self.decide_on(claim_id)
        return self._changed(claim, judgements.set_statement(claim, text, **kw))


    # ---- evidence profiles (reviewtools.grading.profiles, .verdicts) ---------------------
    def stored_profile(self, profile_id: str) -> Profile:
        """The profile ``profile_id`` as saved (an empty one, from the protocol, if none is)."""
        path = self.profile_path(profile_id)
        if path.is_file():
            return load_record(path, Profile)
        return profiles_stage.new_profile(self.protocol, profile_id)

    def profile(self, profile_id: str) -> Profile:
        """The profile ``profile_id``; in blind mode, what this reviewer may see of it."""
        profile = self.stored_profile(profile_id)
        return self._blinded(profile) if self.blind else profile

    def load_profiles(self) -> dict[str, Profile]:
        """Every evidence profile by id; in blind mode, what this reviewer may see of each."""
        profiles = super().load_profiles()
        if not self.blind:
            return profiles
        return {pid: self._blinded(p) for pid, p in profiles.items()}

    def _blinded(self, profile: Profile) -> Profile:
        return self.blind_view(profile.id, profile).profile

    def _save_profile(self, old: Profile, new: Profile) -> Profile:
        if new is old:
            return old
        return self.save_profile(new, create=not self.profile_path(new.id).is_file())

    def add_evidence(self, profile_id: str, key: str, *, outcome: str, direction: str, by: str,
                     replace: bool = False, **result: object) -> Profile:
        """Add study ``key``'s result to a profile: ``outcome`` (as reported), ``direction``,
        ``n`` (participants analysed; leave out when not reported), ``measure``, ``value``,
        ``ci_low``, ``ci_high``, ``i2``, ``studies_pooled``, ``result``, ``quote``."""
        load_study(key, self.settings)  # NotFoundError when it has not been appraised
        old = self.stored_profile(profile_id)
        entry = ProfileEntry(study=key, outcome=outcome, direction=direction, by=by, at=now(),
                             **result)
        return self._save_profile(old, profiles_stage.with_entry(old, entry, replace=replace))

    def rate_profile(self, profile_id: str, *, by: str, **kw: object) -> Profile:
        """Rate a profile's certainty: ``downgrades``/``upgrades`` {domain: (levels, reason)}
        to change a proposal, ``certainty`` + ``justification`` to override the result."""
        old = self.stored_profile(profile_id)
        studies = {e.study: load_study(e.study, self.settings) for e in old.entries}
        rating = profiles_stage.rate(old, studies, self.protocol, by=by,
                                     tools=load_assessments(self.settings), **kw)
        return self._save_profile(old, profiles_stage.with_rating(old, rating))

    def assess_risk(self, key: str, tool: str, answers: Mapping[str, object], *, by: str,
                    **kw: object) -> RobAssessment:
        """Assess study ``key`` with ``tool`` ('rob2', 'robins-i', 'amstar2'): ``answers``
        {question: {"code": "Y", "reason": "..."}}; the ratings are derived, then saved."""
        load_study(key, self.settings)
        assessment = assess(tool, key, answers, assessor=by, **kw)
        save_assessment(self.settings, assessment)
        return assessment

    def map_claim(self, claim_id: str, profiles: list[str], *, by: str) -> Claim:
        """Name the profiles (outcome x comparison) the claim's wording asserts."""
        claim = self.decide_on(claim_id)
        for pid in profiles:
            self.protocol.profile(pid)  # KeyError names the known ones
        if claim.profiles == profiles:
            return claim
        return self.save(claim.logged(by, "mapped to profiles", ", ".join(profiles) or "none",
                                      profiles=list(profiles)))

    def evidence_verdict(self, claim_id: str) -> tuple[str | None, str, str]:
        """(certainty, verdict, reason) the claim's profiles give, by the documented rules."""
        claim = self.claim(claim_id)
        profiles = [self.profile(pid) for pid in claim.profiles]
        studies = {e.study: load_study(e.study, self.settings) for p in profiles
                   for e in p.entries}
        return claim_verdict(profiles, studies, self.protocol,
                             no_studies_found=claim.no_studies_found)

    # ---- dual review, blinded (reviewtools.grading.dual) ---------------------------------
    def _profile_inputs(self, profile: Profile) -> dict[str, object]:
        return {"studies": {e.study: load_study(e.study, self.settings) for e in profile.entries},
                "protocol": self.protocol, "tools": load_assessments(self.settings)}

    def _own(self, profile_id: str) -> Assessment:
        own = dual.load_assessment(self, profile_id, self.reviewer)
        if own is None:
            raise NotFoundError(f"{self.reviewer} has no assessment of {profile_id}",
                                hint=f"open one: review.open_assessment('{profile_id}')")
        return own

    def _save_own(self, old: Assessment, new: Assessment) -> Assessment:
        return old if new is old else dual.save_assessment(self, new)

    def open_assessment(self, profile_id: str, *, ai_assisted: bool = False) -> Assessment:
        """Open this reviewer's assessment of a profile, pre-filled with the library's
        proposals (the same one if it is open or submitted already)."""
        found = dual.load_assessment(self, profile_id, self.reviewer)
        if found is not None:
            return found
        profile = self.stored_profile(profile_id)
        new = dual.open_assessment(profile, **self._profile_inputs(profile),
                                   reviewer=self.reviewer, ai_assisted=ai_assisted)
        return dual.save_assessment(self, new, create=True)

    def assessment(self, profile_id: str) -> Assessment:
        """This reviewer's own assessment of a profile (NotFoundError if none is open)."""
        return self._own(profile_id)

    def assess(self, profile_id: str, **kw: object) -> Assessment:
        """Change this reviewer's open assessment: ``downgrades``/``upgrades`` {domain:
        (levels, reason)}, ``certainty`` + ``justification``, ``note``."""
        old = self._own(profile_id)
        profile = self.stored_profile(profile_id)
        return self._save_own(old, dual.change(old, profile, **self._profile_inputs(profile),
                                               **kw))

    def submit_assessment(self, profile_id: str) -> Assessment:
        """Submit (freeze) this reviewer's assessment; others' become visible to them."""
        old = self._own(profile_id)
        return self._save_own(old, dual.submit(old))

    def reopen_assessment(self, profile_id: str, *, reason: str) -> Assessment:
        """Open a submitted assessment again (logged with ``reason``)."""
        old = self._own(profile_id)
        return self._save_own(old, dual.reopen(old, reason=reason))

    def blind_view(self, profile_id: str, profile: Profile | None = None) -> dual.BlindView:
        """What this reviewer may see of a profile and of the others' assessments of it."""
        profile = profile or self.stored_profile(profile_id)
        return dual.blind_view(profile, dual.load_assessments(self, profile_id), self.reviewer)

    def agreement(self) -> pd.DataFrame:
        """Submitted assessments side by side; ``.attrs["pairs"]``: weighted kappa on
        certainty (linear, quadratic) and n per pair of reviewers, percent agreement per
        domain. Blind mode: only the profiles this reviewer has submitted."""
        return dual.agreement(self, reviewer=self.reviewer if self.blind else None).table()

    def reconcile(self, profile_id: str, *, by: str | None = None, **kw: object) -> Profile:
        """Write the consensus of the submitted assessments into the profile's rating:
        ``note`` (required when they disagreed), ``certainty``, ``downgrades``/``upgrades``
        for what they disagreed on, ``by`` (default: this reviewer)."""
        old = self.stored_profile(profile_id)
        new = dual.reconcile(old, dual.load_assessments(self, profile_id),
                             **self._profile_inputs(old), by=by or self.reviewer, **kw)
        return self._save_profile(old, new)

    def set_profile_summary(self, profile_id: str, text: str, *, by: str) -> Profile:
        """The profile's plain-language statement for the summary-of-findings table."""
        old = self.stored_profile(profile_id)
        text = " ".join(text.split())
        if text == old.summary:
            return old
        entry = HistoryEntry(at=now(), by=by, action="summary", detail=text[:200])
        return self._save_profile(old, old.model_copy(update={
            "summary": text, "history": [*old.history, entry]}))

    def adopt(self, profile_id: str, *, reviewer: str) -> Profile:
        """Rate a profile one reviewer assesses as their submitted assessment judged it."""
        old = self.stored_profile(profile_id)
        new = dual.adopt(old, dual.load_assessments(self, profile_id),
                         **self._profile_inputs(old), reviewer=reviewer)
        return self._save_profile(old, new)

    def follow_profiles(self, claim_id: str, *, by: str) -> Claim:
        """Give the claim the verdict and certainty its rated profiles give (GRADE rates the
        outcome and comparison, not the sentence); a claim with no rated profile is returned
        unchanged. Re-running changes nothing until a profile's rating changes."""
        certainty, value, reason = self.evidence_verdict(claim_id)
        if certainty is None:
            return self.claim(claim_id)
        claim = self.decide_on(claim_id)
        why = f"the certainty of its profiles ({', '.join(claim.profiles)}): {reason}"
        if claim.grade is None or claim.grade.certainty != certainty or claim.grade.by != by:
            self.grade(claim_id, by=by, certainty=certainty, justification=why, replace=True)
        current = self.claim(claim_id).verdict
        if current is None or current.value != value or current.reason != why or \
                current.by != by:
            self.verdict(claim_id, value, by=by, reason=why, replace=True)
        return self.claim(claim_id)

    def sof(self, *, proposals: bool = False) -> pd.DataFrame:
        """The summary-of-findings table (rated profiles; ``proposals=True`` adds the
        migration's proposals, marked in the profile column)."""
        from reviewtools.export.sof import is_accepted, sof_table  # pandas on first use
        profiles = self.load_profiles()
        if proposals:  # show the migration's proposals too, marked as such
            for pid, p in list(profiles.items()):
                if p.rating is not None and not is_accepted(p):
                    del profiles[pid]
                    profiles[f"{pid} (proposal)"] = p.model_copy(update={
                        "rating": p.rating.model_copy(update={"by": "proposal"})})
        studies = {e.study: load_study(e.study, self.settings) for p in profiles.values()
                   for e in p.entries}
        return sof_table(profiles, studies, self.protocol)


# ---- extraction into the store --------------------------------------------------------------

def extract_review(source: str, slug: str, *, settings: Settings, by: str = "extractor",
                   title: str | None = None) -> ExtractReport:
    """Import ``source`` as the snapshot of review ``slug`` and create or re-anchor its claims.

    Existing claims are never deleted: each is re-anchored to the new snapshot
    (exact, then fuzzy) or marked orphaned, keeping every judgement. The snapshot,
    review.yaml and the claims change together (:mod:`reviewtools.store.journal`): a crash
    leaves either the old review or, after the next run, the new one.
    """
    from reviewtools.article.importing import load_article  # the HTTP and HTML stack on use
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
                      methods=old.methods if old else "", reviewers=old.reviewers if old else [],
                      url=old.url if old else "")
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


# ---- a new review ---------------------------------------------------------------------------

def write_protocol(review: ReviewFolder, intervention: str, *, by: str) -> Protocol | None:
    """Write a draft protocol for ``review`` unless it has one; returns what was written."""
    if review.has_protocol():
        return None
    protocol = draft_protocol(review.slug, intervention, reviewer=by, written=now()[:10],
                              article_title=review.meta.title)
    return save_record(review.protocol_path, protocol, create=True)


def set_url(review: ReviewFolder, url: str) -> ReviewMeta:
    """Record where the article was published (used by the exports); '' clears it."""
    if url and not url.startswith(("https://", "http://")):
        raise InputError(f"the article's URL must be an http(s) address, not {url[:80]!r}")
    meta = review.meta
    if meta.url == url:
        return meta
    updated = save_record(review.path / "review.yaml", meta.model_copy(update={"url": url}))
    review.__dict__.pop("meta", None)
    return updated


def new_review(source: str, slug: str, *, settings: Settings, intervention: str,
               url: str | None = None, title: str | None = None,
               by: str = "extractor") -> ExtractReport:
    """Start a review: snapshot and extract ``source`` (as ``extract`` does), record the
    article's original ``url``, and write a draft protocol to fill in (kept if present)."""
    if not intervention.strip():
        raise InputError("name the article's intervention (--intervention), e.g. 'sauna bathing'")
    report = extract_review(source, slug, settings=settings, by=by, title=title)
    folder = ReviewFolder(slug, settings)
    if url is None and source.startswith(("http://", "https://")):
        url = source
    if url is not None:
        set_url(folder, url)
    write_protocol(folder, intervention.strip(), by=settings.reviewer or by)
    return report


# ---- migration onto evidence profiles ------------------------------------------------------

def migrate_review(review: ReviewFolder, *, dry_run: bool = False, by: str = "reviewtools migrate"
                   ) -> MigrationReport:
    """Move a review onto evidence profiles, keeping every reviewer's judgement and history.

    Writes the proposed profiles (rated, marked as proposals), adds their specs to the
    protocol, names each claim's profiles, and moves every claim and study file to the
    current ``schema_version``. Nothing is written with ``dry_run``.
    """
    claims = review.load_claims()
    studies = load_studies(review.settings)
    report = migration.propose(claims, studies, review.protocol)
    if dry_run:
        return report
    protocol = review.protocol
    known = {s.id for s in protocol.profiles}
    new_specs = [s for s in report.specs if s.id not in known]
    if new_specs:
        save_record(review.protocol_path, protocol.model_copy(update={
            "profiles": [*protocol.profiles, *new_specs]}))
        review.__dict__.pop("protocol", None)
    for profile in report.profiles.values():
        if not review.profile_path(profile.id).is_file():
            review.save_profile(profile, create=True)
    for claim in claims:
        mapped = report.mapping.get(claim.id, [])
        new = claim
        if mapped and not claim.profiles:
            new = new.logged(by, "mapped to profiles", ", ".join(mapped), profiles=mapped)
        if new.schema_version != SCHEMA_VERSION:
            new = new.model_copy(update={"schema_version": SCHEMA_VERSION})
        if new is not claim:
            review.save(new)
    if review.meta.schema_version != SCHEMA_VERSION:
        save_record(review.path / "review.yaml",
                    review.meta.model_copy(update={"schema_version": SCHEMA_VERSION}))
    for study in studies.values():
        if study.schema_version != SCHEMA_VERSION:
            save_record(study_path(review.settings, study.key),
                        study.model_copy(update={"schema_version": SCHEMA_VERSION}))
    return report
