"""The one place HTTP sessions are built, and the one request loop every client uses.

:func:`make_session` returns an explicit ``requests_cache.CachedSession`` (SQLite file
under ``<cache dir>/http/``) whose transport waits on a per-service rate limiter before
each *real* network call, so cache hits cost neither a request nor a wait.
:func:`fetch` (and :func:`get_json` / :func:`get_text`) add NCBI's ``tool``/``email``/
``api_key`` and OpenAlex's ``mailto``, apply the (connect, read) timeout, retry 429 and
5xx answers and dropped connections with exponential backoff that honours
``Retry-After`` within a total waiting budget, and turn every failure into a
:class:`~reviewtools.errors.NetworkError` (``url``, ``status``) a reviewer can act on.
Offline (``settings.offline``), only cached answers are served and a missing one raises
:class:`~reviewtools.errors.OfflineError`.

>>> session = make_session(Settings.from_env())                         # doctest: +SKIP
>>> get_json(session, "https://api.openalex.org/works/W2741809807")     # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

import requests
import requests_cache
import urllib3
from requests.adapters import HTTPAdapter

from reviewtools import __version__
from reviewtools.errors import NetworkError, OfflineError
from reviewtools.http.ratelimit import LIMITS, RateLimiter
from reviewtools.settings import Settings

#: How long a cached answer is reused before it is fetched again. Bibliographic records
#: rarely change; ``refresh=True`` re-fetches (``refs verify`` uses it for retractions).
EXPIRE_AFTER = timedelta(days=30)
#: Longest total time spent waiting between retries of one call (seconds).
RETRY_BUDGET = 60.0
#: Longest single wait between two attempts, unless the server asks for less (seconds).
MAX_BACKOFF = 20.0
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: Request parameters and headers kept out of cache keys and redacted from stored
#: responses: secrets (API keys) and identification that must not split the cache.
IGNORED_PARAMETERS = ("api_key", "apikey", "email", "tool", "mailto", "Authorization",
                      "X-API-KEY", "Crossref-Plus-API-Token")
_SECRETS = frozenset({"api_key", "apikey"})
_MAX_SNIPPET = 120

T = TypeVar("T")
R = TypeVar("R")
Sleep = Callable[[float], None]
Clock = Callable[[], float]


def user_agent(settings: Settings) -> str:
    """A User-Agent naming the tool and a contact address (the "polite pool" convention)."""
    return f"reviewtools/{__version__} (+https://github.com/reviewtools; mailto:{settings.email})"


@dataclass
class HttpState:
    """What a session built by :func:`make_session` carries besides requests' own state."""

    settings: Settings
    limiters: list[tuple[str, str, RateLimiter]] = field(default_factory=list)
    sleep: Sleep = time.sleep
    clock: Clock = time.monotonic
    sent: int = 0  # real network requests (cache hits excluded)
    sent_by_service: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def service(self, url: str) -> tuple[str, RateLimiter | None]:
        """The service label and rate limiter for ``url`` (``host``, None if unknown)."""
        for prefix, label, limiter in self.limiters:
            if url.startswith(prefix):
                return label, limiter
        return urlsplit(url).hostname or url, None

    def count(self, label: str) -> None:
        with self._lock:
            self.sent += 1
            self.sent_by_service[label] = self.sent_by_service.get(label, 0) + 1


_SHARED: dict[tuple[str, float], RateLimiter] = {}
_SHARED_LOCK = threading.Lock()


def _limiter(name: str, rate: float, sleep: Sleep | None, clock: Clock | None) -> RateLimiter:
    """A rate limiter per service; shared across sessions unless a clock/sleep is injected."""
    if sleep is not None or clock is not None:
        return RateLimiter.per_second(rate, sleep=sleep or time.sleep,
                                      clock=clock or time.monotonic)
    with _SHARED_LOCK:
        key = (name, rate)
        if key not in _SHARED:
            _SHARED[key] = RateLimiter.per_second(rate)
        return _SHARED[key]


