"""Writes never follow a planted link, keep the file's mode, and refuse read-only files;
any path read from an evidence file stays inside the review's folder."""

from __future__ import annotations

import os
import stat

import pytest

from reviewtools.cli.main import main
from reviewtools.errors import StorageError, UnsafePathError
from reviewtools.export.run import export_review
from reviewtools.model.records import Claim
from reviewtools.review import extract_review
from reviewtools.store.files import atomic_write_text, load_record, save_record
from reviewtools.store.folders import ReviewFolder
from tests.conftest import ARTICLE
from tests.export.formats import judge


def _victim(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    return victim


def test_write_refuses_a_symlinked_target_and_leaves_both_files(tmp_path):
    victim = _victim(tmp_path)
    link = tmp_path / "repo" / "references.bib"
    link.parent.mkdir()
    link.symlink_to(victim)
    with pytest.raises(UnsafePathError, match="symbolic link"):
        atomic_write_text(link, "@article{x,}\n")
    assert link.is_symlink() and victim.read_text() == "precious\n"


def test_planted_partial_link_in_exports_is_not_written_through(review, settings, tmp_path):
    judge(review, settings)
    victim = _victim(tmp_path)
    out = settings.root / "exports" / "foot-massage"
    out.mkdir(parents=True)
    for name in (".summary.html.partial", ".summary.md.partial", "summary.html.tmp"):
        (out / name).symlink_to(victim)
    export_review(review, ["html"])
    assert victim.read_text() == "precious\n"
    summary = out / "summary.html"
    assert not summary.is_symlink() and "<html" in summary.read_text()


def test_symlinked_export_file_is_refused_with_one_line(review, settings, tmp_path, capsys):
    judge(review, settings)
    victim = _victim(tmp_path)
    out = settings.root / "exports" / "foot-massage"
    out.mkdir(parents=True)
    (out / "claims.csv").symlink_to(victim)
    assert main(["export", "foot-massage", "--format", "csv", "--root",
                 str(settings.root)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "symbolic link" in err[0] and "claims.csv" in err[0]
    assert victim.read_text() == "precious\n"


def test_export_folder_linked_out_of_the_repository_is_refused(review, settings,
                                                             tmp_path_factory):
    judge(review, settings)
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (settings.root / "exports").mkdir()
    (settings.root / "exports" / "foot-massage").symlink_to(elsewhere)
    with pytest.raises(UnsafePathError, match="outside the repository"):
        export_review(review, ["csv"])
    assert list(elsewhere.iterdir()) == []


def test_planted_source_tmp_link_during_extract(settings, tmp_path):
    victim = _victim(tmp_path)
    html = tmp_path / "article.html"
    text = ARTICLE.read_text(encoding="utf-8").split("\n")
    html.write_text("<html><body><article>" + "".join(
        f"<p>{line}</p>" for line in text if line.strip()) + "</article></body></html>")
    folder = settings.evidence_dir / "foot-massage"
    folder.mkdir(parents=True)
    (folder / ".source.html.tmp").symlink_to(victim)
    (folder / ".article.txt.tmp").symlink_to(victim)
    extract_review(str(html), "foot-massage", settings=settings)
    assert victim.read_text() == "precious\n"
    assert (folder / "source.html").read_bytes() == html.read_bytes()
    assert not (folder / "source.html").is_symlink()


def test_planted_lock_link_is_refused(review, settings, tmp_path):
    victim = _victim(tmp_path)
    lock = review.claims_dir / ".reviewtools.lock"
    lock.unlink()
    lock.symlink_to(victim)
    with pytest.raises(UnsafePathError):
        review.drop("pain-02", reason="not a claim", by="ann")
    assert victim.read_text() == "precious\n"


def test_save_keeps_the_file_mode(review):
    path = review.claim_path("pain-02")
    os.chmod(path, 0o664)
    review.drop("pain-02", reason="not a claim", by="ann")
    assert stat.S_IMODE(path.stat().st_mode) == 0o664


def test_new_files_get_the_umask_mode_not_0600(tmp_path):
    old = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "new.yaml", "a: 1\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.yaml").stat().st_mode) == 0o644


def test_read_only_claim_is_refused_not_overwritten(review, settings, capsys):
    path = review.claim_path("pain-02")
    before = path.read_bytes()
    os.chmod(path, 0o444)
    code = main(["claim", "foot-massage", "drop", "pain-02", "--reason", "x", "--root",
                 str(settings.root)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == StorageError.exit_code == 4
    assert len(err) == 1 and "read-only" in err[0] and "pain-02.yaml" in err[0]
    assert path.read_bytes() == before and stat.S_IMODE(path.stat().st_mode) == 0o444


@pytest.mark.parametrize("snapshot", ["/etc/hostname", "../../outside.txt", "../studies/x.yaml",
                                      "."])
def test_snapshot_path_must_stay_in_the_review_folder(review, settings, tmp_path, snapshot):
    (settings.root / "outside.txt").write_text("secret bytes\n")
    meta_path = review.path / "review.yaml"
    meta_path.write_text(meta_path.read_text().replace("snapshot: article.txt",
                                                       f"snapshot: {snapshot}"))
    with pytest.raises(UnsafePathError, match="field 'snapshot'"):
        _ = ReviewFolder("foot-massage", settings).snapshot


def test_snapshot_escape_is_an_export_error_and_a_check_problem(review, settings, tmp_path,
                                                                capsys):
    judge(review, settings)
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-TOKEN " * 200)
    meta_path = review.path / "review.yaml"
    meta_path.write_text(meta_path.read_text().replace("snapshot: article.txt",
                                                       f"snapshot: {secret}"))
    root = str(settings.root)
    assert main(["export", "foot-massage", "--format", "annotations",
                 "--root", root]) == 2
    assert "points outside the review folder" in capsys.readouterr().err
    assert not list(settings.root.glob("exports/*/annotations.jsonld"))
    assert main(["check", "--root", root]) == 1
    assert "points outside the review folder" in capsys.readouterr().out


def test_symlinked_claim_inside_the_review_is_still_read(review):
    path = review.claim_path("pain-02")
    real = review.path / "pain-02.real.yaml"
    path.rename(real)
    path.symlink_to(real)
    assert load_record(path, Claim).id == "pain-02"
    with pytest.raises(UnsafePathError):
        save_record(path, load_record(path, Claim))


def _refs_add(root, *extra: str) -> list[str]:
    return ["refs", "add", "--title", "A synthetic trial", "--author", "Tester, Dora",
            "--year", "2022", "--pmid", "2", "--verified-source",
            "https://pubmed.ncbi.nlm.nih.gov/2/", "--date", "2026-11-24", "--root", str(root),
            *extra]


def test_symlinked_references_bib_is_refused_on_refs_add(review, settings, tmp_path_factory,
                                                         capsys):
    shared = tmp_path_factory.mktemp("shared") / "library.bib"
    shared.write_text(settings.bib_path.read_text())
    settings.bib_path.unlink()
    settings.bib_path.symlink_to(shared)
    before = shared.read_bytes()
    assert main(_refs_add(settings.root)) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "symbolic link" in err[0]
    assert settings.bib_path.is_symlink() and shared.read_bytes() == before


def test_refs_add_keeps_the_mode_of_references_bib(review, settings, capsys):
    os.chmod(settings.bib_path, 0o644)
    assert main(_refs_add(settings.root)) == 0, capsys.readouterr().err
    assert stat.S_IMODE(settings.bib_path.stat().st_mode) == 0o644
    assert "A synthetic trial" in settings.bib_path.read_text()
