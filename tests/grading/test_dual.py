"""Dual review of profile certainty, blinded: assessments, blinding, kappa, reconcile, check."""

from __future__ import annotations

import warnings

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewtools.errors import ConflictError, GradingError, NotFoundError
from reviewtools.export.context import ExportContext
from reviewtools.export.run import export_review
from reviewtools.grading import dual
from reviewtools.grading.checks import check
from reviewtools.model.assessments import Assessment
from reviewtools.model.profiles import PROPOSED_BY
from reviewtools.model.records import CERTAINTY_ORDER, Downgrades
from tests.grading.test_profile_review import PID, profiled  # noqa: F401 - the fixture

SECRET = "ann-only reason: the trials were unblinded"  # appears only in ann's judgement


@pytest.fixture
def ann_done(profiled):  # noqa: F811
    """ann has rated the profile (the consensus so far) and submitted her assessment: very
    low, with a reason no one else wrote."""
    ann = profiled.as_reviewer("ann")
    ann.open_assessment(PID, ai_assisted=True)
    down = {"risk_of_bias": (1, SECRET), "imprecision": (2, SECRET)}
    ann.assess(PID, downgrades=down, note=SECRET)
    ann.submit_assessment(PID)
    profiled.rate_profile(PID, by="ann", downgrades=down)
    return profiled


def _seen_by(review, pid=PID) -> str:  # noqa: ANN001
    """Everything review.profile / blind_view / sof / agreement show, as one string."""
    view = review.blind_view(pid)
    shown = [review.profile(pid), view.profile, view.others, view.summary(),
             review.sof().to_string(), review.agreement().to_string()]
    return repr(shown)


def test_an_assessment_opens_with_the_proposals_not_with_another_reviewers(ann_done):
    assert ann_done.stored_profile(PID).rating.certainty == "very low"
    bob = ann_done.as_reviewer("bob").open_assessment(PID)
    assert bob.status == "open" and bob.reviewer == "bob" and not bob.ai_assisted
    assert bob.certainty == bob.proposed == "high"
    assert all(r.levels == 0 for _name, r in bob.downgrades) and SECRET not in repr(bob)
    assert bob.downgrades != Downgrades()  # the proposals' reasons come along
    assert bob.profile_revision == ann_done.stored_profile(PID).revision
    path = ann_done.path / "assessments" / PID / "bob.yaml"
    assert path.is_file() and (ann_done.path / "assessments" / PID / "ann.yaml").is_file()


def test_blinding_hides_the_other_reviewer_until_one_submits(ann_done):
    bob = ann_done.as_reviewer("bob", blind=True)
    bob.open_assessment(PID)
    seen = _seen_by(bob)
    assert SECRET not in seen and "very low" not in seen.lower()
    view = bob.blind_view(PID)
    assert view.blinded and view.rating_hidden and view.others == {}
    assert view.summary().startswith("1 other reviewer(s), 1 submitted")
    assert bob.profile(PID).rating is None and bob.sof().empty
    bob.submit_assessment(PID)
    view = bob.blind_view(PID)
    assert not view.blinded and view.others["ann"].certainty == "very low"
    assert bob.profile(PID).rating.certainty == "very low"
    assert SECRET in _seen_by(bob)


def test_without_blinding_the_same_calls_show_the_other_reviewer(ann_done):
    """The contrast that makes the blinding tests able to fail."""
    ann_done.as_reviewer("bob").open_assessment(PID)
    assert SECRET in _seen_by(ann_done.as_reviewer("bob", blind=False))
    assert SECRET not in _seen_by(ann_done.as_reviewer("bob", blind=True))
    assert SECRET not in _seen_by(ann_done.as_reviewer("carol", blind=True))  # never opened


def test_a_machine_proposal_stays_visible_and_labelled(profiled):  # noqa: F811
    profiled.rate_profile(PID, by=PROPOSED_BY)
    view = profiled.as_reviewer("bob").blind_view(PID)
    assert not view.rating_hidden and view.profile.rating.by == PROPOSED_BY
    assert "machine proposal" in view.rating_label


