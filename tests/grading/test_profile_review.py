"""Evidence profiles through the Review facade: record, rate, map claims, check, SoF, migrate."""

from __future__ import annotations

import hashlib

import pytest

from reviewtools.export.run import export_review
from reviewtools.grading.checks import check
from reviewtools.model.profiles import PROPOSED_BY
from reviewtools.model.protocol import MinimalImportantDifference, ProfileSpec
from reviewtools.review import migrate_review, open_review
from reviewtools.settings import Settings
from reviewtools.store.files import save_record

PID = "anxiety-vs-usual-care"


@pytest.fixture
def profiled(review):
    protocol = review.protocol
    anxiety = protocol.outcome("anxiety").model_copy(update={"mid": MinimalImportantDifference(
        value=0.5, unit="SMD", source="synthetic, for the test")})
    protocol = protocol.model_copy(update={
        "outcomes": [anxiety if o.id == "anxiety" else o for o in protocol.outcomes],
        "profiles": [ProfileSpec(id=PID, outcome="anxiety", comparator="usual-care")]})
    save_record(review.protocol_path, protocol)
    review = open_review("foot-massage", settings=review.settings)
    for key, n, category in (("trial2020a", 250, "foot massage"),
                             ("trial2021b", 200, "foot reflexology")):
        review.appraise(key, by="ann", design="RCT", population="adults", n=n,
                        intervention="x", intervention_category=category, risk_of_bias="low",
                        rob_reasons="synthetic")
    review.add_evidence(PID, "trial2020a", outcome="state anxiety", n=250, by="ann",
                        direction="favours intervention", measure="SMD", value=-0.7,
                        ci_low=-0.95, ci_high=-0.55)
    review.add_evidence(PID, "trial2021b", outcome="anxiety (STAI)", n=200, by="ann",
                        direction="favours intervention", measure="SMD", value=-0.6,
                        ci_low=-0.9, ci_high=-0.55)
    return review


def test_two_claims_that_assert_one_outcome_share_one_rating(profiled):
    profile = profiled.rate_profile(PID, by="ann")
    assert profile.rating.certainty == "high" and profile.rating.participants == 450
    first, second = "stress-01", "mood-01"
    profiled.map_claim(first, [PID], by="ann")
    profiled.map_claim(second, [PID], by="ann")
    assert profiled.evidence_verdict(first)[:2] == profiled.evidence_verdict(second)[:2] == \
        ("high", "supported")
    assert profiled.profile(PID).rating == profile.rating  # rated once, stored once


def test_check_reports_a_study_counted_twice_and_a_verdict_against_its_profile(profiled):
    profiled.rate_profile(PID, by="ann")
    profiled.map_claim("stress-01", [PID], by="ann")
    profiled.link("stress-01", "trial2020a", by="ann", stance="supports", outcome="anxiety",
                  quote="q", directness="direct")
    profiled.grade("stress-01", by="ann")
    profiled.verdict("stress-01", "uncertain", by="ann", reason="too early to say")
    problems = [str(p) for p in check(profiled.settings, ["foot-massage"])]
    assert any("[stress-01]: verdict 'uncertain' but its profiles give 'supported'" in p
               for p in problems)
    profiled.add_evidence(PID, "trial2020a", outcome="trait anxiety", n=250, by="ann",
                          direction="favours intervention")
    problems = [str(p) for p in check(profiled.settings, ["foot-massage"])]
    assert any(f"profiles/{PID}.yaml: profile has no certainty" in p for p in problems)
    profiled.rate_profile(PID, by="ann")
    problems = [str(p) for p in check(profiled.settings, ["foot-massage"])]
    assert any("trial2020a: already in this profile: a study is counted once" in p
               for p in problems)


def test_the_sof_table_in_the_notebook_and_the_export(profiled, tmp_path):
    profiled.rate_profile(PID, by="ann")
    sof = profiled.sof()
    row = sof.set_index("profile").loc[PID]
    assert row["participants (studies)"] == "450 (2 studies)"
    assert row["certainty"].endswith("High") and row["comparison"].startswith("foot massage vs")
    assert "no treatment or usual care" in row["comparison"]
    out = tmp_path / "out"
    export_review(profiled, ["md"], out_dir=out)
    md = (out / "summary.md").read_text(encoding="utf-8")
    assert "## Summary of findings" in md and "450 (2 studies)" in md
    svg = (out / "figures" / f"forest-{PID}.svg").read_text(encoding="utf-8")
    assert f"figures/forest-{PID}.png" in md and "trial2020a" in svg and "trial2021b" in svg


def _digest(root) -> dict[str, str]:  # noqa: ANN001
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((root / "evidence").rglob("*.yaml"))}


