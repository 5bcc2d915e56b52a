"""A local HTTP server that answers like PubMed, Europe PMC, Crossref and OpenAlex
from the real recorded responses in ../shared/fixtures (see its PROVENANCE.md).

Routing (paths under one server, one prefix per service):

- ``/ncbi/efetch.fcgi?id=...``: when the ids are exactly one fixture file's PMIDs, that
  file byte for byte; otherwise a ``PubmedArticleSet`` holding the recorded
  ``<PubmedArticle>`` elements (byte-identical slices of the fixture files) of the ids
  that have one. Unknown PMIDs are simply absent, as with the real service.
- ``/ncbi/esearch.fcgi``: ``term=biopython`` -> the recorded esearch; any other term ->
  the recorded zero-hit esearch. ``/ncbi/esummary.fcgi``: the recorded esummary.
- ``/europepmc/search``: ``query=cancer`` -> the recorded core (or lite) answer;
  identifier queries (``PMCID:``, ``EXT_ID:``, ``DOI:``) -> the recorded core answer
  with ``resultList`` narrowed to the matching recorded records; else the recorded
  zero-hit answer.
- ``/crossref/works/<doi>`` -> the recorded work or 404; ``/crossref/works?query=ecology``
  -> the recorded work list.
- ``/openalex/works?filter=doi:a|b`` -> the recorded work objects with those DOIs in the
  list envelope (``meta``/``results``/``group_by``); ``search=`` -> the recorded list;
  ``/openalex/works/W2741809807`` -> the recorded work.

Every request is logged (``server.requests``), and faults can be scripted per path prefix
(``server.add_fault("/crossref", Fault(...))``) for the fault-injection tests.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import yaml

from reviewtools.http.ratelimit import FakeClock
from reviewtools.http.session import make_session
from reviewtools.settings import Settings

FIXTURES = Path(__file__).resolve().parents[4] / "shared" / "fixtures"
NCBI = FIXTURES / "ncbi"
EPMC = FIXTURES / "europepmc"
CROSSREF = FIXTURES / "crossref"
OPENALEX = FIXTURES / "openalex"

_ARTICLE = re.compile(rb"<PubmedArticle>.*?</PubmedArticle>", re.DOTALL)
_PMID = re.compile(rb"<PMID[^>]*>(\d+)</PMID>")
_HEADER = (b'<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD '
           b'PubMedArticle, 1st January 2023//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/'
           b'pubmed_230101.dtd">\n<PubmedArticleSet>\n')


def pubmed_articles() -> tuple[dict[str, bytes], dict[frozenset[str], Path]]:
    """Recorded ``<PubmedArticle>`` elements by PMID, and each efetch file by its PMID set."""
    articles: dict[str, bytes] = {}
    files: dict[frozenset[str], Path] = {}
    for path in sorted(NCBI.glob("efetch_pubmed_*.xml")):
        data = path.read_bytes()
        pmids = []
        for match in _ARTICLE.finditer(data):
            pmid = _PMID.search(match.group(0)).group(1).decode()
            articles.setdefault(pmid, match.group(0))
            pmids.append(pmid)
        files[frozenset(pmids)] = path
    return articles, files


def crossref_works() -> dict[str, Path]:
    """Recorded Crossref work files by lower-case DOI."""
    out = {}
    for path in CROSSREF.glob("works_10.*.json"):
        out[json.loads(path.read_text())["message"]["DOI"].lower()] = path
    return out


def openalex_works() -> dict[str, dict]:
    """Recorded OpenAlex work objects by lower-case DOI (without the doi.org prefix)."""
    out = {}
    single = json.loads((OPENALEX / "works_W2741809807.json").read_text())
    listing = json.loads(
        (OPENALEX / "works_list_search-machine-learning-AND-public-health_per-page-200.json")
        .read_text())
    for rec in [single, *listing["results"]]:
        if rec.get("doi"):
            out[rec["doi"].lower().removeprefix("https://doi.org/")] = rec
    return out


def html_error_page() -> bytes:
    """The recorded doi.org HTML error page (habanero cassette, interaction with a bad DOI)."""
    path = FIXTURES / "cassettes" / "habanero_content_negotiation_bibtex_and_bad_doi_400.yaml"
    text = path.read_text()
    text = re.sub(r"!!binary \|", "|", text)  # binary bodies are not needed here
    data = yaml.safe_load(text)
    for item in data["interactions"]:
        body = item["response"]["body"].get("string", "")
        if item["response"]["status"]["code"] == 400 and isinstance(body, str):
            return body.encode()
    raise LookupError("no HTML page in the cassette")


@dataclass
class Fault:
    """One scripted misbehaviour for the next matching request.

    kind: ``status`` (send ``status``/``headers``/``body``), ``reset`` (send headers and
    half of ``body`` then drop the connection), ``sleep`` (wait ``seconds`` before
    answering normally), ``body`` (200 with ``body``).
    """

    kind: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    seconds: float = 0.0
    content_type: str = "application/json"


@dataclass
class Logged:
    path: str
    params: dict[str, str]
    headers: dict[str, str]


class FixtureServer:
    """Serve the recorded fixtures on 127.0.0.1 (use as a context manager)."""

    def __init__(self) -> None:
        self.articles, self.article_files = pubmed_articles()
        self.crossref = crossref_works()
        self.openalex = openalex_works()
        self.requests: list[Logged] = []
        self.faults: deque[tuple[str, Fault]] = deque()
        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,),
                                       daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> FixtureServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def settings(self, root: Path, **overrides: object) -> Settings:
        """Settings whose four base URLs point at this server and whose cache is under root."""
        values = {"root": root, "cache_dir": root / "cache", "timeout": (2.0, 5.0),
                  "retries": 2, "backoff": 0.01,
                  "pubmed_url": f"{self.url}/ncbi", "europepmc_url": f"{self.url}/europepmc",
                  "crossref_url": f"{self.url}/crossref", "openalex_url": f"{self.url}/openalex"}
        values.update(overrides)
        return Settings.from_env(**values)

    def add_fault(self, prefix: str, *faults: Fault) -> None:
        with self._lock:
            self.faults.extend((prefix, f) for f in faults)

    def count(self, prefix: str = "/") -> int:
        """Requests received whose path starts with ``prefix``."""
        return sum(1 for r in self.requests if r.path.startswith(prefix))

    def _next_fault(self, path: str) -> Fault | None:
        with self._lock:
            for item in list(self.faults):
                if path.startswith(item[0]):
                    self.faults.remove(item)
                    return item[1]
        return None

    # -- routing ---------------------------------------------------------------------------
    def route(self, path: str, params: dict[str, str]) -> tuple[int, str, bytes]:
        if path == "/ncbi/efetch.fcgi":
            return self._efetch(params)
        if path == "/ncbi/esearch.fcgi":
            name = "esearch_pubmed_biopython.xml" if params.get("term") == "biopython" \
                else "esearch_protein_abcXYZ_notfound.xml"
            return 200, "text/xml", (NCBI / name).read_bytes()
        if path == "/ncbi/esummary.fcgi":
            name = "esummary_pubmed_11850928_11482001.xml" if params.get("id") \
                else "esummary_error_no_id.xml"
            return 200, "text/xml", (NCBI / name).read_bytes()
        if path == "/europepmc/search":
            return self._europepmc(params)
        if path.startswith("/crossref/works/"):
            doi = unquote(path.removeprefix("/crossref/works/")).lower()
            if doi in self.crossref:
                return 200, "application/json", self.crossref[doi].read_bytes()
            return 404, "text/plain", b"Resource not found."
        if path == "/crossref/works":
            name = ("works_search_query-ecology_rows-2.json" if params.get("query") == "ecology"
                    else "works_search_query-ecology_query.author-carl-boettiger.json")
            return 200, "application/json", (CROSSREF / name).read_bytes()
        if path == "/openalex/works":
            return self._openalex(params)
        if path == "/openalex/works/W2741809807":
            return 200, "application/json", (OPENALEX / "works_W2741809807.json").read_bytes()
        return 404, "text/plain", b"no such fixture route"

    def _efetch(self, params: dict[str, str]) -> tuple[int, str, bytes]:
        ids = [i for i in params.get("id", "").split(",") if i]
        exact = self.article_files.get(frozenset(ids))
        if exact is not None:
            return 200, "text/xml", exact.read_bytes()
        body = _HEADER + b"\n".join(self.articles[i] for i in ids if i in self.articles)
        return 200, "text/xml", body + b"\n</PubmedArticleSet>\n"

    def _europepmc(self, params: dict[str, str]) -> tuple[int, str, bytes]:
        query = params.get("query", "")
        kind = params.get("resultType", "lite")
        core = EPMC / "search_query-cancer_resultType-core.json"
        if query == "cancer":
            name = core if kind == "core" else EPMC / "search_query-cancer_resultType-lite.json"
            return 200, "application/json", name.read_bytes()
        found = re.findall(r"(?:PMCID|EXT_ID|DOI):(\S+?)\)?(?=\s|$)", query)
        wanted = {v.strip('"').lower() for v in found}
        if wanted:
            data = json.loads(core.read_text())
            hits = [r for r in data["resultList"]["result"]
                    if {str(r.get(k, "")).lower() for k in ("pmid", "pmcid", "doi")} & wanted]
            data["resultList"]["result"] = hits
            data["hitCount"] = len(hits)
            return 200, "application/json", json.dumps(data).encode()
        return 200, "application/json", (EPMC / "search_no_results.json").read_bytes()

    def _openalex(self, params: dict[str, str]) -> tuple[int, str, bytes]:
        flt = params.get("filter", "")
        if flt.startswith("doi:"):
            dois = [d.lower().removeprefix("https://doi.org/") for d in flt[4:].split("|")]
            hits = [self.openalex[d] for d in dois if d in self.openalex]
            meta = {"count": len(hits), "db_response_time_ms": 1, "page": 1,
                    "per_page": int(params.get("per-page", 25)), "groups_count": None}
            return 200, "application/json", json.dumps(
                {"meta": meta, "results": hits, "group_by": []}).encode()
        name = "works_list_search-machine-learning-AND-public-health_per-page-200.json"
        return 200, "application/json", (OPENALEX / name).read_bytes()

    # -- HTTP ------------------------------------------------------------------------------
    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out at once (no 40 ms stalls)

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:  # noqa: N802
                parts = urlsplit(self.path)
                params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                with server._lock:
                    server.requests.append(Logged(parts.path, params, dict(self.headers)))
                fault = server._next_fault(parts.path)
                try:
                    if fault is not None and fault.kind == "sleep":
                        time.sleep(fault.seconds)
                        fault = None
                    if fault is None:
                        status, ctype, body = server.route(parts.path, params)
                        self._send(status, {"Content-Type": ctype}, body)
                    elif fault.kind == "status":
                        self._send(fault.status, {"Content-Type": fault.content_type,
                                                  **fault.headers}, fault.body)
                    elif fault.kind == "body":
                        self._send(200, {"Content-Type": fault.content_type}, fault.body)
                    elif fault.kind == "reset":
                        self._reset(fault.body)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _reset(self, body: bytes) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)

        return Handler


def session_for(settings: Settings, clock: FakeClock | None = None):
    """A cached session whose waits (backoff, rate limit) go to a fake clock, never real time."""
    clock = clock or FakeClock()
    session = make_session(settings, sleep=clock.sleep, clock=clock)
    return session, clock
