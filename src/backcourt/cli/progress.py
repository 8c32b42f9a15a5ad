"""Progress bars for commands that run something (Rich is imported only by them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from backcourt.cli.common import err

if TYPE_CHECKING:
    from rich.progress import Progress


def progress() -> Progress:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description:<32}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=err, transient=False)


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
