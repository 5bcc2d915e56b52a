"""``reviewtools assess``: dual review from the command line, blinded in ``show``."""

from __future__ import annotations

import json

import pytest

from reviewtools.cli.main import main
from tests.grading.test_profile_review import PID, profiled  # noqa: F401 - the fixture

SECRET = "ann-only reason: allocation was not concealed"


def _run(capsys, root, *argv: str) -> tuple[int, str, str]:  # noqa: ANN001
    capsys.readouterr()
    code = main(["assess", *argv, "--review", "foot-massage", "--root", str(root)])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def root(profiled):  # noqa: F811
    return profiled.settings.root


@pytest.fixture
def ann_submitted(root, capsys, profiled):  # noqa: F811
    """ann, through the CLI: opened, very low with a reason only she wrote, submitted; and the
    profile's rating is hers."""
    assert _run(capsys, root, "open", PID, "--reviewer", "ann", "--ai-assisted")[0] == 0
    code, out, _ = _run(capsys, root, "set", PID, "--reviewer", "ann", "--downgrade",
                        "risk_of_bias", "1", SECRET, "--downgrade", "imprecision", "2", SECRET,
                        "--note", SECRET)
    assert code == 0 and "certainty very low" in out and "(AI-assisted)" in out
    assert _run(capsys, root, "submit", PID, "--reviewer", "ann")[0] == 0
    profiled.rate_profile(PID, by="ann", downgrades={"risk_of_bias": (1, SECRET),
                                                     "imprecision": (2, SECRET)})
    return root


def test_show_hides_the_other_reviewer_until_one_submits(ann_submitted, capsys, monkeypatch):
    root = ann_submitted
    monkeypatch.setenv("REVIEWTOOLS_REVIEWER", "bob")  # the reviewer from the environment
    code, out, _ = _run(capsys, root, "open", PID)
    assert code == 0 and out.startswith("bob: open, certainty high")
    code, out, _ = _run(capsys, root, "show", PID)
    assert code == 0 and "1 other reviewer(s), 1 submitted (hidden until you submit" in out
    assert SECRET not in out and "very low" not in out and "ann:" not in out
    assert "rating:" not in out  # ann's consensus rating is hidden too
    code, out, _ = _run(capsys, root, "agreement")
    assert code == 0 and "very low" not in out and "no profile has two" in out
    assert _run(capsys, root, "submit", PID)[0] == 0
    code, out, _ = _run(capsys, root, "show", PID)
    assert "ann: submitted (AI-assisted), certainty very low" in out and SECRET in out
    assert "rating: very low (rated by ann)" in out


def test_agreement_prints_the_table_and_kappa(ann_submitted, capsys):
    root = ann_submitted
    _run(capsys, root, "open", PID, "--reviewer", "bob")
    _run(capsys, root, "set", PID, "--reviewer", "bob", "--downgrade", "imprecision", "1",
         "wide interval")
    _run(capsys, root, "submit", PID, "--reviewer", "bob")
    code, out, _ = _run(capsys, root, "agreement", "--reviewer", "bob")
    assert code == 0 and PID in out and "very low" in out and "moderate" in out
    assert "ann vs bob: weighted kappa on certainty 0.00 (linear; quadratic 0.00), n = 1" in out
    assert "imprecision 0%" in out and "risk_of_bias 0%" in out and "AI-assisted" in out
    code, out, _ = _run(capsys, root, "agreement", "--format", "json", "--reviewer", "ann")
    data = json.loads(out)
    assert data["pairs"][0]["n"] == 1 and data["rows"][0]["certainty_a"] == "very low"
    code, out, _ = _run(capsys, root, "agreement", "--reviewer", "carol")  # has not assessed
    assert "very low" not in out and "no profile has two submitted" in out


def test_reconcile_needs_a_note_and_frozen_assessments_refuse_changes(ann_submitted, capsys):
    root = ann_submitted
    _run(capsys, root, "open", PID, "--reviewer", "bob")
    _run(capsys, root, "submit", PID, "--reviewer", "bob")
    code, _, err = _run(capsys, root, "set", PID, "--reviewer", "bob", "--note", "late")
    assert code == 3 and "submitted (frozen); reopen it first" in err
    code, _, err = _run(capsys, root, "reconcile", PID, "--reviewer", "bob", "--downgrade",
                        "risk_of_bias", "1", "x", "--downgrade", "imprecision", "1", "y")
    assert code == 2 and "say how it was resolved" in err
    code, out, _ = _run(capsys, root, "reconcile", PID, "--reviewer", "bob", "--downgrade",
                        "risk_of_bias", "1", "x", "--downgrade", "imprecision", "1", "y",
                        "--note", "met: one level for imprecision")
    assert code == 0 and out.startswith(f"{PID}: low, reconciling ann and bob: met")
    capsys.readouterr()
    main(["check", "foot-massage", "--root", str(root)])
    assert "disagree on certainty" not in capsys.readouterr().out


def test_bad_input_is_one_line_and_exit_2(ann_submitted, capsys):
    root = ann_submitted
    code, _, err = _run(capsys, root, "open", PID, "--reviewer", "bob")
    code, _, err = _run(capsys, root, "set", PID, "--reviewer", "bob", "--downgrade",
                        "imprecision", "two", "r")
    assert code == 2 and err.count("\n") == 1 and "LEVELS is 0, 1 or 2" in err
    code, _, err = _run(capsys, root, "open", PID, "--reviewer", "bob smith")
    assert code == 2 and "invalid reviewer name" in err
    code, _, err = _run(capsys, root, "set", PID, "--reviewer", "bob")
    assert code == 2 and "nothing to set" in err
