"""The article, annotated: the snapshot with every claim highlighted in its verdict's colour.

Built from the same W3C Web Annotations that ``annotations.jsonld`` holds
(:func:`reviewtools.export.formats.annotations.annotation`): each highlight is the
annotation's ``TextPositionSelector`` span of the snapshot, and its note shows the
annotation's verdict and certainty tags with the evidence statement and the studies it links.
Claims not yet assessed are marked as such, and sentences dropped from the claim list show
the reviewer's reason.

Selecting a highlight (click, tap, or keyboard focus) shows its note in a side panel (a
bottom sheet on a phone). Every highlight is a link to its note, so without JavaScript the
notes are a list to jump to. All text is HTML-escaped; the one script is ours and the page's
Content-Security-Policy allows only it (by hash), so nothing else can run.
"""

from __future__ import annotations

import hashlib
from base64 import b64encode
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from reviewtools.export.context import ExportContext, claim_anchor
from reviewtools.export.formats.annotations import annotation, selectors, source_iri, study_url
from reviewtools.export.formats.page import VERDICT_STYLE, verdict_css
from reviewtools.export.wording import plural, short_text
from reviewtools.grading.rules import display
from reviewtools.model.records import VERDICT_LABEL, Claim

VIEW_FILE = "article.html"


@dataclass
class Note:
    """One highlight: a span of the snapshot and what the review says about it."""

    id: str  # HTML id of the note
    start: int
    end: int
    kind: str  # css class: a verdict ('not-supported'), 'not-assessed' or 'dropped'
    label: str  # the verdict (or 'Not treated as a claim') in words
    html: str  # the note's inner HTML (escaped)
    claim: str = ""
    annotation: dict[str, object] = field(default_factory=dict)


def _span(target: dict) -> tuple[int, int] | None:
    for sel in target.get("selector", []):
        if sel.get("type") == "TextPositionSelector":
            return int(sel["start"]), int(sel["end"])
    return None


def _tag(item: dict, name: str) -> str:
    for body in item.get("body", []):
        value = str(body.get("value", ""))
        if body.get("purpose") == "tagging" and value.startswith(f"{name}: "):
            return value[len(name) + 2:]
    return ""


def _studies(ctx: ExportContext, claim: Claim, item: dict) -> str:
    from reviewtools.export.formats.markdown import csl_item
    linked = {str(b.get("source")) for b in item.get("body", [])
              if b.get("purpose") == "linking"}
    rows = []
    for key in dict.fromkeys(lk.key for lk in claim.links):
        fields = csl_item(key, ctx.bib.get(key, {}))
        names = fields.get("author") or []
        first = names[0].get("family") or names[0].get("literal", "") if names else ""
        year = (fields.get("issued") or {}).get("date-parts", [[""]])[0][0]
        who = f"{first}{' et al.' if len(names) > 1 else ''} {year}".strip() or key
        title = str(fields.get("title", ""))
        stances = sorted({lk.stance for lk in claim.links if lk.key == key})
        text = f"{escape(who)}: {escape(short_text(title, 110))} ({escape(', '.join(stances))})"
        url = study_url(fields)
        if url and url in linked:
            text = f'<a href="{escape(url)}" rel="noopener noreferrer">{text}</a>'
        rows.append(f"<li>{text}</li>")
    return (f"<p class=\"n-studies\">{plural(len(rows), 'study', 'studies')}:</p><ul>"
            + "".join(rows) + "</ul>") if rows else "<p>No study linked.</p>"


