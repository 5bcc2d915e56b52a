"""Candidate search for a claim, screening decisions and PRISMA-style counts.

>>> build_query("Sauna bathing improves sleep latency", ["sauna", "sauna bathing"])
'(sauna OR "sauna bathing") AND ("sleep latency" OR sleep OR insomnia)'

The intervention terms, any further concept blocks (population...) and the outcome
terms of the claims come from the review's protocol (:func:`protocol_query`).

Searches and decisions are stored per claim in
``evidence/<slug>/screening/<claim>.yaml`` (:class:`reviewtools.model.records.Screening`),
through the same atomic, revision-checked saves as every evidence file.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from reviewtools.errors import InputError, NotFoundError
from reviewtools.literature.bib import BibFile, ascii_fold, normalise_title
from reviewtools.model.protocol import Protocol
from reviewtools.model.records import CLAIM_ID_RE, Screening, ScreeningDecision, SearchRun, now
from reviewtools.settings import Settings
from reviewtools.store.files import check_claim_id, load_record, save_record
from reviewtools.store.folders import ReviewFolder

MAX_OUTCOME_CONCEPTS = 4
ABSTRACT_CHARS = 240
DECISIONS = ("include", "exclude", "maybe")

# Outcome concepts: a pattern found in the claim -> the terms it adds to the query.
# Ordered from specific to general; the first MAX_OUTCOME_CONCEPTS matches are used.
OUTCOME_CONCEPTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"sleep latency", ("sleep latency",)),
    (r"slow[- ]wave|\bn3\b|sleep architecture", ("slow-wave sleep", "polysomnography")),
    (r"sleep|insomnia|restorative", ("sleep", "insomnia")),
    (r"blood pressure|hypertens", ("blood pressure", "hypertension")),
    (r"heart rate", ("heart rate",)),
    (r"circulat|blood flow|vascular|perfusion", ("circulation", "blood flow")),
    (r"oxygenat", ("tissue oxygenation",)),
    (r"venous|thrombo|oedema|edema", ("edema", "venous")),
    (r"endorphin", ("endorphin",)),
    (r"cortisol", ("cortisol",)),
    (r"anxiety|anxious", ("anxiety",)),
    (r"depress", ("depression",)),
    (r"\bmood\b|well-being|wellbeing", ("mood",)),
    (r"stress|hyperarousal", ("stress",)),
    (r"relax|parasympathetic|autonomic", ("relaxation", "autonomic")),
    (r"fatigue|vigou?r|energy", ("fatigue",)),
    (r"neuropath", ("neuropathy",)),
    (r"\bpain|analgesi|nocicept|discomfort", ("pain",)),
    (r"mobility|range of motion", ("mobility",)),
    (r"immun", ("immune",)),
)
_GENERIC = frozenset("""
about also and are been being benefit benefits between both can clinical clinically could
demonstrated does effect effects enhance enhanced evidence experience from further
have help helps improve improved improvement improvements improves include including increase
increased individuals into may more most not offers only part practice promote promotes
reduce reduced reduces reduction regular research results seeking shown show shows significant
studies study such support supports targeted techniques that their them these this those
through via well which while with within
""".split())


def _term(t: str) -> str:
    t = " ".join(re.sub(r"[\"()\[\]]", " ", t).split())
    return f'"{t}"' if " " in t or "-" in t else t


def outcome_terms(claim_text: str, intervention_terms: Sequence[str] = (),
                  protocol: Protocol | None = None) -> list[str]:
    """Outcome terms drawn from the claim: the protocol's outcomes it names, else concepts
    from a general health vocabulary, else its content words."""
    named = protocol.outcomes_in(claim_text) if protocol else []
    if named:
        return list(dict.fromkeys(t for o in named[:MAX_OUTCOME_CONCEPTS]
                                  for t in (o.terms or [o.name])))
    text = ascii_fold(claim_text).lower()
    terms: list[str] = []
    concepts = 0
    for pattern, words in OUTCOME_CONCEPTS:
        if concepts < MAX_OUTCOME_CONCEPTS and re.search(pattern, text):
            concepts += 1
            terms += [w for w in words if w not in terms]
    if terms:
        return terms
    skip = set(_GENERIC) | {w for t in intervention_terms for w in t.lower().split()}
    words = [w for w in re.findall(r"[a-z][a-z-]{4,}", text) if w not in skip]
    return list(dict.fromkeys(words))[:3]


def _block(terms: Sequence[str]) -> str:
    return "(" + " OR ".join(dict.fromkeys(_term(t) for t in terms if t and t.strip())) + ")"


def build_query(claim_text: str, intervention_terms: Sequence[str], *,
                protocol: Protocol | None = None) -> str:
    """A PubMed / Europe PMC query: (intervention terms) AND (other protocol blocks) AND
    (outcome terms of the claim).

    Multi-word terms are quoted; with no outcome term found, the outcome block is left
    out. Both services read this Boolean syntax.
    """
    if not any(t and t.strip() for t in intervention_terms):
        raise InputError("at least one intervention term is needed to build a query")
    blocks = [_block(intervention_terms)]
    blocks += [_block(b.terms) for b in (protocol.other_blocks() if protocol else [])]
    outcomes = outcome_terms(claim_text, intervention_terms, protocol)
    if outcomes:
        blocks.append(_block(outcomes))
    return " AND ".join(blocks)


def protocol_query(claim_text: str, protocol: Protocol) -> str:
    """The query the review's protocol gives for a claim (its intervention block first)."""
    return build_query(claim_text, protocol.intervention_terms(), protocol=protocol)


