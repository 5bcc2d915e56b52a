#!/usr/bin/env python3
"""Set up and run reviewtools with nothing but Python 3.11+ installed.

    python3 dev.py review   # create .venv, install, rebuild the shipped review's exports
    python3 dev.py test     # create .venv, install test tools, run the whole test suite
    python3 dev.py lab      # JupyterLab on notebooks/ (with --allow-root when run as root)

The virtual environment lives in .venv/ (ignored by git) and is reinstalled only
when pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
REVIEW = "foot-massage"


def run(*cmd: str | Path, check: bool = True) -> int:
    print("+ " + " ".join(str(c) for c in cmd), flush=True)
    code = subprocess.call([str(c) for c in cmd], cwd=ROOT)
    if check and code != 0:
        sys.exit(code)
    return code


def ensure_venv(extra: str | None) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs on any python3
        sys.exit(f"reviewtools needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not PY.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    spec = f".[{extra}]" if extra else "."
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + spec.encode()).hexdigest()
    marker = VENV / f".installed-{extra or 'base'}"
    if marker.exists() and marker.read_text() == digest:
        return
    run(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PY, "-m", "pip", "install", "--quiet", "-e", spec)
    marker.write_text(digest)


def ensure_chromium() -> None:
    """Browser tests use Debian's chromium; install it when we may (root with apt)."""
    if shutil.which("chromium") or os.environ.get("REVIEWTOOLS_NO_APT"):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.call(["apt-get", "update", "-qq"], env=env)
        subprocess.call(["apt-get", "install", "-y", "-qq", "chromium"], env=env)
    if not shutil.which("chromium"):
        print("note: chromium not found; browser tests will be skipped", flush=True)


def review() -> int:
    ensure_venv(None)
    tool = BIN / "reviewtools"
    run(tool, "extract", f"evidence/{REVIEW}/article.txt", "--review", REVIEW)
    run(tool, "check", REVIEW)
    has_playwright = subprocess.call([str(PY), "-c", "import playwright"],
                                     stderr=subprocess.DEVNULL) == 0
    pdf = ["--format", "md,html,docx,csv,annotations,claimreview,article,pdf"] \
        if shutil.which("chromium") and has_playwright else []  # summary.pdf: Chromium
    run(tool, "export", REVIEW, "--out", f"exports/{REVIEW}", *pdf)
    run(tool, "status", REVIEW)
    return 0


def test() -> int:
    ensure_venv("test")
    ensure_chromium()
    run(BIN / "ruff", "check", ".")
    run(BIN / "reviewtools", "check")
    code = run(PY, "-m", "pytest", "-q", "-p", "no:cacheprovider", *sys.argv[2:], check=False)
    if code == 5:
        print("pytest collected no tests: treating as a failure", flush=True)
        return 1
    return code


def lab() -> int:
    """JupyterLab on notebooks/ (root needs --allow-root)."""
    ensure_venv(None)
    extra = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    return run(BIN / "jupyter", "lab", "notebooks/", *extra, *sys.argv[2:], check=False)


if __name__ == "__main__":
    tasks = {"review": review, "test": test, "lab": lab}
    if len(sys.argv) < 2 or sys.argv[1] not in tasks:
        sys.exit(f"usage: python3 dev.py {{{'|'.join(tasks)}}} [pytest args]")
    sys.exit(tasks[sys.argv[1]]())
