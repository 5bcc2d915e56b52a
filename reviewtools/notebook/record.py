"""Notebooks that record a review's current decisions, written from its evidence files.

>>> record_notebooks(review, Path("notebooks"))                # doctest: +SKIP
[PosixPath('notebooks/00-overview.ipynb'), ...]

:mod:`reviewtools.notebook.scaffold` makes empty notebooks for a new review; this module
writes the notebooks of a review as it stands, so that reading one shows every decision
and running one re-records them exactly (nothing changes on disk):

- one notebook per section (or outcome topic): a short narrative, the bound ``CLAIMS``,
  the claims' screening, the appraisals of the studies they cite first, then per claim its
  verdict and reason and the calls that give its state: ``link`` (stance, outcome,
  directness, quote, note), ``map_claim``, ``follow_profiles`` when its profiles are
  rated and it follows them, else ``grade`` / ``verdict`` / ``no_studies`` as recorded;
  splits and drops;
- a questions notebook per outcome: per evidence profile (that outcome x a comparison)
  its searches and screening, ``add_evidence`` per entry, the risk of bias derived
  from ``evidence/rob`` (shown, never replayed), the rating (``rate_profile`` with the
  recorded domain levels; for dual review the agreement and the reconciled rating, never
  an open assessment) and the summary-of-findings rows;
- the overview (status, PRISMA, check) and the export notebook (the writer's statements,
  the export).

Each call is checked against the records before it is written: a call that would not
reproduce the recorded state (a grade recorded before its links changed, a rating out of
date) is shown as a comment with the display of what is recorded, never replayed.
Judgements are written under the names they carry in the files. A notebook's claims are
kept where an existing notebook of the folder lists them (the reviewer's grouping); new
claims go to their section's notebook.
"""

from __future__ import annotations

import ast
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from reviewtools.appraisal import links as links_stage
from reviewtools.appraisal.risk import load_assessments
from reviewtools.claims.topics import section_groups
from reviewtools.grading import dual, judgements
from reviewtools.grading import profiles as profiles_stage
from reviewtools.grading.rules import build_grade, is_overstated
from reviewtools.literature import bib
from reviewtools.literature.search import load_screening, screening_path
from reviewtools.model.profiles import PROPOSED_BY, Profile, ProfileEntry
from reviewtools.model.records import (
    DOWNGRADE_DOMAINS,
    UPGRADE_DOMAINS,
    Claim,
    Effect,
    RiskOfBiasRecord,
    Study,
)
from reviewtools.notebook.scaffold import KERNEL, _claims_literal
from reviewtools.review import Review
from reviewtools.store.files import atomic_write_text
from reviewtools.store.folders import load_studies

WIDTH = 99
NOTE = ("Written by `reviewtools notebooks {slug}` from the evidence files as they stand: every "
        "call below re-records a decision exactly as it is recorded, under the name of whoever "
        "made it, so running the notebook changes nothing. A decision the library would not "
        "reproduce as recorded is shown, not replayed. Regenerate after the evidence changes.")


# ---- writing Python ------------------------------------------------------------------------

