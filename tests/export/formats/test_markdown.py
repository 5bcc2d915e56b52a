"""The sourced summary in Markdown: structure, citations, escaping, determinism."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from reviewtools.errors import ExportError
from reviewtools.export.formats.markdown import PANDOC_FROM, cite, csl_item, escape, safe_url
from reviewtools.export.formats.pandoc import pandoc_path

from . import XSS, export, judge, poison


def _pandoc_ast(markdown: str) -> dict:
    out = subprocess.run([pandoc_path(), "--from", PANDOC_FROM, "--to", "json"],
                         input=markdown.encode(), capture_output=True, check=True, timeout=30)
    return json.loads(out.stdout)


def _inline_text(inlines: list[dict]) -> str:
    parts = []
    for node in inlines:
        if node["t"] == "Str":
            parts.append(node["c"])
        elif node["t"] in ("Space", "SoftBreak"):
            parts.append(" ")
        else:
            raise AssertionError(f"untrusted text became markup: {node['t']}")
    return "".join(parts)


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs", "Zl", "Zp"]),
                min_size=1, max_size=80).filter(lambda s: s.strip())


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXT)
def test_escaped_text_is_plain_text_for_pandoc(text):
    """Whatever the text, Pandoc reads escape(text) as one paragraph of plain words."""
    ast = _pandoc_ast("Start " + escape(text))
    blocks = ast["blocks"]
    assert len(blocks) == 1 and blocks[0]["t"] == "Para"
    assert _inline_text(blocks[0]["c"]) == "Start " + " ".join(text.split())


@pytest.mark.parametrize("text", [
    "1. not a list", "- not a list", "# not a heading", "(iv) not a list", "a) not a list",
    "> not a quote", "| not | a table |", ": not a definition", "+ plus", "=== x",
    XSS, "@key and [@key] and $x^2$ and ~sub~ and `code` and <http://x.org> and \\emph{x}",
])
def test_escaped_text_at_line_start_stays_text(text):
    ast = _pandoc_ast(escape(text))
    assert [b["t"] for b in ast["blocks"]] == ["Para"]
    assert _inline_text(ast["blocks"][0]["c"]) == " ".join(text.split())


def test_cite_and_safe_url():
    assert cite(["a", "b2020"]) == "[@a; @b2020]"
    assert cite(["odd."]) == "[@{odd.}]"
    assert cite([]) == ""
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("https://example.org/a b") is None
    assert safe_url("https://example.org/x(1)") == "https://example.org/x%281%29"


def test_csl_item_decodes_latex_and_drops_unsafe_urls():
    item = csl_item("k", {"title": r"Limits for {{Absorption}} in {V{\'a}squez} 50% \& more",
                          "author": r"{V{\'a}squez-Sancho}, Fabi{\'a}n and {WHO Group}",
                          "journal": "J. Test", "year": "2019", "month": "jan",
                          "pages": "10--20", "doi": "https://doi.org/10.1000/ABC",
                          "pmid": "123", "url": "javascript:alert(1)"})
    assert item["title"] == "Limits for Absorption in Vásquez 50% & more"
    assert item["author"] == [{"family": "Vásquez-Sancho", "given": "Fabián"},
                              {"literal": "WHO Group"}]
    assert item["issued"] == {"date-parts": [[2019, 1]]}
    assert item["page"] == "10-20" and item["DOI"] == "10.1000/abc" and item["PMID"] == "123"
    assert "URL" not in item and item["type"] == "article-journal"


def test_summary_structure(review, settings, tmp_path):
    judge(review, settings)
    files = export(review, tmp_path, ["md"])
    assert {"summary.md", "references.json", "figures/evidence-map.png",
            "figures/certainty-sleep.svg"} <= set(files)
    md = files["summary.md"].read_text()
    # headline table: one row per section, with counts
    assert "| Benefit | Claims | Verdicts | Certainty |" in md
    assert re.search(r"\| \[Deeper, More Restful Sleep\]\(#section-sleep\) \| \d+ \| "
                     r"1 uncertain, \d+ not assessed \| 1 low, \d+ not graded \|", md)
    # per claim: quoted, statement with citations before the full stop, certainty, verdict
    block = md.split("### Claim sleep-01 ")[1].split("### Claim")[0]
    assert "\n> Through modulation of autonomic nervous system activity" in block
    assert "in some studies but not in others [@trial2020a; @trial2021b]." in block
    assert "**Certainty:** ⊕⊕◯◯ Low. **Verdict:** Uncertain (insufficient evidence)." in block
    assert "**Reasons for downgrading:** inconsistency (−1)" in block
    assert "**Overstated:**" in block
    # the reviewer's statement is preferred
    assert "Foot reflexology may reduce pain in older adults [@trial2021b]." in md
    # overstated claims called out, methods and a references div for citeproc
    over = md.split("## Overstated claims")[1].split("\n## ")[0]
    assert "[sleep-01](#claim-sleep-01)" in over and "[mood-01](#claim-mood-01)" in over
    methods = md.split("## Methods")[1]
    assert "GRADE" in methods and "Reviewers: ann." in methods
    assert md.rstrip().endswith("::: {#refs}\n:::")
    refs = json.loads(files["references.json"].read_text())
    assert [r["id"] for r in refs] == ["cohort2019c", "trial2021b", "trial2020a"]  # cited order


def test_methods_report_searches_sources_dates_and_reviewers(review, settings, tmp_path):
    from reviewtools.model.records import Screening, SearchRun
    from reviewtools.store.files import save_record
    judge(review, settings)
    runs = [SearchRun(query="foot massage sleep quality", source="PubMed",
                      date="2026-11-20T10:00:00Z", count=12),
            SearchRun(query="reflexology insomnia", source="Europe PMC",
                      date="2026-11-22T09:00:00Z", count=4)]
    save_record(review.path / "screening" / "sleep-01.yaml",
                Screening(claim="sleep-01", searches=runs), create=True)
    review.no_studies("circulation-02", searches=["oxygen delivery foot massage"], by="ann")
    meta = review.meta.model_copy(update={"reviewers": ["ann", "bob"],
                                          "methods": "Searches were run by @ann."})
    save_record(review.path / "review.yaml", meta)
    review.__dict__.pop("meta", None)
    md = export(review, tmp_path, ["md"])["summary.md"].read_text()
    methods = md.split("## Methods")[1].split("## References")[0]
    assert "2 literature searches were run in Europe PMC, PubMed between 2026-11-20 and " \
        "2026-11-22" in methods
    assert "For 1 claim(s) the searches (1 recorded queries) found no study" in methods
    assert "Reviewers: ann, bob." in methods
    assert "Searches were run by \\@ann." in methods  # free text is escaped
    assert f"retrieved on {review.meta.retrieved[:10]}" in methods
    block = md.split("### Claim circulation-02 ")[1].split("### Claim")[0]
    assert "No studies were found that tested this claim." in block
    assert "**Searches that found nothing:** oxygen delivery foot massage" in block


def test_markdown_is_deterministic(review, settings, tmp_path):
    judge(review, settings)
    first = export(review, tmp_path, ["md"], name="a")
    second = export(review, tmp_path, ["md"], name="b")
    for name in ("summary.md", "references.json", "figures/evidence-map.svg",
                 "figures/evidence-map.png"):
        assert first[name].read_bytes() == second[name].read_bytes(), name


def test_untrusted_text_is_escaped_in_markdown(review, settings, tmp_path):
    judge(review, settings)
    poison(review, settings)  # the poisoned text fails check: a draft export
    md = export(review, tmp_path, ["md"], draft=True)["summary.md"].read_text()
    body = re.sub(r"(?m)^> ", "", md.split("\n---\n", 1)[1])  # blockquote markers are ours
    assert not re.search(r"(?<!\\)[<>]", body), "an unescaped angle bracket"
    assert not re.search(r"(?<!\\)\]\(javascript", body)
    assert r"\<script\>window.\_\_pwned=1\</script\>" in md


def test_missing_bib_key_is_an_error_naming_claim_and_key(review, settings, tmp_path):
    judge(review, settings)
    bib = settings.bib_path.read_text()
    settings.bib_path.write_text(bib.split("@article{trial2021b")[0])
    with pytest.raises(ExportError) as err:
        export(review, tmp_path, ["md"])
    assert "sleep-01: trial2021b" in str(err.value) and "pain-01: trial2021b" in str(err.value)
    assert not (tmp_path / "out").exists()
