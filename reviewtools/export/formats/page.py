"""The summary as a page to publish: Pandoc's HTML in a template and stylesheet of our own.

The page is one self-contained file (styles inline, figures inlined as SVG, no script, no
request to anywhere: a Content-Security-Policy says so to the browser too). It has a contents
sidebar on a wide screen, a sticky bar of section links on a phone, a measure of about 70
characters, and print styles that :func:`write_pdf` uses to make ``summary.pdf`` with
headless Chromium.

Untrusted text never reaches the template: the title and date are Pandoc metadata (escaped
Markdown, rendered as text) and everything else is in the body. :func:`inline_svgs` only
replaces ``<img>`` elements that point at our own ``figures/*.svg`` files.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from reviewtools.errors import ExportError
from reviewtools.export.context import ExportContext

CHROMIUM = "/usr/bin/chromium"
CHROME_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
       "script-src 'none'; form-action 'none'; base-uri 'none'")

# Okabe-Ito hues as borders; light fills with dark text (contrast above 7:1) for the badges.
VERDICT_STYLE = {
    "supported": ("#009E73", "#DDF3EA", "#0A4A35"),
    "partly-supported": ("#56B4E9", "#E1F0FA", "#0B3E63"),
    "uncertain": ("#E69F00", "#FCEFD2", "#5A3A00"),
    "not-supported": ("#D55E00", "#FBE3D5", "#6E2A00"),
    "contradicted": ("#CC79A7", "#F6E2EE", "#5E1A45"),
    "not-testable": ("#8A8A8A", "#ECECEC", "#2E2E2E"),
    "no-evidence": ("#8A8A8A", "#F2F2F2", "#2E2E2E"),
    "not-assessed": ("#6B6B6B", "#FFFFFF", "#2E2E2E"),
    "disputed": ("#B00020", "#FFF1F2", "#6B0013"),
}


def verdict_css(selector: str = ".verdict") -> str:
    """One rule per verdict class: border, fill and text colour."""
    return "\n".join(f"{selector}.v-{name} {{ border-color: {edge}; background: {fill}; "
                     f"color: {ink}; }}" for name, (edge, fill, ink) in VERDICT_STYLE.items())


CSS = """
:root { --ink: #1b1b1f; --muted: #50505a; --rule: #d7d7de; --paper: #fff; --link: #0645ad;
  --measure: 70ch; --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue",
  Arial, sans-serif; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: var(--paper);
  font: 1.0625rem/1.6 Charter, "Bitstream Charter", "Sitka Text", Cambria, Georgia, serif; }
a { color: var(--link); }
h1, h2, h3, nav, table, figcaption, .byline, .verdict, .draft-banner, .kicker, .date {
  font-family: var(--sans); }
h1.title { font-size: clamp(1.6rem, 1.1rem + 2.2vw, 2.4rem); line-height: 1.2; margin: .2em 0; }
h2 { font-size: 1.45rem; line-height: 1.25; margin: 2.4rem 0 .8rem;
  padding-top: .6rem; border-top: 2px solid var(--ink); }
h3 { font-size: 1.12rem; line-height: 1.35; margin: 0 0 .5rem; }
h2, h3, section[id], div[id] { scroll-margin-top: 1rem; }
.skip { position: absolute; left: -9999px; }
.skip:focus { left: 1rem; top: 1rem; z-index: 20; background: #fff; padding: .5rem 1rem; }
.page { display: grid; grid-template-columns: 15rem minmax(0, 70ch); column-gap: 3rem;
  justify-content: center; margin: 0 auto; padding: 0 1.5rem 4rem; }
nav#contents { grid-column: 1; position: sticky; top: 0; align-self: start;
  max-height: 100vh; overflow-y: auto; padding: 2.2rem 0 1rem; font-size: .92rem; }
nav#contents .nav-title { font-weight: 700; margin: 0 0 .5rem; text-transform: uppercase;
  letter-spacing: .06em; font-size: .78rem; color: var(--muted); }
