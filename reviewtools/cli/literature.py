"""Literature commands: ``cite``, ``refs verify|add|list``, ``search``, ``screen``, ``prisma``.

Registered by :mod:`reviewtools.cli.main`, which calls :func:`register`. Each handler takes
``(args, settings)`` and returns the exit code; errors a user can cause raise a
:class:`~reviewtools.errors.ReviewToolsError`, printed on one line by the CLI. Nothing
is written when a command fails.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from reviewtools.cli.common import nested_options
from reviewtools.settings import Settings

if TYPE_CHECKING:
    import pandas as pd


def _err(message: str) -> None:
    print(f"reviewtools: error: {message}", file=sys.stderr)


def _show(df: pd.DataFrame, fmt: str, columns: list[str] | None = None,
          widths: dict[str, int] | None = None, *, wide: bool = False) -> None:
    if fmt == "json":
        print(json.dumps(df.to_dict(orient="records"), indent=2, ensure_ascii=False,
                         default=str))
    elif fmt == "csv":
        from reviewtools.export.formats.csv import neutralise_frame
        sys.stdout.write(neutralise_frame(df).to_csv(index=False))
    else:
        from reviewtools.grading.progress import listing
        print(listing(df.to_dict(orient="records"), columns or list(df.columns),
                      widths=widths, wide=wide))


# ---- handlers --------------------------------------------------------------------------------

def cmd_cite(args: argparse.Namespace, settings: Settings) -> int:
    from reviewtools.literature import sources
    from reviewtools.literature.identifiers import parse_identifiers
    from reviewtools.literature.refs import upsert
    ids, bad = parse_identifiers(args.ids)
    if bad:
        for _, problem in bad:
            _err(problem)
        _err(f"{len(bad)} bad identifier(s); references.bib was not changed")
        return 2
    works, failures = sources.fetch_works(ids, settings=settings)
    offline = [reason for _, reason in failures if "no network" in str(reason)]
    if failures and len(offline) == len(failures):  # one cause: say it once
        first = str(offline[0])
        _err(f"{first[first.index('no network'):]}; {len(failures)} identifier(s) not "
             "fetched, references.bib was not changed")
        return 2
    if failures:
        for ident, reason in failures:
            _err(f"{ident}: {reason}")
        _err(f"{len(failures)} identifier(s) could not be fetched; references.bib was not "
             "changed")
        return 1
    changes = upsert(settings.bib_path, works, verified_source=None, date=args.date,
                     replace=args.replace)
    for change in changes:
        print(change)
    _store_fetched_abstracts(settings, works, changes, args.date)
    return 0


def _store_fetched_abstracts(settings: Settings, works: list, changes: list,
                             date: str | None) -> None:
    """Keep the abstract each fetched record carries, with the record's page at its service."""
    from reviewtools.errors import ConflictError
    from reviewtools.literature.abstracts import save_abstract
    from reviewtools.literature.records import record_page
    for work, change in zip(works, changes, strict=True):
        page = record_page(work)
        if not (getattr(work, "abstract", "") and page):
            continue
        try:
            _, action = save_abstract(settings, change.key, work.abstract, page=page,
                                      via=work.source or "service", seen=date,
                                      by=settings.reviewer)
        except ConflictError as exc:
            _err(f"abstract not stored: {exc}")
            continue
        if action != "unchanged":
            print(f"abstract {action} {change.key} [{page}]")


class _Bar:
    """A tqdm bar on stderr (shown on a terminal only) fed with (done, total) counts."""

    def __init__(self, label: str) -> None:
        from tqdm import tqdm
        self.bar = tqdm(desc=label, unit="id", file=sys.stderr, disable=None, leave=False)

    def update_to(self, done: int, total: int) -> None:
        self.bar.total = total
        self.bar.n = done
        self.bar.refresh()

    def close(self) -> None:
        self.bar.close()


def _progress_bar(label: str) -> _Bar:
    return _Bar(label)


def cmd_refs_verify(args: argparse.Namespace, settings: Settings) -> int:
    from reviewtools.literature.verify import verify
    bar = _progress_bar("checking identifiers")
    try:
        problems = verify(settings.bib_path, settings=settings, progress=bar.update_to)
    finally:
        bar.close()
    if args.format == "json":
        print(json.dumps([p.to_dict() for p in problems], indent=2, ensure_ascii=False))
    else:
        for p in problems:
            print(p)
    errors = [p for p in problems if p.severity == "error"]
    summary = f"{len(errors)} problem(s), {len(problems) - len(errors)} warning(s)" \
        if problems else "ok: every entry matches its record"
    print(summary, file=sys.stderr)
    return 1 if errors else 0


