/* PSZA player_shot_zone_analysis: one row per game_date × player with a game played earlier */
/* in the season. Last 10 games (and last 20 once he has 15) strictly before the date: */
/* zone rate = zone FGA / FGA * 100, zone FG%, attempts per game, assisted rate, primary */
/* zone. Short histories are explained failures (INSUFFICIENT_DATA / NO_SHOT_ZONE). */
WITH targets AS (
  SELECT DISTINCT
    game_date,
    season
  FROM nba_raw.schedule
  WHERE
    game_date BETWEEN CAST('2023-10-24' AS DATE) AND CAST('2023-11-30' AS DATE)
    AND NOT is_postponed
), season_starts AS (
  SELECT
    season,
    MIN(game_date) AS season_start
  FROM nba_raw.schedule
  WHERE
    NOT is_postponed
  GROUP BY
    season
), hist AS (
  SELECT
    t.game_date AS target_date,
    t.season,
    DATE_DIFF(t.game_date, ss.season_start, DAY) AS days_into_season,
    h.player_id,
    h.has_complete_shot_zones AS has_zones,
    h.fga,
    h.fgm,
    h.paint_fga,
    h.paint_fgm,
    h.mid_fga,
    h.mid_fgm,
    h.three_fga,
    h.three_fgm,
    h.assisted_fgm,
    ROW_NUMBER() OVER (PARTITION BY t.game_date, h.player_id ORDER BY h.game_date DESC) AS rn
  FROM targets AS t
  JOIN season_starts AS ss
    ON ss.season = t.season
  JOIN nba_analytics.player_game_summary AS h
    ON h.season = t.season AND h.game_date < t.game_date AND NOT h.is_dnp
), agg AS (
  SELECT
    target_date,
    season,
    player_id,
    MAX(days_into_season) AS days_into_season,
    COUNT(*) AS games_played,
    SUM(CASE WHEN rn <= 10 THEN 1 ELSE 0 END) AS games_l10,
    SUM(CASE WHEN rn <= 10 AND has_zones THEN 1 ELSE 0 END) AS zone_games_l10,
    SUM(CASE WHEN rn <= 10 AND has_zones THEN fga END) AS fga_l10,
    SUM(CASE WHEN rn <= 10 AND has_zones THEN fgm END) AS fgm_l10,
    SUM(CASE WHEN rn <= 10 AND has_zones THEN paint_fga END) AS paint_fga_l10,
    SUM(CASE WHEN rn <= 10 AND has_zones THEN paint_fgm END) AS paint_fgm_l10,
    SUM(CASE WHEN rn <= 10 AND has_zones THEN mid_fga END) AS mid_fga_l10,
    SUM(CASE WHEN rn <= 10 AND has_zones THEN mid_fgm END) AS mid_fgm_l10,
    SUM(CASE WHEN rn <= 10 AND has_zones THEN three_fga END) AS three_fga_l10,
    SUM(CASE WHEN rn <= 10 AND has_zones THEN three_fgm END) AS three_fgm_l10,
    SUM(CASE WHEN rn <= 10 AND has_zones THEN assisted_fgm END) AS assisted_fgm_l10,
    SUM(CASE WHEN rn <= 20 AND has_zones THEN fga END) AS fga_l20,
    SUM(CASE WHEN rn <= 20 AND has_zones THEN paint_fga END) AS paint_fga_l20,
    SUM(CASE WHEN rn <= 20 AND has_zones THEN paint_fgm END) AS paint_fgm_l20,
    SUM(CASE WHEN rn <= 20 AND has_zones THEN mid_fga END) AS mid_fga_l20,
    SUM(CASE WHEN rn <= 20 AND has_zones THEN mid_fgm END) AS mid_fgm_l20,
    SUM(CASE WHEN rn <= 20 AND has_zones THEN three_fga END) AS three_fga_l20,
    SUM(CASE WHEN rn <= 20 AND has_zones THEN three_fgm END) AS three_fgm_l20
  FROM hist
  GROUP BY
    target_date,
    season,
    player_id
), rated AS (
  SELECT
    a.*,
    LEAST(10, LEAST(3 + FLOOR(a.days_into_season / 3.0), 9)) AS min_games, /* 10 games, or the early-season ramp min(3 + days/3, 9) */
    100.0 * a.paint_fga_l10 / NULLIF(a.fga_l10, 0) AS paint_rate_l10,
    100.0 * a.mid_fga_l10 / NULLIF(a.fga_l10, 0) AS mid_rate_l10,
    100.0 * a.three_fga_l10 / NULLIF(a.fga_l10, 0) AS three_rate_l10
  FROM agg AS a
)
SELECT
  target_date AS game_date,
  season,
  player_id,
  days_into_season,
  games_played,
  games_l10 AS games_in_sample,
  games_l10 < 10 AS early_season_flag,
  paint_rate_l10,
  mid_rate_l10,
  three_rate_l10,
  paint_fgm_l10 / NULLIF(CAST(paint_fga_l10 AS FLOAT64), 0) AS paint_fg_pct_l10,
  mid_fgm_l10 / NULLIF(CAST(mid_fga_l10 AS FLOAT64), 0) AS mid_fg_pct_l10,
  three_fgm_l10 / NULLIF(CAST(three_fga_l10 AS FLOAT64), 0) AS three_fg_pct_l10,
  fga_l10 / NULLIF(CAST(zone_games_l10 AS FLOAT64), 0) AS fga_per_game_l10,
  paint_fga_l10 / NULLIF(CAST(zone_games_l10 AS FLOAT64), 0) AS paint_attempts_per_game,
  mid_fga_l10 / NULLIF(CAST(zone_games_l10 AS FLOAT64), 0) AS mid_attempts_per_game,
  three_fga_l10 / NULLIF(CAST(zone_games_l10 AS FLOAT64), 0) AS three_attempts_per_game,
  100.0 * assisted_fgm_l10 / NULLIF(fgm_l10, 0) AS assisted_rate_l10,
  CASE WHEN games_played >= 15 THEN 100.0 * paint_fga_l20 / NULLIF(fga_l20, 0) END AS paint_rate_l20,
  CASE WHEN games_played >= 15 THEN 100.0 * mid_fga_l20 / NULLIF(fga_l20, 0) END AS mid_rate_l20,
  CASE WHEN games_played >= 15 THEN 100.0 * three_fga_l20 / NULLIF(fga_l20, 0) END AS three_rate_l20,
  CASE
    WHEN games_played >= 15
    THEN paint_fgm_l20 / NULLIF(CAST(paint_fga_l20 AS FLOAT64), 0)
  END AS paint_fg_pct_l20,
  CASE
    WHEN games_played >= 15
    THEN mid_fgm_l20 / NULLIF(CAST(mid_fga_l20 AS FLOAT64), 0)
  END AS mid_fg_pct_l20,
  CASE
    WHEN games_played >= 15
    THEN three_fgm_l20 / NULLIF(CAST(three_fga_l20 AS FLOAT64), 0)
  END AS three_fg_pct_l20,
  CASE
    WHEN paint_rate_l10 >= 40
    THEN 'paint'
    WHEN three_rate_l10 >= 40
    THEN 'perimeter'
    WHEN mid_rate_l10 >= 35
    THEN 'mid_range'
    ELSE 'balanced'
  END AS primary_zone,
  CASE
    WHEN games_l10 < min_games
    THEN 'INSUFFICIENT_DATA'
    WHEN zone_games_l10 < min_games
    THEN 'NO_SHOT_ZONE'
  END AS failure_category,
  CASE
    WHEN games_l10 < min_games
    THEN CAST(games_l10 AS STRING) || ' games, needs ' || CAST(CAST(min_games AS INT64) AS STRING)
    WHEN zone_games_l10 < min_games
    THEN CAST(games_l10 - zone_games_l10 AS STRING) || ' of the last games have no shot zones'
  END AS failure_reason
FROM rated