def lit(value: object) -> str:
    """``value`` as a Python literal (strings as readable JSON-style literals)."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, tuple):
        return "(" + ", ".join(lit(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, list):
        return "[" + ", ".join(lit(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{lit(k)}: {lit(v)}" for k, v in value.items()) + "}"
    return repr(value)


def call(fn: str, *args: object, **kw: object) -> str:
    """``fn(args, key=value)`` on one line, or one argument per line when long."""
    parts = [lit(a) for a in args] + [f"{k}={lit(v)}" for k, v in kw.items()]
    line = f"{fn}({', '.join(parts)})"
    if len(line) <= WIDTH and "\n" not in line:
        return line
    return f"{fn}(\n" + "".join(f"    {p},\n" for p in parts) + ")"


def _rows_literal(name: str, comment: str, rows: Sequence[tuple]) -> str:
    return f"{name} = [  # {comment}\n" + "".join(f"    {lit(r)},\n" for r in rows) + "]"


def _last_by(claim: Claim, action: str) -> str:
    """Who last did ``action`` on the claim (else whoever last changed it)."""
    fallback = claim.history[-1].by if claim.history else ""
    return next((h.by for h in reversed(claim.history) if h.action == action), fallback)


def _quote(text: str) -> str:
    return " ".join(text.split())


# ---- the calls, each checked to reproduce what is recorded ------------------------------------

class Recorder:
    """What one review's records need, loaded once, and the calls that reproduce them."""

    def __init__(self, review: Review) -> None:
        self.review = review
        self.all_claims = review.load_claims()
        self.claims = [c for c in self.all_claims if c.status != "not a claim"]
        self.studies = load_studies(review.settings)
        self.bib_keys = bib.entries(review.settings.bib_path)
        self.protocol = review.protocol_or_none()
        self.profiles = review.load_profiles() if self.protocol else {}
        self.tools = load_assessments(review.settings)
        self.assessments = dual.load_all(review) if self.protocol else {}
        self.appraised: set[str] = set()

    # -- claims
    def link_calls(self, claim: Claim) -> list[str]:
        out = []
        for lk in claim.links:
            kw = {"by": lk.by, "stance": lk.stance, "outcome": lk.outcome,
                  "directness": lk.directness, "quote": lk.quote}
            if lk.note:
                kw["note"] = lk.note
            same = links_stage.link(claim, lk.key, bib_keys=self.bib_keys, **kw) is claim
            text = call("review.link", claim.id, lk.key, **kw)
            out.append(text if same else _shown(text, "this link is recorded twice for one "
                                                "outcome; kept as recorded"))
        return out

    def _grade_kw(self, claim: Claim, by: str) -> dict[str, object] | None:
        grade = claim.assessments[by].grade
        linked = [self.studies[lk.key] for lk in claim.links if lk.key in self.studies]
        if len(linked) != len(claim.links):
            return None
        stances = [lk.stance for lk in claim.links]
        direct = [lk.directness for lk in claim.links if lk.stance != "background"]
        base = build_grade(linked, stances, direct, by=by, protocol=self.protocol)
        kw: dict[str, object] = {"by": by}
        for kind, names in (("downgrades", DOWNGRADE_DOMAINS), ("upgrades", UPGRADE_DOMAINS)):
            given = {n: (getattr(getattr(grade, kind), n).levels,
                         getattr(getattr(grade, kind), n).reason) for n in names
                     if getattr(getattr(grade, kind), n) != getattr(getattr(base, kind), n)}
            if given:
                kw[kind] = given
        if grade.certainty != grade.proposed or grade.override_justification:
            kw.update(certainty=grade.certainty, justification=grade.override_justification)
        if grade.note:
            kw["note"] = grade.note
        try:
            new = judgements.grade(claim, self.studies, protocol=self.protocol, **kw)
        except Exception:  # noqa: BLE001 - a recorded grade the rules no longer accept
            return None
        return kw if new is claim else None

    def _verdict_kw(self, claim: Claim, by: str) -> dict[str, object] | None:
        mine = claim.assessments[by]
        verdict = mine.verdict
        kw: dict[str, object] = {"by": by, "reason": verdict.reason}
        certainty = mine.grade.certainty if mine.grade else None
        if is_overstated(claim.flags, certainty, verdict.value) != verdict.overstated:
            kw["overstated"] = verdict.overstated
        try:
            new = judgements.verdict(claim, verdict.value, **kw)
        except Exception:  # noqa: BLE001 - e.g. a verdict whose grade was withdrawn
            return None
        return kw if new is claim else None

    def follows_profiles(self, claim: Claim) -> str | None:
        """The reviewer whose ``follow_profiles`` gave the claim its state, if re-running it
        changes nothing (every profile rated by a reviewer, grade and verdict as it gives)."""
        if not claim.profiles or claim.grade is None or claim.verdict is None:
            return None
        if not all(profiles_stage_accepted(self.profiles.get(p)) for p in claim.profiles):
            return None
        certainty, value, reason = self.review.evidence_verdict(claim.id)
        by = claim.verdict.by
        why = f"the certainty of its profiles ({', '.join(claim.profiles)}): {reason}"
        if certainty is None or claim.grade.certainty != certainty or claim.grade.by != by \
                or claim.verdict.value != value or claim.verdict.reason != why:
            return None
        return by

    def judgement_calls(self, claim: Claim) -> list[str]:
        out = []
        if claim.no_studies_found:
            out.append(call("review.no_studies", claim.id, searches=list(claim.searched),
                            by=_last_by(claim, "no studies found")))
        follower = self.follows_profiles(claim)
        for by, mine in claim.assessments.items():
            if by == follower:
                continue
            if mine.grade is not None:
                kw = self._grade_kw(claim, by)
                out.append(call("review.grade", claim.id, **kw) if kw is not None else _shown(
                    f"review.claim({lit(claim.id)}).assessments[{lit(by)}].grade",
                    f"{by}'s grade ({mine.grade.certainty}) was recorded before the claim's "
                    "links or the rules changed; re-grading would change it"))
            if mine.verdict is not None:
                kw = self._verdict_kw(claim, by)
                out.append(call("review.verdict", claim.id, mine.verdict.value, **kw)
                           if kw is not None else _shown(
                               f"review.claim({lit(claim.id)}).assessments[{lit(by)}].verdict",
                               f"{by}'s verdict ({mine.verdict.value}) does not follow from "
                               "the recorded grade as it stands; kept as recorded"))
        if follower:
            out.append(call("review.follow_profiles", claim.id, by=follower))
        if claim.resolution is not None:
            out.append(_shown(f"review.claim({lit(claim.id)}).resolution",
                              f"resolved by {claim.resolution.by}: "
                              f"{_quote(claim.resolution.note)}"))
        return out

    def edit_calls(self, claim: Claim, parts: Sequence[Claim]) -> list[str]:
        out = []
        if any(h.action == "promoted" for h in claim.history) and claim.is_claim:
            out.append(call("review.promote", claim.id, by=_last_by(claim, "promoted"),
                            kind=claim.kind or "health-claim"))
        if claim.topic and any(h.action == "topic" for h in claim.history):
            out.append(call("review.set_topic", claim.id, claim.topic,
                            by=_last_by(claim, "topic")))
        if parts:
            kw: dict[str, object] = {"by": _last_by(parts[0], "split")}
            if any(p.anchor_text for p in parts):
                kw["spans"] = [p.anchor_text or None for p in parts]
            out.append(call("review.split", claim.id, [p.text for p in parts], **kw))
        if claim.status == "dropped":
            out.append(call("review.drop", claim.id, reason=claim.drop_reason,
                            by=_last_by(claim, "dropped")))
        return out

    def claim_calls(self, claim: Claim, parts: Sequence[Claim]) -> str:
        lines = self.link_calls(claim)
        if claim.profiles or any(h.action == "mapped to profiles" for h in claim.history):
            lines.append(call("review.map_claim", claim.id, list(claim.profiles),
                              by=_last_by(claim, "mapped to profiles")))
        lines += self.judgement_calls(claim) + self.edit_calls(claim, parts)
        lines.append(f"nb.claims_of(review, [{lit(claim.id)}])[[\"status\", \"verdict\", "
                     "\"certainty\", \"overstated\"]]")
        return "\n".join(lines)

    # -- studies
    def appraise_call(self, key: str) -> str | None:
        study = self.studies.get(key)
        if study is None or key in self.appraised:
            return None
        self.appraised.add(key)
        content = {"revision", "appraised_at", "appraised_by", "history", "schema_version"}
        data = study.model_dump(exclude=content)
        rob = data.pop("risk_of_bias")
        kw: dict[str, object] = {"by": study.appraised_by}
        for name in ("design", "population", "intervention", "intervention_category"):
            kw[name] = data.pop(name)
        kw.update(risk_of_bias=rob["overall"], rob_reasons=rob["reasons"])
        data.pop("key")
        defaults = {n: f.get_default() for n, f in Study.model_fields.items()
                    if not f.is_required()}
        kw.update({n: v for n, v in data.items() if v != defaults.get(n)})
        rebuilt = _rebuilt(study, kw)
        text = call("review.appraise", key, **kw)
        if rebuilt is None or rebuilt.model_dump(exclude=content) != study.model_dump(
                exclude=content):
            return _shown(f"rt.load_study({lit(key)}, review.settings)",
                          f"{key}'s appraisal carries fields appraise does not set "
                          "(risk-of-bias domains); kept as recorded")
        return (f"# {_quote(study.finding)}\n" if study.finding else "") + "study = " + text + \
            "\nstudy.design, study.risk_of_bias.overall"

    def appraise_cells(self, keys: Iterable[str]) -> list:
        calls = [c for c in (self.appraise_call(k) for k in sorted(set(keys))) if c]
        return [new_code_cell(c) for c in calls]

    # -- screening
    def screening_cell(self, targets: Sequence[str]) -> str | None:
        searches, decisions = [], []
        for target in targets:
            if not screening_path(self.review, target).is_file():
                continue
            screening = load_screening(self.review, target)
            for run in screening.searches:
                searches.append((target, run.query, run.source, list(run.ids), run.count,
                                 run.date))
            for d in screening.decisions:
                decisions.append((target, d.id, d.decision, d.reason, d.by, d.title, d.year))
        if not searches and not decisions:
            return None
        out = []
        if searches:
            out.append(_rows_literal("SEARCHES", "(for, query, source, records found, count, "
                                     "when)", searches))
            out.append("for target, query, source, ids, count, date in SEARCHES:\n"
                       "    rt.search.log_search(review, target, query, source, ids, "
                       "count=count, date=date)")
        if decisions:
            out.append(_rows_literal("DECISIONS", "(for, record, decision, reason, by, title, "
                                     "year)", decisions))
            out.append("for target, record, decision, reason, by, title, year in DECISIONS:\n"
                       "    rt.search.screen(review, target, record, decision, reason, "
                       "reviewer=by,\n                     title=title, year=year)")
        return "\n".join(out)

    # -- profiles
    def entry_calls(self, profile: Profile) -> list[str]:
        out = []
        defaults = {n: f.get_default() for n, f in ProfileEntry.model_fields.items()
                    if not f.is_required()}
        for e in profile.entries:
            data = e.model_dump(exclude={"study", "at", "outcome", "direction", "by"})
            kw = {"outcome": e.outcome, "direction": e.direction, "by": e.by,
                  **{k: v for k, v in data.items() if v != defaults.get(k)}}
            text = call("review.add_evidence", profile.id, e.study, **kw)
            rebuilt = ProfileEntry(study=e.study, at=e.at, **kw)
            if profiles_stage.with_entry(profile, rebuilt) is not profile:
                text = _shown(text, "recorded twice; kept as recorded")
            out.append(text)
        return out

    def rating_kw(self, profile: Profile) -> dict[str, object] | None:
        rating = profile.rating
        studies = {e.study: self.studies[e.study] for e in profile.entries
                   if e.study in self.studies}
        try:
            base = profiles_stage.rate(profile, studies, self.review.protocol, by=rating.by,
                                       tools=self.tools)
        except Exception:  # noqa: BLE001 - a profile the rules cannot rate as it stands
            return None
        kw: dict[str, object] = {"by": rating.by}
        for kind, names in (("downgrades", DOWNGRADE_DOMAINS), ("upgrades", UPGRADE_DOMAINS)):
            given = {n: (getattr(getattr(rating, kind), n).levels,
                         getattr(getattr(rating, kind), n).reason) for n in names
                     if getattr(getattr(rating, kind), n) != getattr(getattr(base, kind), n)}
            if given:
                kw[kind] = given
        if rating.certainty != rating.proposed or rating.override_justification:
            kw.update(certainty=rating.certainty, justification=rating.override_justification)
        if rating.ai_assisted:
            kw["ai_assisted"] = True
        try:
            new = profiles_stage.rate(profile, studies, self.review.protocol, tools=self.tools,
                                      **kw)
        except Exception:  # noqa: BLE001
            return None
        return kw if profiles_stage.with_rating(profile, new) is profile else None


    def _inputs(self, profile: Profile) -> dict[str, object]:
        return {"studies": {e.study: self.studies[e.study] for e in profile.entries
                            if e.study in self.studies},
                "protocol": self.review.protocol, "tools": self.tools}

    def adopt_call(self, profile: Profile) -> str | None:
        """``review.adopt`` when it reproduces the rating (one reviewer's assessment)."""
        reviewer = profile.rating.reviewers[0]
        try:
            same = dual.adopt(profile, self.assessments[profile.id], **self._inputs(profile),
                              reviewer=reviewer) is profile
        except Exception:  # noqa: BLE001 - not adoptable as it stands
            return None
        return call("review.adopt", profile.id, reviewer=reviewer) if same else None

    def reconcile_call(self, profile: Profile) -> str | None:
        """``review.reconcile`` with the consensus on what the reviewers disagreed on, when it
        reproduces the rating."""
        rating = profile.rating
        done = [a for a in self.assessments[profile.id].values() if a.submitted]
        differ = dual.disagreements(done)
        base: dict[str, object] = {"by": rating.by}
        if rating.reconciliation:
            base["note"] = rating.reconciliation
        for kind, names in (("downgrades", DOWNGRADE_DOMAINS), ("upgrades", UPGRADE_DOMAINS)):
            given = {n: (getattr(getattr(rating, kind), n).levels,
                         getattr(getattr(rating, kind), n).reason) for n in names if n in differ}
            if given:
                base[kind] = given
        tries = [base]
        if rating.certainty != rating.proposed or "certainty" in differ:
            tries.append({**base, "certainty": rating.certainty,
                          "justification": rating.override_justification})
        if rating.ai_assisted:
            tries += [{**t, "ai_assisted": True} for t in list(tries)]
        for kw in tries:
            try:
                new = dual.reconcile(profile, self.assessments[profile.id],
                                     **self._inputs(profile), **kw)
            except Exception:  # noqa: BLE001, S112 - try the next reading
                continue
            if new is profile:
                return call("review.reconcile", profile.id, **kw)
        return None


