"""PubMed MEDLINE (nbib) import, on the real 10-record PubMed export."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reviewtools.literature.importers import detect_format, medline, read_file
from tests.conftest import FIXTURES

NBIB = FIXTURES / "import" / "pubmed_medline_export_10_records.txt"


def test_ten_records_with_abstracts_full_names_and_ids():
    result = read_file(NBIB)
    assert detect_format(NBIB.name, NBIB.read_text(encoding="utf-8")) == "medline"
    assert len(result.records) == 10 and result.problems == []
    first = result.records[0]
    assert first.pmid == "30922926" and first.doi == "10.1016/j.ejmg.2019.03.004"
    assert first.pmcid == "PMC7026692" and first.year == 2020
    assert first.title == "Time lapse: A glimpse into prehistoric genomics."
    assert first.authors[:2] == ["Griffin, Darren K", "Larkin, Denis M"]
    assert first.abstract.startswith("For the purpose of this review, 'time-lapse' refers to")
    assert first.abstract.endswith("emerging each time as speciose and diverse.")
    assert "  " not in first.abstract  # continuation lines joined with one space
    assert all(r.abstract and r.pmid for r in result.records)
    assert [r.pmid for r in result.records][:4] == ["30922926", "37068225", "36448670",
                                                    "26754250"]


def test_a_record_without_title_is_a_row_not_an_error():
    text = NBIB.read_text(encoding="utf-8")
    broken = text.replace("TI  - Time lapse: A glimpse into prehistoric genomics.\n", "", 1)
    result = medline.read(broken, "x.nbib")
    assert len(result.records) == 9
    assert [(p.position, p.reason) for p in result.problems] == [(1, "no title")]


@given(st.lists(st.text(st.characters(whitelist_categories=("L", "N", "Zs")), min_size=1,
                        max_size=40).filter(str.strip), min_size=1, max_size=5))
def test_titles_round_trip(titles):
    text = "\n\n".join(f"PMID- {n}\nTI  - {t}\nFAU - Smith, J\nDP  - 2020"
                       for n, t in enumerate(titles, start=1))
    result = medline.read(text, "x.nbib")
    assert [r.title for r in result.records] == [" ".join(t.split()) for t in titles]
    assert [r.pmid for r in result.records] == [str(n) for n in range(1, len(titles) + 1)]
