"""The NBA stats site through nba_api: its endpoints' parameters, its HTTP client, the
headers the site needs; plus a polite rate limit and retries with backoff.

Responses are kept as the site sent them (Phase 2 validates them); nba_api's own response
parsing is not used, so a shape it does not know never loses a file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import requests

from backcourt.sources.polite import RateLimit, retrying

STATS_URL = "https://stats.nba.com/stats"
URL_ENV = "BACKCOURT_NBA_STATS_URL"   # another address: a mirror, a test server
# What the stats site expects from a browser (it drops requests without them). The Host is
# left to the HTTP library, so a base URL pointing elsewhere (a mirror, a test) works.
HEADERS = {
    "User-Agent": ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
                   "(KHTML, like Gecko) Chrome/145.0.0.0 Safari/537.36"),
    "Accept": "application/json, text/plain, */*",
    "Accept-Language": "en-US,en;q=0.9",
    "Accept-Encoding": "gzip, deflate",
    "Connection": "keep-alive",
    "Origin": "https://www.nba.com",
    "Referer": "https://www.nba.com/",
    "Pragma": "no-cache",
    "Cache-Control": "no-cache",
}


class NotJson(ValueError):
    """The site answered 200 with something that is not JSON."""


@dataclass(frozen=True)
class StatsSettings:
    base_url: str = field(default_factory=lambda: os.environ.get(URL_ENV) or STATS_URL)
    per_second: float = 1.0     # requests a second, at most
    attempts: int = 5           # tries per request (429, 5xx, timeouts are retried)
    backoff_s: float = 2.0      # first wait between tries; doubles each time
    timeout_s: float = 30.0


def _raise_for_status(response: requests.Response, *args, **kwargs) -> None:
    response.raise_for_status()


class StatsClient:
    """One request at a time, at most ``per_second`` a second, each retried on 429, 5xx
    and timeouts. ``requests`` counts the HTTP requests sent (retries included)."""

    def __init__(self, settings: StatsSettings | None = None):
        from nba_api.stats.library.http import NBAStatsHTTP

        self.settings = settings or StatsSettings()
        self._http = NBAStatsHTTP()
        # nba_api formats its base URL with the endpoint's name
        self._http.base_url = self.settings.base_url.rstrip("/") + "/{endpoint}"
        session = requests.Session()
        # nba_api hands back any status as a response; an error status must raise so it
        # is retried (429, 5xx) or recorded (the rest)
        session.hooks["response"].append(_raise_for_status)
        NBAStatsHTTP.set_session(session)
        self._limit = RateLimit(self.settings.per_second)
        self.requests = 0

    def get(self, endpoint) -> bytes:
        """The response body of an nba_api endpoint object made with ``get_request=False``."""
        s = self.settings
        for attempt in retrying(s.attempts, s.backoff_s):
            with attempt:
                self._limit.wait()
                self.requests += 1
                response = self._http.send_api_request(
                    endpoint=endpoint.endpoint, parameters=endpoint.parameters,
                    headers=HEADERS, timeout=s.timeout_s)
        if not response.valid_json():
            raise NotJson(f"{endpoint.endpoint}: the response is not JSON")
        return response.get_response().encode()

    # -- the endpoints a date needs ---------------------------------------------------
    def scoreboard(self, day: str) -> bytes:
        from nba_api.stats.endpoints.scoreboardv3 import ScoreboardV3

        return self.get(ScoreboardV3(game_date=day, league_id="00", get_request=False))

    def boxscore(self, game_id: str) -> bytes:
        from nba_api.stats.endpoints.boxscoretraditionalv3 import BoxScoreTraditionalV3

        return self.get(BoxScoreTraditionalV3(game_id=game_id, get_request=False))

    def playbyplay(self, game_id: str) -> bytes:
        from nba_api.stats.endpoints.playbyplayv3 import PlayByPlayV3

        return self.get(PlayByPlayV3(game_id=game_id, get_request=False))

    def roster(self, team_id: int, season: str) -> bytes:
        from nba_api.stats.endpoints.commonteamroster import CommonTeamRoster

        return self.get(CommonTeamRoster(team_id=team_id, season=season, get_request=False))

    def schedule(self, season: str) -> bytes:
        from nba_api.stats.endpoints.scheduleleaguev2 import ScheduleLeagueV2

        return self.get(ScheduleLeagueV2(league_id="00", season=season, get_request=False))
