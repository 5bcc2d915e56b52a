"""Dual review of GRADE certainty, blinded as Covidence does it.

Each reviewer rates a profile on their own, in their own file
(``evidence/<slug>/assessments/<profile-id>/<reviewer>.yaml``,
:class:`~reviewtools.model.assessments.Assessment`):

- **open**: pre-filled with the library's proposals for every domain (never with another
  reviewer's judgements, nor with the profile's consensus rating);
- **change**: domain by domain, with the same rules as :func:`~reviewtools.grading.profiles.rate`
  (a level other than the proposal needs a reason; a certainty other than the one that
  follows from the domains needs a justification);
- **submit**: freezes it; **reopen** is explicit, needs a reason and is logged.

**Blinding** (:func:`blind_view`): while reviewer X has not submitted an assessment of a
profile, X sees of the other reviewers only "N other reviewer(s), k submitted", and the
profile's consensus ``rating`` (and its summary) is hidden when a person other than X made
it. A machine proposal (a rating by ``PROPOSED_BY``) stays visible, labelled as such.

**Agreement** (:func:`agreement`): every profile with two or more submitted assessments,
each pair's certainty and domain levels side by side; per pair of reviewers, weighted
Cohen's kappa on certainty over the ordinal scale very low < low < moderate < high (linear
weights, and quadratic), computed with statsmodels, with its n; percent agreement per domain.

**Reconcile** (:func:`reconcile`): the consensus goes into ``profile.rating`` through
:func:`~reviewtools.grading.profiles.rate` (proposals and arithmetic kept), naming the
reviewers whose assessments it reconciles and the resolution note (required when they
disagreed). Exports read only ``profile.rating``: open or unreconciled assessments never
reach them.

Usage (the :class:`~reviewtools.review.Review` facade)
-------------------------------------------------------
(not run as doctests; ``rt.open_review(slug, reviewer="bob", blind=True)`` works too)

>>> import reviewtools as rt
>>> me = rt.open_review("sauna").as_reviewer("bob", blind=True)  # the reviewer's own view
>>> me.open_assessment("pain-vs-sham", ai_assisted=True)   # pre-filled with the proposals
>>> me.assess("pain-vs-sham", downgrades={"imprecision": (2, "60 participants")},
...           note="one small trial")                      # domains: {name: (levels, reason)}
>>> me.profile("pain-vs-sham").rating    # None while someone else's consensus is hidden
>>> me.blind_view("pain-vs-sham").summary()   # '1 other reviewer(s), 1 submitted (hidden ...)'
>>> me.submit_assessment("pain-vs-sham")      # frozen; me.reopen_assessment(pid, reason=...)
>>> me.agreement()     # DataFrame side by side; .attrs["pairs"]: kappa (linear, quadratic), n
>>> me.reconcile("pain-vs-sham", note="agreed on -2 imprecision after discussion",
...              downgrades={"imprecision": (2, "60 participants")})  # -> profile.rating

Library level (records in, records out): :func:`open_assessment`, :func:`change`,
:func:`submit`, :func:`reopen`, :func:`blind_view`, :func:`agreement_of`,
:func:`reconcile`; files: :func:`load_assessments`, :func:`save_assessment`.
CLI: ``reviewtools assess open|show|set|submit|reopen|agreement|reconcile``.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING

from reviewtools.appraisal.risk import RobFile
from reviewtools.errors import ConflictError, GradingError, InputError, SchemaError
from reviewtools.grading.profiles import rate, with_rating
from reviewtools.model.assessments import REVIEWER_RE, Assessment
from reviewtools.model.profiles import PROPOSED_BY, Profile
from reviewtools.model.protocol import Protocol
from reviewtools.model.records import (
    CERTAINTY_ORDER,
    DOWNGRADE_DOMAINS,
    UPGRADE_DOMAINS,
    HistoryEntry,
    Study,
    now,
    timestamp_value,
)
from reviewtools.store.files import load_record, save_record
from reviewtools.store.folders import ReviewFolder, check_profile_id

if TYPE_CHECKING:
    import pandas as pd

DOMAINS = (*DOWNGRADE_DOMAINS, *UPGRADE_DOMAINS)
Given = Mapping[str, tuple[int, str]]


# ---- files ---------------------------------------------------------------------------------

def check_reviewer(name: str) -> str:
    """``name`` if it can name an assessment file, else :class:`InputError`."""
    if not isinstance(name, str) or not REVIEWER_RE.match(name):
        raise InputError(f"invalid reviewer name {str(name)[:40]!r}: use letters, digits, "
                         "'.', '_' and '-' (set --reviewer or $REVIEWTOOLS_REVIEWER)")
    return name


def assessments_dir(folder: ReviewFolder, profile_id: str) -> Path:
    return folder.path / "assessments" / check_profile_id(profile_id)


def assessment_path(folder: ReviewFolder, profile_id: str, reviewer: str) -> Path:
    return assessments_dir(folder, profile_id) / f"{check_reviewer(reviewer)}.yaml"


def _load(path: Path) -> Assessment:
    record = load_record(path, Assessment)
    if record.reviewer != path.stem or record.profile != path.parent.name:
        raise SchemaError(f"holds {record.reviewer}'s assessment of {record.profile}, not "
                          f"{path.stem}'s of {path.parent.name}", path=path)
    return record


def load_assessments(folder: ReviewFolder, profile_id: str) -> dict[str, Assessment]:
    """Every reviewer's assessment of ``profile_id``, by reviewer (open ones too)."""
    paths = sorted(assessments_dir(folder, profile_id).glob("*.yaml"))
    return {p.stem: _load(p) for p in paths}


