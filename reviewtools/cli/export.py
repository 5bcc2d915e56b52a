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
    if args.draft:
        from reviewtools.export.run import check_problems
        problems = check_problems(review)
        if problems:
            print(f"reviewtools: warning: exporting a draft; check finds {len(problems)} "
                  f"problem(s), first: {problems[0]}", file=sys.stderr)
    paths = export_review(review, args.format, out,
                          args.csl, base_url=args.base_url, draft=args.draft)
    for path in paths:
        print(path)
    print(f"{len(paths)} file(s) written")
    return 0


def cmd_screenshot(args: argparse.Namespace, settings: Settings) -> int:
    from reviewtools.export.run import export_review, screenshot
    from reviewtools.review import open_review
    folder = _under_root(settings, None, f"exports/{args.review}")
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
    p.add_argument("--draft", action="store_true", help="export even if `reviewtools check` "
                   "finds problems in this review (without it such a review is refused, exit 1)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "screenshot", parents=[common], help="render the exported HTML to a PNG",
        description="Open exports/SLUG/summary.html (exporting it first if missing) in "
        "headless Chromium (/usr/bin/chromium, via playwright; JavaScript off, no network) "
        "and save a full-page screenshot.")
    p.add_argument("review", metavar="SLUG")
    p.add_argument("--out", metavar="PNG", help="output file (default: "
                   "exports/SLUG/summary.png)")
    p.add_argument("--html", metavar="FILE", help="render this HTML file instead")
    p.add_argument("--width", type=int, default=1100, help="viewport width in pixels")
    p.set_defaults(func=cmd_screenshot)
