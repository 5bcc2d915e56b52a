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
from tests.grading.test_profile_review import profiled  # noqa: F401

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
    # per claim: headed by a short form of its text and its verdict badge, the bottom line
    # (verdict and statement, citations before the full stop), the quote and certainty
    block = md.split("{#claim-sleep-01}")[1].split("\n### ")[0]
    heading = md.split("{#claim-sleep-01}")[0].rsplit("\n### ", 1)[1]
    assert heading.startswith("Through modulation of autonomic nervous system activity, foot")
    assert "…" in heading and len(heading.split(" [")[0]) <= 73
    assert heading.endswith("[Uncertain (insufficient evidence)]{.verdict .v-uncertain} ")
    assert "\n> Through modulation of autonomic nervous system activity" in block
    assert "::: {.bottom-line}\n**Bottom line: Uncertain (insufficient evidence).** " in block
    assert "in some studies but not in others [@trial2020a; @trial2021b]." in block
    assert "The article says (claim sleep-01):" in block
    assert "**Certainty of the evidence:** ⊕⊕◯◯ Low." in block
    assert "**Reasons for downgrading:** inconsistency (−1)" in block
    assert "**Overstated:**" in block
    # the reviewer's statement is preferred
    assert "Foot reflexology may reduce pain in older adults [@trial2021b]." in md
    # overstated claims called out, methods and a references div for citeproc
    over = md.split("## Overstated claims")[1].split("\n## ")[0]
    assert "](#claim-sleep-01)" in over and "](#claim-mood-01)" in over
    assert "(s)" not in md
    methods = md.split("## Methods")[1]
    assert "GRADE" in methods and "Santesso" not in methods and "by hand" not in methods
    # the protocol's team, and whoever else judged (here the fixture's 'ann')
    assert "the protocol plans dual independent, blinded review, but no profile has two " \
        "submitted ratings yet" in methods
    # an incomplete review is a draft, and says what is missing
    assert "title: \"Draft evidence review: " in md
    banner = md.split("::: {.draft-banner}")[1].split(":::")[0]
    assert "**Draft: not ready to publish.**" in banner
    assert re.search(r"- \d+ of \d+ claims not yet assessed: ", banner)
    assert "## Sentences not treated as claims {#not-claims}" in md
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
    meta = review.meta.model_copy(update={"methods": "Searches were run by @ann."})
    save_record(review.path / "review.yaml", meta)
    review.__dict__.pop("meta", None)
    protocol = review.protocol_or_none()
    team = protocol.team.model_copy(update={"mode": "dual independent, blinded",
                                            "reviewers": ["ann", "bob"], "ai_assistance": ""})
    save_record(review.path / "protocol.yaml", protocol.model_copy(update={"team": team}))
    review.__dict__.pop("protocol", None)
    review.drop("sleep-03", reason="a definition, not a claim", by="ann")
    md = export(review, tmp_path, ["md"])["summary.md"].read_text()
    methods = md.split("## Methods")[1].split("## References")[0]
    assert "2 literature searches were run: Europe PMC (1 search, 2026-11-22) and PubMed " \
        "(1 search, 2026-11-20)." in methods
    assert "For 1 claim the searches (1 recorded query) found no study" in methods
    assert "the protocol plans dual independent, blinded review, but no profile has two " \
        "submitted ratings yet" in methods
    assert "and 2 were not (see Sentences not treated as claims)" in methods
    assert "Searches were run by \\@ann." in methods  # free text is escaped
    assert f"retrieved on {review.meta.retrieved[:10]}" in methods
    block = md.split("{#claim-circulation-02}")[1].split("\n### ")[0]
    assert "No studies were found that tested this claim." in block
    dropped = md.split("## Sentences not treated as claims")[1].split("\n## ")[0]
    assert "2 sentences of the article were not treated as checkable claims" in dropped
    assert "” — a definition, not a claim" in dropped
    assert "**Searches that found nothing:** oxygen delivery foot massage" in block


def test_methods_report_blind_dual_ratings_and_their_agreement(profiled, tmp_path):  # noqa: F811
    from tests.grading.test_profile_review import PID
    for who, down in (("ann", {"imprecision": (1, "few")}), ("bob", {})):
        me = profiled.as_reviewer(who, blind=True)
        me.open_assessment(PID, ai_assisted=True)
        if down:
            me.assess(PID, downgrades=down)
        me.submit_assessment(PID)
    md = export(profiled, tmp_path, ["md"])["summary.md"].read_text()
    methods = md.split("## Methods")[1].split("## References")[0]
    assert f"The certainty of 1 profile ({PID}) was rated independently by ann and bob, " \
        "each blinded to the other's ratings until both had submitted" in methods
    assert "weighted kappa could not be computed" in methods  # one profile: undefined
    assert "1 profile still awaits a consensus rating." in methods


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
    md = export(review, tmp_path, ["md"])["summary.md"].read_text()
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
