"""The first article is data: nothing of it (its intervention, its terms, its phrases) is in
the library, so a review of any other article gets its own words."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import ARTICLE, REPO

PACKAGE = REPO / "reviewtools"
# The first article's intervention and the words that name it or its variants.
INTERVENTION_WORDS = re.compile(r"\bfoot\b|\bfeet\b|reflexolog|massag|plantar", re.IGNORECASE)
NGRAM = 4  # four words in a row from the article is a phrase of it, not common English
# ordinary English four-word runs shared by coincidence
COMMON: set[tuple[str, ...]] = set()


def package_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*") if p.is_file() and p.suffix in (
        ".py", ".json", ".md", ".yaml", ".csl", ".txt", ".lua", ".css", ".html"))


def words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


def ngrams(tokens: list[str], n: int = NGRAM) -> set[tuple[str, ...]]:
    return {tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


def test_no_library_file_names_the_first_articles_intervention():
    hits = [f"{p.relative_to(REPO)}:{i}: {line.strip()[:80]}"
            for p in package_files()
            for i, line in enumerate(p.read_text(encoding="utf-8", errors="replace")
                                     .splitlines(), 1)
            if INTERVENTION_WORDS.search(line)]
    assert hits == []


def test_no_library_file_carries_a_phrase_of_the_first_article():
    article = ngrams(words(ARTICLE.read_text(encoding="utf-8")))
    found = {}
    for p in package_files():
        shared = ngrams(words(p.read_text(encoding="utf-8", errors="replace"))) & article
        shared -= COMMON
        if shared:
            found[str(p.relative_to(REPO))] = sorted(" ".join(g) for g in shared)
    assert found == {}


def test_the_checks_find_what_they_look_for(tmp_path):
    """The two checks above can fail: a planted phrase and a planted word are found."""
    article = ngrams(words(ARTICLE.read_text(encoding="utf-8")))
    sentence = " ".join(words(ARTICLE.read_text(encoding="utf-8"))[40:48])
    assert ngrams(words(f"x = '{sentence}'")) & article
    assert INTERVENTION_WORDS.search("DEFAULT = 'Foot massage'")
    assert not INTERVENTION_WORDS.search("_DROP_TAGS = ('footer', 'header')")
