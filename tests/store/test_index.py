"""The derived index (issue 18): warm reads never serve a stale record, and a damaged,
foreign, unwritable or shared index costs speed, never correctness."""

from __future__ import annotations

import os
import sqlite3
import time

import pandas as pd
import pytest

from reviewtools.errors import SchemaError
from reviewtools.grading.progress import status_rows
from reviewtools.grading.tables import claims_frame, links_frame, studies_frame
from reviewtools.literature import bib
from reviewtools.settings import Settings
from reviewtools.store import index as index_module
from reviewtools.store.cache import _MEMORY
from reviewtools.store.folders import ReviewFolder, load_studies
from reviewtools.store.index import NAME, Index
from reviewtools.store.rows import CLAIM_COLUMNS, claim_row
from tests.export.formats import judge


def indexed(settings: Settings, kind: str) -> int:
    """How many files of ``kind`` (a model's class name) the index holds."""
    path = settings.resolved_cache_dir / NAME
    if not path.exists():
        return 0
    with sqlite3.connect(path) as db:
        return db.execute("SELECT count(*) FROM files WHERE kind LIKE ?",
                          (f"%.{kind}",)).fetchone()[0]


def _age(root, seconds: float) -> None:
    past = time.time() - seconds
    for p in root.rglob("*"):
        if p.is_file():
            os.utime(p, (past, past))


def _new_process() -> None:
    """Forget what this process holds (connections, parsed records), as a new run would."""
    Index.close_all()
    _MEMORY.clear()
    bib._entries_cached.cache_clear()


def _edit_in_place(path, old: str, new: str) -> None:
    """``sed -i`` then ``touch -r``: the same size and modification time, new content."""
    st = path.stat()
    text = path.read_text()
    assert len(old) == len(new) and old in text
    tmp = path.with_name(".edit.tmp")
    tmp.write_text(text.replace(old, new, 1))
    os.replace(tmp, path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)


def _to_do(review) -> str:
    return next(c.id for c in review.load_claims() if c.status == "to-do")


def _rewrite(path) -> None:
    """Write a file again (atomically: readers see the old or the new one), aged 50 s."""
    tmp = path.with_name(f".{os.getpid()}.tmp")
    tmp.write_text(path.read_text())
    os.utime(tmp, (time.time() - 50, time.time() - 50))
    os.replace(tmp, path)


def _views(review, settings) -> tuple:
    """Everything the index serves, as plain values."""
    frames = (claims_frame(settings), links_frame(settings), studies_frame(settings))
    return (status_rows([review]), review.claim_rows(), *(f.to_dict("records") for f in frames))


@pytest.fixture
def judged(review, settings):
    judge(review, settings)
    _age(settings.root, 100)
    return review


def test_index_rows_are_what_the_records_give(judged, settings):
    claims = judged.load_claims()
    first = _views(judged, settings)
    assert indexed(settings, "Claim") == len(claims) and indexed(settings, "ReviewMeta") == 1
    _new_process()
    assert _views(judged, settings) == first  # now served from the index
    assert judged.claim_rows() == [claim_row(c) for c in claims]
    links = pd.DataFrame([{"review": "foot-massage", "claim": c.id, **lk.model_dump()}
                          for c in claims for lk in c.links])
    assert links.to_dict("records") == links_frame(settings).to_dict("records")
    assert list(claims_frame(settings).columns) == ["review", *CLAIM_COLUMNS]
    studies = pd.DataFrame([s.model_dump() for s in load_studies(settings).values()])
    assert studies.to_dict("records") == studies_frame(settings).to_dict("records")


def test_an_edit_keeping_size_and_mtime_is_never_served_stale(judged, settings):
    _views(judged, settings)
    _new_process()
    _edit_in_place(judged.claim_path("pain-02"), "status: ", "statux: ")
    with pytest.raises(SchemaError):  # the edited file is read again, and refused
        status_rows([judged])
    _edit_in_place(judged.claim_path("pain-02"), "statux: ", "status: ")
    _edit_in_place(judged.claim_path("pain-02"), "section: pain", "section: pxin")
    assert {r["id"]: r["section"] for r in judged.claim_rows()}["pain-02"] == "pxin"
    assert any(r["section"] == "pxin" for r in status_rows([judged]))
    todo = _to_do(judged)
    path = judged.claim_path(todo)
    text = path.read_text()
    path.write_text(text.replace("status: to-do", "status: disputed"))  # longer: a new size
    rows = {r["id"]: r["status"] for r in judged.claim_rows()}
    assert rows[todo] == "disputed"
    assert {c.id: c.status for c in judged.load_claims()}[todo] == "disputed"
    assert claims_frame(settings).set_index("id").loc[todo, "status"] == "disputed"


def test_added_and_deleted_files_are_noticed(judged, settings):
    before = len(judged.claim_rows())
    _new_process()
    judged.claim_path("mood-01").unlink()
    assert len(judged.claim_rows()) == before - 1 and "mood-01" not in claims_frame(
        settings)["id"].tolist()
    judged.split("sleep-02", [judged.claim("sleep-02").text.split(" ")[0],
                              " ".join(judged.claim("sleep-02").text.split(" ")[1:])], by="t")
    ids = [r["id"] for r in judged.claim_rows()]
    assert "sleep-02a" in ids and "sleep-02b" in ids
    assert indexed(settings, "Claim") <= before + 1  # the deleted file's row is forgotten


def test_a_corrupt_index_file_is_dropped_and_rebuilt(judged, settings):
    first = _views(judged, settings)
    _new_process()
    path = settings.resolved_cache_dir / NAME
    for suffix in ("-wal", "-shm"):
        (settings.resolved_cache_dir / f"{NAME}{suffix}").unlink(missing_ok=True)
    path.write_bytes(b"SQLite format 3\x00" + os.urandom(4096))
    assert _views(judged, settings) == first
    _new_process()
    assert indexed(settings, "Claim") and _views(judged, settings) == first


