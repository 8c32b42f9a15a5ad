/* team_defense_game_summary: one row per game_date × defending team. */
/* The opponent's offense seen as defense. Zones (the old system's rule): three = any 3-pt */
/* attempt; paint = a 2-pt attempt at <= 8 ft; mid-range = any other 2-pt attempt. */
WITH offense AS (
  SELECT
    *
  FROM nba_analytics.team_offense_game_summary
  WHERE
    game_date BETWEEN CAST('2023-10-24' AS DATE) AND CAST('2023-11-30' AS DATE)
), zones AS (
  SELECT
    game_date,
    game_id,
    team_id,
    COUNT(*) AS fga,
    SUM(CASE WHEN shot_value = 3 THEN 1 ELSE 0 END) AS three_fga,
    SUM(CASE WHEN shot_value = 3 AND is_made THEN 1 ELSE 0 END) AS three_fgm,
    SUM(CASE WHEN shot_value = 2 AND shot_distance <= 8 THEN 1 ELSE 0 END) AS paint_fga,
    SUM(CASE WHEN shot_value = 2 AND shot_distance <= 8 AND is_made THEN 1 ELSE 0 END) AS paint_fgm,
    SUM(CASE WHEN shot_value = 2 AND shot_distance > 8 THEN 1 ELSE 0 END) AS mid_fga,
    SUM(CASE WHEN shot_value = 2 AND shot_distance > 8 AND is_made THEN 1 ELSE 0 END) AS mid_fgm
  FROM nba_raw.pbp_shots
  WHERE
    game_date BETWEEN CAST('2023-10-24' AS DATE) AND CAST('2023-11-30' AS DATE)
  GROUP BY
    game_date,
    game_id,
    team_id
)
SELECT
  d.game_date,
  d.game_id,
  d.season,
  d.season_type,
  d.team_id AS defending_team_id,
  d.team_abbr AS defending_team_abbr,
  d.opponent_team_id,
  d.opponent_team_abbr,
  d.is_home,
  d.opponent_points AS opp_points,
  o.fgm AS opp_fgm,
  o.fga AS opp_fga,
  o.fg3m AS opp_fg3m,
  o.fg3a AS opp_fg3a,
  o.ftm AS opp_ftm,
  o.fta AS opp_fta,
  COALESCE(z.fga = o.fga, FALSE) AS has_shot_zones,
  CASE WHEN z.fga = o.fga THEN z.paint_fga END AS opp_paint_fga,
  CASE WHEN z.fga = o.fga THEN z.paint_fgm END AS opp_paint_fgm,
  CASE WHEN z.fga = o.fga THEN 2 * z.paint_fgm END AS opp_paint_points,
  CASE WHEN z.fga = o.fga THEN z.mid_fga END AS opp_mid_fga,
  CASE WHEN z.fga = o.fga THEN z.mid_fgm END AS opp_mid_fgm,
  CASE WHEN z.fga = o.fga THEN 2 * z.mid_fgm END AS opp_mid_points,
  CASE WHEN z.fga = o.fga THEN z.three_fga END AS opp_three_fga,
  CASE WHEN z.fga = o.fga THEN z.three_fgm END AS opp_three_fgm,
  CASE WHEN z.fga = o.fga THEN 3 * z.three_fgm END AS opp_three_points,
  d.defensive_rating,
  o.pace AS opponent_pace,
  d.possessions,
  d.blk AS blocks,
  d.stl AS steals,
  o.tov AS turnovers_forced,
  d.dreb AS defensive_rebounds,
  d.win_flag
FROM offense AS d
JOIN offense AS o
  ON o.game_id = d.game_id AND o.team_id = d.opponent_team_id
LEFT JOIN zones AS z
  ON z.game_id = o.game_id AND z.team_id = o.team_id
