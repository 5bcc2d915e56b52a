"""Notebooks written from the evidence (``reviewtools notebooks``) record every decision as it
stands: run top to bottom, offline, on a copy of the repository, they leave every evidence
file byte-identical; so do they for a small new review with profiles, question-level
screening, a rated profile, a claim that follows it and an open dual assessment."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import reviewtools as rt
from reviewtools.cli.main import main as cli
from reviewtools.literature.search import log_search, screen
from reviewtools.model.protocol import ProfileSpec
from reviewtools.notebook.record import notebook_claims, record_notebooks
from reviewtools.review import open_review
from reviewtools.store.files import save_record
from tests.conftest import REPO
from tests.notebook.test_notebooks import _digest
from tests.test_new_review import _start

pytestmark = pytest.mark.slow


def _run_all(folder: Path, root: Path, monkeypatch) -> list[nbformat.NotebookNode]:  # noqa: ANN001
    monkeypatch.setenv("REVIEWTOOLS_ROOT", str(root))
    monkeypatch.setenv("REVIEWTOOLS_OFFLINE", "1")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("PYTHONPATH", str(REPO))  # the kernel imports this checkout's library
    done = []
    for path in sorted(folder.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        NotebookClient(nb, timeout=180, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                  if o.get("output_type") == "error"]
        assert errors == [], f"{path.name}: {errors[:1]}"
        done.append(nb)
    return done


def _changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k)
                  and not k.startswith("exports"))


def test_shipped_review_notebooks_record_the_evidence_and_change_nothing(repo_copy, capsys,
                                                                         monkeypatch):
    assert cli(["notebooks", "foot-massage", "--root", str(repo_copy)]) == 0
    folder = repo_copy / "notebooks"
    names = sorted(p.name for p in folder.glob("*.ipynb"))
    assert {"00-overview.ipynb", "01-circulation.ipynb", "05-mood.ipynb",
            "06-export.ipynb"} <= set(names)
    assert any("-questions-" in n for n in names)
    review = open_review("foot-massage", root=repo_copy)
    claims = [c for c in review.load_claims() if c.status != "not a claim"]
    listed = [cid for n in names for cid in notebook_claims(folder / n)
              if not n.endswith("-export.ipynb")]
    assert sorted(listed) == sorted(c.id for c in claims)  # each claim in one notebook
    text = "".join((folder / n).read_text(encoding="utf-8") for n in names)
    links = sum(len(c.links) for c in claims)
    assert text.count("review.link(") >= links - text.count("not replayed: this link")
    assert text.count("review.map_claim(") == sum(
        bool(c.profiles) or any(h.action == "mapped to profiles" for h in c.history)
        for c in claims)
    assert "review.sof()" in text and "nb.risk_of_bias(review" in text
    assert "timestamp" not in text
    # the same evidence writes the same bytes
    capsys.readouterr()
    assert cli(["notebooks", "foot-massage", "--root", str(repo_copy)]) == 0
    assert "already record the evidence" in capsys.readouterr().out
    before = _digest(repo_copy)
    _run_all(folder, repo_copy, monkeypatch)
    assert _changed(before, _digest(repo_copy)) == []


def _small_review(root: Path) -> rt.Review:
    """The kava review of tests/test_new_review.py with decisions of every kind recorded:
    a profile rated by two reviewers blind and reconciled, one rated by one reviewer, one
    with an open assessment, question-level searches and screening, links, grades, a claim
    that follows its profile, a writer's statement."""
    settings = rt.Settings.from_env(root=root)
    review = _start(root, settings)
    protocol = review.protocol
    dual_spec = ProfileSpec(id="anxiety-vs-usual-care", outcome="anxiety", comparator="usual-care")
    rated = ProfileSpec(id="sleep-vs-usual-care", outcome="sleep", comparator="usual-care")
    blind = ProfileSpec(id="anxiety-vs-sham", outcome="anxiety", comparator="sham")
    single = ProfileSpec(id="sleep-vs-sham", outcome="sleep", comparator="sham")
    save_record(review.protocol_path, protocol.model_copy(update={
        "profiles": [dual_spec, rated, blind, single]}))
    review = open_review("kava", settings=settings)
    review.appraise("kavatrial2021", by="ann", design="RCT", n=420, n_unit="participants",
                    population="adults with anxiety", intervention="kava extract 250 mg",
                    intervention_category="kava extract", risk_of_bias="low",
                    rob_reasons="synthetic record")
    review.appraise("teatrial2019", by="bob", design="RCT", n=40, n_unit="participants",
                    population="adults", intervention="evening herbal tea",
                    intervention_category="herbal tea", risk_of_bias="high",
                    rob_reasons="synthetic record")
    anxiety = next(c for c in review.load_claims() if "lowers anxiety" in c.text)
    sleep = next(c for c in review.load_claims() if "sleep quality" in c.text)
    review.link(anxiety.id, "kavatrial2021", by="ann", stance="supports", outcome="anxiety",
                quote="Synthetic quote.", directness="direct", note="a note")
    review.add_evidence(dual_spec.id, "kavatrial2021", outcome="anxiety (HAM-A)",
                        direction="favours intervention", n=420, measure="SMD", value=-0.5,
                        ci_low=-0.7, ci_high=-0.3, by="ann")
    for name in ("ann", "bob"):  # blind dual rating, then the consensus
        me = review.as_reviewer(name)
        me.open_assessment(dual_spec.id)
        if name == "bob":
            me.assess(dual_spec.id, downgrades={"publication_bias": (1, "one sponsor only")})
        me.submit_assessment(dual_spec.id)
    review.as_reviewer("ann").reconcile(dual_spec.id, note="agreed after discussion",
                                        downgrades={"publication_bias": (1, "one sponsor")})
    review.map_claim(anxiety.id, [dual_spec.id], by="ann")
    review.follow_profiles(anxiety.id, by="ann")
    review.link(sleep.id, "teatrial2019", by="bob", stance="supports", outcome="sleep quality",
                quote="Synthetic quote.")
    review.grade(sleep.id, by="bob", downgrades={"imprecision": (2, "40 participants")})
    review.verdict(sleep.id, "uncertain", by="bob", reason="only a different intervention")
    review.add_evidence(rated.id, "teatrial2019", outcome="sleep quality (PSQI)",
                        direction="favours intervention", n=40, by="bob")
    review.rate_profile(rated.id, by="bob",
                        downgrades={"publication_bias": (1, "one small trial only")})
    review.set_profile_summary(rated.id, "Herbal tea may improve sleep quality.", by="writer")
    review.add_evidence(single.id, "teatrial2019", outcome="sleep vs placebo tea",
                        direction="no difference", n=40, by="bob")
    dave = review.as_reviewer("dave")  # one reviewer rates it; the profile adopts it
    dave.open_assessment(single.id)
    dave.submit_assessment(single.id)
    review.adopt(single.id, reviewer="dave")
    review.add_evidence(blind.id, "kavatrial2021", outcome="anxiety vs placebo",
                        direction="no difference", n=420, by="ann")
    log_search(review, dual_spec.id, "kava anxiety trial", "pages",
               ["doi:10.0000/synthetic.kava"], date="2026-12-01T10:00:00Z")
    log_search(review, dual_spec.id, "kava anxiety trial", "pages",
               ["doi:10.0000/synthetic.kava", "pmid:1"], date="2026-12-02T10:00:00Z")
    screen(review, dual_spec.id, "doi:10.0000/synthetic.kava", "include", "", "ann", title="K")
    screen(review, dual_spec.id, "pmid:1", "exclude", "wrong comparator", "bob")
    # an open assessment: never shown in the notebooks
    carol = review.as_reviewer("carol")
    carol.open_assessment(blind.id, ai_assisted=True)
    carol.assess(blind.id, note="CAROL-OPEN-NOTE", downgrades={"imprecision": (2, "n 420")})
    review.set_statement(anxiety.id, "Kava extract may reduce anxiety.", by="writer")
    spare = next(c for c in review.load_claims() if c.is_claim and c.id not in
                 (anxiety.id, sleep.id))
    review.drop(spare.id, reason="a description of the product, not a claim", by="ann")
    return open_review("kava", settings=settings)


