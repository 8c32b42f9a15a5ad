"""``backcourt serve``: the dashboard on 127.0.0.1, read-only (GET only), kept live.

The server never keeps the warehouse: it opens it (taking the lock) only when the
warehouse or the progress file changed since it last looked, gathers, closes and releases
it at once. While another process holds the warehouse, the page shows that process's
published progress, refreshed from the progress file.
"""

from __future__ import annotations

import os
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer

import orjson

from backcourt import app as lib
from backcourt.live import progress_path, read_live
from backcourt.report.dashboard_data import from_live, gather
from backcourt.report.page import render
from backcourt.warehouse.lock import WarehouseBusy

HOST = "127.0.0.1"   # this machine only


def _mtime(path: str) -> float | None:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return None


class DashboardServer(HTTPServer):
    def __init__(self, cfg, start: date, end: date, port: int = 8765, refresh: int = 5):
        self.cfg, self.start, self.end, self.refresh = cfg, start, end, refresh
        self._lock = threading.Lock()
        self._seen: tuple | None = None     # (warehouse mtime, progress mtime) last gathered
        self._data: dict | None = None
        super().__init__((HOST, port), _Handler)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}/"

    def data(self) -> dict:
        """The dashboard's data now: gathered again only when something changed."""
        with self._lock:
            state = read_live(self.cfg.warehouse)
            if state is not None and state.running:
                return from_live(state, self.start, self.end)
            seen = (_mtime(self.cfg.warehouse), _mtime(progress_path(self.cfg.warehouse)))
            if self._data is not None and seen == self._seen:
                return self._data
            try:
                ctx = lib.open_context(self.cfg, "backfill", "serve (reading the dashboard)",
                                       read_only=True)
            except WarehouseBusy as exc:   # a writer without a progress file (or starting)
                state = read_live(self.cfg.warehouse)
                if state is not None:
                    return from_live(state, self.start, self.end)
                raise RuntimeError(str(exc)) from None
            try:
                self._data = gather(ctx, self.start, self.end)
                self._data["live"] = (state.as_dict() | {"cells": None, "planned_states": None}
                                      if state else None)
            finally:
                ctx.wh.close()
                lib.release_locks()
            self._seen = (_mtime(self.cfg.warehouse), seen[1])
            return self._data


class _Handler(BaseHTTPRequestHandler):
    server: DashboardServer

    def _send(self, code: int, body: bytes, kind: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        path = self.path.split("?", 1)[0]
        if path not in ("/", "/index.html", "/data.json"):
            self._send(404, b"not found: / (the page) and /data.json only\n", "text/plain")
            return
        try:
            data = self.server.data()
        except RuntimeError as exc:
            self._send(503, f"{exc}\n".encode(), "text/plain; charset=utf-8")
            return
        if path == "/data.json":
            self._send(200, orjson.dumps(data, default=str), "application/json")
        else:
            self._send(200, render(data, self.server.refresh).encode(),
                       "text/html; charset=utf-8")

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - http.server's name
        pass   # quiet: the terminal shows the URL, not every refresh
