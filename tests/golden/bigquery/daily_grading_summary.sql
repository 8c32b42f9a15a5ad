/* daily_grading_summary: one row per game_date × system, from prediction_grades. */
/*   mae / bias / within rates: every prediction of a player who played */
/*   hit_rate: correct / graded picks (pushes, PASS, NO_LINE and DNP voids excluded); */
/*   break-even at −110 is 52.4%. */
/* Errors are exact to the cent (predictions are rounded to 2 decimals, points are whole): */
/* summed as whole cents (BIGINT), the mean does not depend on the order rows are added in */
/* (a range and the same dates one by one give the same bits, on any engine). Integers, not */
/* DECIMAL(18, 2): the same bits on DuckDB, and no NUMERIC for an engine to round its own way. */
SELECT
  game_date,
  system,
  MIN(model_version) AS model_version,
  COUNT(*) AS predictions,
  SUM(CASE WHEN grade_status <> 'void_dnp' THEN 1 ELSE 0 END) AS played,
  SUM(CASE WHEN grade_status = 'void_dnp' THEN 1 ELSE 0 END) AS voided_dnp,
  SUM(CASE WHEN recommendation IN ('OVER', 'UNDER') THEN 1 ELSE 0 END) AS picks,
  SUM(CASE WHEN recommendation = 'OVER' THEN 1 ELSE 0 END) AS over_picks,
  SUM(CASE WHEN recommendation = 'UNDER' THEN 1 ELSE 0 END) AS under_picks,
  SUM(CASE WHEN grade_status = 'graded' THEN 1 ELSE 0 END) AS graded_picks,
  SUM(CASE WHEN is_correct THEN 1 ELSE 0 END) AS correct_picks,
  SUM(CASE WHEN grade_status = 'push' THEN 1 ELSE 0 END) AS pushes,
  SUM(CASE WHEN grade_status = 'pass' THEN 1 ELSE 0 END) AS passes,
  SUM(CASE WHEN grade_status = 'no_line' THEN 1 ELSE 0 END) AS no_line,
  CAST(SUM(CAST(ROUND(absolute_error * 100) AS INT64)) AS FLOAT64) / 100 / NULLIF(SUM(CASE WHEN NOT absolute_error IS NULL THEN 1 ELSE 0 END), 0) AS mae,
  CAST(SUM(CAST(ROUND(signed_error * 100) AS INT64)) AS FLOAT64) / 100 / NULLIF(SUM(CASE WHEN NOT signed_error IS NULL THEN 1 ELSE 0 END), 0) AS bias,
  CAST(SUM(CASE WHEN within_3 THEN 1 ELSE 0 END) AS FLOAT64) / NULLIF(SUM(CASE WHEN NOT within_3 IS NULL THEN 1 ELSE 0 END), 0) AS within_3_rate,
  CAST(SUM(CASE WHEN within_5 THEN 1 ELSE 0 END) AS FLOAT64) / NULLIF(SUM(CASE WHEN NOT within_5 IS NULL THEN 1 ELSE 0 END), 0) AS within_5_rate,
  CAST(SUM(CASE WHEN is_correct THEN 1 ELSE 0 END) AS FLOAT64) / NULLIF(SUM(CASE WHEN grade_status = 'graded' THEN 1 ELSE 0 END), 0) AS hit_rate
FROM nba_predictions.prediction_grades
WHERE
  game_date BETWEEN CAST('2023-10-24' AS DATE) AND CAST('2023-11-30' AS DATE)
GROUP BY
  game_date,
  system