def _claim_note(ctx: ExportContext, claim: Claim) -> Note | None:
    if claim.verdict is not None:
        item = annotation(ctx, claim)
        value = _tag(item, "verdict") or claim.verdict.value
        certainty = _tag(item, "certainty")
        label = VERDICT_LABEL.get(value, value)
        target = item["target"]
    else:
        item, value, certainty = {}, "not assessed", ""
        label = "Disputed between reviewers" if claim.status == "disputed" else "Not yet assessed"
        target = {"selector": selectors(ctx.review.snapshot, claim)}
    span = _span(target)  # an orphaned claim has no place in the snapshot
    if span is None:
        return None
    kind = value.replace(" ", "-")
    parts = [f'<h2 class="n-head">{escape(short_text(claim.text, 90))}</h2>',
             f'<p><span class="verdict v-{kind}">{escape(label)}</span></p>']
    if claim.verdict is not None:
        certain = None if certainty in ("", "not graded") else certainty
        parts += [f"<p><strong>Certainty of the evidence:</strong> "
                  f"{escape(display(certain))}</p>",
                  f"<p><strong>What the evidence shows:</strong> "
                  f"{escape(ctx.statement(claim))}</p>"]
        if claim.verdict.overstated:
            parts.append("<p><strong>Overstated:</strong> the article states this with more "
                         "certainty than the evidence allows.</p>")
        if claim.verdict.reason.strip():
            parts.append(f"<p><strong>Why:</strong> {escape(claim.verdict.reason.strip())}</p>")
        parts.append(_studies(ctx, claim, item))
    parts.append(f'<p class="n-more">Claim {escape(claim.id)}: <a href="summary.html#'
                 f'{escape(claim_anchor(claim))}">the full assessment in the summary</a></p>')
    return Note(id=f"note-{claim.id}", start=span[0], end=span[1], kind=kind, label=label,
                html="".join(parts), claim=claim.id, annotation=item)


def _dropped_note(ctx: ExportContext, claim: Claim) -> Note | None:
    span = _span({"selector": selectors(ctx.review.snapshot, claim)})
    if span is None:
        return None
    reason = claim.drop_reason.strip() or "no reason recorded"
    html = (f'<h2 class="n-head">{escape(short_text(claim.text, 90))}</h2>'
            f'<p><span class="verdict v-dropped">Not treated as a claim</span></p>'
            f"<p><strong>Reason:</strong> {escape(reason)}</p>")
    return Note(id=f"note-{claim.id}", start=span[0], end=span[1], kind="dropped",
                label="Not treated as a claim", html=html, claim=claim.id)


def notes(ctx: ExportContext) -> list[Note]:
    """Every highlight of the view: the claims (from their annotations), then the dropped
    sentences, each with its span of the snapshot."""
    out = [n for n in (_claim_note(ctx, c) for c in ctx.claims) if n]
    return out + [n for n in (_dropped_note(ctx, c) for c in ctx.dropped) if n]


def _paragraphs(ctx: ExportContext) -> list[tuple[str, int, int]]:
    """(tag, start, end) for each line of the snapshot: headings where sections start."""
    text = ctx.review.snapshot
    starts = {s.start: s.heading for s in ctx.review.meta.sections}
    out, pos = [], 0
    for line in text.split("\n"):
        end = pos + len(line)
        if line.strip():
            heading = starts.get(pos)
            tag = ("h1" if pos == 0 and 0 not in starts else
                   "h2" if heading is not None and line.strip() == heading.strip() else "p")
            out.append((tag, pos, end))
        pos = end + 1
    return out


def _mark_up(text: str, start: int, end: int, items: list[Note]) -> str:
    """The escaped text of [start, end) with each note's span wrapped in a highlight link
    (overlapping spans: the innermost decides the colour, the link opens every note)."""
    inside = [n for n in items if n.start < end and n.end > start]
    cuts = sorted({start, end, *(max(start, n.start) for n in inside),
                   *(min(end, n.end) for n in inside)})
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        piece = escape(text[a:b])
        over = [n for n in inside if n.start <= a and n.end >= b]
        if not over:
            out.append(piece)
            continue
        for n in sorted((n for n in over if n.start == a), key=lambda n: n.start - n.end):
            out.append(f'<span class="tag k-{n.kind}">{escape(n.label)}</span>')
        top = min(over, key=lambda n: (n.end - n.start, n.id))
        ids = " ".join(n.id for n in sorted(over, key=lambda n: n.end - n.start))
        out.append(f'<a class="claim k-{top.kind}" href="#{top.id}" data-notes="{ids}">'
                   f"{piece}</a>")
    return "".join(out)


