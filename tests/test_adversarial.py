"""Adversarial cases of issue 18: every bad input or failing disk ends in one line on
stderr with a documented exit code, and leaves every file as it was."""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path

import pytest

from reviewtools.cli.main import main
from reviewtools.errors import InputError, NotReadyError, StorageError
from reviewtools.export.run import export_review
from reviewtools.grading.checks import check
from reviewtools.store import journal
from tests.conftest import ARTICLE
from tests.export.formats import judge


def _tree(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and ".cache" not in p.parts}


def _one_line(capsys) -> str:
    """The one error line on stderr (the problems --final lists may come before it)."""
    err = capsys.readouterr().err
    lines = [line for line in err.strip().splitlines()
             if not line.startswith(("  - ", "reviewtools: review '"))]
    assert len(lines) == 1 and lines[0].startswith("reviewtools: error: "), err
    assert "Traceback" not in err
    return lines[0]


# -- failing disks -----------------------------------------------------------------------------

@pytest.mark.parametrize("code,words", [(errno.ENOSPC, "disk is full"),
                                        (errno.EFBIG, "size limit"),
                                        (errno.EROFS, "read-only"),
                                        (errno.EACCES, "ermission denied")])
def test_failing_disk_is_one_line_and_loses_nothing(review, settings, capsys, monkeypatch,
                                                    code, words):
    import reviewtools.store.files as store
    before = _tree(settings.root)

    def fail(*args, **kw):
        raise OSError(code, os.strerror(code))
    monkeypatch.setattr(store.tempfile, "mkstemp", fail)
    assert main(["claim", "foot-massage", "drop", "pain-02", "--reason", "x", "--root",
                 str(settings.root)]) == 4
    line = _one_line(capsys)
    assert words in line and "pain-02.yaml" in line
    assert _tree(settings.root) == before


def test_ulimit_f_on_write_is_one_line(review, settings, capsys, monkeypatch):
    import reviewtools.store.files as store
    real = store.os.fdopen

    class Capped:
        def __init__(self, fd, mode):
            self.fh = real(fd, mode)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, data):
            raise OSError(errno.EFBIG, "File too large")

    before = _tree(settings.root)
    monkeypatch.setattr(store.os, "fdopen", Capped)
    assert main(["claim", "foot-massage", "drop", "pain-02", "--reason", "x", "--root",
                 str(settings.root)]) == 4
    assert "ulimit -f" in _one_line(capsys)
    assert _tree(settings.root) == before
    assert not list(review.claims_dir.glob(".*.tmp"))


def test_export_out_naming_an_existing_file(review, settings, capsys):
    judge(review, settings)
    target = settings.root / "notes.txt"
    target.write_text("keep me\n")
    assert main(["export", "foot-massage", "--format", "csv", "--out", "notes.txt", "--root",
                 str(settings.root)]) == 4
    assert "not a folder" in _one_line(capsys)
    assert target.read_text() == "keep me\n"


def test_folder_named_like_a_claim_file(review, settings, capsys):
    (review.claims_dir / "x-01.yaml").mkdir()
    assert main(["check", "--root", str(settings.root)]) == 1
    out = capsys.readouterr().out
    assert "x-01.yaml" in out and "folder" in out
    assert main(["status", "foot-massage", "--root", str(settings.root)]) == 4
    assert "x-01.yaml" in _one_line(capsys)


# -- check says ok only when it is ---------------------------------------------------------

def test_check_of_a_missing_root_fails(tmp_path, capsys):
    assert main(["check", "--root", str(tmp_path / "nonexistent")]) == 2
    assert "no such folder" in _one_line(capsys)
    assert main(["check", "--root", str(tmp_path)]) == 2
    assert "no evidence/ folder" in _one_line(capsys)


def test_deleted_review_yaml_is_a_problem(review, settings, capsys):
    (review.path / "review.yaml").unlink()
    assert main(["check", "--root", str(settings.root)]) == 1
    assert "no review.yaml" in capsys.readouterr().out


@pytest.mark.parametrize("edit,words", [
    (lambda p: p.write_text(p.read_text().replace("id: pain-02", "id: pain-03", 1)),
     "does not match the file name"),
    (lambda p: p.write_text(p.read_text().replace("status: to-do", "status: reviewed")),
     "no verdict"),
])
def test_final_export_refuses_a_review_that_fails_check(review, settings, capsys, edit, words):
    judge(review, settings)
    edit(review.claim_path("pain-02"))
    root = str(settings.root)
    assert main(["export", "foot-massage", "--format", "csv", "--final", "--root", root]) == 1
    err = capsys.readouterr().err
    listed = [line for line in err.splitlines() if line.startswith("  - ")]
    assert any(words in line for line in listed), err
    assert "not ready for a final export" in err and "without --final" in err
    assert not (settings.root / "exports").exists()
    assert main(["export", "foot-massage", "--format", "csv", "--root", root]) == 0
    captured = capsys.readouterr()
    assert "warning: exported a draft" in captured.err
    assert (settings.root / "exports" / "foot-massage" / "claims.csv").is_file()


def test_final_export_refuses_deleted_study_and_edited_article(review, settings):
    judge(review, settings)
    (settings.studies_dir / "trial2021b.yaml").unlink()
    with pytest.raises(NotReadyError, match="no appraisal"):
        export_review(review, ["csv"], final=True)
    snapshot = review.path / "article.txt"
    snapshot.write_text(snapshot.read_text().replace("foot", "hand"))
    with pytest.raises(NotReadyError, match="no longer matches"):
        export_review(review, ["csv"], final=True)


