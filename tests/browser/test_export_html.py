"""The exported HTML in headless Debian Chromium: untrusted text shows as text and runs nothing;
figures and references render; `reviewtools screenshot` makes a PNG."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reviewtools.cli.main import main
from tests.export.formats import XSS_IMG, XSS_LINK, XSS_SCRIPT, export, judge, poison

pytestmark = [pytest.mark.browser]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROME_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]

if not Path(CHROMIUM).exists():
    pytest.skip("Debian chromium is not installed (python3 dev.py test installs it)",
                allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS)
        try:
            yield b
        finally:
            b.close()


def _open(browser, html: Path):
    page = browser.new_page()  # JavaScript on: we want to see whether anything runs
    requests: list[str] = []
    dialogs: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    # never reach the network: only the file itself (and data: URIs) may load
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        ("file:", "data:")) else route.abort())
    page.goto(html.as_uri(), wait_until="load")
    page.wait_for_timeout(300)
    return page, requests, dialogs


def test_untrusted_text_is_shown_and_runs_nothing(review, settings, tmp_path, browser):
    judge(review, settings)
    poison(review, settings)  # the poisoned text fails check: a draft export
    html = export(review, tmp_path, ["html"])["summary.html"]
    page, requests, dialogs = _open(browser, html)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert dialogs == []
    assert page.locator("script").count() == 0
    assert page.locator("img[onerror], [onerror]").count() == 0
    assert page.locator('a[href^="javascript:" i]').count() == 0
    # following the in-page links still runs nothing
    for link in page.locator('a[href^="#"]').all()[:30]:
        link.evaluate("e => e.click()")
    assert page.evaluate("typeof window.__pwned") == "undefined"

    text = page.locator("section#claim-sleep-01").inner_text()
    for payload in (XSS_SCRIPT, XSS_IMG, XSS_LINK):
        assert text.count(payload) >= 2, payload  # in the claim quote and in the study quote
    title = page.locator("h1.title").inner_text()
    assert XSS_SCRIPT in title and XSS_LINK in title
    assert XSS_SCRIPT in page.title()
    refs = page.locator("#ref-trial2020a").inner_text()
    assert "<script>window.__pwned=1</script>" in refs
    assert "javascript:window.__pwned=1" in refs
    # nothing was fetched but the file itself (figures are data: URIs)
    assert [u for u in requests if not u.startswith("data:")] == [html.as_uri()]


def test_summary_renders_figures_and_references(review, settings, tmp_path, browser):
    judge(review, settings)
    html = export(review, tmp_path, ["html"])["summary.html"]
    page, _, _ = _open(browser, html)
    widths = page.eval_on_selector_all(".figure-scroll svg",
                                       "svgs => svgs.map(s => s.getBoundingClientRect().width)")
    assert len(widths) >= 2 and all(w > 100 for w in widths)
    assert page.locator("h1.title").inner_text().startswith("Draft evidence review:")
    assert page.locator(".csl-entry").count() == 3
    pmid = page.locator('a[href="https://pubmed.ncbi.nlm.nih.gov/1/"]')
    assert pmid.inner_text() == "PMID: 1"
    # a citation jumps to its reference
    page.locator('section#claim-pain-01 a[href="#ref-trial2021b"]').first.click()
    assert page.evaluate("location.hash") == "#ref-trial2021b"


def test_screenshot_command(review, settings, capsys):
    judge(review, settings)
    code = main(["screenshot", "foot-massage", "--root", str(settings.root)])
    assert code == 0, capsys.readouterr().err
    png = settings.root / "exports" / "foot-massage" / "summary.png"
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    assert width == 1100 and height > 2000  # the full page, not just the viewport
    assert (settings.root / "exports" / "foot-massage" / "summary.html").is_file()


def test_screenshot_of_missing_html_is_a_clear_error(settings, capsys, tmp_path):
    code = main(["screenshot", "foot-massage", "--root", str(settings.root), "--html",
                 str(tmp_path / "nothing.html")])
    assert code == 2
    assert "no HTML to render" in capsys.readouterr().err
