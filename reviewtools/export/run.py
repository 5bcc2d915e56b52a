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

__all__ = ["export_review", "default_out_dir", "screenshot", "screenshot_set", "FORMATS",
           "DEFAULT_FORMATS"]

CHROMIUM = "/usr/bin/chromium"
CHROME_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]


def default_out_dir(review: ReviewFolder) -> Path:
    """``<root>/exports/<slug>``."""
    return review.settings.root / "exports" / review.slug


def export_review(review: ReviewFolder, formats: str | Sequence[str] | None = None,
                  out_dir: str | Path | None = None, style: str | None = None, *,
                  base_url: str | None = None, intervention: str | None = None,
                  final: bool = False, problems: list[str] | None = None) -> list[Path]:
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
    final : refuse (:class:`NotReadyError`, naming the problems) a review that is
        incomplete or fails ``reviewtools check``; by default such a review is exported as
        a draft, every page saying so and what is missing (:func:`export_problems`)
    problems : those problems when the caller has them already (None: found here)

    Returns
    -------
    list of Path : every file written, in format order.

    Raises
    ------
    InputError : an unknown format or style
    NotReadyError : ``final`` and the review is incomplete or fails ``check`` (nothing
        written)
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
    ctx.problems = export_problems(review) if problems is None else list(problems)
    if final and ctx.problems:
        raise not_ready(review, ctx.problems)
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


def completeness_problems(review: ReviewFolder) -> list[str]:
    """What an unfinished review still lacks: claims without a verdict, disputed claims."""
    from reviewtools.export.wording import plural
    claims = review.load_claims(include_dropped=False)
    out = []
    open_ = [c.id for c in claims if c.verdict is None and c.status != "disputed"]
    disputed = [c.id for c in claims if c.status == "disputed"]
    if open_:
        out.append(f"{len(open_)} of {plural(len(claims), 'claim')} not yet assessed: "
                   + ", ".join(open_[:12]) + (", …" if len(open_) > 12 else ""))
    if disputed:
        out.append(f"{plural(len(disputed), 'claim')} disputed between reviewers: "
                   + ", ".join(disputed[:12]) + (", …" if len(disputed) > 12 else ""))
    return out


def export_problems(review: ReviewFolder) -> list[str]:
    """Why an export of ``review`` would be a draft: what is unfinished, then what
    ``check`` finds (empty: the review may be exported as final)."""
    return completeness_problems(review) + check_problems(review)


def not_ready(review: ReviewFolder, problems: list[str], *, shown: int = 5) -> NotReadyError:
    """The error for a final export of a review with ``problems``."""
    from reviewtools.export.wording import plural
    more = f"; and {len(problems) - shown} more" if len(problems) > shown else ""
    return NotReadyError(f"review '{review.slug}' is not ready for a final export "
                         f"({plural(len(problems), 'problem')}): "
                         + "; ".join(problems[:shown]) + more,
                         hint="finish it (see `reviewtools status` and `reviewtools check`), "
                         "or export without --final to get a marked draft")


def _playwright():  # noqa: ANN202 - playwright's module
    try:
        from playwright import sync_api
    except ImportError:
        raise ExportError("screenshots need the playwright package",
                          hint="pip install playwright") from None
    return sync_api


def _chromium(chromium: str | None) -> str:
    exe = chromium or shutil.which("chromium") or CHROMIUM
    if not Path(exe).exists():
        raise ExportError(f"Chromium not found at {exe}", hint="install Debian's chromium")
    return exe


def _shoot(browser, html: Path, png: Path, *, width: int, height: int,  # noqa: ANN001
           full_page: bool, javascript: bool, click: str | None,
           at: str | None = None) -> Path:
    url = html.as_uri()
    context = browser.new_context(java_script_enabled=javascript,
                                  viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        page.route("**/*", lambda route: route.continue_() if route.request.url == url
                   else route.abort())
        page.goto(url, wait_until="load")
        if at:
            page.locator(at).first.evaluate("e => e.scrollIntoView()")
            page.wait_for_timeout(100)
        if click:
            target = page.locator(click).first
            target.scroll_into_view_if_needed()
            target.click()
            page.wait_for_timeout(250)
        partial = png.with_name(f".{png.name}.partial.png")
        page.screenshot(path=str(partial), full_page=full_page)
    finally:
        context.close()
    partial.replace(png)
    return png


def screenshot(html: str | Path, png: str | Path, *, width: int = 1100, height: int = 800,
               chromium: str | None = None, full_page: bool = True, javascript: bool = False,
               click: str | None = None) -> Path:
    """Render an exported HTML file in headless Chromium and save a PNG screenshot.

    JavaScript is off unless ``javascript`` (then ``click``, a CSS selector, is clicked
    first), and every request other than the file itself is refused. Needs the
    ``playwright`` package and Debian's ``chromium`` (``/usr/bin/chromium``).
    """
    return screenshots([(html, png, {"width": width, "height": height, "full_page": full_page,
                                     "javascript": javascript, "click": click})],
                       chromium=chromium)[0]


def screenshots(shots: Sequence[tuple[str | Path, str | Path, dict]], *,
                chromium: str | None = None) -> list[Path]:
    """Several screenshots with one browser: (html, png, options of :func:`screenshot`)."""
    jobs = [(Path(h).resolve(), Path(p), o) for h, p, o in shots]
    for html, _, _ in jobs:
        if not html.is_file():
            raise ExportError(f"no HTML to render at {html}",
                              hint="run `reviewtools export` first")
    exe = _chromium(chromium)
    api = _playwright()
    out: list[Path] = []
    try:
        with api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=exe, args=CHROME_ARGS)
            try:
                for html, png, opts in jobs:
                    png.parent.mkdir(parents=True, exist_ok=True)
                    out.append(_shoot(browser, html, png, **{
                        "width": 1100, "height": 800, "full_page": True, "javascript": False,
                        "click": None, **opts}))
            finally:
                browser.close()
    except api.Error as exc:
        raise ExportError(f"Chromium could not render: {exc}".splitlines()[0]) from None
    return out


#: The screenshots ``reviewtools screenshot SLUG --set`` takes: (page, name, width, height,
#: JavaScript on, a selector to click first, a selector to scroll to first).
SHOT_SET = (
    ("summary.html", "summary-1280.png", 1280, 900, False, None, None),
    ("summary.html", "summary-390.png", 390, 844, False, None, None),
    ("summary.html", "summary-claim-1280.png", 1280, 900, False, None, "section.level3"),
    ("summary.html", "summary-claim-390.png", 390, 844, False, None, "section.level3"),
    ("article.html", "article-1280.png", 1280, 900, True, "a.claim", None),
    ("article.html", "article-390.png", 390, 844, True, "a.claim", None),
)


def screenshot_set(folder: str | Path, out_dir: str | Path | None = None, *,
                   chromium: str | None = None) -> list[Path]:
    """The published page and the annotated article at desktop (1280 px) and phone (390 px)
    widths, one screen each (small PNGs), into ``out_dir`` (default ``folder/screenshots``).
    The article shots show the note of its first claim, opened by a click."""
    folder = Path(folder)
    out = Path(out_dir) if out_dir else folder / "screenshots"
    shots = [(folder / page, out / name, {"width": w, "height": h, "full_page": False,
                                          "javascript": js, "click": click, "at": at})
             for page, name, w, h, js, click, at in SHOT_SET]
    return screenshots(shots, chromium=chromium)
