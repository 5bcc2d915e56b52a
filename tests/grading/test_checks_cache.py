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
