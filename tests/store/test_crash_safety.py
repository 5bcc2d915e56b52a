"""Crash safety of evidence writes: SIGKILL mid-save, a full disk, and two concurrent editors.

Each saving process is a forked child running the real save loop; the parent kills it
with SIGKILL at a random moment and then checks the file on disk.
"""

from __future__ import annotations

import errno
import multiprocessing
import os
import random
import signal
import time
from pathlib import Path

import pytest

from reviewtools.cli import main as cli
from reviewtools.errors import ConflictError
from reviewtools.model.records import Anchor, Claim
from reviewtools.review import Review
from reviewtools.store.files import atomic_write_text, dump_record, load_record, save_record

KILLS = 50
_REAL_FDOPEN = os.fdopen
FILLER_LINES = 4000  # ~200 kB per version, so a kill often lands inside a write


def _version(k: int) -> str:
    """A self-describing file body: header, filler, and a footer naming the same version."""
    body = "".join(f"line {i:05d} of version {k:06d}\n" for i in range(FILLER_LINES))
    return f"version {k:06d}\n{body}end of version {k:06d}\n"


def _assert_whole(text: str) -> int:
    header, _, rest = text.partition("\n")
    assert header.startswith("version "), f"partial file: starts {text[:40]!r}"
    k = int(header.split()[1])
    assert text == _version(k), f"file for version {k} is not exactly that version"
    return k


def _fork(target, *args) -> int:  # noqa: ANN001
    pid = os.fork()
    if pid == 0:  # child: never return into pytest
        code = 0
        try:
            target(*args)
        except BaseException:  # noqa: BLE001 - the exit code tells the parent
            code = 1
        os._exit(code)
    return pid


def _write_loop(path: Path, first: int) -> None:
    k = first
    while True:
        k += 1
        atomic_write_text(path, _version(k))


def _save_loop(path: Path) -> None:
    while True:
        claim = load_record(path, Claim)
        note = f"edit {claim.revision + 1} " + "x" * 2000
        save_record(path, claim.model_copy(update={"statement": note}))


def _kill_after(pid: int, rng: random.Random) -> None:
    time.sleep(rng.uniform(0.0, 0.03))
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def test_sigkill_during_atomic_write_leaves_old_or_new(tmp_path):
    rng = random.Random(20261125)
    path = tmp_path / "big.txt"
    atomic_write_text(path, _version(0))
    last = 0
    for _ in range(KILLS):
        pid = _fork(_write_loop, path, last)
        _kill_after(pid, rng)
        k = _assert_whole(path.read_text(encoding="utf-8"))
        assert k >= last  # a kill never brings back an older version
        last = k
    assert last > 0, "the child never completed a single write; the test proved nothing"


def _claim(claim_id: str = "sleep-01") -> Claim:
    text = "Foot massage improves sleep."
    return Claim(id=claim_id, section="sleep", text=text,
                 anchor=Anchor(start=0, end=len(text)))


def test_sigkill_during_save_record_leaves_a_valid_claim(tmp_path):
    rng = random.Random(7)
    path = tmp_path / "claims" / "sleep-01.yaml"
    save_record(path, _claim(), create=True)
    last = 1
    for _ in range(KILLS):
        pid = _fork(_save_loop, path)
        _kill_after(pid, rng)
        claim = load_record(path, Claim)  # raises SchemaError on a partial file
        assert claim.revision >= last
        if claim.revision > 1:
            assert claim.statement == f"edit {claim.revision} " + "x" * 2000
        last = claim.revision
    assert last > 1, "no save completed before the kills; the test proved nothing"
    # the lock held by a killed process is released: a normal save still works
    fresh = load_record(path, Claim)
    assert save_record(path, fresh).revision == fresh.revision + 1


def _enospc(*_args, **_kw):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


class _FullDisk:
    """A file object whose write fails as on a full disk (closing the real descriptor)."""

    def __init__(self, fd: int, *args, **kw) -> None:
        self._fh = _REAL_FDOPEN(fd, *args, **kw)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self._fh.close()

    def write(self, text: str) -> int:
        self._fh.write(text[: len(text) // 2])  # part of the data reached the temp file
        _enospc()
        return 0


@pytest.mark.parametrize("where", ["write", "fsync"])
def test_disk_full_leaves_original_and_no_temp_file(tmp_path, monkeypatch, where):
    import reviewtools.store.files as store
    path = tmp_path / "claims" / "sleep-01.yaml"
    saved = save_record(path, _claim(), create=True)
    before = path.read_bytes()
    if where == "write":
        monkeypatch.setattr(store.os, "fdopen", _FullDisk)
    else:
        monkeypatch.setattr(store.os, "fsync", _enospc)
    with pytest.raises(OSError) as info:
        save_record(path, saved.model_copy(update={"statement": "new text " * 500}))
    assert info.value.errno == errno.ENOSPC
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["sleep-01.yaml"] or \
        sorted(p.name for p in path.parent.iterdir()) == [".reviewtools.lock", "sleep-01.yaml"]
    assert load_record(path, Claim).revision == saved.revision


def _racer(path: str, barrier, results, who: str) -> None:  # noqa: ANN001
    claim = load_record(Path(path), Claim)
    barrier.wait(timeout=20)
    try:
        save_record(Path(path), claim.model_copy(update={"statement": f"by {who}"}))
        results.put((who, "saved"))
    except ConflictError as exc:
        results.put((who, f"conflict: {exc}"))


def test_two_processes_edit_the_same_claim(tmp_path):
    path = tmp_path / "claims" / "sleep-01.yaml"
    save_record(path, _claim(), create=True)
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_racer, args=(str(path), barrier, results, who))
             for who in ("ann", "bob")]
    for p in procs:
        p.start()
    outcome = dict(results.get(timeout=30) for _ in procs)
    for p in procs:
        p.join(timeout=30)
    saved = [w for w, r in outcome.items() if r == "saved"]
    lost = [w for w, r in outcome.items() if r.startswith("conflict")]
    assert len(saved) == 1 and len(lost) == 1, outcome
    assert "revision 2, you edited revision 1" in outcome[lost[0]]
    on_disk = load_record(path, Claim)
    assert on_disk.revision == 2 and on_disk.statement == f"by {saved[0]}"
    # nothing lost: the refused reviewer reloads, re-applies and saves on top
    redo = save_record(path, on_disk.model_copy(update={"statement": on_disk.statement
                                                         + f" + by {lost[0]}"}))
    assert redo.revision == 3
    assert load_record(path, Claim).statement == f"by {saved[0]} + by {lost[0]}"


