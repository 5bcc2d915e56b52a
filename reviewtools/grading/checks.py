"""`reviewtools check`: everything a finished review must satisfy, as a list of problems.

On a large repository the cost is parsing files, so ``check`` reuses the parse
cache (:mod:`reviewtools.store.cache`) and, when no file changed since the last run,
returns the stored list of problems straight away (see :func:`fingerprint`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from reviewtools import __version__
from reviewtools.appraisal.quotes import link_quote_problems
from reviewtools.errors import NotFoundError, ReviewToolsError
from reviewtools.grading.profile_checks import check_profiles, check_rob_files
from reviewtools.grading.rules import certainty_from, statement_problems
from reviewtools.literature import bib
from reviewtools.literature.abstracts import abstracts_dir, load_abstracts
from reviewtools.literature.verify import placeholder_problems
from reviewtools.model.records import Claim, ReviewMeta, Study, is_future
from reviewtools.settings import Settings
from reviewtools.store import journal
from reviewtools.store.cache import (
    ParsedFolder,
    cache_file,
    gc_paused,
    is_settled,
    read_json,
    stamp,
    stat_stamp,
    write_json,
)
from reviewtools.store.files import RESERVED_SLUGS, read_text
from reviewtools.store.folders import ReviewFolder, claim_tables, inside, list_reviews

RESULT_FORMAT = 2
# Rules live in these modules: a change to any of them invalidates stored results.
_PACKAGE = Path(__file__).resolve().parent.parent
_RULE_FILES = [Path(__file__), _PACKAGE / "grading" / "rules.py", _PACKAGE / "model" / "records.py",
               _PACKAGE / "literature" / "bib.py", _PACKAGE / "appraisal" / "quotes.py",
               _PACKAGE / "model" / "abstracts.py", _PACKAGE / "literature" / "verify.py",
               *(_PACKAGE / "grading").glob("profile*.py"), _PACKAGE / "grading" / "verdicts.py",
               *(_PACKAGE / "model").glob("p*.py"), *(_PACKAGE / "grading").glob("dual*.py"),
               _PACKAGE / "model" / "assessments.py"]


@dataclass(frozen=True)
class Problem:
    file: str
    claim: str
    message: str
    severity: str = "error"  # or "warning": reported, but the check still passes

    def __str__(self) -> str:
        where = f"{self.file} [{self.claim}]" if self.claim else self.file
        return f"{where}: {'warning: ' if self.severity == 'warning' else ''}{self.message}"


def check(settings: Settings, slugs: list[str] | None = None, *,
          cited_only: bool = False) -> list[Problem]:
    """Check the named reviews (all reviews when ``slugs`` is empty).

    With ``cited_only`` (and ``slugs``), the shared records are checked only where the named
    reviews use them: the bib entries and study appraisals their claims and profiles cite
    (what an export of those reviews needs; its cost follows those reviews, not the
    repository). Raises :class:`NotFoundError` if ``settings.root`` has no ``evidence/``
    folder.
    """
    check_root(settings)
    chosen = list(slugs or list_reviews(settings))
    cited = cited_keys(settings, chosen) if cited_only and slugs else None
    key, settled = fingerprint(settings, chosen, cited)
    store = result_path(settings, slugs, cited is not None)
    saved = read_json(store)
    if isinstance(saved, dict) and saved.get("key") == key and _rows_ok(saved.get("problems")):
        return [Problem(*row) for row in saved["problems"]]
    with gc_paused():
        problems = _check(settings, chosen, cited)
        if not slugs:
            problems += [Problem(_rel(settings.evidence_dir / name, settings), "",
                                 "has files but no review.yaml: its claims cannot be checked")
                         for name in unlisted_folders(settings)]
    if settled:
        write_json(store, {"key": key, "problems": [[p.file, p.claim, p.message, p.severity]
                                                    for p in problems]})
    return problems


def result_path(settings: Settings, slugs: list[str] | None, cited_only: bool = False) -> Path:
    """Where the stored result of ``check(settings, slugs)`` lives in the cache."""
    chosen = list(slugs) if slugs else ""
    scope = "|cited" if cited_only else ""
    return cache_file(settings, "check", f"{settings.root.resolve()}|{chosen}{scope}")


def cited_keys(settings: Settings, slugs: list[str]) -> list[str]:
    """The bib keys the named reviews' claims link to and their profiles name, sorted (read
    from the derived index; a file that cannot be read adds nothing, and is reported)."""
    keys: set[str] = set()
    for slug in slugs:
        review = ReviewFolder(slug, settings)
        try:
            keys.update(claim_tables([review])[slug]["links"]["key"])
        except ReviewToolsError:
            keys.update(_readable_keys(review))
        try:
            keys.update(e.study for p in review.load_profiles().values() for e in p.entries)
        except ReviewToolsError:
            pass  # reported by check_profiles
    return sorted(k for k in keys if isinstance(k, str))


def _readable_keys(review: ReviewFolder) -> set[str]:
    shard = ParsedFolder(review.claims_dir, Claim, review.settings)
    keys: set[str] = set()
    for path in sorted(review.claims_dir.glob("*.yaml")):
        with contextlib.suppress(ReviewToolsError):
            keys.update(lk.key for lk in shard.load(path).links)
    shard.flush()
    return keys


def _rows_ok(rows: object) -> bool:
    """True for rows as :func:`check` stores them: file, claim, message, severity."""
    return isinstance(rows, list) and all(
        isinstance(r, list) and len(r) == 4 and all(isinstance(x, str) for x in r)
        and r[3] in ("error", "warning") for r in rows)


def fingerprint(settings: Settings, slugs: list[str],
                cited: list[str] | None = None) -> tuple[str, bool]:
    """A digest of every input of a check (names, sizes, times) and whether all are settled.

    Inputs: references.bib, every study file (or, given ``cited``, those keys' files), and
    for each review every file in its folder and its ``claims/`` folder, plus the modules
    holding the rules.
    """
    rows: list[tuple] = [(RESULT_FORMAT, __version__, str(settings.root.resolve()))]
    rows += [_stamp_or_none(p) for p in (*_RULE_FILES, settings.bib_path)]
    if cited is None:
        rows += _folder_stamps(settings.studies_dir)
    else:
        rows += [("cited", tuple(cited))]
        rows += [_stamp_or_none(settings.studies_dir / f"{k}.yaml") for k in cited]
    rows += _folder_stamps(settings.evidence_dir / "rob")
    rows += _folder_stamps(abstracts_dir(settings))
    rows += [("without review.yaml", tuple(unlisted_folders(settings)))]
    for slug in slugs:
        folder = settings.evidence_dir / slug
        rows += [(slug,), *_folder_stamps(folder), *_folder_stamps(folder / "claims"),
                 *_folder_stamps(folder / "profiles"), *_folder_stamps(folder / "assessments")]
        rows += [r for sub in sorted((folder / "assessments").glob("*/")) for r in
                 [(sub.name,), *_folder_stamps(sub)]]
    settled = all(is_settled(r[2]) for r in rows[1:]
                  if len(r) == 5 and r[2] is not None)
    digest = hashlib.sha256(repr(rows).encode("utf-8", "surrogateescape")).hexdigest()
    return digest, settled


def _stamp_or_none(path: Path) -> tuple:
    try:
        return (str(path), *stamp(path))
    except OSError:
        return (str(path), None, None, None, None)


def _folder_stamps(folder: Path) -> list[tuple]:
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
            # a folder counts by its name (a folder called x.yaml is a problem to report)
            return [(e.name, *stat_stamp(e.stat())) if e.is_file() else (e.name + "/",)
                    for e in entries]
    except OSError:
        return [(str(folder), None, None, None, None)]


def unlisted_folders(settings: Settings) -> list[str]:
    """Folders under evidence/ (other than the shared ones) holding files but no review.yaml:
    a deleted review.yaml must not make ``check`` skip that review's claims."""
    root = settings.evidence_dir
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and p.name not in RESERVED_SLUGS
                  and not (p / "review.yaml").is_file() and any(p.iterdir()))