def services(settings: Settings) -> list[tuple[str, str, str, float]]:
    """``(base url, label, limit name, requests per second)`` for each configured service."""
    ncbi = "ncbi_key" if settings.ncbi_api_key else "ncbi"
    return [
        (settings.pubmed_url, "PubMed", ncbi, LIMITS[ncbi]),
        (settings.europepmc_url, "Europe PMC", "europepmc", LIMITS["europepmc"]),
        (settings.crossref_url, "Crossref", "crossref", LIMITS["crossref"]),
        (settings.openalex_url, "OpenAlex", "openalex", LIMITS["openalex"]),
    ]


class _LimitedAdapter(HTTPAdapter):
    """Transport adapter that waits on the service's rate limiter before each real send."""

    def __init__(self, state: HttpState) -> None:
        super().__init__()
        self.state = state

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
             ) -> requests.Response:
        label, limiter = self.state.service(request.url or "")
        if limiter is not None:
            limiter.acquire()
        self.state.count(label)
        return super().send(request, *args, **kwargs)


def make_session(settings: Settings, *, cache: bool = True, sleep: Sleep | None = None,
                 clock: Clock | None = None) -> requests.Session:
    """Return a configured session; build one per run and pass it to every call.

    Parameters
    ----------
    settings : Settings
        Cache folder, offline flag, contact e-mail, NCBI key and base URLs.
    cache : bool
        ``False`` for one-off downloads such as articles (a plain session, no cache).
    sleep, clock : callables, optional
        Injected ``time.sleep``/``time.monotonic`` (tests record waits instead of waiting).
        When given, the session gets its own rate limiters driven by them.
    """
    session: requests.Session
    if cache:
        folder = settings.resolved_cache_dir / "http"
        folder.mkdir(parents=True, exist_ok=True)
        session = requests_cache.CachedSession(
            cache_name=str(folder / "responses.sqlite"),
            backend="sqlite",
            wal=True,  # write-ahead log: one fsync per checkpoint, not per saved response
            expire_after=EXPIRE_AFTER,
            allowable_codes=(200, 404),  # a 404 ("no such DOI") is an answer too
            allowable_methods=("GET", "HEAD"),
            ignored_parameters=IGNORED_PARAMETERS,
            match_headers=False,
            cache_control=False,
            stale_if_error=settings.offline,
        )
    else:
        session = requests.Session()
    session.headers["User-Agent"] = user_agent(settings)
    state = HttpState(settings=settings, sleep=sleep or time.sleep, clock=clock or time.monotonic)
    for base, label, name, rate in services(settings):
        state.limiters.append((base, label, _limiter(name, rate, sleep, clock)))
    adapter = _LimitedAdapter(state)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.reviewtools = state  # type: ignore[attr-defined]
    return session


def session_state(session: requests.Session, settings: Settings | None = None) -> HttpState:
    """The :class:`HttpState` of a session (a default one for a foreign session)."""
    state = getattr(session, "reviewtools", None)
    if isinstance(state, HttpState):
        return state
    state = HttpState(settings=settings or Settings.from_env())
    for base, label, name, rate in services(state.settings):
        state.limiters.append((base, label, _limiter(name, rate, None, None)))
    return state


@dataclass
class Reply:
    """A successful (200) answer: text, whether it came from the cache, and where from."""

    url: str
    status: int
    text: str
    from_cache: bool
    service: str
    content: bytes = b""
    _evict: Callable[[], None] = field(default=lambda: None, repr=False)

    def invalid(self, problem: str) -> NetworkError:
        """Drop this answer from the cache and return an error describing ``problem``."""
        self._evict()
        snippet = " ".join(self.text[:_MAX_SNIPPET].split())
        return NetworkError(f"{self.service} answered with {problem} (starts: {snippet!r})",
                            url=self.url, status=self.status,
                            hint="the service may be failing; try again later")

    def json(self) -> Any:
        """The body parsed as JSON; an unusable body raises NetworkError (and is not cached)."""
        try:
            return json.loads(self.text)
        except RecursionError:
            raise self.invalid("JSON nested too deeply to read") from None
        except ValueError as exc:
            kind = "an HTML page" if self.text.lstrip()[:1] == "<" else "invalid JSON"
            raise self.invalid(f"{kind} instead of JSON ({exc})") from None


