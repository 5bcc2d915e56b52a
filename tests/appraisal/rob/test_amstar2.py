"""AMSTAR 2: overall confidence from the 16 items, critical items 2, 4, 7, 9, 11, 13, 15.

Sources read (stored-page search tools):

* Prev Med Rep 2021;25:101687, Table 2 footnote (PMC8800068), stating the Shea et al. (BMJ
  2017;358:j4008) scheme: high, no or one non-critical weakness; moderate, more than one
  non-critical weakness; low, one critical flaw with or without non-critical weaknesses;
  critically low, more than one critical flaw.
* BMJ Paediatrics Open review, Table 3 (AMSTAR 2 ratings with all 16 answers), rows
  Amissah et al. (ref 26, rated high) and Alshaikh et al. (ref 23, rated critically low).
* The AMSTAR 2 BMJ paper itself (Shea et al. 2017) was found, but only its first page was
  stored; its item list is taken from the tables above and the BMJ Open table of critical
  and non-critical domains (sit.bmj.com Table 1).

Several published tables read (e.g. rows in PMC8800068 and PMC9650581) rate reviews with two
critical flaws as moderate or low: they depart from the published scheme, so they are not
used as expected values here.
"""

from __future__ import annotations

import pytest

from reviewtools.appraisal.rob import AssessmentError, assess
from reviewtools.appraisal.rob.amstar2 import CRITICAL_ITEMS, evaluate
from tests.appraisal.rob.helpers import decision, items

ALL_YES = "Y Y Y Y Y Y Y Y Y Y Y Y Y Y Y Y"


def test_the_critical_items_are_those_of_shea_2017():
    assert sorted(CRITICAL_ITEMS, key=int) == ["2", "4", "7", "9", "11", "13", "15"]


@pytest.mark.parametrize(("row", "expected"), [
    ("Y Y N Y Y Y Y Y Y Y NMA NMA Y Y NMA Y", "high"),          # Amissah et al. (26)
    ("Y N N Y Y Y N Y Y N Y N N N Y Y", "critically low"),      # Alshaikh et al. (23)
])
def test_published_ratings_that_follow_the_scheme(row, expected):
    """BMJ Paediatrics Open Table 3 rows (see module docstring): one non-critical weakness
    (item 3) is high; critical flaws on items 2, 7 and 13 are critically low."""
    assert evaluate(items(row)).overall == expected


@pytest.mark.parametrize(("row", "expected"), [
    (ALL_YES, "high"),
    ("N Y Y Y Y Y Y Y Y Y Y Y Y Y Y Y", "high"),               # one non-critical weakness
    ("N Y N Y Y Y Y Y Y Y Y Y Y Y Y Y", "moderate"),           # two non-critical weaknesses
    ("Y Y Y N Y Y Y Y Y Y Y Y Y Y Y Y", "low"),                # one critical flaw (item 4)
    ("N N N Y N N Y Y Y N Y N Y N Y N", "low"),                # one critical flaw, many weak
    ("Y N Y Y Y Y Y Y Y Y Y Y Y Y N Y", "critically low"),     # items 2 and 15
    ("Y PY Y PY Y Y PY PY PY Y Y Y Y Y Y Y", "high"),          # partial yes is not a flaw
])
def test_overall_confidence_follows_the_rating_scheme(row, expected):
    """PMC8800068 Table 2 footnote, quoting the Shea et al. 2017 scheme."""
    assert evaluate(items(row)).overall == expected


def test_the_rule_lists_the_flaws_it_counted():
    ev = evaluate(items("Y N Y Y Y Y Y Y Y Y Y Y Y Y N Y"))
    assert "critical flaws: 2, 15" in ev.overall_basis


@pytest.mark.parametrize(("row", "message"), [
    ("PY Y Y Y Y Y Y Y Y Y Y Y Y Y Y Y", "1 takes Y/N"),        # no partial yes on item 1
    ("Y Y Y Y Y Y Y Y Y Y Y Y NMA Y Y Y", "13 takes Y/N"),      # item 13 is always asked
    ("Y Y Y Y Y Y Y Y Y Y NI Y Y Y Y Y", "11 takes Y/N/NMA"),
])
def test_only_the_checklists_answer_options_are_accepted(row, message):
    with pytest.raises(AssessmentError, match=message):
        evaluate(items(row))


def test_ratings_cannot_be_decided_by_hand():
    with pytest.raises(AssessmentError, match="follow from the item answers"):
        evaluate(items(ALL_YES), overall_decision=decision("high"))


def test_every_item_is_answered():
    answers = items(ALL_YES)
    del answers["16"]
    with pytest.raises(AssessmentError, match="answer 16"):
        assess("amstar2", "Review2020", answers, assessor="AB")