# -- fields validated on load ----------------------------------------------------------------

@pytest.mark.parametrize("old,new,field", [
    ("at: '", "at: 'yesterday' #", "at"),
    ("at: '", "at: '2020-13-45' #", "at"),
])
def test_bad_timestamps_are_refused_on_load(review, settings, capsys, old, new, field):
    path = review.claim_path("pain-02")
    path.write_text(path.read_text().replace(old, new, 1))
    assert main(["check", "--root", str(settings.root)]) == 1
    out = capsys.readouterr().out
    assert "pain-02.yaml" in out and "'history.0.at'" in out and "ISO 8601" in out


def test_non_hex_sha256_is_refused(review, settings, capsys):
    judge(review, settings)
    meta = review.path / "review.yaml"
    text = meta.read_text()
    start = text.index("sha256: ") + len("sha256: ")
    meta.write_text(text[:start] + "zz" + text[start + 2:])
    root = str(settings.root)
    assert main(["export", "foot-massage", "--format", "annotations",
                 "--root", root]) == 2
    line = _one_line(capsys)
    assert "review.yaml" in line and "'sha256'" in line


def test_missing_article_txt_is_one_line(review, settings, capsys):
    judge(review, settings)
    (review.path / "article.txt").unlink()
    assert main(["export", "foot-massage", "--format", "annotations", "--root",
                 str(settings.root)]) == 2
    assert "article.txt" in _one_line(capsys)


def test_non_utf8_bib_is_one_line_in_check_and_export(review, settings, capsys):
    judge(review, settings)
    settings.bib_path.write_bytes(settings.bib_path.read_bytes().replace(b"Alice", b"Al\xefce"))
    root = str(settings.root)
    assert main(["check", "--root", root]) == 1
    assert "not UTF-8" in capsys.readouterr().out
    assert main(["export", "foot-massage", "--format", "md", "--root", root]) == 2
    assert "not UTF-8" in _one_line(capsys)


def test_future_timestamps_are_flagged_and_do_not_date_the_export(review, settings):
    judge(review, settings)
    path = review.claim_path("sleep-01")
    text = path.read_text()
    at = text[text.index("verdict:"):].split("at: '")[1][:20]
    path.write_text(text.replace(f"at: '{at}'", "at: '2031-01-01T00:00:00Z'"))
    problems = [str(p) for p in check(settings)]
    assert any("in the future" in p and "[sleep-01]" in p for p in problems)
    paths = export_review(review, ["md"], settings.root / "out")
    md = next(p for p in paths if p.name == "summary.md").read_text()
    assert 'date: "2031' not in md and "dated 2031" not in md  # not dated by it
    assert "is in the future" in md.split("::: {.draft-banner}")[1]  # and the draft says why


# -- crash safety of a re-extraction ---------------------------------------------------------

class Crash(Exception):
    pass


def _edited_article(tmp_path: Path) -> Path:
    text = ARTICLE.read_text(encoding="utf-8")
    first, rest = text.split("\n", 1)
    edited = tmp_path / "edited.txt"
    edited.write_text(first + "\nA new opening paragraph moves every claim down a little.\n"
                      + rest, encoding="utf-8")
    return edited


@pytest.mark.parametrize("after", [0, 1, 5, -1])
def test_crash_during_re_extract_recovers_whole(review, settings, tmp_path, monkeypatch, after):
    import reviewtools.store.journal as jmod
    edited = _edited_article(tmp_path)
    before = _tree(review.path)
    real = jmod.atomic_write_bytes
    calls = {"n": 0}

    def crashing(path, data, **kw):
        if path.name != jmod.JOURNAL_NAME:
            calls["n"] += 1
            if after >= 0 and calls["n"] > after or after < 0 and path.name == "review.yaml":
                raise Crash("killed")
        return real(path, data, **kw)

    monkeypatch.setattr(jmod, "atomic_write_bytes", crashing)
    from reviewtools.review import extract_review
    with pytest.raises(Crash):
        extract_review(str(edited), "foot-massage", settings=settings)
    assert journal.pending(review.path)
    assert _tree(review.path) != before
    assert any("interrupted" in str(p) for p in check(settings))
    monkeypatch.setattr(jmod, "atomic_write_bytes", real)
    extract_review(str(edited), "foot-massage", settings=settings)  # finishes, then re-runs
    assert not journal.pending(review.path)
    assert (review.path / "article.txt").read_text().startswith(
        ARTICLE.read_text(encoding="utf-8").split("\n", 1)[0] + "\nA new opening")
    assert [str(p) for p in check(settings)] == []


def test_crash_before_the_journal_leaves_the_old_review(review, settings, tmp_path,
                                                       monkeypatch):
    import reviewtools.store.journal as jmod
    before = _tree(review.path)

    def crash(*args, **kw):
        raise Crash("killed")
    monkeypatch.setattr(jmod, "atomic_write_bytes", crash)
    from reviewtools.review import extract_review
    with pytest.raises(Crash):
        extract_review(str(_edited_article(tmp_path)), "foot-massage", settings=settings)
    assert _tree(review.path) == before and not journal.pending(review.path)


# -- names ---------------------------------------------------------------------------------

def test_review_named_studies_is_refused(settings, capsys):
    assert main(["extract", str(ARTICLE), "--review", "studies", "--root",
                 str(settings.root)]) == 2
    assert "reserved" in _one_line(capsys)
    assert not settings.studies_dir.exists()


def test_errors_are_instances_of_their_builtin():
    assert issubclass(StorageError, OSError) and issubclass(InputError, ValueError)
