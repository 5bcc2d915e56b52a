"""Any article: a second review, of an article that has nothing to do with the first, goes end
to end through the public API with its own protocol, and the published text is its own.

The article below was written for this test (a typical supplement blog post); the two
studies are synthetic records that exist only in the test's temporary repository.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import textwrap
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

import reviewtools as rt
from reviewtools.cli.main import main as cli
from reviewtools.errors import ClaimMismatchError, InputError
from reviewtools.export.run import export_review
from reviewtools.literature.search import protocol_query, search_candidates
from reviewtools.model.protocol import Outcome, RelatedIntervention
from reviewtools.notebook.scaffold import scaffold_notebooks
from reviewtools.review import new_review, open_review
from reviewtools.store.files import save_record
from tests.conftest import REPO
from tests.literature.sources import FixtureServer

ARTICLE = textwrap.dedent("""\
    Kava for Calm: What the Research Says

    Kava extract, made from the root of the Pacific shrub Piper methysticum, has been drunk
    in the South Pacific for centuries. Today capsules of kava extract are sold in most
    health food shops. Many people take kava extract in the evening to unwind. Regular kava
    use is also said to improve sleep quality in people with insomnia.

    Anxiety

    Clinical studies have shown that kava extract lowers anxiety as well as prescription
    drugs do. Kava extract may also reduce the physical tension that comes with worry.
    """)

BIB = textwrap.dedent("""\
    @article{kavatrial2021,
      author = {Tester, Alice},
      title = {Synthetic randomised trial of a root extract for anxiety},
      journal = {Test Journal},
      year = {2021},
      doi = {10.0000/synthetic.kava},
      verified = {test fixture; 2026-12-01},
    }

    @article{teatrial2019,
      author = {Tester, Bob},
      title = {Synthetic randomised trial of an evening herbal tea},
      journal = {Test Journal},
      year = {2019},
      doi = {10.0000/synthetic.tea},
      verified = {test fixture; 2026-12-01},
    }
    """)
FIRST_ARTICLE_WORDS = re.compile(r"\bfoot\b|\bfeet\b|reflexolog|massag", re.IGNORECASE)


def _digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((root / "evidence").rglob("*"))
            if p.is_file() and ".lock" not in p.name}


def _start(root: Path, settings) -> rt.Review:  # noqa: ANN001
    (root / "kava.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "references.bib").write_text(BIB, encoding="utf-8")
    new_review(str(root / "kava.txt"), "kava", settings=settings, intervention="kava extract",
               url="https://health-blog.invalid/kava-for-calm")
    review = open_review("kava", settings=settings)
    protocol = review.protocol.model_copy(update={"status": "final", "outcomes": [
        Outcome(id="anxiety", name="anxiety", importance="critical",
                direction="lower is better", terms=["anxiety", "worry"]),
        Outcome(id="sleep", name="sleep quality", importance="critical",
                direction="higher is better", terms=["sleep quality", "insomnia"])]})
    protocol.intervention.related = [
        RelatedIntervention(name="kava drink", relation="variant", synonyms=["kava tea"]),
        RelatedIntervention(name="herbal tea", relation="different", phrase="herbal tea")]
    save_record(review.protocol_path, protocol)
    return open_review("kava", settings=settings)


def test_a_second_article_end_to_end(tmp_path):
    with FixtureServer() as server:
        settings = server.settings(tmp_path)
        review = _start(tmp_path, settings)
        assert review.meta.url == "https://health-blog.invalid/kava-for-calm"
        anxiety = next(c for c in review.load_claims() if "lowers anxiety" in c.text)

        # the search is built from the protocol and logged as run
        expected = protocol_query(anxiety.text, review.protocol)
        assert expected.startswith('("kava extract")') and "anxiety" in expected
        search_candidates(review, anxiety.id, sources=["pubmed"])
        terms = [r.params.get("term") for r in server.requests if "esearch" in r.path]
        assert terms == [expected]
        assert not FIRST_ARTICLE_WORDS.search(terms[0])

    # appraisal: the vocabulary of interventions is the protocol's
    with pytest.raises(InputError, match="not in the protocol"):
        review.appraise("teatrial2019", by="ann", design="RCT", population="adults",
                        intervention="chamomile tea", intervention_category="chamomile",
                        risk_of_bias="low", rob_reasons="x")
    review.appraise("kavatrial2021", by="ann", design="RCT", n=420, n_unit="participants",
                    population="adults with anxiety", intervention="kava extract 250 mg",
                    intervention_category="kava extract", risk_of_bias="low",
                    rob_reasons="synthetic record")
    review.appraise("teatrial2019", by="ann", design="RCT", n=420, n_unit="participants",
                    population="adults", intervention="evening herbal tea",
                    intervention_category="herbal tea", risk_of_bias="low",
                    rob_reasons="synthetic record")
    review.link(anxiety.id, "kavatrial2021", by="ann", stance="supports", outcome="anxiety",
                quote="Synthetic quote.", directness="direct")
    graded = review.grade(anxiety.id, by="ann")
    assert graded.assessments["ann"].grade.certainty == "high"
    review.verdict(anxiety.id, "supported", by="ann", reason="one large synthetic trial")

    # a claim judged on a different intervention only: indirect twice, named by the protocol
    sleep = next(c for c in review.load_claims() if "sleep quality" in c.text)
    review.link(sleep.id, "teatrial2019", by="ann", stance="supports", outcome="sleep quality",
                quote="Synthetic quote.")
    graded = review.grade(sleep.id, by="ann")
    mine = graded.assessments["ann"].grade
    reason = mine.downgrades.indirectness.reason
    assert mine.downgrades.indirectness.levels == 2
    assert reason.startswith("no study tested kava extract or kava drink")
    review.verdict(sleep.id, "uncertain", by="ann", reason="only a different intervention")

    out = tmp_path / "exports" / "kava"
    export_review(review, ["md", "html", "claimreview", "annotations"], out_dir=out)
    md = (out / "summary.md").read_text(encoding="utf-8")
    html = (out / "summary.html").read_text(encoding="utf-8")
    jsonld = (out / "claimreview.jsonld").read_text(encoding="utf-8") + \
        (out / "annotations.jsonld").read_text(encoding="utf-8")
    assert "Kava extract reduces anxiety [@kavatrial2021]." in md
    assert "Herbal tea" in md  # the statement names what was tested, as the protocol does
    for text in (md, html, jsonld):
        assert "kava extract" in text.lower()
        assert not FIRST_ARTICLE_WORDS.search(text), FIRST_ARTICLE_WORDS.search(text)


def test_generated_notebooks_run_and_hold_no_decision(tmp_path, monkeypatch):
    settings = rt.Settings.from_env(root=tmp_path)
    review = _start(tmp_path, settings)
    made = scaffold_notebooks(review, tmp_path / "notebooks" / "kava")
    names = [p.name for p in made]
    assert names[0] == "00-overview.ipynb" and names[-1] == "99-export.ipynb"
    assert any(n.endswith("-anxiety.ipynb") for n in names)
    assert scaffold_notebooks(review, tmp_path / "notebooks" / "kava") == []  # never overwrites
    monkeypatch.setenv("REVIEWTOOLS_OFFLINE", "1")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    before = _digest(tmp_path)
    for path in made[:-1]:  # the export notebook writes exports, not evidence; run the rest
        text = path.read_text(encoding="utf-8")
        assert not FIRST_ARTICLE_WORDS.search(text)
        nb = nbformat.reads(text, as_version=4)
        NotebookClient(nb, timeout=120, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    assert _digest(tmp_path) == before


def test_a_copied_notebook_fails_on_its_first_decision_and_writes_nothing(tmp_path,
                                                                          monkeypatch):
    settings = rt.Settings.from_env(root=tmp_path)
    _start(tmp_path, settings)
    assert (tmp_path / "evidence" / "kava" / "claims" / "intro-04.yaml").is_file()
    shutil.copytree(REPO / "evidence" / "studies", tmp_path / "evidence" / "studies")
    shutil.copy(REPO / "references.bib", tmp_path / "references.bib")
    source = (REPO / "notebooks" / "04-sleep.ipynb").read_text(encoding="utf-8")
    copied = tmp_path / "notebooks" / "04-sleep.ipynb"
    copied.parent.mkdir()
    copied.write_text(source.replace('\\"foot-massage\\"', '\\"kava\\"'), encoding="utf-8")
    assert '"kava"' in copied.read_text() or '\\"kava\\"' in copied.read_text()
    monkeypatch.setenv("REVIEWTOOLS_ROOT", str(tmp_path))
    monkeypatch.setenv("REVIEWTOOLS_OFFLINE", "1")
    before = _digest(tmp_path)
    nb = nbformat.read(copied, as_version=4)
    with pytest.raises(CellExecutionError) as err:
        NotebookClient(nb, timeout=120, kernel_name="python3",
                       resources={"metadata": {"path": str(copied.parent)}}).execute()
    message = str(err.value)
    assert "ClaimMismatchError" in message and "intro-04" in message
    assert "Regular kava use" in message  # the recorded text ...
    assert "foot massage" in message.lower()  # ... and the text the notebook was written for
    assert _digest(tmp_path) == before


def test_bind_refuses_a_decision_before_writing(tmp_path):
    settings = rt.Settings.from_env(root=tmp_path)
    review = _start(tmp_path, settings)
    claims = {c.id: c.text for c in review.load_claims()}
    first = next(iter(claims))
    before = _digest(tmp_path)
    wrong = {**claims, first: "A different sentence written for another review."}
    with pytest.raises(ClaimMismatchError, match="another review"):
        review.bind(wrong)
    bound = open_review("kava", settings=settings).bind({first: claims[first]})
    with pytest.raises(ClaimMismatchError, match="not one of the claims"):
        bound.drop(next(i for i in claims if i != first), reason="x", by="ann")
    with pytest.raises(ClaimMismatchError, match="would create"):
        bound.split(first, [claims[first][:20], claims[first][20:]], by="ann")
    assert _digest(tmp_path) == before
    bound.drop(first, reason="not a claim", by="ann")  # its own claim: allowed
    assert _digest(tmp_path) != before


def test_new_from_the_command_line(tmp_path, capsys):
    (tmp_path / "kava.txt").write_text(ARTICLE, encoding="utf-8")
    code = cli(["new", str(tmp_path / "kava.txt"), "--review", "kava", "--intervention",
                "kava extract", "--url", "https://health-blog.invalid/kava", "--root",
                str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0 and "protocol: evidence/kava/protocol.yaml (draft" in out
    assert "notebook: notebooks/kava/00-overview.ipynb" in out
    assert cli(["protocol", "show", "kava", "--root", str(tmp_path)]) == 0
    assert "intervention: kava extract" in capsys.readouterr().out
    meta = json.dumps(open_review("kava", root=tmp_path).meta.model_dump())
    assert "health-blog.invalid/kava" in meta
    assert cli(["new", str(tmp_path / "kava.txt"), "--review", "kava", "--intervention",
                "kava extract", "--url", "file:///etc/passwd", "--root", str(tmp_path)]) == 2
    assert "http(s) address" in capsys.readouterr().err
