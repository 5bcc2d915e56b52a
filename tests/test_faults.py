"""Fault injection over the HTTP layer: every fault ends in a good result or a clear
NetworkError within a bounded number of attempts, and never in a crash or a cached bad body.

The faulty bodies are real recorded responses cut short, or the real doi.org HTML error
page; the local server plays them back (tests/sources/__init__.py).
"""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewtools.errors import NetworkError
from reviewtools.http.session import Reply, get_json, parse_each, session_state
from reviewtools.literature.identifiers import parse_identifiers
from reviewtools.literature.sources import crossref, europepmc, fetch_works, openalex, pubmed
from reviewtools.literature.works import Work
from reviewtools.settings import Settings
from tests.literature.sources import (
    CROSSREF,
    EPMC,
    NCBI,
    OPENALEX,
    Fault,
    FixtureServer,
    html_error_page,
    session_for,
)

PLOS = "10.1371/journal.pone.0033693"
PLOS_JSON = (CROSSREF / "works_10.1371_journal.pone.0033693.json").read_bytes()
RCT_XML = (NCBI / "efetch_pubmed_28731372_rct.xml").read_bytes()


@pytest.fixture
def server():
    with FixtureServer() as srv:
        yield srv


@pytest.fixture
def env(server, tmp_path):
    settings = server.settings(tmp_path, retries=2, backoff=0.01)
    session, clock = session_for(settings)
    return settings, session, clock


def attempts(settings) -> int:
    return settings.retries + 1


# -- connection reset mid-body ---------------------------------------------------------------

def test_connection_reset_mid_body_then_success(server, env):
    settings, session, clock = env
    server.add_fault("/crossref", Fault("reset", body=PLOS_JSON))
    work = crossref.work(PLOS, settings=settings, session=session)
    assert work.doi == PLOS and not work.cached
    assert server.count() == 2 and clock.sleeps == [0.01]


def test_connection_reset_every_time_is_a_network_error(server, env):
    settings, session, clock = env
    server.add_fault("/crossref", *[Fault("reset", body=PLOS_JSON) for _ in range(10)])
    with pytest.raises(NetworkError) as info:
        crossref.work(PLOS, settings=settings, session=session)
    assert "dropped the connection" in str(info.value)
    assert f"gave up after {attempts(settings)} attempt(s)" in str(info.value)
    assert server.count() == attempts(settings)
    assert info.value.url.startswith(f"{settings.crossref_url}/works/{PLOS}")


# -- read timeout -----------------------------------------------------------------------------

def test_slow_answer_past_the_read_timeout(server, tmp_path):
    settings = server.settings(tmp_path, timeout=(2.0, 0.2), retries=1, backoff=0.01)
    session, clock = session_for(settings)
    server.add_fault("/openalex", Fault("sleep", seconds=1.0), Fault("sleep", seconds=1.0))
    with pytest.raises(NetworkError) as info:
        openalex.search("machine learning", settings=settings, session=session)
    assert "did not answer within the timeout (2 s connect, 0.2 s read)" in str(info.value)
    assert info.value.status is None
    assert server.count() == 2 and clock.sleeps == [0.01]


def test_one_slow_answer_then_a_fast_one(server, tmp_path):
    settings = server.settings(tmp_path, timeout=(2.0, 0.2), retries=1, backoff=0.01)
    session, _ = session_for(settings)
    server.add_fault("/openalex", Fault("sleep", seconds=1.0))
    works = openalex.search("machine learning", limit=3, settings=settings, session=session)
    assert len(works) == 3


# -- a 200 with an unusable body --------------------------------------------------------------

