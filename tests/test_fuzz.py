"""Property-based tests: article import, evidence file loading, claim-file round trip.

Each property states the contract: an input either works (and the result is
consistent) or fails with the specific reviewtools error, never anything else.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewtools.article.importing import load_article
from reviewtools.claims.detection import extract, sections_of
from reviewtools.errors import ArticleImportError, SchemaError
from reviewtools.model.records import (
    Anchor,
    Claim,
    Effect,
    HistoryEntry,
    Link,
    RiskOfBiasRecord,
    Study,
)
from reviewtools.store.files import dump_record, load_record

FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

WORDS = st.sampled_from(["Foot", "massage", "improves", "sleep", "studies", "show", "that",
                         "pain", "is", "reduced", "by", "50%", "in", "adults", "—", "é", "漢字",
                         "🙂", "\t", "\x0b", "\x00", "\x07", "\u2028", "\ufeff", ".", "!", "?"])
LINE = st.one_of(
    st.lists(WORDS, max_size=40).map(" ".join),
    st.text(max_size=200),
    st.builds(lambda w, n: (w + " ") * n, WORDS, st.integers(500, 3000)),  # very long line
)
EOL = st.sampled_from(["\n", "\r\n", "\r", "\n\n"])


@st.composite
def documents(draw) -> str:
    lines = draw(st.lists(LINE, max_size=12))
    return "".join(line + draw(EOL) for line in lines)


def _import(text: str, suffix: str, encoding: str = "utf-8") -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"article{suffix}"
        path.write_bytes(text.encode(encoding, "surrogatepass"))
        try:
            article = load_article(str(path))
        except ArticleImportError:
            return
        for claim in extract(article, sections_of(article)):
            a = claim.anchor
            assert article.text[a.start:a.end] == claim.text


@FUZZ
@given(documents(), st.sampled_from([".txt", ".md", ".html"]))
def test_article_import_anchors_or_clear_error(text, suffix):
    _import(text, suffix)


@FUZZ
@given(st.binary(max_size=3000))
def test_article_import_of_random_bytes(data):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "article.txt"
        path.write_bytes(data)
        try:
            article = load_article(str(path))
        except ArticleImportError:
            return
        for claim in extract(article, sections_of(article)):
            assert article.text[claim.anchor.start:claim.anchor.end] == claim.text


# ---- evidence files ---------------------------------------------------------------------

def _valid_claim() -> Claim:
    text = "Foot massage improves sleep quality."
    return Claim(id="sleep-01", section="sleep", text=text, anchor=Anchor(start=0, end=len(text)),
                 flags=["evidence-appeal"], links=[Link(
                     key="trial2020a", stance="supports", outcome="sleep", directness="direct",
                     quote="Sleep improved.", by="ann", at="2026-11-24T00:00:00Z")],
                 history=[HistoryEntry(at="2026-11-24T00:00:00Z", by="x", action="extracted")])


def _valid_study() -> Study:
    return Study(key="trial2020a", design="RCT", population="adults", intervention="fm",
                 intervention_category="foot massage", n=60,
                 effects=[Effect(outcome="sleep", measure="SMD", value=-0.4)],
                 risk_of_bias=RiskOfBiasRecord(overall="high", reasons="unblinded"),
                 appraised_by="ann", appraised_at="2026-11-24T00:00:00Z")


VALID = {Claim: dump_record(_valid_claim()).encode(), Study: dump_record(_valid_study()).encode()}
JUNK = st.sampled_from([b"", b":", b"- ", b"{", b"}", b"[", b"!!python/object:os.system", b"&a",
                        b"*a", b"\x00", b"\xff\xfe", b"'", b'"', b"\t", b"~", b"null", b"-1",
                        b"1e999", b"? ", b"%YAML 1.1\n", b"<<: *a", b"\n  - x\n"])


@st.composite
def mutated(draw) -> tuple[type, bytes]:
    model = draw(st.sampled_from([Claim, Study]))
    data = bytearray(VALID[model])
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "dropline"]))
        pos = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "flip" and data:
            data[pos] = draw(st.integers(0, 255))
        elif op == "insert":
            data[pos:pos] = draw(st.one_of(JUNK, st.binary(max_size=8)))
        elif op == "delete":
            del data[pos:pos + draw(st.integers(1, 40))]
        elif op == "truncate":
            del data[pos:]
        else:
            lines = bytes(data).split(b"\n")
            del lines[draw(st.integers(0, len(lines) - 1))]
            data = bytearray(b"\n".join(lines))
    return model, bytes(data)


@FUZZ
@given(mutated())
def test_mutated_evidence_file_is_valid_or_schema_error(case):
    model, data = case
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "record.yaml"
        path.write_bytes(data)
        try:
            record = load_record(path, model)
        except SchemaError as exc:
            assert str(path) in str(exc)  # the error names the file
            return
        assert isinstance(record, model)


SAFE_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)


@FUZZ
@given(SAFE_TEXT.filter(lambda t: t != ""), SAFE_TEXT, SAFE_TEXT, SAFE_TEXT,
       st.integers(0, 10**9), st.lists(st.sampled_from(["hedged", "vague", "promotional"]),
                                       unique=True))
def test_claim_dump_load_round_trip(text, prefix, note, quote, start, flags):
    claim = Claim(id="sleep-01", section="sleep", text=text, flags=flags, statement=note,
                  anchor=Anchor(start=start, end=start + len(text), prefix=prefix),
                  links=[Link(key="k1", stance="mixed", outcome=note, directness="indirect",
                              quote=quote or "q", note=prefix, by="ann",
                              at="2026-11-24T00:00:00Z")])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sleep-01.yaml"
        path.write_text(dump_record(claim), encoding="utf-8")
        assert load_record(path, Claim) == claim