def profiles_stage_accepted(profile: Profile | None) -> bool:
    return profile is not None and profile.rating is not None and \
        profile.rating.by != PROPOSED_BY


def _rebuilt(study: Study, kw: Mapping[str, object]) -> Study | None:
    fields = dict(kw)
    try:
        return Study(key=study.key, design=fields.pop("design"),
                     population=fields.pop("population"),
                     intervention=fields.pop("intervention"),
                     intervention_category=fields.pop("intervention_category"),
                     risk_of_bias=RiskOfBiasRecord(overall=fields.pop("risk_of_bias"),
                                                   reasons=fields.pop("rob_reasons")),
                     effects=[Effect(**e) for e in fields.pop("effects", [])],
                     appraised_by=fields.pop("by"), appraised_at=study.appraised_at,
                     **fields)
    except Exception:  # noqa: BLE001 - cannot be rebuilt by appraise
        return None


def _shown(code: str, why: str) -> str:
    """A decision displayed, not replayed: the reason as a comment, then the display."""
    body = f"display({code})" if "\n" not in code and code.startswith(
        ("review.claim", "rt.")) else "# " + code.replace("\n", "\n# ")
    return f"# not replayed: {why}\n{body}"


# ---- which claims go in which notebook -----------------------------------------------------

def notebook_claims(path: Path) -> list[str]:
    """The claim ids an existing notebook binds (its ``CLAIMS = {...}``), in order."""
    try:
        notebook = nbformat.read(path, as_version=4)
    except Exception:  # noqa: BLE001 - not a notebook: it lists no claims
        return []
    for cell in notebook.cells:
        if cell.cell_type != "code" or "CLAIMS" not in cell.source:
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == "CLAIMS" for t in node.targets):
                try:
                    return list(ast.literal_eval(node.value))
                except ValueError:
                    return []
    return []