nav#contents ul { list-style: none; margin: 0; padding: 0; }
nav#contents li a { display: block; padding: .3rem .6rem; border-left: 3px solid transparent;
  color: var(--ink); text-decoration: none; line-height: 1.3; }
nav#contents li a:hover, nav#contents li a:focus { border-left-color: var(--link);
  background: #f2f4f8; }
main { grid-column: 2; max-width: var(--measure); min-width: 0; overflow-wrap: break-word; }
header.masthead { padding: 2.2rem 0 .5rem; }
.kicker { margin: 0; text-transform: uppercase; letter-spacing: .08em; font-size: .8rem;
  color: var(--muted); font-weight: 600; }
.date { margin: 0; color: var(--muted); font-size: .95rem; }
.byline { color: var(--muted); font-size: .95rem; border-bottom: 1px solid var(--rule);
  padding-bottom: .8rem; }
.byline p { margin: .2rem 0; }
.draft-banner { border: 3px solid #B00020; background: #FFF1F2; color: #4A000D;
  padding: .8rem 1.1rem; margin: 1rem 0; border-radius: .4rem; }
.draft-banner p { margin: .2rem 0; }
.draft-banner ul { margin: .4rem 0 0; padding-left: 1.2rem; font-size: .92rem; }
section.level3 { border-top: 1px solid var(--rule); padding-top: 1.1rem; margin-top: 1.6rem; }
.verdict { display: inline-block; font-size: .78rem; font-weight: 700; line-height: 1.3;
  padding: .12em .55em; border: 2px solid; border-radius: .4em; vertical-align: .12em;
  white-space: nowrap; margin-left: .2em; }
.sep { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap; }
.bottom-line { font-size: 1.06rem; background: #f6f7f9; border-radius: .4rem;
  padding: .55rem .8rem; margin: .4rem 0 .8rem; }
