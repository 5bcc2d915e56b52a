"""A thread-safe rate limiter that never lets more than N calls into any window.

It is a token bucket of ``calls`` tokens in which each spent token comes back exactly
``period`` seconds after it was spent. Unlike a bucket refilled at a steady rate (which
allows a burst of N right after N steady calls, i.e. up to 2N in one window), this
guarantees at most ``calls`` calls in *any* window of ``period`` seconds, which is how
NCBI states its limit.

Each service's limit is data beside its client, with the source of the number:
see :data:`LIMITS`.

>>> clock = FakeClock()
>>> limiter = RateLimiter(3, 1.0, clock=clock, sleep=clock.sleep)
>>> [round(limiter.acquire(), 3) for _ in range(4)]   # seconds waited per call
[0.0, 0.0, 0.0, 1.0]
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from reviewtools.errors import InputError

# Requests per second, per service.
LIMITS: dict[str, float] = {
    # NCBI E-utilities usage guidelines: "no more than 3 requests per second" without an
    # API key, 10 per second with one (https://www.ncbi.nlm.nih.gov/books/NBK25497/).
    "ncbi": 3,
    "ncbi_key": 10,
    # OpenAlex: "max 10 requests every second"
    # (https://docs.openalex.org/how-to-use-the-api/rate-limits-and-authentication).
    "openalex": 10,
    # Crossref announces its limit per pool in the x-rate-limit-limit/-interval headers
    # (https://crossref.org/documentation/retrieve-metadata/rest-api/access-and-authentication/);
    # 5/s is at or below what the public and polite pools have announced.
    "crossref": 5,
    # Europe PMC publishes no number; its guidance asks for moderate use, so we keep to
    # NCBI's unauthenticated rate (https://europepmc.org/RestfulWebService).
    "europepmc": 3,
}


class FakeClock:
    """A clock for tests and doctests: ``sleep`` advances ``now`` instantly."""

    def __init__(self, start: float = 0.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)


class RateLimiter:
    """Allow at most ``calls`` calls in any ``period`` seconds, across threads.

    Parameters
    ----------
    calls : int
        Calls allowed per window (e.g. 3 for NCBI without a key).
    period : float
        Window length in seconds.
    clock, sleep : callables
        Injected time source and sleep (``time.monotonic`` and ``time.sleep`` by default).
    """

    def __init__(self, calls: float, period: float = 1.0, *,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if calls < 1 or period <= 0:
            raise InputError(f"rate limit must allow at least 1 call per positive period, "
                             f"got {calls} per {period} s")
        self.calls = int(calls)
        self.period = float(period)
        self.clock = clock
        self.sleep = sleep
        self._slots: deque[float] = deque(maxlen=self.calls)
        self._lock = threading.Lock()
        self.history: deque[float] = deque(maxlen=1000)  # granted times, for reports

    @classmethod
    def per_second(cls, rate: float, **kwargs: Callable) -> RateLimiter:
        """A limiter of ``rate`` calls per second (``rate`` >= 1)."""
        return cls(rate, 1.0, **kwargs)

    def acquire(self) -> float:
        """Block until a call is allowed; return the seconds waited.

        A slot is reserved under the lock (so concurrent callers get distinct, ordered
        slots) and the wait happens outside it.
        """
        with self._lock:
            now = self.clock()
            slot = now
            if len(self._slots) == self.calls:
                slot = max(now, self._slots[0] + self.period)
            self._slots.append(slot)
            self.history.append(slot)
        wait = slot - now
        if wait > 0:
            self.sleep(wait)
        return wait

    def max_in_window(self) -> int:
        """The most granted calls that fell in any half-open window of ``period`` seconds.

        Times within a nanosecond of a window's end count as outside it (float rounding
        of ``slot + period``).
        """
        times = sorted(self.history)
        best, start = 0, 0
        for end, t in enumerate(times):
            while t - times[start] >= self.period - 1e-9:
                start += 1
            best = max(best, end - start + 1)
        return best