def test_migrating_the_shipped_review_keeps_every_judgement(repo_copy):
    settings = Settings.from_env(root=repo_copy)
    review = open_review("foot-massage", settings=settings)
    before = {c.id: (c.grade, c.verdict, c.history) for c in review.load_claims()}
    report = migrate_review(review)
    assert report.profiles and all(p.rating.by == PROPOSED_BY for p in report.profiles.values())
    after = open_review("foot-massage", settings=settings)
    for claim in after.load_claims():
        grade, verdict, history = before[claim.id]
        assert (claim.grade, claim.verdict) == (grade, verdict)
        assert claim.history[:len(history)] == history
        assert claim.schema_version == 2
    assert set(report.profiles) <= set(after.load_profiles())  # a migration deletes nothing
    assert {s.id for s in after.protocol.profiles} >= set(report.profiles)
    assert [p for p in check(settings, ["foot-massage"]) if p.severity == "error"] == []
    digest = _digest(repo_copy)
    migrate_review(open_review("foot-massage", settings=settings))
    assert _digest(repo_copy) == digest  # a second run changes nothing
    published = set(after.sof()["profile"])  # proposals are not published until rated
    assert all(p.rating.by != PROPOSED_BY for pid, p in after.load_profiles().items()
               if pid in published)
    assert set(after.sof(proposals=True)["profile"]) >= published


def test_a_rob2_assessment_decides_the_risk_of_bias_domain(profiled):
    """The study record says 'low' (from the abstract); an RoB 2 assessment whose domain 1
    answers give 'high' (allocation not concealed) replaces it in the proposal."""
    from tests.appraisal.rob.test_rob2 import trial
    profiled.rate_profile(PID, by="ann")
    assert "most of the evidence is at low risk of bias" in \
        profiled.profile(PID).rating.proposals["risk_of_bias"].reason
    for key in ("trial2020a", "trial2021b"):
        assessment = profiled.assess_risk(key, "rob2", trial(D1=dict(q1_1="Y", q1_2="N",
                                                                     q1_3="N")), by="ann")
        assert assessment.overall == "high"
    rating = profiled.rate_profile(PID, by="ann").rating
    assert rating.downgrades.risk_of_bias.levels == 1
    assert "judged with rob2" in rating.proposals["risk_of_bias"].reason
    assert (profiled.settings.evidence_dir / "rob" / "trial2020a.yaml").is_file()
    out = profiled.settings.root / "out"
    export_review(profiled, ["md", "csv"], out_dir=out)
    md = (out / "summary.md").read_text(encoding="utf-8")
    assert f"figures/rob-{PID}-rob2.png" in md
    svg = (out / "figures" / f"rob-{PID}-rob2.svg").read_text(encoding="utf-8")
    assert "trial2020a" in svg and "trial2021b" in svg
    sof_csv = (out / "sof.csv").read_text(encoding="utf-8")
    assert sof_csv.startswith("profile,outcome,") and PID in sof_csv


def test_check_reports_a_risk_of_bias_overall_that_does_not_follow_its_answers(profiled):
    from tests.appraisal.rob.test_rob2 import trial
    profiled.assess_risk("trial2020a", "rob2", trial(), by="ann")
    path = profiled.settings.evidence_dir / "rob" / "trial2020a.yaml"
    assert all("rob" not in p.file for p in check(profiled.settings, ["foot-massage"]))
    text = path.read_text(encoding="utf-8")
    assert "overall: low" in text
    path.write_text(text.replace("overall: low", "overall: high"), encoding="utf-8")
    problems = [str(p) for p in check(profiled.settings, ["foot-massage"])]
    assert any(p.startswith("evidence/rob/trial2020a.yaml: cannot read") and
               "follow from the answers" in p for p in problems)


def test_a_claim_may_name_a_question_no_study_answers_yet(profiled):
    """A protocol question without a profile file is an empty body of evidence, not an
    unknown profile; a name outside the protocol still is."""
    spec = ProfileSpec(id="anxiety-vs-sham", outcome="anxiety", comparator="sham")
    protocol = profiled.protocol
    save_record(profiled.protocol_path,
                protocol.model_copy(update={"profiles": [*protocol.profiles, spec]}))
    review = open_review("foot-massage", settings=profiled.settings)
    review.rate_profile(PID, by="ann")
    review.map_claim("stress-01", [PID, "anxiety-vs-sham"], by="ann")
    found = [p.message for p in check(review.settings) if p.claim == "stress-01"]
    assert not any("unknown profile" in m for m in found), found
    claim = review.claim("stress-01")
    save_record(review.claim_path("stress-01"),
                claim.model_copy(update={"profiles": [PID, "anxiety-vs-nothing"]}))
    found = [p.message for p in check(review.settings) if p.claim == "stress-01"]
    assert any("unknown profile(s): anxiety-vs-nothing" in m for m in found), found


