"""Commands that fill the raw store: scrape (Phase 1 alone, from a source) and import
(files already in hand)."""

from __future__ import annotations

import os
from datetime import date
from typing import Annotated

import typer

from backcourt import stop_signals
from backcourt.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    End,
    Json,
    Raw,
    Start,
    date_range,
    emit_json,
    fail_usage,
    open_store,
    out,
    settings,
)
from backcourt.cli.progress import progress

SOURCES = ("sim", "nba", "odds")
SourceOpt = Annotated[str, typer.Option(
    help="sim: the league simulator; nba: the NBA stats site (stats.nba.com, through "
         "nba_api: scoreboards, box scores, play-by-play, rosters, the season schedule); "
         "odds: The Odds API historical pre-game lines (player points props, h2h, spreads, "
         "totals; API key in env ODDS_API_KEY or ~/.config/backcourt/config.toml)")]


def scrape(start: Start, end: End, source: SourceOpt = "sim",
           seed: Annotated[int | None, typer.Option(help="simulator seed (sim)")] = None,
           rate: Annotated[float, typer.Option(
               help="requests a second, at most (nba, odds)")] = 1.0,
           attempts: Annotated[int, typer.Option(
               help="tries per request; 429, 5xx and timeouts are retried with backoff "
                    "(nba, odds)")] = 5,
           backoff: Annotated[float, typer.Option(
               help="seconds before the first retry, doubling each time (nba, odds)")] = 2.0,
           max_requests: Annotated[int | None, typer.Option(
               help="stop cleanly after this many requests; a re-run continues (odds)")] = None,
           minutes_before: Annotated[int, typer.Option(
               help="the lines' snapshot, in minutes before tip-off (odds)")] = 60,
           base_url: Annotated[str | None, typer.Option(
               help="the API's address, for a mirror or a test server (nba, odds; env "
                    "BACKCOURT_NBA_STATS_URL, BACKCOURT_ODDS_API_URL)")] = None,
           raw: Raw = None, json: Json = False) -> None:
    """Phase 1: fill the raw store for every date in the range. Network sources fetch only
    the files that are missing, so an interrupted run is resumed by running it again; each
    date's outcome is kept in the store's .backcourt/fetch-log-<source>.json."""
    stop_signals.resumable()
    s, e = date_range(start, end)
    if source not in SOURCES:
        raise fail_usage(f"unknown source '{source}' (known: {', '.join(SOURCES)}); files "
                         "in hand are added with `backcourt import`")
    if rate <= 0 or attempts < 1 or backoff < 0:
        raise fail_usage("--rate must be > 0, --attempts >= 1, --backoff >= 0")
    from backcourt.rawstore import provenance
    from backcourt.rawstore.provenance import ProvenanceError

    cfg = settings(raw=raw, seed=seed)
    store = open_store(cfg.raw)
    days = (e - s).days + 1
    try:
        with progress() as bar:
            task = bar.add_task(f"scrape {source}", total=days)

            def tick(day: date, *_status) -> None:
                bar.update(task, completed=(day - s).days + 1,
                           description=f"scrape {source} {day}")

            if source == "sim":
                result = _sim(store, s, e, provenance.sim_seed(store, cfg.seed), tick)
            elif source == "nba":
                result = _nba(store, s, e, rate, attempts, backoff, base_url, tick)
            else:
                result = _odds(store, s, e, rate, attempts, backoff, base_url,
                               max_requests, minutes_before, tick)
            bar.update(task, completed=days)
    except ProvenanceError as exc:
        raise fail_usage(str(exc)) from None
    report = {"source": source, "raw": cfg.raw, **result}
    if json:
        emit_json(report)
    else:
        _print(report)
    raise typer.Exit(EXIT_OK if report["ok"] else EXIT_FAILED)


def _sim(store, s, e, seed, tick) -> dict:
    from backcourt.sources import sim

    r = sim.scrape(store, s, e, seed=seed, on_date=tick)
    return {"ok": True, "seed": seed, "dates": [d.isoformat() for d in r.dates],
            "files": r.files, "seconds": round(r.seconds, 3)}


