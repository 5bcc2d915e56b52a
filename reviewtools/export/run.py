"""Writers' export: the sourced summary (Markdown, HTML, DOCX), CSV, Web Annotations,
ClaimReview JSON-LD and figures, all from the evidence folder.

>>> import reviewtools as rt                                          # doctest: +SKIP
>>> from reviewtools.export import export_review                      # doctest: +SKIP
>>> export_review(rt.open_review("sauna"), ["md", "html"])     # doctest: +SKIP
[PosixPath('exports/sauna/summary.md'), ...]

Formats are the registry :data:`reviewtools.export.formats.FORMATS`; each has one writer
function. Output is deterministic: the same evidence gives the same bytes.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from reviewtools.errors import ExportError, NotReadyError
from reviewtools.export.context import ExportContext
from reviewtools.export.formats import DEFAULT_FORMATS, FORMATS, parse_formats
from reviewtools.grading.checks import check
from reviewtools.store.folders import ReviewFolder

__all__ = ["export_review", "default_out_dir", "screenshot", "FORMATS", "DEFAULT_FORMATS"]

CHROMIUM = "/usr/bin/chromium"
CHROME_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]


def default_out_dir(review: ReviewFolder) -> Path:
    """``<root>/exports/<slug>``."""
    return review.settings.root / "exports" / review.slug


def export_review(review: ReviewFolder, formats: str | Sequence[str] | None = None,
                  out_dir: str | Path | None = None, style: str | None = None, *,
                  base_url: str | None = None, intervention: str | None = None,
                  draft: bool = False) -> list[Path]:
    """Export ``review`` in each of ``formats`` into ``out_dir``.

    Parameters
    ----------
    review : an open review (:func:`reviewtools.open_review`)
    formats : names from :data:`FORMATS` as a list or 'md,html'; None: all of
        md, html, docx, csv, annotations, claimreview
    out_dir : target folder (default ``<root>/exports/<slug>``)
    style : CSL style name ('ama' default, 'vancouver', 'harvard', 'chicago') or a .csl path
    base_url : where summary.html will be published (ClaimReview ``url``); default relative
    intervention : intervention wording for drafted statements (default from the studies)
    draft : export even if ``reviewtools check`` finds problems in this review (a work in
        progress); by default such a review is refused, naming the problems

    Returns
    -------
    list of Path : every file written, in format order.

    Raises
    ------
    InputError : an unknown format or style
    NotReadyError : the review fails ``check`` and ``draft`` is false (nothing written)
    ExportError : a cited key missing from references.bib, or Pandoc failed
    StorageError : the output folder cannot be written (nothing half-written is left)
    """
    names = parse_formats(formats)
    if style is not None and any(n in ("html", "docx") for n in names):
        from reviewtools.export.formats.pandoc import resolve_style
        resolve_style(style)  # fail before writing anything
    ctx = ExportContext(review=review, out_dir=Path(out_dir) if out_dir else
                        default_out_dir(review), style=style, base_url=base_url,
                        intervention=intervention,
                        confine=None if out_dir else review.settings.root)
    ctx.check_citations()
    if not draft:
        refuse_unchecked(review)
    ctx.prepare()
    paths: list[Path] = []
    for name in names:
        for path in FORMATS[name].load()(ctx):
            if path not in paths:
                paths.append(path)
    return paths


def check_problems(review: ReviewFolder) -> list[str]:
    """The errors ``reviewtools check SLUG`` reports for ``review`` (warnings do not stop an
    export), one string per problem."""
    return [str(p) for p in check(review.settings, [review.slug], cited_only=True)
            if p.severity == "error"]


def refuse_unchecked(review: ReviewFolder, *, shown: int = 5) -> None:
    """Raise :class:`NotReadyError` naming the problems if ``review`` fails ``check``."""
    problems = check_problems(review)
    if problems:
        more = f"; and {len(problems) - shown} more" if len(problems) > shown else ""
        raise NotReadyError(f"review '{review.slug}' fails check ({len(problems)} "
                            f"problem(s)): " + "; ".join(problems[:shown]) + more,
                            hint="fix them (see `reviewtools check`), or export with --draft")


def screenshot(html: str | Path, png: str | Path, *, width: int = 1100,
               chromium: str | None = None, full_page: bool = True) -> Path:
    """Render an exported HTML file in headless Chromium and save a PNG screenshot.

    JavaScript is off and every request other than the file itself is refused.
    Needs the ``playwright`` package and Debian's ``chromium`` (``/usr/bin/chromium``).
    """
    html, png = Path(html).resolve(), Path(png)
    if not html.is_file():
        raise ExportError(f"no HTML to render at {html}", hint="run `reviewtools export` first")
    exe = chromium or shutil.which("chromium") or CHROMIUM
    if not Path(exe).exists():
        raise ExportError(f"Chromium not found at {exe}", hint="install Debian's chromium")
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise ExportError("screenshots need the playwright package",
                          hint="pip install playwright") from None
    png.parent.mkdir(parents=True, exist_ok=True)
    partial = png.with_name(f".{png.name}.partial.png")
    url = html.as_uri()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=exe, args=CHROME_ARGS)
            try:
                page = browser.new_context(java_script_enabled=False,
                                           viewport={"width": width, "height": 800}).new_page()
                page.route("**/*", lambda route: route.continue_() if route.request.url == url
                           else route.abort())
                page.goto(url, wait_until="load")
                page.screenshot(path=str(partial), full_page=full_page)
            finally:
                browser.close()
    except PlaywrightError as exc:
        partial.unlink(missing_ok=True)
        raise ExportError(f"Chromium could not render {html}: {exc}".splitlines()[0]) from None
    partial.replace(png)
    return png