NUMBERED = re.compile(r"^(\d\d)-(.+)\.ipynb$")


def _kind(name: str) -> str:
    stem = NUMBERED.match(name)
    rest = stem.group(2) if stem else name
    if rest.startswith("questions"):
        return "questions"
    return rest if rest in ("overview", "export") else "section"


def assign(review: Review, claims: Sequence[Claim], folder: Path) -> dict[str, list[Claim]]:
    """Section notebook file name -> its claims: kept where an existing notebook lists them,
    else in their section's (or topic's) notebook, made when there is none."""
    existing = sorted(p.name for p in folder.glob("*.ipynb") if NUMBERED.match(p.name)) \
        if folder.is_dir() else []
    owner: dict[str, str] = {}
    for name in existing:
        if _kind(name) == "section":
            for cid in notebook_claims(folder / name):
                owner.setdefault(cid, name)
    by_slug = {NUMBERED.match(n).group(2): n for n in existing if _kind(n) == "section"}
    numbers = [int(NUMBERED.match(n).group(1)) for n in existing
               if NUMBERED.match(n).group(1) != "99"]
    number = max(numbers, default=0)
    ids = {c.id for c in claims}
    groups = section_groups([c for c in claims if c.is_claim or c.is_container],
                            review.meta.sections, review.protocol_or_none())
    home = {c.id: g.slug for g in groups for c in g.claims}
    out: dict[str, list[Claim]] = {}
    for claim in claims:
        name = owner.get(claim.id) or (owner.get(claim.parent) if claim.parent in ids else None)
        if name is None:
            slug = home.get(claim.id) or home.get(claim.parent or "") or claim.section
            if slug not in by_slug:
                number += 1
                by_slug[slug] = f"{number:02d}-{slug}.ipynb"
            name = by_slug[slug]
        owner[claim.id] = name
        out.setdefault(name, []).append(claim)
    return dict(sorted(out.items()))


