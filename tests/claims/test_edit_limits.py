"""Claim edits at their limits: unknown sections, splitting parts, many parts, long sections,
and options before the action. Each is one line and writes nothing, or just works."""

from __future__ import annotations

import pytest

from reviewtools.claims.edits import next_id
from reviewtools.cli.main import main
from reviewtools.model.records import Claim
from reviewtools.review import extract_review, open_review


def _err(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("reviewtools: error: "), err
    return err[0]


def _files(review) -> list[str]:
    return sorted(p.name for p in review.claims_dir.glob("*.yaml"))


def test_add_with_an_unknown_section_names_the_known_ones(review, settings, capsys):
    before = _files(review)
    text = review.claim("sleep-01").text
    assert main(["claim", "foot-massage", "add", text, "--section", "Schlaf", "--root",
                 str(settings.root)]) == 2
    line = _err(capsys)
    assert "unknown section 'Schlaf'" in line and "sleep" in line
    assert _files(review) == before


def test_splitting_a_split_part_is_refused(review, settings, capsys):
    made = review.split("sleep-01", review.claim("sleep-01").text.split(" ", 1), by="ann")
    before = _files(review)
    part = made[0]
    assert main(["claim", "foot-massage", "split", part.id, *part.text.split(" ", 1)[:1],
                 part.text[-3:], "--root", str(settings.root)]) == 2
    assert "already a part of a split" in _err(capsys)
    assert _files(review) == before


def test_more_than_26_parts_is_refused(review, settings, capsys):
    before = _files(review)
    words = review.claim("sleep-01").text.split()
    parts = (words * 27)[:27]
    assert main(["claim", "foot-massage", "split", "sleep-01", *parts, "--root",
                 str(settings.root)]) == 2
    assert "at most 26 parts" in _err(capsys)
    assert _files(review) == before


def test_split_is_all_or_nothing(review, settings, capsys, monkeypatch):
    claim = review.claim("sleep-01")
    letters = [ch for ch in "abcdefg" if ch in claim.text][:7]
    before = _files(review)
    # a part may be the reviewer's wording, but the span it comes from must be in the claim
    assert main(["claim", "foot-massage", "split", "sleep-01", *letters, "Reworded part.",
                 "--span", "not in the claim", "--root", str(settings.root)]) == 2
    assert "the span of a part is not in claim sleep-01" in _err(capsys)
    assert _files(review) == before
    # a failure while writing the sub-claims leaves none of them either
    import reviewtools.store.journal as jmod
    real, calls = jmod.atomic_write_bytes, {"n": 0}

    def fail_third(path, data, **kw):
        if path.name != jmod.JOURNAL_NAME:
            calls["n"] += 1
            if calls["n"] == 3:
                raise OSError(28, "No space left on device")
        return real(path, data, **kw)
    monkeypatch.setattr(jmod, "atomic_write_bytes", fail_third)
    with pytest.raises(OSError):
        review.split("sleep-01", letters, by="ann")
    monkeypatch.setattr(jmod, "atomic_write_bytes", real)
    # the journal finishes the split on the next extract: all parts or none, never some
    assert jmod.pending(review.path)
    jmod.recover(review.path)
    assert len(_files(review)) == len(before) + len(letters)


def test_section_with_a_thousand_sentences(settings, tmp_path):
    lines = ["Long article", "Intro"]
    lines += [" ".join(f"Sentence number {i} says massage may help sleep." for i in range(1050))]
    path = tmp_path / "long.txt"
    path.write_text("\n".join(lines) + "\n")
    extract_review(str(path), "long", settings=settings)
    ids = {c.id for c in open_review("long", settings=settings).load_claims()}
    assert any(i.endswith("-1000") for i in ids)


def test_next_id_skips_split_parents_not_prefixes():
    assert next_id("sleep", {"sleep-01a", "sleep-02"}) == "sleep-03"
    assert next_id("sleep", {"sleep-010"}) == "sleep-01"
    Claim.model_validate({"id": "intro-1000", "section": "intro", "text": "x",
                          "anchor": {"start": 0, "end": 1}})


def test_root_before_the_action(review, settings, capsys):
    root = str(settings.root)
    assert main(["claim", "--root", root, "foot-massage", "drop", "pain-02",
                 "--reason", "not a claim"]) == 0
    assert main(["claim", "foot-massage", "--root", root, "drop", "pain-03",
                 "--reason", "not a claim"]) == 0
    assert main(["claim", "foot-massage", "drop", "pain-04", "--reason", "x",
                 "--root", root]) == 0
    capsys.readouterr()
    statuses = {c.id: c.status for c in review.load_claims()}
    assert statuses["pain-02"] == statuses["pain-03"] == statuses["pain-04"] == "dropped"
