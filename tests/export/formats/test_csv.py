"""claims.csv: one row per claim, no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from reviewtools.export.formats.csv import COLUMNS, neutralise, to_csv

from . import export, judge

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def _read(path):
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_one_row_per_claim_with_judgements(review, settings, tmp_path):
    judge(review, settings)
    review.drop("conclusion-03", reason="not a claim", by="ann")
    rows = _read(export(review, tmp_path, ["csv"])["claims.csv"])
    ids = [r["id"] for r in rows]
    expected = [c.id for c in review.load_claims(include_dropped=False)]
    assert ids == expected and "conclusion-03" not in ids
    assert list(rows[0]) == COLUMNS
    sleep = next(r for r in rows if r["id"] == "sleep-01")
    assert sleep["certainty"] == "low" and sleep["verdict"] == "uncertain"
    assert sleep["overstated"] == "yes" and sleep["keys"] == "trial2020a; trial2021b"
    assert sleep["dois"] == "10.0000/synthetic.a" and sleep["pmids"] == "1"
    assert "inconsistency (−1)" in sleep["downgrades"]
    pain = next(r for r in rows if r["id"] == "pain-01")
    assert pain["statement"] == "Foot reflexology may reduce pain in older adults."


def test_formula_cells_are_neutralised(review, settings, tmp_path):
    judge(review, settings)
    review.set_statement("sleep-01", "=HYPERLINK(\"http://x\",\"y\")", by="ann")
    review.set_statement("pain-01", "@SUM(A1:A2)", by="ann")
    review.set_statement("stress-01", "+1+2", by="ann")
    review.set_statement("mood-01", "  -2+3", by="ann")
    rows = {r["id"]: r for r in _read(export(review, tmp_path, ["csv"])["claims.csv"])}
    assert rows["sleep-01"]["statement"] == "'=HYPERLINK(\"http://x\",\"y\")"
    assert rows["pain-01"]["statement"] == "'@SUM(A1:A2)"
    assert rows["stress-01"]["statement"] == "'+1+2"
    assert rows["mood-01"]["statement"] == "'-2+3"
    for row in rows.values():
        for value in row.values():
            assert not value.startswith(DANGEROUS), value


def test_to_csv_is_deterministic_and_quotes_properly():
    record = dict.fromkeys(COLUMNS, "")
    record.update(id="x-01", claim='He said "a, b"\nthen left', start=0, end=5)
    text = to_csv([record])
    assert text == to_csv([record])
    assert text.endswith("\n") and "\r" not in text
    assert _read_text(text)[0]["claim"] == 'He said "a, b" then left'


def _read_text(text):
    return list(csv.DictReader(io.StringIO(text)))


@given(st.text(max_size=30))
def test_neutralise_property(value):
    out = neutralise(value)
    assert out in (value, "'" + value)
    if value.lstrip(" \t\r\n").startswith(DANGEROUS) or value.startswith(DANGEROUS):
        assert out == "'" + value
    if not value.lstrip(" \t\r\n").startswith((*DANGEROUS, "＝", "＋", "－", "＠")) \
            and not value.startswith(("\t", "\r", "\n")):
        assert out == value  # harmless text is left alone
    assert not str(out).startswith(DANGEROUS)
    assert neutralise(5) == 5 and neutralise(None) is None
