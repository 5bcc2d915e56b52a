"""The HTTP layer: session, cache, retries honouring Retry-After, rate limits, offline."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
import requests
import requests_cache

from reviewtools.errors import NetworkError, OfflineError
from reviewtools.http.ratelimit import LIMITS, FakeClock, RateLimiter
from reviewtools.http.session import (
    RETRY_BUDGET,
    fetch,
    get_json,
    get_text,
    make_session,
    retry_after,
    session_state,
    user_agent,
)
from reviewtools.settings import Settings
from tests.literature.sources import Fault, FixtureServer, session_for

PLOS = "10.1371/journal.pone.0033693"


@pytest.fixture
def server():
    with FixtureServer() as srv:
        yield srv


@pytest.fixture
def env(server, tmp_path):
    settings = server.settings(tmp_path)
    session, clock = session_for(settings)
    return settings, session, clock


def crossref_url(settings: Settings, doi: str = PLOS) -> str:
    return f"{settings.crossref_url}/works/{doi}"


# -- session --------------------------------------------------------------------------------

def test_session_is_an_explicit_cached_session_under_the_cache_dir(tmp_path):
    settings = Settings.from_env(root=tmp_path, cache_dir=tmp_path / "c", email="a@b.org")
    session = make_session(settings)
    assert isinstance(session, requests_cache.CachedSession)
    assert str(session.cache.db_path) == str(tmp_path / "c" / "http" / "responses.sqlite")
    assert "mailto:a@b.org" in session.headers["User-Agent"] == user_agent(settings)
    assert not isinstance(make_session(settings, cache=False), requests_cache.CachedSession)
    assert requests_cache.get_cache() is None  # never installed globally


def test_user_agent_and_identity_on_the_wire(server, env):
    settings, session, _ = env
    get_json(session, crossref_url(settings), settings=settings)
    get_text(session, f"{settings.pubmed_url}/esearch.fcgi", {"term": "biopython"}, settings)
    crossref_req, ncbi_req = server.requests
    assert f"mailto:{settings.email}" in crossref_req.headers["User-Agent"]
    assert crossref_req.params == {"mailto": settings.email}
    assert ncbi_req.params["tool"] == "reviewtools" and ncbi_req.params["email"] == settings.email
    assert "api_key" not in ncbi_req.params  # none configured


def test_timeout_from_settings_is_passed_on_every_call(server, tmp_path, monkeypatch):
    settings = server.settings(tmp_path, timeout=(1.5, 7.0))
    session, _ = session_for(settings)
    seen = []
    original = requests.adapters.HTTPAdapter.send

    def spy(self, request, **kwargs):
        seen.append(kwargs.get("timeout"))
        return original(self, request, **kwargs)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", spy)
    get_json(session, crossref_url(settings), settings=settings)
    get_json(session, f"{settings.openalex_url}/works", {"search": "x"}, settings)
    assert seen == [(1.5, 7.0), (1.5, 7.0)]


# -- cache ----------------------------------------------------------------------------------

def test_second_call_is_served_from_cache(server, env):
    settings, session, _ = env
    first = fetch(session, crossref_url(settings), settings=settings)
    second = fetch(make_session(settings), crossref_url(settings), settings=settings)
    assert (first.from_cache, second.from_cache) == (False, True)
    assert second.text == first.text
    assert server.count() == 1


def test_refresh_goes_to_the_network(server, env):
    settings, session, _ = env
    fetch(session, crossref_url(settings), settings=settings)
    again = fetch(session, crossref_url(settings), settings=settings, refresh=True)
    assert not again.from_cache and server.count() == 2


def test_offline_serves_cache_and_names_the_missing_url(server, env):
    settings, session, _ = env
    fetch(session, crossref_url(settings), settings=settings)
    offline = Settings.from_env(**{**settings.__dict__, "offline": True})
    reply = fetch(make_session(offline), crossref_url(offline), settings=offline)
    assert reply.from_cache
    with pytest.raises(OfflineError) as info:
        fetch(make_session(offline), crossref_url(offline, "10.1038/srep16696"), settings=offline)
    assert info.value.url.startswith(f"{settings.crossref_url}/works/10.1038/srep16696")
    assert "not in the cache" in str(info.value)
    with pytest.raises(OfflineError):
        fetch(make_session(offline, cache=False), crossref_url(offline), settings=offline)
    assert server.count() == 1


# -- retries --------------------------------------------------------------------------------

def test_retry_after_is_honoured(server, env):
    settings, session, clock = env
    server.add_fault("/crossref", Fault("status", status=429, headers={"Retry-After": "1"}))
    data = get_json(session, crossref_url(settings), settings=settings)
    assert data["message"]["DOI"] == PLOS
    assert clock.sleeps == [1.0]  # the server's wait, not our 0.01 s backoff
    assert server.count() == 2


def test_500_then_success_backs_off(server, env):
    settings, session, clock = env
    server.add_fault("/crossref", Fault("status", status=500), Fault("status", status=502))
    assert get_json(session, crossref_url(settings), settings=settings)["status"] == "ok"
    assert clock.sleeps == [settings.backoff, settings.backoff * 2]  # exponential
    assert server.count() == 3


def test_retry_after_longer_than_the_budget_fails_at_once(server, env):
    settings, session, clock = env
    server.add_fault("/crossref", Fault("status", status=429, headers={"Retry-After": "3600"}))
    with pytest.raises(NetworkError) as info:
        get_json(session, crossref_url(settings), settings=settings)
    assert info.value.status == 429
    assert "asked us to wait 3600 s" in str(info.value)
    assert clock.sleeps == [] and server.count() == 1


def test_client_errors_are_not_retried(server, env):
    settings, session, clock = env
    with pytest.raises(NetworkError) as info:
        get_json(session, crossref_url(settings, "10.9999/none"), settings=settings)
    assert info.value.status == 404
    assert "Crossref has no record at this address" in str(info.value)
    assert clock.sleeps == [] and server.count() == 1


def test_total_wait_stays_within_the_budget(server, tmp_path):
    settings = server.settings(tmp_path, retries=50, backoff=4.0)
    session, clock = session_for(settings)
    server.add_fault("/crossref", *[Fault("status", status=503) for _ in range(60)])
    with pytest.raises(NetworkError, match="gave up after"):
        get_json(session, crossref_url(settings), settings=settings)
    assert sum(clock.sleeps) <= RETRY_BUDGET
    assert len(clock.sleeps) < 50


def test_api_key_never_appears_in_error_urls(server, tmp_path):
    settings = server.settings(tmp_path, ncbi_api_key="SECRET-9")
    session, _ = session_for(settings)
    server.add_fault("/ncbi", Fault("status", status=400))
    with pytest.raises(NetworkError) as info:
        get_text(session, f"{settings.pubmed_url}/efetch.fcgi", {"id": "1"}, settings)
    assert "SECRET-9" not in info.value.url and "SECRET-9" not in str(info.value)
    assert "id=1" in info.value.url


@pytest.mark.parametrize("value, seconds", [
    ("1", 1.0), ("120", 120.0), (" 7 ", 7.0),
    ("Wed, 21 Oct 2026 07:28:30 GMT", 30.0),
    ("Wed, 21 Oct 2026 07:27:00 GMT", 0.0),  # in the past
    ("soon", None), ("", None), (None, None),
])
def test_retry_after_header_forms(value, seconds):
    now = datetime(2026, 10, 21, 7, 28, 0, tzinfo=UTC)
    assert retry_after(value, now) == seconds


# -- rate limiting --------------------------------------------------------------------------

def max_in_any_window(times: list[float], period: float = 1.0) -> int:
    times = sorted(times)
    eps = 1e-9  # float rounding of slot + period
    return max((sum(1 for t in times if start <= t < start + period - eps) for start in times),
               default=0)


def test_limiter_never_allows_more_than_3_per_second():
    clock = FakeClock()
    limiter = RateLimiter(3, 1.0, clock=clock, sleep=clock.sleep)
    granted = []
    for n in range(30):
        limiter.acquire()
        granted.append(clock())
        if n % 7 == 0:
            clock.sleep(0.37)  # irregular gaps between callers
    assert max_in_any_window(granted) == 3
    assert limiter.max_in_window() == 3
    assert granted[:4] == [0.0, 0.37, 0.37, 1.0]  # the 4th call waits for the 1st to age out
    assert all(b - a >= 1.0 - 1e-9 for a, b in zip(granted, granted[3:], strict=False))


def test_limiter_is_thread_safe():
    clock = FakeClock()
    waits: list[float] = []
    limiter = RateLimiter(3, 1.0, clock=clock, sleep=waits.append)  # clock stands still

    def worker():
        for _ in range(10):
            limiter.acquire()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    slots = list(limiter.history)
    assert len(slots) == 80
    assert max_in_any_window(slots) == 3
    assert sorted(waits) == sorted(s for s in slots if s > 0)


def test_ncbi_limit_is_3_or_10_with_a_key(server, tmp_path):
    plain = session_state(session_for(server.settings(tmp_path))[0])
    keyed = session_state(session_for(server.settings(tmp_path, ncbi_api_key="k"))[0])
    assert plain.service(server.url + "/ncbi/efetch.fcgi")[1].calls == LIMITS["ncbi"] == 3
    assert keyed.service(server.url + "/ncbi/efetch.fcgi")[1].calls == LIMITS["ncbi_key"] == 10


def test_rate_limit_applies_to_network_calls_only(server, env):
    settings, session, clock = env
    limiter = session_state(session).service(f"{settings.pubmed_url}/x")[1]
    for n in range(7):
        get_text(session, f"{settings.pubmed_url}/efetch.fcgi", {"id": str(9997 + n)}, settings)
    assert len(limiter.history) == 7 and limiter.max_in_window() == 3
    assert sum(clock.sleeps) == pytest.approx(2.0)  # 7 calls at 3/s: two waits of one second
    for n in range(7):  # the same calls again: cache hits, no waiting, no requests
        get_text(session, f"{settings.pubmed_url}/efetch.fcgi", {"id": str(9997 + n)}, settings)
    assert len(limiter.history) == 7 and server.count() == 7
    assert session_state(session).sent == 7


def test_body_without_charset_is_read_as_utf8(server, env):
    settings, session, _ = env
    reply = fetch(session, f"{settings.pubmed_url}/efetch.fcgi", {"id": "28775130"}, settings)
    # served as text/xml without a charset; requests alone would decode it as ISO-8859-1
    assert "<CopyrightInformation>\u00a9 Article author(s)" in reply.text
    assert "\u00c2" not in reply.text  # no mojibake
    assert reply.content.decode("utf-8") == reply.text
