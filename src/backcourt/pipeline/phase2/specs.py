"""Phase 2 processors: raw files → ``nba_raw`` tables (Python loaders, one per table)."""

from __future__ import annotations

from backcourt.pipeline import expectations as E
from backcourt.pipeline.phase2 import tables as T
from backcourt.registry import Check, Expected, Input, Processor, rows_per_date
from backcourt.registry.model import Learned
from backcourt.registry.pipeline import LoaderSpec

REGISTRY_ERRORS_TABLE = "nba_raw.player_registry_errors"
# what a parser dropped without failing anything (exact duplicate rows), with the reason
RAW_WARNINGS_TABLE = "nba_raw.raw_input_warnings"

# the parsers behind every Phase 2 processor, imported only when a Phase 2 partition runs
LOADER = LoaderSpec(
    target="backcourt.pipeline.phase2.loader:RawFileLoader",
    package="backcourt.pipeline.phase2",
    code=("names.py", "franchises.py", "decode.py", "loader.py", "parse_files.py",
          "tables.py", "parsers/"),
    extra_tables={REGISTRY_ERRORS_TABLE: T.REGISTRY_ERRORS,
                  RAW_WARNINGS_TABLE: T.RAW_WARNINGS},
)

SCHEDULE = E.SCHEDULE

PROCESSORS = (
    Processor(
        name="season_schedule", phase=2, table="nba_raw.season_schedule",
        keys=("game_id",), loader="raw_files", columns=T.SEASON_SCHEDULE,
        inputs=(Input("raw:nba_schedule"),),
        partition_column="published_date", partitions="raw_dates",
        checks=(Check("game_id"), Check("game_date"), Check("home_team_id"),
                Check("away_team_id")),
        description="The season's schedule as published (scheduleleaguev2).",
    ),
    Processor(
        name="schedule", phase=2, table=SCHEDULE, keys=("game_id",),
        loader="raw_files", columns=T.SCHEDULE,
        inputs=(Input("raw:nba_scoreboard", required=False),
                Input("raw:nba_team_gamelogs", required=False)),
        checks=(Check("game_id"), Check("season"), Check("game_status"),
                Check("home_team_id"), Check("away_team_id"),
                Check("home_score", where="game_status = 3"),
                Check("away_score", where="game_status = 3")),
        expected=Expected(rows_per_date("nba_raw.season_schedule"),
                          entities_sql=E.PUBLISHED_GAMES),
        description="Games of the date from the scoreboard (or team game logs).",
    ),
    Processor(
        name="gamebook_player_stats", phase=2, table="nba_raw.gamebook_player_stats",
        keys=("game_id", "player_id"), loader="raw_files",
        columns=T.GAMEBOOK_PLAYER_STATS,
        inputs=(Input("raw:nba_boxscore"), Input(SCHEDULE)),
        checks=(Check("player_id"), Check("player_lookup"), Check("team_id"),
                Check("minutes"), Check("pts"), Check("player_status"),
                Check("minutes", "between", 0, 70)),
        expected=Expected(E.TEAMS_IN_FINAL_GAMES,
                          measure="COUNT(DISTINCT game_id || ':' || CAST(team_id AS VARCHAR))",
                          entities_sql=E.TEAMS_WITH_FINAL_GAME, entity="team_id"),
        # every team of every game can be there with players missing: rows per final game
        learned=Learned(E.FINAL_GAMES, per="final game"),
        description="Every listed player of every final game, DNP and inactive included.",
    ),
    Processor(
        name="team_boxscore", phase=2, table="nba_raw.team_boxscore",
        keys=("game_id", "team_id"), loader="raw_files", columns=T.TEAM_BOXSCORE,
        inputs=(Input("raw:nba_boxscore", required=False),
                Input("raw:nba_team_gamelogs", required=False), Input(SCHEDULE)),
        checks=(Check("team_id"), Check("opponent_team_id"), Check("pts"), Check("fga"),
                Check("minutes"), Check("pts", "non_zero"), Check("fga", "non_zero"),
                Check("minutes", "non_zero")),
        expected=Expected(E.TEAMS_IN_FINAL_GAMES, entities_sql=E.TEAMS_WITH_FINAL_GAME),
        description="Team totals of every final game (box score, or team game log).",
    ),
    Processor(
        name="pbp_shots", phase=2, table="nba_raw.pbp_shots",
        keys=("game_id", "action_number"), loader="raw_files", columns=T.PBP_SHOTS,
        inputs=(Input("raw:nba_playbyplay"), Input(SCHEDULE)),
        checks=(Check("player_id"), Check("team_id"), Check("shot_value"),
                Check("shot_distance"), Check("is_made")),
        expected=Expected(E.FINAL_GAMES, measure="COUNT(DISTINCT game_id)",
                          entities_sql=E.FINAL_GAME_IDS, entity="game_id"),
        # every game can be there with shots missing: shots per final game
        learned=Learned(E.FINAL_GAMES, per="final game"),
        description="Field-goal attempts with location and distance from the play-by-play.",
    ),
    Processor(
        name="injury_report", phase=2, table="nba_raw.injury_report",
        keys=("player_lookup", "report_time_utc"), loader="raw_files",
        columns=T.INJURY_REPORT,
        # optional (the league publishes it as a PDF): a date without one is an absent
        # optional input, and what reads it marks injury statuses 'Unknown'
        inputs=(Input("raw:nba_injury_report", required=False),
                Input("nba_raw.rosters", required=False)),
        allow_empty=True,  # a night with nobody listed is a valid (empty) report
        checks=(Check("player_lookup"), Check("status"), Check("report_time_utc")),
        description="The league's injury report published before the date's first tip.",
    ),
    Processor(
        name="rosters", phase=2, table="nba_raw.rosters", keys=("team_id", "player_id"),
        loader="raw_files", columns=T.ROSTERS,
        # optional: without a roster, the player context takes the box score's players
        inputs=(Input("raw:nba_rosters", required=False), Input(SCHEDULE)), allow_empty=True,
        checks=(Check("player_id"), Check("player_lookup"), Check("team_id")),
        expected=Expected(E.TEAMS_SCHEDULED, measure="COUNT(DISTINCT team_id)",
                          entities_sql=E.TEAMS_WITH_GAME, entity="team_id"),
        learned=Learned(E.TEAMS_SCHEDULED, per="team with a game"),
        description="Rosters of the teams playing that date.",
    ),
    Processor(
        name="odds_player_props", phase=2, table="nba_raw.odds_player_props",
        keys=("event_id", "bookmaker", "player_lookup", "snapshot_time"),
        loader="raw_files", columns=T.ODDS_PLAYER_PROPS,
        inputs=(Input("raw:odds_player_props", required=False),
                Input("nba_raw.rosters", required=False)), allow_empty=True,
        checks=(Check("line"), Check("bookmaker"), Check("snapshot_time"),
                Check("commence_time"), Check("player_lookup")),
        description="Player points props per bookmaker and snapshot (in-game ones flagged).",
    ),
    Processor(
        name="game_lines", phase=2, table="nba_raw.game_lines",
        keys=("event_id", "bookmaker", "snapshot_time"), loader="raw_files",
        columns=T.GAME_LINES,
        inputs=(Input("raw:odds_game_lines", required=False),), allow_empty=True,
        checks=(Check("bookmaker"), Check("snapshot_time"), Check("commence_time")),
        description="Spread, total and moneyline per bookmaker and snapshot.",
    ),
)
