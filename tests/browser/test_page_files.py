"""Files made with headless Chromium: the page's PDF (``--format pdf``) and the screenshot set
(``reviewtools screenshot SLUG --set``)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from reviewtools.cli.main import main
from tests.export.formats import export, judge

pytestmark = [pytest.mark.browser]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

if not Path(CHROMIUM).exists():
    pytest.skip(f"Chromium is not installed at {CHROMIUM} (python3 dev.py test installs "
                "Debian's chromium); the PDF and screenshot tests need it",
                allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="the PDF and screenshots need playwright")


def test_pdf_of_the_page(review, settings, tmp_path):
    judge(review, settings)
    pdf = export(review, tmp_path, ["pdf"])["summary.pdf"]
    data = pdf.read_bytes()
    assert data[:5] == b"%PDF-"
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", data)) >= 3  # the whole page, not one sheet


def test_screenshot_set(review, settings, capsys):
    judge(review, settings)
    assert main(["screenshot", "foot-massage", "--set", "--root", str(settings.root)]) == 0, \
        capsys.readouterr().err
    folder = settings.root / "exports" / "foot-massage" / "screenshots"
    shots = sorted(p.name for p in folder.glob("*.png"))
    assert shots == ["article-1280.png", "article-390.png", "summary-1280.png",
                     "summary-390.png", "summary-claim-1280.png", "summary-claim-390.png"]
    for name in shots:
        data = (folder / name).read_bytes()
        width = int.from_bytes(data[16:20], "big")
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and width == int(name.split("-")[-1][:-4])