def test_ones_own_rating_is_not_hidden_from_oneself(ann_done):
    ann = ann_done.as_reviewer("ann", blind=True)
    ann.reopen_assessment(PID, reason="re-read the second trial")
    assert ann.profile(PID).rating.certainty == "very low"  # ann's own rating
    assert ann.blind_view(PID).blinded  # but others' assessments would be hidden


def test_the_export_of_a_blinded_reviewer_shows_no_other_certainty(ann_done, tmp_path):
    bob = ann_done.as_reviewer("bob", blind=True)
    bob.open_assessment(PID)
    export_review(bob, ["md", "csv"], out_dir=tmp_path / "blind")
    export_review(ann_done, ["md"], out_dir=tmp_path / "open")
    opened = (tmp_path / "open" / "summary.md").read_text(encoding="utf-8")
    assert SECRET in opened  # the consensus footnote, when not blinded
    blind = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "blind").rglob("*")
                    if p.suffix in (".md", ".csv"))
    assert SECRET not in blind and "450 (2 studies)" not in blind


def test_submit_freezes_and_reopen_is_explicit_and_logged(profiled):  # noqa: F811
    ann = profiled.as_reviewer("ann")
    with pytest.raises(NotFoundError, match="no assessment"):
        ann.assess(PID, note="x")
    ann.open_assessment(PID)
    ann.assess(PID, downgrades={"imprecision": (1, "one more trial would change it")})
    with pytest.raises(GradingError, match="needs a reason"):
        ann.assess(PID, downgrades={"risk_of_bias": (1, "")})
    done = ann.submit_assessment(PID)
    assert done.submitted and done.submitted_at and done.certainty == "moderate"
    with pytest.raises(ConflictError, match="submitted"):
        ann.assess(PID, note="too late")
    with pytest.raises(GradingError, match="reason"):
        ann.reopen_assessment(PID, reason=" ")
    again = ann.reopen_assessment(PID, reason="new trial found")
    assert again.status == "open" and again.submitted_at is None
    assert [h.action for h in again.history] == ["opened", "changed", "submitted", "reopened"]
    assert again.history[-1].detail == "new trial found"


# ---- kappa -----------------------------------------------------------------------------------

def _a(pid: str, reviewer: str, certainty: str, imprecision: int = 0) -> Assessment:
    down = Downgrades(imprecision={"levels": imprecision, "reason": "r" if imprecision else ""})
    return Assessment(profile=pid, reviewer=reviewer, status="submitted",
                      opened_at="2026-12-01T10:00:00Z", submitted_at="2026-12-01T11:00:00Z",
                      profile_revision=1, start="high", downgrades=down, proposed=certainty,
                      certainty=certainty)


A = ["high", "moderate", "low", "low", "very low"]
B = ["high", "low", "low", "moderate", "very low"]


def test_weighted_kappa_matches_a_hand_computation():
    # scores very low 0 .. high 3; A = 3,2,1,1,0 and B = 3,1,1,2,0; both margins .2,.4,.2,.2
    # observed mean |i-j| = 2/5 = 0.4; expected mean |i-j| = sum p_i p_j |i-j| = 1.12
    # linear kappa = 1 - 0.4/1.12 = 9/14; quadratic: observed 0.4, expected 2.08 -> 21/26
    assert dual.weighted_kappa(A, B, "linear") == pytest.approx(9 / 14)
    assert dual.weighted_kappa(A, B, "quadratic") == pytest.approx(21 / 26)
    found = {f"p{i}": {"ann": _a(f"p{i}", "ann", x, 1 if i else 0),
                       "bob": _a(f"p{i}", "bob", y, 1)}
             for i, (x, y) in enumerate(zip(A, B, strict=True))}
    result = dual.agreement_of(found)
    pair = result.pairs[0]
    assert pair["reviewers"] == ("ann", "bob") and pair["n"] == 5
    assert pair["kappa_linear"] == pytest.approx(9 / 14)
    assert pair["percent_agreement"]["certainty"] == 60.0
    assert pair["percent_agreement"]["imprecision"] == 80.0
    df = result.table()
    assert list(df["certainty_a"]) == A and list(df["certainty_b"]) == B
    assert df.attrs["pairs"][0]["kappa_quadratic"] == pytest.approx(21 / 26)


