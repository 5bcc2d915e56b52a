"""Command-line interface: a thin face over the library.

Every command takes ``--root DIR`` (default: the current directory). Errors a
user can cause are printed on one line as ``reviewtools: error: ...`` with a
non-zero exit code; no traceback. Exit codes: 0 ok; 1 ``check`` found problems (or
``export --final`` of an incomplete review); 2 bad input, schema, missing record or
network failure; 3 conflicting write; 4 a file could not be read or written; 130
interrupted.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

from reviewtools import __version__
from reviewtools.cli import assess as assess_commands
from reviewtools.cli import export as export_commands
from reviewtools.cli import literature as literature_commands
from reviewtools.cli import new as new_commands
from reviewtools.cli.common import common_parent, nested_options
from reviewtools.errors import ReviewToolsError, StorageError
from reviewtools.settings import Settings

Handler = Callable[[argparse.Namespace, Settings], int]
# Modules that add sub-commands: each has register(subparsers, common_parent) and sets
# ``func=handler`` where handler(args, settings) -> exit code.
EXTENSIONS: list[Callable[[argparse._SubParsersAction, argparse.ArgumentParser], None]] = []


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(root=args.root, reviewer=getattr(args, "reviewer", None),
                             offline=True if getattr(args, "offline", False) else None)


def cmd_extract(args: argparse.Namespace, settings: Settings) -> int:
    from reviewtools.grading.tables import status_table
    from reviewtools.review import extract_review, open_review
    report = extract_review(args.source, args.review, settings=settings, title=args.title)
    print(report.summary())
    print(status_table([open_review(args.review, settings=settings)]).to_string(index=False))
    return 0


def cmd_claims(args: argparse.Namespace, settings: Settings) -> int:
    from reviewtools.review import open_review
    df = open_review(args.review, settings=settings).claims(include_dropped=args.all)
    if args.format == "json":
        print(json.dumps(df.to_dict(orient="records"), indent=2, ensure_ascii=False))
    elif args.format == "csv":
        from reviewtools.export.formats.csv import neutralise_frame
        sys.stdout.write(neutralise_frame(df).to_csv(index=False))
    else:
        from reviewtools.grading.progress import listing
        cols = ["id", "status", "verdict", "certainty", "flags", "text"]
        if args.all:
            cols.insert(1, "kind")
        print(listing(df.to_dict(orient="records"), cols, widths={"text": 70},
                      wide=getattr(args, "wide", False)))
    return 0


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    from reviewtools.grading.progress import STATUS_COLUMNS, status_rows, text_table
    from reviewtools.store.folders import ReviewFolder, existing_review, list_reviews
    slugs = [args.review] if args.review else list_reviews(settings)
    reviews = [existing_review(s, settings) if args.review else ReviewFolder(s, settings)
               for s in slugs]
    rows = status_rows(reviews)
    print(text_table(rows, STATUS_COLUMNS) if rows else "no reviews")
    return 0


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    from reviewtools.grading.checks import check
    from reviewtools.store.folders import existing_review
    if args.review:
        existing_review(args.review, settings)
    problems = check(settings, [args.review] if args.review else None)
    for p in problems:
        print(p)
    errors = [p for p in problems if p.severity != "warning"]
    warned = f", {len(problems) - len(errors)} warning(s)" if len(problems) > len(errors) else ""
    print(f"{len(errors)} problem(s){warned}" if errors else f"ok: no problems found{warned}",
          file=sys.stderr)
    return 1 if errors else 0


def cmd_edit(args: argparse.Namespace, settings: Settings) -> int:
    from reviewtools.review import open_review
    review = open_review(args.review, settings=settings)
    by = settings.reviewer
    if args.action == "split":
        made = review.split(args.claim, args.parts, by=by, spans=args.span)
        print("created " + ", ".join(c.id for c in made) + f"; {args.claim} is now their "
              "container (not a claim itself)")
    elif args.action == "propose-split":
        parts = review.propose_split(args.claim)
        for p in parts:
            print(f"{p['text']}\t[{p['span']}]")
        if not parts:
            print(f"{args.claim} asserts one outcome; nothing to split")
    elif args.action == "promote":
        claim = review.promote(args.claim, by=by, kind=args.kind)
        print(f"{claim.id} is now a claim ({claim.kind}, {claim.status})")
    elif args.action == "topic":
        moved = review.set_topic(args.claims, args.topic, by=by)
        print(f"moved {', '.join(c.id for c in moved)} to topic {args.topic!r}")
    elif args.action == "merge":
        print("created " + review.merge(args.claims, by=by).id)
    elif args.action == "drop":
        review.drop(args.claim, reason=args.reason, by=by)
        print(f"dropped {args.claim}")
    elif args.action == "add":
        print("created " + review.add(args.text, by=by, section=args.section).id)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reviewtools", description=(
        "Review the claims of an uncited article: extract claims, find and appraise studies, "
        "grade certainty (GRADE), and export a sourced summary."))
    parser.add_argument("--version", action="version", version=f"reviewtools {__version__}")
    common = common_parent()
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("extract", parents=[common], help="import an article and extract claims",
                       description="Snapshot SOURCE (a .txt, .md or .html file, or an http(s) "
                       "URL) into evidence/SLUG/ and extract its claims. Re-running on an edited "
                       "article re-anchors existing claims and reports orphans; nothing is lost.")
    p.add_argument("source", help="file path or http(s) URL")
    p.add_argument("--review", required=True, metavar="SLUG", help="review name, e.g. "
                   "sauna")
    p.add_argument("--title", help="title to record (default: the article's own)")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("claims", parents=[common], help="list a review's claims",
                       description="List the claims of review SLUG with their flags and "
                       "judgements.")
    p.add_argument("review", metavar="SLUG")
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.add_argument("--all", action="store_true", help="include dropped claims, sentences not "
                   "treated as claims and split containers")
    p.set_defaults(func=cmd_claims)

    p = sub.add_parser("status", parents=[common], help="progress per section",
                       description="Print claims, reviewed, graded, disputed and to-do counts "
                       "per section for one review or all.")
    p.add_argument("review", nargs="?", metavar="SLUG")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("check", parents=[common], help="validate a review (exit 1 on problems)",
                       description="Check every claim has a verdict or is to-do, every cited "
                       "key is in references.bib with a DOI/PMID and a verification stamp, "
                       "every cited study is appraised, overrides are justified, no retracted "
                       "study supports a claim unflagged, and anchors match the snapshot.")
    p.add_argument("review", nargs="?", metavar="SLUG")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("claim", parents=[common], help="split, merge, drop or add claims",
                       description="Edit the claim list of a review by hand.")
    p.add_argument("review", metavar="SLUG")
    nested = nested_options(common)
    actions = p.add_subparsers(dest="action", required=True)
    a = actions.add_parser("split", parents=[nested],
                           help="split a compound claim into parts (the sentence's words or "
                           "your own wording of one proposition each)")
    a.add_argument("claim")
    a.add_argument("parts", nargs="+")
    a.add_argument("--span", action="append", metavar="WORDS",
                   help="the words of the sentence a reworded part comes from (once per part, "
                   "in order; default: the whole sentence)")
    a = actions.add_parser("propose-split", parents=[nested],
                           help="print the parts a compound claim could be split into")
    a.add_argument("claim")
    a = actions.add_parser("promote", parents=[nested],
                           help="treat a sentence not treated as a claim as a claim")
    a.add_argument("claim")
    a.add_argument("--kind", choices=["health-claim", "harm-claim"], default="health-claim")
    a = actions.add_parser("topic", parents=[nested],
                           help="move claims to an outcome topic (articles without headings)")
    a.add_argument("topic")
    a.add_argument("claims", nargs="+")
    a = actions.add_parser("merge", parents=[nested], help="merge claims into one")
    a.add_argument("claims", nargs="+")
    a = actions.add_parser("drop", parents=[nested], help="mark a claim as not a claim")
    a.add_argument("claim")
    a.add_argument("--reason", required=True)
    a = actions.add_parser("add", parents=[nested], help="add a claim the extractor missed")
    a.add_argument("text")
    a.add_argument("--section")
    p.set_defaults(func=cmd_edit)

    for extend in EXTENSIONS:
        extend(sub, common)
    return parser


def _load_extensions() -> None:
    for register in (new_commands.register, literature_commands.register,
                     export_commands.register, assess_commands.register):
        if register not in EXTENSIONS:
            EXTENSIONS.append(register)


def main(argv: Sequence[str] | None = None) -> int:
    _load_extensions()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args, _settings(args))
    except ReviewToolsError as exc:
        print(f"reviewtools: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("reviewtools: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # one the library did not name (it names disk and file errors)
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        print(f"reviewtools: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return StorageError.exit_code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
