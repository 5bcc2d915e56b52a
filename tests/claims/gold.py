"""The gold list of labelled sentences (tests/data/gold/*.yaml) and the scores of the
extractor on it; shared by tests/claims/test_kinds_gold.py and bench/bench_claims.py.

Each file keeps the text of one real popular health page (its URL and retrieval date in the
file), in the form it was kept (txt, md or html), and one label per sentence: its kind,
whether it is compound, and whether it appeals to unnamed evidence.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from reviewtools.article.importing import context_of, load_article
from reviewtools.claims.detection import Extracted, extract_all, sections_of
from reviewtools.model.records import CLAIM_KINDS, KIND_LABEL

GOLD_DIR = Path(__file__).resolve().parents[1] / "data" / "gold"
KINDS = list(KIND_LABEL)


@dataclass
class Pair:
    article: str
    gold: dict
    found: Extracted | None


def load_gold() -> list[dict]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(GOLD_DIR.glob("*.yaml"))]


def extracted(doc: dict) -> list[Extracted]:
    """The extractor's sentences for one gold article, imported as the file it was kept as
    and with the page context a fetch from its URL gives."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{doc['name']}.{doc['format']}"
        path.write_text(doc["source"], encoding="utf-8")
        art = load_article(str(path))
    media = {"html": "text/html", "md": "text/markdown"}.get(doc["format"], "text/plain")
    art.context = context_of(doc["source"], media, art.title, doc["url"])
    return extract_all(art, sections_of(art))


def pairs(docs: list[dict] | None = None) -> list[Pair]:
    out = []
    for doc in docs if docs is not None else load_gold():
        found = {e.text: e for e in extracted(doc)}
        out += [Pair(doc["name"], g, found.get(g["text"])) for g in doc["sentences"]]
    return out


def _ratio(num: int, den: int) -> float:
    return num / den if den else 1.0


def per_kind(ps: list[Pair]) -> dict[str, tuple[float, float, int]]:
    """Kind -> (precision, recall, gold count)."""
    out = {}
    for kind in KINDS:
        tp = sum(1 for p in ps if p.found and p.found.kind == kind and p.gold["kind"] == kind)
        pred = sum(1 for p in ps if p.found and p.found.kind == kind)
        gold = sum(1 for p in ps if p.gold["kind"] == kind)
        out[kind] = (_ratio(tp, pred), _ratio(tp, gold), gold)
    return out


def headline(ps: list[Pair]) -> dict[str, float]:
    """Claim recall and precision (health and harm claims), evidence-appeal recall and
    compound recall (over gold claims), and how many sentences the segmenter matched."""
    gold_claim = [p for p in ps if p.gold["kind"] in CLAIM_KINDS]
    pred_claim = [p for p in ps if p.found and p.found.is_claim]
    tp = [p for p in gold_claim if p.found and p.found.is_claim]
    appeals = [p for p in ps if p.gold["evidence_appeal"]]
    compound = [p for p in gold_claim if p.gold["compound"]]
    pred_compound = [p for p in pred_claim if "compound" in p.found.flags]
    return {
        "sentences": len(ps), "matched": sum(1 for p in ps if p.found),
        "claim_recall": _ratio(len(tp), len(gold_claim)),
        "claim_precision": _ratio(len(tp), len(pred_claim)),
        "appeal_recall": _ratio(sum(1 for p in appeals if p.found
                                    and "evidence-appeal" in p.found.flags), len(appeals)),
        "compound_recall": _ratio(sum(1 for p in compound if p.found
                                      and "compound" in p.found.flags), len(compound)),
        "compound_precision": _ratio(sum(1 for p in pred_compound if p.gold["compound"]),
                                     len(pred_compound)),
        "kind_accuracy": _ratio(sum(1 for p in ps if p.found
                                    and p.found.kind == p.gold["kind"]), len(ps)),
    }
