"""End to end in a real browser: JupyterLab on 127.0.0.1, headless Debian Chromium via
Playwright, a benefit notebook run top to bottom, a judgement changed in the claim form and
saved, and the claim file on disk changed accordingly."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
NOTEBOOK = "notebooks/04-sleep.ipynb"
CHROME_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]

if not Path(CHROMIUM).exists():
    pytest.skip("Debian chromium is not installed (python3 dev.py test installs it)",
                allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def lab(repo_copy, tmp_path):
    port, token = _free_port(), "reviewtools-test-token"
    env = dict(os.environ, REVIEWTOOLS_ROOT=str(repo_copy), REVIEWTOOLS_OFFLINE="1",
               JUPYTER_CONFIG_DIR=str(tmp_path / "jconfig"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "jruntime"))
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
           f"--ServerApp.port={port}", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={repo_copy}", "--LabApp.expose_app_in_browser=True",
           "--ServerApp.disable_check_xsrf=True", "--LabApp.news_url=", "--allow-root"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)  # noqa: S310
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail("jupyter lab exited: " + proc.stderr.read().decode()[-2000:])
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("jupyter lab did not start within 60 s")
    yield url, token, repo_copy
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_widget_edit_in_jupyterlab_changes_the_claim_file(lab):
    from playwright.sync_api import sync_playwright

    url, token, root = lab
    nb = root / NOTEBOOK
    assert nb.is_file(), f"{NOTEBOOK} is missing"
    claim_id = _form_claim(nb)
    claim_path = root / "evidence" / "foot-massage" / "claims" / f"{claim_id}.yaml"
    before = yaml.safe_load(claim_path.read_text())
    current = (before.get("verdict") or {}).get("value")
    target = "contradicted" if current != "contradicted" else "uncertain"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{url}/lab/tree/{NOTEBOOK}?token={token}")
        page.wait_for_function("window.jupyterapp && document.querySelector('.jp-Notebook')",
                               timeout=90_000)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle'], "
                               ".jp-Notebook", timeout=60_000)
        page.wait_for_timeout(2000)  # kernel start
        page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
        form = page.locator(".reviewtools-claim-form")
        form.wait_for(timeout=120_000)
        form.locator(".widget-dropdown", has_text="Verdict").locator("select").select_option(
            target)
        form.locator("textarea").fill("changed in the browser test")
        form.get_by_role("button", name="Save").click()
        page.locator(".reviewtools-saved").wait_for(timeout=30_000)
        page.screenshot(path=str(root / "jupyterlab.png"))
        browser.close()
    after = yaml.safe_load(claim_path.read_text())
    assert after["verdict"]["value"] == target
    assert after["verdict"]["reason"] == "changed in the browser test"
    assert after["revision"] > before["revision"]


def _form_claim(nb: Path) -> str:
    import json
    import re
    cells = json.loads(nb.read_text())["cells"]
    for cell in cells:
        m = re.search(r"ClaimForm\(review, \"([a-z0-9-]+)\"", "".join(cell["source"]))
        if m:
            return m.group(1)
    raise AssertionError("the notebook has no ClaimForm cell")