def test_weighted_kappa_matches_sklearn():
    from sklearn.metrics import cohen_kappa_score
    for w in ("linear", "quadratic"):
        assert dual.weighted_kappa(A, B, w) == pytest.approx(
            cohen_kappa_score(A, B, weights=w, labels=list(CERTAINTY_ORDER)))


@given(st.lists(st.tuples(st.sampled_from(CERTAINTY_ORDER), st.sampled_from(CERTAINTY_ORDER)),
                min_size=1, max_size=12))
def test_weighted_kappa_agrees_with_sklearn_on_any_table(pairs):
    from sklearn.metrics import cohen_kappa_score
    a, b = [x for x, _ in pairs], [y for _, y in pairs]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = cohen_kappa_score(a, b, weights="linear", labels=list(CERTAINTY_ORDER))
    mine = dual.weighted_kappa(a, b, "linear")
    if expected != expected:  # nan: sklearn finds it undefined too
        assert mine is None
    else:
        assert mine == pytest.approx(expected)


def test_kappa_is_none_when_chance_agreement_is_total():
    assert dual.weighted_kappa(["low", "low"], ["low", "low"]) is None
    assert dual.weighted_kappa([], []) is None


def test_open_assessments_never_count_in_agreement(ann_done):
    bob = ann_done.as_reviewer("bob", blind=False)
    bob.open_assessment(PID)
    assert bob.agreement().empty
    assert dual.agreement_summary(ann_done)["n"] == 0


# ---- reconcile and check -----------------------------------------------------------------

def _bob_submits(review, **kw):  # noqa: ANN001, ANN202
    bob = review.as_reviewer("bob", blind=True)
    bob.open_assessment(PID, ai_assisted=True)
    if kw:
        bob.assess(PID, **kw)
    bob.submit_assessment(PID)
    return bob


def _problems(review) -> list[str]:  # noqa: ANN001
    return [str(p) for p in check(review.settings, ["foot-massage"])]


def test_reconcile_needs_a_note_when_they_disagree_and_records_both(ann_done):
    bob = _bob_submits(ann_done)  # bob: high (the proposals); ann: very low
    problems = _problems(ann_done)
    assert any(f"assessments/{PID}: profile {PID}: the reviewers disagree on certainty "
               "(ann very low, bob high)" in p for p in problems)
    with pytest.raises(GradingError, match="say how it was resolved"):
        bob.reconcile(PID, downgrades={"risk_of_bias": (1, SECRET), "imprecision": (1, "x")})
    with pytest.raises(GradingError, match="disagree on risk_of_bias, imprecision"):
        bob.reconcile(PID, note="discussed")
    profile = bob.reconcile(PID, note="agreed: unblinded trials, but the CI is narrow",
                            downgrades={"risk_of_bias": (1, SECRET), "imprecision": (0, "")})
    r = profile.rating
    assert r.certainty == "moderate" and r.reviewers == ["ann", "bob"] and r.by == "bob"
    assert r.reconciliation.startswith("agreed: unblinded") and r.ai_assisted
    assert profile.history[-1].action == "reconciled"
    assert not any("disagree on certainty" in p for p in _problems(ann_done))
    summary = ExportContext(ann_done, ann_done.settings.root / "x").agreement
    assert summary["n"] == 1 and summary["reviewers"] == ["ann", "bob"]
    assert summary["ai_assisted"] and summary["kappa"] == 0.0


def test_reconcile_refuses_one_submitted_and_an_open_reconciler(profiled):  # noqa: F811
    ann = profiled.as_reviewer("ann")
    ann.open_assessment(PID)
    ann.submit_assessment(PID)
    with pytest.raises(GradingError, match="needs two submitted"):
        ann.reconcile(PID, note="x")
    profiled.as_reviewer("bob").open_assessment(PID)
    with pytest.raises(ConflictError, match="submit it before reconciling"):
        profiled.as_reviewer("bob").reconcile(PID, note="x")
    profiled.as_reviewer("bob").submit_assessment(PID)
    with pytest.raises(GradingError, match="needs a note saying why"):
        ann.reconcile(PID, downgrades={"imprecision": (1, "wide")})
    agreed = ann.reconcile(PID)  # they agree: no note needed
    assert agreed.rating.certainty == "high" and agreed.rating.reviewers == ["ann", "bob"]