def _nba(store, s, e, rate, attempts, backoff, base_url, tick) -> dict:
    from backcourt.sources import nba

    kw = {"base_url": base_url} if base_url else {}
    r = nba.fetch(store, s, e, nba.StatsSettings(per_second=rate, attempts=attempts,
                                                 backoff_s=backoff, **kw), on_date=tick)
    return {"ok": r.ok, **r.as_dict()}


def _odds(store, s, e, rate, attempts, backoff, base_url, max_requests, minutes_before,
          tick) -> dict:
    from backcourt.sources import odds
    from backcourt.sources.odds import key as odds_key

    try:
        key = odds_key.api_key()
    except odds_key.KeyConfigError as exc:
        raise fail_usage(str(exc)) from None
    if not key:
        raise fail_usage(f"The Odds API needs a key: {odds_key.where_to_put_it()}")
    if max_requests is not None and max_requests < 1:
        raise fail_usage("--max-requests must be at least 1")
    kw = {"base_url": base_url} if base_url else {}
    r = odds.fetch(store, s, e, key, odds.OddsSettings(
        per_second=rate, attempts=attempts, backoff_s=backoff, max_requests=max_requests,
        minutes_before=minutes_before, **kw), on_date=tick)
    return {"ok": r.ok, **r.as_dict()}


def _print(r: dict) -> None:
    if r["source"] == "sim":
        out.print(f"wrote {r['files']} files for {len(r['dates'])} game dates into "
                  f"{r['raw']} in {r['seconds']:.1f}s")
        return
    out.print(f"{r['source']}: {len(r['dates'])} date(s) complete, {r['files']} files "
              f"written, {r['requests']} requests in {r['seconds']:.1f}s")
    if r.get("no_games"):
        out.print(f"  {len(r['no_games'])} date(s) without games")
    if r.get("quota"):
        q = r["quota"]
        out.print(f"  quota: {q['remaining']} requests remaining, {q['used']} used")
    for what, why in r["failed"].items():
        out.print(f"  [red]not done[/red] {what}: {why}", soft_wrap=True)
    if r.get("stopped"):
        out.print(f"  [yellow]stopped[/yellow]: {r['stopped']}")
    if not r["ok"]:
        out.print("  fix: run the same command again (only what is missing is fetched)")


def import_(files: Annotated[list[str], typer.Argument(
                help="team game logs (leaguegamelog / teamgamelogs JSON, .json.gz too) "
                     "and box-score archives (a folder, .zip or .jsonl of "
                     "boxscoretraditionalv3 responses)")],
            raw: Raw = None, json: Json = False) -> None:
    """Split files in hand into the raw store's date folders, each checked as Phase 2 will
    check it: a season of team game logs (nba_team_gamelogs/<date>/), box-score archives
    (nba_boxscore/<date>/<gameId>.json, dated by the store's scoreboards and game logs)."""
    cfg = settings(raw=raw)
    missing = [f for f in files if not os.path.exists(f)]
    if missing:
        raise fail_usage(f"no such file: {', '.join(missing)}")
    from backcourt.rawstore.provenance import ProvenanceError
    from backcourt.sources.files import import_files

    store = open_store(cfg.raw)
    try:
        result = import_files(store, files)
    except ProvenanceError as exc:
        raise fail_usage(str(exc)) from None
    if json:
        emit_json({"raw": cfg.raw, "ok": result.ok, **result.as_dict()})
    else:
        rows = sum(result.dates.values())
        if result.dates or not result.boxscores:
            out.print(f"imported {rows} rows of {len(result.dates)} date(s) from "
                      f"{len(files)} file(s) into {cfg.raw}/nba_team_gamelogs")
        if result.boxscores:
            out.print(f"imported {sum(result.boxscores.values())} box scores of "
                      f"{len(result.boxscores)} date(s) into {cfg.raw}/nba_boxscore")
        from rich.markup import escape

        for problem in result.problems:   # one line each, whatever the terminal's width
            out.print(f"  [red]not imported[/red] {escape(problem)}", soft_wrap=True)
        if result.problems:
            out.print("  fix: correct the file and import it again (dates already "
                      "imported are rewritten with the same bytes)")
    raise typer.Exit(EXIT_OK if result.ok else EXIT_FAILED)


import_.__name__ = "import"   # the command's name (``import`` is a Python keyword)

COMMANDS = (scrape, import_)