def load_all(folder: ReviewFolder) -> dict[str, dict[str, Assessment]]:
    """Every assessment of the review: {profile id: {reviewer: assessment}}."""
    root = folder.path / "assessments"
    if not root.is_dir():
        return {}
    return {d.name: found for d in sorted(root.iterdir())
            if d.is_dir() and (found := load_assessments(folder, d.name))}


def load_assessment(folder: ReviewFolder, profile_id: str, reviewer: str) -> Assessment | None:
    path = assessment_path(folder, profile_id, reviewer)
    return _load(path) if path.is_file() else None


def save_assessment(folder: ReviewFolder, assessment: Assessment, *,
                    create: bool = False) -> Assessment:
    """Save one assessment atomically (refused if it changed on disk since it was read)."""
    path = assessment_path(folder, assessment.profile, assessment.reviewer)
    return save_record(path, assessment, create=create)


# ---- one reviewer's assessment (records in, records out) -------------------------------------

def entries_digest(profile: Profile) -> str:
    """A digest of the profile's entries: an assessment made on other entries is out of date."""
    data = [e.model_dump(mode="json") for e in profile.entries]
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode("utf-8")).hexdigest()


def _seen(profile: Profile) -> dict[str, object]:
    return {"profile_revision": profile.revision, "entries_digest": entries_digest(profile)}


def open_assessment(profile: Profile, studies: Mapping[str, Study], protocol: Protocol, *,
                    reviewer: str, ai_assisted: bool = False,
                    tools: Mapping[str, RobFile] | None = None) -> Assessment:
    """A new open assessment of ``profile`` by ``reviewer``, pre-filled with the library's
    proposals only (another reviewer's judgement or the consensus rating is never read)."""
    proposal = rate(profile.model_copy(update={"rating": None}), studies, protocol,
                    by=check_reviewer(reviewer), tools=tools)
    stamp = now()
    return Assessment(profile=profile.id, reviewer=reviewer, ai_assisted=ai_assisted,
                      opened_at=stamp, start=proposal.start, downgrades=proposal.downgrades,
                      upgrades=proposal.upgrades, proposed=proposal.proposed,
                      certainty=proposal.proposed, **_seen(profile),
                      history=[HistoryEntry(at=stamp, by=reviewer, action="opened",
                                            detail="pre-filled with the library's proposals")])


def _current(assessment: Assessment, names: Sequence[str], kind: str) -> dict[str, tuple[int,
                                                                                        str]]:
    ratings = getattr(assessment, kind)
    return {n: (getattr(ratings, n).levels, getattr(ratings, n).reason) for n in names}


def _refuse_if_submitted(assessment: Assessment, doing: str) -> None:
    if assessment.submitted:
        raise ConflictError(f"{assessment.reviewer}'s assessment of {assessment.profile} is "
                            f"submitted (frozen); reopen it first to {doing}")