def test_a_new_review_recorded_runs_and_changes_nothing(tmp_path, monkeypatch):
    review = _small_review(tmp_path)
    folder = tmp_path / "notebooks" / "kava"
    assert cli(["notebooks", "kava", "--root", str(tmp_path)]) == 0
    names = [p.name for p in sorted(folder.glob("*.ipynb"))]
    assert names[0] == "00-overview.ipynb" and names[-1] == "99-export.ipynb"
    assert "03-questions-anxiety.ipynb" in names and "03-questions-sleep.ipynb" in names
    text = "".join((folder / n).read_text(encoding="utf-8") for n in names)
    for expected in ("review.follow_profiles(", "review.rate_profile(", "review.add_evidence(",
                     "rt.search.log_search(", "rt.search.screen(", "review.grade(",
                     "review.set_statement(", "one small trial only", "review.agreement()",
                     "review.drop(", "review.reconcile(", "review.adopt(",
                     "review.set_profile_summary(",
                     "\\\"bob\\\"",
                     "\\\"writer\\\""):
        assert expected in text, expected
    assert "CAROL-OPEN-NOTE" not in text
    before = _digest(tmp_path)
    executed = _run_all(folder, tmp_path, monkeypatch)
    assert _changed(before, _digest(tmp_path)) == []
    outputs = json.dumps([nbformat.writes(nb) for nb in executed])
    assert "CAROL-OPEN-NOTE" not in outputs
    assert review.claim(next(c.id for c in review.load_claims() if "lowers anxiety" in c.text)
                        ).grade.by == "ann"


def test_a_grade_its_links_no_longer_give_is_shown_not_replayed(tmp_path, monkeypatch):
    review = _small_review(tmp_path)
    sleep = next(c for c in review.load_claims() if "sleep quality" in c.text)
    # the link changes after the grade: re-grading would change the claim
    review.link(sleep.id, "teatrial2019", by="bob", stance="background",
                outcome="sleep quality", quote="Synthetic quote.")
    folder = tmp_path / "nbs"
    record_notebooks(open_review("kava", root=tmp_path), folder)
    text = "".join(p.read_text(encoding="utf-8") for p in folder.glob("*.ipynb"))
    assert "not replayed: bob's grade" in text
    before = _digest(tmp_path)
    _run_all(folder, tmp_path, monkeypatch)
    assert _changed(before, _digest(tmp_path)) == []


def test_each_section_notebook_ends_with_a_claim_form(repo_copy):
    """A reviewer records a judgement by clicking (the browser test drives this form); the
    written notebooks keep it, for a claim of their own section."""
    from reviewtools.notebook.record import planned_record
    from reviewtools.settings import Settings
    review = open_review("foot-massage", settings=Settings.from_env(root=repo_copy))
    planned = planned_record(review, repo_copy / "notebooks")
    sections = [name for name in planned if name[:2] in ("01", "02", "03", "04", "05")]
    assert sections
    for name in sections:
        sources = ["".join(c["source"]) for c in planned[name].cells]
        forms = [s for s in sources if "rt.widgets.ClaimForm(review, \"" in s]
        assert len(forms) == 1 and sources[-1] == forms[0], name
