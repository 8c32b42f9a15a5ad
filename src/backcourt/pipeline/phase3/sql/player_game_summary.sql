-- player_game_summary: one row per game_date × player listed in a final game's box score
-- (DNP and inactive players included, flagged is_dnp).
-- Usage rate: Basketball-Reference's formula with team totals from team_offense_game_summary.
-- The points line is the last pre-tip line (bookmaker priority breaks ties); in-game
-- snapshots are never used.
WITH box AS (
    SELECT g.*
    FROM nba_raw.gamebook_player_stats AS g
    WHERE g.game_date BETWEEN {start} AND {end}
),
team AS (
    SELECT * FROM nba_analytics.team_offense_game_summary
    WHERE game_date BETWEEN {start} AND {end}
),
zones AS (
    SELECT
        game_date, game_id, player_id,
        COUNT(*) AS fga,
        SUM(CASE WHEN shot_value = 2 AND shot_distance <= 8 THEN 1 ELSE 0 END) AS paint_fga,
        SUM(CASE WHEN shot_value = 2 AND shot_distance <= 8 AND is_made THEN 1 ELSE 0 END)
            AS paint_fgm,
        SUM(CASE WHEN shot_value = 2 AND shot_distance > 8 THEN 1 ELSE 0 END) AS mid_fga,
        SUM(CASE WHEN shot_value = 2 AND shot_distance > 8 AND is_made THEN 1 ELSE 0 END)
            AS mid_fgm,
        SUM(CASE WHEN shot_value = 3 THEN 1 ELSE 0 END) AS three_fga,
        SUM(CASE WHEN shot_value = 3 AND is_made THEN 1 ELSE 0 END) AS three_fgm,
        SUM(CASE WHEN is_made AND is_assisted THEN 1 ELSE 0 END) AS assisted_fgm
    FROM nba_raw.pbp_shots
    WHERE game_date BETWEEN {start} AND {end}
    GROUP BY game_date, game_id, player_id
),
pbp_games AS (
    SELECT DISTINCT game_id FROM nba_raw.pbp_shots WHERE game_date BETWEEN {start} AND {end}
),
pregame_lines AS (
    SELECT
        game_date, player_id, line, bookmaker,
        ROW_NUMBER() OVER (
            PARTITION BY game_date, player_id
            ORDER BY snapshot_time DESC,
                     CASE bookmaker WHEN 'draftkings' THEN 1 WHEN 'fanduel' THEN 2
                                    WHEN 'betmgm' THEN 3 WHEN 'caesars' THEN 4 ELSE 5 END,
                     bookmaker
        ) AS rn
    FROM nba_raw.odds_player_props
    WHERE game_date BETWEEN {start} AND {end}
      AND is_pregame AND player_id IS NOT NULL AND market = 'player_points'
)
SELECT
    b.game_date, b.game_id, t.season, t.season_type, b.player_id, b.player_lookup,
    b.player_name, b.team_id, b.team_abbr, b.opponent_team_id, b.is_home, b.is_starter,
    b.player_status, b.dnp_reason,
    b.player_status <> 'ACTIVE' AS is_dnp,
    b.minutes, b.pts AS points, b.fgm, b.fga, b.fg3m, b.fg3a, b.ftm, b.fta,
    b.oreb, b.dreb, b.reb, b.ast, b.stl, b.blk, b.tov, b.pf, b.plus_minus,
    CAST(b.pts AS DOUBLE) / NULLIF(2 * (b.fga + 0.44 * b.fta), 0) AS ts_pct,
    (b.fgm + 0.5 * b.fg3m) / NULLIF(CAST(b.fga AS DOUBLE), 0) AS efg_pct,
    100.0 * (b.fga + 0.44 * b.fta + b.tov) * (t.game_minutes)
        / NULLIF(b.minutes * (t.fga + 0.44 * t.fta + t.tov), 0) AS usage_rate,
    CASE WHEN pg.game_id IS NOT NULL THEN COALESCE(z.paint_fga, 0) END AS paint_fga,
    CASE WHEN pg.game_id IS NOT NULL THEN COALESCE(z.paint_fgm, 0) END AS paint_fgm,
    CASE WHEN pg.game_id IS NOT NULL THEN COALESCE(z.mid_fga, 0) END AS mid_fga,
    CASE WHEN pg.game_id IS NOT NULL THEN COALESCE(z.mid_fgm, 0) END AS mid_fgm,
    CASE WHEN pg.game_id IS NOT NULL THEN COALESCE(z.three_fga, 0) END AS three_fga,
    CASE WHEN pg.game_id IS NOT NULL THEN COALESCE(z.three_fgm, 0) END AS three_fgm,
    CASE WHEN pg.game_id IS NOT NULL THEN COALESCE(z.assisted_fgm, 0) END AS assisted_fgm,
    pg.game_id IS NOT NULL AND COALESCE(z.fga, 0) = b.fga AS has_complete_shot_zones,
    l.line AS points_line,
    l.bookmaker AS points_line_bookmaker,
    CASE
        WHEN l.line IS NULL OR b.player_status <> 'ACTIVE' THEN NULL
        WHEN b.pts > l.line THEN 'OVER'
        WHEN b.pts < l.line THEN 'UNDER'
        ELSE 'PUSH'
    END AS over_under_result
FROM box AS b
JOIN team AS t ON t.game_id = b.game_id AND t.team_id = b.team_id
LEFT JOIN zones AS z ON z.game_id = b.game_id AND z.player_id = b.player_id
LEFT JOIN pbp_games AS pg ON pg.game_id = b.game_id
LEFT JOIN pregame_lines AS l
  ON l.game_date = b.game_date AND l.player_id = b.player_id AND l.rn = 1