def cmd_refs_add(args: argparse.Namespace, settings: Settings) -> int:
    from reviewtools.literature.refs import add_verified_record
    record = {"title": args.title, "authors": args.author, "year": args.year,
              "journal": args.journal, "volume": args.volume, "number": args.number,
              "pages": args.pages, "doi": args.doi, "pmid": args.pmid, "pmcid": args.pmcid}
    change = add_verified_record(settings.bib_path, {k: v for k, v in record.items() if v},
                                 args.verified_source, date=args.date, replace=args.replace)
    print(change)
    return 0


def cmd_refs_import(args: argparse.Namespace, settings: Settings) -> int:
    from reviewtools.literature.importers import read_file
    from reviewtools.literature.refs import import_records
    if bool(args.review) != bool(args.claim):
        _err("--review and --claim go together")
        return 2
    review = None
    if args.review:
        from reviewtools.review import open_review
        review = open_review(args.review, settings=settings)
        review.claim(args.claim)  # NotFoundError before anything is written
    result = read_file(args.file, args.format)
    sources = dict(_pair(v) for v in args.verified_source or [])
    changes = import_records(settings, result, dry_run=args.dry_run, verified_sources=sources,
                             date=args.date, by=settings.reviewer)
    prefix = "would " if args.dry_run else ""
    for change in changes:
        print(prefix + str(change) if change.action == "added" else str(change))
    for problem in result.problems:
        print(f"skipped {problem}")
    if review is not None and not args.dry_run:
        from reviewtools.literature.refs import record_import
        record_import(review, args.claim, result, changes, date=args.date)
    added = sum(c.action == "added" for c in changes)
    print(f"{len(result.records) + len(result.problems)} record(s): {prefix}add {added}, "
          f"{sum(c.action == 'duplicate' for c in changes)} already in references.bib, "
          f"{len(result.problems) + sum(c.action == 'skipped' for c in changes)} skipped"
          + ("; dry run: nothing was written" if args.dry_run else ""), file=sys.stderr)
    return 0


def _pair(text: str) -> tuple[str, str]:
    from reviewtools.errors import InputError
    ident, sep, url = text.partition("=")
    if not sep:
        raise InputError(f"--verified-source {text!r}: give ID=URL (e.g. "
                         "pmid:30922926=https://pubmed.ncbi.nlm.nih.gov/30922926/)")
    return ident.strip(), url.strip()


def cmd_refs_abstract(args: argparse.Namespace, settings: Settings) -> int:
    from reviewtools.errors import InputError, NotFoundError
    from reviewtools.literature.abstracts import save_abstract
    from reviewtools.literature.bib import entries
    from reviewtools.literature.refs import stamp_url
    if args.key not in entries(settings.bib_path):
        raise NotFoundError(f"'{args.key}' is not in references.bib")
    try:
        text = open(args.file, encoding="utf-8-sig").read()  # noqa: SIM115
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {args.file}: {exc}") from None
    saved, action = save_abstract(settings, args.key, text, page=stamp_url(args.source),
                                  via="page", kind=args.kind, seen=args.date,
                                  by=settings.reviewer, replace=args.replace,
                                  complete=not args.partial)
    print(f"abstract {action} {saved.key} [{saved.page}; {saved.seen}]")
    return 0


def cmd_refs_list(args: argparse.Namespace, settings: Settings) -> int:
    from reviewtools.literature.refs import list_refs
    _show(list_refs(settings.bib_path), args.format,
          ["key", "author", "year", "doi", "pmid", "retracted", "verified", "title"],
          {"title": 60, "author": 30, "verified": 40}, wide=getattr(args, "wide", False))
    return 0


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    from reviewtools.literature.search import search_candidates
    from reviewtools.review import open_review
    review = open_review(args.review, settings=settings)
    df = search_candidates(review, args.claim, sources=args.source or None,
                           limit=args.limit, settings=settings, query=args.query)
    _show(df, args.format, ["rank", "score", "id", "year", "design", "in_bib", "decision",
                            "title"], {"title": 60}, wide=getattr(args, "wide", False))
    if args.format == "table" and df.attrs.get("ranked_by"):
        print(f"ranked by {df.attrs['ranked_by']}; your include/exclude decisions re-rank "
              "the rest")
    return 0