# ---- records ---------------------------------------------------------------------------------

def record_id(work: Any) -> str:
    """A stable id for a found record: ``pmid:..``, else ``doi:..``, else a title hash."""
    if getattr(work, "pmid", ""):
        return f"pmid:{work.pmid}"
    if getattr(work, "doi", ""):
        return f"doi:{work.doi.lower()}"
    if getattr(work, "pmcid", ""):
        return f"pmcid:{work.pmcid.upper()}"
    digest = hashlib.sha1(normalise_title(work.title).encode(), usedforsecurity=False)
    return f"title:{digest.hexdigest()[:12]}"


def _keys(work: Any) -> set[str]:
    keys = {f"{k}:{str(getattr(work, k, '') or '').lower()}" for k in ("doi", "pmid", "pmcid")
            if getattr(work, k, "")}
    title = normalise_title(work.title or "")
    if title:
        keys.add(f"title:{title}|{work.year}")
    return keys


def _first_lines(abstract: str) -> str:
    text = " ".join((abstract or "").split())
    return text if len(text) <= ABSTRACT_CHARS else text[:ABSTRACT_CHARS - 1].rstrip() + "…"


CANDIDATE_COLUMNS = ["id", "title", "year", "journal", "design", "abstract", "doi", "pmid",
                     "pmcid", "sources", "in_bib", "decision"]


def _is_question(review: ReviewFolder, target: str) -> bool:
    """True when ``target`` names one of the protocol's questions (outcome x comparison)."""
    return any(spec.id == target for spec in review.protocol.profiles)


def question_text(review: ReviewFolder, target: str) -> str:
    """What a claim or protocol question asks, in words: the claim's text, or the question's
    outcome (with its terms), comparator and intervention terms."""
    target = screening_target(review, target)
    if not _is_question(review, target):
        return review.claim(target).text
    protocol = review.protocol
    spec = protocol.profile(target)
    outcome, comparator = protocol.outcome(spec.outcome), protocol.comparator(spec.comparator)
    words = [outcome.name, *outcome.terms, comparator.kind, comparator.description,
             *comparator.terms, *protocol.intervention_terms()]
    return " ".join(w for w in words if w)


def screening_path(review: ReviewFolder, claim_id: str) -> Path:
    """``screening/<claim or question id>.yaml``."""
    name = claim_id if _is_question(review, claim_id) else check_claim_id(claim_id)
    return review.path / "screening" / f"{name}.yaml"


def screening_target(review: ReviewFolder, target: str) -> str:
    """A claim id (checked as a decision on it) or a protocol question's id, screened as a
    whole; anything else is a :class:`NotFoundError` naming both kinds."""
    if isinstance(target, str) and _is_question(review, target):
        return target
    if isinstance(target, str) and not CLAIM_ID_RE.match(target):
        known = ", ".join(spec.id for spec in review.protocol.profiles) or "none"
        raise NotFoundError(f"{target!r} is neither a claim nor a question of the protocol "
                            f"(questions: {known})")
    return review.decide_on(target).id


