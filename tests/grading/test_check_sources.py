"""`check` on sources: test identifiers in the bib, and every quote in its stored abstract."""

from __future__ import annotations

import re

import pytest
import yaml

from reviewtools.cli.main import main
from reviewtools.grading.checks import check
from reviewtools.literature.abstracts import load_abstracts
from reviewtools.settings import Settings


@pytest.fixture
def shipped(repo_copy):
    return Settings.from_env(root=repo_copy)


def _errors(settings):
    return [p for p in check(settings) if p.severity == "error"]


def _claim_with_checked_quote(settings):
    """The first claim file with a link whose study has a stored abstract."""
    abstracts, _ = load_abstracts(settings)
    for path in sorted((settings.evidence_dir / "foot-massage" / "claims").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for i, link in enumerate(data.get("links") or []):
            if link["key"] in abstracts:
                return path, data, i
    raise AssertionError("no shipped study has a stored abstract")


def test_the_shipped_review_passes_and_every_stored_quote_is_found(shipped):
    problems = check(shipped)
    assert [str(p) for p in problems if p.severity == "error"] == []
    abstracts, bad = load_abstracts(shipped)
    assert abstracts and bad == []
    warned = {re.search(r"'([^']+)'", p.message).group(1) for p in problems}
    assert not warned & set(abstracts)  # a study with an abstract is never "not checked"


def test_a_quote_altered_by_one_word_fails_naming_claim_and_key(shipped, capsys):
    path, data, i = _claim_with_checked_quote(shipped)
    link = data["links"][i]
    words = link["quote"].split()
    j = max(range(len(words)), key=lambda n: len(words[n]))  # the longest word
    words[j] = "elephant"
    link["quote"] = " ".join(words)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    [problem] = _errors(shipped)
    assert problem.claim == data["id"] and f"quote of '{link['key']}'" in problem.message
    assert "nearest passage" in problem.message
    code = main(["check", "--root", str(shipped.root)])
    out = capsys.readouterr().out
    assert code == 1 and f"[{data['id']}]" in out and link["key"] in out


def test_a_test_doi_prefix_fails_check(shipped, capsys):
    bib = shipped.bib_path
    text = bib.read_text(encoding="utf-8")
    key, doi = re.search(r"@article\{(\w+),[^@]*?doi = \{([^}]+)\}", text).groups()
    bib.write_text(text.replace(doi, "10.5555/12345678", 1), encoding="utf-8")
    errors = [str(p) for p in _errors(shipped)]
    assert any(f"'{key}': DOI 10.5555/12345678 has the reserved test prefix" in e
               for e in errors)
    assert main(["check", "--root", str(shipped.root)]) == 1
    capsys.readouterr()


@pytest.mark.parametrize("page", ["https://example.org/record/1", "http://localhost:8000/x",
                                  "https://www.example.com/a"])
def test_an_example_page_in_a_stamp_fails_check(shipped, page):
    bib = shipped.bib_path
    text = bib.read_text(encoding="utf-8")
    m = re.search(r"verified = \{([^}]+)\}", text)
    bib.write_text(text[:m.start(1)] + f"{page}; 2026-11-27" + text[m.end(1):],
                   encoding="utf-8")
    assert any("verified names a test or example page" in p.message for p in _errors(shipped))


def test_a_study_without_abstract_is_a_warning_not_a_failure(shipped, capsys):
    abstracts, _ = load_abstracts(shipped)
    key = sorted(abstracts)[0]
    (shipped.evidence_dir / "abstracts" / f"{key}.yaml").unlink()
    problems = check(shipped)
    assert _errors(shipped) == []
    assert any(p.severity == "warning" and f"'{key}'" in p.message for p in problems)
    assert main(["check", "--root", str(shipped.root)]) == 0
    assert "warning(s)" in capsys.readouterr().err


def test_a_profile_entry_quote_altered_by_one_word_fails_naming_profile_and_key(shipped):
    """Profile entries quote the abstract too; check finds every one (the shipped review's
    91 entry quotes are all in their stored abstracts)."""
    folder = shipped.evidence_dir / "foot-massage" / "profiles"
    path = next(p for p in sorted(folder.glob("*.yaml"))
                if any(e.get("quote") for e in yaml.safe_load(p.read_text())["entries"]))
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entry = next(e for e in data["entries"] if e.get("quote"))
    words = entry["quote"].split()
    j = max(range(len(words)), key=lambda n: len(words[n]))
    words[j] = "elephant"
    entry["quote"] = " ".join(words)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    problems = [str(p) for p in _errors(shipped)]
    assert any(path.stem in p and entry["study"] in p and "nearest passage" in p
               for p in problems), problems
