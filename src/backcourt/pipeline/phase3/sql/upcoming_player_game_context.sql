-- upcoming_player_game_context: one row per game_date × rostered player of a team with a
-- game that day. Only what is known before tip-off: history strictly before the date (the
-- previous 30 days of the same season), that day's roster, injury report and pre-tip lines.
-- Rosters and the injury report are optional sources: without a roster the date's players
-- are those listed in its box scores (roster_source 'box_score', no birth date, so no age);
-- without an injury report every status is 'Unknown' and star_teammates_out is NULL (the
-- feature store marks both features missing, lowering the row's quality).
-- Averages and sums of float columns add integers (the value × 1e9, rounded): exact,
-- so the result does not depend on the order rows arrive in, and every engine gets the
-- same bits.
WITH games AS (
    SELECT game_date, game_id, season, tipoff_utc, home_team_id AS team_id,
           home_team_abbr AS team_abbr, away_team_id AS opponent_team_id,
           away_team_abbr AS opponent_team_abbr, TRUE AS is_home
    FROM nba_raw.schedule
    WHERE game_date BETWEEN {start} AND {end} AND NOT is_postponed
    UNION ALL
    SELECT game_date, game_id, season, tipoff_utc, away_team_id, away_team_abbr,
           home_team_id, home_team_abbr, FALSE
    FROM nba_raw.schedule
    WHERE game_date BETWEEN {start} AND {end} AND NOT is_postponed
),
roster AS (
    SELECT game_date, team_id, player_id, player_lookup, player_name, birth_date,
           'rosters' AS roster_source
    FROM nba_raw.rosters
    WHERE game_date BETWEEN {start} AND {end}
      AND game_date NOT IN {absent:nba_raw.rosters}
    UNION ALL
    SELECT DISTINCT game_date, team_id, player_id, player_lookup, player_name,
           CAST(NULL AS DATE), 'box_score'
    FROM nba_raw.gamebook_player_stats
    WHERE game_date BETWEEN {start} AND {end} AND game_date IN {absent:nba_raw.rosters}
),
targets AS (
    SELECT g.*, r.player_id, r.player_lookup, r.player_name, r.birth_date, r.roster_source
    FROM games AS g
    JOIN roster AS r ON r.game_date = g.game_date AND r.team_id = g.team_id
),
hist AS (
    SELECT
        t.game_date AS target_date, t.player_id, h.game_date, h.minutes, h.points,
        h.usage_rate,
        ROW_NUMBER() OVER (PARTITION BY t.game_date, t.player_id
                           ORDER BY h.game_date DESC) AS rn,
        DATE_DIFF('day', LAG(h.game_date) OVER (PARTITION BY t.game_date, t.player_id
                                                 ORDER BY h.game_date), h.game_date)
            AS gap_days
    FROM targets AS t
    JOIN nba_analytics.player_game_summary AS h
      ON h.player_id = t.player_id AND h.season = t.season
     AND h.game_date < t.game_date AND h.game_date >= t.game_date - INTERVAL 30 DAY
    WHERE NOT h.is_dnp
),
pagg AS (
    SELECT
        target_date, player_id,
        MAX(game_date) AS last_game_date,
        COUNT(*) AS games_last_30_days,
        SUM(CASE WHEN game_date >= target_date - INTERVAL 7 DAY THEN 1 ELSE 0 END)
            AS games_last_7_days,
        SUM(CASE WHEN game_date >= target_date - INTERVAL 14 DAY THEN 1 ELSE 0 END)
            AS games_last_14_days,
        CAST(SUM(CASE WHEN game_date >= target_date - INTERVAL 7 DAY
                      THEN CAST(ROUND(minutes * 1e9) AS BIGINT) ELSE 0 END) AS DOUBLE) / 1e9
            AS minutes_last_7_days,
        CAST(SUM(CASE WHEN game_date >= target_date - INTERVAL 14 DAY
                      THEN CAST(ROUND(minutes * 1e9) AS BIGINT) ELSE 0 END) AS DOUBLE) / 1e9
            AS minutes_last_14_days,
        SUM(CASE WHEN game_date >= target_date - INTERVAL 14 DAY AND gap_days = 1
                 THEN 1 ELSE 0 END) AS back_to_backs_last_14_days,
        CAST(SUM(CAST(ROUND((CASE WHEN rn <= 7 THEN usage_rate END) * 1e9) AS BIGINT)) AS DOUBLE)
            / (NULLIF(COUNT(CASE WHEN rn <= 7 THEN usage_rate END), 0) * 1e9) AS usage_last_7_games,
        AVG(CASE WHEN rn <= 5 THEN points END) AS points_avg_last_5,
        AVG(CASE WHEN rn <= 10 THEN points END) AS points_avg_last_10,
        AVG(points) AS points_avg_last_30_days
    FROM hist
    GROUP BY target_date, player_id
),
team_hist AS (
    SELECT
        g.game_date AS target_date, g.team_id, h.pace, h.defensive_rating,
        ROW_NUMBER() OVER (PARTITION BY g.game_date, g.team_id ORDER BY h.game_date DESC) AS rn
    FROM games AS g
    JOIN nba_analytics.team_offense_game_summary AS h
      ON h.team_id = g.team_id AND h.season = g.season
     AND h.game_date < g.game_date AND h.game_date >= g.game_date - INTERVAL 30 DAY
),
tagg AS (
    SELECT target_date, team_id,
           CAST(SUM(CAST(ROUND((CASE WHEN rn <= 10 THEN pace END) * 1e9) AS BIGINT)) AS DOUBLE)
            / (NULLIF(COUNT(CASE WHEN rn <= 10 THEN pace END), 0) * 1e9) AS pace_l10,
           CAST(SUM(CAST(ROUND((CASE WHEN rn <= 10 THEN defensive_rating END) * 1e9) AS BIGINT)) AS DOUBLE)
            / (NULLIF(COUNT(CASE WHEN rn <= 10 THEN defensive_rating END), 0) * 1e9)
               AS defensive_rating_l10
    FROM team_hist
    GROUP BY target_date, team_id
),
props AS (
    SELECT
        game_date, player_id, line,
        ROW_NUMBER() OVER (
            PARTITION BY game_date, player_id
            ORDER BY snapshot_time DESC,
                     CASE bookmaker WHEN 'draftkings' THEN 1 WHEN 'fanduel' THEN 2
                                    WHEN 'betmgm' THEN 3 WHEN 'caesars' THEN 4 ELSE 5 END,
                     bookmaker) AS rn_current,
        ROW_NUMBER() OVER (
            PARTITION BY game_date, player_id
            ORDER BY snapshot_time,
                     CASE bookmaker WHEN 'draftkings' THEN 1 WHEN 'fanduel' THEN 2
                                    WHEN 'betmgm' THEN 3 WHEN 'caesars' THEN 4 ELSE 5 END,
                     bookmaker) AS rn_opening
    FROM nba_raw.odds_player_props
    WHERE game_date BETWEEN {start} AND {end}
      AND is_pregame AND player_id IS NOT NULL AND market = 'player_points'
),
lines AS (
    SELECT
        game_date, home_team_abbr, away_team_abbr, home_spread, total,
        ROW_NUMBER() OVER (
            PARTITION BY game_date, home_team_abbr, away_team_abbr
            ORDER BY snapshot_time DESC,
                     CASE bookmaker WHEN 'draftkings' THEN 1 WHEN 'fanduel' THEN 2
                                    WHEN 'betmgm' THEN 3 WHEN 'caesars' THEN 4 ELSE 5 END,
                     bookmaker) AS rn
    FROM nba_raw.game_lines
    WHERE game_date BETWEEN {start} AND {end} AND is_pregame
      AND home_spread IS NOT NULL AND total IS NOT NULL
),
injury AS (
    SELECT game_date, player_id, status, reason,
           ROW_NUMBER() OVER (PARTITION BY game_date, player_id
                              ORDER BY report_time_utc DESC) AS rn
    FROM nba_raw.injury_report
    WHERE game_date BETWEEN {start} AND {end} AND player_id IS NOT NULL
),
enriched AS (
    SELECT
        t.*, p.last_game_date, p.games_last_30_days, p.games_last_7_days,
        p.games_last_14_days, p.minutes_last_7_days, p.minutes_last_14_days,
        p.back_to_backs_last_14_days, p.usage_last_7_games, p.points_avg_last_5,
        p.points_avg_last_10, p.points_avg_last_30_days,
        i.status AS injury_status, i.reason AS injury_reason,
        COALESCE(p.points_avg_last_30_days >= 20 AND p.games_last_30_days >= 3, FALSE)
            AS is_star
    FROM targets AS t
    LEFT JOIN pagg AS p ON p.target_date = t.game_date AND p.player_id = t.player_id
    LEFT JOIN injury AS i ON i.game_date = t.game_date AND i.player_id = t.player_id
         AND i.rn = 1
),
stars_out AS (
    SELECT game_date, team_id, COUNT(*) AS stars_out
    FROM enriched
    WHERE is_star AND injury_status = 'Out'
    GROUP BY game_date, team_id
)
SELECT
    e.game_date, e.game_id, e.season, e.player_id, e.player_lookup, e.player_name,
    e.team_id, e.team_abbr, e.opponent_team_id, e.opponent_team_abbr, e.is_home,
    DATE_DIFF('day', e.last_game_date, e.game_date) - 1 AS days_rest,
    COALESCE(DATE_DIFF('day', e.last_game_date, e.game_date) = 1, FALSE) AS back_to_back,
    COALESCE(e.games_last_7_days, 0) AS games_last_7_days,
    COALESCE(e.games_last_14_days, 0) AS games_last_14_days,
    COALESCE(e.minutes_last_7_days, 0) AS minutes_last_7_days,
    COALESCE(e.minutes_last_14_days, 0) AS minutes_last_14_days,
    COALESCE(e.back_to_backs_last_14_days, 0) AS back_to_backs_last_14_days,
    COALESCE(e.games_last_30_days, 0) AS games_last_30_days,
    e.usage_last_7_games,
    e.points_avg_last_5,
    e.points_avg_last_10,
    tt.pace_l10 AS team_pace_l10,
    ot.pace_l10 AS opponent_pace_l10,
    tt.pace_l10 - ot.pace_l10 AS pace_differential,
    ot.defensive_rating_l10 AS opponent_defensive_rating_l10,
    pc.line AS current_points_line,
    po.line AS opening_points_line,
    pc.line - po.line AS line_movement,
    pc.line IS NOT NULL AS has_prop_line,
    CASE WHEN e.is_home THEN gl.home_spread ELSE -gl.home_spread END AS spread,
    gl.total AS game_total,
    CASE WHEN e.game_date IN {absent:nba_raw.injury_report} THEN 'Unknown'
         ELSE COALESCE(e.injury_status, 'Not Listed') END AS injury_status,
    e.injury_reason,
    CASE WHEN e.game_date NOT IN {absent:nba_raw.injury_report}
         THEN COALESCE(so.stars_out, 0)
              - CASE WHEN e.is_star AND e.injury_status = 'Out' THEN 1 ELSE 0 END
    END AS star_teammates_out,
    CAST(DATE_DIFF('day', e.birth_date, e.game_date) AS DOUBLE) / 365.25 AS age,
    e.roster_source
FROM enriched AS e
LEFT JOIN tagg AS tt ON tt.target_date = e.game_date AND tt.team_id = e.team_id
LEFT JOIN tagg AS ot ON ot.target_date = e.game_date AND ot.team_id = e.opponent_team_id
LEFT JOIN props AS pc ON pc.game_date = e.game_date AND pc.player_id = e.player_id
     AND pc.rn_current = 1
LEFT JOIN props AS po ON po.game_date = e.game_date AND po.player_id = e.player_id
     AND po.rn_opening = 1
LEFT JOIN lines AS gl ON gl.game_date = e.game_date
     AND gl.home_team_abbr = CASE WHEN e.is_home THEN e.team_abbr ELSE e.opponent_team_abbr END
     AND gl.away_team_abbr = CASE WHEN e.is_home THEN e.opponent_team_abbr ELSE e.team_abbr END
     AND gl.rn = 1
LEFT JOIN stars_out AS so ON so.game_date = e.game_date AND so.team_id = e.team_id