# ---- the notebooks -------------------------------------------------------------------------

def _opening(slug: str, claims: Sequence[Claim], show: str) -> str:
    return ("import reviewtools as rt\nfrom reviewtools import notebook as nb\n\n"
            f"{_claims_literal(claims)}\n"
            f"review = nb.open_review({lit(slug)}).bind(CLAIMS)\n{show}")


def _counts(values: Iterable[str | None], empty: str) -> str:
    found = Counter(v or empty for v in values)
    return ", ".join(f"{n} {v}" for v, n in found.most_common()) or "none"


def _tally(judged: Sequence[Claim]) -> str:
    verdicts = _counts((c.verdict.value if c.verdict else None for c in judged), "no verdict")
    certainty = _counts((c.grade.certainty if c.grade else None for c in judged), "not graded")
    over = sum(bool(c.verdict and c.verdict.overstated) for c in judged)
    return f"Verdicts: {verdicts}; {over} overstated. Certainty: {certainty}."


def _heading(review: Review, slug: str) -> str:
    known = {s.slug: s.heading for s in review.meta.sections}
    return known.get(slug, slug.replace("-", " ").capitalize())


def _profile_words(rec: Recorder, pid: str) -> str:
    profile = rec.profiles.get(pid)
    rating = profile.rating if profile else None
    if rating is None:
        return f"`{pid}` (not rated)"
    if rating.by == PROPOSED_BY:
        who = "proposal, not yet a reviewer's"
    elif len(rating.reviewers) > 1:
        who = f"reconciled by {rating.by} from {' and '.join(rating.reviewers)}"
    elif rating.reviewers:
        who = f"{rating.reviewers[0]}'s assessment, adopted"
    else:
        who = f"rated by {rating.by}"
    return f"`{pid}` ({rating.certainty}, {who})"


def _claim_markdown(claim: Claim, rec: Recorder) -> str:
    head = f"### `{claim.id}`\n\n> {_quote(claim.text)}\n\n"
    if claim.is_container:
        return head + "Split into parts (a container: its parts are the claims)."
    if claim.status == "dropped":
        return head + f"Dropped: {_quote(claim.drop_reason)}"
    lines = []
    if claim.verdict:
        certainty = claim.grade.certainty if claim.grade else "not graded"
        over = "; overstated" if claim.verdict.overstated else ""
        lines.append(f"**{claim.verdict.value}** ({certainty} certainty{over}; "
                     f"{claim.verdict.by}). {_quote(claim.verdict.reason)}")
    else:
        lines.append(f"No verdict yet (status: {claim.status}).")
    if claim.profiles:
        lines.append("Questions: " + ", ".join(_profile_words(rec, p) for p in claim.profiles)
                     + ".")
    if claim.no_studies_found:
        lines.append(f"No study found by {len(claim.searched)} recorded search(es).")
    return head + "\n\n".join(lines)


def section_record(rec: Recorder, name: str, claims: Sequence[Claim]) -> nbformat.NotebookNode:
    review = rec.review
    match = NUMBERED.match(name)
    slug = match.group(2) if match else name
    heading = _heading(review, slug)
    judged = [c for c in claims if c.is_claim]
    others = sorted({c.section for c in claims if c.section != slug})
    pids = list(dict.fromkeys(p for c in claims for p in c.profiles))
    intro = [f"# {match.group(1) if match else ''} · {heading}",
             f"The claims of *{review.meta.title}* judged here: {len(judged)} claim(s) "
             f"from the section \"{heading}\""
             + (f" and from {', '.join(others)}" if others else "")
             + f". {_tally(judged)}",
             ("The questions (outcome x comparison) these claims are mapped to: "
              + ", ".join(_profile_words(rec, p) for p in pids)
              + ". Each question's evidence, risk of bias and rating are in the questions "
              "notebook of its outcome.") if pids else
             "No claim here is mapped to a question of the protocol.",
             NOTE.format(slug=review.slug)]
    cells = [new_markdown_cell("\n\n".join(intro)),
             new_code_cell(_opening(review.slug, claims,
                                    "nb.claims_of(review, CLAIMS)[[\"text\", \"flags\", "
                                    "\"status\"]]"))]
    screening = rec.screening_cell([c.id for c in claims])
    if screening:
        cells += [new_markdown_cell(
            "## Searches and screening\n\nThe searches logged for these claims and every "
            "screening decision, as recorded (an exclusion carries its reason)."),
            new_code_cell(screening)]
    keys = [lk.key for c in claims for lk in c.links]
    appraisals = rec.appraise_cells(keys)
    if appraisals:
        cells += [new_markdown_cell(
            "## Appraisals\n\nEach study is appraised once, in the first notebook that cites "
            "it: design, population, intervention (and how it relates to the protocol's), "
            "comparator, outcomes, size, effects as reported, risk of bias with reasons.")]
        cells += appraisals
    if keys:
        cells += [new_markdown_cell("The references these claims cite, with the public page "
                                    "each was verified on:"),
                  new_code_cell(f"nb.references(review, {lit(sorted(set(keys)))})")]
    cells.append(new_markdown_cell("## Claim by claim"))
    for claim in claims:
        parts = [c for c in claims if c.parent == claim.id]
        cells += [new_markdown_cell(_claim_markdown(claim, rec)),
                  new_code_cell(rec.claim_calls(claim, parts))]
    cells += [new_markdown_cell("## Where this leaves the claims"),
              new_code_cell("nb.claims_of(review, CLAIMS)")]
    own = [c for c in judged if c.section == slug] or list(judged)
    if own:
        form = own[-1]
        who = form.verdict.by if form.verdict else ""
        cells += [new_markdown_cell(
            "## Record a judgement by clicking\n\nThe form saves through the same library "
            "calls as the cells above (and is refused the same way); it changes nothing until "
            "you press Save."),
            new_code_cell(f"rt.widgets.ClaimForm(review, {lit(form.id)}"
                          + (f", reviewer={lit(who)})" if who else ")"))]
    return new_notebook(cells=cells, metadata={"kernelspec": KERNEL})


