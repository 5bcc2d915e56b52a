"""Import and quote-check benchmark on real files.

Usage::

    .venv/bin/python bench/bench_import.py [--repeat 3]

Prints the median of ``--repeat`` runs for:

- reading each real export in ../shared/fixtures (PubMed MEDLINE, Web of Science, RIS with a BOM,
  the Zotero Better BibTeX library of 7,166 entries, JabRef, Mendeley, manubot CSL-JSON);
- importing the 10-record PubMed export into an empty references.bib, and re-importing it
  (every record a duplicate: nothing written);
- ``reviewtools check`` of the shipped review's quotes against its stored abstracts
  (the quote part only: :func:`reviewtools.appraisal.quotes.link_quote_problems`).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reviewtools.appraisal.quotes import link_quote_problems  # noqa: E402
from reviewtools.literature.abstracts import load_abstracts  # noqa: E402
from reviewtools.literature.importers import read_file  # noqa: E402
from reviewtools.literature.refs import import_records  # noqa: E402
from reviewtools.model.records import Claim  # noqa: E402
from reviewtools.settings import Settings  # noqa: E402
from reviewtools.store.files import load_record  # noqa: E402

FIXTURES = ROOT.parent / "shared" / "fixtures"
FILES = ["import/pubmed_medline_export_10_records.txt", "import/web_of_science_export.ris",
         "import/ris_cyrillic_record.ris",
         "bib/large_zotero_bbt_materials_library_7166_entries.bib",
         "bib/real_jabref_2.10_library_916_entries.bib",
         "bib/real_mendeley_export_465_entries.bib",
         "doi/10.1098_rsif.2017.0387.csl.manubot-raw.json"]


def median_seconds(fn, repeat: int) -> float:  # noqa: ANN001
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for name in FILES:
        result = read_file(FIXTURES / name)
        t = median_seconds(lambda n=name: read_file(FIXTURES / n), args.repeat)
        print(f"read {name}: {len(result.records)} records, {len(result.problems)} rows "
              f"skipped, {t * 1000:.1f} ms")
    nbib = read_file(FIXTURES / FILES[0])
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env(root=tmp)
        start = time.perf_counter()
        import_records(settings, nbib, date="2026-12-01")
        first = time.perf_counter() - start
        again = median_seconds(lambda: import_records(settings, nbib), args.repeat)
    print(f"import 10 PubMed records into an empty bib: {first * 1000:.1f} ms; "
          f"re-import (all duplicates): {again * 1000:.1f} ms")
    settings = Settings.from_env(root=ROOT)
    abstracts, _ = load_abstracts(settings)
    texts = {k: (a.kind, a.text) for k, a in abstracts.items()}
    claims = [load_record(p, Claim)
              for p in sorted((ROOT / "evidence" / "foot-massage" / "claims").glob("*.yaml"))]
    links = sum(len(c.links) for c in claims)
    checked = sum(1 for c in claims for lk in c.links if lk.key in texts)

    def run() -> int:
        return sum(len(link_quote_problems(c, texts)[0]) for c in claims)
    t = median_seconds(run, args.repeat)
    print(f"quote check: {links} links, {checked} against {len(texts)} stored abstracts, "
          f"{run()} not found, {t * 1000:.1f} ms")


if __name__ == "__main__":
    main()
