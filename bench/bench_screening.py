"""Work saved by ranked screening, replayed on a review's own screening decisions.

Usage::

    .venv/bin/python bench/bench_screening.py [--review foot-massage] [--seeds 5]

For every claim or protocol question whose screening file holds at least one inclusion and
one exclusion, the decided records are replayed as ASReview's simulation mode does
(:func:`reviewtools.literature.ranking.simulate`): one random inclusion and one random
exclusion to start, then always the top-ranked record next. A record's text is its title
only by default (``--with-abstracts`` adds the stored abstracts of records in
references.bib, which only included studies have, so it flatters the ranking). Printed per target
and summed: records, inclusions, records read to find 95% of the inclusions (median over
seeds), the same in random order (expected), and WSS@95 (work saved over sampling).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reviewtools.literature.abstracts import load_abstract  # noqa: E402
from reviewtools.literature.bib import BibFile  # noqa: E402
from reviewtools.literature.ranking import ACTIVE_MODEL, simulate  # noqa: E402
from reviewtools.literature.search import _latest, load_screening, question_text  # noqa: E402
from reviewtools.review import open_review  # noqa: E402
from reviewtools.settings import Settings  # noqa: E402


def _text(bib: BibFile, settings: Settings, rid: str, title: str, titles_only: bool) -> str:
    if titles_only:
        return title
    kind, _, value = rid.partition(":")
    entry = bib.find(**{kind: value}) if kind in ("doi", "pmid", "pmcid") else None
    if entry is None:
        return title
    abstract = load_abstract(settings, entry.key)
    return f"{entry.fields.get('title', title)}. {abstract.text if abstract else ''}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--review", default="foot-massage")
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--with-abstracts", action="store_true",
                    help="add the stored abstracts of records in references.bib (only included "
                    "studies have them, which flatters the ranking: off by default)")
    args = ap.parse_args()
    settings = Settings.from_env(root=ROOT)
    review = open_review(args.review, settings=settings)
    bib = BibFile.load(settings.bib_path)
    print(f"ranked by {ACTIVE_MODEL}; {args.seeds} seeds per target; text: "
          f"{'titles and stored abstracts' if args.with_abstracts else 'titles only'}; "
          "read@95 counts the two prior records (one inclusion, one exclusion)")
    print(f"{'target':28} {'records':>7} {'incl':>5} {'read@95':>8} {'random@95':>10} "
          f"{'WSS@95':>7}")
    totals = [0, 0, 0.0, 0.0]
    folder = review.path / "screening"
    for path in sorted(folder.glob("*.yaml")):
        target = path.stem
        decisions = [d for d in _latest(load_screening(review, target).decisions).values()
                     if d.decision != "maybe"]
        if len({d.decision for d in decisions}) < 2 or len(decisions) < 5:
            continue
        records = [(d.id, _text(bib, settings, d.id, d.title, not args.with_abstracts),
                    d.decision == "include")
                   for d in decisions]
        sims = [simulate(records, question_text(review, target), seed=s)
                for s in range(args.seeds)]
        read = statistics.median(s.read_for_95 for s in sims)
        wss = statistics.median(s.wss_95 for s in sims)
        first = sims[0]
        print(f"{target:28} {first.records:7d} {first.inclusions:5d} {read:8.1f} "
              f"{first.random_for_95:10.1f} {wss:7.3f}")
        totals = [totals[0] + first.records, totals[1] + first.inclusions, totals[2] + read,
                  totals[3] + first.random_for_95]
    if not totals[0]:
        print("no claim or question has both inclusions and exclusions to replay")
        return 0
    saved = 1 - totals[2] / totals[3]
    verdict = (f"reads {saved:.0%} fewer records than random order" if saved > 0 else
               f"saves nothing over random order ({-saved:.0%} more)")
    print(f"{'all targets':28} {totals[0]:7d} {totals[1]:5d} {totals[2]:8.1f} "
          f"{totals[3]:10.1f}   ranked order {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
