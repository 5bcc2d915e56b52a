"""Claim detection, flags, section names and re-anchoring."""

from __future__ import annotations

import pytest

from reviewtools.claims.detection import classify, is_claim, make_anchor, reanchor, section_slug


@pytest.mark.parametrize("sentence", [
    "Clinical trials have demonstrated that foot massage lowers anxiety.",
    "Foot massage has been shown to promote peripheral blood flow.",
    "Research also indicates that targeted techniques can complement pain relief.",
    "Evidence suggests that regular massage can mitigate venous stasis.",
    "Controlled studies show that sleep latency improves.",
])
def test_evidence_appeals_are_flagged(sentence):
    assert "evidence-appeal" in classify(sentence)


def test_a_cited_claim_is_not_an_unnamed_appeal():
    flags = classify("Research indicates that ginger reduces nausea (Smith, 2019).")
    assert "evidence-appeal" not in flags


def test_promotional_and_wording():
    assert "promotional" in classify(
        "The best massage techniques, as practiced at Lotus Spa & Wellness, relax you.")
    assert "hedged" in classify("Foot massage may improve sleep in older adults.")
    assert "assertive" in classify("Foot massage cures insomnia.")


@pytest.mark.parametrize("sentence,expected", [
    ("Further insights are provided in the following discussion.", False),
    ("Is foot massage good for you?", False),
    ("Read on.", False),
    ("Foot massage lowers cortisol in healthy adults.", True),
])
def test_is_claim(sentence, expected):
    assert is_claim(sentence) is expected


def test_section_slugs_are_short_and_unique():
    taken: set[str] = set()
    names = []
    for heading in ["Better Circulation for Your Whole Body", "Deeper, More Restful Sleep",
                    "Sleep", "Mood and Mental Well-Being Boost"]:
        slug = section_slug(heading, taken)
        taken.add(slug)
        names.append(slug)
    assert names == ["circulation", "sleep", "sleep-2", "mood"]


TEXT = "Intro line. Foot massage lowers stress in adults. More text here. The end."


def test_reanchor_exact_after_move():
    quote = "Foot massage lowers stress in adults."
    old = make_anchor(TEXT, TEXT.index(quote), TEXT.index(quote) + len(quote))
    edited = "A new first sentence was added. " + TEXT
    new = reanchor(edited, quote, old)
    assert new.state == "exact"
    assert edited[new.start:new.end] == quote


def test_reanchor_fuzzy_after_small_edit():
    quote = "Foot massage lowers stress in adults."
    old = make_anchor(TEXT, TEXT.index(quote), TEXT.index(quote) + len(quote))
    edited = TEXT.replace("lowers stress in adults", "lowers stress in most adults")
    new = reanchor(edited, quote, old)
    assert new.state == "fuzzy"
    assert "lowers stress in most adults" in edited[new.start:new.end]


def test_reanchor_orphan_keeps_old_offsets():
    quote = "Foot massage lowers stress in adults."
    old = make_anchor(TEXT, 12, 12 + len(quote))
    new = reanchor("Something entirely different now.", quote, old)
    assert new.state == "orphaned" and (new.start, new.end) == (old.start, old.end)


def test_reanchor_prefers_matching_context():
    text = "A. Same sentence here. B. Same sentence here. C."
    second = text.rindex("Same sentence here.")
    old = make_anchor(text, second, second + len("Same sentence here."))
    new = reanchor("X. " + text, "Same sentence here.", old)
    assert new.start == second + 3
