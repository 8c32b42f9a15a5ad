/* MLFS ml_feature_store (generated from pipeline/phase4/features.py) */
WITH ctx AS (
  SELECT
    *
  FROM nba_analytics.upcoming_player_game_context
  WHERE
    game_date BETWEEN CAST('2023-10-24' AS DATE) AND CAST('2023-11-30' AS DATE)
), features AS (
  SELECT
    c.game_date,
    c.game_id,
    c.season,
    c.player_id,
    c.player_lookup,
    c.team_id,
    c.opponent_team_id,
    c.injury_status,
    COALESCE(d.points_avg_l5, c.points_avg_last_5, 10.0) AS points_avg_l5,
    COALESCE(d.points_avg_l10, c.points_avg_last_10, 10.0) AS points_avg_l10,
    COALESCE(d.points_avg_season, 10.0) AS points_avg_season,
    COALESCE(d.points_std_l10, 6.0) AS points_std_l10,
    COALESCE(d.minutes_avg_l10, 20.0) AS minutes_avg_l10,
    COALESCE(d.usage_avg_l10, c.usage_last_7_games, 18.0) AS usage_avg_l10,
    COALESCE(d.ts_pct_l10, 0.56) AS ts_pct_l10,
    COALESCE(CAST(d.games_played AS DOUBLE), 0.0) AS games_played,
    COALESCE(d.team_pace_l10, c.team_pace_l10, 99.0) AS team_pace_l10,
    COALESCE(p.fatigue_score, 100.0) AS fatigue_score,
    COALESCE(p.shot_zone_mismatch, 0.0) AS shot_zone_mismatch,
    COALESCE(p.pace_score, 0.0) AS pace_score,
    COALESCE(p.usage_spike, 0.0) AS usage_spike,
    COALESCE(p.total_adjustment, 0.0) AS total_adjustment,
    COALESCE(z.paint_rate_l10, 35.0) AS paint_rate_l10,
    COALESCE(z.three_rate_l10, 38.0) AS three_rate_l10,
    COALESCE(t.paint_vs_league_avg, 0.0) AS opponent_paint_vs_league,
    COALESCE(t.three_vs_league_avg, 0.0) AS opponent_three_vs_league,
    COALESCE(c.opponent_defensive_rating_l10, 114.0) AS opponent_def_rating_l10,
    COALESCE(c.pace_differential, 0.0) AS pace_differential,
    COALESCE(CAST(c.days_rest AS DOUBLE), 3.0) AS days_rest,
    CASE WHEN c.back_to_back THEN 1.0 ELSE 0.0 END AS back_to_back,
    CASE WHEN c.is_home THEN 1.0 ELSE 0.0 END AS is_home,
    CAST(c.star_teammates_out AS DOUBLE) AS star_teammates_out,
    COALESCE(c.age, 27.0) AS age,
    c.current_points_line AS prop_line,
    c.spread AS spread,
    c.game_total AS game_total,
    CASE
      WHEN NOT d.points_avg_l5 IS NULL
      THEN 'phase4'
      WHEN NOT c.points_avg_last_5 IS NULL
      THEN 'phase3'
      ELSE 'default'
    END AS points_avg_l5_source,
    CASE
      WHEN NOT d.points_avg_l10 IS NULL
      THEN 'phase4'
      WHEN NOT c.points_avg_last_10 IS NULL
      THEN 'phase3'
      ELSE 'default'
    END AS points_avg_l10_source,
    CASE WHEN NOT d.points_avg_season IS NULL THEN 'phase4' ELSE 'default' END AS points_avg_season_source,
    CASE WHEN NOT d.points_std_l10 IS NULL THEN 'phase4' ELSE 'default' END AS points_std_l10_source,
    CASE WHEN NOT d.minutes_avg_l10 IS NULL THEN 'phase4' ELSE 'default' END AS minutes_avg_l10_source,
    CASE
      WHEN NOT d.usage_avg_l10 IS NULL
      THEN 'phase4'
      WHEN NOT c.usage_last_7_games IS NULL
      THEN 'phase3'
      ELSE 'default'
    END AS usage_avg_l10_source,
    CASE WHEN NOT d.ts_pct_l10 IS NULL THEN 'phase4' ELSE 'default' END AS ts_pct_l10_source,
    CASE
      WHEN NOT CAST(d.games_played AS DOUBLE) IS NULL
      THEN 'phase4'
      ELSE 'default'
    END AS games_played_source,
    CASE
      WHEN NOT d.team_pace_l10 IS NULL
      THEN 'phase4'
      WHEN NOT c.team_pace_l10 IS NULL
      THEN 'phase3'
      ELSE 'default'
    END AS team_pace_l10_source,
    CASE WHEN NOT p.fatigue_score IS NULL THEN 'phase4' ELSE 'default' END AS fatigue_score_source,
    CASE WHEN NOT p.shot_zone_mismatch IS NULL THEN 'phase4' ELSE 'default' END AS shot_zone_mismatch_source,
    CASE WHEN NOT p.pace_score IS NULL THEN 'phase4' ELSE 'default' END AS pace_score_source,
    CASE WHEN NOT p.usage_spike IS NULL THEN 'phase4' ELSE 'default' END AS usage_spike_source,
    CASE WHEN NOT p.total_adjustment IS NULL THEN 'phase4' ELSE 'default' END AS total_adjustment_source,
    CASE WHEN NOT z.paint_rate_l10 IS NULL THEN 'phase4' ELSE 'default' END AS paint_rate_l10_source,
    CASE WHEN NOT z.three_rate_l10 IS NULL THEN 'phase4' ELSE 'default' END AS three_rate_l10_source,
    CASE WHEN NOT t.paint_vs_league_avg IS NULL THEN 'phase4' ELSE 'default' END AS opponent_paint_vs_league_source,
    CASE WHEN NOT t.three_vs_league_avg IS NULL THEN 'phase4' ELSE 'default' END AS opponent_three_vs_league_source,
    CASE
      WHEN NOT c.opponent_defensive_rating_l10 IS NULL
      THEN 'phase3'
      ELSE 'default'
    END AS opponent_def_rating_l10_source,
    CASE WHEN NOT c.pace_differential IS NULL THEN 'phase3' ELSE 'default' END AS pace_differential_source,
    CASE WHEN NOT CAST(c.days_rest AS DOUBLE) IS NULL THEN 'phase3' ELSE 'default' END AS days_rest_source,
    CASE
      WHEN NOT CASE WHEN c.back_to_back THEN 1.0 ELSE 0.0 END IS NULL
      THEN 'phase3'
      ELSE 'missing'
    END AS back_to_back_source,
    CASE
      WHEN NOT CASE WHEN c.is_home THEN 1.0 ELSE 0.0 END IS NULL
      THEN 'calculated'
      ELSE 'missing'
    END AS is_home_source,
    CASE
      WHEN NOT CAST(c.star_teammates_out AS DOUBLE) IS NULL
      THEN 'phase3'
      ELSE 'missing'
    END AS star_teammates_out_source,
    CASE WHEN NOT c.age IS NULL THEN 'phase3' ELSE 'default' END AS age_source,
    CASE WHEN NOT c.current_points_line IS NULL THEN 'vegas' ELSE 'missing' END AS prop_line_source,
    CASE WHEN NOT c.spread IS NULL THEN 'vegas' ELSE 'missing' END AS spread_source,
    CASE WHEN NOT c.game_total IS NULL THEN 'vegas' ELSE 'missing' END AS game_total_source
  FROM ctx AS c
  LEFT JOIN nba_precompute.player_daily_cache AS d
    ON d.game_date = c.game_date AND d.player_id = c.player_id
  LEFT JOIN nba_precompute.player_composite_factors AS p
    ON p.game_date = c.game_date AND p.player_id = c.player_id
  LEFT JOIN nba_precompute.player_shot_zone_analysis AS z
    ON z.game_date = c.game_date AND z.player_id = c.player_id
  LEFT JOIN nba_precompute.team_defense_zone_analysis AS t
    ON t.game_date = c.game_date AND t.team_id = c.opponent_team_id
), scored AS (
  SELECT
    features.*,
    CAST(CASE points_avg_l5_source
      WHEN 'phase4'
      THEN 100
      WHEN 'phase3'
      THEN 87
      WHEN 'calculated'
      THEN 100
      WHEN 'vegas'
      THEN 100
      WHEN 'default'
      THEN 40
      WHEN 'missing'
      THEN 0
    END + CASE points_avg_l10_source
      WHEN 'phase4'
      THEN 100
      WHEN 'phase3'
      THEN 87
      WHEN 'calculated'
      THEN 100
      WHEN 'vegas'
      THEN 100
      WHEN 'default'
      THEN 40
      WHEN 'missing'
      THEN 0
    END + CASE points_avg_season_source
      WHEN 'phase4'
      THEN 100
      WHEN 'phase3'
      THEN 87
      WHEN 'calculated'
      THEN 100
      WHEN 'vegas'
      THEN 100
      WHEN 'default'
      THEN 40
      WHEN 'missing'
      THEN 0
    END + CASE points_std_l10_source
      WHEN 'phase4'
      THEN 100
      WHEN 'phase3'
      THEN 87
      WHEN 'calculated'
      THEN 100
      WHEN 'vegas'
      THEN 100
      WHEN 'default'
      THEN 40
      WHEN 'missing'
      THEN 0
    END + CASE minutes_avg_l10_source
      WHEN 'phase4'
      THEN 100
      WHEN 'phase3'
      THEN 87
      WHEN 'calculated'
      THEN 100
      WHEN 'vegas'
      THEN 100
      WHEN 'default'
      THEN 40
      WHEN 'missing'
      THEN 0
    END + CASE usage_avg_l10_source
      WHEN 'phase4'
      THEN 100
      WHEN 'phase3'
      THEN 87
      WHEN 'calculated'
      THEN 100
      WHEN 'vegas'
      THEN 100
      WHEN 'default'
      THEN 40
      WHEN 'missing'
      THEN 0
    END + CASE ts_pct_l10_source
      WHEN 'phase4'
      THEN 100
      WHEN 'phase3'
      THEN 87
      WHEN 'calculated'
      THEN 100
      WHEN 'vegas'
      THEN 100
      WHEN 'default'
      THEN 40
      WHEN 'missing'
      THEN 0
    END + CASE games_played_source
      WHEN 'phase4'
      THEN 100
      WHEN 'phase3'
      THEN 87
      WHEN 'calculated'
      THEN 100
      WHEN 'vegas'
      THEN 100
      WHEN 'default'
      THEN 40
      WHEN 'missing'
      THEN 0
    END + CASE team_pace_l10_source
      WHEN 'phase4'
      THEN 100
      WHEN 'phase3'
      THEN 87
      WHEN 'calculated'
      THEN 100
      WHEN 'vegas'
      THEN 100
      WHEN 'default'
      THEN 40
      WHEN 'missing'
      THEN 0
    END + CASE fatigue_score_source
      WHEN 'phase4'
      THEN 100
      WHEN 'phase3'
      THEN 87
      WHEN 'calculated'
      THEN 100
      WHEN 'vegas'
      THEN 100
      WHEN 'default'
      THEN 40
      WHEN 'missing'
      THEN 0
    END + CASE shot_zone_mismatch_source
      WHEN 'phase4'
      THEN 100
      WHEN 'phase3'
      THEN 87
      WHEN 'calculated'
      THEN 100
      WHEN 'vegas'
      THEN 100
      WHEN 'default'
      THEN 40
      WHEN 'missing'
      THEN 0
    END + CASE pace_score_source
      WHEN 'phase4'
      THEN 100
      WHEN 'phase3'
      THEN 87
      WHEN 'calculated'
      THEN 100
      WHEN 'vegas'
      THEN 100
      WHEN 'default'
      THEN 40
      WHEN 'missing'
      THEN 0
    END + CASE usage_spike_source
      WHEN 'phase4'
      THEN 100
      WHEN 'phase3'
      THEN 87
      WHEN 'calculated'
      THEN 100
      WHEN 'vegas'
      THEN 100
      WHEN 'default'
      THEN 40
      WHEN 'missing'
      THEN 0
    END + CASE total_adjustment_source
      WHEN 'phase4'
      THEN 100
      WHEN 'phase3'
      THEN 87
      WHEN 'calculated'
      THEN 100
      WHEN 'vegas'
      THEN 100
      WHEN 'default'
      THEN 40
      WHEN 'missing'
      THEN 0
    END + CASE paint_rate_l10_source
      WHEN 'phase4'
      THEN 100
      WHEN 'phase3'
      THEN 87
      WHEN 'calculated'
      THEN 100
      WHEN 'vegas'
      THEN 100
      WHEN 'default'
      THEN 40
      WHEN 'missing'
      THEN 0
    END + CASE three_rate_l10_source
      WHEN 'phase4'
      THEN 100
      WHEN 'phase3'
      THEN 87
      WHEN 'calculated'
      THEN 100
      WHEN 'vegas'
      THEN 100
      WHEN 'default'
      THEN 40
      WHEN 'missing'
      THEN 0
    END + CASE opponent_paint_vs_league_source
      WHEN 'phase4'
      THEN 100
      WHEN 'phase3'
      THEN 87
      WHEN 'calculated'
      THEN 100
      WHEN 'vegas'
      THEN 100
      WHEN 'default'
      THEN 40
      WHEN 'missing'
      THEN 0
    END + CASE opponent_three_vs_league_source
      WHEN 'phase4'
      THEN 100
      WHEN 'phase3'
      THEN 87
      WHEN 'calculated'
      THEN 100
      WHEN 'vegas'
      THEN 100
      WHEN 'default'
      THEN 40
      WHEN 'missing'
      THEN 0
    END + CASE opponent_def_rating_l10_source
      WHEN 'phase4'
      THEN 100
      WHEN 'phase3'
      THEN 87
      WHEN 'calculated'
      THEN 100
      WHEN 'vegas'
      THEN 100
      WHEN 'default'
      THEN 40
      WHEN 'missing'
      THEN 0
    END + CASE pace_differential_source
      WHEN 'phase4'
      THEN 100
      WHEN 'phase3'
      THEN 87
      WHEN 'calculated'
      THEN 100
      WHEN 'vegas'
      THEN 100
      WHEN 'default'
      THEN 40
      WHEN 'missing'
      THEN 0
    END + CASE days_rest_source
      WHEN 'phase4'
      THEN 100
      WHEN 'phase3'
      THEN 87
      WHEN 'calculated'
      THEN 100
      WHEN 'vegas'
      THEN 100
      WHEN 'default'
      THEN 40
      WHEN 'missing'
      THEN 0
    END + CASE back_to_back_source
      WHEN 'phase4'
      THEN 100
      WHEN 'phase3'
      THEN 87
      WHEN 'calculated'
      THEN 100
      WHEN 'vegas'
      THEN 100
      WHEN 'default'
      THEN 40
      WHEN 'missing'
      THEN 0
    END + CASE is_home_source
      WHEN 'phase4'
      THEN 100
      WHEN 'phase3'
      THEN 87
      WHEN 'calculated'
      THEN 100
      WHEN 'vegas'
      THEN 100
      WHEN 'default'
      THEN 40
      WHEN 'missing'
      THEN 0
    END + CASE star_teammates_out_source
      WHEN 'phase4'
      THEN 100
      WHEN 'phase3'
      THEN 87
      WHEN 'calculated'
      THEN 100
      WHEN 'vegas'
      THEN 100
      WHEN 'default'
      THEN 40
      WHEN 'missing'
      THEN 0
    END + CASE age_source
      WHEN 'phase4'
      THEN 100
      WHEN 'phase3'
      THEN 87
      WHEN 'calculated'
      THEN 100
      WHEN 'vegas'
      THEN 100
      WHEN 'default'
      THEN 40
      WHEN 'missing'
      THEN 0
    END + CASE prop_line_source
      WHEN 'phase4'
      THEN 100
      WHEN 'phase3'
      THEN 87
      WHEN 'calculated'
      THEN 100
      WHEN 'vegas'
      THEN 100
      WHEN 'default'
      THEN 40
      WHEN 'missing'
      THEN 0
    END + CASE spread_source
      WHEN 'phase4'
      THEN 100
      WHEN 'phase3'
      THEN 87
      WHEN 'calculated'
      THEN 100
      WHEN 'vegas'
      THEN 100
      WHEN 'default'
      THEN 40
      WHEN 'missing'
      THEN 0
    END + CASE game_total_source
      WHEN 'phase4'
      THEN 100
      WHEN 'phase3'
      THEN 87
      WHEN 'calculated'
      THEN 100
      WHEN 'vegas'
      THEN 100
      WHEN 'default'
      THEN 40
      WHEN 'missing'
      THEN 0
    END AS DOUBLE) / 28.0 AS quality_score,
    CASE WHEN points_avg_l5_source IN ('default', 'missing') THEN 1 ELSE 0 END + CASE WHEN points_avg_l10_source IN ('default', 'missing') THEN 1 ELSE 0 END + CASE WHEN points_avg_season_source IN ('default', 'missing') THEN 1 ELSE 0 END + CASE WHEN minutes_avg_l10_source IN ('default', 'missing') THEN 1 ELSE 0 END AS required_defaulted
  FROM features
)
SELECT
  scored.*,
  CASE
    WHEN quality_score >= 95
    THEN 'gold'
    WHEN quality_score >= 85
    THEN 'silver'
    WHEN quality_score >= 70
    THEN 'bronze'
    WHEN quality_score >= 50
    THEN 'poor'
    ELSE 'critical'
  END AS quality_tier,
  quality_score >= 70 AND required_defaulted = 0 AS is_quality_ready
FROM scored