def cmd_screen(args: argparse.Namespace, settings: Settings) -> int:
    from reviewtools.literature.search import screen
    from reviewtools.review import open_review
    review = open_review(args.review, settings=settings)
    record, reason, year = args.record, args.reason or "", None
    if not record:
        from reviewtools.literature.refs import stamp_url
        from reviewtools.literature.search import fingerprint_id
        year = _year(args.year)
        record = fingerprint_id(args.title or "", args.author or [], year, args.journal or "")
        page = stamp_url(args.page) if args.page else ""
        reason = "; ".join(x for x in (reason, f"seen on {page}" if page else "") if x)
    made = screen(review, args.claim, record, args.decision, reason,
                  settings.reviewer, title=args.title or "", year=year)
    print(f"{args.claim}: {made.id} -> {made.decision}"
          + (f" ({made.reason})" if made.reason else "") + f" by {made.by}")
    return 0


def _year(text: str | None) -> int | None:
    from reviewtools.errors import InputError
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        raise InputError(f"--year {text!r} is not a year") from None


def cmd_prisma(args: argparse.Namespace, settings: Settings) -> int:
    from reviewtools.literature.search import prisma_counts
    from reviewtools.review import open_review
    counts = prisma_counts(open_review(args.review, settings=settings), args.claim)
    if args.format == "json":
        print(json.dumps(counts, indent=2, ensure_ascii=False))
        return 0
    for name, value in counts.items():
        if name != "exclusion_reasons":
            print(f"{name.replace('_', ' ')}: {value}")
    for reason, n in counts["exclusion_reasons"].items():
        print(f"  excluded, {reason}: {n}")
    return 0


# ---- registration ----------------------------------------------------------------------------

