"""`reviewtools export`: defaults, formats, styles, one-line errors, nothing half-written."""

from __future__ import annotations

import hashlib

import pytest

from reviewtools.cli.main import main
from tests.export.formats import judge

ALL = ["summary.md", "summary.html", "summary.docx", "claims.csv", "annotations.jsonld",
       "claimreview.jsonld", "article.html", "references.json", "figures/evidence-map.png",
       "figures/evidence-map.svg", "figures/certainty-sleep.png",
       "figures/certainty-sleep.svg"]


def _tree(folder):
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_export_defaults_to_all_formats_in_exports_slug(review, settings, capsys):
    judge(review, settings)
    assert main(["export", "foot-massage", "--root", str(settings.root)]) == 0
    out = settings.root / "exports" / "foot-massage"
    files = _tree(out)
    for name in ALL:
        assert name in files, name
    assert not [n for n in files if ".partial" in n or n.endswith(".tmp")]
    printed = capsys.readouterr().out
    assert "summary.html" in printed and f"{len(files)} files written" in printed
    # re-running changes nothing
    assert main(["export", "foot-massage", "--root", str(settings.root)]) == 0
    assert _tree(out) == files


def test_export_chosen_formats_style_and_out(review, settings):
    judge(review, settings)
    code = main(["export", "foot-massage", "--root", str(settings.root), "--format", "md,csv",
                 "--out", "elsewhere", "--csl", "vancouver"])
    assert code == 0
    files = _tree(settings.root / "elsewhere")
    assert "summary.md" in files and "claims.csv" in files
    assert "summary.html" not in files and "annotations.jsonld" not in files


@pytest.mark.parametrize(("args", "message"), [
    (["--format", "md,odt"], "unknown export format 'odt'; choose from md, html"),
    (["--csl", "apa"], "unknown citation style 'apa'"),
    (["--csl", "missing.csl"], "CSL style file not found"),
])
def test_bad_choices_fail_in_one_line_and_write_nothing(review, settings, capsys, args,
                                                        message):
    judge(review, settings)
    code = main(["export", "foot-massage", "--root", str(settings.root), *args])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("reviewtools: error: ") and message in err
    assert len(err.strip().splitlines()) == 1
    assert not (settings.root / "exports").exists()


def test_missing_citation_key_fails_and_writes_nothing(review, settings, capsys):
    judge(review, settings)
    settings.bib_path.write_text(settings.bib_path.read_text().split("@article{cohort2019c")[0])
    assert main(["export", "foot-massage", "--root", str(settings.root)]) == 2
    assert "stress-01: cohort2019c" in capsys.readouterr().err
    assert not (settings.root / "exports").exists()


def test_unknown_review(settings, capsys):
    assert main(["export", "no-such-review", "--root", str(settings.root)]) == 2
    assert "no review 'no-such-review'" in capsys.readouterr().err


def test_help_lists_formats_and_styles(capsys):
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    out = capsys.readouterr().out
    assert "claimreview" in out and "vancouver" in out and "--csl" in out


def test_shipped_review_exports(repo_copy, capsys):
    """The committed evidence exports (open data formats; Pandoc runs in the other tests)."""
    code = main(["export", "foot-massage", "--root", str(repo_copy), "--format",
                 "md,csv,annotations,claimreview"])
    assert code == 0, capsys.readouterr().err
    out = repo_copy / "exports" / "foot-massage"
    assert (out / "summary.md").read_text().startswith("---\ntitle: ")
    rows = (out / "claims.csv").read_text().strip().splitlines()
    assert len(rows) - 1 >= 30


def test_incomplete_review_is_a_marked_draft_and_final_refuses_it(review, settings, capsys):
    judge(review, settings)  # 4 of 41 claims judged
    root = str(settings.root)
    assert main(["export", "foot-massage", "--format", "md,claimreview", "--root", root]) == 0
    err = capsys.readouterr().err
    assert "warning: exported a draft" in err and "not yet assessed" in err
    out = settings.root / "exports" / "foot-massage"
    md = (out / "summary.md").read_text()
    assert "::: {.draft-banner}" in md and "37 of 41 claims not yet assessed" in md
    assert '"creativeWorkStatus": "Draft"' in (out / "claimreview.jsonld").read_text()
    code = main(["export", "foot-massage", "--format", "md", "--final", "--out", "final",
                 "--root", root])
    err = capsys.readouterr().err
    assert code == 1
    listed = [line for line in err.splitlines() if line.startswith("  - ")]
    assert listed and listed[0].startswith("  - 37 of 41 claims not yet assessed: ")
    assert err.strip().splitlines()[-1].startswith("reviewtools: error: review 'foot-massage' "
                                                   "is not ready for a final export")
    assert not (settings.root / "final").exists()