def load_screening(review: ReviewFolder, claim_id: str) -> Screening:
    """The claim's screening record (an empty one if nothing was recorded yet)."""
    path = screening_path(review, claim_id)
    if not path.is_file():
        return Screening(claim=claim_id, revision=1)
    return load_record(path, Screening)


def _save(review: ReviewFolder, screening: Screening) -> Screening:
    path = screening_path(review, screening.claim)
    return save_record(path, screening, create=not path.is_file())


def _latest(decisions: list[ScreeningDecision]) -> dict[str, ScreeningDecision]:
    out: dict[str, ScreeningDecision] = {}
    for d in sorted(decisions, key=lambda d: d.at):
        out[d.id] = d
    return out


def search_candidates(review: ReviewFolder, claim_id: str, *,
                      sources: Sequence[str] | None = None, limit: int = 20,
                      settings: Settings | None = None, query: str | None = None
                      ) -> pd.DataFrame:
    """Search each source for the claim's candidate studies; one row per unique record.

    The query is built from the review's protocol (:func:`protocol_query`) unless
    ``query`` is given (a reviewer's edited query for this claim); ``sources`` default
    to the protocol's. Either way the query that ran is logged. Records found by several
    sources (same DOI, PMID, PMCID, or title + year) are merged; ``in_bib`` gives the references.bib
    key of a record already cited and ``decision`` the latest screening decision. Each
    run (query, source, date, count, ids) is stored in the claim's screening file;
    re-running with the same results records nothing new.

    Raises
    ------
    OfflineError
        Offline (``REVIEWTOOLS_OFFLINE=1``) and a response is not in the cache.
    """
    from reviewtools.literature import sources as src
    settings = settings or review.settings
    question = question_text(review, claim_id)
    protocol = review.protocol
    query = query or protocol_query(question, protocol)
    sources = list(sources or protocol.search.sources)
    merged: list[dict[str, Any]] = []
    seen: dict[str, dict[str, Any]] = {}
    runs: list[SearchRun] = []
    for source in sources:
        works = src.search(query, source=source, limit=limit, settings=settings)
        runs.append(SearchRun(query=query, source=source, date=now(), count=len(works),
                              ids=[record_id(w) for w in works]))
        for w in works:
            row = next((seen[k] for k in _keys(w) if k in seen), None)
            if row is None:
                row = {"work": w, "id": record_id(w), "sources": [source]}
                merged.append(row)
            elif source not in row["sources"]:
                row["sources"].append(source)
            for k in _keys(w):
                seen.setdefault(k, row)
    screening = _record_runs(review, claim_id, runs)
    decided = _latest(screening.decisions)
    bib = BibFile.load(settings.bib_path)
    rows = []
    for r in merged:
        w = r["work"]
        hit = bib.find(doi=w.doi or "", pmid=w.pmid or "", pmcid=w.pmcid or "", title=w.title,
                       year=w.year)
        rows.append({"id": r["id"], "title": w.title, "year": w.year, "journal": w.journal,
                     "design": w.design, "abstract": _first_lines(w.abstract),
                     "doi": w.doi, "pmid": w.pmid, "pmcid": w.pmcid,
                     "sources": ",".join(r["sources"]), "in_bib": hit.key if hit else "",
                     "decision": decided[r["id"]].decision if r["id"] in decided else ""})
    return ranked_candidates(pd.DataFrame(rows, columns=CANDIDATE_COLUMNS), question,
                             screening.decisions)


def ranked_candidates(df: pd.DataFrame, question: str,
                      decisions: Sequence[ScreeningDecision]) -> pd.DataFrame:
    """``df`` (candidate rows) with ``rank`` and ``score`` columns, read-first order, and the
    model that ranked them in ``df.attrs["ranked_by"]`` (see :mod:`.ranking`)."""
    from reviewtools.literature.ranking import rank
    texts = {r.id: f"{r.title}. {r.abstract}" for r in df.itertuples()}
    decided = {d.id: (texts.get(d.id, d.title), d.decision == "include")
               for d in _latest(list(decisions)).values() if d.decision != "maybe"}
    ranked = rank(list(texts.items()), question, decided)
    place = {r.id: r for r in ranked}
    out = df.assign(rank=[place[i].rank for i in df["id"]],
                    score=[place[i].score for i in df["id"]])
    out = out.sort_values("rank", kind="stable").reset_index(drop=True)
    out.attrs["ranked_by"] = next((r.model for r in ranked if r.model != "decided"), "")
    return out


