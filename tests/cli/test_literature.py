"""The literature commands: exit codes, one-line errors, files untouched on failure."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from reviewtools.cli.main import main
from reviewtools.errors import OfflineError
from reviewtools.literature import sources
from reviewtools.literature.bib import BibFile
from tests.literature.test_bib import BIBS
from tests.literature.test_refs import crossref_work, europepmc_works, fake_fetch, pubmed_work

DAY = "2026-11-27"


@pytest.fixture
def works():
    return [pubmed_work("efetch_pubmed_28731372_rct.xml"),
            crossref_work("works_10.1371_journal.pone.0033693.json")]


@pytest.fixture
def root(tmp_path, works, monkeypatch):
    shutil.copyfile(BIBS / "paper_CosinorAge_JOSS.bib", tmp_path / "references.bib")
    monkeypatch.setattr(sources, "fetch_works", fake_fetch(works))
    return tmp_path


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cite_adds_and_stamps_each_source(root, capsys):
    bib = root / "references.bib"
    before = bib.read_bytes()
    code, out, err = run(capsys, "cite", "https://pubmed.ncbi.nlm.nih.gov/28731372/",
                         "doi:10.1371/JOURNAL.PONE.0033693", "--root", str(root),
                         "--date", DAY)
    assert code == 0, err
    assert len(out.splitlines()) == 2
    assert out.startswith("added rolf2018exploring [doi:10.1177/1352458517722646]")
    assert "added sadasivan2012methylphenidate [doi:10.1371/journal.pone.0033693]" in out
    assert bib.read_bytes().startswith(before)
    bf = BibFile.load(bib)
    assert bf.by_key["rolf2018exploring"].fields["verified"] == f"pubmed; {DAY}"
    assert bf.by_key["sadasivan2012methylphenidate"].fields["verified"] == f"crossref; {DAY}"
    # again: nothing changes
    code, out, _ = run(capsys, "cite", "28731372", "--root", str(root), "--date", DAY)
    assert code == 0 and out.startswith("unchanged rolf2018exploring")


def test_cite_bad_identifiers_are_all_listed_and_nothing_written(root, capsys):
    bib = root / "references.bib"
    before = bib.read_bytes()
    code, out, err = run(capsys, "cite", "10.1/", "28731372", "PMC0", "--root", str(root))
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert len(lines) == 3 and all(line.startswith("reviewtools: error: ") for line in lines)
    assert "'10.1/'" in lines[0] and "'PMC0'" in lines[1]
    assert bib.read_bytes() == before


def test_cite_unresolvable_identifier_writes_nothing(root, capsys):
    bib = root / "references.bib"
    before = bib.read_bytes()
    code, _, err = run(capsys, "cite", "28731372", "pmid:999999999", "--root", str(root))
    assert code == 1
    assert "reviewtools: error: pmid:999999999: not found (HTTP 404)" in err
    assert bib.read_bytes() == before


def test_cite_into_broken_bib_names_the_line(root, capsys):
    bib = root / "references.bib"
    shutil.copyfile(BIBS / "real_mendeley_export_465_entries.bib", bib)
    before = bib.read_bytes()
    code, out, err = run(capsys, "cite", "28731372", "--root", str(root))
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and "line 500:" in err
    assert bib.read_bytes() == before


def test_cite_offline(root, capsys, monkeypatch):
    def offline(ids, **kw):
        raise OfflineError("offline mode: this PubMed answer is not in the cache")
    monkeypatch.setattr(sources, "fetch_works", offline)
    before = (root / "references.bib").read_bytes()
    code, _, err = run(capsys, "cite", "28731372", "--root", str(root), "--offline")
    assert code == 2 and err.startswith("reviewtools: error: offline mode")
    assert (root / "references.bib").read_bytes() == before


def test_refs_add_list_and_errors(root, capsys):
    argv = ["refs", "add", "--title", "Exploring the effect of vitamin D3 supplementation on "
            "the anti-EBV antibody response in relapsing-remitting multiple sclerosis",
            "--author", "Rolf, Linda", "--author", "Muris, Anne-Hilde", "--year", "2018",
            "--journal", "Mult Scler", "--doi", "10.1177/1352458517722646",
            "--pmid", "28731372", "--root", str(root), "--date", DAY]
    code, out, err = run(capsys, *argv, "--verified-source",
                         "https://pubmed.ncbi.nlm.nih.gov/28731372/")
    assert code == 0 and out.startswith("added rolf2018exploring"), err
    code, out, _ = run(capsys, "refs", "list", "--format", "json", "--root", str(root))
    rows = json.loads(out)
    assert len(rows) == 24 and rows[-1]["key"] == "rolf2018exploring"
    assert rows[-1]["verified"] == f"https://pubmed.ncbi.nlm.nih.gov/28731372/; {DAY}"
    code, out, _ = run(capsys, "refs", "list", "--format", "csv", "--root", str(root))
    assert out.splitlines()[0].startswith("key,type,author,year,title")
    code, out, _ = run(capsys, "refs", "list", "--root", str(root))
    assert code == 0 and "rolf2018exploring" in out

    before = (root / "references.bib").read_bytes()
    code, _, err = run(capsys, *argv, "--verified-source", "my notes")
    assert code == 2 and err.startswith("reviewtools: error: ") and "URL" in err
    code, _, err = run(capsys, *[a if a != "10.1177/1352458517722646" else "10.11/x y"
                                 for a in argv], "--verified-source", "https://doi.org/")
    assert code == 2 and "not a valid DOI" in err
    with pytest.raises(SystemExit) as exit_:
        main(argv)  # --verified-source is required
    assert exit_.value.code == 2
    assert (root / "references.bib").read_bytes() == before


def test_refs_verify_exit_codes(root, capsys, works):
    code, out, err = run(capsys, "cite", "28731372", "--root", str(root), "--date", DAY)
    code, out, err = run(capsys, "refs", "verify", "--root", str(root))
    # the JOSS paper's entries have DOIs the fake service does not know: unresolved
    assert code == 1 and "unresolved" in out
    assert "rolf2018exploring" not in out

    shutil.copyfile(BIBS / "paper_CosinorAge_JOSS.bib", root / "references.bib")
    (root / "references.bib").write_text("", encoding="utf-8")
    run(capsys, "cite", "28731372", "--root", str(root), "--date", DAY)
    code, out, err = run(capsys, "refs", "verify", "--root", str(root))
    assert code == 0 and out == "" and err.startswith("ok:")
    text = (root / "references.bib").read_text(encoding="utf-8")
    (root / "references.bib").write_text(text.replace("{2018}", "{2016}"), encoding="utf-8")
    code, out, err = run(capsys, "refs", "verify", "--root", str(root), "--format", "json")
    [problem] = json.loads(out)
    assert code == 1 and problem["kind"] == "year" and problem["source"] == "2018"


def test_search_screen_prisma(review, capsys, monkeypatch):
    root = str(review.settings.root)
    epmc = europepmc_works()

    def search(query, *, source="pubmed", limit=20, settings=None, session=None):
        return epmc[:limit] if source == "europepmc" else []
    monkeypatch.setattr(sources, "search", search)
    code, out, err = run(capsys, "search", "sleep-04", "--review", "foot-massage",
                         "--root", root, "--limit", "5", "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    assert [r["id"] for r in rows] == [f"pmid:{w.pmid}" for w in epmc[:5]]
    code, out, _ = run(capsys, "search", "sleep-04", "--review", "foot-massage", "--root", root,
                       "--limit", "5")
    assert code == 0 and "pmid:" + epmc[0].pmid in out

    code, out, err = run(capsys, "screen", "sleep-04", epmc[0].pmid, "--review",
                         "foot-massage", "--decision", "exclude", "--root", root,
                         "--reviewer", "ann")
    assert code == 2 and "reason" in err
    code, out, err = run(capsys, "screen", "sleep-04", epmc[0].pmid, "--review",
                         "foot-massage", "--decision", "exclude", "--reason",
                         "not foot massage", "--root", root, "--reviewer", "ann")
    assert code == 0 and out.strip() == (f"sleep-04: pmid:{epmc[0].pmid} -> exclude "
                                         "(not foot massage) by ann")
    code, out, _ = run(capsys, "prisma", "sleep-04", "--review", "foot-massage", "--root",
                       root, "--format", "json")
    counts = json.loads(out)
    assert (counts["identified"], counts["screened"], counts["excluded"]) == (5, 1, 1)
    code, out, _ = run(capsys, "prisma", "--review", "foot-massage", "--root", root)
    assert "excluded, not foot massage: 1" in out

    def offline(query, **kw):
        raise OfflineError("offline mode: Europe PMC cannot be reached and nothing is cached")
    monkeypatch.setattr(sources, "search", offline)
    code, out, err = run(capsys, "search", "sleep-05", "--review", "foot-massage", "--root",
                         root)
    assert code == 2 and out == "" and len(err.splitlines()) == 1
    code, _, err = run(capsys, "search", "sleep-04", "--review", "nope", "--root", root)
    assert code == 2 and "no review 'nope'" in err


def test_group_options_before_or_after_the_action(root, capsys, tmp_path):
    other = tmp_path / "elsewhere"
    other.mkdir()
    code, out, _ = run(capsys, "refs", "--root", str(root), "list", "--format", "json")
    assert code == 0 and len(json.loads(out)) == 23
    code, out, _ = run(capsys, "refs", "list", "--root", str(root), "--format", "json")
    assert code == 0 and len(json.loads(out)) == 23
    code, out, _ = run(capsys, "refs", "--root", str(root), "list", "--root", str(other))
    assert code == 0 and out.strip() == "(none)"


# ---- end to end through the real clients, against a local server of recorded responses ------

@pytest.fixture
def pubmed_server(monkeypatch):
    """127.0.0.1 server answering efetch for PMID 28731372 with the recorded response."""
    import http.server
    import threading
    from urllib.parse import parse_qs, urlsplit

    from tests.conftest import FIXTURES
    body = (FIXTURES / "ncbi" / "efetch_pubmed_28731372_rct.xml").read_bytes()
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            url = urlsplit(self.path)
            hits.append(self.path)
            ok = url.path == "/efetch.fcgi" and parse_qs(url.query).get("id") == ["28731372"]
            self.send_response(200 if ok else 404)
            self.send_header("Content-Type", "text/xml" if ok else "text/plain")
            payload = body if ok else b"not found"
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("REVIEWTOOLS_PUBMED_URL", f"http://127.0.0.1:{server.server_port}")
    yield hits
    server.shutdown()
    server.server_close()


def test_cite_then_verify_offline_from_cache(tmp_path, capsys, pubmed_server):
    root = str(tmp_path)
    code, out, err = run(capsys, "cite", "PMID: 28731372", "--root", root, "--date", DAY)
    assert code == 0, err
    assert out.startswith("added rolf2018exploring")
    assert len(pubmed_server) == 1 and "id=28731372" in pubmed_server[0]
    fields = BibFile.load(tmp_path / "references.bib").by_key["rolf2018exploring"].fields
    assert fields["pmid"] == "28731372" and fields["verified"] == f"pubmed; {DAY}"
    assert fields["title"].startswith("Exploring the effect of vitamin D3 supplementation")
    # the entry also holds the record's DOI, which verify looks up too (OpenAlex): offline
    # and not cached, that is one clear error and nothing changes
    bib = tmp_path / "references.bib"
    before = bib.read_bytes()
    code, out, err = run(capsys, "refs", "verify", "--root", root, "--offline")
    assert code == 2 and out == "" and len(err.splitlines()) == 1
    assert "offline mode" in err and "OpenAlex" in err and bib.read_bytes() == before
    # a PMID-only entry verifies offline from the cached PubMed answer, with no request
    bib.write_text(bib.read_text(encoding="utf-8").replace(
        "  doi = {10.1177/1352458517722646},\n", ""), encoding="utf-8")
    code, out, err = run(capsys, "refs", "verify", "--root", root, "--offline")
    assert (code, out) == (0, ""), err
    assert err.startswith("ok:") and len(pubmed_server) == 1


# ---- refs add --replace, refs import, refs abstract, screening without identifiers ------------

IMPORTS = BIBS.parent / "import"
NBIB = IMPORTS / "pubmed_medline_export_10_records.txt"


def test_refs_add_over_a_verified_record_without_replace_leaves_the_bib(root, capsys):
    argv = ["refs", "add", "--title", "Exploring the effect of vitamin D3 supplementation on "
            "the anti-EBV antibody response in relapsing-remitting multiple sclerosis",
            "--author", "Rolf, Linda", "--year", "2018", "--journal", "Mult Scler",
            "--pmid", "28731372", "--root", str(root), "--date", DAY,
            "--verified-source", "https://pubmed.ncbi.nlm.nih.gov/28731372/"]
    assert run(capsys, *argv)[0] == 0
    bib = root / "references.bib"
    before = bib.read_bytes()
    other = [a if a != "Mult Scler" else "Another Journal" for a in argv]
    code, out, err = run(capsys, *other)
    assert code == 3 and out == "" and len(err.splitlines()) == 1
    assert err.startswith("reviewtools: error: ") and "'Mult Scler' -> 'Another Journal'" in err
    assert "--replace" in err and bib.read_bytes() == before
    code, out, err = run(capsys, *other, "--replace")
    assert code == 0 and out.startswith("updated rolf2018exploring"), err
    entry = BibFile.load(bib).by_key["rolf2018exploring"]
    assert entry.fields["journal"] == "Another Journal"
    assert entry.fields["history"] == f"{DAY} replaced: journal was {{Mult Scler}}"


def test_refs_import_nbib_dry_run_then_import_then_reimport(root, capsys):
    bib = root / "references.bib"
    before = bib.read_bytes()
    code, out, err = run(capsys, "refs", "import", str(NBIB), "--dry-run", "--root", str(root))
    assert code == 0 and out.count("would record") == 10 and "nothing was written" in err
    assert bib.read_bytes() == before and not (root / "evidence").exists()
    code, out, err = run(capsys, "refs", "import", str(NBIB), "--root", str(root), "--date",
                         DAY, "--verified-source",
                         "pmid:30922926=https://pubmed.ncbi.nlm.nih.gov/30922926/")
    assert code == 0, err
    assert "record 1: add griffin2020time [doi:10.1016/j.ejmg.2019.03.004] (verified)" in out
    assert out.count("(unverified)") == 9
    bf = BibFile.load(bib)
    assert len(bf.entries) == 23 + 10 and bib.read_bytes().startswith(before)
    griffin = bf.by_key["griffin2020time"]
    assert griffin.fields["verified"] == f"https://pubmed.ncbi.nlm.nih.gov/30922926/; {DAY}"
    assert "verified" not in bf.by_key["penalver2023symbiosis"].fields
    assert all("importedfrom" in bf.by_key[k].fields for k in ("griffin2020time",
                                                                 "penalver2023symbiosis"))
    abstracts = sorted((root / "evidence" / "abstracts").glob("*.yaml"))
    assert len(abstracts) == 10
    snapshot = {p: p.read_bytes() for p in [bib, *abstracts]}
    code, out, _ = run(capsys, "refs", "import", str(NBIB), "--root", str(root))
    assert code == 0 and out.count("already in references.bib") == 10
    assert {p: p.read_bytes() for p in snapshot} == snapshot


def test_refs_import_reports_bad_records_as_rows(root, capsys, tmp_path):
    export = tmp_path / "broken.nbib"
    export.write_text(NBIB.read_text(encoding="utf-8").replace(
        "TI  - Time lapse: A glimpse into prehistoric genomics.\n", "", 1), encoding="utf-8")
    code, out, err = run(capsys, "refs", "import", str(export), "--root", str(root))
    assert code == 0 and "skipped broken.nbib: record 1: no title" in out
    assert "add 9" in err


def test_refs_import_of_an_unreadable_file_is_one_line(root, capsys, tmp_path):
    bad = tmp_path / "x.ris"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    before = (root / "references.bib").read_bytes()
    code, out, err = run(capsys, "refs", "import", str(bad), "--root", str(root))
    assert code == 2 and err.startswith("reviewtools: error: ") and "UTF-8" in err
    assert (root / "references.bib").read_bytes() == before


def test_refs_abstract_pasted_with_its_page(root, capsys, tmp_path):
    run(capsys, "refs", "import", str(NBIB), "--root", str(root))
    text = tmp_path / "abstract.txt"
    text.write_text("A pasted abstract.\n", encoding="utf-8")
    argv = ["refs", "abstract", "griffin2020time", "--file", str(text), "--root", str(root),
            "--date", DAY]
    code, _, err = run(capsys, *argv, "--source", "notes")
    assert code == 2 and "URL" in err
    code, _, err = run(capsys, *argv, "--source", "https://pubmed.ncbi.nlm.nih.gov/30922926/")
    assert code == 3 and "--replace" in err  # the imported abstract differs
    code, out, _ = run(capsys, *argv, "--source", "https://pubmed.ncbi.nlm.nih.gov/30922926/",
                       "--replace")
    assert code == 0 and out.startswith("abstract replaced griffin2020time")
    code, _, err = run(capsys, "refs", "abstract", "nosuchkey", "--file", str(text),
                       "--source", "https://pubmed.ncbi.nlm.nih.gov/1/", "--root", str(root))
    assert code == 2 and "not in references.bib" in err


def test_screen_a_record_without_identifiers(review, capsys):
    root = str(review.settings.root)
    argv = ["screen", "sleep-01", "--review", "foot-massage", "--decision", "exclude",
            "--reason", "not foot massage", "--title", "Foot baths and sleep",
            "--author", "Tester, Alice", "--year", "2001", "--journal", "Test Journal",
            "--page", "https://pubmed.ncbi.nlm.nih.gov/1/", "--root", root]
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    rid = out.split(": ", 1)[1].split(" ->")[0]
    assert re.fullmatch(r"ref:[0-9a-f]{16}", rid)
    assert "seen on https://pubmed.ncbi.nlm.nih.gov/1/" in out
    # the same record typed again gets the same id: one decision, not two
    assert run(capsys, *argv)[0] == 0
    data = (review.path / "screening" / "sleep-01.yaml").read_text(encoding="utf-8")
    assert data.count(rid) == 1
    code, _, err = run(capsys, *argv[:6], "--root", root)
    assert code == 2 and "title, first author and year" in err


def test_cite_stores_the_abstract_each_fetched_record_carries(tmp_path, capsys, monkeypatch):
    work = next(w for w in europepmc_works() if w.abstract and w.pmid)
    monkeypatch.setattr(sources, "fetch_works", fake_fetch([work]))
    code, out, err = run(capsys, "cite", f"pmid:{work.pmid}", "--root", str(tmp_path),
                         "--date", DAY)
    assert code == 0, err
    key = out.split()[1]
    page = f"https://europepmc.org/article/MED/{work.pmid}"
    assert f"abstract added {key} [{page}]" in out
    from reviewtools.literature.abstracts import load_abstract
    from reviewtools.settings import Settings
    stored = load_abstract(Settings.from_env(root=tmp_path), key)
    assert stored.page == page and stored.via == "europepmc" and stored.seen == DAY
    assert " ".join(stored.text.split()) == " ".join(work.abstract.split())
    code, out, _ = run(capsys, "cite", f"pmid:{work.pmid}", "--root", str(tmp_path))
    assert code == 0 and "abstract" not in out  # unchanged: nothing said, nothing written


def test_refs_import_for_a_claim_counts_as_identified_records(review, capsys):
    root = str(review.settings.root)
    argv = ["refs", "import", str(NBIB), "--review", "foot-massage", "--claim", "sleep-04",
            "--root", root]
    code, _, err = run(capsys, *argv)
    assert code == 0, err
    code, out, _ = run(capsys, "prisma", "sleep-04", "--review", "foot-massage", "--root",
                       root, "--format", "json")
    assert json.loads(out)["identified"] == 10
    screening = (review.path / "screening" / "sleep-04.yaml").read_bytes()
    assert run(capsys, *argv)[0] == 0  # the same import again is not a second search
    assert (review.path / "screening" / "sleep-04.yaml").read_bytes() == screening
    code, _, err = run(capsys, "refs", "import", str(NBIB), "--review", "foot-massage",
                       "--root", root)
    assert code == 2 and "--review and --claim go together" in err