def test_truncated_json_is_an_error_and_not_cached(server, env):
    settings, session, _ = env
    server.add_fault("/crossref", Fault("body", body=PLOS_JSON[: len(PLOS_JSON) // 3]))
    with pytest.raises(NetworkError, match="invalid JSON instead of JSON") as info:
        crossref.work(PLOS, settings=settings, session=session)
    assert info.value.status == 200
    # the bad body was dropped from the cache: the next call asks again and succeeds
    assert crossref.work(PLOS, settings=settings, session=session).doi == PLOS
    assert server.count() == 2


def test_html_error_page_instead_of_json(server, env):
    settings, session, _ = env
    server.add_fault("/europepmc", Fault("body", body=html_error_page(), content_type="text/html"))
    with pytest.raises(NetworkError) as info:
        europepmc.search("cancer", settings=settings, session=session)
    assert "an HTML page instead of JSON" in str(info.value)
    assert "<!DOCTYPE html>" in str(info.value)  # the start of what came back


def test_truncated_xml_is_an_error(server, env):
    settings, session, _ = env
    server.add_fault("/ncbi", Fault("body", body=RCT_XML[:2000], content_type="text/xml"))
    with pytest.raises(NetworkError, match="XML that cannot be parsed"):
        pubmed.efetch(["28731372"], settings=settings, session=session)
    assert pubmed.efetch(["28731372"], settings=settings, session=session)[0].pmid == "28731372"


def test_json_of_the_wrong_shape(server, env):
    settings, session, _ = env
    server.add_fault("/openalex", Fault("body", body=PLOS_JSON))  # a Crossref body
    with pytest.raises(NetworkError, match="JSON without a results list"):
        openalex.search("x", settings=settings, session=session)


def test_empty_result_is_an_empty_list(server, env):
    settings, session, _ = env
    assert europepmc.search("asdkfjhasdkfjhasdfasdasdasdfgsagsd", settings=settings,
                            session=session) == []
    assert pubmed.search("abcXYZ", settings=settings, session=session) == []


# -- 5xx storms -------------------------------------------------------------------------------

def test_503_storm_beyond_the_retry_budget(server, env):
    settings, session, clock = env
    server.add_fault("/crossref", *[Fault("status", status=503) for _ in range(20)])
    with pytest.raises(NetworkError) as info:
        get_json(session, f"{settings.crossref_url}/works/{PLOS}", settings=settings)
    assert info.value.status == 503
    assert "had a server error (503)" in str(info.value)
    assert server.count() == attempts(settings)
    assert clock.sleeps == [0.01, 0.02]


def test_storm_in_a_batch_becomes_rows_not_a_crash(server, env):
    settings, session, _ = env
    server.add_fault("/ncbi", *[Fault("status", status=503) for _ in range(20)])
    server.add_fault("/openalex", *[Fault("status", status=502) for _ in range(20)])
    ids, _ = parse_identifiers(["28731372", "9997", PLOS])
    works, failures = fetch_works(ids, settings=settings, session=session)
    # PubMed is down: both PMIDs are rows; OpenAlex is down: the DOI falls back to Crossref
    assert [w.doi for w in works] == [PLOS]
    assert [str(i) for i, _ in failures] == ["pmid:28731372", "pmid:9997"]
    assert all("503" in reason for _, reason in failures)
    state = session_state(session)
    assert state.sent == server.count() == attempts(settings) * 2 + 1


def test_429_storm_with_retry_after_is_bounded(server, env):
    settings, session, clock = env
    server.add_fault("/openalex", *[Fault("status", status=429, headers={"Retry-After": "2"})
                                    for _ in range(10)])
    with pytest.raises(NetworkError) as info:
        openalex.search("x", settings=settings, session=session)
    assert info.value.status == 429
    assert clock.sleeps == [2.0, 2.0]
    assert server.count() == attempts(settings)


# -- mutated records: a good result or a NetworkError, never another exception ---------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                 max_size=3),
    max_leaves=6)


def mutate(data, draw_path, value):
    """Replace the value at a drawn path inside nested dicts/lists with ``value``."""
    node = data
    for step in draw_path[:-1]:
        if isinstance(node, dict) and node:
            node = node[sorted(node)[step % len(node)]]
        elif isinstance(node, list) and node:
            node = node[step % len(node)]
    last = draw_path[-1]
    if isinstance(node, dict) and node:
        node[sorted(node)[last % len(node)]] = value
    elif isinstance(node, list) and node:
        node[last % len(node)] = value
    return data


CASES = {
    "crossref": (CROSSREF / "works_10.1371_journal.pone.0033693.json",
                 lambda reply: parse_each(reply, [crossref._message(reply, "work")],
                                                   crossref.parse_message)),
    "europepmc": (EPMC / "search_query-cancer_resultType-core.json",
                  lambda reply: parse_each(reply, europepmc._results(reply),
                                                    europepmc.parse_result)),
    "openalex": (OPENALEX / "works_list_search-machine-learning-AND-public-health"
                            "_per-page-200.json",
                 lambda reply: parse_each(reply, openalex._results(reply),
                                                   openalex.parse_work)),
}
ORIGINALS = {name: json.loads(path.read_text()) for name, (path, _) in CASES.items()}
ORIGINALS["openalex"]["results"] = ORIGINALS["openalex"]["results"][:4]  # 800 kB -> 4 records


@pytest.mark.parametrize("name", sorted(CASES))
@given(path=st.lists(st.integers(0, 50), min_size=1, max_size=6), value=json_values)
@settings(max_examples=60, deadline=None)
def test_mutated_json_records_never_crash(name, path, value):
    data = mutate(copy.deepcopy(ORIGINALS[name]), path, value)
    text = json.dumps(data)
    reply = Reply(url="test", status=200, text=text, from_cache=False, service=name,
                  content=text.encode())
    try:
        works = CASES[name][1](reply)
    except NetworkError as exc:
        assert name in str(exc)
    else:
        assert all(isinstance(w, Work) for w in works)


@given(cut=st.integers(0, len(RCT_XML) - 1))
@settings(max_examples=40, deadline=None)
def test_truncated_pubmed_xml_never_crashes(cut):
    body = RCT_XML[:cut]
    reply = Reply(url="test", status=200, text=body.decode("utf-8", "replace"),
                  from_cache=False, service="PubMed", content=body)
    with pytest.raises(NetworkError):
        pubmed.parse_efetch(reply)


# -- hostile JSON: nesting and shapes (issue 18) ------------------------------------------------

def test_deeply_nested_json_is_an_error_and_not_cached(server, env):
    settings, session, _ = env
    deep = b"[" * 100_000 + b"]" * 100_000
    server.add_fault("/crossref", Fault("body", body=deep))
    with pytest.raises(NetworkError, match="nested too deeply"):
        crossref.work(PLOS, settings=settings, session=session)
    assert crossref.work(PLOS, settings=settings, session=session).doi == PLOS
    assert server.count() == 2


@pytest.mark.parametrize("body", [b"[]", b"[1, 2]", b'"text"', b"42", b'{"message": []}',
                                  b'{"message": {"items": 3}}', b"null"])
def test_json_of_any_wrong_shape_is_a_network_error(server, env, body):
    settings, session, _ = env
    server.add_fault("/crossref", Fault("body", body=body))
    with pytest.raises(NetworkError):
        crossref.work(PLOS, settings=settings, session=session)
    assert crossref.work(PLOS, settings=settings, session=session).doi == PLOS


# -- no network at all --------------------------------------------------------------------------

def _closed_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_refused_connection_is_no_network_at_once_not_a_retry_storm(tmp_path):
    """One failed connection means no network: no backoff, one line naming --offline."""
    url = f"http://127.0.0.1:{_closed_port()}"
    settings = Settings.from_env(root=tmp_path, cache_dir=tmp_path / "cache", retries=5,
                                 backoff=1.0, crossref_url=url, pubmed_url=url,
                                 europepmc_url=url, openalex_url=url)
    session, clock = session_for(settings)
    with pytest.raises(NetworkError) as info:
        crossref.work(PLOS, settings=settings, session=session)
    message = str(info.value)
    assert message.count("\n") == 0 and "no network: cannot reach 127.0.0.1" in message
    assert "--offline" in message
    assert clock.sleeps == []  # no retries, no waiting


def test_cite_and_search_without_a_network_say_so_in_one_line(tmp_path, capsys, monkeypatch):
    from reviewtools.cli.main import main
    from tests.conftest import ARTICLE
    url = f"http://127.0.0.1:{_closed_port()}"
    for name in ("PUBMED", "EUROPEPMC", "CROSSREF", "OPENALEX"):
        monkeypatch.setenv(f"REVIEWTOOLS_{name}_URL", url)
    assert main(["cite", "pmid:28731372", "--root", str(tmp_path)]) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no network" in err[0], err
    main(["new", str(ARTICLE), "--review", "fm", "--intervention", "yoga", "--root",
          str(tmp_path)])
    capsys.readouterr()
    assert main(["search", "intro-01", "--review", "fm", "--root", str(tmp_path)]) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no network" in err[0], err


def test_refs_verify_without_a_network_is_one_message_not_a_problem_per_entry(tmp_path,
                                                                              capsys,
                                                                              monkeypatch):
    from reviewtools.cli.main import main
    from tests.conftest import TEST_BIB
    url = f"http://127.0.0.1:{_closed_port()}"
    for name in ("PUBMED", "EUROPEPMC", "CROSSREF", "OPENALEX"):
        monkeypatch.setenv(f"REVIEWTOOLS_{name}_URL", url)
    (tmp_path / "evidence").mkdir()
    (tmp_path / "references.bib").write_text(TEST_BIB, encoding="utf-8")
    assert main(["refs", "verify", "--root", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert len(err) == 1 and "no network" in err[0] and "3 identifier(s)" in err[0], err
    assert captured.out == ""
