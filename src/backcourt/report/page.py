"""The dashboard as one self-contained HTML page: the Vega-Lite charts and the Vega bundle
inline (nothing is fetched when it is viewed), tables for what reads best as a table."""

from __future__ import annotations

from functools import cache

import jinja2
import orjson

from backcourt.report import charts

MAX_BYTES = 2_000_000   # the page stays a file one can mail


@cache
def _vega_bundle() -> str:
    """vega, vega-lite and vega-embed in one script (from vl-convert: no network)."""
    import altair as alt
    import vl_convert as vlc

    version = alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0]   # "6.4.1" → "6.4"
    try:
        return vlc.javascript_bundle(vl_version=version)
    except ValueError:
        return vlc.javascript_bundle()


def _json(obj) -> str:
    """JSON safe inside a <script> element."""
    return orjson.dumps(obj, default=str).decode().replace("</", "<\\/")


_TEMPLATE = jinja2.Environment(autoescape=True).from_string("""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
{% if refresh %}<meta http-equiv="refresh" content="{{ refresh }}">{% endif %}
<title>backcourt {{ d.start }} … {{ d.end }}</title>
<style>
body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em} h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:12px} td,th{border:1px solid #ddd;padding:2px 6px}
th{background:#f4f4f4} .note{color:#555} .bad{color:#b00} .live{background:#fff4e0;
padding:.6em;border:1px solid #f0b860} .stale{background:#fde2e2;border-color:#d62728}
.counts span{display:inline-block;margin-right:1em}
</style>
<script>{{ bundle|safe }}</script>
</head><body>
<h1>backcourt: {{ d.start }} … {{ d.end }}</h1>
<p class="note">generated {{ d.generated_at }}{% if refresh %}; refreshes every {{ refresh }} s
{% endif %}</p>
{% if d.live %}{% set L = d.live %}
<div id="live" class="live{% if L.stale %} stale{% endif %}">
<b>{% if L.status == "running" and not L.stale %}a run holds the warehouse{% elif L.stale
%}STALE run{% else %}last run{% endif %}</b>: {{ L.command }} (pid {{ L.pid }}) —
<span id="live-stage">{{ L.stage }}</span>;
{{ L.done }}/{{ L.planned if L.planned is not none else "?" }} partitions,
{{ L.failed }} failed{% if L.rate_per_s %}, {{ L.rate_per_s }}/s{% endif
%}{% if L.status == "running" and L.eta_s is not none %}, ETA {{ L.eta_s|round|int }} s{% endif
%}; heartbeat {{ L.heartbeat_age_s }} s ago.
{% if L.stale %}<br><span class="bad">{{ L.stale_reason }}</span>{% endif %}
{% if L.status == "running" and not L.stale %}<br>The warehouse cannot be read while that run
writes it: the matrix below is the run's own progress; runs, validation, failures, quality
and performance come back when it ends.{% endif %}
</div>{% endif %}

<h2 id="status">Partitions: table × date</h2>
<p class="counts" id="state-counts">{% for s, n in state_counts.items() %}<span
data-state="{{ s }}">{{ s }}: <b>{{ n }}</b></span>{% endfor %}
{% if not d.live %}— {{ "complete" if d.status.complete else "incomplete" }}{% endif %}</p>
{% if d.status.cells %}<div id="heatmap"></div>{% else %}
<p class="note">no game dates in this range (nothing scraped or loaded).</p>{% endif %}

{% if d.runs %}<h2 id="runs">Runs</h2>
<div id="run-durations"></div>
<table><tr><th>run</th><th>mode</th><th>status</th><th>window</th><th>started</th>
<th>duration</th><th>succeeded</th><th>failed</th><th>skipped</th><th>rows</th><th>command</th></tr>
{% for r in d.runs %}<tr><td>{{ r.run_id }}</td><td>{{ r.mode }}</td>
<td{% if r.status != "succeeded" %} class="bad"{% endif %}>{{ r.status }}</td>
<td>{{ r.start_date }} … {{ r.end_date }}</td><td>{{ (r.started_at or "")[:19] }}</td>
<td>{{ "%.1f s"|format(r.seconds) if r.seconds is not none else "-" }}</td>
<td>{{ r.attempts.succeeded or 0 }}</td><td>{{ r.attempts.failed or 0 }}</td>
<td>{{ r.attempts.skipped or 0 }}</td><td>{{ r.rows if r.rows is not none else "-" }}</td>
<td>{{ (r.command or "")[:90] }}</td></tr>{% endfor %}</table>{% endif %}

{% if d.validation %}<h2 id="validation">Validation findings and contamination</h2>
{% if d.validation.findings %}<table><tr><th>severity</th><th>type</th><th>processor</th>
<th>dates</th><th>detail</th><th>fix</th></tr>{% for f in d.validation.findings %}
<tr><td class="bad">{{ f.severity }}</td><td>{{ f.type }}</td><td>{{ f.processor }}</td>
<td>{{ f.dates|length }}: {{ f.dates[:4]|join(", ") }}{% if f.dates|length > 4 %} …{% endif %}</td>
<td>{{ f.detail[:200] }}</td><td><code>{{ f.fix }}</code></td></tr>{% endfor %}</table>
{% else %}<p>no findings.</p>{% endif %}
{% if contamination %}<div id="contamination"></div>{% endif %}{% endif %}

{% if d.entity_failures %}<h2 id="entity-failures">Entity failures by category and date</h2>
{% if d.entity_failures.rows %}<div id="entity-failures-chart"></div>{% else %}
<p>no explained entity failures in the range.</p>{% endif %}{% endif %}

{% if d.quality %}<h2 id="quality">Quality tiers per date</h2>
{% if d.quality.cells %}<div id="quality-chart"></div>{% else %}
<p class="note">no quality rows: {{ d.quality.why_empty|join("; ") }}</p>{% endif %}{% endif %}

{% if d.performance %}<h2 id="performance">Prediction performance by week</h2>
{% if d.performance.weekly %}<div id="mae-chart"></div><div id="hit-rate-chart"></div>
<p class="note">hit rate on graded picks; the dashed line is the break-even at −110
({{ "%.1f"|format(d.performance.break_even_hit_rate * 100) }} %).</p>
{% else %}<p class="note" id="why-no-grades">no graded predictions:</p><ul>
{% for w in d.performance.why_empty %}<li>{{ w }}</li>{% endfor %}</ul>{% endif %}{% endif %}

<script>
const specs = {{ specs|safe }};
const packed = {{ packed|safe }};
// the heatmap's cells come columnar (small): back into one object per cell
function unpack(p) {
  return p.cells.map(c => ({processor: p.processors[c[0]], date: p.dates[c[1]],
                            state: p.states[c[2]], rows: c[3],
                            reason: c[4] < 0 ? "" : p.reasons[c[4]]}));
}
for (const [id, data] of Object.entries(packed)) {
  if (specs[id]) specs[id].datasets = Object.assign(specs[id].datasets || {},
                                                    {"{{ cells_name }}": unpack(data)});
}
// the other charts' larger datasets come as a header and rows of values
const tables = {{ tables|safe }};
for (const [id, named] of Object.entries(tables)) {
  for (const [name, t] of Object.entries(named)) {
    specs[id].datasets[name] = t.rows.map(v => Object.fromEntries(
      t.columns.map((c, i) => [c, v[i]])));
  }
}
const opts = {renderer: "svg", actions: false};
for (const [id, spec] of Object.entries(specs)) {
  const el = document.getElementById(id);
  if (el) vegaEmbed(el, spec, opts).catch(e => { el.textContent = "chart error: " + e; });
}
</script>
</body></html>
""")