def parse_each(reply: Reply, items: Iterable[T], parse: Callable[[T, Reply], R]) -> list[R]:
    """``[parse(item, reply) for item in items]``; a record of an unexpected shape (a string
    where a mapping belongs, say) becomes a NetworkError naming the service, not a crash."""
    out = []
    for item in items:
        try:
            out.append(parse(item, reply))
        except (AttributeError, TypeError, ValueError, KeyError, IndexError) as exc:
            raise reply.invalid(f"a record of unexpected shape ({type(exc).__name__}: {exc})"
                                ) from None
    return out


def _with_identity(url: str, params: Mapping[str, Any], settings: Settings) -> dict[str, Any]:
    out = dict(params)
    if url.startswith(settings.pubmed_url):
        out.setdefault("tool", settings.tool)
        out.setdefault("email", settings.email)
        if settings.ncbi_api_key:
            out.setdefault("api_key", settings.ncbi_api_key)
    elif url.startswith(settings.openalex_url) or url.startswith(settings.crossref_url):
        out.setdefault("mailto", settings.email)
    return out


def display_url(url: str, params: Mapping[str, Any] | None = None) -> str:
    """``url`` with its parameters, API keys removed: safe for messages and logs."""
    shown = {k: v for k, v in (params or {}).items() if k not in _SECRETS}
    return f"{url}?{urlencode(shown, doseq=True)}" if shown else url


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


_STATUS_TEXT = {
    400: "rejected the request as malformed",
    401: "refused the request (check the API key)",
    403: "refused the request (check the API key or contact address)",
    404: "has no record at this address",
    410: "says the record is gone",
    414: "found the request URL too long",
    429: "is rate-limiting us (too many requests)",
}


def describe_status(status: int) -> str:
    """A reviewer-readable description of an HTTP status."""
    if status in _STATUS_TEXT:
        return _STATUS_TEXT[status]
    if status >= 500:
        return f"had a server error ({status})"
    return f"answered with HTTP {status}"


def decode(resp: requests.Response) -> str:
    """The body as text: the charset the server declares, else UTF-8 (what all four services
    send). requests' own fallback, ISO-8859-1 for text/* and a guess otherwise, is wrong here.
    """
    content_type = resp.headers.get("Content-Type", "")
    charset = next((part.split("=", 1)[1].strip(" \"'") for part in content_type.split(";")
                    if part.strip().lower().startswith("charset=")), "utf-8")
    try:
        return resp.content.decode(charset, errors="replace")
    except LookupError:  # an unknown charset name
        return resp.content.decode("utf-8", errors="replace")


def _evictor(session: requests.Session, resp: requests.Response) -> Callable[[], None]:
    def evict() -> None:
        cache = getattr(session, "cache", None)
        key = getattr(resp, "cache_key", None)
        if cache is not None and key:
            with contextlib.suppress(OSError, KeyError, ValueError):
                cache.delete(key)
    return evict


