"""The ML feature store's features, declared as data; its SQL is generated from them.

Each feature lists where its value comes from, in order of preference, with the kind of
source: the first non-NULL one wins; if none, the default is used (source 'default'), or
the value stays NULL (source 'missing'). Each source kind has a quality weight.
"""

from __future__ import annotations

from dataclasses import dataclass

SOURCE_WEIGHTS = {"phase4": 100, "phase3": 87, "calculated": 100, "vegas": 100,
                  "default": 40, "missing": 0}
TIERS = ((95, "gold"), (85, "silver"), (70, "bronze"), (50, "poor"))
READY_MIN_SCORE = 70  # bronze or better


@dataclass(frozen=True)
class Feature:
    name: str
    sources: tuple[tuple[str, str], ...]   # (source kind, SQL expression)
    default: float | None = None
    required: bool = False                 # a defaulted required feature: not ready


def f(name: str, *sources: tuple[str, str], default: float | None = None,
      required: bool = False) -> Feature:
    return Feature(name, tuple(sources), default, required)


_B = "CASE WHEN {} THEN 1.0 ELSE 0.0 END"

FEATURES: tuple[Feature, ...] = (
    f("points_avg_l5", ("phase4", "d.points_avg_l5"), ("phase3", "c.points_avg_last_5"),
      default=10.0, required=True),
    f("points_avg_l10", ("phase4", "d.points_avg_l10"), ("phase3", "c.points_avg_last_10"),
      default=10.0, required=True),
    f("points_avg_season", ("phase4", "d.points_avg_season"), default=10.0, required=True),
    f("points_std_l10", ("phase4", "d.points_std_l10"), default=6.0),
    f("minutes_avg_l10", ("phase4", "d.minutes_avg_l10"), default=20.0, required=True),
    f("usage_avg_l10", ("phase4", "d.usage_avg_l10"), ("phase3", "c.usage_last_7_games"),
      default=18.0),
    f("ts_pct_l10", ("phase4", "d.ts_pct_l10"), default=0.56),
    f("games_played", ("phase4", "CAST(d.games_played AS DOUBLE)"), default=0.0),
    f("team_pace_l10", ("phase4", "d.team_pace_l10"), ("phase3", "c.team_pace_l10"),
      default=99.0),
    f("fatigue_score", ("phase4", "p.fatigue_score"), default=100.0),
    f("shot_zone_mismatch", ("phase4", "p.shot_zone_mismatch"), default=0.0),
    f("pace_score", ("phase4", "p.pace_score"), default=0.0),
    f("usage_spike", ("phase4", "p.usage_spike"), default=0.0),
    f("total_adjustment", ("phase4", "p.total_adjustment"), default=0.0),
    f("paint_rate_l10", ("phase4", "z.paint_rate_l10"), default=35.0),
    f("three_rate_l10", ("phase4", "z.three_rate_l10"), default=38.0),
    f("opponent_paint_vs_league", ("phase4", "t.paint_vs_league_avg"), default=0.0),
    f("opponent_three_vs_league", ("phase4", "t.three_vs_league_avg"), default=0.0),
    f("opponent_def_rating_l10", ("phase3", "c.opponent_defensive_rating_l10"),
      default=114.0),
    f("pace_differential", ("phase3", "c.pace_differential"), default=0.0),
    f("days_rest", ("phase3", "CAST(c.days_rest AS DOUBLE)"), default=3.0),
    f("back_to_back", ("phase3", _B.format("c.back_to_back"))),
    f("is_home", ("calculated", _B.format("c.is_home"))),
    f("star_teammates_out", ("phase3", "CAST(c.star_teammates_out AS DOUBLE)")),
    f("age", ("phase3", "c.age"), default=27.0),
    f("prop_line", ("vegas", "c.current_points_line")),
    f("spread", ("vegas", "c.spread")),
    f("game_total", ("vegas", "c.game_total")),
)

FEATURE_NAMES = tuple(x.name for x in FEATURES)


def _value(x: Feature) -> str:
    exprs = [e for _, e in x.sources]
    if x.default is not None:
        exprs.append(repr(float(x.default)))
    return exprs[0] if len(exprs) == 1 else f"COALESCE({', '.join(exprs)})"


def _source(x: Feature) -> str:
    whens = " ".join(f"WHEN {e} IS NOT NULL THEN '{k}'" for k, e in x.sources)
    fallback = "default" if x.default is not None else "missing"
    return f"CASE {whens} ELSE '{fallback}' END"


def _weight(col: str) -> str:
    whens = " ".join(f"WHEN '{k}' THEN {w}" for k, w in SOURCE_WEIGHTS.items())
    return f"CASE {col} {whens} END"


def feature_store_sql() -> str:
    """The MLFS statement: one row per game_date × player with a game."""
    values = ",\n    ".join(f"{_value(x)} AS {x.name}" for x in FEATURES)
    sources = ",\n    ".join(f"{_source(x)} AS {x.name}_source" for x in FEATURES)
    score = " + ".join(_weight(f"{x.name}_source") for x in FEATURES)
    required_defaults = " + ".join(
        f"CASE WHEN {x.name}_source IN ('default', 'missing') THEN 1 ELSE 0 END"
        for x in FEATURES if x.required)
    tiers = " ".join(f"WHEN quality_score >= {lo} THEN '{name}'" for lo, name in TIERS)
    return f"""-- MLFS ml_feature_store (generated from pipeline/phase4/features.py)
WITH ctx AS (
    SELECT * FROM nba_analytics.upcoming_player_game_context
    WHERE game_date BETWEEN {{start}} AND {{end}}
),
features AS (
SELECT
    c.game_date, c.game_id, c.season, c.player_id, c.player_lookup, c.team_id,
    c.opponent_team_id, c.injury_status,
    {values},
    {sources}
FROM ctx AS c
LEFT JOIN nba_precompute.player_daily_cache AS d
  ON d.game_date = c.game_date AND d.player_id = c.player_id
LEFT JOIN nba_precompute.player_composite_factors AS p
  ON p.game_date = c.game_date AND p.player_id = c.player_id
LEFT JOIN nba_precompute.player_shot_zone_analysis AS z
  ON z.game_date = c.game_date AND z.player_id = c.player_id
LEFT JOIN nba_precompute.team_defense_zone_analysis AS t
  ON t.game_date = c.game_date AND t.team_id = c.opponent_team_id
),
scored AS (
    SELECT features.*,
           CAST({score} AS DOUBLE) / {float(len(FEATURES))} AS quality_score,
           {required_defaults} AS required_defaulted
    FROM features
)
SELECT
    scored.*,
    CASE {tiers} ELSE 'critical' END AS quality_tier,
    quality_score >= {READY_MIN_SCORE} AND required_defaulted = 0 AS is_quality_ready
FROM scored
"""
