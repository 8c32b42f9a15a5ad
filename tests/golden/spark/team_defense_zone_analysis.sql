/* TDZA team_defense_zone_analysis: one row per game_date × team of the season. */
/* Each team's last 15 games strictly before the date (same season): FG% allowed per zone, */
/* attempts and points allowed per game; *_vs_league_avg = (team% - league%) * 100 with */
/* the league average over the previous 30 days among teams with enough games. A team */
/* short of games is an explained failure (INSUFFICIENT_DATA / NO_SHOT_ZONE), not a row. */
/* Speed: each team's games of the season are numbered once, with their last-15 sums as */
/* window frames (newest first); one running count over its games and its target dates */
/* gives the games before each date, and the target takes the frames of that game: an */
/* equality join, so the work grows with the games, not with dates × games. The sums are */
/* of integers: exact, the same bits as per-target aggregates. */
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
), season_teams AS (
  SELECT
    game_date,
    season,
    home_team_id AS team_id
  FROM nba_raw.schedule
  UNION
  SELECT
    game_date,
    season,
    away_team_id AS team_id
  FROM nba_raw.schedule
), teams AS (
  SELECT DISTINCT
    t.game_date,
    t.season,
    x.team_id,
    DATEDIFF(DAY, ss.season_start, t.game_date) AS days_into_season
  FROM targets AS t
  JOIN season_teams AS x
    ON x.season = t.season AND x.game_date <= t.game_date
  JOIN season_starts AS ss
    ON ss.season = t.season
), games AS (
  SELECT
    season,
    defending_team_id,
    game_date,
    has_shot_zones,
    opp_paint_fga,
    opp_paint_fgm,
    opp_mid_fga,
    opp_mid_fgm,
    opp_three_fga,
    opp_three_fgm
  FROM nba_analytics.team_defense_game_summary
  WHERE
    game_date < CAST('2023-11-30' AS DATE)
    AND season IN (
      SELECT
        season
      FROM targets
    )
), framed AS (
  /* per game: its number in the season, and its last-15 sums (it and the 14 before) */
  SELECT
    season,
    defending_team_id AS team_id,
    COUNT(*) OVER (
      PARTITION BY season, defending_team_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING
    ) AS game_no,
    COUNT(*) OVER (
      PARTITION BY season, defending_team_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 14 FOLLOWING
    ) AS games,
    SUM(CASE WHEN has_shot_zones THEN 1 ELSE 0 END) OVER (
      PARTITION BY season, defending_team_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 14 FOLLOWING
    ) AS zone_games,
    SUM(opp_paint_fga) OVER (
      PARTITION BY season, defending_team_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 14 FOLLOWING
    ) AS paint_fga,
    SUM(opp_paint_fgm) OVER (
      PARTITION BY season, defending_team_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 14 FOLLOWING
    ) AS paint_fgm,
    SUM(opp_mid_fga) OVER (
      PARTITION BY season, defending_team_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 14 FOLLOWING
    ) AS mid_fga,
    SUM(opp_mid_fgm) OVER (
      PARTITION BY season, defending_team_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 14 FOLLOWING
    ) AS mid_fgm,
    SUM(opp_three_fga) OVER (
      PARTITION BY season, defending_team_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 14 FOLLOWING
    ) AS three_fga,
    SUM(opp_three_fgm) OVER (
      PARTITION BY season, defending_team_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 14 FOLLOWING
    ) AS three_fgm
  FROM games
), marks AS (
  SELECT
    season,
    team_id,
    game_date,
    0 AS is_game
  FROM teams
  UNION ALL
  SELECT
    season,
    defending_team_id AS team_id,
    game_date,
    1 AS is_game
  FROM games
), counted AS (
  /* per target: the games before it (on the same date a game sorts as newer) */
  SELECT
    season,
    team_id,
    game_date,
    is_game,
    COUNT(CASE WHEN is_game = 1 THEN 1 END) OVER (
      PARTITION BY season, team_id
      ORDER BY game_date DESC, is_game DESC
      ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING
    ) AS games_before
  FROM marks
), agg AS (
  SELECT
    t.game_date AS target_date,
    t.team_id,
    f.games,
    f.zone_games,
    f.paint_fga,
    f.paint_fgm,
    f.mid_fga,
    f.mid_fgm,
    f.three_fga,
    f.three_fgm
  FROM counted AS t
  JOIN framed AS f
    ON f.season = t.season AND f.team_id = t.team_id AND f.game_no = t.games_before
  WHERE
    t.is_game = 0
), judged AS (
  SELECT
    t.game_date,
    t.season,
    t.team_id,
    t.days_into_season,
    COALESCE(a.games, 0) AS games_in_sample,
    COALESCE(a.zone_games, 0) AS zone_games,
    a.paint_fga,
    a.paint_fgm,
    a.mid_fga,
    a.mid_fgm,
    a.three_fga,
    a.three_fgm,
    LEAST(15, LEAST(5 + FLOOR(t.days_into_season / 3.0), 14)) AS min_games /* 15 games, or the early-season ramp min(5 + days/3, 14) */
  FROM teams AS t
  LEFT JOIN agg AS a
    ON a.target_date = t.game_date AND a.team_id = t.team_id
), league AS (
  SELECT
    j.game_date,
    SUM(h.opp_paint_fgm) / NULLIF(CAST(SUM(h.opp_paint_fga) AS DOUBLE), 0) AS paint_pct,
    SUM(h.opp_mid_fgm) / NULLIF(CAST(SUM(h.opp_mid_fga) AS DOUBLE), 0) AS mid_pct,
    SUM(h.opp_three_fgm) / NULLIF(CAST(SUM(h.opp_three_fga) AS DOUBLE), 0) AS three_pct
  FROM judged AS j
  JOIN nba_analytics.team_defense_game_summary AS h
    ON h.defending_team_id = j.team_id
    AND h.season = j.season
    AND h.has_shot_zones
    AND h.game_date < j.game_date
    AND h.game_date >= j.game_date - INTERVAL '30' DAY
  WHERE
    j.games_in_sample >= LEAST(10, j.min_games)
  GROUP BY
    j.game_date
), scored AS (
  SELECT
    j.*,
    j.paint_fgm / NULLIF(CAST(j.paint_fga AS DOUBLE), 0) AS paint_fg_pct_allowed,
    j.mid_fgm / NULLIF(CAST(j.mid_fga AS DOUBLE), 0) AS mid_fg_pct_allowed,
    j.three_fgm / NULLIF(CAST(j.three_fga AS DOUBLE), 0) AS three_fg_pct_allowed,
    l.paint_pct AS league_paint_fg_pct,
    l.mid_pct AS league_mid_fg_pct,
    l.three_pct AS league_three_fg_pct
  FROM judged AS j
  LEFT JOIN league AS l
    ON l.game_date = j.game_date
), final AS (
  SELECT
    s.*,
    (
      s.paint_fg_pct_allowed - s.league_paint_fg_pct
    ) * 100 AS paint_vs_league_avg,
    (
      s.mid_fg_pct_allowed - s.league_mid_fg_pct
    ) * 100 AS mid_vs_league_avg,
    (
      s.three_fg_pct_allowed - s.league_three_fg_pct
    ) * 100 AS three_vs_league_avg
  FROM scored AS s
)
SELECT
  game_date,
  season,
  team_id,
  days_into_season,
  games_in_sample,
  games_in_sample < 15 AS early_season_flag,
  paint_fg_pct_allowed,
  mid_fg_pct_allowed,
  three_fg_pct_allowed,
  paint_fga / NULLIF(CAST(zone_games AS DOUBLE), 0) AS paint_attempts_per_game,
  mid_fga / NULLIF(CAST(zone_games AS DOUBLE), 0) AS mid_attempts_per_game,
  three_fga / NULLIF(CAST(zone_games AS DOUBLE), 0) AS three_attempts_per_game,
  2 * paint_fgm / NULLIF(CAST(zone_games AS DOUBLE), 0) AS paint_points_per_game,
  2 * mid_fgm / NULLIF(CAST(zone_games AS DOUBLE), 0) AS mid_points_per_game,
  3 * three_fgm / NULLIF(CAST(zone_games AS DOUBLE), 0) AS three_points_per_game,
  league_paint_fg_pct,
  league_mid_fg_pct,
  league_three_fg_pct,
  paint_vs_league_avg,
  mid_vs_league_avg,
  three_vs_league_avg,
  CASE
    WHEN paint_vs_league_avg <= mid_vs_league_avg
    AND paint_vs_league_avg <= three_vs_league_avg
    THEN 'paint'
    WHEN mid_vs_league_avg <= three_vs_league_avg
    THEN 'mid_range'
    ELSE 'perimeter'
  END AS strongest_zone,
  CASE
    WHEN paint_vs_league_avg >= mid_vs_league_avg
    AND paint_vs_league_avg >= three_vs_league_avg
    THEN 'paint'
    WHEN mid_vs_league_avg >= three_vs_league_avg
    THEN 'mid_range'
    ELSE 'perimeter'
  END AS weakest_zone,
  CASE
    WHEN games_in_sample < min_games
    THEN 'INSUFFICIENT_DATA'
    WHEN zone_games < games_in_sample OR league_paint_fg_pct IS NULL
    THEN 'NO_SHOT_ZONE'
  END AS failure_category,
  CASE
    WHEN games_in_sample < min_games
    THEN CAST(games_in_sample AS STRING) || ' games, needs ' || CAST(CAST(min_games AS INT) AS STRING)
    WHEN zone_games < games_in_sample
    THEN CAST(games_in_sample - zone_games AS STRING) || ' of the sampled games have no shot zones'
    WHEN league_paint_fg_pct IS NULL
    THEN 'no league zone average in the last 30 days'
  END AS failure_reason
FROM final
