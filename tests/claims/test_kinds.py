"""Sentence kinds (reviewtools.claims.kinds): the rules, the page context, promotion, and
odd input. Sentences are from the gold pages (tests/data/gold) unless said otherwise."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from reviewtools.article.importing import (
    PageContext,
    business_names,
    domain_name,
    html_context,
    load_article,
)
from reviewtools.claims.detection import classify, extract_all, sections_of
from reviewtools.claims.edits import promoted
from reviewtools.claims.kinds import sentence_kind
from reviewtools.cli.main import main
from reviewtools.errors import InputError
from reviewtools.grading.rules import claimed_certainty, is_overstated
from reviewtools.review import extract_review, open_review

SAUNA_HARM = ("It's important to keep in mind that sauna use can be dangerous if you have "
              "certain medical conditions or are taking certain medications.")
SAUNA_ADVICE = ("It's always best to consult with a doctor before using a sauna, particularly "
                "if you have heart disease, high blood pressure, or diabetes.")


@pytest.mark.parametrize(("text", "kind"), [
    (SAUNA_HARM, "harm-claim"),
    (SAUNA_ADVICE, "advice"),
    ("Saunas can also help to improve respiratory health.", "health-claim"),
    ("The therapist places warm stones on specific points of the body.", "description"),
    ("One of the most popular therapies at high-end spas is hot stone massage.", "marketing"),
    ("This article reveals 6 benefits of hot stone massage at spa that you may not know.",
     "meta"),
    ("Some people swear by the invigorating feeling of a cold shower in the morning.",
     "testimonial"),
    ("Relax and restore the tired body and ease muscle tension today.", "marketing"),
    ("© 2024 All rights reserved.", "citation"),
])
def test_each_kind_has_a_rule(text, kind):
    decision = sentence_kind(text)
    assert decision.kind == kind, decision
    assert decision.rule


def test_only_health_and_harm_claims_are_claims():
    assert sentence_kind(SAUNA_HARM).is_claim and not sentence_kind(SAUNA_ADVICE).is_claim
    assert "advice" in sentence_kind(SAUNA_ADVICE).reason


HTML = """<html><head><title>Hot stone massage</title></head><body>
<header><a href="/">Home</a></header>
<article><h1>Hot stone massage</h1>
<p>The stones are typically made from basalt and are heated before the session.</p>
<p>The heat penetrates deep into the muscles, helping to relieve tension.</p>
<p>Visit Zendith Spa for your first session.</p></article>
<footer><p>&copy; 2025 Zendith Spa. All rights reserved.</p>
<p>Call us: <a href="tel:+15551234567">+1 555 123 4567</a></p></footer></body></html>"""


def test_the_page_context_names_the_business_in_the_footer(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(HTML, encoding="utf-8")
    art = load_article(str(page))
    assert "Zendith Spa" in art.context.names and art.context.commercial
    found = {e.text: e for e in extract_all(art, sections_of(art))}
    claim = found["The heat penetrates deep into the muscles, helping to relieve tension."]
    assert claim.is_claim and "promotional" in claim.flags  # a claim on a business's page
    assert found["Visit Zendith Spa for your first session."].kind == "marketing"
    assert all("All rights reserved" not in e.text for e in found.values())


def test_without_a_business_nothing_is_promotional():
    text = "The heat penetrates deep into the muscles, helping to relieve tension."
    assert not sentence_kind(text, PageContext()).promotional
    assert sentence_kind(text, PageContext(names=["Zendith Spa"])).promotional


def test_names_come_from_footers_titles_and_the_sites_address():
    assert business_names(["© 2024 Zendith Spa. All rights reserved."]) == ["Zendith Spa"]
    assert domain_name("https://zendithspa.com/blogs/x") == "Zendith Spa"
    assert domain_name("https://pubmed.ncbi.nlm.nih.gov/1/") == ""
    ctx = html_context('<link rel="canonical" href="https://stokedsauna.ca/blog">')
    assert ctx.names == ["Stoked Sauna"]


def test_weak_hedges_do_not_make_an_unsupported_claim_safe():
    flags = classify("Saunas can also help to improve respiratory health.")
    assert "hedged" in flags and "weak-hedge" in flags
    assert claimed_certainty(flags) == "moderate"
    assert is_overstated(flags, None, "uncertain")
    hedged = classify("Saunas may improve respiratory health.")
    assert "weak-hedge" not in hedged and claimed_certainty(hedged) == "low"


def test_absolutes_and_general_mechanisms_are_flagged():
    flags = classify("Cold water cures colds and eliminates toxins.")
    assert "absolute" in flags and "assertive" in flags
    assert "mechanistic" in classify("The heat in a sauna causes your blood vessels to dilate.")
    assert "vague" in classify("Saunas remove impurities for more radiant skin.")


SAUNA = """# sauna health benefits

Saunas can also help to improve respiratory health. It's always best to consult with a doctor \
before using a sauna, particularly if you have heart disease, high blood pressure, or diabetes.
"""


def test_other_kinds_are_kept_as_not_claims_and_can_be_promoted(settings, tmp_path, capsys):
    src = tmp_path / "sauna.md"
    src.write_text(SAUNA, encoding="utf-8")
    report = extract_review(str(src), "sauna", settings=settings)
    review = open_review("sauna", settings=settings)
    assert len(report.not_claims) == 1 and "not treated as claims" in report.summary()
    advice = review.claim(report.not_claims[0])
    assert advice.status == "not a claim" and advice.kind == "advice"
    assert advice.drop_reason.startswith("not treated as a claim: advice")
    assert list(review.claims()["id"]) == ["intro-01"]
    assert list(review.not_claims()["kind"]) == ["advice"]
    assert main(["claim", "sauna", "promote", advice.id, "--kind", "harm-claim", "--root",
                 str(settings.root)]) == 0
    now = review.claim(advice.id)
    assert now.is_claim and now.kind == "harm-claim" and now.status == "to-do"
    assert now.history[-1].action == "promoted"
    assert len(review.claims()) == 2
    with pytest.raises(InputError):
        promoted(now, by="ann", kind="advice")


@given(st.text(max_size=400))
def test_odd_text_never_crashes_the_kinds(text):
    decision = sentence_kind(text, PageContext(names=[text[:20] or "x"]))
    assert decision.kind and decision.rule


@given(st.text(max_size=300), st.text(max_size=80))
@example(body="", title="[")  # a canonical link 'https://[.com/' once raised ValueError
def test_odd_pages_never_crash_the_page_context(body, title):
    html = f"<title>{title}</title><footer>{body}</footer><p>{body}</p>"
    ctx = html_context(html, "https://" + (title.strip()[:20] or "x") + ".com/")
    assert isinstance(ctx.names, list) and all(isinstance(n, str) for n in ctx.names)
    assert isinstance(business_names([body, title]), list)