.bottom-line p { margin: 0; }
blockquote { margin: .8rem 0; padding: .1rem 0 .1rem 1rem; border-left: 4px solid var(--rule);
  color: #33333a; font-style: italic; }
li { margin: .25rem 0; }
.table-wrap { overflow-x: auto; margin: 1rem 0; max-width: 100%; }
.table-wrap table { min-width: 36rem; }
.table-wrap td:last-child { min-width: 18rem; }  /* the SoF statement: readable rows */
table { border-collapse: collapse; font-size: .88rem; line-height: 1.4; width: 100%; }
th, td { border-bottom: 1px solid var(--rule); padding: .4rem .55rem; text-align: left;
  vertical-align: top; }
th { border-bottom: 2px solid var(--ink); }
caption { caption-side: bottom; text-align: left; color: var(--muted); font-size: .85rem;
  padding-top: .4rem; }
figure { margin: 1.4rem 0; }
figcaption { color: var(--muted); font-size: .88rem; margin-top: .4rem; }
.figure-scroll { overflow-x: auto; }
.figure-scroll svg { display: block; width: 100%; height: auto; }
.scroll-hint { display: none; font-family: var(--sans); font-size: .8rem; color: var(--muted);
  margin: 0 0 .2rem; }
div.csl-entry { clear: both; margin-bottom: .6em; overflow-wrap: anywhere; }
div.csl-left-margin { float: left; min-width: 2.2em; }
div.csl-right-inline { margin-left: 2.2em; }
.hanging-indent div.csl-entry { margin-left: 2em; text-indent: -2em; }
@media (max-width: 60rem) {
  .page { display: block; padding: 0 0 3rem; }
  nav#contents { position: sticky; top: 0; z-index: 10; max-height: none; overflow: visible;
    padding: 0; background: rgba(255, 255, 255, .97); border-bottom: 1px solid var(--rule); }
  nav#contents .nav-title { position: absolute; width: 1px; height: 1px; overflow: hidden;
    clip: rect(0 0 0 0); }
  nav#contents ul { display: flex; gap: .4rem; overflow-x: auto; white-space: nowrap;
    padding: .5rem 1rem; scrollbar-width: thin; }
  nav#contents li { margin: 0; }
  nav#contents li a { border: 1px solid var(--rule); border-radius: 999px;
    padding: .45rem .8rem; background: #fff; }
  main { padding: 0 1rem; max-width: none; }
  h2, h3, section[id], div[id] { scroll-margin-top: 4.2rem; }
  .scroll-hint { display: block; }
  .figure-scroll svg { min-width: var(--min-width, 100%); }
  body { font-size: 1.03rem; }
}
@media print {
  @page { size: A4; margin: 16mm 15mm 18mm; }
  body { font-size: 10.5pt; line-height: 1.45; }
  table, .byline, figcaption, .verdict { font-size: 8.5pt; }
  nav#contents, .skip, .scroll-hint { display: none; }
  .page { display: block; max-width: none; padding: 0; }
  main { max-width: none; }
  h2 { break-before: auto; break-after: avoid; }
  h3 { break-after: avoid; }
  figure, table, .bottom-line, .draft-banner, blockquote { break-inside: avoid; }
  .figure-scroll, .table-wrap { overflow: visible; }
  .figure-scroll svg { min-width: 0; max-height: 24cm; }
  a { color: inherit; }
  .verdict, .draft-banner, .bottom-line { -webkit-print-color-adjust: exact;
    print-color-adjust: exact; }
}
"""

TEMPLATE = """<!DOCTYPE html>
<html lang="$lang$">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="@CSP@">
<meta name="generator" content="reviewtools (Pandoc)">
<title>$pagetitle$</title>
<style>
@CSS@
</style>
</head>
<body>
<a class="skip" href="#main">Skip to the review</a>
<div class="page">
<nav id="contents" aria-label="Contents">
<p class="nav-title">Contents</p>
$table-of-contents$
</nav>
<main id="main">
<header class="masthead">
<p class="kicker">Evidence review</p>
<h1 class="title">$title$</h1>
</header>
$body$
</main>
</div>
</body>
</html>
"""


def template() -> str:
    """The Pandoc HTML template with the stylesheet and policy filled in."""
    css = CSS + verdict_css()
    return TEMPLATE.replace("@CSS@", css).replace("@CSP@", CSP)


_IMG = re.compile(r'<img src="(figures/[A-Za-z0-9._-]+\.svg)"([^>]*?)\s*/?>')
_ALT = re.compile(r'alt="([^"]*)"')
_PROLOGUE = re.compile(r"<\?xml.*?\?>|<!DOCTYPE.*?>|<metadata>.*?</metadata>", re.DOTALL)
_SVG_OPEN = re.compile(r"<svg\b([^>]*)>")
_VIEWBOX = re.compile(r'viewBox="[\d.]+ [\d.]+ ([\d.]+) ([\d.]+)"')
_IDREF = re.compile(r'(\bid="|url\(#|href="#)([^")]+)')
MIN_SCALE = 1.15  # on a phone, a figure is at least this many CSS px per SVG unit wide


def svg_markup(svg: str, prefix: str, label: str) -> str:
    """A matplotlib SVG ready to sit inside HTML: no prologue, its ids prefixed (figures do
    not clash), sized by CSS, labelled for screen readers; returns the ``<svg>`` element."""
    svg = _PROLOGUE.sub("", svg).strip()
    ids = set(re.findall(r'\bid="([^"]+)"', svg))
    svg = _IDREF.sub(lambda m: m.group(1) + (f"{prefix}-{m.group(2)}" if m.group(2) in ids
                                             else m.group(2)), svg)
    m = _SVG_OPEN.search(svg)
    if m is None:
        raise ExportError(f"not an SVG figure ({prefix})")
    attrs = re.sub(r'\s(width|height)="[^"]*"', "", m.group(1))
    box = _VIEWBOX.search(attrs)
    width = f' style="--min-width: {float(box.group(1)) * MIN_SCALE:.0f}px"' if box else ""
    opening = f'<svg{attrs} role="img" aria-label="{label}"{width}>'
    return svg[:m.start()] + opening + svg[m.end():]


def inline_svgs(html: str, folder: Path) -> str:
    """Replace each ``<img src="figures/NAME.svg">`` Pandoc wrote with the SVG itself, in a
    box that scrolls sideways on a phone rather than shrinking the figure to a thumbnail."""
    count = 0

    def swap(m: re.Match[str]) -> str:
        nonlocal count
        count += 1
        path = folder / m.group(1)
        try:
            svg = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ExportError(f"cannot read the figure {m.group(1)}: {exc.strerror}",
                              path=path) from None
        alt = _ALT.search(m.group(2))
        label = alt.group(1) if alt else "Figure"
        return ('<p class="scroll-hint" aria-hidden="true">Scroll sideways to see the whole '
                f'figure.</p><div class="figure-scroll" tabindex="0" role="group" '
                f'aria-label="{label}">{svg_markup(svg, f"fig{count}", label)}</div>')

    return _IMG.sub(swap, html)


def wrap_tables(html: str) -> str:
    """Each table in a box that scrolls sideways on a narrow screen (keyboard-reachable)."""
    html = re.sub(r"<table(\s[^>]*)?>", lambda m: '<div class="table-wrap" tabindex="0" '
                  'role="group" aria-label="Table (scrolls sideways)">' + m.group(0), html)
    return html.replace("</table>", "</table></div>")


def finish_html(data: bytes, folder: Path) -> bytes:
    """Pandoc's HTML made the page: figures inlined, tables wrapped."""
    html = data.decode("utf-8")
    return wrap_tables(inline_svgs(html, folder)).encode("utf-8")


