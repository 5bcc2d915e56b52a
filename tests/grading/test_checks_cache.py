"""The stored result of `check`: reused while no input changed, never once one did."""

from __future__ import annotations

import os
import time

import pytest

from reviewtools.grading import checks


def _age(root, seconds: float) -> None:
    past = time.time() - seconds
    for p in root.rglob("*"):
        if p.is_file():
            os.utime(p, (past, past))


def test_a_stored_result_with_problems_and_warnings_is_reused(review, settings, monkeypatch):
    review.link("sleep-01", "trial2020a", stance="supports", outcome="sleep",
                quote="Q.", by="ann")  # no appraisal, no abstract: an error and a warning
    _age(settings.root, 100)
    first = checks.check(settings)
    assert {p.severity for p in first} == {"error", "warning"}

    def recheck(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("the stored result was not reused")
    monkeypatch.setattr(checks, "_check", recheck)
    assert checks.check(settings) == first


def test_a_stored_result_is_not_reused_after_an_edit(review, settings):
    _age(settings.root, 100)
    first = [str(p) for p in checks.check(settings)]
    claim = review.claim("sleep-01")
    review.save(claim.model_copy(update={"status": "in review"}))
    assert [str(p) for p in checks.check(settings)] != first


@pytest.mark.parametrize("rows", [[[1, 2]], [["a", "b", "c"]], [["a", "b", "c", "bad"]],
                                  "rows", [["a", "b", "c", "error", "x"]]])
def test_a_stored_result_of_the_wrong_shape_is_not_used(review, settings, rows):
    import json
    _age(settings.root, 100)
    first = [str(p) for p in checks.check(settings)]
    key, _ = checks.fingerprint(settings, checks.list_reviews(settings))
    path = checks.result_path(settings, None)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"key": key, "problems": rows}))
    assert [str(p) for p in checks.check(settings)] == first


def test_a_review_scoped_check_reads_only_the_shared_records_it_cites(review, settings):
    from reviewtools.appraisal.studies import appraise
    appraise("trial2020a", by="ann", design="RCT", population="adults", intervention="fm",
             intervention_category="foot massage", risk_of_bias="high", rob_reasons="unblinded",
             n=60, settings=settings)
    review.link("sleep-01", "trial2020a", stance="supports", outcome="sleep", quote="Q.",
                by="ann")
    stray = settings.studies_dir / "cohort2019c.yaml"  # not cited: a broken appraisal
    stray.write_text("key: cohort2019c\ndesign: nonsense\n")
    with settings.bib_path.open("a") as f:  # not cited: a placeholder entry
        f.write("\n@article{example2020x,\n  title = {Example},\n  doi = {10.5555/12345678},\n}\n")
    _age(settings.root, 100)
    everything = [str(p) for p in checks.check(settings, ["foot-massage"])]
    scoped = [str(p) for p in checks.check(settings, ["foot-massage"], cited_only=True)]
    assert any("cohort2019c" in p for p in everything)
    assert any("example2020x" in p for p in everything)
    assert not any("cohort2019c" in p or "example2020x" in p for p in scoped)
    assert set(scoped) <= set(everything)
    # a problem in a record the review cites is reported, and seen at once after an edit
    path = settings.studies_dir / "trial2020a.yaml"
    path.write_text(path.read_text().replace("key: trial2020a", "key: trial2021b"))
    scoped = [str(p) for p in checks.check(settings, ["foot-massage"], cited_only=True)]
    assert any("trial2020a.yaml" in p and "does not match" in p for p in scoped)


def test_four_cited_keys_or_four_folders_without_review_yaml_are_not_stamps(review, settings):
    """The fingerprint's rows of names must never pass for a file's stamp (5 fields)."""
    with settings.bib_path.open("a") as f:  # a fourth synthetic entry, never appraised
        f.write("\n@article{trial2022d,\n  title = {Synthetic trial D},\n  year = {2022},\n"
                "  doi = {10.0000/synthetic.d},\n  verified = {test fixture; 2026-11-24},\n}\n")
    for key in ("trial2020a", "trial2021b", "cohort2019c", "trial2022d"):
        review.link("sleep-01", key, stance="supports", outcome="sleep", quote="Q.", by="ann")
    for name in ("stray-a", "stray-b", "stray-c", "stray-d"):
        (settings.evidence_dir / name).mkdir()
        (settings.evidence_dir / name / "notes.txt").write_text("left over\n")
    _age(settings.root, 100)
    assert checks.cited_keys(settings, ["foot-massage"]) == sorted(
        ["trial2020a", "trial2021b", "cohort2019c", "trial2022d"])
    scoped = [str(p) for p in checks.check(settings, ["foot-massage"], cited_only=True)]
    assert any("'trial2022d' is cited but has no appraisal" in p for p in scoped)
    everything = [str(p) for p in checks.check(settings)]
    assert sum("has files but no review.yaml" in p for p in everything) == 4
