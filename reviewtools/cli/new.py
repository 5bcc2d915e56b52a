"""CLI commands that start a review (``reviewtools new``, ``reviewtools protocol``), move it
onto profiles (``migrate``) and write its notebooks from the evidence (``notebooks``).

Registered by :mod:`reviewtools.cli.main` through :func:`register`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from reviewtools.cli.common import nested_options
from reviewtools.settings import Settings


def cmd_new(args: argparse.Namespace, settings: Settings) -> int:
    from reviewtools.notebook.scaffold import scaffold_notebooks
    from reviewtools.review import new_review, open_review
    report = new_review(args.source, args.review, settings=settings,
                        intervention=args.intervention, url=args.url, title=args.title,
                        by=settings.reviewer)
    print(report.summary())
    review = open_review(args.review, settings=settings)
    print(f"protocol: {review.protocol_path.relative_to(settings.root)} "
          f"({review.protocol.status}: fill it in before appraising studies)")
    folder = Path(args.notebooks) if args.notebooks else settings.root / "notebooks" / review.slug
    made = scaffold_notebooks(review, folder)
    for path in made:
        shown = path.relative_to(settings.root) if path.is_relative_to(settings.root) else path
        print(f"notebook: {shown}")
    if not made:
        print(f"notebooks: all present in {folder} (delete one to have it made again)")
    return 0


def cmd_protocol_init(args: argparse.Namespace, settings: Settings) -> int:
    from reviewtools.review import open_review, write_protocol
    review = open_review(args.review, settings=settings)
    written = write_protocol(review, args.intervention, by=settings.reviewer)
    where = review.protocol_path.relative_to(settings.root)
    print(f"wrote {where}" if written else f"{where} exists; left as it is")
    return 0


def cmd_protocol_show(args: argparse.Namespace, settings: Settings) -> int:
    from reviewtools.review import open_review
    p = open_review(args.review, settings=settings).protocol
    print(f"{p.review} ({p.status}, revision {p.revision}): {p.question}")
    print(f"intervention: {p.intervention.name}")
    for r in p.intervention.related:
        print(f"  related: {r.name} ({r.relation})")
    for c in p.comparators:
        print(f"comparator {c.id}: {c.kind}")
    for o in p.outcomes:
        print(f"outcome {o.id}: {o.name} ({o.importance}, {o.direction})")
    print(f"search: {', '.join(p.search.sources)}; blocks: "
          + "; ".join(f"{b.name} = {' OR '.join(b.terms)}" for b in p.search.blocks))
    print(f"team: {p.team.mode} ({', '.join(p.team.reviewers) or 'no one named'})")
    return 0


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    from reviewtools.review import migrate_review, open_review
    review = open_review(args.review, settings=settings)
    report = migrate_review(review, dry_run=args.dry_run)
    verb = "would propose" if args.dry_run else "proposed"
    print(f"{review.slug}: {verb} {len(report.profiles)} evidence profile(s) from "
          f"{sum(len(v) for v in report.mapping.values())} claim-profile mapping(s); "
          f"{len(report.unplaced)} link(s) left for the reviewer to place")
    for pid, profile in report.profiles.items():
        rating = profile.rating
        print(f"  {pid}: {len(profile.entries)} entr{'y' if len(profile.entries) == 1 else 'ies'}"
              + (f", {rating.studies} counted, {rating.certainty} (proposal)" if rating else ""))
    for claim_id, key, reason in report.unplaced:
        print(f"  not placed: {claim_id} {key}: {reason}")
    for pid, reason in report.unrated:
        print(f"  not rated: {pid}: {reason}")
    return 0


def cmd_notebooks(args: argparse.Namespace, settings: Settings) -> int:
    from reviewtools.notebook.record import default_folder, record_notebooks
    from reviewtools.review import open_review
    review = open_review(args.review, settings=settings)
    folder = Path(args.out) if args.out else default_folder(settings.root, review.slug)
    written = record_notebooks(review, folder)
    for path in written:
        shown = path.relative_to(settings.root) if path.is_relative_to(settings.root) else path
        print(f"wrote {shown}")
    if not written:
        print(f"notebooks in {folder} already record the evidence as it stands")
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``new`` and ``protocol`` to the ``reviewtools`` parser."""
    p = sub.add_parser("new", parents=[common], help="start a review of an article",
                       description="Snapshot SOURCE and extract its claims (as extract does), "
                       "record the article's original URL, write a draft protocol to fill in "
                       "(evidence/SLUG/protocol.yaml) and make the review's notebooks "
                       "(notebooks/SLUG/: an overview, one per section, the export). Existing "
                       "notebooks and an existing protocol are left as they are.")
    p.add_argument("source", help="file path or http(s) URL")
    p.add_argument("--review", required=True, metavar="SLUG", help="review name, e.g. sauna")
    p.add_argument("--intervention", required=True, help="what the article is about, as a "
                   "reviewer would name it, e.g. 'sauna bathing'")
    p.add_argument("--url", help="where the article was published (for a saved file; "
                   "a URL SOURCE is its own)")
    p.add_argument("--title", help="title to record (default: the article's own)")
    p.add_argument("--notebooks", metavar="DIR", help="where the notebooks go "
                   "(default: notebooks/SLUG)")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("protocol", parents=[common], help="the review's protocol",
                       description="Write a draft protocol for an existing review, or show "
                       "the protocol (validated).")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    leaf = nested_options(common)
    a = actions.add_parser("init", parents=[leaf],
                           help="write a draft protocol (kept if one exists)")
    a.add_argument("review", metavar="SLUG")
    a.add_argument("--intervention", required=True)
    a.set_defaults(func=cmd_protocol_init)
    a = actions.add_parser("show", parents=[leaf], help="validate and print the protocol")
    a.add_argument("review", metavar="SLUG")
    a.set_defaults(func=cmd_protocol_show)

    p = sub.add_parser("migrate", parents=[common], help="move a review onto evidence profiles",
                       description="Propose evidence profiles (outcome x comparison) from the "
                       "claims' links, rate them by the GRADE rules as proposals awaiting a "
                       "reviewer, name each claim's profiles, and move the files to the current "
                       "schema_version. Reviewers' grades, verdicts and history are kept.")
    p.add_argument("review", metavar="SLUG")
    p.add_argument("--dry-run", action="store_true", help="report, write nothing")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("notebooks", parents=[common], help="write the notebooks from the evidence",
                       description="Rewrite the review's notebooks so they record its decisions "
                       "as they stand in the evidence files (claims, links, grades and verdicts, "
                       "profiles, screening, ratings, statements); running them changes "
                       "nothing. Claims stay in the notebook that lists them.")
    p.add_argument("review", metavar="SLUG")
    p.add_argument("--out", metavar="DIR", help="the notebook folder (default: notebooks/ when "
                   "its notebooks open this review, else notebooks/SLUG)")
    p.set_defaults(func=cmd_notebooks)
