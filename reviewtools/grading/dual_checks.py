"""``reviewtools check`` for dual review (:mod:`reviewtools.grading.dual`).

Problems: an assessment file that does not load or is filed under another reviewer or
profile; an assessment of a profile the review does not have; two submitted assessments of a
profile that disagree on certainty with no rating reconciling them (made after they were
submitted). Warnings: an assessment made on other entries than the profile has now (re-read
it: reopen and submit again); an assessment still open.
"""

from __future__ import annotations

from collections.abc import Mapping

from reviewtools.errors import ReviewToolsError
from reviewtools.grading.dual import entries_digest, is_reconciled
from reviewtools.model.assessments import Assessment
from reviewtools.model.profiles import Profile
from reviewtools.store.files import load_record
from reviewtools.store.folders import ReviewFolder

Found = tuple[str, ...]  # file, claim, message[, "warning"]


def _read(review: ReviewFolder, rel: str) -> tuple[dict[str, dict[str, Assessment]],
                                                   list[Found]]:
    found: dict[str, dict[str, Assessment]] = {}
    out: list[Found] = []
    root = review.path / "assessments"
    for path in sorted(root.glob("*/*.yaml")) if root.is_dir() else []:
        where = f"{rel}/assessments/{path.parent.name}/{path.name}"
        try:
            record = load_record(path, Assessment)
        except (ReviewToolsError, ValueError) as exc:
            out.append((where, "", f"cannot read: {str(exc).splitlines()[0][:300]}"))
            continue
        if record.reviewer != path.stem or record.profile != path.parent.name:
            out.append((where, "", f"holds {record.reviewer}'s assessment of "
                        f"{record.profile}: it must be assessments/{record.profile}/"
                        f"{record.reviewer}.yaml"))
            continue
        found.setdefault(record.profile, {})[record.reviewer] = record
    return found, out


def check_assessments(review: ReviewFolder, profiles: Mapping[str, Profile],
                      rel: str) -> list[Found]:
    """Every problem and warning with the review's dual-review assessments."""
    found, out = _read(review, rel)
    for pid, by_reviewer in found.items():
        where = f"{rel}/assessments/{pid}"
        profile = profiles.get(pid)
        if profile is None:
            out.append((where, "", f"assessments of profile {pid}, which the review does "
                        "not have"))
            continue
        done = [a for a in by_reviewer.values() if a.submitted]
        if len({a.certainty for a in done}) > 1 and not is_reconciled(profile, done):
            said = ", ".join(f"{a.reviewer} {a.certainty}" for a in done)
            out.append((where, "", f"profile {pid}: the reviewers disagree on certainty "
                        f"({said}) and no rating reconciles them: run `reviewtools assess "
                        f"reconcile {pid}` with a note"))
        digest = entries_digest(profile)
        for a in by_reviewer.values():
            if a.entries_digest != digest:
                out.append((f"{where}/{a.reviewer}.yaml", "", f"assessed profile {pid} at "
                            f"revision {a.profile_revision}; its entries have changed since: "
                            "reopen, re-read and submit again", "warning"))
            elif not a.submitted:
                out.append((f"{where}/{a.reviewer}.yaml", "", f"{a.reviewer}'s assessment "
                            f"of {pid} is still open", "warning"))
    return out
