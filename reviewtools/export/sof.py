"""Summary-of-findings tables, GRADEpro layout: one row per evidence profile.

Columns: outcome, comparison, number of participants (studies), certainty with its
symbols and footnoted reasons, the effect (the pooled estimate where a review or a
pooled analysis gives one, otherwise the result in words), and the plain-language
statement. Only profiles a reviewer has rated appear (a migration's proposals wait
for a reviewer).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from reviewtools.export.wording import draft_statement
from reviewtools.grading.profiles import body, direction_of
from reviewtools.grading.rules import display
from reviewtools.model.profiles import PROPOSED_BY, Profile, ProfileEntry
from reviewtools.model.protocol import Protocol
from reviewtools.model.records import DOWNGRADE_DOMAINS, UPGRADE_DOMAINS, Study

SOF_COLUMNS = ["profile", "outcome", "importance", "comparison", "participants (studies)",
               "certainty", "effect", "statement", "footnotes"]
_WORDING = {"favours intervention": "supports", "no difference": "no effect",
            "favours comparator": "contradicts", "mixed": "mixed"}


def is_accepted(profile: Profile) -> bool:
    return profile.rating is not None and profile.rating.by != PROPOSED_BY


def _participants(profile: Profile) -> str:
    r = profile.rating
    studies = f"{r.studies} stud{'y' if r.studies == 1 else 'ies'}"
    if r.participants is None and not r.participants_known:
        return f"not reported ({studies})"
    if r.participants is None:
        return f"at least {r.participants_known:,} ({studies}; n not reported for some)"
    return f"{r.participants:,} ({studies})"


def _effect(kept: Sequence[ProfileEntry]) -> str:
    pooled = [e for e in kept if e.value is not None and e.ci_low is not None]
    if pooled:
        e = max(pooled, key=lambda e: (e.studies_pooled or 1, e.n or 0))
        where = f"{e.studies_pooled} studies pooled in {e.study}" if e.studies_pooled \
            else e.study
        return (f"{e.measure} {e.value:g} (95% CI {e.ci_low:g} to {e.ci_high:g}; {where})"
                + (f", I² {e.i2:g}%" if e.i2 is not None else ""))
    counts: dict[str, int] = {}
    for e in kept:
        counts[e.direction] = counts.get(e.direction, 0) + 1
    return "; ".join(f"{n} {d}" for d, n in counts.items())


def _footnotes(profile: Profile) -> list[str]:
    r = profile.rating
    notes = []
    for name in DOWNGRADE_DOMAINS:
        rating = getattr(r.downgrades, name)
        if rating.levels:
            notes.append(f"{name.replace('_', ' ')} (−{rating.levels}): {rating.reason}")
    for name in UPGRADE_DOMAINS:
        rating = getattr(r.upgrades, name)
        if rating.levels:
            notes.append(f"{name.replace('_', ' ')} (+{rating.levels}): {rating.reason}")
    notes += [f"not counted: {x.study} ({x.reason})" for x in r.refused]
    if r.override_justification:
        notes.append(f"certainty set to {r.certainty} by the reviewer: "
                     f"{r.override_justification}")
    return notes


def _place(profile: Profile, protocol: Protocol) -> tuple[int, int, int]:
    """Where a profile's row goes: its comparator, then the outcome's importance and order."""
    comparators = [c.id for c in protocol.comparators]
    outcomes = [o.id for o in protocol.outcomes]
    importance = {o.id: o.importance for o in protocol.outcomes}
    def at(seq, x):  # noqa: ANN001, ANN202, E306
        return seq.index(x) if x in seq else len(seq)
    return (at(comparators, profile.comparator),
            at(list(IMPORTANCE), importance.get(profile.outcome)), at(outcomes, profile.outcome))


def sof_rows(profiles: Mapping[str, Profile], studies: Mapping[str, Study],
             protocol: Protocol) -> list[dict[str, object]]:
    rows = []
    for pid in sorted(profiles, key=lambda p: _place(profiles[p], protocol)):
        profile = profiles[pid]
        if not is_accepted(profile):
            continue
        kept, _ = body(profile, studies)
        outcome = protocol.outcome(profile.outcome)
        comparator = protocol.comparator(profile.comparator)
        notes = _footnotes(profile)
        letters = "".join(chr(ord("a") + i) for i in range(len(notes)))
        statement = profile.summary or draft_statement(
            profile.rating.certainty, _WORDING[direction_of(kept)], outcome.name,
            protocol.intervention.name, protocol=protocol)
        rows.append({
            "profile": pid, "outcome": outcome.name, "importance": outcome.importance,
            "comparison": f"{protocol.intervention.name} vs {comparator.kind}",
            "participants (studies)": _participants(profile),
            "certainty": display(profile.rating.certainty) + (f" ({letters})" if letters
                                                              else ""),
            "effect": _effect(kept), "statement": statement,
            "footnotes": " ".join(f"({chr(ord('a') + i)}) {n}" for i, n in enumerate(notes)),
        })
    return rows


def sof_table(profiles: Mapping[str, Profile], studies: Mapping[str, Study],
              protocol: Protocol) -> pd.DataFrame:
    """The summary-of-findings table as a DataFrame (one row per rated profile)."""
    return pd.DataFrame(sof_rows(profiles, studies, protocol), columns=SOF_COLUMNS)


def _cell(value: object) -> str:
    return " ".join(str(value).split()).replace("|", "\\|")


IMPORTANCE = ("critical", "important", "mechanism")


def sof_markdown(rows: Sequence[Mapping[str, object]], escape,  # noqa: ANN001
                 forests: Mapping[str, str] | None = None,
                 lights: Mapping[str, str] | None = None) -> list[str]:
    """One SoF table per comparison (as GRADEpro lays them out), outcomes in order of
    importance, each with its footnotes and forest plots; nothing without rows."""
    if not rows:
        return []
    cols = ["outcome", "importance", "participants (studies)", "certainty", "effect",
            "statement"]
    lines = ["## Summary of findings {#summary-of-findings}", ""]
    comparisons = list(dict.fromkeys(str(r["comparison"]) for r in rows))
    for comparison in comparisons:
        mine = sorted((r for r in rows if r["comparison"] == comparison),
                      key=lambda r: IMPORTANCE.index(r["importance"])
                      if r["importance"] in IMPORTANCE else len(IMPORTANCE))
        lines += [f"### {escape(comparison)}", "",
                  "| " + " | ".join(c.capitalize() for c in cols) + " |",
                  "|" + "---|" * len(cols)]
        lines += ["| " + " | ".join(_cell(escape(r[c])) for c in cols) + " |" for r in mine]
        lines += ["", f": GRADE summary of findings: {escape(comparison)}, one row per "
                  "outcome.", ""]
        lines += _row_extras(mine, escape, forests or {}, lights or {})
    return lines


def _row_extras(rows: Sequence[Mapping[str, object]], escape,  # noqa: ANN001
                forests: Mapping[str, str], lights: Mapping[str, str]) -> list[str]:
    lines: list[str] = []
    for row in rows:
        if row["footnotes"]:
            lines += [f"**{escape(row['outcome'])}, {escape(row['comparison'])}.** "
                      f"{escape(row['footnotes'])}", ""]
        if row["profile"] in forests:
            lines += [f"![Forest plot: {escape(row['outcome'])}, {escape(row['comparison'])}.]"
                      f"({forests[row['profile']]}){{width=100%}}", ""]
        for path in lights.get(row["profile"], "").split():
            lines += [f"![Risk of bias of the studies: {escape(row['outcome'])}, "
                      f"{escape(row['comparison'])}.]({path}){{width=100%}}", ""]
    return lines
