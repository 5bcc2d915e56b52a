"""Caches are keyed on content, never on size and time alone."""

from __future__ import annotations

import hashlib
import os
import time

from reviewtools.export.run import export_review
from reviewtools.grading.checks import check
from reviewtools.model.records import Claim
from reviewtools.store.cache import load_many
from tests.export.formats import judge


def _age(root, seconds: float) -> None:
    past = time.time() - seconds
    for p in root.rglob("*"):
        if p.is_file():
            os.utime(p, (past, past))


def test_edit_keeping_size_and_mtime_is_seen(review, settings):
    _age(settings.root, 100)
    path = review.claim_path("pain-02")
    assert load_many([path], Claim, settings)[0].status == "to-do"
    assert [str(p) for p in check(settings)] == []  # caches filled
    st = path.stat()
    text = path.read_text()
    edited = text.replace("status: to-do", "status: xx-xx")  # same length, invalid
    assert len(edited) == len(text)
    tmp = path.with_name("edited.tmp")
    tmp.write_text(edited)
    os.replace(tmp, path)  # what sed -i does
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # touch -r
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    problems = [str(p) for p in check(settings)]
    assert any("[pain-02]" in p for p in problems), problems


def test_bib_edit_keeping_size_and_mtime_is_seen(review, settings):
    from reviewtools.literature import bib
    _age(settings.root, 100)
    assert "trial2020a" in bib.entries(settings.bib_path)
    st = settings.bib_path.stat()
    text = settings.bib_path.read_text().replace("trial2020a", "trial2020z")
    tmp = settings.root / "bib.tmp"
    tmp.write_text(text)
    os.replace(tmp, settings.bib_path)
    os.utime(settings.bib_path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert "trial2020z" in bib.entries(settings.bib_path)


def test_restored_figures_are_rendered_again(review, settings):
    judge(review, settings)
    export_review(review, ["figures"])
    fig = settings.root / "exports" / "foot-massage" / "figures" / "evidence-map.png"
    fresh = fig.read_bytes()
    fig.write_bytes(b"an old figure from git")  # git checkout -- exports/<slug>/figures
    export_review(review, ["figures"])
    assert hashlib.sha256(fig.read_bytes()).digest() == hashlib.sha256(fresh).digest()


def test_unchanged_figures_are_reused(review, settings):
    judge(review, settings)
    export_review(review, ["figures"])
    fig = settings.root / "exports" / "foot-massage" / "figures" / "evidence-map.png"
    inode = fig.stat().st_ino
    export_review(review, ["figures"])
    assert fig.stat().st_ino == inode  # not rewritten


def test_cache_files_of_the_wrong_shape_are_dropped_and_rebuilt(review, settings):
    import json
    _age(settings.root, 100)
    first = [str(p) for p in check(settings)]
    parsed = settings.resolved_cache_dir / "parsed"
    shards = sorted(parsed.rglob("*.json"))
    assert shards
    wrong = [{"format": 3, "folder": "x", "files": {"a.yaml": 5}}, [], {"key": None},
             {"files": {"pain-02.yaml": [[1], 2]}}, {"stamp": [1], "entries": []}, "text"]
    for i, shard in enumerate(shards):
        data = json.loads(shard.read_text())
        if isinstance(data, dict) and isinstance(data.get("files"), dict):
            bad = [{"not": "json text"}, "{not json", '{"id": 3}', None]
            data["files"] = {name: [hit[0], bad[j % 4]] if isinstance(hit, list) else hit
                             for j, (name, hit) in enumerate(data["files"].items())}
        elif isinstance(data, dict) and "problems" in data:
            data["problems"] = [[1, 2]]
        else:
            data = wrong[i % len(wrong)]
        shard.write_text(json.dumps(data))
    assert [str(p) for p in check(settings)] == first
    assert [c.id for c in review.load_claims()]
