/* PSZA player_shot_zone_analysis: one row per game_date × player with a game played earlier */
/* in the season. Last 10 games (and last 20 once he has 15) strictly before the date: */
/* zone rate = zone FGA / FGA * 100, zone FG%, attempts per game, assisted rate, primary */
/* zone. Short histories are explained failures (INSUFFICIENT_DATA / NO_SHOT_ZONE). */
/* Speed: the last-10/last-20 sums are window frames over each player's games, computed once */
/* per game (not once per target date × earlier game), newest first: a game's frame is it and */
/* the 9 (19) before it. A target date then joins the one game that is the player's latest */
/* before it (games_played = that game's number in the season). */
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
), games AS (
  SELECT
    h.season,
    h.player_id,
    h.game_date,
    h.has_complete_shot_zones AS has_zones,
    h.fga,
    h.fgm,
    h.paint_fga,
    h.paint_fgm,
    h.mid_fga,
    h.mid_fgm,
    h.three_fga,
    h.three_fgm,
    h.assisted_fgm
  FROM nba_analytics.player_game_summary AS h
  WHERE
    NOT h.is_dnp
    AND h.game_date < CAST('2023-11-30' AS DATE)
    AND h.season IN (
      SELECT
        season
      FROM targets
    )
), rolled AS (
  SELECT
    season,
    player_id,
    game_date,
    LAG(game_date) OVER (PARTITION BY season, player_id ORDER BY game_date DESC) AS next_game_date,
    COUNT(*) OVER (
      PARTITION BY season, player_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING
    ) AS games_played,
    SUM(1) OVER (
      PARTITION BY season, player_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 9 FOLLOWING
    ) AS games_l10,
    SUM(CASE WHEN has_zones THEN 1 ELSE 0 END) OVER (
      PARTITION BY season, player_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 9 FOLLOWING
    ) AS zone_games_l10,
    SUM(CASE WHEN has_zones THEN fga END) OVER (
      PARTITION BY season, player_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 9 FOLLOWING
    ) AS fga_l10,
    SUM(CASE WHEN has_zones THEN fgm END) OVER (
      PARTITION BY season, player_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 9 FOLLOWING
    ) AS fgm_l10,
    SUM(CASE WHEN has_zones THEN paint_fga END) OVER (
      PARTITION BY season, player_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 9 FOLLOWING
    ) AS paint_fga_l10,
    SUM(CASE WHEN has_zones THEN paint_fgm END) OVER (
      PARTITION BY season, player_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 9 FOLLOWING
    ) AS paint_fgm_l10,
    SUM(CASE WHEN has_zones THEN mid_fga END) OVER (
      PARTITION BY season, player_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 9 FOLLOWING
    ) AS mid_fga_l10,
    SUM(CASE WHEN has_zones THEN mid_fgm END) OVER (
      PARTITION BY season, player_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 9 FOLLOWING
    ) AS mid_fgm_l10,
    SUM(CASE WHEN has_zones THEN three_fga END) OVER (
      PARTITION BY season, player_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 9 FOLLOWING
    ) AS three_fga_l10,
    SUM(CASE WHEN has_zones THEN three_fgm END) OVER (
      PARTITION BY season, player_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 9 FOLLOWING
    ) AS three_fgm_l10,
    SUM(CASE WHEN has_zones THEN assisted_fgm END) OVER (
      PARTITION BY season, player_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 9 FOLLOWING
    ) AS assisted_fgm_l10,
    SUM(CASE WHEN has_zones THEN fga END) OVER (
      PARTITION BY season, player_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 19 FOLLOWING
    ) AS fga_l20,
    SUM(CASE WHEN has_zones THEN paint_fga END) OVER (
      PARTITION BY season, player_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 19 FOLLOWING
    ) AS paint_fga_l20,
    SUM(CASE WHEN has_zones THEN paint_fgm END) OVER (
      PARTITION BY season, player_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 19 FOLLOWING
    ) AS paint_fgm_l20,
    SUM(CASE WHEN has_zones THEN mid_fga END) OVER (
      PARTITION BY season, player_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 19 FOLLOWING
    ) AS mid_fga_l20,
    SUM(CASE WHEN has_zones THEN mid_fgm END) OVER (
      PARTITION BY season, player_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 19 FOLLOWING
    ) AS mid_fgm_l20,
    SUM(CASE WHEN has_zones THEN three_fga END) OVER (
      PARTITION BY season, player_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 19 FOLLOWING
    ) AS three_fga_l20,
    SUM(CASE WHEN has_zones THEN three_fgm END) OVER (
      PARTITION BY season, player_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 19 FOLLOWING
    ) AS three_fgm_l20
  FROM games
), agg AS (
  /* the player's latest game strictly before the target date */
  SELECT
    t.game_date AS target_date,
    t.season,
    r.player_id,
    DATEDIFF(DAY, ss.season_start, t.game_date) AS days_into_season,
    r.games_played,
    r.games_l10,
    r.zone_games_l10,
    r.fga_l10,
    r.fgm_l10,
    r.paint_fga_l10,
    r.paint_fgm_l10,
    r.mid_fga_l10,
    r.mid_fgm_l10,
    r.three_fga_l10,
    r.three_fgm_l10,
    r.assisted_fgm_l10,
    r.fga_l20,
    r.paint_fga_l20,
    r.paint_fgm_l20,
    r.mid_fga_l20,
    r.mid_fgm_l20,
    r.three_fga_l20,
    r.three_fgm_l20
  FROM targets AS t
  JOIN season_starts AS ss
    ON ss.season = t.season
  JOIN rolled AS r
    ON r.season = t.season
    AND r.game_date < t.game_date
    AND (
      r.next_game_date IS NULL OR r.next_game_date >= t.game_date
    )
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
  paint_fgm_l10 / NULLIF(CAST(paint_fga_l10 AS DOUBLE), 0) AS paint_fg_pct_l10,
  mid_fgm_l10 / NULLIF(CAST(mid_fga_l10 AS DOUBLE), 0) AS mid_fg_pct_l10,
  three_fgm_l10 / NULLIF(CAST(three_fga_l10 AS DOUBLE), 0) AS three_fg_pct_l10,
  fga_l10 / NULLIF(CAST(zone_games_l10 AS DOUBLE), 0) AS fga_per_game_l10,
  paint_fga_l10 / NULLIF(CAST(zone_games_l10 AS DOUBLE), 0) AS paint_attempts_per_game,
  mid_fga_l10 / NULLIF(CAST(zone_games_l10 AS DOUBLE), 0) AS mid_attempts_per_game,
  three_fga_l10 / NULLIF(CAST(zone_games_l10 AS DOUBLE), 0) AS three_attempts_per_game,
  100.0 * assisted_fgm_l10 / NULLIF(fgm_l10, 0) AS assisted_rate_l10,
  CASE WHEN games_played >= 15 THEN 100.0 * paint_fga_l20 / NULLIF(fga_l20, 0) END AS paint_rate_l20,
  CASE WHEN games_played >= 15 THEN 100.0 * mid_fga_l20 / NULLIF(fga_l20, 0) END AS mid_rate_l20,
  CASE WHEN games_played >= 15 THEN 100.0 * three_fga_l20 / NULLIF(fga_l20, 0) END AS three_rate_l20,
  CASE
    WHEN games_played >= 15
    THEN paint_fgm_l20 / NULLIF(CAST(paint_fga_l20 AS DOUBLE), 0)
  END AS paint_fg_pct_l20,
  CASE
    WHEN games_played >= 15
    THEN mid_fgm_l20 / NULLIF(CAST(mid_fga_l20 AS DOUBLE), 0)
  END AS mid_fg_pct_l20,
  CASE
    WHEN games_played >= 15
    THEN three_fgm_l20 / NULLIF(CAST(three_fga_l20 AS DOUBLE), 0)
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
    THEN CAST(games_l10 AS STRING) || ' games, needs ' || CAST(CAST(min_games AS INT) AS STRING)
    WHEN zone_games_l10 < min_games
    THEN CAST(games_l10 - zone_games_l10 AS STRING) || ' of the last games have no shot zones'
  END AS failure_reason
FROM rated