def fetch(session: requests.Session, url: str, params: Mapping[str, Any] | None = None,
          settings: Settings | None = None, *, refresh: bool = False) -> Reply:
    """GET ``url`` with retries, backoff, timeouts and the cache; return a 200 :class:`Reply`.

    Raises
    ------
    OfflineError
        Offline and the answer is not cached.
    NetworkError
        A non-retryable status (e.g. 404), or retries exhausted (429/5xx, timeouts, dropped
        connections) within ``settings.retries`` retries and :data:`RETRY_BUDGET` seconds.
    """
    state = session_state(session, settings)
    settings = settings or state.settings
    service, _ = state.service(url)
    query = _with_identity(url, params or {}, settings)
    shown = display_url(url, query)
    cached_session = isinstance(session, requests_cache.CachedSession)
    if settings.offline and not cached_session:
        raise OfflineError(f"offline mode: {service} cannot be reached and nothing is cached",
                           url=shown, hint="unset REVIEWTOOLS_OFFLINE to fetch it")
    extra: dict[str, Any] = {}
    if cached_session:
        extra = {"only_if_cached": settings.offline,
                 "force_refresh": refresh and not settings.offline}
    attempts = max(0, settings.retries) + 1
    waited = 0.0
    problem, status = "no answer", None
    for attempt in range(attempts):
        wait_hint: float | None = None
        try:
            resp = session.get(url, params=query, timeout=settings.timeout, **extra)
        except requests.exceptions.Timeout:
            connect, read = settings.timeout
            problem, status = (f"did not answer within the timeout ({connect:g} s connect, "
                               f"{read:g} s read)"), None
        except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError) as exc:
            if unreachable(exc):  # refused or unresolvable: no network, retrying cannot help
                raise NetworkError(f"no network: cannot reach {urlsplit(url).netloc} "
                                   f"({unreachable(exc)})", url=shown,
                                   hint="use --offline to work from the cache, or try again "
                                   "when connected") from None
            problem, status = f"dropped the connection ({type(exc).__name__})", None
        except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                requests.exceptions.InvalidSchema) as exc:
            raise NetworkError(f"cannot request {shown}: {exc}", url=shown) from None
        else:
            from_cache = bool(getattr(resp, "from_cache", False))
            # requests-cache answers an uncached only-if-cached request with its own 504
            if settings.offline and (not from_cache or resp.status_code == 504):
                raise OfflineError(f"offline mode: this {service} answer is not in the cache",
                                   url=shown, hint="run once online, or unset REVIEWTOOLS_OFFLINE")
            if resp.status_code == 200:
                return Reply(url=shown, status=200, text=decode(resp), from_cache=from_cache,
                             service=service, content=resp.content,
                             _evict=_evictor(session, resp))
            status = resp.status_code
            problem = describe_status(status)
            if status not in RETRY_STATUSES:
                raise NetworkError(f"{service} {problem}", url=shown, status=status)
            wait_hint = retry_after(resp.headers.get("Retry-After"))
        if attempt == attempts - 1:
            break
        wait = min(settings.backoff * (2 ** attempt), MAX_BACKOFF)
        if wait_hint is not None:
            if waited + wait_hint > RETRY_BUDGET:
                raise NetworkError(
                    f"{service} {problem} and asked us to wait {wait_hint:g} s, longer than "
                    f"the {RETRY_BUDGET:g} s we allow", url=shown, status=status,
                    hint="try again later")
            wait = wait_hint
        if waited + wait > RETRY_BUDGET:
            break
        state.sleep(wait)
        waited += wait
    raise NetworkError(f"{service} {problem}; gave up after {attempt + 1} attempt(s) "
                       f"and {waited:g} s of waiting", url=shown, status=status,
                       hint="the service may be down or rate-limiting; try again later")


def unreachable(exc: Exception) -> str:
    """Why a connection could not even be opened ('' if it was opened, then dropped)."""
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, "reason", reason)  # urllib3 MaxRetryError -> its cause
    if isinstance(reason, urllib3.exceptions.NameResolutionError):
        return "the name does not resolve"
    if isinstance(reason, urllib3.exceptions.NewConnectionError):
        return "connection refused or no route"
    return ""


def resolve(settings: Settings | None, session: requests.Session | None
            ) -> tuple[Settings, requests.Session]:
    """Fill in defaults: the session's settings or the environment's, a new cached session."""
    if settings is None:
        settings = session_state(session).settings if session is not None else Settings.from_env()
    return settings, session if session is not None else make_session(settings)


def get_json(session: requests.Session, url: str, params: Mapping[str, Any] | None = None,
             settings: Settings | None = None, *, refresh: bool = False) -> Any:
    """GET ``url`` and parse JSON (see :func:`fetch` for retries, cache and errors)."""
    return fetch(session, url, params, settings, refresh=refresh).json()


def get_text(session: requests.Session, url: str, params: Mapping[str, Any] | None = None,
             settings: Settings | None = None, *, refresh: bool = False) -> str:
    """GET ``url`` and return its text (see :func:`fetch` for retries, cache and errors)."""
    return fetch(session, url, params, settings, refresh=refresh).text


def in_batches(keys: list[str], size: int, fetch_batch: Callable[[list[str]], Iterable[Any]],
               key_of: Callable[[Any], str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Fetch ``keys`` ``size`` at a time: ``({key: first record}, {key: why it failed})``.

    A batch that fails with a :class:`NetworkError` marks each of its keys as failed and
    the others go on; offline, a missing cached answer raises (a "not found" row would
    be wrong).
    """
    found: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for start in range(0, len(keys), size):
        batch = list(keys[start:start + size])
        try:
            for record in fetch_batch(batch):
                found.setdefault(key_of(record), record)
        except OfflineError:
            raise
        except NetworkError as exc:
            errors.update(dict.fromkeys(batch, str(exc)))
    return found, errors
