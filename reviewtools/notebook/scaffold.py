"""Notebooks made for a new review: an overview, one per section, and the writer's export.

>>> scaffold_notebooks(review, Path("notebooks/sauna"))       # doctest: +SKIP
[PosixPath('notebooks/sauna/00-overview.ipynb'), ...]

Each notebook is a short narrative with cells that call the library; none holds a
decision yet (the decision cells are commented templates). Each section notebook
binds the review to its claims (:meth:`reviewtools.review.Review.bind`), so run
against another review it stops before writing anything. Only missing notebooks are
made: a reviewer's notebook is never overwritten (delete one to have it made again).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from reviewtools.claims.topics import section_groups
from reviewtools.model.records import Claim
from reviewtools.review import Review
from reviewtools.store.files import atomic_write_text

KERNEL = {"display_name": "Python 3", "language": "python", "name": "python3"}


def _claims_literal(claims: Sequence[Claim]) -> str:
    lines = [f"    {c.id!r}: {json.dumps(' '.join(c.text.split()), ensure_ascii=False)},"
             for c in claims]
    return "CLAIMS = {  # the claims this notebook decides on: id -> text as recorded\n" + \
        "\n".join(lines) + "\n}"


def _opening(review: Review, claims: Sequence[Claim]) -> str:
    return (f"import reviewtools as rt\nfrom reviewtools import notebook as nb\n\n"
            f"REVIEWER = {review.settings.reviewer!r}  # recorded with every decision\n"
            f"{_claims_literal(claims)}\n"
            f"review = nb.open_review({review.slug!r}).bind(CLAIMS)\n"
            "nb.claims_of(review, CLAIMS)")


def _claim_cells(claim: Claim) -> list:
    template = (
        f"# Decisions for {claim.id}: uncomment and fill in; re-running records nothing new.\n"
        f"# review.link({claim.id!r}, \"KEY\", by=REVIEWER, stance=\"supports\",\n"
        "#             outcome=\"what the study measured\", directness=\"indirect\",\n"
        "#             quote=\"the sentence of the abstract, word for word\")\n"
        f"# review.grade({claim.id!r}, by=REVIEWER)\n"
        f"# review.verdict({claim.id!r}, \"uncertain\", by=REVIEWER, reason=\"...\")\n"
        f"# review.no_studies({claim.id!r}, searches=[\"...\"], by=REVIEWER)")
    return [new_markdown_cell(f"### `{claim.id}`\n\n> {' '.join(claim.text.split())}\n\n"
                              f"Flags: {', '.join(claim.flags) or 'none'}."),
            new_code_cell(f"nb.candidate_search(review, {claim.id!r})"),
            new_code_cell(template)]


def section_notebook(review: Review, number: int, slug: str, heading: str,
                     claims: Sequence[Claim]) -> nbformat.NotebookNode:
    """The notebook for one section of the article: its claims, searches and decisions."""
    intro = (f"# {number:02d} · {heading}\n\n"
             f"The claims of the section \"{heading}\" of *{review.meta.title}*, reviewed "
             f"against the protocol in `evidence/{review.slug}/protocol.yaml`. For each claim: "
             "search, screen, appraise the studies that bear on it, link each with the "
             "sentence of its abstract that justifies the stance, grade the certainty "
             "(GRADE) and give a verdict. The library checks and stores every decision in "
             f"`evidence/{review.slug}/`; this notebook holds none yet.")
    cells = [new_markdown_cell(intro), new_code_cell(_opening(review, claims)),
             new_markdown_cell("## The protocol's outcomes\n\nWhat the review rates, with "
                               "the direction that counts as better and its importance."),
             new_code_cell("nb.protocol_outcomes(review)"),
             new_markdown_cell(
                 "## Screening and appraisal\n\nEach record read is screened for the claim it "
                 "bears on (included with what it measured, or excluded with a reason); each "
                 "included study is appraised once, with the tool made for its design."),
             new_code_cell(
                 "# rt.search.screen(review, \"CLAIM\", \"pmid:...\", \"include\", "
                 "reason=\"...\", reviewer=REVIEWER)\n"
                 "# review.appraise(\"KEY\", by=REVIEWER, design=\"RCT\", population=\"...\",\n"
                 "#                 intervention=\"...\", intervention_category=\"other\",\n"
                 "#                 risk_of_bias=\"some concerns\", rob_reasons=\"...\")"),
             new_markdown_cell("## Claim by claim")]
    for claim in claims:
        cells += _claim_cells(claim)
    cells += [new_markdown_cell("## Summary of findings"),
              new_code_cell(f"rt.views.summary_of_findings(review, section={slug!r})")]
    return new_notebook(cells=cells, metadata={"kernelspec": KERNEL})


def overview_notebook(review: Review) -> nbformat.NotebookNode:
    url = review.meta.url
    source = f"[{review.meta.title}]({url})" if url else f"*{review.meta.title}*"
    cells = [
        new_markdown_cell(
            f"# {review.meta.title}: overview\n\nThis review checks the claims of {source} "
            f"against the published evidence. The protocol (`evidence/{review.slug}/"
            "protocol.yaml`) states the question, the outcomes and how the review is done; "
            "write it before looking at studies. Then work through the section notebooks "
            "beside this one, and publish with the export notebook."),
        new_code_cell("import reviewtools as rt\nfrom reviewtools import notebook as nb\n\n"
                      f"review = nb.open_review({review.slug!r})\nreview.protocol"),
        new_markdown_cell("## Progress"),
        new_code_cell("rt.views.status_table([review])"),
        new_markdown_cell("## Claims"),
        new_code_cell("review.claims()[[\"id\", \"section\", \"text\", \"flags\", \"status\"]]"),
    ]
    return new_notebook(cells=cells, metadata={"kernelspec": KERNEL})


def export_notebook(review: Review, claims: Sequence[Claim]) -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell(
            "# Export: the sourced summary\n\nFor writers: each claim with what the evidence "
            "shows and how certain it is, in calibrated wording, with the bibliography. A "
            "drafted statement can be replaced by the writer's own (stored, and preferred)."),
        new_code_cell(_opening(review, claims).replace("nb.claims_of(review, CLAIMS)",
                                                       "rt.views.summary_of_findings(review)")),
        new_code_cell("# review.set_statement(\"CLAIM\", \"Your sentence.\", by=REVIEWER)"),
        new_code_cell("paths = rt.export.export_review(review)\n[p.name for p in paths]"),
        new_markdown_cell("The article with its claims marked by verdict (select a claim to see "
                          "its verdict, certainty and studies):"),
        new_code_cell("review.article_view()"),
    ]
    return new_notebook(cells=cells, metadata={"kernelspec": KERNEL})


def planned(review: Review) -> dict[str, nbformat.NotebookNode]:
    """File name -> notebook, for every notebook the review should have."""
    claims = review.load_claims(include_dropped=False)
    out = {"00-overview.ipynb": overview_notebook(review)}
    number = 0  # one notebook per section, or per outcome topic for an article without headings
    for group in section_groups(claims, review.meta.sections, review.protocol_or_none()):
        slug, heading, mine = group.slug, group.heading, group.claims
        if mine:
            number += 1
            out[f"{number:02d}-{slug}.ipynb"] = section_notebook(review, number, slug, heading,
                                                                 mine)
    out["99-export.ipynb"] = export_notebook(review, claims)
    return out


def scaffold_notebooks(review: Review, folder: Path) -> list[Path]:
    """Write the review's notebooks into ``folder`` that are not there yet; returns them."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for name, notebook in planned(review).items():
        path = folder / name
        if path.exists():
            continue
        atomic_write_text(path, nbformat.writes(notebook) + "\n", mode=0o644)
        made.append(path)
    return made