def check_root(settings: Settings) -> None:
    """Refuse a root that is not a repository: no folder, or no evidence/ folder in it."""
    if not settings.root.is_dir():
        raise NotFoundError(f"no such folder: {settings.root}", hint="check --root")
    if not settings.evidence_dir.is_dir():
        raise NotFoundError(f"no evidence/ folder under {settings.root}",
                            hint="run `reviewtools extract` first, or check --root")


def _check(settings: Settings, slugs: list[str], cited: list[str] | None = None,
           ) -> list[Problem]:
    problems: list[Problem] = []
    bib_path = settings.bib_path
    try:
        entries = _bib_entries(settings) if cited is None else bib.entries_of(bib_path, cited)
    except ReviewToolsError as exc:
        return [Problem(_rel(bib_path, settings), "", str(exc).removeprefix(f"{bib_path}: "))]
    studies, study_problems = _load_studies(settings, cited)
    problems += study_problems
    problems += [Problem(*found) for found in check_rob_files(settings)]
    metas = ParsedFolder(settings.evidence_dir, ReviewMeta, settings)
    for slug in slugs:
        review = ReviewFolder(slug, settings)
        try:
            meta = metas.load(review.path / "review.yaml")
            snapshot = read_text(inside(review.path, meta.snapshot, field="snapshot"))
        except (OSError, ReviewToolsError) as exc:
            problems.append(Problem(_rel(review.path, settings), "", f"cannot read: {exc}"))
            continue
        if journal.pending(review.path):
            problems.append(Problem(_rel(review.path, settings), "", "an extraction was "
                                    "interrupted; run `reviewtools extract` again to finish it"))
        shard = ParsedFolder(review.claims_dir, Claim, settings, tables=True)
        folder = _rel(review.claims_dir, settings)
        for path in sorted(review.claims_dir.glob("*.yaml")):
            # the folder's relative name plus the file name, unless the file is a symlink
            rel = _rel(path, settings) if path.is_symlink() else f"{folder}/{path.name}"
            try:
                claim = shard.load(path)
            except ReviewToolsError as exc:
                problems.append(Problem(rel, path.stem, str(exc).split(": ", 1)[-1]))
                continue
            problems += check_claim(claim, rel, snapshot, entries, studies)
        shard.flush()
        problems += [Problem(*found) for found in check_profiles(review, studies,
                                                                 _rel(review.path, settings))]
    metas.flush()
    problems += check_sources(settings, slugs, entries)
    return problems


