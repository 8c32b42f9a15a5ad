-- PCF player_composite_factors: one row per game_date × player with a game (the rostered
-- players of upcoming_player_game_context). Fatigue, shot-zone mismatch, pace and usage
-- spike factors and their sum. A player with no game played this season is an explained
-- failure (INSUFFICIENT_DATA).
-- Averages and sums of float columns add integers (the value × 1e9, rounded): exact,
-- so the result does not depend on the order rows arrive in, and every engine gets the
-- same bits.
--
-- Speed: a target's last 10 games in the previous 30 days are a run of his games numbered
-- by date: from max(first game on or after date - 30 days, games_before - 9) to
-- games_before (the games before the date). Both ends come from one running count over
-- his games and two marks per target (the date, and the date - 30 days; on the same date
-- a game sorts as newer than a mark, so it is not counted); the sums over the run are
-- differences of running integer sums, so they are exact and equal the per-target
-- aggregates bit for bit, and the work grows with the games, not with dates × games.
WITH ctx AS (
    SELECT * FROM nba_analytics.upcoming_player_game_context
    WHERE game_date BETWEEN {start} AND {end}
),
games AS (
    SELECT h.season, h.player_id, h.game_date, h.usage_rate, h.minutes
    FROM nba_analytics.player_game_summary AS h
    -- only the games a target can reach: the run's numbers are relative, so numbering
    -- from {start} - 30 days instead of the season's start changes no run
    WHERE NOT h.is_dnp AND h.game_date < {end}
      AND h.game_date >= {start} - INTERVAL 30 DAY
      AND h.season IN (SELECT season FROM ctx)
      AND h.player_id IN (SELECT player_id FROM ctx)
),
running AS (
    -- per game: its number (counted from {start} - 30 days) and the sums up to and
    -- including it
    SELECT
        season, player_id,
        COUNT(*) OVER (
            PARTITION BY season, player_id ORDER BY game_date DESC
            ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS game_no,
        COALESCE(SUM(CAST(ROUND((usage_rate) * 1e9) AS BIGINT)) OVER (
            PARTITION BY season, player_id ORDER BY game_date DESC
            ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING), 0) AS usage_e9,
        COUNT(usage_rate) OVER (
            PARTITION BY season, player_id ORDER BY game_date DESC
            ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS usage_n,
        COALESCE(SUM(CAST(ROUND((minutes) * 1e9) AS BIGINT)) OVER (
            PARTITION BY season, player_id ORDER BY game_date DESC
            ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING), 0) AS minutes_e9,
        COUNT(minutes) OVER (
            PARTITION BY season, player_id ORDER BY game_date DESC
            ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS minutes_n
    FROM games
),
marks AS (
    SELECT season, player_id, game_date AS target_date, game_date AS at_date,
           0 AS is_game, 1 AS is_end
    FROM ctx
    UNION ALL
    SELECT season, player_id, game_date AS target_date,
           CAST(game_date - INTERVAL 30 DAY AS DATE) AS at_date, 0 AS is_game, 0 AS is_end
    FROM ctx
    UNION ALL
    SELECT season, player_id, NULL AS target_date, game_date AS at_date,
           1 AS is_game, 0 AS is_end
    FROM games
),
counted AS (
    SELECT
        season, player_id, target_date, is_game, is_end,
        COUNT(CASE WHEN is_game = 1 THEN 1 END) OVER (
            PARTITION BY season, player_id ORDER BY at_date DESC, is_game DESC
            ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS games_before
    FROM marks
),
spans AS (
    -- the run of game numbers first_no..last_no: his last 10 in the previous 30 days
    SELECT season, player_id, target_date, last_no,
           GREATEST(before_start + 1, last_no - 9) AS first_no
    FROM (
        SELECT season, player_id, target_date,
               MAX(CASE WHEN is_end = 1 THEN games_before END) AS last_no,
               MAX(CASE WHEN is_end = 0 THEN games_before END) AS before_start
        FROM counted
        WHERE is_game = 0
        GROUP BY season, player_id, target_date
    ) AS m
),
l10 AS (
    SELECT s.target_date, s.player_id,
           CAST(hi.usage_e9 - COALESCE(lo.usage_e9, 0) AS DOUBLE)
            / (NULLIF(hi.usage_n - COALESCE(lo.usage_n, 0), 0) * 1e9) AS usage_l10,
           CAST(hi.minutes_e9 - COALESCE(lo.minutes_e9, 0) AS DOUBLE)
            / (NULLIF(hi.minutes_n - COALESCE(lo.minutes_n, 0), 0) * 1e9) AS minutes_l10
    FROM spans AS s
    JOIN running AS hi
      ON hi.season = s.season AND hi.player_id = s.player_id AND hi.game_no = s.last_no
    LEFT JOIN running AS lo
      ON lo.season = s.season AND lo.player_id = s.player_id
     AND lo.game_no = s.first_no - 1
    WHERE s.first_no <= s.last_no
),
freed AS (
    -- share of the team's possessions used by teammates ruled Out before tip-off
    SELECT c.game_date, c.team_id,
           CAST(SUM(CAST(ROUND(l.usage_l10 * l.minutes_l10 / 48.0 / 5.0 * 1e9) AS BIGINT))
                AS DOUBLE) / 1e9
               AS freed_share
    FROM ctx AS c
    JOIN l10 AS l ON l.target_date = c.game_date AND l.player_id = c.player_id
    WHERE c.injury_status = 'Out'
    GROUP BY c.game_date, c.team_id
),
base AS (
    SELECT
        c.game_date, c.game_id, c.season, c.player_id, c.team_id, c.opponent_team_id,
        c.injury_status, c.games_last_30_days,
        -- fatigue: 100, minus load, clamped to 0..100
        GREATEST(0, LEAST(100,
            100
            - CASE WHEN c.back_to_back THEN 15 ELSE 0 END
            + CASE WHEN c.days_rest >= 3 THEN 5 ELSE 0 END
            - CASE WHEN c.games_last_7_days >= 4 THEN 10 ELSE 0 END
            - CASE WHEN c.minutes_last_7_days > 240 THEN 10 ELSE 0 END
            - CASE WHEN c.minutes_last_7_days / NULLIF(c.games_last_7_days, 0) > 35
                   THEN 8 ELSE 0 END
            - CASE WHEN c.back_to_backs_last_14_days >= 2 THEN 12
                   WHEN c.back_to_backs_last_14_days = 1 THEN 5 ELSE 0 END
            - CASE WHEN c.age >= 35 THEN 10 WHEN c.age >= 30 THEN 5 ELSE 0 END
        )) AS fatigue_score,
        c.pace_differential, c.usage_last_7_games, c.star_teammates_out,
        z.primary_zone, z.paint_rate_l10, z.mid_rate_l10, z.three_rate_l10,
        d.paint_vs_league_avg, d.mid_vs_league_avg, d.three_vs_league_avg,
        l.usage_l10, f.freed_share,
        z.player_id IS NOT NULL AS has_zone_profile,
        d.team_id IS NOT NULL AS has_opponent_defense
    FROM ctx AS c
    LEFT JOIN nba_precompute.player_shot_zone_analysis AS z
      ON z.game_date = c.game_date AND z.player_id = c.player_id
    LEFT JOIN nba_precompute.team_defense_zone_analysis AS d
      ON d.game_date = c.game_date AND d.team_id = c.opponent_team_id
    LEFT JOIN l10 AS l ON l.target_date = c.game_date AND l.player_id = c.player_id
    LEFT JOIN freed AS f ON f.game_date = c.game_date AND f.team_id = c.team_id
),
factors AS (
    SELECT
        b.*,
        (b.fatigue_score - 100) / 20.0 AS fatigue_adjustment,
        CASE b.primary_zone
            WHEN 'paint' THEN b.paint_vs_league_avg * LEAST(b.paint_rate_l10 / 50.0, 1)
            WHEN 'perimeter' THEN b.three_vs_league_avg * LEAST(b.three_rate_l10 / 50.0, 1)
            WHEN 'mid_range' THEN b.mid_vs_league_avg * LEAST(b.mid_rate_l10 / 50.0, 1)
            WHEN 'balanced' THEN (b.paint_vs_league_avg * b.paint_rate_l10
                                  + b.mid_vs_league_avg * b.mid_rate_l10
                                  + b.three_vs_league_avg * b.three_rate_l10) / 100.0
        END AS raw_mismatch,
        -- projected usage: his last-10 usage scaled up by the possessions his teammates
        -- ruled Out would have used
        CASE WHEN b.injury_status = 'Out' THEN b.usage_l10
             ELSE b.usage_l10 * 100.0 / (100.0 - LEAST(COALESCE(b.freed_share, 0), 60))
        END AS projected_usage
    FROM base AS b
),
scored AS (
    SELECT
        f.*,
        -- clamps keep NULL as NULL: LEAST/GREATEST skip NULLs on some engines
        CASE WHEN f.raw_mismatch IS NOT NULL THEN GREATEST(-10, LEAST(10,
            CASE WHEN ABS(f.raw_mismatch) > 5 THEN f.raw_mismatch * 1.2 ELSE f.raw_mismatch END
        )) END AS shot_zone_mismatch,
        CASE WHEN f.pace_differential IS NOT NULL
             THEN GREATEST(-3, LEAST(3, f.pace_differential / 2.0)) END AS pace_score,
        CASE WHEN f.projected_usage IS NOT NULL AND f.usage_last_7_games IS NOT NULL
             THEN GREATEST(-3, LEAST(3,
                 (f.projected_usage - f.usage_last_7_games) * 0.3
                 * CASE WHEN f.star_teammates_out >= 2 THEN 1.30
                        WHEN f.star_teammates_out = 1 THEN 1.15 ELSE 1.0 END)) END
            AS usage_spike
    FROM factors AS f
)
SELECT
    game_date, game_id, season, player_id, team_id, opponent_team_id,
    fatigue_score, fatigue_adjustment, primary_zone, shot_zone_mismatch, pace_score,
    projected_usage, usage_last_7_games, usage_spike,
    fatigue_adjustment + COALESCE(shot_zone_mismatch, 0) + COALESCE(pace_score, 0)
        + COALESCE(usage_spike, 0) AS total_adjustment,
    has_zone_profile, has_opponent_defense,
    -- own completeness (10 games in the last 30 days) and every upstream factor present
    games_last_30_days >= 10 AND has_zone_profile AND has_opponent_defense
        AND pace_score IS NOT NULL AND usage_spike IS NOT NULL AS is_production_ready,
    CASE WHEN games_last_30_days = 0 AND usage_l10 IS NULL THEN 'INSUFFICIENT_DATA' END
        AS failure_category,
    CASE WHEN games_last_30_days = 0 AND usage_l10 IS NULL
         THEN 'no game played in the previous 30 days' END AS failure_reason
FROM scored