def test_amstar2_confidence_is_not_read_as_the_risk_of_bias_of_the_reviews_trials(profiled):
    """AMSTAR 2 rates confidence in a review's methods, not the risk of bias of the trials it
    pooled: the domain keeps the record's risk of bias of the evidence and names the AMSTAR 2
    rating beside it; the assessment keeps a note of what it was based on."""
    from tests.appraisal.rob.helpers import items
    bib = profiled.settings.bib_path
    bib.write_text(bib.read_text(encoding="utf-8") + "\n@article{review2022c,\n  author = "
                   "{Tester, Carol},\n  title = {Synthetic systematic review C},\n  journal = "
                   "{Journal of Tests},\n  year = {2022},\n  verified = {synthetic}\n}\n",
                   encoding="utf-8")
    profiled.appraise("review2022c", by="ann", design="systematic review", population="adults",
                      intervention="x", intervention_category="foot massage",
                      risk_of_bias="low", rob_reasons="the review judged its trials low risk")
    profiled.add_evidence(PID, "review2022c", outcome="anxiety, pooled", n=300, by="ann",
                          direction="favours intervention")
    note = "assessed from the abstract only; unreported items answered No"
    a = profiled.assess_risk("review2022c", "amstar2", items("Y N N N Y Y N Y N N N Y N Y N Y"),
                             by="ann", note=note)
    assert a.overall == "critically low" and a.note == note
    reason = profiled.rate_profile(PID, by="ann").rating.proposals["risk_of_bias"].reason
    assert "most of the evidence is at low risk of bias" in reason
    assert "AMSTAR 2" in reason and "critically low" in reason and "review2022c" in reason


def test_a_claim_follows_its_profiles_verdict_and_certainty(profiled):
    profiled.rate_profile(PID, by="ann")
    profiled.map_claim("stress-01", [PID], by="ann")
    before = profiled.claim("mood-01")
    claim = profiled.follow_profiles("stress-01", by="ann")
    certainty, verdict, reason = profiled.evidence_verdict("stress-01")
    assert (claim.grade.certainty, claim.verdict.value) == (certainty, verdict) == \
        ("high", "supported")
    assert PID in claim.grade.override_justification and reason in claim.verdict.reason
    assert not [p for p in check(profiled.settings, ["foot-massage"]) if p.claim == "stress-01"]
    profiled.rate_profile(PID, by="ann", downgrades={"imprecision": (2, "synthetic: tiny")})
    assert profiled.follow_profiles("stress-01", by="ann").grade.certainty == "low"
    assert profiled.follow_profiles("mood-01", by="ann") == before  # no profile: unchanged
    again = profiled.claim("stress-01")
    assert profiled.follow_profiles("stress-01", by="ann").revision == again.revision


def test_a_profile_whose_entries_were_all_removed_needs_no_rating(profiled):
    """'No studies' is a result: an empty body of evidence is not rated, and its history
    (why the entries left) is kept."""
    profile = profiled.stored_profile(PID)
    save_record(profiled.profile_path(PID), profile.model_copy(update={"entries": [],
                                                                        "rating": None}))
    found = [str(p) for p in check(profiled.settings, ["foot-massage"]) if PID in p.file]
    assert found == []


def test_a_reason_for_not_rating_down_is_kept(profiled):
    """A reviewer who leaves a domain at 0 against a proposal of 1 must say why, and that
    reason is the record (found by the blind second reviewer: it was dropped)."""
    from reviewtools.grading.profiles import _decide
    from reviewtools.model.profiles import DomainProposal
    kept = _decide({"imprecision": DomainProposal(levels=1, reason="few participants")},
                   {"imprecision": (0, "the interval excludes no effect; OIS met")},
                   ["imprecision"])
    assert kept["imprecision"].reason == "the interval excludes no effect; OIS met"
    rating = profiled.rate_profile(PID, by="ann", downgrades={
        "risk_of_bias": (0, "synthetic trials at low risk, as recorded")}).rating
    assert rating.downgrades.risk_of_bias.reason == "synthetic trials at low risk, as recorded"


@pytest.mark.parametrize("statement,certainty,problem", [
    ("Foot massage may reduce pain (low certainty).", "very low", "says low certainty"),
    ("Foot massage probably reduces pain.", "very low", "very uncertain"),
    ("Foot massage probably reduces pain.", "low", "'probably'"),
    ("The evidence is very uncertain about the effect on pain.", "very low", None),
    ("Foot massage may reduce pain compared with usual care (low certainty).", "low", None),
])
def test_a_statement_says_the_certainty_its_claim_has(profiled, statement, certainty, problem):
    """GRADE informative statements: 'may' for low, 'probably' for moderate, 'very uncertain'
    for very low; a statement naming another certainty than the claim's is a problem."""
    from reviewtools.grading.rules import statement_problems
    found = statement_problems(statement, certainty)
    if problem is None:
        assert found == []
    else:
        assert any(problem in f for f in found), found


def test_a_profile_summary_is_written_with_its_history_and_checked(profiled):
    profiled.rate_profile(PID, by="ann")  # high certainty
    p = profiled.set_profile_summary(PID, "Foot massage reduces anxiety.", by="ann")
    assert p.summary == "Foot massage reduces anxiety." and p.history[-1].action == "summary"
    assert profiled.set_profile_summary(PID, "Foot massage reduces anxiety.", by="ann") \
        .revision == p.revision  # the same text changes nothing
    profiled.set_profile_summary(PID, "Foot massage may reduce anxiety (low certainty).",
                                 by="ann")
    found = [str(x) for x in check(profiled.settings, ["foot-massage"]) if PID in x.file]
    assert any("says low certainty" in f for f in found), found
