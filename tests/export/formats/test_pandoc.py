"""HTML and DOCX through Pandoc citeproc: references resolve once, styles, figures, bytes."""

from __future__ import annotations

import re
import subprocess
import zipfile

import pytest

from reviewtools.errors import InputError
from reviewtools.export.formats.pandoc import (
    CSL_DIR,
    STYLES,
    missing_citations,
    pandoc_path,
    resolve_style,
)

from . import export, judge

CITED = ["cohort2019c", "trial2021b", "trial2020a"]


def test_bundled_styles_are_real_csl_with_licence():
    for style in STYLES.values():
        if style.file is None:
            continue
        text = (CSL_DIR / style.file).read_text(encoding="utf-8")
        assert text.startswith('<?xml version="1.0" encoding="utf-8"?>')
        assert '<style xmlns="http://purl.org/net/xbiblio/csl"' in text
        assert "creativecommons.org/licenses/by-sa/3.0" in text
        assert "<bibliography" in text and "<citation" in text


def test_resolve_style(tmp_path):
    assert resolve_style(None).name == "american-medical-association.csl"
    assert resolve_style("Vancouver").name == "vancouver.csl"
    assert resolve_style("chicago") is None  # Pandoc's built-in style
    custom = tmp_path / "mine.csl"
    custom.write_text((CSL_DIR / "vancouver.csl").read_text())
    assert resolve_style(str(custom)) == custom.resolve()
    with pytest.raises(InputError, match="unknown citation style 'apa'.*vancouver"):
        resolve_style("apa")
    with pytest.raises(InputError, match="not found"):
        resolve_style(str(tmp_path / "missing.csl"))


def test_pandoc_missing_citation_warning_is_parsed(tmp_path):
    """Run real Pandoc on an unknown key and read its warning."""
    (tmp_path / "refs.json").write_text("[]")
    proc = subprocess.run([pandoc_path(), "--citeproc", "--bibliography", "refs.json",
                           "-t", "html"], input=b"See [@ghost2020; @spook.21].",
                          capture_output=True, cwd=tmp_path, check=True, timeout=60)
    assert missing_citations(proc.stderr.decode()) == ["ghost2020", "spook.21"]


def test_html_bibliography_has_each_cited_entry_once(review, settings, tmp_path):
    judge(review, settings)
    html = export(review, tmp_path, ["html"])["summary.html"].read_text()
    for key in CITED:
        assert html.count(f'id="ref-{key}"') == 1, key
    assert html.count('class="csl-entry"') == len(CITED)
    # DOIs and PMIDs as links
    assert 'href="https://doi.org/10.0000/synthetic.a"' in html
    assert 'href="https://doi.org/10.0000/synthetic.c"' in html
    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/1/">PMID: 1</a>' in html
    # every citation links to its reference (link-citations)
    assert 'href="#ref-trial2021b"' in html
    # figures inline as SVG (their ids prefixed so two figures never clash), nothing to
    # fetch from elsewhere, no script at all, and a policy saying so to the browser
    assert "<img" not in html
    svgs = re.findall(r"<svg\b[^>]*>", html)
    assert len(svgs) >= 2 and all('role="img"' in s and "aria-label=" in s for s in svgs)
    ids = re.findall(r'\bid="(fig\d+-[^"]+)"', html)
    assert ids and len(ids) == len(set(ids))
    assert '<div class="figure-scroll" tabindex="0"' in html
    assert "<script" not in html.lower()
    assert "script-src 'none'" in html and "default-src 'none'" in html
    # the page: contents, byline, badges, bottom lines, tables that scroll on a phone
    assert '<nav id="contents" aria-label="Contents">' in html
    assert 'href="#section-sleep"' in html.split("</nav>")[0]
    byline = html.split("Reviewed by", 1)[1].split("</", 1)[0]
    assert "reviewtools-lead" in byline and "ann" in byline and 'href="article.html"' in html
    assert '<span class="verdict v-uncertain">Uncertain (insufficient evidence)</span>' in html
    assert 'class="bottom-line"' in html and '<div class="table-wrap"' in html
    # claim anchors for ClaimReview urls
    assert 'id="claim-sleep-01"' in html


def test_style_changes_the_references(review, settings, tmp_path):
    judge(review, settings)
    ama = export(review, tmp_path, ["html"], name="ama")["summary.html"].read_text()
    van = export(review, tmp_path, ["html"], name="van", style="vancouver")["summary.html"]
    harvard = export(review, tmp_path, ["html"], name="harv", style="harvard")["summary.html"]
    van, harvard = van.read_text(), harvard.read_text()
    assert "<sup>" in ama and "doi:<a" in ama          # AMA: superscript numbers, doi:
    assert "(<a href=\"#ref-" in van                     # Vancouver: (1)
    # Vancouver prints no DOI: the filter adds the link, once
    assert van.count('href="https://doi.org/10.0000/synthetic.a"') == 1
    assert ama.count('href="https://doi.org/10.0000/synthetic.a"') == 1
    assert "Tester, C., 2019" in harvard                 # author-date
    assert ama != van != harvard


def test_docx_has_text_references_and_figures_and_is_deterministic(review, settings, tmp_path):
    judge(review, settings)
    first = export(review, tmp_path, ["docx"], name="a")["summary.docx"]
    second = export(review, tmp_path, ["docx"], name="b")["summary.docx"]
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as z:
        doc = z.read("word/document.xml").decode()
        media = [n for n in z.namelist() if n.startswith("word/media/")]
        props = z.read("docProps/custom.xml").decode()
    assert "Foot reflexology may reduce pain in older adults" in doc
    assert "Synthetic randomised trial B" in doc and "References" in doc
    assert len(media) >= 2
    assert "/tmp" not in props and str(tmp_path) not in props  # no local paths leak


def test_html_is_deterministic(review, settings, tmp_path):
    judge(review, settings)
    a = export(review, tmp_path, ["html"], name="a")["summary.html"]
    b = export(review, tmp_path, ["html"], name="b")["summary.html"]
    assert a.read_bytes() == b.read_bytes()


def test_keys_pandoc_cannot_resolve_are_an_export_error(review, settings, tmp_path,
                                                         monkeypatch):
    """Even past our own check, Pandoc's 'citation not found' warnings stop the export."""
    from reviewtools.errors import ExportError
    from reviewtools.export.formats import pandoc
    judge(review, settings)
    monkeypatch.setattr(pandoc, "csl_items", lambda ctx: [])  # an empty bibliography
    with pytest.raises(ExportError, match="could not resolve citation keys: cohort2019c, "
                       "trial2020a, trial2021b"):
        export(review, tmp_path, ["html"])
    out = tmp_path / "out"
    assert not (out / "summary.html").exists()
    assert not [p for p in out.iterdir() if ".partial" in p.name]