def check_sources(settings: Settings, slugs: list[str],
                  entries: dict[str, dict[str, str]]) -> list[Problem]:
    """Test or example identifiers in references.bib, and every link's quote in the stored
    abstract (or excerpt) of its study; a cited study with none stored is a warning."""
    problems = [Problem(_rel(settings.bib_path, settings), "", f"'{key}': {message}")
                for key, fields in entries.items() for message in placeholder_problems(fields)]
    abstracts, bad = load_abstracts(settings)
    problems += [Problem(_rel(path, settings), "", message) for path, message in bad]
    texts = {key: (a.kind, a.text) for key, a in abstracts.items()}
    unchecked: set[str] = set()
    for slug in slugs:
        claims_dir = ReviewFolder(slug, settings).claims_dir
        shard = ParsedFolder(claims_dir, Claim, settings)
        for path in sorted(claims_dir.glob("*.yaml")):
            try:
                claim = shard.load(path)
            except ReviewToolsError:
                continue  # reported by _check
            if not claim.is_claim:
                continue
            found, missing = link_quote_problems(claim, texts)
            problems += [Problem(_rel(path, settings), claim.id, message) for _, message in found]
            unchecked |= {key for key in missing if key in entries}
        shard.flush()
    folder = _rel(abstracts_dir(settings), settings)
    problems += [Problem(f"{folder}/{key}.yaml", "", "no stored abstract: the quotes of "
                         f"'{key}' are not checked", "warning") for key in sorted(unchecked)]
    return problems


def _bib_entries(settings: Settings) -> dict[str, dict[str, str]]:
    """``bib.entries`` of references.bib (kept in the derived index while it is unchanged)."""
    return bib.entries(settings.bib_path)


def _load_studies(settings: Settings, keys: list[str] | None = None,
                  ) -> tuple[dict[str, Study], list[Problem]]:
    out, problems = {}, []
    shard = ParsedFolder(settings.studies_dir, Study, settings, tables=keys is None)
    paths = sorted(settings.studies_dir.glob("*.yaml")) if keys is None else [
        p for p in (settings.studies_dir / f"{k}.yaml" for k in keys) if p.exists()]
    for path in paths:
        try:
            study = shard.load(path)
        except ReviewToolsError as exc:
            problems.append(Problem(_rel(path, settings), "", str(exc).split(": ", 1)[-1]))
            continue
        if study.key != path.stem:
            problems.append(Problem(_rel(path, settings), "", f"key '{study.key}' does not "
                                    "match the file name"))
        out[study.key] = study
    shard.flush()
    return out, problems


