"""The CLI: help for every command, JSON output, one-line errors that change nothing."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from reviewtools.cli.main import build_parser, main
from tests.conftest import ARTICLE


def _tree(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and ".lock" not in p.name}


def _subcommands() -> list[str]:
    from reviewtools.cli.main import _load_extensions
    _load_extensions()
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return sorted(action.choices)


def test_every_subcommand_has_help(capsys):
    commands = _subcommands()
    assert {"extract", "claims", "status", "check", "claim"} <= set(commands)
    for name in commands:
        with pytest.raises(SystemExit) as exit_:
            main([name, "--help"])
        assert exit_.value.code == 0
        out = capsys.readouterr().out
        assert f"usage: reviewtools {name}" in out
        assert "--root" in out or name == "claim"


def test_python_m_entry_point():
    out = subprocess.run([sys.executable, "-m", "reviewtools", "--help"], capture_output=True,
                         text=True, check=True).stdout
    assert "extract" in out and "check" in out


def test_claims_json(review, settings, capsys):
    assert main(["claims", "foot-massage", "--root", str(settings.root), "--format",
                 "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 41
    first = rows[0]
    for key in ("id", "section", "text", "start", "end", "flags", "parent", "status", "verdict",
                "certainty", "overstated", "keys"):
        assert key in first
    assert isinstance(first["flags"], list)


def test_status_and_csv(review, settings, capsys):
    assert main(["status", "--root", str(settings.root)]) == 0
    assert "circulation" in capsys.readouterr().out
    assert main(["claims", "foot-massage", "--root", str(settings.root), "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("id,section,text")


def _run_cli(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reviewtools", *args], capture_output=True,
                          text=True)


@pytest.mark.parametrize("make_bad,expected", [
    (lambda d: d.joinpath("empty.txt").write_text(""), "empty"),
    (lambda d: d.joinpath("empty.txt").write_bytes(b"\x00\x01\x02binary"), "binary"),
    (lambda d: open(d / "empty.txt", "wb").truncate(20_000_000), "refused"),
])
def test_bad_article_one_line_error_and_nothing_changed(review, settings, make_bad, expected):
    bad_dir = settings.root / "inputs"
    bad_dir.mkdir()
    make_bad(bad_dir)
    before = _tree(settings.root / "evidence")
    proc = _run_cli(["extract", str(bad_dir / "empty.txt"), "--review", "foot-massage",
                     "--root", str(settings.root)])
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0] and "Traceback" not in proc.stderr
    assert _tree(settings.root / "evidence") == before


@pytest.mark.parametrize("edit,expected", [
    (lambda t: t + "mood: great\n", "unknown field 'mood'"),
    (lambda t: t.replace("  start: ", "  start: x", 1), "field 'anchor.start'"),
])
def test_broken_claim_file_one_line_error(review, settings, edit, expected):
    path = review.claim_path("pain-02")
    path.write_text(edit(path.read_text()))
    before = _tree(settings.root)
    proc = _run_cli(["claim", "foot-massage", "drop", "pain-02", "--reason", "x", "--root",
                     str(settings.root)])
    assert proc.returncode != 0
    assert len(proc.stderr.strip().splitlines()) == 1
    assert expected in proc.stderr and "pain-02.yaml" in proc.stderr
    assert _tree(settings.root) == before


def test_unknown_review_and_bad_slug(settings):
    proc = _run_cli(["claims", "nope", "--root", str(settings.root)])
    assert proc.returncode != 0 and "no review 'nope'" in proc.stderr
    proc = _run_cli(["extract", str(ARTICLE), "--review", "../escape", "--root",
                     str(settings.root)])
    assert proc.returncode != 0 and "invalid review slug" in proc.stderr
    assert not (settings.root / "escape").exists()


def test_check_exit_codes(review, settings):
    proc = _run_cli(["check", "foot-massage", "--root", str(settings.root)])
    assert proc.returncode == 0
    path = review.claim_path("pain-02")
    path.write_text(path.read_text().replace("status: to-do", "status: in review"))
    proc = _run_cli(["check", "foot-massage", "--root", str(settings.root)])
    assert proc.returncode == 1 and "[pain-02]" in proc.stdout