def test_a_foreign_database_is_replaced(judged, settings):
    first = _views(judged, settings)
    _new_process()
    path = settings.resolved_cache_dir / NAME
    for suffix in ("", "-wal", "-shm"):
        (settings.resolved_cache_dir / f"{NAME}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE files (kind, folder, name)")
        db.execute("INSERT INTO files VALUES ('x', 'y', 'z')")
    assert _views(judged, settings) == first
    _new_process()
    assert indexed(settings, "Claim")


def test_damaged_rows_are_parsed_again(judged, settings):
    first = _views(judged, settings)
    _new_process()
    with sqlite3.connect(settings.resolved_cache_dir / NAME) as db:
        bad = ["{not json", '{"id": 3}', "[]", "null", '"text"']
        for i, (rowid,) in enumerate(db.execute("SELECT rowid FROM files").fetchall()):
            db.execute("UPDATE files SET row=?, sub=? WHERE rowid=?",
                       (bad[(i + 1) % 5], bad[(i + 2) % 5], rowid))
        for i, (rowid,) in enumerate(db.execute("SELECT rowid FROM records").fetchall()):
            db.execute("UPDATE records SET record=? WHERE rowid=?", (bad[i % 5], rowid))
        for i, (rowid,) in enumerate(db.execute("SELECT rowid FROM folders").fetchall()):
            db.execute("UPDATE folders SET items=? WHERE rowid=?", (bad[i % 5], rowid))
        db.execute("UPDATE bib_entries SET fields='[1]'")
    assert _views(judged, settings) == first
    entry = bib.parse_bib(settings.bib_path.read_text()).entries_dict["trial2020a"]
    assert bib.entries_of(settings.bib_path, ["trial2020a"]) == {
        "trial2020a": {f.key.lower(): str(f.value) for f in entry.fields}}


def test_an_index_of_other_code_is_emptied(judged, settings, monkeypatch):
    _views(judged, settings)
    assert indexed(settings, "Claim")
    _new_process()
    monkeypatch.setattr(index_module, "_DIGEST", ["other code"])
    Index.of(settings).entries("x", ["y"])  # opening it empties it
    assert indexed(settings, "Claim") == 0


def test_no_usable_cache_folder_costs_speed_not_correctness(judged, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    settings = Settings.from_env(root=judged.settings.root, cache_dir=blocker / "cache")
    review = ReviewFolder("foot-massage", settings)
    expected = [claim_row(c) for c in review.load_claims()]
    assert review.claim_rows() == expected and review.claim_rows() == expected
    assert status_rows([review])


def test_a_locked_index_only_costs_speed(judged, settings):
    first = _views(judged, settings)
    _new_process()
    path = settings.resolved_cache_dir / NAME
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another process holds the write lock
    try:
        todo = _to_do(judged)
        path_claim = judged.claim_path(todo)
        path_claim.write_text(path_claim.read_text().replace("status: to-do", "status: disputed"))
        _age(settings.root, 100)
        assert {r["id"]: r["status"] for r in judged.claim_rows()}[todo] == "disputed"
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert _views(judged, settings) != first


def test_concurrent_processes_keep_the_index_whole(judged, settings):
    _views(judged, settings)
    _new_process()
    paths = [judged.claim_path(c) for c in ("mood-01", "pain-02")]
    pids = []
    for k in range(3):
        pid = os.fork()
        if pid == 0:  # child: read everything and rewrite one claim, a few times
            code = 0
            try:
                for j in range(5):
                    path = paths[(k + j) % 2]
                    _rewrite(path)  # a new stamp, the same content
                    _views(ReviewFolder("foot-massage", settings), settings)
            except BaseException:  # noqa: BLE001 - reported through the exit code
                import traceback
                traceback.print_exc()
                code = 1
            os._exit(code)
        pids.append(pid)
    assert all(os.waitpid(pid, 0)[1] == 0 for pid in pids)
    with sqlite3.connect(settings.resolved_cache_dir / NAME) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    _new_process()
    _age(settings.root, 100)
    fresh = [claim_row(c) for c in judged.load_claims()]
    assert judged.claim_rows() == fresh


def test_keyed_bib_reads_are_never_stale(review, settings):
    _age(settings.root, 100)
    assert set(bib.entries_of(settings.bib_path, ["trial2020a", "nope"])) == {"trial2020a"}
    _new_process()
    assert bib.entries_of(settings.bib_path, ["trial2021b"])["trial2021b"]["pmid"] == "1"
    _edit_in_place(settings.bib_path, "pmid = {1}", "pmid = {7}")
    _new_process()
    assert bib.entries_of(settings.bib_path, ["trial2021b"])["trial2021b"]["pmid"] == "7"
    assert bib.entries(settings.bib_path)["trial2021b"]["pmid"] == "7"


def test_check_leaves_folder_tables_that_status_and_frames_read(judged, settings, monkeypatch):
    from reviewtools.grading.checks import check
    from reviewtools.store import cache
    expected = _views(judged, settings)
    _new_process()
    for suffix in ("", "-wal", "-shm"):
        (settings.resolved_cache_dir / f"{NAME}{suffix}").unlink(missing_ok=True)
    check(settings)  # parses every claim and study, and stores their folder tables
    _new_process()

    def no_rows(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("read file by file, not from the folder table")
    monkeypatch.setattr(cache, "folder_values", no_rows)
    assert status_rows([judged]) == expected[0]
    assert judged.claim_rows() == expected[1]
    assert [f.to_dict("records") for f in (claims_frame(settings), links_frame(settings),
                                           studies_frame(settings))] == list(expected[2:])
