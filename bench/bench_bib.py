"""references.bib benchmark: parse time of the real 7,166-entry Zotero library vs editing it.

Usage::

    .venv/bin/python bench/bench_bib.py [--repeat 5] [--bib PATH]

Prints the median of ``--repeat`` runs for:

- the floor: ``bibtexparser.parse_string`` of the file (what any reader pays);
- adding one new entry with :func:`reviewtools.literature.refs.upsert` (lock, parse, duplicate
  check, append, atomic write with fsync), each run on a fresh copy;
- updating one existing entry in place (found by PMID; only that entry's bytes change);
- an upsert that changes nothing (no write at all);
- ``reviewtools refs add`` as a command (includes interpreter start-up and imports).

The goal from the scale issue: adding one citation costs at most ~2x the bib's parse time.
The record added is the PubMed record of PMID 28731372 as recorded in
``../shared/fixtures/ncbi/efetch_pubmed_28731372_rct.xml``.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
FIXTURES = REPO.parent / "shared" / "fixtures"
BIG = FIXTURES / "bib" / "large_zotero_bbt_materials_library_7166_entries.bib"
RCT = FIXTURES / "ncbi" / "efetch_pubmed_28731372_rct.xml"
GOAL_RATIO = 2.0
sys.path.insert(0, str(REPO))


def fixture_record() -> dict:
    """Title, authors, journal, year and ids of the recorded PubMed RCT record."""
    art = ET.parse(RCT).getroot().find(".//PubmedArticle")
    return {
        "title": "".join(art.find(".//ArticleTitle").itertext()),
        "authors": [f"{a.findtext('LastName')}, {a.findtext('ForeName')}"
                    for a in art.iter("Author") if a.findtext("LastName")],
        "journal": art.findtext(".//Journal/Title"),
        "year": int(art.findtext(".//JournalIssue/PubDate/Year")),
        "pmid": art.findtext(".//PMID"),
        "doi": next(e.text for e in art.iter("ELocationID") if e.get("EIdType") == "doi"),
    }


def timed(fn, repeat: int, setup=None) -> float:  # noqa: ANN001
    times = []
    for _ in range(repeat):
        arg = setup() if setup else None
        t0 = time.perf_counter()
        fn(arg)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--bib", type=Path, default=BIG)
    args = parser.parse_args(argv)

    import bibtexparser

    from reviewtools.literature.bib import BibFile
    from reviewtools.literature.refs import BibRecord, record_from_dict, upsert

    text = args.bib.read_text(encoding="utf-8")
    record = record_from_dict(fixture_record())
    work = tempfile.mkdtemp(prefix="bench-bib-")
    counter = iter(range(10**6))

    def fresh() -> Path:
        dest = Path(work) / f"refs-{next(counter)}" / "references.bib"
        dest.parent.mkdir()
        shutil.copyfile(args.bib, dest)
        return dest

    try:
        parse = timed(lambda _: bibtexparser.parse_string(text), args.repeat)
        entries = len(BibFile.from_text(text).entries)
        add = timed(lambda p: upsert(p, [record], verified_source="pubmed"), args.repeat, fresh)
        pmid = next((e for e in BibFile.from_text(text).entries if e.pmid), None)
        update = None
        if pmid is not None:
            rec = BibRecord(title=pmid.fields.get("title", ""), authors=[], pmid=pmid.pmid,
                            year=pmid.year, pmcid="PMC1")
            update = timed(lambda p: upsert(p, [rec], verified_source="pubmed"), args.repeat,
                           fresh)
        same = fresh()
        upsert(same, [record], verified_source="pubmed")
        noop = timed(lambda _: upsert(same, [record], verified_source="pubmed"), args.repeat)
        cmd = [sys.executable, "-m", "reviewtools", "refs", "add", "--title", record.title,
               "--year", str(record.year), "--pmid", record.pmid, "--doi", record.doi,
               "--verified-source", f"https://pubmed.ncbi.nlm.nih.gov/{record.pmid}/"]
        for a in record.authors:
            cmd += ["--author", a]
        cli = timed(lambda p: subprocess.run([*cmd, "--root", str(p.parent)], check=True,
                                             capture_output=True, cwd=REPO),
                    max(1, args.repeat // 2), fresh)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    size = args.bib.stat().st_size / 1e6
    print(f"references.bib: {args.bib.name} ({entries} entries, {size:.1f} MB); "
          f"median of {args.repeat} runs")
    rows = [("bibtexparser parse (floor)", parse), ("add one entry (upsert)", add)]
    if update is not None:
        rows.append(("update one entry in place", update))
    rows += [("upsert with nothing to change", noop),
             ("`reviewtools refs add` command, incl. start-up", cli)]
    for label, seconds in rows:
        print(f"  {label:<48} {seconds:7.3f} s   {seconds / parse:5.2f}x parse")
    ratio = add / parse
    verdict = "meets" if ratio <= GOAL_RATIO else "MISSES"
    print(f"adding one citation: {ratio:.2f}x parse time ({verdict} the <= {GOAL_RATIO:.0f}x "
          "goal)")
    return 0 if ratio <= GOAL_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
