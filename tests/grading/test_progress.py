"""The status rows and their text layout (pandas-free, for a quick `reviewtools status`)."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from reviewtools.grading.progress import STATUS_COLUMNS, status_rows, text_table

_SLUG = st.from_regex(r"[a-z][a-z0-9-]{0,14}", fullmatch=True)
_ROW = st.fixed_dictionaries({"review": _SLUG, "section": _SLUG,
                              **{c: st.integers(0, 5000) for c in STATUS_COLUMNS[2:]}})


@given(st.lists(_ROW, min_size=1, max_size=6))
def test_the_text_table_is_the_layout_pandas_prints(rows):
    assert text_table(rows, STATUS_COLUMNS) == pd.DataFrame(rows, columns=STATUS_COLUMNS) \
        .to_string(index=False)


def test_status_rows_count_claims_per_section(review):
    rows = status_rows([review])
    assert [r["section"] for r in rows][:2] == ["intro", "circulation"]
    assert sum(r["claims"] for r in rows) == len(review.load_claims(include_dropped=False))
    assert all(r["to-do"] == r["claims"] for r in rows)  # nothing judged yet


def test_listings_cut_long_cells_with_an_ellipsis_and_keep_missing_values_empty():
    from reviewtools.grading.progress import listing
    rows = [{"id": "a-01", "verdict": None, "flags": ["hedged", "vague"], "text": "x" * 100},
            {"id": "a-02", "verdict": float("nan"), "flags": [], "text": "short"}]
    out = listing(rows, ["id", "verdict", "flags", "text"], widths={"text": 20})
    lines = out.splitlines()
    assert lines[1].endswith("x" * 19 + "…") and "None" not in out and "nan" not in out
    assert "hedged,vague" in lines[1] and lines[2].endswith("short")
    wide = listing(rows, ["id", "verdict", "flags", "text"], widths={"text": 20}, wide=True)
    assert "x" * 100 in wide and "…" not in wide
    assert listing([], ["id"]) == "(none)"