def _rel(path: Path, settings: Settings) -> str:
    try:
        return str(Path(path).resolve().relative_to(settings.root.resolve()))
    except ValueError:
        return str(path)


def check_claim(claim: Claim, file: str, snapshot: str, entries: dict[str, dict[str, str]],
                studies: dict[str, Study]) -> list[Problem]:
    out: list[Problem] = []

    def add(msg: str) -> None:
        out.append(Problem(file, claim.id, msg))

    if claim.id != Path(file).stem:
        add(f"id '{claim.id}' does not match the file name")
    future = [at for at in _times(claim) if is_future(at)]
    if future:
        add(f"recorded time {max(future)} is in the future (a clock set wrong?); "
            "exports ignore it")
    if claim.status == "dropped":
        return out
    a = claim.anchor
    if a.state == "orphaned":
        add("anchor is orphaned: the text is no longer in the article snapshot")
    elif snapshot[a.start:a.end] != claim.quote:
        add(f"anchor {a.start}-{a.end} no longer matches the snapshot text")
    if not claim.is_claim:  # another sentence kind, or a split container: no verdict needed
        return out
    if claim.status == "disputed":
        add("reviewers disagree; resolve it with a note")
    elif claim.verdict is None and claim.status != "to-do":
        add(f"status is '{claim.status}' but there is no verdict (give one, or set 'to-do')")
    for lk in claim.links:
        entry = entries.get(lk.key)
        if entry is None:
            add(f"cites '{lk.key}', which is not in references.bib")
            continue
        if not (entry.get("doi") or entry.get("pmid") or entry.get("journal", "").strip()):
            add(f"'{lk.key}' has neither a DOI, a PMID nor a journal in references.bib "
                "(title, authors, year and journal identify a record without identifiers)")
        if not entry.get("verified"):
            add(f"'{lk.key}' has no verification stamp in references.bib")
        if lk.key not in studies:
            add(f"'{lk.key}' is cited but has no appraisal in evidence/studies/")
        if entry.get("retracted") and lk.stance == "supports" and "retract" not in lk.note.lower():
            add(f"'{lk.key}' is retracted ({entry['retracted']}) but supports the claim unflagged")
    out += _check_judgement(claim, add)
    if claim.statement.strip() and claim.grade is not None:
        for message in statement_problems(claim.statement, claim.grade.certainty):
            add(message)
    return out


def _times(claim: Claim) -> list[str]:
    """Every time recorded in a claim: links, judgements, resolution and history."""
    judged = [claim.grade, claim.verdict, claim.resolution]
    for a in claim.assessments.values():
        judged += [a.grade, a.verdict]
    return [lk.at for lk in claim.links] + [x.at for x in judged if x is not None] \
        + [h.at for h in claim.history]


def _check_judgement(claim: Claim, add) -> list[Problem]:  # noqa: ANN001
    g, v = claim.grade, claim.verdict
    if v is not None and v.value != "not testable" and g is None:
        add(f"verdict '{v.value}' has no GRADE certainty")
    if v is not None and v.value == "not testable" and not (v.reason or claim.not_testable_reason):
        add("'not testable' needs a reason")
    if g is not None:
        if certainty_from(g.start, g.downgrades, g.upgrades) != g.proposed:
            add("proposed certainty does not follow from its start level and domain ratings")
        if g.certainty != g.proposed and not g.override_justification.strip():
            add(f"certainty overridden ({g.proposed} -> {g.certainty}) without a justification")
        for name, rating in [*g.downgrades, *g.upgrades]:
            if rating.levels and not rating.reason.strip():
                add(f"GRADE domain '{name}' rated {rating.levels} without a reason")
    if claim.links == [] and v is not None and v.value not in ("not testable",) \
            and not claim.no_studies_found and not claim.profiles:  # profiles: checked there
        add("has a verdict but no linked studies and no record of searches that found none")
    return []