# ---- PDF -------------------------------------------------------------------------------------

def chromium_path() -> str:
    """Debian's Chromium, or :class:`ExportError` saying how to get it."""
    exe = shutil.which("chromium") or CHROMIUM
    if not Path(exe).exists():
        raise ExportError(f"the PDF needs Chromium, and none was found at {CHROMIUM} or on PATH",
                          hint="install Debian's chromium (apt-get install chromium), or "
                          "export without pdf")
    return exe


def html_to_pdf(html: Path, *, chromium: str | None = None) -> bytes:
    """Print ``html`` to PDF with headless Chromium (print styles, A4, no network)."""
    exe = chromium or chromium_path()
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise ExportError("the PDF needs the playwright package",
                          hint="pip install playwright (Chromium itself is Debian's)") from None
    url = html.resolve().as_uri()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=exe, args=CHROME_ARGS)
            try:
                page = browser.new_context(java_script_enabled=False).new_page()
                page.route("**/*", lambda r: r.continue_() if r.request.url == url
                           else r.abort())
                page.goto(url, wait_until="load")
                return page.pdf(format="A4", print_background=True, prefer_css_page_size=True,
                                display_header_footer=True, header_template="<span></span>",
                                footer_template='<div style="font: 8px sans-serif; width: 100%;'
                                ' text-align: center; color: #555;"><span class="pageNumber">'
                                '</span> / <span class="totalPages"></span></div>',
                                margin={"top": "16mm", "bottom": "18mm", "left": "15mm",
                                        "right": "15mm"})
            finally:
                browser.close()
    except PlaywrightError as exc:
        raise ExportError(f"Chromium could not print {html.name}: {exc}".splitlines()[0]) \
            from None


_PDF_DATES = re.compile(rb"/(CreationDate|ModDate) \(D:[0-9+\-Z']+\)")


def pdf_dated(data: bytes, ctx: ExportContext) -> bytes:
    """The PDF with its creation dates set to the review's date (same data, same bytes)."""
    stamp = ("D:" + ctx.date[:10].replace("-", "") + "000000Z").encode()
    return _PDF_DATES.sub(lambda m: b"/" + m.group(1) + b" (" + stamp + b")", data)
