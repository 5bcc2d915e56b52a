"""The annotated article: highlights from the W3C annotations, notes, dropped sentences,
overlapping spans, escaping and the script allowed by hash."""

from __future__ import annotations

import json
import re
from base64 import b64encode
from hashlib import sha256

from reviewtools.export.formats.article_view import SCRIPT, Note, _mark_up, script_hash
from tests.export.formats import XSS, XSS_SCRIPT, export, judge, poison


def _positions(doc: dict) -> dict[str, tuple[int, int]]:
    out = {}
    for item in doc["first"]["items"]:
        sel = next(s for s in item["target"]["selector"] if s["type"] == "TextPositionSelector")
        out[item["body"][0]["value"]] = (sel["start"], sel["end"])
    return out


def test_highlights_are_the_annotations_spans(review, settings, tmp_path):
    judge(review, settings)
    review.drop("sleep-03", reason="a definition, not a claim", by="ann")
    files = export(review, tmp_path, ["annotations", "article"])
    doc = json.loads(files["annotations.jsonld"].read_text())
    html = files["article.html"].read_text()
    snapshot = review.snapshot
    for item in doc["first"]["items"]:
        sel = next(s for s in item["target"]["selector"] if s["type"] == "TextPositionSelector")
        exact = snapshot[sel["start"]:sel["end"]]
        claim = next(c for c in review.load_claims() if c.anchor.start == sel["start"])
        # the highlighted text of this claim's links, joined, is the annotation's exact quote
        pieces = re.findall(rf'<a class="claim [^"]*" href="#[^"]+" data-notes="[^"]*'
                            rf'note-{claim.id}\b[^"]*">([^<]*)</a>', html)
        assert "".join(pieces).replace("&#x27;", "'").replace("&quot;", '"') \
            .replace("&amp;", "&") == exact, claim.id
    assert html.count('class="note"') == len(review.load_claims())  # 41 claims and 1 dropped
    note = html.split('id="note-sleep-01"')[1].split("</section>")[0]
    assert "Uncertain (insufficient evidence)" in note and "⊕⊕◯◯ Low" in note
    assert "2 studies:" in note and 'href="https://doi.org/10.0000/synthetic.a"' in note
    assert 'href="summary.html#claim-sleep-01"' in note
    dropped = html.split('id="note-sleep-03"')[1].split("</section>")[0]
    assert "Not treated as a claim" in dropped and "a definition, not a claim" in dropped
    assert "Not yet assessed" in html.split('id="note-intro-01"')[1].split("</section>")[0]
    # the colour is never the only signal: every highlight is labelled in words
    body = html.split("<article>")[1].split("</article>")[0]
    assert body.count('<span class="tag k-') == html.count('class="note"')
    assert "Draft:" in html  # the review is not finished


def test_overlapping_spans_open_every_note_and_the_innermost_colours():
    text = "Foo bar baz qux."
    outer = Note(id="note-a", start=0, end=15, kind="uncertain", label="Uncertain", html="")
    inner = Note(id="note-b", start=4, end=7, kind="supported", label="Supported", html="")
    html = _mark_up(text, 0, len(text), [outer, inner])
    assert '<a class="claim k-supported" href="#note-b" data-notes="note-b note-a">bar</a>' \
        in html
    assert '<a class="claim k-uncertain" href="#note-a" data-notes="note-a">Foo </a>' in html
    assert html.index(">Uncertain<") < html.index(">Supported<") < html.index(">bar<")
    assert html.endswith(".")


def test_untrusted_text_is_escaped_and_only_our_script_may_run(review, settings, tmp_path):
    judge(review, settings)
    poison(review, settings)
    review.drop("sleep-03", reason=f"dropped {XSS}", by="ann")
    html = export(review, tmp_path, ["article"])["article.html"].read_text()
    assert html.count("<script") == 1 and XSS_SCRIPT not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert not re.search(r"<img|onerror=\"", html)
    digest = "sha256-" + b64encode(sha256(SCRIPT.encode()).digest()).decode()
    assert script_hash() == digest and f"script-src '{digest}'" in html
    assert "default-src 'none'" in html