def log_search(review: ReviewFolder, target: str, query: str, source: str,
               ids: Sequence[str], *, count: int | None = None,
               date: str | None = None) -> Screening:
    """Log a search run by hand for a claim or a protocol question: the query as typed,
    the source searched (e.g. ``pages`` for stored public pages), the records it found
    (identifiers, or ``ref:`` fingerprints for records without them) and when it ran.
    ``count`` defaults to the number of ids (give it when hits were not all recorded)."""
    target = screening_target(review, target)
    query = " ".join((query or "").split())
    if not query or not (source or "").strip():
        raise InputError("a logged search needs its query and its source")
    rids = [_normalise_record_id(i) for i in ids]
    run = SearchRun(query=query, source=source.strip(), date=date or now(),
                    count=len(rids) if count is None else count, ids=rids)
    if date is not None:  # a recorded run replayed (a notebook): already logged, nothing new
        screening = load_screening(review, target)
        same = (run.query, run.source, run.date, run.ids)
        if any((r.query, r.source, r.date, r.ids) == same for r in screening.searches):
            return screening
    return _record_runs(review, target, [run])


def _record_runs(review: ReviewFolder, claim_id: str, runs: list[SearchRun]) -> Screening:
    screening = load_screening(review, claim_id)
    new = []
    for run in runs:
        last = next((r for r in reversed(screening.searches)
                     if (r.query, r.source) == (run.query, run.source)), None)
        if last is None or last.ids != run.ids:
            new.append(run)
    if not new:
        return screening
    return _save(review, screening.model_copy(update={"searches": [*screening.searches, *new]}))


# ---- screening -------------------------------------------------------------------------------

def fingerprint_id(title: str, authors: Sequence[str], year: int | None,
                   journal: str = "") -> str:
    """``ref:`` + a stable hash of a record without identifiers (a study seen only in a
    reference list): normalised title, first author's surname, year and journal.

    >>> fingerprint_id("Yoga: a trial", ["Smith, J"], 2001, "J Test") == \\
    ...     fingerprint_id("YOGA - A TRIAL.", ["Smith, John"], 2001, "j. test")
    True
    """
    if not normalise_title(title) or not authors or not year:
        raise InputError("a record without a DOI, PMID or PMCID needs its title, first "
                         "author and year")
    first = authors[0].split(",")[0] if "," in authors[0] else authors[0].split()[-1]
    parts = [normalise_title(title), normalise_title(first), str(year), normalise_title(journal)]
    digest = hashlib.sha1("|".join(parts).encode(), usedforsecurity=False)
    return f"ref:{digest.hexdigest()[:16]}"


def _normalise_record_id(text: str) -> str:
    text = (text or "").strip()
    if re.fullmatch(r"title:[0-9a-f]{12}|ref:[0-9a-f]{16}", text):
        return text
    from reviewtools.literature.identifiers import parse_identifier
    return str(parse_identifier(text))


def screen(review: ReviewFolder, claim_id: str, record_id: str, decision: str, reason: str = "",
           reviewer: str | None = None, *, title: str = "",
           year: int | None = None) -> ScreeningDecision:
    """Record ``reviewer``'s include / exclude / maybe decision on a found record.

    An exclusion needs a reason (PRISMA reports exclusions with reasons). Repeating the
    same decision changes nothing; a new decision by the same reviewer replaces theirs;
    other reviewers' decisions are kept (dual screening). A record no recorded search
    found counts as identified from other sources.
    """
    claim_id = screening_target(review, claim_id)  # unknown -> NotFoundError
    if decision not in DECISIONS:
        raise InputError(f"decision {decision!r} is not one of {', '.join(DECISIONS)}")
    reason = " ".join((reason or "").split())
    if decision == "exclude" and not reason:
        raise InputError("an exclusion needs a reason (e.g. 'wrong intervention', 'no outcome')")
    rid = _normalise_record_id(record_id)
    by = reviewer or review.settings.reviewer
    screening = load_screening(review, claim_id)
    mine = next((d for d in screening.decisions if d.id == rid and d.by == by), None)
    if mine and (mine.decision, mine.reason) == (decision, reason) and \
            (not title or mine.title == title):
        return mine
    made = ScreeningDecision(id=rid, title=title or (mine.title if mine else ""),
                             year=year if year is not None else (mine.year if mine else None),
                             decision=decision, reason=reason, by=by, at=now())
    kept = [d for d in screening.decisions if d is not mine]
    _save(review, screening.model_copy(update={"decisions": [*kept, made]}))
    return made


