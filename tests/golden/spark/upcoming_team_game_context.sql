/* upcoming_team_game_context: one row per game_date × team with a game that day, from what */
/* is known before tip-off: earlier games of the season, that day's injury report and */
/* pre-tip game lines. */
WITH games AS (
  SELECT
    game_date,
    game_id,
    season,
    home_team_id AS team_id,
    home_team_abbr AS team_abbr,
    away_team_id AS opponent_team_id,
    away_team_abbr AS opponent_team_abbr,
    TRUE AS is_home
  FROM nba_raw.schedule
  WHERE
    game_date BETWEEN CAST('2023-10-24' AS DATE) AND CAST('2023-11-30' AS DATE)
    AND NOT is_postponed
  UNION ALL
  SELECT
    game_date,
    game_id,
    season,
    away_team_id,
    away_team_abbr,
    home_team_id,
    home_team_abbr,
    FALSE
  FROM nba_raw.schedule
  WHERE
    game_date BETWEEN CAST('2023-10-24' AS DATE) AND CAST('2023-11-30' AS DATE)
    AND NOT is_postponed
), hist AS (
  SELECT
    g.game_date AS target_date,
    g.team_id,
    h.game_date,
    h.win_flag,
    h.margin,
    ROW_NUMBER() OVER (PARTITION BY g.game_date, g.team_id ORDER BY h.game_date DESC) AS rn
  FROM games AS g
  JOIN nba_analytics.team_offense_game_summary AS h
    ON h.team_id = g.team_id AND h.season = g.season AND h.game_date < g.game_date
), streak_break /* the current streak: games since the last result different from the most recent one */ AS (
  SELECT
    l.target_date,
    l.team_id,
    MIN(b.rn) AS first_break
  FROM hist AS l
  JOIN hist AS b
    ON b.target_date = l.target_date
    AND b.team_id = l.team_id
    AND b.win_flag <> l.win_flag
  WHERE
    l.rn = 1
  GROUP BY
    l.target_date,
    l.team_id
), agg AS (
  SELECT
    h.target_date,
    h.team_id,
    MAX(h.game_date) AS last_game_date,
    SUM(CASE WHEN h.game_date >= h.target_date - INTERVAL '7' DAY THEN 1 ELSE 0 END) AS games_last_7_days,
    SUM(CASE WHEN h.game_date >= h.target_date - INTERVAL '14' DAY THEN 1 ELSE 0 END) AS games_last_14_days,
    COUNT(*) AS games_played,
    MAX(CASE WHEN h.rn = 1 THEN h.margin END) AS last_margin,
    MAX(CASE WHEN h.rn = 1 THEN h.win_flag END) AS last_win
  FROM hist AS h
  GROUP BY
    h.target_date,
    h.team_id
), starters AS (
  /* a team's usual starters: started at least half of its games in the previous 30 days */
  SELECT
    g.game_date AS target_date,
    g.team_id,
    p.player_id
  FROM games AS g
  JOIN nba_analytics.player_game_summary AS p
    ON p.team_id = g.team_id
    AND p.season = g.season
    AND p.game_date < g.game_date
    AND p.game_date >= g.game_date - INTERVAL '30' DAY
  GROUP BY
    g.game_date,
    g.team_id,
    p.player_id
  HAVING
    SUM(CASE WHEN p.is_starter THEN 1 ELSE 0 END) * 2 >= COUNT(*)
    AND SUM(CASE WHEN p.is_starter THEN 1 ELSE 0 END) >= 2
), injury AS (
  SELECT
    game_date,
    player_id,
    status,
    ROW_NUMBER() OVER (PARTITION BY game_date, player_id ORDER BY report_time_utc DESC) AS rn
  FROM nba_raw.injury_report
  WHERE
    game_date BETWEEN CAST('2023-10-24' AS DATE) AND CAST('2023-11-30' AS DATE)
    AND NOT player_id IS NULL
), starters_out AS (
  SELECT
    s.target_date,
    s.team_id,
    COUNT(*) AS starters_out
  FROM starters AS s
  JOIN injury AS i
    ON i.game_date = s.target_date
    AND i.player_id = s.player_id
    AND i.rn = 1
    AND i.status = 'Out'
  GROUP BY
    s.target_date,
    s.team_id
), lines AS (
  SELECT
    game_date,
    home_team_abbr,
    away_team_abbr,
    home_spread,
    total,
    ROW_NUMBER() OVER (
      PARTITION BY game_date, home_team_abbr, away_team_abbr
      ORDER BY snapshot_time DESC, CASE bookmaker
        WHEN 'draftkings'
        THEN 1
        WHEN 'fanduel'
        THEN 2
        WHEN 'betmgm'
        THEN 3
        WHEN 'caesars'
        THEN 4
        ELSE 5
      END NULLS LAST, bookmaker NULLS LAST
    ) AS rn_current,
    ROW_NUMBER() OVER (
      PARTITION BY game_date, home_team_abbr, away_team_abbr
      ORDER BY snapshot_time NULLS LAST, CASE bookmaker
        WHEN 'draftkings'
        THEN 1
        WHEN 'fanduel'
        THEN 2
        WHEN 'betmgm'
        THEN 3
        WHEN 'caesars'
        THEN 4
        ELSE 5
      END NULLS LAST, bookmaker NULLS LAST
    ) AS rn_opening
  FROM nba_raw.game_lines
  WHERE
    game_date BETWEEN CAST('2023-10-24' AS DATE) AND CAST('2023-11-30' AS DATE)
    AND is_pregame
    AND NOT home_spread IS NULL
    AND NOT total IS NULL
)
SELECT
  g.game_date,
  g.game_id,
  g.season,
  g.team_id,
  g.team_abbr,
  g.opponent_team_id,
  g.opponent_team_abbr,
  g.is_home,
  DATEDIFF(DAY, a.last_game_date, g.game_date) - 1 AS days_rest,
  COALESCE(DATEDIFF(DAY, a.last_game_date, g.game_date) = 1, FALSE) AS back_to_back,
  COALESCE(a.games_last_7_days, 0) AS games_last_7_days,
  COALESCE(a.games_last_14_days, 0) AS games_last_14_days,
  COALESCE(a.games_played, 0) AS games_played_season,
  CASE WHEN g.is_home THEN lc.home_spread ELSE -lc.home_spread END AS spread,
  CASE WHEN g.is_home THEN lo.home_spread ELSE -lo.home_spread END AS opening_spread,
  CASE
    WHEN g.is_home
    THEN lc.home_spread - lo.home_spread
    ELSE lo.home_spread - lc.home_spread
  END AS spread_movement,
  lc.total AS game_total,
  lo.total AS opening_total,
  lc.total - lo.total AS total_movement,
  CASE
    WHEN NOT g.game_date IN (
      SELECT
        CAST(NULL AS DATE) AS d
      WHERE
        1 = 0
    )
    THEN COALESCE(so.starters_out, 0)
  END AS starters_out, /* NULL without an injury report (an optional source): unknown, not zero */
  NOT g.game_date IN (
    SELECT
      CAST(NULL AS DATE) AS d
    WHERE
      1 = 0
  ) AS injury_report_known,
  CASE
    WHEN a.last_win IS NULL
    THEN 0
    WHEN a.last_win
    THEN COALESCE(sb.first_break - 1, a.games_played)
    ELSE -COALESCE(sb.first_break - 1, a.games_played)
  END AS streak,
  a.last_margin
FROM games AS g
LEFT JOIN agg AS a
  ON a.target_date = g.game_date AND a.team_id = g.team_id
LEFT JOIN streak_break AS sb
  ON sb.target_date = g.game_date AND sb.team_id = g.team_id
LEFT JOIN starters_out AS so
  ON so.target_date = g.game_date AND so.team_id = g.team_id
LEFT JOIN lines AS lc
  ON lc.game_date = g.game_date
  AND lc.rn_current = 1
  AND lc.home_team_abbr = CASE WHEN g.is_home THEN g.team_abbr ELSE g.opponent_team_abbr END
  AND lc.away_team_abbr = CASE WHEN g.is_home THEN g.opponent_team_abbr ELSE g.team_abbr END
LEFT JOIN lines AS lo
  ON lo.game_date = g.game_date
  AND lo.rn_opening = 1
  AND lo.home_team_abbr = CASE WHEN g.is_home THEN g.team_abbr ELSE g.opponent_team_abbr END
  AND lo.away_team_abbr = CASE WHEN g.is_home THEN g.opponent_team_abbr ELSE g.team_abbr END