def change(assessment: Assessment, profile: Profile, studies: Mapping[str, Study],
           protocol: Protocol, *, downgrades: Given | None = None, upgrades: Given | None = None,
           certainty: str | None = None, justification: str | None = None,
           note: str | None = None, tools: Mapping[str, RobFile] | None = None) -> Assessment:
    """``assessment`` with the given domains {domain: (levels, reason)}, certainty or note
    changed; the rest kept. Checked by the rules of :func:`rate` (reasons for departures)."""
    _refuse_if_submitted(assessment, "change it")
    down = {**_current(assessment, DOWNGRADE_DOMAINS, "downgrades"), **(downgrades or {})}
    up = {**_current(assessment, UPGRADE_DOMAINS, "upgrades"), **(upgrades or {})}
    if certainty is None and assessment.certainty != assessment.proposed:
        certainty = assessment.certainty  # keep the reviewer's override
        justification = justification if justification is not None \
            else assessment.override_justification
    rating = rate(profile.model_copy(update={"rating": None}), studies, protocol,
                  by=assessment.reviewer, downgrades=down, upgrades=up, certainty=certainty,
                  justification=justification or "", tools=tools)
    update = {"start": rating.start, "downgrades": rating.downgrades,
              "upgrades": rating.upgrades, "proposed": rating.proposed,
              "certainty": rating.certainty,
              "override_justification": rating.override_justification,
              "note": assessment.note if note is None else note, **_seen(profile)}
    changed = [k for k, v in update.items() if getattr(assessment, k) != v
               and k not in ("profile_revision", "entries_digest")]
    if not changed and all(getattr(assessment, k) == v for k, v in update.items()):
        return assessment
    return assessment.logged("changed", ", ".join(changed) or "profile re-read", **update)


def submit(assessment: Assessment) -> Assessment:
    """``assessment`` submitted: frozen, and the other reviewers' become visible to its owner."""
    _refuse_if_submitted(assessment, "submit it again")
    return assessment.logged("submitted", f"certainty {assessment.certainty}",
                             status="submitted", submitted_at=now())


def reopen(assessment: Assessment, *, reason: str) -> Assessment:
    """A submitted ``assessment`` open again (explicit and logged: ``reason`` is required)."""
    if not assessment.submitted:
        raise ConflictError(f"{assessment.reviewer}'s assessment of {assessment.profile} is "
                            "already open")
    if not reason.strip():
        raise GradingError("re-opening a submitted assessment needs a reason")
    return assessment.logged("reopened", reason.strip(), status="open", submitted_at=None)


# ---- blinding ------------------------------------------------------------------------------

@dataclass(frozen=True)
class BlindView:
    """What ``reviewer`` may see of one profile and its assessments."""

    reviewer: str
    profile: Profile  # rating, summary and reconciliation history removed when hidden
    own: Assessment | None
    others: dict[str, Assessment]  # empty while blinded
    others_count: int
    others_submitted: int
    blinded: bool  # the other reviewers' assessments are hidden
    rating_hidden: bool
    rating_label: str  # who made the visible rating ("" when none is shown)

    def summary(self) -> str:
        """'N other reviewer(s), k submitted', and what is hidden."""
        text = f"{self.others_count} other reviewer(s), {self.others_submitted} submitted"
        if self.blinded and self.others_count:
            text += " (hidden until you submit yours)"
        if self.rating_hidden:
            text += "; the consensus rating is hidden until you submit yours"
        return text


def is_machine_rating(profile: Profile) -> bool:
    return profile.rating is not None and profile.rating.by == PROPOSED_BY


def blind_view(profile: Profile, assessments: Mapping[str, Assessment],
               reviewer: str) -> BlindView:
    """What ``reviewer`` may see: while they have not submitted an assessment of ``profile``,
    others' assessments are hidden, and so is a consensus rating a person other than them
    made (a machine proposal stays, labelled)."""
    own = assessments.get(reviewer)
    others = {r: a for r, a in assessments.items() if r != reviewer}
    blinded = own is None or not own.submitted
    rating = profile.rating
    hidden = bool(blinded and rating is not None and not is_machine_rating(profile)
                  and rating.by != reviewer)
    shown = profile
    if hidden:
        shown = profile.model_copy(update={
            "rating": None, "summary": "",
            "history": [h for h in profile.history if not h.action.startswith("reconciled")]})
    if rating is None or hidden:
        label = ""
    elif is_machine_rating(profile):
        label = f"machine proposal ({PROPOSED_BY}), not yet a reviewer's"
    else:
        label = f"consensus by {rating.by}" if rating.reviewers else f"rated by {rating.by}"
    return BlindView(reviewer=reviewer, profile=shown, own=own,
                     others={} if blinded else others, others_count=len(others),
                     others_submitted=sum(a.submitted for a in others.values()),
                     blinded=blinded, rating_hidden=hidden, rating_label=label)


