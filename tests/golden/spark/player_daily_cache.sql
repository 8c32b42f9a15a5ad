/* PDC player_daily_cache: one row per game_date × player with a game. Season-to-date and */
/* recent scoring, minutes, usage and efficiency strictly before the date; team pace and */
/* offensive rating over its last 10 games; fatigue from PCF; zone profile from PSZA. */
/* Fewer than 3 games this season is an explained failure (INSUFFICIENT_DATA). */
/* Averages and sums of float columns add integers (the value × 1e9, rounded): exact, */
/* so the result does not depend on the order rows arrive in, and every engine gets the */
/* same bits. */
/* Speed: the work grows with the games, not with dates × earlier games. Each player's */
/* games of the season are numbered once (game_no, by date), with his last-10 (last-5) */
/* sums as window frames over that game and the 9 (4) before it (newest first, as in */
/* PSZA). One running count over his games and his target dates together gives, per */
/* target, how many games he played before it (games_before; on the same date a game */
/* sorts as newer than the target, so it is not counted) and his season-to-date average. */
/* The target then takes the frames of game number games_before: an equality join. The */
/* frames add integers (or decimals) exactly, so they equal per-target aggregates over */
/* the same games bit for bit. Teams the same way. */
WITH ctx AS (
  SELECT
    player_id,
    game_date,
    game_id,
    season,
    team_id,
    opponent_team_id
  FROM nba_analytics.upcoming_player_game_context
  WHERE
    game_date BETWEEN CAST('2023-10-24' AS DATE) AND CAST('2023-11-30' AS DATE)
), games AS (
  SELECT
    h.season,
    h.player_id,
    h.game_date,
    h.points,
    h.minutes,
    h.usage_rate,
    h.fga,
    h.fta
  FROM nba_analytics.player_game_summary AS h
  WHERE
    NOT h.is_dnp
    AND h.game_date < CAST('2023-11-30' AS DATE)
    AND h.season IN (
      SELECT
        season
      FROM ctx
    )
    AND h.player_id IN (
      SELECT
        player_id
      FROM ctx
    )
), framed AS (
  SELECT
    season,
    player_id,
    COUNT(*) OVER (
      PARTITION BY season, player_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING
    ) AS game_no,
    AVG(points) OVER (
      PARTITION BY season, player_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 4 FOLLOWING
    ) AS points_avg_l5,
    AVG(points) OVER (
      PARTITION BY season, player_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 9 FOLLOWING
    ) AS points_avg_l10,
    COUNT(points) OVER (
      PARTITION BY season, player_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 9 FOLLOWING
    ) AS points_n,
    SUM(points) OVER (
      PARTITION BY season, player_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 9 FOLLOWING
    ) AS points_sum,
    SUM(points * points) OVER (
      PARTITION BY season, player_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 9 FOLLOWING
    ) AS points_sq,
    SUM(CAST(ROUND((
      minutes
    ) * 1e9) AS BIGINT)) OVER (
      PARTITION BY season, player_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 9 FOLLOWING
    ) AS minutes_e9,
    COUNT(minutes) OVER (
      PARTITION BY season, player_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 9 FOLLOWING
    ) AS minutes_n,
    SUM(CAST(ROUND((
      usage_rate
    ) * 1e9) AS BIGINT)) OVER (
      PARTITION BY season, player_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 9 FOLLOWING
    ) AS usage_e9,
    COUNT(usage_rate) OVER (
      PARTITION BY season, player_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 9 FOLLOWING
    ) AS usage_n,
    SUM(fga + 0.44 * fta) OVER (
      PARTITION BY season, player_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 9 FOLLOWING
    ) AS shots
  FROM games
), marks AS (
  SELECT
    season,
    player_id,
    game_date,
    0 AS is_game,
    CAST(NULL AS INT) AS points
  FROM ctx
  UNION ALL
  SELECT
    season,
    player_id,
    game_date,
    1 AS is_game,
    points
  FROM games
), counted AS (
  SELECT
    season,
    player_id,
    game_date,
    is_game,
    COUNT(CASE WHEN is_game = 1 THEN 1 END) OVER (
      PARTITION BY season, player_id
      ORDER BY game_date DESC, is_game DESC
      ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING
    ) AS games_before,
    AVG(points) OVER (
      PARTITION BY season, player_id
      ORDER BY game_date DESC, is_game DESC
      ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING
    ) AS points_avg_season
  FROM marks
), agg AS (
  SELECT
    t.game_date AS target_date,
    t.player_id,
    t.games_before AS games_played,
    t.points_avg_season,
    g.points_avg_l5,
    g.points_avg_l10,
    CASE
      WHEN g.points_n >= 2
      THEN SQRT(
        CAST(g.points_n * g.points_sq - g.points_sum * g.points_sum AS DOUBLE) / (
          g.points_n * (
            g.points_n - 1
          )
        )
      )
    END AS points_std_l10, /* the sample standard deviation from exact integer sums (a float accumulator */ /* would depend on the order the rows arrive in) */
    CAST(g.minutes_e9 AS DOUBLE) / (
      NULLIF(g.minutes_n, 0) * 1e9
    ) AS minutes_avg_l10,
    CAST(g.usage_e9 AS DOUBLE) / (
      NULLIF(g.usage_n, 0) * 1e9
    ) AS usage_avg_l10,
    g.points_sum / NULLIF(2 * g.shots, 0) AS ts_pct_l10
  FROM counted AS t
  JOIN framed AS g
    ON g.season = t.season AND g.player_id = t.player_id AND g.game_no = t.games_before
  WHERE
    t.is_game = 0
), team_framed AS (
  SELECT
    season,
    team_id,
    COUNT(*) OVER (
      PARTITION BY season, team_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING
    ) AS game_no,
    SUM(CAST(ROUND((
      pace
    ) * 1e9) AS BIGINT)) OVER (
      PARTITION BY season, team_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 9 FOLLOWING
    ) AS pace_e9,
    COUNT(pace) OVER (
      PARTITION BY season, team_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 9 FOLLOWING
    ) AS pace_n,
    SUM(CAST(ROUND((
      offensive_rating
    ) * 1e9) AS BIGINT)) OVER (
      PARTITION BY season, team_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 9 FOLLOWING
    ) AS off_rating_e9,
    COUNT(offensive_rating) OVER (
      PARTITION BY season, team_id
      ORDER BY game_date DESC
      ROWS BETWEEN CURRENT ROW AND 9 FOLLOWING
    ) AS off_rating_n
  FROM nba_analytics.team_offense_game_summary
  WHERE
    game_date < CAST('2023-11-30' AS DATE)
    AND season IN (
      SELECT
        season
      FROM ctx
    )
    AND team_id IN (
      SELECT
        team_id
      FROM ctx
    )
), team_marks AS (
  SELECT DISTINCT
    season,
    team_id,
    game_date,
    0 AS is_game
  FROM ctx
  UNION ALL
  SELECT
    season,
    team_id,
    game_date,
    1 AS is_game
  FROM nba_analytics.team_offense_game_summary
  WHERE
    game_date < CAST('2023-11-30' AS DATE)
    AND season IN (
      SELECT
        season
      FROM ctx
    )
    AND team_id IN (
      SELECT
        team_id
      FROM ctx
    )
), team_counted AS (
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
  FROM team_marks
), team_agg AS (
  SELECT
    t.game_date AS target_date,
    t.team_id,
    CAST(g.pace_e9 AS DOUBLE) / (
      NULLIF(g.pace_n, 0) * 1e9
    ) AS team_pace_l10,
    CAST(g.off_rating_e9 AS DOUBLE) / (
      NULLIF(g.off_rating_n, 0) * 1e9
    ) AS team_off_rating_l10
  FROM team_counted AS t
  JOIN team_framed AS g
    ON g.season = t.season AND g.team_id = t.team_id AND g.game_no = t.games_before
  WHERE
    t.is_game = 0
)
SELECT
  c.game_date,
  c.game_id,
  c.season,
  c.player_id,
  c.team_id,
  c.opponent_team_id,
  COALESCE(a.games_played, 0) AS games_played,
  COALESCE(a.games_played, 0) < 10 AS early_season_flag,
  a.points_avg_season,
  a.points_avg_l5,
  a.points_avg_l10,
  a.points_std_l10,
  a.minutes_avg_l10,
  a.usage_avg_l10,
  a.ts_pct_l10,
  t.team_pace_l10,
  t.team_off_rating_l10,
  f.fatigue_score,
  z.primary_zone,
  z.paint_rate_l10,
  z.mid_rate_l10,
  z.three_rate_l10,
  z.assisted_rate_l10,
  CASE WHEN COALESCE(a.games_played, 0) < 3 THEN 'INSUFFICIENT_DATA' END AS failure_category,
  CASE
    WHEN COALESCE(a.games_played, 0) < 3
    THEN CAST(COALESCE(a.games_played, 0) AS STRING) || ' games played, needs 3'
  END AS failure_reason
FROM ctx AS c
LEFT JOIN agg AS a
  ON a.target_date = c.game_date AND a.player_id = c.player_id
LEFT JOIN team_agg AS t
  ON t.target_date = c.game_date AND t.team_id = c.team_id
LEFT JOIN nba_precompute.player_composite_factors AS f
  ON f.game_date = c.game_date AND f.player_id = c.player_id
LEFT JOIN nba_precompute.player_shot_zone_analysis AS z
  ON z.game_date = c.game_date AND z.player_id = c.player_id
