"""A local BigQuery API emulator (``bqemulator``) in its own virtualenv, as a process.

The emulator pins an older sqlglot than backcourt, so it cannot share our environment: it
is installed once into ``<repo>/.venv-bq`` (or ``BACKCOURT_BQ_EMULATOR_VENV``) and reused.
It needs DuckDB's spatial extension, which it would download at start; the network may not
allow that, so the extension comes from its PyPI wheel and is put where DuckDB looks
(``$HOME/.duckdb/extensions``, with HOME a folder of the virtualenv's). Its DuckDB is pinned
to that wheel's version.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

EMULATOR = ["bqemulator==1.4.0", "duckdb==1.5.5", "duckdb-extension-spatial==1.5.5", "numpy"]
PROJECT = "backcourt-test"
_PLACE_EXTENSION = """
import pathlib, shutil, sys, duckdb, duckdb_extension_spatial
src = next(pathlib.Path(duckdb_extension_spatial.__file__).parent.rglob("spatial.duckdb_extension"))
platform = duckdb.connect().execute("PRAGMA platform").fetchone()[0]
dest = pathlib.Path(sys.argv[1]) / ".duckdb" / "extensions" / f"v{duckdb.__version__}" / platform
dest.mkdir(parents=True, exist_ok=True)
shutil.copy(src, dest / src.name)
con = duckdb.connect()
con.execute("LOAD spatial")
"""


def venv_dir() -> Path:
    default = Path(__file__).resolve().parents[2] / ".venv-bq"
    return Path(os.environ.get("BACKCOURT_BQ_EMULATOR_VENV", default))


def install() -> Path:
    """The emulator's virtualenv, made on first use (about a minute); its HOME folder."""
    venv = venv_dir()
    ready = venv / ".backcourt-ready"
    home = venv / "home"
    if ready.exists() and ready.read_text() == " ".join(EMULATOR):
        return venv
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True,
                   capture_output=True)
    pip = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", *EMULATOR],
                         capture_output=True, text=True)
    if pip.returncode:
        raise RuntimeError(f"installing the BigQuery emulator failed: {pip.stderr[-2000:]}")
    placed = subprocess.run([str(venv / "bin" / "python"), "-c", _PLACE_EXTENSION, str(home)],
                            capture_output=True, text=True, env={**os.environ, "HOME": str(home)})
    if placed.returncode:
        raise RuntimeError(f"placing DuckDB's spatial extension failed: {placed.stderr[-2000:]}")
    ready.write_text(" ".join(EMULATOR))
    return venv


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Emulator:
    def __init__(self, venv: Path, log: Path):
        self.rest, grpc = _free_port(), _free_port()
        self.endpoint = f"http://127.0.0.1:{self.rest}"
        self._log = open(log, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [str(venv / "bin" / "bqemulator"), "start", "--rest-host", "127.0.0.1",
             "--rest-port", str(self.rest), "--grpc-host", "127.0.0.1",
             "--grpc-port", str(grpc), "--project", PROJECT, "--log-level", "warning"],
            env={**os.environ, "HOME": str(venv / "home")}, stdout=self._log,
            stderr=subprocess.STDOUT)
        self.log = log

    def wait(self, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        url = f"{self.endpoint}/bigquery/v2/projects/{PROJECT}/datasets"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the emulator exited: {self.log.read_text()[-2000:]}")
            try:
                urllib.request.urlopen(url, timeout=2).read()
                return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"the emulator did not answer in {seconds}s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._log.close()
