"""Progress of commands that run something: bars on a terminal, periodic one-line messages
in a log (stderr redirected to a file or a pipe), and the live progress file beside the
warehouse for other terminals (``backcourt watch``). Rich is imported only by them."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from backcourt.cli.common import err

if TYPE_CHECKING:
    from rich.progress import Progress

    from backcourt.live import LivePublisher

LOG_EVERY_S = 5.0   # a log gets a progress line this often, and at every stage change


def progress() -> Progress:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description:<32}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=err.console, transient=False)


class Bars:
    """Progress for the runner: one bar per processor, and an overall bar once the
    number of planned partitions is known."""

    def __init__(self, bar: Progress):
        self.bar = bar
        self.tasks: dict[str, int] = {}
        self.done: dict[str, int] = {}
        self.overall: int | None = None

    def planned(self, plan) -> None:
        self.overall = self.bar.add_task("overall", total=plan.to_run)

    def __call__(self, p, done: int, total: int) -> None:
        if p.name not in self.tasks:
            self.tasks[p.name] = self.bar.add_task(f"phase {p.phase} {p.name}", total=total)
        self.bar.update(self.tasks[p.name], completed=done)
        self.done[p.name] = done
        if self.overall is not None:
            self.bar.update(self.overall, completed=sum(self.done.values()))


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    s = int(round(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else \
        f"{s // 60}:{s % 60:02d}"


def progress_line(snap: dict) -> str:
    """One line that reads well in a log: when, which run, stage, counts, rate, ETA."""
    planned = snap.get("planned")
    done = snap.get("done", 0)
    share = f" ({done / planned:.0%})" if planned else ""
    running = [f"{n} {r['done']}/{r['total']}" for n, r in snap.get("processors", {}).items()
               if r.get("state") == "running"]
    parts = [f"{snap.get('heartbeat_at') or ''} {snap.get('mode', '')} "
             f"run {snap.get('run_id') or '-'}",
             snap.get("stage", ""),
             f"{done}/{planned if planned is not None else '?'} partitions{share}",
             f"{snap.get('failed', 0)} failed"]
    if running:
        parts.append("running " + ", ".join(running[:4]))
    if snap.get("rate_per_s"):
        parts.append(f"{snap['rate_per_s']:.1f}/s")
    if snap.get("status") == "running":
        parts.append(f"ETA {_duration(snap.get('eta_s'))}")
    else:
        parts.append(f"exit {snap.get('exit_code')} after {_duration(snap.get('elapsed_s'))}")
    return " | ".join(p for p in parts if p)


class LogLines:
    """A listener of the publisher: prints a progress line every ``LOG_EVERY_S``, at each
    stage change and at the end."""

    def __init__(self, every: float = LOG_EVERY_S):
        self.every = every
        self.last = 0.0
        self.stage: str | None = None

    def __call__(self, snap: dict) -> None:
        now = time.monotonic()
        stage = (snap.get("stage") or "").split(":")[0]   # "stage 3/7", "phase 1", …
        if stage != self.stage or now - self.last >= self.every \
                or snap.get("status") != "running":
            self.stage, self.last = stage, now
            err.line(progress_line(snap))


class LogEvery:
    """A line at most every ``LOG_EVERY_S`` (the first at once), when stderr is a log."""

    def __init__(self, every: float = LOG_EVERY_S):
        self.every, self.last = every, None
        self.on = not err.is_terminal

    def __call__(self, line: str) -> None:
        now = time.monotonic()
        if self.on and (self.last is None or now - self.last >= self.every):
            self.last = now
            err.line(time.strftime("%Y-%m-%dT%H:%M:%SZ ", time.gmtime()) + line)


class Tracker:
    """What a running command reports to: the bars (a terminal), the live progress file
    (and, in a log, its one-line messages)."""

    def __init__(self, live: LivePublisher | None, bar: Progress | None):
        self.live, self.bar = live, bar
        self.bars = Bars(bar) if bar is not None else None
        self._scraped = 0
        self._scrape_task: int | None = None

    def stage(self, label: str) -> None:
        if self.live is not None:
            self.live.stage(label)

    def scraped(self, day) -> None:
        """Phase 1 wrote the raw files of one more date."""
        self._scraped += 1
        if self.bar is not None:
            if self._scrape_task is None:
                self._scrape_task = self.bar.add_task("phase 1 (scrape missing)", total=None)
            self.bar.update(self._scrape_task, completed=self._scraped,
                            description=f"phase 1 scrape {day}")
        if self.live is not None:
            self.live.stage(f"phase 1: scraped {self._scraped} missing dates (last {day})",
                            now=False)

    def planned(self, plan, registry=None) -> None:
        if self.bars is not None:
            self.bars.planned(plan)
        if self.live is not None and registry is not None:
            self.live.planned(plan, registry)

    def __call__(self, p, done: int, total: int) -> None:
        if self.bars is not None:
            self.bars(p, done, total)
        if self.live is not None:
            self.live(p, done, total)

    def finish(self, exit_code: int) -> None:
        if self.live is not None:
            self.live.finish(exit_code)


@contextmanager
def tracking(warehouse: str, command: str, mode: str) -> Iterator[Tracker]:
    """Bars when stderr is a terminal, one-line messages when it is not; the live progress
    file in both cases."""
    from backcourt.live import publish

    with publish(warehouse, command, mode) as live:
        if err.is_terminal:
            with progress() as bar:
                yield Tracker(live, bar)
        else:
            if live is not None:
                live.listeners.append(LogLines())
            yield Tracker(live, None)
