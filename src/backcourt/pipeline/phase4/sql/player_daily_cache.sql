-- PDC player_daily_cache: one row per game_date × player with a game. Season-to-date and
-- recent scoring, minutes, usage and efficiency strictly before the date; team pace and
-- offensive rating over its last 10 games; fatigue from PCF; zone profile from PSZA.
-- Fewer than 3 games this season is an explained failure (INSUFFICIENT_DATA).
-- Averages and sums of float columns add integers (the value × 1e9, rounded): exact,
-- so the result does not depend on the order rows arrive in, and every engine gets the
-- same bits.
WITH ctx AS (
    SELECT player_id, game_date, game_id, season, team_id, opponent_team_id
    FROM nba_analytics.upcoming_player_game_context
    WHERE game_date BETWEEN {start} AND {end}
),
hist AS (
    SELECT c.game_date AS target_date, c.player_id, h.points, h.minutes, h.usage_rate,
           h.ts_pct, h.fga, h.fta,
           ROW_NUMBER() OVER (PARTITION BY c.game_date, c.player_id
                              ORDER BY h.game_date DESC) AS rn
    FROM ctx AS c
    JOIN nba_analytics.player_game_summary AS h
      ON h.player_id = c.player_id AND h.season = c.season AND NOT h.is_dnp
     AND h.game_date < c.game_date
),
agg AS (
    SELECT
        target_date, player_id,
        COUNT(*) AS games_played,
        AVG(points) AS points_avg_season,
        AVG(CASE WHEN rn <= 5 THEN points END) AS points_avg_l5,
        AVG(CASE WHEN rn <= 10 THEN points END) AS points_avg_l10,
        -- the sample standard deviation from exact integer sums (a float accumulator
        -- would depend on the order the rows arrive in)
        CASE WHEN COUNT(CASE WHEN rn <= 10 THEN points END) >= 2 THEN SQRT(
            CAST(COUNT(CASE WHEN rn <= 10 THEN points END)
                 * SUM(CASE WHEN rn <= 10 THEN points * points END)
                 - SUM(CASE WHEN rn <= 10 THEN points END)
                   * SUM(CASE WHEN rn <= 10 THEN points END) AS DOUBLE)
            / (COUNT(CASE WHEN rn <= 10 THEN points END)
               * (COUNT(CASE WHEN rn <= 10 THEN points END) - 1))) END AS points_std_l10,
        CAST(SUM(CAST(ROUND((CASE WHEN rn <= 10 THEN minutes END) * 1e9) AS BIGINT)) AS DOUBLE)
            / (NULLIF(COUNT(CASE WHEN rn <= 10 THEN minutes END), 0) * 1e9) AS minutes_avg_l10,
        CAST(SUM(CAST(ROUND((CASE WHEN rn <= 10 THEN usage_rate END) * 1e9) AS BIGINT)) AS DOUBLE)
            / (NULLIF(COUNT(CASE WHEN rn <= 10 THEN usage_rate END), 0) * 1e9) AS usage_avg_l10,
        SUM(CASE WHEN rn <= 10 THEN points END)
            / NULLIF(2 * SUM(CASE WHEN rn <= 10 THEN fga + 0.44 * fta END), 0) AS ts_pct_l10
    FROM hist
    GROUP BY target_date, player_id
),
team_hist AS (
    SELECT c.game_date AS target_date, c.team_id, h.pace, h.offensive_rating,
           ROW_NUMBER() OVER (PARTITION BY c.game_date, c.team_id
                              ORDER BY h.game_date DESC) AS rn
    FROM (SELECT DISTINCT game_date, team_id, season FROM ctx) AS c
    JOIN nba_analytics.team_offense_game_summary AS h
      ON h.team_id = c.team_id AND h.season = c.season AND h.game_date < c.game_date
),
team_agg AS (
    SELECT target_date, team_id, CAST(SUM(CAST(ROUND((pace) * 1e9) AS BIGINT)) AS DOUBLE)
            / (NULLIF(COUNT(pace), 0) * 1e9) AS team_pace_l10,
           CAST(SUM(CAST(ROUND((offensive_rating) * 1e9) AS BIGINT)) AS DOUBLE)
            / (NULLIF(COUNT(offensive_rating), 0) * 1e9) AS team_off_rating_l10
    FROM team_hist WHERE rn <= 10
    GROUP BY target_date, team_id
)
SELECT
    c.game_date, c.game_id, c.season, c.player_id, c.team_id, c.opponent_team_id,
    COALESCE(a.games_played, 0) AS games_played,
    COALESCE(a.games_played, 0) < 10 AS early_season_flag,
    a.points_avg_season, a.points_avg_l5, a.points_avg_l10, a.points_std_l10,
    a.minutes_avg_l10, a.usage_avg_l10, a.ts_pct_l10,
    t.team_pace_l10, t.team_off_rating_l10,
    f.fatigue_score,
    z.primary_zone, z.paint_rate_l10, z.mid_rate_l10, z.three_rate_l10,
    z.assisted_rate_l10,
    CASE WHEN COALESCE(a.games_played, 0) < 3 THEN 'INSUFFICIENT_DATA' END
        AS failure_category,
    CASE WHEN COALESCE(a.games_played, 0) < 3
         THEN CAST(COALESCE(a.games_played, 0) AS VARCHAR) || ' games played, needs 3' END
        AS failure_reason
FROM ctx AS c
LEFT JOIN agg AS a ON a.target_date = c.game_date AND a.player_id = c.player_id
LEFT JOIN team_agg AS t ON t.target_date = c.game_date AND t.team_id = c.team_id
LEFT JOIN nba_precompute.player_composite_factors AS f
  ON f.game_date = c.game_date AND f.player_id = c.player_id
LEFT JOIN nba_precompute.player_shot_zone_analysis AS z
  ON z.game_date = c.game_date AND z.player_id = c.player_id
