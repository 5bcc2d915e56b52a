"""Build a large, obviously synthetic repository for the scale benchmark.

Everything here is fake on purpose: titles read "Synthetic study 00042", keys are
``synth00042``, DOIs use the unassignable ``10.0000/synthetic`` prefix. The files are
written with the real models and :func:`reviewtools.store.files.dump_record`, so they are
byte-for-byte what the tool itself writes. Never copy this output into ``evidence/``.

Usage::

    .venv/bin/python bench/generate.py DEST [--small]
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from reviewtools.article.importing import build_article, plain_blocks
from reviewtools.claims.detection import make_anchor
from reviewtools.grading.rules import certainty_from
from reviewtools.model.records import (
    Claim,
    DomainRating,
    Downgrades,
    Effect,
    Grade,
    HistoryEntry,
    Link,
    ReviewMeta,
    RiskOfBiasRecord,
    Section,
    Study,
    Upgrades,
    Verdict,
)
from reviewtools.store.files import dump_record

AT = "2026-11-24T12:00:00Z"
SECTIONS = 5
PARAGRAPHS_PER_SECTION = 2
SENTENCES_PER_PARAGRAPH = 3  # 5 * 2 * 3 = 30 claims per review
LINKS_PER_CLAIM = 2


@dataclass(frozen=True)
class Size:
    reviews: int
    bib_entries: int
    studies: int

    @property
    def claims(self) -> int:
        return self.reviews * SECTIONS * PARAGRAPHS_PER_SECTION * SENTENCES_PER_PARAGRAPH

    @property
    def links(self) -> int:
        return self.claims * LINKS_PER_CLAIM


FULL = Size(reviews=1000, bib_entries=10_000, studies=5_000)
SMALL = Size(reviews=40, bib_entries=400, studies=200)


def slug_of(i: int) -> str:
    return f"synthetic-review-{i:05d}"


def key_of(i: int) -> str:
    return f"synth{i:05d}"


def sentence(review: int, n: int) -> str:
    """A claim-like sentence of realistic length (~150 characters)."""
    return (f"Synthetic claim {review:05d}-{n:02d}: regular foot massage improves synthetic "
            f"outcome {n % 7} in adults, according to studies cited nowhere in this text.")


def article_text(review: int) -> str:
    """The plain-text source of one synthetic article (title, headings, paragraphs)."""
    lines = [f"Synthetic article {review:05d} for benchmarking", ""]
    n = 0
    for s in range(SECTIONS):
        lines += [f"Synthetic section {s + 1}", ""]
        for _ in range(PARAGRAPHS_PER_SECTION):
            sents = []
            for _ in range(SENTENCES_PER_PARAGRAPH):
                n += 1
                sents.append(sentence(review, n))
            lines += [" ".join(sents), ""]
    return "\n".join(lines)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def bib_entry(i: int) -> str:
    return (f"@article{{{key_of(i)},\n"
            f"  author = {{Synthetic, Author{i % 97} and Placeholder, Second}},\n"
            f"  title = {{Synthetic study {i:05d}: effect of foot massage on a made-up outcome "
            f"in a made-up population}},\n"
            f"  journal = {{Journal of Synthetic Benchmarks}},\n"
            f"  year = {{{2000 + i % 25}}},\n"
            f"  volume = {{{1 + i % 40}}},\n"
            f"  pages = {{{i % 900 + 1}--{i % 900 + 12}}},\n"
            f"  doi = {{10.0000/synthetic.{i:05d}}},\n"
            f"  verified = {{synthetic benchmark; 2026-11-24}},\n"
            f"}}\n")


def study(i: int) -> Study:
    return Study(
        key=key_of(i), design="RCT" if i % 3 else "cohort",
        population=f"Synthetic population {i:05d}: {40 + i % 200} adults aged 30-70 recruited "
                   "from a made-up outpatient clinic",
        intervention="Synthetic foot massage, 20 minutes twice weekly for 6 weeks",
        intervention_category="foot massage", comparator="usual care (synthetic)",
        outcomes=["synthetic outcome A", "synthetic outcome B"], n=40 + i % 200,
        effects=[Effect(outcome="synthetic outcome A", measure="SMD", value=-0.3, ci_low=-0.6,
                        ci_high=0.0, text="Synthetic effect text, not from any real study.")],
        risk_of_bias=RiskOfBiasRecord(overall="some concerns",
                                      reasons="Synthetic: unblinded outcome assessment"),
        funding="synthetic", finding="Synthetic finding for benchmarking only.",
        appraised_by="bench", appraised_at=AT,
        history=[HistoryEntry(at=AT, by="bench", action="appraised")])


def _grade() -> Grade:
    down = Downgrades(risk_of_bias=DomainRating(levels=1, reason="Synthetic: unblinded"),
                      imprecision=DomainRating(levels=1, reason="Synthetic: small sample"))
    proposed = certainty_from("high", down, Upgrades())
    return Grade(start="high", start_reason="randomised trials", downgrades=down,
                 proposed=proposed, certainty=proposed, by="bench", at=AT)


def claim(review: int, n: int, section: str, snapshot: str, size: Size) -> Claim:
    text = sentence(review, n)
    start = snapshot.index(text)
    links = []
    for j in range(LINKS_PER_CLAIM):
        k = (review * 37 + n * 11 + j * 101) % size.studies
        links.append(Link(key=key_of(k), stance="supports" if j == 0 else "mixed",
                          outcome="synthetic outcome A", directness="direct",
                          quote=f"Synthetic quote from synthetic study {k:05d}: foot massage "
                                "reduced the made-up outcome compared with usual care "
                                "(synthetic numbers, not a real result).",
                          by="bench", at=AT))
    judged = n % 2 == 0
    return Claim(
        id=f"{section}-{n:02d}", section=section, text=text,
        anchor=make_anchor(snapshot, start, start + len(text)), flags=["evidence-appeal"],
        status="reviewed" if judged else "to-do", links=links,
        grade=_grade() if judged else None,
        verdict=Verdict(value="partly supported", reason="Synthetic verdict.", by="bench",
                        at=AT) if judged else None,
        history=[HistoryEntry(at=AT, by="extractor", action="extracted"),
                 HistoryEntry(at=AT, by="bench", action="linked", detail=key_of(0))])


def write_review(root: Path, i: int, size: Size) -> None:
    slug = slug_of(i)
    folder = root / "evidence" / slug
    source = article_text(i)
    write(root / "sources" / f"{slug}.txt", source)
    article = build_article(plain_blocks(source), source=f"sources/{slug}.txt",
                            media_type="text/plain", original=source.encode())
    write(folder / "article.txt", article.text)
    sections, n = [], 0
    heads = [(b, s, e) for b, s, e in article.blocks if b.kind == "heading"]
    for h, (block, start, _end) in enumerate(heads):
        end = heads[h + 1][1] if h + 1 < len(heads) else len(article.text)
        sections.append(Section(slug=f"s{h + 1}", heading=block.text, start=start, end=end))
    meta = ReviewMeta(slug=slug, title=article.title, source=article.source,
                      media_type="text/plain", retrieved=AT, sha256=article.sha256,
                      sections=sections, segmenter="synthetic", reviewers=["bench"])
    write(folder / "review.yaml", dump_record(meta))
    per_section = PARAGRAPHS_PER_SECTION * SENTENCES_PER_PARAGRAPH
    for sec in sections:
        for _ in range(per_section):
            n += 1
            c = claim(i, n, sec.slug, article.text, size)
            write(folder / "claims" / f"{c.id}.yaml", dump_record(c))


def generate(root: Path, size: Size, *, workers: int = 2) -> Path:
    """Write the synthetic repository under ``root`` and return it."""
    root.mkdir(parents=True, exist_ok=True)
    write(root / "references.bib", "\n".join(bib_entry(i) for i in range(size.bib_entries)))
    for i in range(size.studies):
        write(root / "evidence" / "studies" / f"{key_of(i)}.yaml", dump_record(study(i)))
    _fan_out(root, size, workers)
    (root / "SYNTHETIC-BENCHMARK-DATA.txt").write_text(
        "Everything under this folder is synthetic benchmark data. Not evidence.\n")
    return root


def _fan_out(root: Path, size: Size, workers: int) -> None:
    """Write the reviews, in ``workers`` forked processes when available."""
    if workers <= 1 or not hasattr(os, "fork"):
        for i in range(size.reviews):
            write_review(root, i, size)
        return
    pids = []
    for w in range(workers):
        pid = os.fork()
        if pid == 0:  # child: write every workers-th review, then leave without cleanup
            code = 0
            try:
                for i in range(w, size.reviews, workers):
                    write_review(root, i, size)
            except BaseException:  # noqa: BLE001 - report in the parent via the exit code
                import traceback
                traceback.print_exc()
                code = 1
            os._exit(code)
        pids.append(pid)
    if any(os.waitpid(pid, 0)[1] != 0 for pid in pids):
        raise SystemExit("generation failed in a worker process")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--small", action="store_true")
    args = parser.parse_args(argv)
    size = SMALL if args.small else FULL
    generate(args.dest, size)
    print(f"wrote {size.reviews} reviews, {size.claims} claims, {size.links} links, "
          f"{size.studies} studies, {size.bib_entries} bib entries under {args.dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
