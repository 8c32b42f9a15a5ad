"""A local HTTP server replaying recorded responses (pytest-httpserver on 127.0.0.1).

Each request is answered from ``routes``: a function of (path, query) giving a status and
a body; ``fail`` queues error statuses for an endpoint (served before its good answers),
``slow`` delays its next answers.
Every request is kept with its arrival time (``time.monotonic``) and headers.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from werkzeug import Request, Response

Route = Callable[[str, dict[str, str]], tuple[int, bytes, dict[str, str]]]


@dataclass
class Seen:
    at: float
    path: str
    query: dict[str, str]
    headers: dict[str, str]


@dataclass
class Replay:
    routes: dict[str, Route]                      # last path segment -> answer
    failures: dict[str, list[int]] = field(default_factory=dict)
    delays: dict[str, list[float]] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)

    def fail(self, endpoint: str, *statuses: int) -> None:
        self.failures.setdefault(endpoint, []).extend(statuses)

    def slow(self, endpoint: str, *seconds: float) -> None:
        """Answer the next requests of ``endpoint`` only after these many seconds."""
        self.delays.setdefault(endpoint, []).extend(seconds)

    def handle(self, request: Request) -> Response:
        query = dict(request.args)
        self.seen.append(Seen(time.monotonic(), request.path, query, dict(request.headers)))
        endpoint = request.path.rstrip("/").rsplit("/", 1)[-1]
        pause = self.delays.get(endpoint)
        if pause:
            time.sleep(pause.pop(0))
        queued = self.failures.get(endpoint)
        if queued:
            return Response(b'{"message": "try again"}', status=queued.pop(0))
        route = self.routes.get(endpoint)
        if route is None:
            return Response(b"not found", status=404)
        status, body, headers = route(request.path, query)
        return Response(body, status=status, headers=headers,
                        content_type="application/json")

    def paths(self, endpoint: str) -> list[Seen]:
        return [s for s in self.seen if s.path.rstrip("/").endswith("/" + endpoint)]


def serve(httpserver, replay: Replay) -> str:
    """Answer every request of ``httpserver`` from ``replay``; the server's base URL."""
    httpserver.expect_request(re.compile(".*")).respond_with_handler(replay.handle)
    return httpserver.url_for("/").rstrip("/")