def _profile_cells(rec: Recorder, pid: str) -> list:
    protocol = rec.review.protocol
    profile = rec.profiles.get(pid)
    spec = protocol.profile(pid)
    outcome, comparator = protocol.outcome(spec.outcome), protocol.comparator(spec.comparator)
    mapped = [c.id for c in rec.claims if pid in c.profiles]
    why = outcome.no_mid_reason.rstrip(".")
    mid = f"{outcome.mid.value:g} {outcome.mid.unit}" if outcome.mid else \
        f"none stated ({why})" if why else "none stated"
    words = [f"## `{pid}`: {outcome.name} vs {comparator.kind}",
             f"Outcome *{outcome.name}* ({outcome.importance}, {outcome.direction}; minimal "
             f"important difference: {mid}) against {comparator.kind}. Claims mapped to it: "
             + (", ".join(f"`{c}`" for c in mapped) or "none") + ". "
             + (f"{len(profile.entries)} result(s) recorded; " if profile else
                "No result recorded yet; ") + _profile_words(rec, pid) + "."]
    cells = [new_markdown_cell("\n\n".join(words))]
    screening = rec.screening_cell([pid])
    if screening:
        cells += [new_markdown_cell(f"### Searches and screening for `{pid}`"),
                  new_code_cell(screening + f"\nrt.search.prisma_counts(review, {lit(pid)})")]
    if profile is None:
        return cells
    keys = [e.study for e in profile.entries]
    cells += rec.appraise_cells(keys)
    if profile.entries:
        cells += [new_markdown_cell(f"### The evidence for `{pid}`\n\nEach study's result as "
                                    "it reported it (each study counts once)."),
                  new_code_cell("\n".join(rec.entry_calls(profile))
                                + f"\nnb.profile_entries(review, {lit(pid)})")]
        cells += [new_markdown_cell("Risk of bias, as derived from each study's answers in "
                                    "`evidence/rob/` (the answers stay in the files):"),
                  new_code_cell(f"nb.risk_of_bias(review, {lit(list(dict.fromkeys(keys)))})")]
    cells += _rating_cells(rec, profile)
    if profile.summary:
        by = next((h.by for h in reversed(profile.history) if h.action == "summary"),
                  profile.rating.by if profile.rating else "")
        text = call("review.set_profile_summary", pid, profile.summary, by=by)
        if " ".join(profile.summary.split()) != profile.summary:
            text = _shown(text, "the statement is stored with other spacing; kept as recorded")
        cells += [new_markdown_cell(f"The plain-language statement for the summary-of-findings "
                                    f"table ({by}):"), new_code_cell(text)]
    return cells


def _dual_cells(rec: Recorder, profile: Profile, show: str) -> list:
    """A profile rated in dual review: who assessed it (open assessments never shown), the
    agreement of the submitted ones, and the rating: adopted from one reviewer's submitted
    assessment, reconciled from two or more, or still pending."""
    pid, rating = profile.id, profile.rating
    found = rec.assessments[pid]
    done = sorted(r for r, a in found.items() if a.submitted)
    text = (f"### Rating of `{pid}`: dual review\n\n{len(found)} reviewer(s) assessed it "
            f"independently ({len(done)} submitted: {', '.join(done) or 'none'}); open "
            "assessments are never shown. ")
    code = ("agreement = review.agreement()\n"
            f"display(agreement[agreement[\"profile\"] == {lit(pid)}])\n") if len(done) > 1 \
        else ""
    replay = None
    if rating is not None and rating.by != PROPOSED_BY:
        replay = rec.adopt_call(profile) if len(rating.reviewers) == 1 else \
            rec.reconcile_call(profile)
        how = f"adopts {rating.reviewers[0]}'s submitted assessment" if \
            len(rating.reviewers) == 1 else \
            f"reconciles {' and '.join(rating.reviewers)} ({_quote(rating.reconciliation)})"
        text += f"The rating ({rating.certainty}, by {rating.by}) {how}."
    else:
        text += "No rating from them yet (what stands is shown)."
    if replay is None and rating is not None and rating.by != PROPOSED_BY:
        replay = _shown(f"review.profile({lit(pid)}).rating", "the rating does not follow "
                        "from the submitted assessments as they stand; kept as recorded")
    return [new_markdown_cell(text), new_code_cell(code + (replay + "\n" if replay else "")
                                                   + show)]


