"""The dashboard's charts as Vega-Lite specs, built with Altair from the gathered data."""

from __future__ import annotations

import altair as alt

# one colour per state, the same in every view (planned/live states included)
STATE_COLOURS = {
    "done": "#2e9e4f", "missing": "#f2c230", "failed": "#d62728", "stale": "#b04fc9",
    "skipped": "#8fb3d9", "blocked": "#5a5a5a", "queued": "#d9d9d9", "running": "#ff8c1a",
}
TIER_COLOURS = {"gold": "#d4a017", "silver": "#9ea7ad", "bronze": "#b0703c",
                "poor": "#e07a5f", "critical": "#8b1e1e"}
RUN_COLOURS = {"succeeded": "#2e9e4f", "failed": "#d62728", "interrupted": "#ff8c1a",
               "running": "#9e9e9e"}
BREAK_EVEN = 0.524


def _spec(chart) -> dict:
    return chart.to_dict()


CELLS = "cells"   # the heatmap's dataset: filled in the page from its packed form


def pack_cells(cells: list[dict]) -> dict:
    """The heatmap's cells, columnar: each processor, date, state and reason once, each
    cell five numbers (a season is ~4,400 cells, four seasons ~17,000: as objects they
    alone would pass the page's size budget). The page unpacks them (``unpack`` in
    page.py) into the rows the spec reads."""
    index: dict[str, dict[str, int]] = {"processors": {}, "dates": {}, "states": {},
                                        "reasons": {}}

    def at(kind: str, value: str) -> int:
        return index[kind].setdefault(value, len(index[kind]))

    packed = [[at("processors", c["processor"]), at("dates", c["date"]),
               at("states", c["state"]), c["rows"],
               at("reasons", c["reason"]) if c["reason"] else -1] for c in cells]
    return {**{k: list(v) for k, v in index.items()}, "cells": packed}


def heatmap(cells: list[dict]) -> dict:
    """Table × date, coloured by state, phases grouped (one row of the facet per phase),
    the reason on hover. The spec reads the named dataset ``cells`` (see pack_cells); the
    table and the phase come from one row per processor."""
    order = sorted({(c["phase"] or 0, c["processor"]) for c in cells})
    names = [n for _, n in order]
    states = [s for s in STATE_COLOURS if any(c["state"] == s for c in cells)]
    procs = {c["processor"]: {"processor": c["processor"], "table": c["table"],
                              "phase": f"phase {c['phase']}"} for c in cells}
    base = alt.Chart(alt.NamedData(CELLS)).transform_lookup(
        lookup="processor", from_=alt.LookupData(alt.Data(values=list(procs.values())),
                                                 "processor", ["table", "phase"]),
    ).mark_rect(stroke="white", strokeWidth=0.5).encode(
        x=alt.X("date:O", title=None, axis=alt.Axis(labelAngle=-60, labelFontSize=9)),
        y=alt.Y("processor:N", sort=names, title=None),
        color=alt.Color("state:N", title="state",
                        scale=alt.Scale(domain=states,
                                        range=[STATE_COLOURS[s] for s in states])),
        tooltip=[alt.Tooltip("processor:N"), alt.Tooltip("table:N"), alt.Tooltip("date:O"),
                 alt.Tooltip("state:N"), alt.Tooltip("rows:Q"),
                 alt.Tooltip("reason:N")],
    ).properties(width={"step": 14}, height={"step": 14})
    return _spec(base.facet(row=alt.Row("phase:N", title=None,
                                        header=alt.Header(labelAngle=0, labelAlign="left")))
                 .resolve_scale(y="independent"))


def run_durations(runs: list[dict]) -> dict:
    rows = [r for r in runs if r["seconds"] is not None]
    return _spec(alt.Chart(alt.Data(values=rows)).mark_bar().encode(
        x=alt.X("run_id:N", sort=None, title="run", axis=alt.Axis(labelAngle=-45)),
        y=alt.Y("seconds:Q", title="duration (s)"),
        color=alt.Color("status:N", scale=alt.Scale(
            domain=list(RUN_COLOURS), range=list(RUN_COLOURS.values()))),
        tooltip=["run_id:N", "status:N", "mode:N", "seconds:Q", "start_date:N",
                 "end_date:N", "command:N"]).properties(width={"step": 24}, height=160))