def test_cli_conflict_is_one_line_and_non_zero(tmp_path, monkeypatch, capsys):
    text = "Synthetic Article\nFoot massage improves sleep in adults, studies show.\n"
    src = tmp_path / "article.txt"
    src.write_text(text, encoding="utf-8")
    root = tmp_path / "root"
    root.mkdir()
    claims_dir = root / "evidence" / "synthetic" / "claims"
    (claims_dir.parent).mkdir(parents=True)
    (claims_dir.parent / "review.yaml").write_text("placeholder: true\n")
    save_record(claims_dir / "sleep-01.yaml", _claim(), create=True)
    stale = load_record(claims_dir / "sleep-01.yaml", Claim)
    # another reviewer saves first ...
    save_record(claims_dir / "sleep-01.yaml", stale.model_copy(update={"statement": "other"}))
    # ... while this CLI process still holds the revision it loaded before
    monkeypatch.setattr(Review, "claim", lambda self, claim_id: stale)
    code = cli.main(["claim", "synthetic", "drop", "sleep-01", "--reason", "not a claim",
                     "--root", str(root)])
    err = capsys.readouterr().err
    assert code == ConflictError.exit_code and code != 0
    assert err.count("\n") == 1 and err.startswith("reviewtools: error: ")
    assert "changed on disk" in err and "Traceback" not in err
    assert load_record(claims_dir / "sleep-01.yaml", Claim).statement == "other"
    assert dump_record(load_record(claims_dir / "sleep-01.yaml", Claim)).count("dropped") == 0


def _age(root: Path, seconds: float) -> None:
    """Set every file's times ``seconds`` into the past (past the cache's racy window)."""
    past = time.time() - seconds
    for p in root.rglob("*"):
        if p.is_file():
            os.utime(p, (past, past))


def test_parse_cache_never_serves_a_stale_claim(review, settings):
    from reviewtools.grading.checks import check
    _age(settings.root, 100)
    first = [str(p) for p in check(settings)]  # populates the parse and result caches
    from tests.store.test_index import indexed
    assert indexed(settings, "Claim") and list(
        (settings.resolved_cache_dir / "parsed" / "check").glob("*.json"))
    claim = review.claim("mood-01")
    review.save(claim.model_copy(update={"status": "in review"}))  # no verdict: a problem
    second = [str(p) for p in check(settings)]
    assert any("[mood-01]" in m and "no verdict" in m for m in second)
    _age(settings.root, 50)  # settled again: now served from the caches
    assert [str(p) for p in check(settings)] == second == [str(p) for p in check(settings)]
    assert {c.id: c.status for c in review.load_claims()}["mood-01"] == "in review"
    assert first != second


# -- a re-extraction killed with SIGKILL (issue 18): snapshot and anchors change together ------

REEXTRACT_KILLS = 3


def _anchor_problems(settings) -> list[str]:
    from reviewtools.grading.checks import check
    return [str(p) for p in check(settings) if "anchor" in p.message or "interrupted"
            in p.message]


def test_sigkill_during_re_extract_never_mixes_snapshot_and_anchors(review, settings, tmp_path):
    from reviewtools.article.importing import load_article
    from reviewtools.review import extract_review
    from reviewtools.store import journal
    from tests.conftest import ARTICLE
    text = ARTICLE.read_text(encoding="utf-8")
    first, rest = text.split("\n", 1)
    versions = []
    for k in range(REEXTRACT_KILLS):
        path = tmp_path / f"edited-{k}.txt"
        path.write_text(first + f"\nInserted paragraph number {k} shifts every claim.\n" * (k + 1)
                        + rest, encoding="utf-8")
        versions.append(path)
    def slow_extract(source: str) -> None:  # in the child: 20 ms per file written
        real = journal.atomic_write_bytes

        def slow(path, data, **kw):  # noqa: ANN001, ANN202
            real(path, data, **kw)
            time.sleep(0.02)
        journal.atomic_write_bytes = slow
        extract_review(source, "foot-massage", settings=settings)

    rng = random.Random(18)
    for path in versions:
        pid = _fork(slow_extract, str(path))
        deadline = time.monotonic() + 30
        while not journal.pending(review.path) and time.monotonic() < deadline:
            time.sleep(0.002)
        time.sleep(rng.uniform(0.0, 0.3))  # somewhere among the claim and snapshot writes
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        assert journal.pending(review.path), "the kill landed after the extraction finished"
        journal.recover(review.path)
        assert _anchor_problems(settings) == []
        assert (review.path / "article.txt").read_text(encoding="utf-8") == \
            load_article(str(path)).text