def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the literature sub-commands to the ``reviewtools`` parser."""
    p = sub.add_parser("cite", parents=[common], help="add or update references by DOI/PMID",
                       description="Fetch the records for each ID (DOI, PMID, PMCID or their "
                       "URLs) and add or update their references.bib entries, stamped with "
                       "the source and date. A bad or unknown ID stops the command before "
                       "anything is written.")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.add_argument("--date", help="verification date YYYY-MM-DD (default: today)")
    p.add_argument("--replace", action="store_true", help="let a fetched record replace an "
                   "entry's differing values (the old ones are kept in its history field)")
    p.set_defaults(func=cmd_cite)

    p = sub.add_parser("refs", parents=[common],
                       help="verify, add by hand, or list references.bib entries",
                       description="Manage references.bib.")
    actions = p.add_subparsers(dest="refs_action", required=True, metavar="ACTION")
    leaf = nested_options(common)
    a = actions.add_parser("verify", parents=[leaf], help="re-fetch every entry and report "
                           "mismatches (exit 1 on problems)",
                           description="Re-fetch every entry by DOI/PMID; report title, "
                           "first-author and year mismatches, missing or unresolvable "
                           "identifiers and retractions.")
    a.add_argument("--format", choices=["table", "json"], default="table")
    a.set_defaults(func=cmd_refs_verify)
    a = actions.add_parser("add", parents=[leaf], help="add a record checked by hand on a "
                           "public page",
                           description="Add an entry from a record checked by hand; "
                           "--verified-source is the URL of the public page it was checked on.")
    a.add_argument("--title", required=True)
    a.add_argument("--author", action="append", required=True,
                   help="'Surname, Given', repeated for each author in order (a name "
                   "without a comma is kept whole, as a group author)")
    a.add_argument("--year", required=True)
    a.add_argument("--journal")
    a.add_argument("--volume")
    a.add_argument("--number")
    a.add_argument("--pages")
    a.add_argument("--doi")
    a.add_argument("--pmid")
    a.add_argument("--pmcid")
    a.add_argument("--verified-source", required=True, metavar="URL")
    a.add_argument("--date", help="verification date YYYY-MM-DD (default: today)")
    a.add_argument("--replace", action="store_true", help="replace the differing values of "
                   "an entry for the same work (the old ones are kept in its history field); "
                   "without it such an add is refused and nothing is written")
    a.set_defaults(func=cmd_refs_add)
    a = actions.add_parser("import", parents=[leaf], help="import a RIS, Web of Science, "
                           "PubMed (nbib), BibTeX or CSL-JSON export",
                           description="Add the file's records to references.bib, skipping "
                           "those already there (same DOI, PMID, or title + year + first "
                           "author), and store their abstracts. Imported entries are marked "
                           "with their file and stay unverified until checked on a public "
                           "page. Records that cannot be used are listed, not imported.")
    a.add_argument("file", metavar="FILE")
    a.add_argument("--format", choices=["ris", "wos", "medline", "bibtex", "csljson"],
                   help="the file's format (default: detected)")
    a.add_argument("--review", metavar="SLUG", help="with --claim: record the import as a "
                   "source of the claim's screened records")
    a.add_argument("--claim", metavar="CLAIM_ID")
    a.add_argument("--dry-run", action="store_true", help="show what would change; write "
                   "nothing")
    a.add_argument("--verified-source", action="append", metavar="ID=URL",
                   help="the public page where record ID (doi:... or pmid:...) was checked "
                   "(repeatable); that entry is stamped verified")
    a.add_argument("--date", help="date YYYY-MM-DD of the check (default: today)")
    a.set_defaults(func=cmd_refs_import)
    a = actions.add_parser("abstract", parents=[leaf], help="store a study's abstract, "
                           "pasted with the page it was copied from",
                           description="Store the text of FILE as the abstract of KEY, with "
                           "the public page it was copied from; `reviewtools check` looks "
                           "for every quote of KEY in it.")
    a.add_argument("key", metavar="KEY")
    a.add_argument("--source", required=True, metavar="URL",
                   help="the public page the text was copied from")
    a.add_argument("--file", required=True, metavar="ABSTRACT.txt")
    a.add_argument("--kind", choices=["abstract", "excerpt"], default="abstract",
                   help="an abstract, or an excerpt of the full text (default: abstract)")
    a.add_argument("--date", help="the day the page was seen, YYYY-MM-DD (default: today)")
    a.add_argument("--partial", action="store_true", help="the page showed only part of the "
                   "text (cut off); only that part is stored")
    a.add_argument("--replace", action="store_true", help="replace a different stored text")
    a.set_defaults(func=cmd_refs_abstract)
    a = actions.add_parser("list", parents=[leaf], help="list the entries")
    a.add_argument("--format", choices=["table", "json", "csv"], default="table")
    a.set_defaults(func=cmd_refs_list)

    p = sub.add_parser("search", parents=[common], help="search PubMed / Europe PMC for a "
                       "claim's candidate studies",
                       description="Build a query from the review's protocol and the claim "
                       "(intervention terms AND the protocol's other concept blocks AND the "
                       "claim's outcome terms), or run --query as given; search, merge "
                       "duplicates, mark records already in references.bib, and record the "
                       "search in the claim's screening file.")
    p.add_argument("claim", metavar="CLAIM_ID")
    p.add_argument("--review", required=True, metavar="SLUG")
    p.add_argument("--source", action="append", choices=["pubmed", "europepmc", "crossref",
                                                          "openalex"],
                   help="service to search (repeatable; default: the protocol's sources)")
    p.add_argument("--query", help="the query to run instead of the one the protocol gives "
                   "(it is logged as run)")
    p.add_argument("--limit", type=int, default=20, help="records per source (default 20)")
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("screen", parents=[common], help="record a screening decision",
                       description="Record your include / exclude / maybe decision on a "
                       "record found for a claim (exclusions need a reason).")
    p.add_argument("claim", metavar="CLAIM_ID")
    p.add_argument("record", metavar="RECORD_ID", nargs="?",
                   help="pmid:..., doi:... or a URL; leave it out for a record without "
                   "identifiers and give --title, --author, --year (and --journal, --page)")
    p.add_argument("--review", required=True, metavar="SLUG")
    p.add_argument("--decision", required=True, choices=["include", "exclude", "maybe"])
    p.add_argument("--reason")
    p.add_argument("--title", help="the record's title, kept with the decision")
    p.add_argument("--author", action="append", help="'Surname, Given' (repeatable; the first "
                   "author keys a record without identifiers)")
    p.add_argument("--year")
    p.add_argument("--journal")
    p.add_argument("--page", metavar="URL", help="the public page where the record was seen")
    p.set_defaults(func=cmd_screen)

    p = sub.add_parser("prisma", parents=[common], help="PRISMA-style screening counts",
                       description="Identified, duplicates removed, screened, excluded (with "
                       "reasons) and included, for one claim or summed over the review.")
    p.add_argument("claim", nargs="?", metavar="CLAIM_ID")
    p.add_argument("--review", required=True, metavar="SLUG")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(func=cmd_prisma)