SCRIPT = """(function () {
  var panel = document.getElementById("panel");
  var hint = document.getElementById("panel-hint");
  var notes = panel.querySelectorAll(".note");
  var current = null;
  document.documentElement.classList.add("js");
  notes.forEach(function (n) { n.hidden = true; });
  function show(link) {
    var ids = (link.getAttribute("data-notes") || "").split(" ");
    notes.forEach(function (n) { n.hidden = ids.indexOf(n.id) < 0; });
    hint.hidden = true;
    if (current) { current.removeAttribute("aria-current"); }
    current = link;
    link.setAttribute("aria-current", "true");
    panel.classList.add("open");
    if (getComputedStyle(panel).position === "fixed") {  // a phone: keep it above the sheet
      var room = window.innerHeight - panel.getBoundingClientRect().height;
      var box = link.getBoundingClientRect();
      if (box.top < 8 || box.bottom > room - 8) {
        window.scrollBy(0, box.top - Math.max(8, (room - box.height) / 3));
      }
    }
  }
  document.querySelectorAll("a.claim").forEach(function (link) {
    link.addEventListener("click", function (e) { e.preventDefault(); show(link); });
    link.addEventListener("focus", function () { show(link); });
  });
  document.getElementById("panel-close").addEventListener("click", function () {
    panel.classList.remove("open");
    if (current) { current.focus({preventScroll: true}); }
  });
})();
"""

