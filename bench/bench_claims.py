"""Claim extraction on the gold list of real articles other than the first (tests/data/gold).

Usage::

    .venv/bin/python bench/bench_claims.py [--errors]

Prints, for the articles the rules were tuned on and the held-out ones apart and then for all,
claim recall and precision (health and harm claims against every other kind),
evidence-appeal recall, compound detection recall (and precision), the kind accuracy and the
per-kind precision and recall; ``--errors`` lists every sentence whose kind was wrong.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.claims.gold import headline, load_gold, pairs, per_kind  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list the wrong kinds")
    args = parser.parse_args()
    docs = load_gold()
    started = time.perf_counter()
    ps = pairs(docs)
    took = time.perf_counter() - started
    h = headline(ps)
    for label, part in (("tuning", "tuning"), ("held-out", "held-out")):
        sub = [d for d in docs if d.get("split", "tuning").startswith(part)]
        if sub:
            f = headline(pairs(sub))
            print(f"{label} ({len(sub)} articles, {f['sentences']} sentences): claim recall "
                  f"{f['claim_recall']:.1%}, claim precision {f['claim_precision']:.1%}, "
                  f"evidence-appeal recall {f['appeal_recall']:.1%}, compound recall "
                  f"{f['compound_recall']:.1%}, kind accuracy {f['kind_accuracy']:.1%}")
    print(f"gold list: {len(docs)} articles ({', '.join(sorted({d['format'] for d in docs}))}), "
          f"{h['sentences']} sentences, {h['matched']} matched by the segmenter; "
          f"{took:.2f} s")
    print(f"claim recall {h['claim_recall']:.1%}, claim precision {h['claim_precision']:.1%}, "
          f"evidence-appeal recall {h['appeal_recall']:.1%}, compound detection recall "
          f"{h['compound_recall']:.1%} (precision {h['compound_precision']:.1%}), "
          f"kind accuracy {h['kind_accuracy']:.1%}")
    for kind, (p, r, n) in per_kind(ps).items():
        print(f"  {kind:<13} precision {p:6.1%}  recall {r:6.1%}  (gold {n})")
    if args.errors:
        for pair in ps:
            got = pair.found.kind if pair.found else "(not segmented)"
            if got != pair.gold["kind"]:
                print(f"{pair.article}: gold {pair.gold['kind']}, got {got}: "
                      f"{pair.gold['text'][:90]}"
                      + (f"  [{pair.found.kind_rule}]" if pair.found else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
