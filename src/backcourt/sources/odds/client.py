"""The Odds API (v4) historical endpoints: events at a snapshot, one event's odds at a
snapshot. The API key travels as the ``apiKey`` query parameter the API requires and is
never logged or recorded: failures are described by status only, never by URL.

Every response reports the account's quota in its headers (``x-requests-remaining``,
``x-requests-used``, ``x-requests-last``: the cost of that call); the client keeps the last
values. A ``max_requests`` budget caps the calls of one run: the call past it raises
``BudgetSpent`` before anything is sent.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime

import requests

from backcourt.sources.polite import RateLimit, retrying

ODDS_URL = "https://api.the-odds-api.com"
URL_ENV = "BACKCOURT_ODDS_API_URL"   # another address: a mirror, a test server
SPORT = "basketball_nba"
KEY_ENV = "ODDS_API_KEY"


class BudgetSpent(Exception):
    """This run's request budget, or the account's quota, is used up."""


@dataclass(frozen=True)
class OddsSettings:
    base_url: str = field(default_factory=lambda: os.environ.get(URL_ENV) or ODDS_URL)
    per_second: float = 1.0
    attempts: int = 4
    backoff_s: float = 2.0
    timeout_s: float = 30.0
    regions: str = "us"
    minutes_before: int = 60        # the snapshot asked for, before tip-off
    max_requests: int | None = None  # calls this run may make (None: until the quota ends)


@dataclass
class Quota:
    remaining: int | None = None
    used: int | None = None
    last: int | None = None

    def as_dict(self) -> dict:
        return {"remaining": self.remaining, "used": self.used, "last": self.last}


@dataclass
class OddsClient:
    api_key: str = field(repr=False)
    settings: OddsSettings = field(default_factory=OddsSettings)
    requests: int = 0
    quota: Quota = field(default_factory=Quota)

    def __post_init__(self) -> None:
        self._session = requests.Session()
        self._limit = RateLimit(self.settings.per_second)

    def events(self, at: datetime, commence_from: datetime, commence_to: datetime) -> bytes:
        """``GET /v4/historical/sports/basketball_nba/events`` at snapshot ``at``, as sent."""
        return self._get(f"/v4/historical/sports/{SPORT}/events", {
            "date": _iso(at), "commenceTimeFrom": _iso(commence_from),
            "commenceTimeTo": _iso(commence_to)})

    def event_odds(self, event_id: str, markets: str, at: datetime) -> bytes:
        """``GET /v4/historical/sports/basketball_nba/events/{id}/odds``: the snapshot at or
        before ``at`` (the API's rule), as sent."""
        return self._get(f"/v4/historical/sports/{SPORT}/events/{event_id}/odds", {
            "date": _iso(at), "markets": markets, "regions": self.settings.regions,
            "oddsFormat": "american", "dateFormat": "iso"})

    def _get(self, path: str, params: dict) -> bytes:
        s = self.settings
        url = s.base_url.rstrip("/") + path
        for attempt in retrying(s.attempts, s.backoff_s):
            with attempt:
                self._spend()
                response = self._session.get(url, params={**params, "apiKey": self.api_key},
                                             timeout=s.timeout_s)
                self._read_quota(response)
                if response.status_code == 401:
                    raise BudgetSpent("The Odds API refused the key (HTTP 401: a wrong key, "
                                      "or the account's quota is used up)")
                response.raise_for_status()
        return response.content

    def _spend(self) -> None:
        limit = self.settings.max_requests
        if limit is not None and self.requests >= limit:
            raise BudgetSpent(f"--max-requests {limit} reached")
        if self.quota.remaining is not None and self.quota.remaining <= 0:
            raise BudgetSpent("the account's quota is used up (x-requests-remaining 0)")
        self._limit.wait()
        self.requests += 1

    def _read_quota(self, response: requests.Response) -> None:
        for name in ("remaining", "used", "last"):
            value = response.headers.get(f"x-requests-{name}")
            if value is not None:
                try:
                    setattr(self.quota, name, int(float(value)))
                except ValueError:
                    continue


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
