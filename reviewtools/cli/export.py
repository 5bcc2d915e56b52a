"""CLI commands for writers: ``reviewtools export`` and ``reviewtools screenshot``.

Registered by :mod:`reviewtools.cli.main` through :func:`register`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reviewtools.settings import Settings


def _under_root(settings: Settings, given: str | None, default: str) -> Path:
    """``given`` (or ``default``) resolved against ``--root`` unless absolute."""
    path = Path(given or default)
    return path if path.is_absolute() else settings.root / path


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from reviewtools.export.run import export_review
    from reviewtools.review import open_review
    review = open_review(args.review, settings=settings)
    out = _under_root(settings, args.out, f"exports/{args.review}")
    from reviewtools.export.run import export_problems, not_ready
    from reviewtools.export.wording import plural
    problems = export_problems(review)
    if problems and args.final:
        print(f"reviewtools: review '{args.review}' is not ready to publish:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        raise not_ready(review, problems)
    paths = export_review(review, args.format, out,
                          args.csl, base_url=args.base_url, final=args.final,
                          problems=problems)
    for path in paths:
        print(path)
    print(f"{plural(len(paths), 'file')} written")
    if problems:
        print(f"reviewtools: warning: exported a draft, marked as such "
              f"({plural(len(problems), 'problem')}; first: {problems[0]}); "
              "--final refuses it", file=sys.stderr)
    return 0


def cmd_screenshot(args: argparse.Namespace, settings: Settings) -> int:
    from reviewtools.export.run import export_review, screenshot, screenshot_set
    from reviewtools.review import open_review
    folder = _under_root(settings, None, f"exports/{args.review}")
    if args.set:
        missing = [n for n in ("summary.html", "article.html") if not (folder / n).is_file()]
        if missing:
            export_review(open_review(args.review, settings=settings), ["html", "article"],
                          folder)
        out_dir = _under_root(settings, args.out, str(folder / "screenshots"))
        for path in screenshot_set(folder, out_dir):
            print(path)
        return 0
    html = _under_root(settings, args.html, str(folder / "summary.html"))
    if not args.html and not html.is_file():
        export_review(open_review(args.review, settings=settings), ["html"], folder)
    out = _under_root(settings, args.out, str(folder / "summary.png"))
    print(screenshot(html, out, width=args.width))
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``export`` and ``screenshot`` to the ``reviewtools`` sub-commands."""
    from reviewtools.export.formats import DEFAULT_FORMATS, FORMATS
    from reviewtools.export.formats.styles import DEFAULT_STYLE, STYLES
    formats = "; ".join(f"{f.name}: {f.label}" for f in FORMATS.values())
    styles = "; ".join(f"{s.name}: {s.label}" for s in STYLES.values())
    p = sub.add_parser(
        "export", parents=[common], help="write the sourced summary and open data formats",
        description="Export review SLUG: a sourced summary (Markdown with Pandoc citations, "
        "HTML and DOCX rendered by Pandoc citeproc), claims.csv, W3C Web Annotations and "
        "schema.org ClaimReview JSON-LD, and figures. The same evidence always gives the "
        f"same files. Formats: {formats}.")
    p.add_argument("review", metavar="SLUG")
    p.add_argument("--format", default=",".join(DEFAULT_FORMATS), metavar="LIST",
                   help=f"comma-separated formats (default: {','.join(DEFAULT_FORMATS)})")
    p.add_argument("--out", metavar="DIR", help="output folder, relative to --root "
                   "(default: exports/SLUG)")
    p.add_argument("--csl", metavar="NAME|PATH", default=None,
                   help=f"citation style for HTML/DOCX (default: {DEFAULT_STYLE}); {styles}; "
                   "or the path of any .csl file")
    p.add_argument("--base-url", metavar="URL", help="where summary.html will be published "
                   "(makes ClaimReview and annotation links absolute)")
    p.add_argument("--final", action="store_true", help="refuse (exit 1, listing the problems) "
                   "a review that is incomplete or fails `reviewtools check`; without it such a "
                   "review is exported as a draft, with a banner saying what is missing")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "screenshot", parents=[common], help="render the exported HTML to a PNG",
        description="Open exports/SLUG/summary.html (exporting it first if missing) in "
        "headless Chromium (/usr/bin/chromium, via playwright; JavaScript off, no network) "
        "and save a full-page screenshot; with --set, one screen each of the summary and of "
        "the annotated article at 1280 and 390 px into exports/SLUG/screenshots/.")
    p.add_argument("review", metavar="SLUG")
    p.add_argument("--out", metavar="PNG", help="output file (default: "
                   "exports/SLUG/summary.png)")
    p.add_argument("--html", metavar="FILE", help="render this HTML file instead")
    p.add_argument("--width", type=int, default=1100, help="viewport width in pixels")
    p.add_argument("--set", action="store_true", help="the summary and the annotated article "
                   "at desktop and phone widths (--out is then a folder)")
    p.set_defaults(func=cmd_screenshot)
