"""Export of hostile values: huge bib fields, control characters, look-alike section names."""

from __future__ import annotations

from reviewtools.export.figures import safe_name
from reviewtools.export.formats.csv import to_csv
from reviewtools.export.formats.markdown import MAX_FIELD_CHARS, escape, latex_to_text
from reviewtools.literature.bib import parse_bib


def test_huge_bib_field_is_cut_before_conversion():
    value = "Caf\\'e {DNA} study " * 60_000  # ~1 MB
    text = latex_to_text(value)
    assert text.startswith("Café DNA study") and text.endswith("…")
    assert len(text) <= MAX_FIELD_CHARS + 2


def test_short_fields_are_converted_whole():
    assert latex_to_text("Caf\\'e {DNA}") == "Café DNA"


def test_nul_and_control_characters_never_reach_md_or_csv():
    assert escape("a\x00b\x07c\x1bd") == "abcd"
    csv = to_csv([{"id": "x-01", "claim": "sleep\x00 better\x0c"}])
    assert "\x00" not in csv and "\x0c" not in csv and "sleep better" in csv


def test_sections_differing_in_case_get_distinct_names():
    names = {safe_name(s) for s in ("sleep", "Sleep", "SLEEP", "sleep-")}
    assert len(names) == 4 and "sleep" in names
    assert all(n == n.lower() for n in names)


def test_stray_closing_brace_in_a_title_is_an_error():
    import pytest

    from reviewtools.errors import BibError
    text = "@article{k,\n  title = {A } B},\n  year = {2020},\n}\n"
    with pytest.raises(BibError, match="stray"):
        parse_bib(text)


def test_comments_between_entries_are_still_fine():
    lib = parse_bib("Some notes about the file.\n\n@article{k, title = {A}}\n\nmore notes\n")
    assert [e.key for e in lib.entries] == ["k"]