def test_check_warns_when_entries_changed_after_an_assessment(ann_done):
    ann_done.add_evidence(PID, "trial2020a", outcome="trait anxiety", n=250, by="ann",
                          direction="favours intervention")
    warned = [p for p in check(ann_done.settings, ["foot-massage"]) if p.severity == "warning"]
    assert any(f"assessments/{PID}/ann.yaml" in p.file and "entries have changed" in p.message
               for p in warned)


def test_an_assessment_filed_under_another_name_is_a_problem(ann_done):
    src = ann_done.path / "assessments" / PID / "ann.yaml"
    src.rename(src.with_name("zed.yaml"))
    assert any("zed.yaml: holds ann's assessment" in p for p in _problems(ann_done))
    with pytest.raises(Exception, match="holds ann's assessment"):
        dual.load_assessments(ann_done, PID)


def test_the_notebook_helper_lists_ones_own_and_hides_the_others(ann_done):
    from reviewtools.notebook import my_assessments
    bob = ann_done.as_reviewer("bob")
    assert my_assessments(bob).set_index("profile").loc[PID, "status"] == "not opened"
    bob.open_assessment(PID)
    row = my_assessments(bob).set_index("profile").loc[PID]
    assert row["status"] == "open" and row["certainty"] == "high"
    assert row["others"].startswith("1 other reviewer(s), 1 submitted (hidden")
    assert "very low" not in my_assessments(bob).to_string()
    assert my_assessments(ann_done.as_reviewer("ann")).set_index("profile").loc[
        PID, "certainty"] == "very low"


def test_the_export_agreement_of_a_blinded_reviewer_counts_only_what_they_may_see(ann_done):
    bob = _bob_submits(ann_done.as_reviewer("bob"))
    assert ExportContext(bob, bob.settings.root / "x").agreement["n"] == 1
    carol = ann_done.as_reviewer("carol", blind=True)
    assert ExportContext(carol, carol.settings.root / "x").agreement["n"] == 0
    assert ExportContext(ann_done, ann_done.settings.root / "x").agreement["n"] == 1


def test_a_profile_rated_by_one_reviewer_adopts_that_assessment(profiled):  # noqa: F811
    """Profiles the protocol does not dual-rate: the one submitted assessment becomes the
    rating, with its reasons and its reviewer; two submitted ones must be reconciled."""
    ann = profiled.as_reviewer("ann")
    ann.open_assessment(PID, ai_assisted=True)
    ann.assess(PID, downgrades={"imprecision": (2, SECRET)})
    with pytest.raises(GradingError, match="submit"):
        profiled.adopt(PID, reviewer="ann")
    ann.submit_assessment(PID)
    rating = profiled.adopt(PID, reviewer="ann").rating
    assert rating.downgrades.imprecision.levels == 2 and rating.downgrades.imprecision.reason \
        == SECRET and rating.certainty == "low" and rating.reviewers == ["ann"]
    assert rating.by == "ann" and rating.ai_assisted
    assert not [p for p in _problems(profiled) if PID in p and "certainty" in p]
    _bob_submits(profiled)
    with pytest.raises(GradingError, match="reconcile"):
        profiled.adopt(PID, reviewer="ann")


def test_domain_level_kappa_matches_sklearn():
    from sklearn.metrics import cohen_kappa_score
    a, b = [0, 1, 2, 1, 0, 2, 1], [0, 2, 2, 1, 1, 2, 0]
    ours = dual.weighted_kappa(a, b, "linear", scale=(0, 1, 2))
    assert ours == pytest.approx(cohen_kappa_score(a, b, weights="linear", labels=[0, 1, 2]))