def _rating_cells(rec: Recorder, profile: Profile) -> list:
    pid, rating = profile.id, profile.rating
    show = f"nb.profile_rating(review, {lit(pid)})"
    if pid in rec.assessments:
        return _dual_cells(rec, profile, show)
    if rating is None:
        return [new_markdown_cell(f"### Rating of `{pid}`\n\nNot rated yet."),
                new_code_cell(f"# review.rate_profile({lit(pid)}, by=\"REVIEWER\")  # proposals "
                              f"with their arithmetic\n{show}")]
    if rating.by == PROPOSED_BY:
        return [new_markdown_cell(
            f"### Rating of `{pid}`: a proposal\n\nThe migration's proposal "
            f"({rating.certainty}), not yet a reviewer's rating: it is shown, not replayed, "
            "and no claim takes its certainty from it until a reviewer rates the profile."),
            new_code_cell(f"# review.rate_profile({lit(pid)}, by=\"REVIEWER\", downgrades="
                          f"{{...}})  # a reviewer's rating\n{show}")]
    kw = rec.rating_kw(profile)
    code = call("review.rate_profile", pid, **kw) if kw is not None else _shown(
        f"review.rate_profile({lit(pid)}, by={lit(rating.by)})",
        f"{rating.by}'s rating ({rating.certainty}) no longer follows from the profile's "
        "entries and risk of bias as they stand (out of date); re-rate it")
    return [new_markdown_cell(f"### Rating of `{pid}`\n\n{rating.certainty} certainty, rated "
                              f"by {rating.by}."),
            new_code_cell(f"{code}\n{show}")]


def questions_record(rec: Recorder, outcome_id: str) -> nbformat.NotebookNode:
    """The notebook of one outcome's questions (one per comparison)."""
    review, protocol = rec.review, rec.review.protocol
    outcome = protocol.outcome(outcome_id)
    specs = [s for s in protocol.profiles if s.outcome == outcome_id]
    rated = [s.id for s in specs if profiles_stage_accepted(rec.profiles.get(s.id))]
    pids = [s.id for s in specs]
    intro = (f"# Questions: {outcome.name}\n\nGRADE rates the certainty of an effect for one "
             f"outcome and one comparison. For *{outcome.name}* ({outcome.importance}, "
             f"{outcome.direction}) the protocol of *{review.meta.title}* asks {len(specs)} "
             f"question(s): {', '.join(f'`{p}`' for p in pids)}; "
             f"{sum(p in rec.profiles for p in pids)} have results recorded and {len(rated)} "
             "are rated by a reviewer. For each: its searches and screening, the results each "
             "study reported, their risk of bias, the rating and the summary-of-findings "
             "row.\n\n" + NOTE.format(slug=review.slug))
    cells = [new_markdown_cell(intro),
             new_code_cell("import reviewtools as rt\nfrom reviewtools import notebook as nb\n\n"
                           f"review = nb.open_review({lit(review.slug)})\n"
                           "nb.protocol_outcomes(review)")]
    for spec in specs:
        cells += _profile_cells(rec, spec.id)
    cells += [new_markdown_cell("## Summary of findings\n\nThis outcome's profiles rated by a "
                                "reviewer, certainty with its footnoted reasons (the whole "
                                "table is in the overview):"),
              new_code_cell(f"sof = review.sof()\nsof[sof[\"profile\"].isin({lit(pids)})]")]
    return new_notebook(cells=cells, metadata={"kernelspec": KERNEL})


def overview_record(rec: Recorder) -> nbformat.NotebookNode:
    review = rec.review
    url = review.meta.url
    source = f"[{review.meta.title}]({url})" if url else f"*{review.meta.title}*"
    judged = [c for c in rec.claims if c.is_claim]
    text = (f"# 00 · Overview: *{review.meta.title}*\n\nThis review checks the claims of "
            f"{source} against the published evidence: {len(judged)} claims, verdicts "
            f"{_counts((c.verdict.value if c.verdict else None for c in judged), 'no verdict')}"
            f"; {sum(bool(c.verdict and c.verdict.overstated) for c in judged)} overstated. "
            "The section notebooks beside this one record each claim's decisions, the "
            "questions notebooks (one per outcome) each evidence profile, and the export "
            "notebook the writer's "
            "statements. This notebook reads; it changes nothing.\n\n"
            + NOTE.format(slug=review.slug))
    cells = [
        new_markdown_cell(text),
        new_code_cell("import reviewtools as rt\nfrom reviewtools import notebook as nb\n\n"
                      f"review = nb.open_review({lit(review.slug)})\nreview.meta.title, "
                      "review.meta.source, review.meta.retrieved, review.meta.sha256[:16]"),
        new_markdown_cell("## Progress"),
        new_code_cell("rt.views.status_table([review])"),
        new_markdown_cell("## Claims\n\nEvery claim with its flags, status, verdict and "
                          "certainty; a split sentence's container shows the verdict its "
                          "parts give."),
        new_code_cell("claims = review.claims()\nclaims[[\"id\", \"section\", \"flags\", "
                      "\"status\", \"verdict\", \"certainty\", \"overstated\", \"text\"]]"),
        new_code_cell("claims.pivot_table(index=\"section\", columns=\"verdict\", values=\"id\", "
                      "aggfunc=\"count\", fill_value=0)"),
        new_markdown_cell("## Sentences not treated as claims"),
        new_code_cell("review.not_claims()"),
        new_markdown_cell("## Searches and screening (PRISMA)\n\nEach record counted once for "
                          "the review, however many claims or questions it was screened for."),
        new_code_cell("rt.search.prisma_counts(review)"),
        new_markdown_cell("## Summary of findings"),
        new_code_cell("review.sof()"),
        *([new_markdown_cell("## Dual review: agreement\n\nSubmitted assessments side by "
                             "side, with weighted kappa per pair of reviewers (open ones are "
                             "never shown)."),
           new_code_cell("agreement = review.agreement()\nagreement.attrs[\"pairs\"], "
                         "agreement")] if rec.assessments else []),
        new_markdown_cell("## Check\n\nWhat `reviewtools check` reports for this review (an "
                          "empty list: no problems)."),
        new_code_cell("[str(p) for p in rt.checks.check(review.settings, [review.slug])]"),
        new_markdown_cell("## Studies cited"),
        new_code_cell("nb.references(review)"),
    ]
    return new_notebook(cells=cells, metadata={"kernelspec": KERNEL})


