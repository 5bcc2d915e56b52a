"""The page's pieces: SVG figures inlined with their ids kept apart, tables wrapped, the PDF's
dates, and a clear error when Chromium is missing; the notebook's article view."""

from __future__ import annotations

import pytest

from reviewtools.errors import ExportError
from reviewtools.export.formats.page import inline_svgs, svg_markup, wrap_tables
from tests.export.formats import export, judge

SVG = ('<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd">\n'
       '<svg xmlns:xlink="http://www.w3.org/1999/xlink" width="720pt" height="300pt" '
       'viewBox="0 0 720 300" xmlns="http://www.w3.org/2000/svg"><metadata>m</metadata>'
       '<defs><path id="p1" d="M0 0"/><clipPath id="c1"><rect/></clipPath></defs>'
       '<use xlink:href="#p1"/><g clip-path="url(#c1)"/><a xlink:href="#claim-sleep-01">'
       '<circle/></a></svg>')


def test_svg_markup_prefixes_ids_and_keeps_page_links():
    out = svg_markup(SVG, "fig2", "Evidence map")
    assert out.startswith("<svg") and "<?xml" not in out and "<metadata>" not in out
    assert 'id="fig2-p1"' in out and 'xlink:href="#fig2-p1"' in out
    assert 'url(#fig2-c1)' in out
    assert 'xlink:href="#claim-sleep-01"' in out  # a link into the page, not an id in here
    opening = out.split(">")[0]
    assert 'width="720pt"' not in opening and 'role="img"' in opening
    assert 'aria-label="Evidence map"' in opening and "--min-width: 828px" in opening


def test_only_our_figure_images_are_inlined(tmp_path):
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "map.svg").write_text(SVG)
    html = ('<img src="figures/map.svg" style="width:100%" alt="Map" />'
            '<img src="../secret.svg" alt="x" /><img src="figures/a.png" alt="y" />')
    out = inline_svgs(html, tmp_path)
    assert out.count("<svg") == 1 and 'aria-label="Map"' in out
    assert '<img src="../secret.svg"' in out and '<img src="figures/a.png"' in out
    assert wrap_tables("<table><tr></tr></table>").startswith('<div class="table-wrap" '
                                                              'tabindex="0"')


def test_pdf_without_chromium_says_so_and_writes_nothing(review, settings, tmp_path,
                                                        monkeypatch):
    from reviewtools.export.formats import page
    judge(review, settings)
    monkeypatch.setattr(page, "CHROMIUM", str(tmp_path / "no-chromium"))
    monkeypatch.setattr(page.shutil, "which", lambda name: None)
    with pytest.raises(ExportError, match="the PDF needs Chromium, and none was found"):
        export(review, tmp_path, ["pdf"])
    assert not (tmp_path / "out" / "summary.pdf").exists()


def test_review_article_view_renders_in_a_sandboxed_frame(review, settings):
    judge(review, settings)
    shown = review.article_view()
    html = shown.data
    assert html.startswith('<div><iframe srcdoc="&lt;!DOCTYPE html&gt;')
    assert 'sandbox="allow-scripts"' in html and "allow-same-origin" not in html
    assert "note-sleep-01" in html and "<script>" not in html  # the page is escaped inside


def test_a_table_pandoc_gives_a_width_is_wrapped_too():
    """Pandoc writes <table style="width:100%;"> for a table with long cells (the SoF
    table): it must scroll in its box, not push the page sideways (seen on a phone)."""
    html = wrap_tables('<p>x</p><table style="width:100%;"><tr><td>y</td></tr></table>')
    assert html.count('<div class="table-wrap"') == 1 and html.endswith("</table></div>")
