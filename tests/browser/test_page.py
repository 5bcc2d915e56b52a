"""The page to publish and the annotated article in headless Chromium, at desktop (1280 px)
and phone (390 px) widths: navigation, no sideways scrolling, figures as wide as the text,
axe-core accessibility, the claim notes, hostile text inert, the draft banner, the PDF."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.export.formats import XSS, XSS_IMG, XSS_LINK, XSS_SCRIPT, export, judge, poison

pytestmark = [pytest.mark.browser]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROME_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
WIDTHS = (1280, 390)

if not Path(CHROMIUM).exists():
    pytest.skip(f"Chromium is not installed at {CHROMIUM} (python3 dev.py test installs "
                "Debian's chromium); the page and article browser tests need it",
                allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api",
                               reason="the browser tests need the playwright package")


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def pages(review, settings, tmp_path):
    """A judged (so: incomplete, a draft) review exported as the page and the article."""
    judge(review, settings)
    review.drop("sleep-03", reason="a definition, not a claim", by="ann")
    files = export(review, tmp_path, ["html", "article"])
    return files["summary.html"], files["article.html"]


def _open(browser, html: Path, width: int, *, javascript: bool = True):
    context = browser.new_context(viewport={"width": width, "height": 844 if width < 600
                                            else 900}, java_script_enabled=javascript)
    page = context.new_page()
    seen = {"requests": [], "dialogs": []}
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        ("file:", "data:")) else route.abort())
    page.goto(html.as_uri(), wait_until="load")
    return page, seen


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", WIDTHS)
def test_navigation_works_and_nothing_scrolls_sideways(browser, pages, width):
    page, _ = _open(browser, pages[0], width)
    nav = page.locator("nav#contents")
    assert nav.is_visible()
    links = nav.locator("a")
    assert links.count() >= 8
    target = nav.locator('a[href="#section-sleep"]')
    assert target.is_visible() or width < 600  # a phone's bar of links scrolls sideways
    target.click()
    assert page.evaluate("location.hash") == "#section-sleep"
    top = page.evaluate("document.getElementById('section-sleep').getBoundingClientRect().top")
    nav_bottom = page.evaluate(
        "document.getElementById('contents').getBoundingClientRect().bottom")
    assert 0 <= top < page.viewport_size["height"] / 2
    if width < 600:  # the bar stays on top of the page and does not hide the heading
        assert page.evaluate("document.getElementById('contents').getBoundingClientRect()"
                             ".top") == 0
        assert top >= nav_bottom - 1
    assert _no_sideways_scroll(page)
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_figures_are_inline_svg_at_least_as_wide_as_the_text(browser, pages, width):
    page, _ = _open(browser, pages[0], width)
    column = page.evaluate("""() => { const p = document.querySelector('main section p');
        return p.getBoundingClientRect().width; }""")
    figures = page.evaluate("""() => [...document.querySelectorAll('.figure-scroll svg')]
        .map(s => ({w: s.getBoundingClientRect().width,
                    box: s.viewBox.baseVal.width}))""")
    assert len(figures) >= 2
    for f in figures:
        assert f["w"] >= column - 1, (f, column)
        if width < 600:  # readable on a phone: not shrunk below the figure's own size
            assert f["w"] >= f["box"], f
    assert page.locator("img").count() == 0
    assert _no_sideways_scroll(page)
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_article_view_fits_a_phone_and_a_desktop(browser, pages, width):
    page, _ = _open(browser, pages[1], width)
    assert page.locator("a.claim").count() >= 5
    assert _no_sideways_scroll(page)
    page.context.close()


def _serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe
    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} x{len(v['nodes'])}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_serious_or_critical_violations(browser, pages, width):
    page, _ = _open(browser, pages[0], width)
    assert _serious(page) == []
    page.context.close()
    page, _ = _open(browser, pages[1], width)
    page.locator("a.claim").first.click()
    assert _serious(page) == []
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_clicking_a_claim_shows_its_verdict(browser, pages, width):
    page, _ = _open(browser, pages[1], width)
    note = page.locator("#note-sleep-01")
    assert not note.is_visible()
    claim = page.locator('a.claim[data-notes^="note-sleep-01"]').first
    claim.click()
    assert note.is_visible()
    text = note.inner_text()
    assert "Uncertain (insufficient evidence)" in text and "Low" in text
    assert "2 studies" in text and "Synthetic randomised trial A" in text
    assert page.locator("#note-pain-01").is_hidden()
    # the sentence dropped from the claim list shows its reason
    page.locator('a.claim[data-notes="note-sleep-03"]').first.click()
    assert "a definition, not a claim" in page.locator("#note-sleep-03").inner_text()
    assert note.is_hidden()
    page.context.close()


def test_keyboard_focus_on_a_claim_shows_its_note(browser, pages):
    page, _ = _open(browser, pages[1], 1280)
    page.locator('a.claim[data-notes^="note-pain-01"]').first.focus()
    note = page.locator("#note-pain-01")
    assert note.is_visible() and "Partly supported" in note.inner_text()
    page.keyboard.press("Tab")  # the next claim's note replaces it
    assert page.locator("#panel .note:not([hidden])").count() >= 1
    page.context.close()


def test_without_javascript_the_claims_link_to_their_notes(browser, pages):
    page, _ = _open(browser, pages[1], 1280, javascript=False)
    assert page.locator("#note-sleep-01").is_visible()  # every note listed
    href = page.locator('a.claim[data-notes^="note-sleep-01"]').first.get_attribute("href")
    assert href == "#note-sleep-01"
    page.context.close()


def test_hostile_text_from_article_bib_and_notes_stays_inert(review, settings, tmp_path,
                                                            browser):
    judge(review, settings)
    poison(review, settings)  # claim text, a study quote, a bib title, the article title
    review.verdict("pain-01", "partly supported", by="ann", reason=f"reviewer note {XSS}")
    review.drop("sleep-03", reason=f"dropped {XSS}", by="ann")
    snapshot = review.path / "article.txt"  # and in the article's own text, after the claims
    snapshot.write_text(snapshot.read_text() + f"\nA closing line {XSS}\n")
    review.__dict__.pop("snapshot", None)
    files = export(review, tmp_path, ["html", "article"])
    assert f"A closing line {XSS}" in _open(browser, files["article.html"], 390)[0] \
        .locator("main").inner_text()
    for name in ("summary.html", "article.html"):
        page, seen = _open(browser, files[name], 1280)
        for link in page.locator('a[href^="#"]').all()[:40]:
            link.evaluate("e => e.click()")
        page.wait_for_timeout(200)
        assert page.evaluate("typeof window.__pwned") == "undefined", name
        assert seen["dialogs"] == [], name
        assert page.locator("img[onerror], [onerror]").count() == 0, name
        assert page.locator('a[href^="javascript:" i]').count() == 0, name
        assert [u for u in seen["requests"] if not u.startswith("data:")] == \
            [files[name].as_uri()], name
        text = page.evaluate("document.body.textContent")  # hidden notes too
        for payload in (XSS_SCRIPT, XSS_IMG, XSS_LINK):
            assert payload in text, (name, payload)
        page.context.close()
    page, _ = _open(browser, files["article.html"], 1280)
    page.locator('a.claim[data-notes^="note-sleep-03"]').first.click()
    assert f"dropped {XSS}" in page.locator("#note-sleep-03").inner_text()
    assert page.locator("script").count() == 1  # ours, allowed by hash
    page.context.close()


def test_an_incomplete_review_shows_the_draft_banner(browser, pages):
    page, _ = _open(browser, pages[0], 390)
    banner = page.locator(".draft-banner")
    assert banner.is_visible()
    text = banner.inner_text()
    assert "Draft: not ready to publish." in text and "not yet assessed" in text
    assert page.locator("h1.title").inner_text().startswith("Draft evidence review:")
    page.context.close()
    page, _ = _open(browser, pages[1], 390)
    assert "Draft:" in page.locator(".draft").inner_text()
    page.context.close()