# ---- agreement -----------------------------------------------------------------------------

def _table(a: Sequence[object], b: Sequence[object],
           scale: Sequence[object] = CERTAINTY_ORDER) -> list[list[int]]:
    """The table of two reviewers' ratings on an ordinal ``scale`` (certainty: very low
    first; or domain levels 0, 1, 2)."""
    table = [[0] * len(scale) for _ in scale]
    for x, y in zip(a, b, strict=True):
        table[list(scale).index(x)][list(scale).index(y)] += 1
    return table


def weighted_kappa(a: Sequence[object], b: Sequence[object], weights: str = "linear",
                   scale: Sequence[object] = CERTAINTY_ORDER) -> float | None:
    """Cohen's kappa between two reviewers' certainties over the full ordinal scale,
    ``weights`` 'linear' or 'quadratic' (statsmodels); None when it is undefined (no
    pairs, or chance agreement is total, e.g. both always say the same one level)."""
    if weights not in ("linear", "quadratic"):
        raise InputError(f"kappa weights are 'linear' or 'quadratic', not {weights!r}")
    if not a:
        return None
    import numpy as np
    from statsmodels.stats.inter_rater import cohens_kappa
    table = np.asarray(_table(a, b, scale), dtype=float)
    expected = np.outer(table.sum(1), table.sum(0)) / table.sum()
    scores = np.arange(len(scale))
    distance = np.abs(scores[:, None] - scores[None, :]) ** (1 if weights == "linear" else 2)
    if not (distance * expected).sum():
        return None
    with np.errstate(all="ignore"):
        value = float(cohens_kappa(table, wt=weights, return_results=False))
    return value if math.isfinite(value) else None


@dataclass
class Agreement:
    """Side-by-side rows (one per profile and pair of reviewers) and kappa per pair."""

    rows: list[dict[str, object]] = field(default_factory=list)
    pairs: list[dict[str, object]] = field(default_factory=list)

    def table(self) -> pd.DataFrame:
        import pandas as pd
        df = pd.DataFrame(self.rows, columns=agreement_columns())
        df.attrs["pairs"] = self.pairs
        return df

    def summary(self) -> dict[str, object]:
        """The first pair's kappa, n, reviewers and whether any was AI-assisted (the review's
        headline; every pair is in :attr:`pairs`)."""
        if not self.pairs:
            return {"kappa": None, "kappa_quadratic": None, "n": 0, "reviewers": [],
                    "ai_assisted": False, "pairs": []}
        first = self.pairs[0]
        return {"kappa": first["kappa_linear"], "kappa_quadratic": first["kappa_quadratic"],
                "n": first["n"], "reviewers": list(first["reviewers"]),
                "ai_assisted": any(p["ai_assisted"] for p in self.pairs), "pairs": self.pairs}


def agreement_columns() -> list[str]:
    cols = ["profile", "reviewer_a", "reviewer_b", "certainty_a", "certainty_b", "agree"]
    return cols + [f"{d}_{s}" for d in DOMAINS for s in ("a", "b")]


def _levels(a: Assessment, name: str) -> int:
    kind = a.downgrades if name in DOWNGRADE_DOMAINS else a.upgrades
    return getattr(kind, name).levels