def export_record(rec: Recorder) -> nbformat.NotebookNode:
    review = rec.review
    claims = [c for c in rec.claims if c.is_claim or c.is_container]
    cells = [new_markdown_cell(
        "# Export: the sourced summary\n\nFor writers: each claim with what the evidence "
        "shows and how certain it is, in calibrated wording (GRADE's informative statements), "
        "with the bibliography. The library drafts a statement for every claim; the writer's "
        "own, stored with the claim, is preferred.\n\n" + NOTE.format(slug=review.slug)),
        new_code_cell(_opening(review.slug, claims, "rt.views.summary_of_findings(review)"))]
    written = [c for c in claims if c.statement]
    if written:
        rows = [(c.id, _last_by(c, "statement edited"), c.statement)
                for c in written]
        cells += [new_markdown_cell("## The writer's statements\n\nSaving is idempotent: an "
                                    "unchanged statement is not rewritten."),
                  new_code_cell(_rows_literal("STATEMENTS", "(claim, by, statement)", rows)
                                + "\nfor claim_id, by, text in STATEMENTS:\n"
                                "    review.set_statement(claim_id, text, by=by)")]
    cells += [
        new_markdown_cell("## Check and export\n\n`export_review` writes every format into "
                          f"`exports/{review.slug}/` (as `reviewtools export {review.slug}`). A "
                          "review that is unfinished or fails `check` is exported as a marked "
                          "draft saying what is missing; `final=True` (`--final`) refuses it."),
        new_code_cell("from reviewtools.export.run import export_problems\n\n"
                      "problems = export_problems(review)\nproblems"),
        new_code_cell("paths = rt.export.export_review(review, out_dir=nb.find_root() / "
                      f"\"exports\" / {lit(review.slug)}, problems=problems)\n"
                      "[p.name for p in paths]"),
        new_markdown_cell("## The article, annotated\n\nEvery claim highlighted in its "
                          "verdict's colour and labelled in words; select one to see its "
                          "verdict, the certainty of the evidence, the statement and the "
                          f"studies (the same page is `exports/{review.slug}/article.html`)."),
        new_code_cell("review.article_view()"),
    ]
    return new_notebook(cells=cells, metadata={"kernelspec": KERNEL})


def planned_record(review: Review, folder: Path) -> dict[str, nbformat.NotebookNode]:
    """File name -> notebook, recording the review's decisions as they stand."""
    rec = Recorder(review)
    existing = [p.name for p in folder.glob("*.ipynb")] if folder.is_dir() else []
    sections = assign(review, rec.claims, folder)
    out = {"00-overview.ipynb": overview_record(rec)}
    for name, claims in sections.items():
        out[name] = section_record(rec, name, claims)
    if rec.protocol is not None and rec.protocol.profiles:
        numbers = [int(NUMBERED.match(n).group(1)) for n in [*existing, *sections]
                   if NUMBERED.match(n) and NUMBERED.match(n).group(1) != "99"
                   and _kind(n) != "questions"]
        held = next((NUMBERED.match(n).group(1) for n in existing if _kind(n) == "questions"),
                    None)
        number = held or f"{max(numbers, default=0) + 1:02d}"
        for outcome_id in dict.fromkeys(s.outcome for s in rec.protocol.profiles):
            out[f"{number}-questions-{outcome_id}.ipynb"] = questions_record(rec, outcome_id)
    export = next((n for n in existing if _kind(n) == "export"), "99-export.ipynb")
    out[export] = export_record(rec)
    return out


def default_folder(root: Path, slug: str) -> Path:
    """``notebooks/`` when its notebooks open review ``slug`` (a repository's own review),
    else ``notebooks/<slug>/`` (where ``reviewtools new`` puts them)."""
    top = root / "notebooks"
    opens = re.compile(r"open_(?:review|shipped|here)\(\s*['\"]" + re.escape(slug) + "['\"]")
    for path in sorted(top.glob("*.ipynb")) if top.is_dir() else []:
        try:
            cells = nbformat.read(path, as_version=4).cells
        except Exception:  # noqa: BLE001, S112 - not a notebook: it opens no review
            continue
        if any(opens.search(c.source) for c in cells if c.cell_type == "code"):
            return top
    return top / slug


def record_notebooks(review: Review, folder: Path) -> list[Path]:
    """(Re)write the review's notebooks in ``folder`` from its evidence; returns the files
    written (a notebook that would not change is left as it is)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    planned = planned_record(review, folder)
    for old in sorted(folder.glob("*.ipynb")):  # an outcome no longer asked about
        if _kind(old.name) == "questions" and old.name not in planned:
            old.unlink()
    for name, notebook in planned.items():
        path = folder / name
        for i, cell in enumerate(notebook.cells):  # stable ids: the same evidence, same bytes
            cell.id = f"{Path(name).stem[:50]}-{i:03d}"
        text = nbformat.writes(notebook) + "\n"
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        atomic_write_text(path, text, mode=0o644)
        written.append(path)
    return written