def contamination(rows: list[dict]) -> dict:
    return _spec(alt.Chart(alt.Data(values=rows)).mark_bar().encode(
        y=alt.Y("processor:N", sort="x", title=None),
        x=alt.X("valid:Q", title="valid share of the worst critical field",
                scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        color=alt.Color("status:N", scale=alt.Scale(
            domain=["CLEAN", "PARTIAL", "CONTAMINATED"],
            range=["#2e9e4f", "#f2c230", "#d62728"])),
        tooltip=["processor:N", "status:N", "field:N",
                 alt.Tooltip("valid:Q", format=".1%")]).properties(width=500))


def entity_failures(rows: list[dict]) -> dict:
    return _spec(alt.Chart(alt.Data(values=rows)).mark_bar().encode(
        x=alt.X("game_date:T", title=None),
        y=alt.Y("sum(entities):Q", title="entities left out"),
        color=alt.Color("category:N"),
        tooltip=["game_date:T", "processor:N", "category:N", "entities:Q"],
    ).properties(width=600, height=180))


QUALITY_SOURCE = "ml_feature_store"   # predictions and grades copy its tiers


def quality_tiers(cells: list[dict]) -> dict:
    """The tier mix per date of the feature store (of any quality table without one)."""
    shown = [c for c in cells if c["processor"] == QUALITY_SOURCE] or cells
    tiers = [t for t in TIER_COLOURS if any(c["tier"] == t for c in shown)]
    rank = {t: i for i, t in enumerate(TIER_COLOURS)}
    rows = [{"processor": c["processor"], "game_date": str(c["game_date"]), "tier": c["tier"],
             "rows": c["rows"], "avg_score": c["avg_score"],
             "tier_rank": rank.get(c["tier"], 9)} for c in shown]
    return _spec(alt.Chart(alt.Data(values=rows)).mark_bar().encode(
        x=alt.X("game_date:T", title=None),
        y=alt.Y("sum(rows):Q", stack="normalize", title="share of rows",
                axis=alt.Axis(format="%")),
        color=alt.Color("tier:N", sort=tiers, scale=alt.Scale(
            domain=tiers, range=[TIER_COLOURS[t] for t in tiers])),
        order=alt.Order("tier_rank:Q"),
        tooltip=["processor:N", "game_date:T", "tier:N", "rows:Q", "avg_score:Q"],
    ).properties(width=600, height=140).facet(row=alt.Row("processor:N", title=None)))


def weekly_mae(rows: list[dict]) -> dict:
    return _spec(alt.Chart(alt.Data(values=rows)).mark_line(point=True).encode(
        x=alt.X("week:O", title="week (Monday)"), y=alt.Y("mae:Q", title="MAE (points)"),
        color="system:N", tooltip=["system:N", "week:O", "mae:Q", "played:Q"],
    ).properties(width=420, height=200))


def weekly_hit_rate(rows: list[dict]) -> dict:
    line = alt.Chart(alt.Data(values=rows)).mark_line(point=True).encode(
        x=alt.X("week:O", title="week (Monday)"),
        y=alt.Y("hit_rate:Q", title="hit rate on graded picks", axis=alt.Axis(format="%"),
                scale=alt.Scale(zero=False)),
        color="system:N",
        tooltip=["system:N", "week:O", alt.Tooltip("hit_rate:Q", format=".1%"),
                 "graded_picks:Q"])
    rule = alt.Chart(alt.Data(values=[{"y": BREAK_EVEN, "label": "break-even 52.4 %"}])) \
        .mark_rule(strokeDash=[4, 4], color="#d62728").encode(y="y:Q", tooltip=["label:N"])
    return _spec((line + rule).properties(width=420, height=200))