def agreement_of(assessments: Mapping[str, Mapping[str, Assessment]]) -> Agreement:
    """Agreement over {profile: {reviewer: assessment}}, submitted assessments only."""
    out = Agreement()
    by_pair: dict[tuple[str, str], list[tuple[Assessment, Assessment]]] = {}
    for pid in sorted(assessments):
        done = sorted((a for a in assessments[pid].values() if a.submitted),
                      key=lambda a: a.reviewer)
        for x, y in combinations(done, 2):
            by_pair.setdefault((x.reviewer, y.reviewer), []).append((x, y))
            row: dict[str, object] = {"profile": pid, "reviewer_a": x.reviewer,
                                      "reviewer_b": y.reviewer, "certainty_a": x.certainty,
                                      "certainty_b": y.certainty,
                                      "agree": x.certainty == y.certainty}
            for d in DOMAINS:
                row[f"{d}_a"], row[f"{d}_b"] = _levels(x, d), _levels(y, d)
            out.rows.append(row)
    for (ra, rb), pairs in sorted(by_pair.items()):
        a = [x.certainty for x, _ in pairs]
        b = [y.certainty for _, y in pairs]
        out.pairs.append({
            "reviewers": (ra, rb), "n": len(pairs),
            "profiles": [x.profile for x, _ in pairs],
            "kappa_linear": weighted_kappa(a, b, "linear"),
            "kappa_quadratic": weighted_kappa(a, b, "quadratic"),
            # the domain levels (0, 1, 2) of the five downgrading domains, every profile
            "kappa_domains_linear": weighted_kappa(
                [_levels(x, d) for x, _ in pairs for d in DOWNGRADE_DOMAINS],
                [_levels(y, d) for _, y in pairs for d in DOWNGRADE_DOMAINS], "linear",
                scale=(0, 1, 2)),
            "percent_agreement": {"certainty": _share(x == y for x, y in zip(a, b, strict=True)),
                                  **{d: _share(_levels(x, d) == _levels(y, d) for x, y in pairs)
                                     for d in DOMAINS}},
            "ai_assisted": any(x.ai_assisted or y.ai_assisted for x, y in pairs)})
    return out


def _share(flags: object) -> float:
    values = list(flags)  # type: ignore[call-overload]
    return round(100 * sum(values) / len(values), 1) if values else float("nan")


def agreement(folder: ReviewFolder, *, reviewer: str | None = None) -> Agreement:
    """Agreement between the reviewers of ``folder``'s profiles (submitted assessments);
    with ``reviewer``, only the profiles blinding lets them see (they have submitted)."""
    found = load_all(folder)
    if reviewer is not None:
        found = {pid: a for pid, a in found.items()
                 if a.get(reviewer) is not None and a[reviewer].submitted}
    return agreement_of(found)


def agreement_summary(folder: ReviewFolder) -> dict[str, object]:
    """kappa (linear), kappa_quadratic, n, reviewers, ai_assisted, pairs: read-only, for the
    methods text of an export (no reviewer's certainty of any profile is in it). A folder
    opened blind (``folder.blind``, as ``folder.reviewer``) counts only what they may see."""
    blind = getattr(folder, "blind", False)
    return agreement(folder, reviewer=getattr(folder, "reviewer", None) if blind
                     else None).summary()


# ---- reconciliation ------------------------------------------------------------------------

def disagreements(assessments: Sequence[Assessment]) -> list[str]:
    """What submitted ``assessments`` disagree on: 'certainty' and domain names."""
    out = ["certainty"] if len({a.certainty for a in assessments}) > 1 else []
    return out + [d for d in DOMAINS if len({_levels(a, d) for a in assessments}) > 1]


def _agreed(done: Sequence[Assessment], names: Sequence[str], kind: str,
            given: Given | None, differ: Sequence[str]) -> dict[str, tuple[int, str]]:
    missing = [d for d in names if d in differ and d not in (given or {})]
    if missing:
        raise GradingError(f"the reviewers disagree on {', '.join(missing)}: give the "
                           f"consensus {kind} for {'them' if len(missing) > 1 else 'it'}")
    out = {}
    for d in names:
        if d not in differ:
            rating = getattr(getattr(done[0], kind), d)
            out[d] = (rating.levels, rating.reason)
    return {**out, **(given or {})}


