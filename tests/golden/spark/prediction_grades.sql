/* prediction_grades: one row per game_date × player × system, every prediction of the date */
/* against the player's actual points (player_game_summary, same date). */
/*   signed_error = predicted − actual (positive: over-predicted); errors and within_3/5 only */
/*   for players who played. */
/*   grade_status, first match wins: */
/*     void_dnp  the player did not play (DNP / inactive, or no box-score row) */
/*     no_line   no line — or the old placeholder: exactly 20.0 without a Vegas source */
/*     pass      recommendation PASS */
/*     push      actual points equal to the line */
/*     graded    an OVER / UNDER pick with a result */
/*   is_correct = (actual > line) = (recommendation = 'OVER'), only when graded. */
WITH p AS (
  SELECT
    *
  FROM nba_predictions.player_prop_predictions
  WHERE
    game_date BETWEEN CAST('2023-10-24' AS DATE) AND CAST('2023-11-30' AS DATE)
), g AS (
  SELECT
    game_date,
    game_id,
    player_id,
    points,
    minutes,
    is_dnp,
    player_status
  FROM nba_analytics.player_game_summary
  WHERE
    game_date BETWEEN CAST('2023-10-24' AS DATE) AND CAST('2023-11-30' AS DATE)
), joined AS (
  SELECT
    p.game_date,
    p.game_id,
    p.season,
    p.player_id,
    p.player_lookup,
    p.team_id,
    p.system,
    p.model_version,
    p.predicted_points,
    p.line,
    p.line_source,
    p.edge,
    p.confidence,
    p.recommendation,
    p.quality_tier,
    g.player_status,
    COALESCE(g.is_dnp, TRUE) AS is_dnp,
    CASE WHEN g.is_dnp = FALSE THEN CAST(g.points AS DOUBLE) END AS actual_points,
    CASE WHEN g.is_dnp = FALSE THEN g.minutes END AS actual_minutes,
    p.line IS NULL OR (
      p.line = 20.0 AND COALESCE(p.line_source, '') <> 'vegas'
    ) AS no_usable_line
  FROM p
  LEFT JOIN g
    ON g.game_date = p.game_date AND g.player_id = p.player_id AND g.game_id = p.game_id
), graded AS (
  SELECT
    joined.*,
    CASE
      WHEN is_dnp
      THEN 'void_dnp'
      WHEN no_usable_line OR recommendation = 'NO_LINE'
      THEN 'no_line'
      WHEN recommendation = 'PASS'
      THEN 'pass'
      WHEN actual_points = line
      THEN 'push'
      WHEN recommendation IN ('OVER', 'UNDER')
      THEN 'graded'
      ELSE 'pass'
    END AS grade_status
  FROM joined
)
SELECT
  game_date,
  game_id,
  season,
  player_id,
  player_lookup,
  team_id,
  system,
  model_version,
  predicted_points,
  line,
  line_source,
  edge,
  confidence,
  recommendation,
  quality_tier,
  player_status,
  is_dnp,
  actual_points,
  actual_minutes,
  predicted_points - actual_points AS signed_error,
  ABS(predicted_points - actual_points) AS absolute_error,
  CASE
    WHEN NOT actual_points IS NULL
    THEN ABS(predicted_points - actual_points) <= 3.0
  END AS within_3,
  CASE
    WHEN NOT actual_points IS NULL
    THEN ABS(predicted_points - actual_points) <= 5.0
  END AS within_5,
  grade_status,
  CASE
    WHEN grade_status = 'graded'
    THEN (
      actual_points > line
    ) = (
      recommendation = 'OVER'
    )
  END AS is_correct
FROM graded
