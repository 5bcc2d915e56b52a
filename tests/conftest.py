"""Shared fixtures: paths to ../shared, an isolated root per test, a small extracted review."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from reviewtools.review import extract_review, open_review
from reviewtools.settings import Settings

# Property tests: the default profile replays the same examples on every run (no deadline), so a
# CI run cannot fail on a case no one has seen; `HYPOTHESIS_PROFILE=explore` searches afresh
# with more examples, to look for new bugs (each one found gets an @example and a fix).
hypothesis_settings.register_profile("repeatable", derandomize=True, deadline=None,
                                     print_blob=True)
hypothesis_settings.register_profile("explore", max_examples=1000, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIXTURES = SHARED / "fixtures"
ARTICLE = SHARED / "source" / "foot-massage-benefits.txt"
PROTOCOL = REPO / "evidence" / "foot-massage" / "protocol.yaml"  # the shipped review's protocol

# Synthetic, clearly fake bib entries used only to exercise grading logic in tests.
TEST_BIB = textwrap.dedent("""\
    @article{trial2020a,
      author = {Tester, Alice},
      title = {Synthetic randomised trial A},
      journal = {Test Journal},
      year = {2020},
      doi = {10.0000/synthetic.a},
      verified = {test fixture; 2026-11-24},
    }

    @article{trial2021b,
      author = {Tester, Bob},
      title = {Synthetic randomised trial B},
      journal = {Test Journal},
      year = {2021},
      pmid = {1},
      verified = {test fixture; 2026-11-24},
    }

    @article{cohort2019c,
      author = {Tester, Carol},
      title = {Synthetic cohort C},
      journal = {Test Journal},
      year = {2019},
      doi = {10.0000/synthetic.c},
      verified = {test fixture; 2026-11-24},
    }
    """)


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("REVIEWTOOLS_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("REVIEWTOOLS_REVIEWER", "tester")
    monkeypatch.delenv("REVIEWTOOLS_OFFLINE", raising=False)
    monkeypatch.delenv("NCBI_API_KEY", raising=False)


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings.from_env(root=tmp_path)


@pytest.fixture
def review(settings):
    """The shipped article extracted into an empty root, with a small synthetic bib."""
    extract_review(str(ARTICLE), "foot-massage", settings=settings)
    settings.bib_path.write_text(TEST_BIB, encoding="utf-8")
    shutil.copy(PROTOCOL, settings.evidence_dir / "foot-massage" / "protocol.yaml")
    return open_review("foot-massage", settings=settings)


@pytest.fixture
def repo_copy(tmp_path) -> Path:
    """A copy of the repository's evidence, bib and notebooks to run things against."""
    dest = tmp_path / "repo"
    dest.mkdir()
    for name in ("evidence", "notebooks"):
        if (REPO / name).exists():
            shutil.copytree(REPO / name, dest / name)
    if (REPO / "references.bib").exists():
        shutil.copy(REPO / "references.bib", dest / "references.bib")
    return dest
