"""Stored abstracts: evidence/abstracts/<key>.yaml."""

from __future__ import annotations

import pytest

from reviewtools.errors import ConflictError, InputError
from reviewtools.literature.abstracts import abstract_path, load_abstracts, save_abstract
from reviewtools.settings import Settings

PAGE = "https://pubmed.ncbi.nlm.nih.gov/30922926/"
TEXT = "For the purpose of this review, 'time-lapse' refers to the reconstruction"


@pytest.fixture
def settings(tmp_path):
    return Settings.from_env(root=tmp_path)


def test_save_again_changes_nothing_and_a_different_text_needs_replace(settings):
    saved, action = save_abstract(settings, "griffin2020time", TEXT, page=PAGE,
                                  seen="2026-12-01")
    assert action == "added" and saved.page == PAGE and saved.seen == "2026-12-01"
    path = abstract_path(settings, "griffin2020time")
    before = path.read_bytes()
    assert save_abstract(settings, "griffin2020time", TEXT + "\n", page=PAGE)[1] == "unchanged"
    with pytest.raises(ConflictError, match="--replace"):
        save_abstract(settings, "griffin2020time", TEXT + " of", page=PAGE)
    assert path.read_bytes() == before
    new, action = save_abstract(settings, "griffin2020time", TEXT + " of", page=PAGE,
                                replace=True)
    assert action == "replaced" and new.history[0].action == "replace"
    assert load_abstracts(settings)[0]["griffin2020time"].text == TEXT + " of"


def test_an_imported_text_never_replaces_one_seen_on_a_page(settings):
    save_abstract(settings, "k", TEXT, page=PAGE)
    with pytest.raises(ConflictError):
        save_abstract(settings, "k", TEXT + " x", imported_from="x.ris", via="import",
                      replace=True)


@pytest.mark.parametrize("kwargs, message", [
    ({"page": "my notes"}, "page"), ({}, "page it was seen on"),
    ({"page": PAGE, "seen": "1/12/2026"}, "seen"),
])
def test_bad_sources_are_clear_errors(settings, kwargs, message):
    with pytest.raises(InputError, match=message):
        save_abstract(settings, "k", TEXT, **kwargs)
    assert not abstract_path(settings, "k").exists()


def test_empty_text_is_refused(settings):
    with pytest.raises(InputError, match="empty"):
        save_abstract(settings, "k", "  \n", page=PAGE)


def test_a_broken_file_is_reported_not_raised(settings):
    path = abstract_path(settings, "k")
    path.parent.mkdir(parents=True)
    path.write_text("key: k\ntext: x\n", encoding="utf-8")
    found, bad = load_abstracts(settings)
    assert found == {} and bad[0][0] == path
