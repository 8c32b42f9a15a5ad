-- team_offense_game_summary: one row per game_date × team.
-- Possessions: Dean Oliver's estimate, averaged over both teams of the game.
WITH box AS (
    SELECT b.*, s.season_type
    FROM nba_raw.team_boxscore AS b
    JOIN nba_raw.schedule AS s
      ON s.game_id = b.game_id AND s.game_date = b.game_date AND s.game_status = 3
    WHERE b.game_date BETWEEN {start} AND {end}
),
paired AS (
    SELECT
        t.game_date, t.game_id, t.season, t.season_type, t.team_id, t.team_abbr,
        o.team_id AS opponent_team_id, o.team_abbr AS opponent_team_abbr, t.is_home,
        t.minutes AS team_minutes,
        t.fgm, t.fga, t.fg3m, t.fg3a, t.ftm, t.fta, t.oreb, t.dreb, t.ast, t.stl, t.blk,
        t.tov, t.pf, t.pts,
        o.pts AS opp_pts, o.fga AS opp_fga, o.fgm AS opp_fgm, o.fta AS opp_fta,
        o.oreb AS opp_oreb, o.dreb AS opp_dreb, o.tov AS opp_tov,
        t.fga + 0.4 * t.fta
            - 1.07 * (CAST(t.oreb AS DOUBLE) / NULLIF(t.oreb + o.dreb, 0)) * (t.fga - t.fgm)
            + t.tov AS own_poss,
        o.fga + 0.4 * o.fta
            - 1.07 * (CAST(o.oreb AS DOUBLE) / NULLIF(o.oreb + t.dreb, 0)) * (o.fga - o.fgm)
            + o.tov AS opp_poss
    FROM box AS t
    JOIN box AS o ON o.game_id = t.game_id AND o.team_id <> t.team_id
)
SELECT
    game_date, game_id, season, season_type, team_id, team_abbr, opponent_team_id,
    opponent_team_abbr, is_home,
    team_minutes / 5.0 AS game_minutes,
    CAST(ROUND((team_minutes / 5.0 - 48) / 5) AS INTEGER) AS overtime_periods,
    fgm, fga, fg3m, fg3a, ftm, fta, oreb, dreb, ast, stl, blk, tov, pf,
    pts AS points, opp_pts AS opponent_points,
    0.5 * (own_poss + opp_poss) AS possessions,
    0.5 * (own_poss + opp_poss) * 48 / NULLIF(team_minutes / 5.0, 0) AS pace,
    100.0 * pts / NULLIF(0.5 * (own_poss + opp_poss), 0) AS offensive_rating,
    100.0 * opp_pts / NULLIF(0.5 * (own_poss + opp_poss), 0) AS defensive_rating,
    pts > opp_pts AS win_flag,
    pts - opp_pts AS margin,
    CAST(pts AS DOUBLE) / NULLIF(2 * (fga + 0.44 * fta), 0) AS ts_pct,
    (fgm + 0.5 * fg3m) / NULLIF(CAST(fga AS DOUBLE), 0) AS efg_pct
FROM paired
