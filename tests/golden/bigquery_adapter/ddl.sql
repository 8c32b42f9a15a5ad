CREATE TABLE IF NOT EXISTS nba_raw.season_schedule (
  `game_date` DATE,
  `game_id` STRING,
  `season` STRING,
  `season_type` STRING,
  `tipoff_utc` DATETIME,
  `home_team_id` INT64,
  `away_team_id` INT64,
  `published_date` DATE,
  `source_file` STRING
)
PARTITION BY published_date;

CREATE TABLE IF NOT EXISTS nba_raw.schedule (
  `game_date` DATE,
  `game_id` STRING,
  `season` STRING,
  `season_type` STRING,
  `game_status` INT64,
  `game_status_text` STRING,
  `is_postponed` BOOL,
  `tipoff_utc` DATETIME,
  `home_team_id` INT64,
  `home_team_abbr` STRING,
  `away_team_id` INT64,
  `away_team_abbr` STRING,
  `home_score` INT64,
  `away_score` INT64,
  `source_file` STRING
)
PARTITION BY game_date;

CREATE TABLE IF NOT EXISTS nba_raw.game_lines (
  `game_date` DATE,
  `event_id` STRING,
  `home_team_abbr` STRING,
  `away_team_abbr` STRING,
  `commence_time` DATETIME,
  `snapshot_time` DATETIME,
  `minutes_before_tip` FLOAT64,
  `is_pregame` BOOL,
  `bookmaker` STRING,
  `home_spread` FLOAT64,
  `home_spread_price` INT64,
  `total` FLOAT64,
  `over_price` INT64,
  `under_price` INT64,
  `home_moneyline` INT64,
  `away_moneyline` INT64,
  `source_file` STRING
)
PARTITION BY game_date;

CREATE TABLE IF NOT EXISTS nba_raw.gamebook_player_stats (
  `game_date` DATE,
  `game_id` STRING,
  `season` STRING,
  `team_id` INT64,
  `team_abbr` STRING,
  `opponent_team_id` INT64,
  `is_home` BOOL,
  `player_id` INT64,
  `player_name` STRING,
  `player_lookup` STRING,
  `position` STRING,
  `is_starter` BOOL,
  `player_status` STRING,
  `dnp_reason` STRING,
  `minutes_raw` STRING,
  `minutes` FLOAT64,
  `fgm` INT64,
  `fga` INT64,
  `fg3m` INT64,
  `fg3a` INT64,
  `ftm` INT64,
  `fta` INT64,
  `oreb` INT64,
  `dreb` INT64,
  `reb` INT64,
  `ast` INT64,
  `stl` INT64,
  `blk` INT64,
  `tov` INT64,
  `pf` INT64,
  `pts` INT64,
  `plus_minus` FLOAT64,
  `source_file` STRING
)
PARTITION BY game_date;

CREATE TABLE IF NOT EXISTS nba_raw.team_boxscore (
  `game_date` DATE,
  `game_id` STRING,
  `season` STRING,
  `team_id` INT64,
  `team_abbr` STRING,
  `opponent_team_id` INT64,
  `is_home` BOOL,
  `minutes` FLOAT64,
  `fgm` INT64,
  `fga` INT64,
  `fg3m` INT64,
  `fg3a` INT64,
  `ftm` INT64,
  `fta` INT64,
  `oreb` INT64,
  `dreb` INT64,
  `reb` INT64,
  `ast` INT64,
  `stl` INT64,
  `blk` INT64,
  `tov` INT64,
  `pf` INT64,
  `pts` INT64,
  `plus_minus` FLOAT64,
  `source` STRING,
  `source_file` STRING
)
PARTITION BY game_date;

CREATE TABLE IF NOT EXISTS nba_raw.pbp_shots (
  `game_date` DATE,
  `game_id` STRING,
  `action_number` INT64,
  `period` INT64,
  `clock` STRING,
  `team_id` INT64,
  `player_id` INT64,
  `shot_value` INT64,
  `is_made` BOOL,
  `shot_distance` FLOAT64,
  `x_legacy` INT64,
  `y_legacy` INT64,
  `action_type` STRING,
  `sub_type` STRING,
  `is_assisted` BOOL,
  `assist_player_name` STRING,
  `source_file` STRING
)
PARTITION BY game_date;

CREATE TABLE IF NOT EXISTS nba_raw.rosters (
  `game_date` DATE,
  `team_id` INT64,
  `season` STRING,
  `player_id` INT64,
  `player_name` STRING,
  `player_lookup` STRING,
  `position` STRING,
  `jersey` STRING,
  `birth_date` DATE,
  `source_file` STRING
)
PARTITION BY game_date;

CREATE TABLE IF NOT EXISTS nba_raw.injury_report (
  `game_date` DATE,
  `report_time_utc` DATETIME,
  `game_id` STRING,
  `team_abbr` STRING,
  `player_name_raw` STRING,
  `player_lookup` STRING,
  `player_id` INT64,
  `status` STRING,
  `reason` STRING,
  `source_file` STRING
)
PARTITION BY game_date;

CREATE TABLE IF NOT EXISTS nba_raw.odds_player_props (
  `game_date` DATE,
  `event_id` STRING,
  `home_team_abbr` STRING,
  `away_team_abbr` STRING,
  `commence_time` DATETIME,
  `snapshot_time` DATETIME,
  `minutes_before_tip` FLOAT64,
  `is_pregame` BOOL,
  `bookmaker` STRING,
  `market` STRING,
  `player_name_raw` STRING,
  `player_lookup` STRING,
  `player_id` INT64,
  `line` FLOAT64,
  `over_price` INT64,
  `under_price` INT64,
  `source_file` STRING
)
PARTITION BY game_date;

CREATE TABLE IF NOT EXISTS nba_predictions.player_prop_predictions (
  `game_date` DATE,
  `game_id` STRING,
  `season` STRING,
  `player_id` INT64,
  `player_lookup` STRING,
  `team_id` INT64,
  `opponent_team_id` INT64,
  `system` STRING,
  `model_version` STRING,
  `predicted_points` FLOAT64,
  `line` FLOAT64,
  `line_source` STRING,
  `edge` FLOAT64,
  `confidence` FLOAT64,
  `recommendation` STRING,
  `points_std_l10` FLOAT64,
  `quality_score` FLOAT64,
  `quality_tier` STRING,
  `is_quality_ready` BOOL,
  `injury_status` STRING
)
PARTITION BY game_date;