def prisma_counts(review: ReviewFolder, claim_id: str | None = None) -> dict[str, Any]:
    """PRISMA-style counts for one claim, or for the whole review (each record once).

    ``identified`` counts the records of the latest run of each (query, source) plus
    records screened from other sources; ``duplicates_removed`` the repeats among them;
    ``screened`` the unique records with a decision; ``excluded`` / ``included`` /
    ``maybe`` by each record's latest decision; ``exclusion_reasons`` counts reasons.
    """
    if claim_id is not None:
        screening_target(review, claim_id)
        return _review_counts([_by_work(load_screening(review, claim_id), review)])
    folder = review.path / "screening"
    claims = sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []
    return _review_counts([_by_work(load_screening(review, cid), review) for cid in claims])


def _by_work(screening: Screening, review: ReviewFolder) -> Screening:
    """``screening`` with each record id replaced by ``bib:<key>`` when references.bib holds
    the work (by DOI, PMID or PMCID), so one study named by its DOI in one file and its PMID
    in another is one record."""
    bib = BibFile.load(review.settings.bib_path) if review.settings.bib_path.is_file() else None
    if bib is None:
        return screening
    cache: dict[str, str] = {}

    def work(rid: str) -> str:
        if rid not in cache:
            kind, _, value = rid.partition(":")
            hit = bib.find(**{kind: value}) if kind in ("doi", "pmid", "pmcid") and value \
                else None
            cache[rid] = f"bib:{hit.key}" if hit else rid
        return cache[rid]
    runs = [r.model_copy(update={"ids": [work(i) for i in r.ids]}) for r in screening.searches]
    made = [d.model_copy(update={"id": work(d.id)}) for d in screening.decisions]
    return screening.model_copy(update={"searches": runs, "decisions": made})


def _review_counts(screenings: Sequence[Screening]) -> dict[str, Any]:
    """Counts for the claims of ``screenings``, each record counted once however many claims
    it was screened for (one claim's counts are the same rule on one screening): included
    if any claim included it, excluded only if every claim that decided it excluded it (its
    reason from the latest such decision)."""
    found: list[str] = []
    decided: dict[str, list[ScreeningDecision]] = {}
    for screening in screenings:
        latest: dict[tuple[str, str], SearchRun] = {}
        for run in screening.searches:
            latest[(run.query, run.source)] = run
        found += [i for run in latest.values() for i in run.ids]
        for rid, d in _latest(screening.decisions).items():
            decided.setdefault(rid, []).append(d)
    unique = set(found)
    final: dict[str, ScreeningDecision] = {}
    for rid, ds in decided.items():
        ds.sort(key=lambda d: d.at)
        kinds = {d.decision for d in ds}
        pick = "include" if "include" in kinds else "maybe" if "maybe" in kinds else "exclude"
        final[rid] = [d for d in ds if d.decision == pick][-1]
    values = Counter(d.decision for d in final.values())
    other = set(final) - unique
    return {
        "identified": len(found) + len(other), "duplicates_removed": len(found) - len(unique),
        "screened": len(final), "excluded": values["exclude"], "included": values["include"],
        "maybe": values["maybe"], "not_screened": len(unique - set(final)),
        "other_sources": len(other),
        "exclusion_reasons": dict(Counter(d.reason for d in final.values()
                                          if d.decision == "exclude").most_common()),
    }


def screening_table(review: ReviewFolder, claim_id: str) -> pd.DataFrame:
    """The claim's (or question's) screening decisions (every reviewer's), oldest first."""
    screening_target(review, claim_id)
    rows = [d.model_dump() for d in sorted(load_screening(review, claim_id).decisions,
                                           key=lambda d: d.at)]
    return pd.DataFrame(rows, columns=list(ScreeningDecision.model_fields))


__all__ = ["build_query", "load_screening", "protocol_query",
           "outcome_terms", "prisma_counts", "record_id", "screen", "screening_table",
           "search_candidates"]
