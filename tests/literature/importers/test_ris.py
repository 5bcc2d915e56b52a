"""RIS and Web of Science import (rispy), on real exports."""

from __future__ import annotations

import rispy
from hypothesis import given
from hypothesis import strategies as st

from reviewtools.literature.importers import read_file, ris
from tests.conftest import FIXTURES

IMPORT = FIXTURES / "import"


def test_ris_with_bom_and_cyrillic_abstract():
    assert (IMPORT / "ris_cyrillic_record.ris").read_bytes().startswith(b"\xef\xbb\xbf")
    [rec] = read_file(IMPORT / "ris_cyrillic_record.ris").records
    assert rec.title.startswith("Состояние рецепторного аппарата эндометрия")
    assert rec.authors[0] == "Dobrokhotova, Yu E." and rec.year == 2009
    assert rec.journal == "Gynecology, Obstetrics and Perinatology"
    assert rec.pages == "52-57" and rec.number == "3"
    assert rec.abstract.startswith("Состояние рецепторного")
    assert rec.abstract.endswith("in the late reproductive period")


def test_web_of_science_export():
    result = read_file(IMPORT / "web_of_science_export.ris")
    assert len(result.records) == 2 and not result.problems
    first = result.records[0]
    assert first.title.startswith("Interactions stabilizing the structure of the core "
                                  "light-harvesting complex (LHl)")
    assert first.authors == ["Parkes-Loach, PS", "Majeed, AP", "Law, CJ", "Loach, PA"]
    assert (first.year, first.doi, first.pmid) == (2004, "10.1021/bi049798f", "15170338")
    assert first.abstract.startswith("Reconstitution experiments with a chemically")


_text = st.text(st.characters(whitelist_categories=("L", "N", "Zs", "Pd")), min_size=1,
                max_size=50).filter(str.strip)


@given(st.lists(st.tuples(_text, _text, st.integers(1900, 2025)), min_size=1, max_size=4))
def test_rispy_written_records_read_back(rows):
    entries = [{"type_of_reference": "JOUR", "title": t, "authors": [f"{a}, B"],
                "year": str(y), "abstract": t} for t, a, y in rows]
    result = ris.read(rispy.dumps(entries), "x.ris")
    assert [(r.title, r.year) for r in result.records] == \
        [(" ".join(t.split()), y) for t, _, y in rows]
    assert [r.authors[0] for r in result.records] == [" ".join(f"{a}, B".split())
                                                      for _, a, _ in rows]