CSS = """
:root { --ink: #1b1b1f; --muted: #50505a; --rule: #d7d7de; --link: #0645ad;
  --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 1.0625rem/1.7 Charter, "Bitstream Charter", "Sitka Text", Cambria, Georgia, serif; }
a { color: var(--link); }
header, .legend, aside, .verdict, .tag, h1, h2 { font-family: var(--sans); }
.wrap { display: grid; grid-template-columns: minmax(0, 70ch) minmax(16rem, 24rem);
  column-gap: 2.5rem; justify-content: center; max-width: 78rem; margin: 0 auto;
  padding: 1.5rem; }
header { grid-column: 1 / -1; border-bottom: 1px solid var(--rule); margin-bottom: 1rem; }
header h1 { font-size: clamp(1.4rem, 1rem + 1.8vw, 2rem); line-height: 1.2; margin: .3rem 0; }
header p { margin: .3rem 0; color: var(--muted); font-size: .95rem; }
.kicker { text-transform: uppercase; letter-spacing: .08em; font-size: .8rem; font-weight: 600; }
.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .4rem;
  font-size: .82rem; margin: .6rem 0 1rem; }
main { grid-column: 1; grid-row: 2; min-width: 0; overflow-wrap: break-word; }
.draft { border: 3px solid #B00020; background: #FFF1F2; color: #4A000D; padding: .5rem .8rem;
  border-radius: .4rem; }
article h1 { font-size: 1.5rem; line-height: 1.25; }
article h2 { font-size: 1.2rem; margin: 1.8rem 0 .4rem; }
a.claim { color: inherit; text-decoration: underline; text-decoration-thickness: 2px;
  text-underline-offset: .18em; border-radius: .2em; padding: .05em 0;
  box-decoration-break: clone; -webkit-box-decoration-break: clone; }
a.claim:focus-visible, a.claim[aria-current] { outline: 3px solid var(--ink);
  outline-offset: 1px; }
.tag, .verdict { display: inline-block; font-size: .72rem; font-weight: 700; line-height: 1.25;
  padding: .05em .45em; border: 2px solid; border-radius: .35em; margin: 0 .25em;
  vertical-align: .1em; white-space: nowrap; font-style: normal; }
aside#panel { grid-column: 2; grid-row: 2; position: sticky; top: 1rem;
  align-self: start; max-height: calc(100vh - 2rem); overflow-y: auto; font-size: .95rem;
  line-height: 1.5; border-left: 4px solid var(--rule); padding: 0 0 0 1.2rem; }
aside .note { border-bottom: 1px solid var(--rule); padding-bottom: .8rem; margin-bottom: .8rem; }
aside h2.n-head { font-size: 1.02rem; margin: .2rem 0; }
aside p { margin: .35rem 0; }
aside ul { padding-left: 1.1rem; margin: .3rem 0; }
#panel-close { display: none; }
@media (max-width: 56rem) {
  .wrap { display: block; padding: 1rem; }
  aside#panel { position: static; max-height: none; border-left: 0; padding: 0;
    border-top: 2px solid var(--ink); margin-top: 2rem; }
  .js aside#panel { position: fixed; left: 0; right: 0; top: auto; bottom: 0; z-index: 10;
    margin: 0;
    max-height: 45vh; background: #fff; padding: .8rem 1rem 1rem;
    box-shadow: 0 -4px 16px rgba(0, 0, 0, .18); transform: translateY(110%);
    visibility: hidden; }
  .js aside#panel.open { transform: none; visibility: visible; }
  .js #panel-close { display: block; margin-left: auto; font: inherit; font-weight: 600;
    padding: .4rem .9rem; border: 1px solid var(--ink); border-radius: .4rem;
    background: #fff; color: var(--ink); }
  .js #panel-hint { display: none; }
  body { font-size: 1.03rem; }
}
@media print {
  .wrap { display: block; } aside#panel { position: static; max-height: none; border: 0; }
  .js aside#panel .note[hidden] { display: block; }
  a.claim { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _highlight_css() -> str:
    styles = dict(VERDICT_STYLE, dropped=("#6B6B6B", "#FFFFFF", "#2E2E2E"))
    rules = [f"a.claim.k-{k} {{ background: {fill}; text-decoration-color: {edge}; }}\n"
             f".tag.k-{k}, .verdict.v-{k} {{ border-color: {edge}; background: {fill}; "
             f"color: {ink}; }}" for k, (edge, fill, ink) in styles.items()]
    rules.append("a.claim.k-dropped { text-decoration-style: dashed; }")
    rules.append("a.claim.k-not-assessed { text-decoration-style: dotted; }")
    return verdict_css() + "\n" + "\n".join(rules)


def script_hash() -> str:
    """The CSP source of :data:`SCRIPT` ('sha256-…')."""
    return "sha256-" + b64encode(hashlib.sha256(SCRIPT.encode("utf-8")).digest()).decode()


def render_view(ctx: ExportContext) -> str:
    """The annotated article as one self-contained HTML page."""
    meta = ctx.review.meta
    items = notes(ctx)
    text = ctx.review.snapshot
    body = [f"<{tag}>{_mark_up(text, a, b, items)}</{tag}>" for tag, a, b in _paragraphs(ctx)]
    counts: dict[str, tuple[str, int]] = {}
    for n in items:
        label, k = counts.get(n.kind, (n.label, 0))
        counts[n.kind] = (label, k + 1)
    legend = "".join(f'<li><span class="tag k-{k}">{escape(label)}</span> {k_n}</li>'
                     for k, (label, k_n) in counts.items())
    source = source_iri(ctx)
    original = (f'<a href="{escape(source)}" rel="noopener noreferrer">the original article</a>'
                if source.startswith(("http://", "https://")) else
                "the original article (its web address was not recorded)")
    csp = (f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
           f"script-src '{script_hash()}'; form-action 'none'; base-uri 'none'")
    draft = ('<p class="draft"><strong>Draft:</strong> this review is not finished; '
             f'{escape("; ".join(ctx.problems[:3]))}</p>' if ctx.is_draft else "")
    notes_html = "".join(f'<section class="note" id="{escape(n.id)}" aria-label="'
                         f'{escape(n.label)}">{n.html}</section>' for n in items)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<title>{escape(meta.title)}: the claims marked</title>
<style>{CSS}
{_highlight_css()}
</style>
</head>
<body>
<div class="wrap">
<header>
<p class="kicker">The article, annotated</p>
<h1>{escape(meta.title)}</h1>
<p>The text of {original} as retrieved on {escape(meta.retrieved[:10])} (snapshot SHA-256
{escape(meta.sha256[:12])}…), with {plural(len(ctx.claims), 'claim')} marked by the verdict of
<a href="summary.html">the evidence review</a> (dated {escape(ctx.date[:10])}). Select a marked
passage to see its verdict, the certainty of the evidence and the studies.</p>
{draft}
<ul class="legend" aria-label="Verdicts">{legend}</ul>
</header>
<main id="main">
<article>
{chr(10).join(body)}
</article>
</main>
<aside id="panel" aria-label="The review's notes" aria-live="polite">
<button type="button" id="panel-close">Close</button>
<p id="panel-hint">Select a marked passage to see what the review found.</p>
{notes_html}
</aside>
</div>
<script>{SCRIPT}</script>
</body>
</html>
"""


def write(ctx: ExportContext) -> list[Path]:
    """article.html."""
    return [ctx.write_text(VIEW_FILE, render_view(ctx))]