TABULAR_FROM = 50   # rows: a dataset this long travels as a header and rows of values


def _tabular(spec: dict) -> dict:
    """Move the spec's long inline datasets (``data.values`` anywhere in it) out as
    {columns, rows} under a name (the page puts them back into the spec's ``datasets``
    before drawing): the keys of every row are written once instead of once per row."""
    out: dict[str, dict] = {}

    def walk(node) -> None:
        if isinstance(node, list):
            for x in node:
                walk(x)
            return
        if not isinstance(node, dict):
            return
        data = node.get("data")
        rows = data.get("values") if isinstance(data, dict) else None
        if isinstance(rows, list) and len(rows) >= TABULAR_FROM and \
                all(isinstance(r, dict) for r in rows):
            name = f"table-{len(out)}"
            columns = list(dict.fromkeys(k for r in rows for k in r))
            out[name] = {"columns": columns,
                         "rows": [[r.get(c) for c in columns] for r in rows]}
            node["data"] = {"name": name}
        for key, value in node.items():
            if key != "data":
                walk(value)

    walk(spec)
    if out:
        spec.setdefault("datasets", {}).update({name: [] for name in out})
    return out


def render(d: dict, refresh: int | None = None) -> str:
    """The page for the data of ``dashboard_data.gather`` (or ``from_live``)."""
    specs: dict[str, dict] = {}
    packed: dict[str, dict] = {}
    cells = d["status"]["cells"]
    if cells:
        specs["heatmap"] = charts.heatmap(cells)
        packed["heatmap"] = charts.pack_cells(cells)
    state_counts: dict[str, int] = {}
    for c in cells:
        state_counts[c["state"]] = state_counts.get(c["state"], 0) + 1
    runs = d.get("runs") or []
    if any(r["seconds"] is not None for r in runs):
        specs["run-durations"] = charts.run_durations(runs)
    contamination = []
    if d.get("validation"):
        for c in d["validation"]["contamination"]:
            if c["fields"]:
                field, share = min(c["fields"].items(), key=lambda kv: kv[1])
                contamination.append({"processor": c["processor"], "status": c["status"],
                                      "field": field, "valid": share})
        if contamination:
            specs["contamination"] = charts.contamination(contamination)
    if d.get("entity_failures") and d["entity_failures"]["rows"]:
        specs["entity-failures-chart"] = charts.entity_failures(d["entity_failures"]["rows"])
    if d.get("quality") and d["quality"]["cells"]:
        specs["quality-chart"] = charts.quality_tiers(d["quality"]["cells"])
    if d.get("performance") and d["performance"]["weekly"]:
        specs["mae-chart"] = charts.weekly_mae(d["performance"]["weekly"])
        specs["hit-rate-chart"] = charts.weekly_hit_rate(d["performance"]["weekly"])
    tables = {k: _tabular(spec) for k, spec in specs.items() if k not in packed}
    ordered = {s: state_counts[s] for s in charts.STATE_COLOURS if s in state_counts}
    return _TEMPLATE.render(d=d, refresh=refresh, bundle=_vega_bundle(), specs=_json(specs),
                            packed=_json(packed), cells_name=charts.CELLS,
                            tables=_json({k: v for k, v in tables.items() if v}),
                            state_counts=ordered, contamination=contamination)
