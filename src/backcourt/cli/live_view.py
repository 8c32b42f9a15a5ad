"""How a running command's published progress prints: for ``watch`` and for ``status``,
``runs`` and ``plan`` while another process holds the warehouse."""

from __future__ import annotations

from typing import TYPE_CHECKING

from backcourt.cli.common import emit_json, err, out
from backcourt.cli.progress import _duration, progress_line

if TYPE_CHECKING:   # Rich is imported when a panel is drawn: a read command's JSON needs none
    from rich.console import Group


def live_panel(state) -> Group:
    """Per processor done / total, the stage, rate, ETA and the failures so far."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    d = state.data
    head = Text.assemble(
        (f"run {d.get('run_id') or '(starting)'} ", "bold"), f"{d.get('mode', '')}  ",
        (d.get("stage", ""), "cyan"), f"\n{d.get('command', '')}\n",
        f"pid {d.get('pid')}  started {d.get('started_at')}  heartbeat "
        f"{state.heartbeat_age_s:.1f}s ago")
    t = Table(box=None, pad_edge=False)
    for c in ("phase", "processor", "done", "total", "failed", "skipped", "state"):
        t.add_column(c, justify="right" if c in ("phase", "done", "total", "failed",
                                                 "skipped") else "left")
    rows = sorted(d.get("processors", {}).items(), key=lambda kv: (kv[1].get("phase") or 0,
                                                                   kv[0]))
    # finished phases fold into one line each: a terminal keeps the working part in view
    by_phase: dict[int, list[tuple[str, dict]]] = {}
    for name, r in rows:
        by_phase.setdefault(r.get("phase") or 0, []).append((name, r))
    for phase, group in by_phase.items():
        if d.get("status") == "running" and len(group) > 1 and \
                all(r.get("state") == "finished" for _, r in group):
            failed = sum(r.get("failed", 0) for _, r in group)
            t.add_row(str(phase), f"({len(group)} processors)",
                      str(sum(r.get("done", 0) for _, r in group)),
                      str(sum(r.get("total", 0) for _, r in group)),
                      f"[red]{failed}[/red]" if failed else "0",
                      str(sum(r.get("skipped", 0) for _, r in group)), "[green]finished[/]")
            continue
        for name, r in group:
            colour = {"running": "yellow", "finished": "green"}.get(r.get("state"), "dim")
            t.add_row(str(phase or ""), name, str(r.get("done", 0)), str(r.get("total", 0)),
                      f"[red]{r['failed']}[/red]" if r.get("failed") else "0",
                      str(r.get("skipped", 0)), f"[{colour}]{r.get('state')}[/]")
    planned = d.get("planned")
    foot = [f"{d.get('done', 0)}/{planned if planned is not None else '?'} partitions, "
            f"{d.get('succeeded', 0)} done, {d.get('skipped', 0)} skipped, "
            f"[red]{d.get('failed', 0)} failed[/red]"
            + (f", {d['rate_per_s']:.1f}/s" if d.get("rate_per_s") else "")
            + (f", ETA {_duration(d.get('eta_s'))}" if d.get("status") == "running" else "")
            + f", elapsed {_duration(d.get('elapsed_s'))}"]
    for f in d.get("failures", [])[-5:]:
        foot.append(f"[red]FAILED[/red] {f['processor']} {f['game_date']}: {f['category']}: "
                    f"{f['message'][:140]}")
    if state.stale:
        foot.append(f"[bold red]STALE[/bold red]: {state.stale_reason}")
    elif d.get("status") != "running":
        foot.append(f"[bold]ended {d.get('status')}[/bold] at {d.get('finished_at')} "
                    f"(exit {d.get('exit_code')})")
    return Group(head, t, *(Text.from_markup(x) for x in foot))


def show_busy(json: bool, what: str, view=None):
    """A renderer for ``open_ctx(live=...)``: the live progress instead of ``what``;
    ``view(data)``: the part of ``what``'s JSON the published progress can give (its
    cells' states, ``running`` where the run works)."""
    def render(state, message: str) -> None:
        if json:
            emit_json({"busy": True, "holder": message,
                       **(view(state.data) if view is not None else {}),
                       "complete": False, "live": state.as_dict()})
            return
        err.print(f"[yellow]{message}[/yellow]")
        err.print(f"[yellow]{what} is not readable while that run holds the warehouse; its "
                  f"live progress (from {state.path}):[/yellow]")
        out.print(live_panel(state))
        out.print(progress_line(state.data), markup=False, highlight=False)
    return render
