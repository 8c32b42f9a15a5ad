"""What every network source shares: a rate limit, retries with backoff, a fetch log.

The fetch log is a small JSON note per source in the raw store's hidden ``.backcourt/``
folder (``fetch-log-<source>.json``): each date's (or event's) last outcome, with the
number of files written and the reason of a failure. It lives beside the raw files rather
than in the warehouse's ledger because ``scrape`` opens no warehouse (a raw store may be
filled on one machine and loaded on another), and because what it describes — which files
the store holds and why some are missing — belongs to the store.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import orjson
import requests
from tenacity import (
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


class RateLimit:
    """At most ``per_second`` requests a second: each request waits until the previous one
    is at least ``1 / per_second`` seconds old."""

    def __init__(self, per_second: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        if per_second <= 0:
            raise ValueError(f"rate limit must be positive (got {per_second})")
        self.interval = 1.0 / per_second
        self._clock, self._sleep = clock, sleep
        self._last: float | None = None
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = self._clock()
            if self._last is not None and now - self._last < self.interval:
                self._sleep(self.interval - (now - self._last))
                now = self._clock()
            self._last = now


def retryable(exc: BaseException) -> bool:
    """429, 5xx, timeouts and dropped connections are worth another try; the rest are not."""
    if isinstance(exc, requests.HTTPError):
        return exc.response is not None and exc.response.status_code in RETRY_STATUS
    return isinstance(exc, requests.Timeout | requests.ConnectionError)


def retrying(attempts: int, backoff_s: float) -> Retrying:
    """Up to ``attempts`` tries, waiting ``backoff_s``, 2x, 4x... (capped at 60 s) between."""
    return Retrying(stop=stop_after_attempt(max(1, attempts)),
                    wait=wait_exponential(multiplier=backoff_s, min=backoff_s, max=60),
                    retry=retry_if_exception(retryable), reraise=True)


def describe(exc: BaseException) -> str:
    """A short reason for the fetch log (never the request's URL: it may hold a key)."""
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return f"HTTP {exc.response.status_code}"
    if isinstance(exc, requests.Timeout):
        return "timed out"
    if isinstance(exc, requests.ConnectionError):
        return "connection failed"
    return f"{type(exc).__name__}: {exc}"


@dataclass
class FetchLog:
    """Each key's (a date's, an event's) last outcome, kept in the store's notes."""

    store: object
    source: str
    entries: dict[str, dict] = field(default_factory=dict)

    @property
    def note(self) -> str:
        return f"fetch-log-{self.source}.json"

    @classmethod
    def open(cls, store, source: str) -> FetchLog:
        log = cls(store, source)
        raw = store.read_note(log.note)
        if raw is not None:
            log.entries = dict(orjson.loads(raw))
        return log

    def get(self, key: str) -> dict | None:
        return self.entries.get(key)

    def record(self, key: str, status: str, **details) -> None:
        self.entries[key] = {"status": status, "at": _now(), **details}
        self.store.write_note(self.note, orjson.dumps(
            dict(sorted(self.entries.items())), option=orjson.OPT_INDENT_2))


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