def reconcile(profile: Profile, assessments: Mapping[str, Assessment],
              studies: Mapping[str, Study], protocol: Protocol, *, by: str,
              note: str = "", certainty: str | None = None, downgrades: Given | None = None,
              upgrades: Given | None = None, justification: str = "", ai_assisted: bool = False,
              tools: Mapping[str, RobFile] | None = None) -> Profile:
    """``profile`` with the consensus of its submitted assessments as its ``rating``.

    Domains the reviewers agree on are taken from them; those they disagree on must be
    given. ``note`` says how a disagreement was resolved and is required when there was one.
    """
    own = assessments.get(by)
    if own is not None and not own.submitted:
        raise ConflictError(f"{by}'s own assessment of {profile.id} is open: submit it "
                            "before reconciling (blinding)")
    done = sorted((a for a in assessments.values() if a.submitted), key=lambda a: a.reviewer)
    if len(done) < 2:
        raise GradingError(f"reconciling {profile.id} needs two submitted assessments; "
                           f"{len(done)} submitted")
    differ = disagreements(done)
    if differ and not note.strip():
        raise GradingError(f"{', '.join(a.reviewer for a in done)} disagree on "
                           f"{', '.join(differ)} for {profile.id}: say how it was resolved "
                           "(note)")
    down = _agreed(done, DOWNGRADE_DOMAINS, "downgrades", downgrades, differ)
    up = _agreed(done, UPGRADE_DOMAINS, "upgrades", upgrades, differ)
    if certainty is None and "certainty" not in differ and done[0].certainty != \
            done[0].proposed and not (downgrades or upgrades):
        certainty, justification = done[0].certainty, justification or \
            done[0].override_justification
    bare = profile.model_copy(update={"rating": None})
    kw = {"downgrades": down, "upgrades": up, "tools": tools,
          "ai_assisted": ai_assisted or any(a.ai_assisted for a in done)}
    if certainty and not justification.strip() and \
            rate(bare, studies, protocol, by=by, **kw).proposed != certainty:
        justification = note  # the resolution note justifies the consensus certainty
    rating = rate(bare, studies, protocol, by=by, certainty=certainty,
                  justification=justification, **kw)
    if rating.certainty != done[0].certainty and not differ and not note.strip():
        raise GradingError(f"the reviewers agreed on {done[0].certainty} for {profile.id}; "
                           f"a consensus of {rating.certainty} needs a note saying why")
    names = [a.reviewer for a in done]
    rating = rating.model_copy(update={"reviewers": names, "reconciliation": note.strip()})
    new = with_rating(profile, rating)
    if new is profile:
        return profile
    entry = HistoryEntry(at=rating.at, by=by, action="reconciled",
                         detail=f"{' and '.join(names)}: {note.strip() or 'they agreed'}")
    return new.model_copy(update={"history": [*new.history, entry]})


def adopt(profile: Profile, assessments: Mapping[str, Assessment], studies: Mapping[str, Study],
          protocol: Protocol, *, reviewer: str,
          tools: Mapping[str, RobFile] | None = None) -> Profile:
    """``profile`` rated as ``reviewer``'s submitted assessment judged it: for a profile one
    reviewer rates (the protocol dual-rates others); two submitted ones must be reconciled."""
    mine = assessments.get(reviewer)
    if mine is None or not mine.submitted:
        raise GradingError(f"{profile.id}: {reviewer} has no submitted assessment to adopt "
                           "(submit it first)")
    others = [a for a in assessments.values() if a.submitted and a.reviewer != reviewer]
    if others:
        raise GradingError(f"{profile.id} has {len(others) + 1} submitted assessments: "
                           "reconcile them instead")
    bare = profile.model_copy(update={"rating": None})
    proposals = rate(bare, studies, protocol, by=reviewer, tools=tools).proposals

    def judged(kind: str, d: str) -> tuple[int, str]:
        levels, reason = _levels(mine, d), getattr(getattr(mine, kind), d).reason
        proposal = proposals.get(d)
        if not reason.strip() and proposal is not None and proposal.levels != levels:
            reason = (f"{reviewer} did not follow the proposal ({proposal.levels}); the reason "
                      "was not recorded (an assessment saved before reasons for 0 were kept)")
        return levels, reason
    given = {d: judged("downgrades", d) for d in DOWNGRADE_DOMAINS}
    up = {d: judged("upgrades", d) for d in UPGRADE_DOMAINS}
    certainty = mine.certainty if mine.certainty != mine.proposed else None
    rating = rate(bare, studies, protocol, by=reviewer, downgrades=given, upgrades=up,
                  certainty=certainty, justification=mine.override_justification,
                  ai_assisted=mine.ai_assisted, tools=tools)
    rating = rating.model_copy(update={"reviewers": [reviewer]})
    return with_rating(profile, rating)


def is_reconciled(profile: Profile, assessments: Sequence[Assessment]) -> bool:
    """True when the profile's rating reconciles every submitted one of ``assessments`` and
    was made after the last of them was submitted."""
    r = profile.rating
    done = [a for a in assessments if a.submitted]
    if r is None or r.by == PROPOSED_BY or not {a.reviewer for a in done} <= set(r.reviewers):
        return False
    return all(timestamp_value(r.at) >= timestamp_value(a.submitted_at or a.opened_at)
               for a in done)
