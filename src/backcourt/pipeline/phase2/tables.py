"""Columns of the ``nba_raw`` tables (Phase 2 output), as DuckDB types.

Every table is partitioned by ``game_date``. Parsers emit rows as dicts with exactly these
keys (``game_date`` included); the loader checks that and writes them atomically per date.
"""

from __future__ import annotations

Columns = dict[str, str]

SCHEDULE: Columns = {
    "game_date": "DATE",
    "game_id": "VARCHAR",
    "season": "VARCHAR",            # '2023-24'
    "season_type": "VARCHAR",       # 'Regular Season' | 'Play-In' | 'Playoffs' | …
    "game_status": "INTEGER",       # 1 scheduled, 2 live, 3 final
    "game_status_text": "VARCHAR",
    "is_postponed": "BOOLEAN",
    "tipoff_utc": "TIMESTAMP",
    "home_team_id": "BIGINT",
    "home_team_abbr": "VARCHAR",
    "away_team_id": "BIGINT",
    "away_team_abbr": "VARCHAR",
    "home_score": "INTEGER",        # NULL unless final
    "away_score": "INTEGER",
    "source_file": "VARCHAR",
}

# The season schedule as published (scheduleleaguev2): what was expected to be played.
SEASON_SCHEDULE: Columns = {
    "game_date": "DATE",
    "game_id": "VARCHAR",
    "season": "VARCHAR",
    "season_type": "VARCHAR",
    "tipoff_utc": "TIMESTAMP",
    "home_team_id": "BIGINT",
    "away_team_id": "BIGINT",
    "published_date": "DATE",       # folder date of the file it came from
    "source_file": "VARCHAR",
}

GAMEBOOK_PLAYER_STATS: Columns = {
    "game_date": "DATE",
    "game_id": "VARCHAR",
    "season": "VARCHAR",
    "team_id": "BIGINT",
    "team_abbr": "VARCHAR",
    "opponent_team_id": "BIGINT",
    "is_home": "BOOLEAN",
    "player_id": "BIGINT",
    "player_name": "VARCHAR",
    "player_lookup": "VARCHAR",
    "position": "VARCHAR",          # '' for bench players
    "is_starter": "BOOLEAN",
    "player_status": "VARCHAR",     # 'ACTIVE' | 'DNP' | 'INACTIVE'
    "dnp_reason": "VARCHAR",        # the box score comment; NULL when active
    "minutes_raw": "VARCHAR",       # as in the file: '34:12', 'PT34M12.00S', ''
    "minutes": "DOUBLE",            # decimal minutes; 0.0 only when the player did not play
    "fgm": "INTEGER", "fga": "INTEGER", "fg3m": "INTEGER", "fg3a": "INTEGER",
    "ftm": "INTEGER", "fta": "INTEGER", "oreb": "INTEGER", "dreb": "INTEGER", "reb": "INTEGER",
    "ast": "INTEGER", "stl": "INTEGER", "blk": "INTEGER", "tov": "INTEGER", "pf": "INTEGER",
    "pts": "INTEGER",
    "plus_minus": "DOUBLE",
    "source_file": "VARCHAR",
}

TEAM_BOXSCORE: Columns = {
    "game_date": "DATE",
    "game_id": "VARCHAR",
    "season": "VARCHAR",
    "team_id": "BIGINT",
    "team_abbr": "VARCHAR",
    "opponent_team_id": "BIGINT",
    "is_home": "BOOLEAN",
    "minutes": "DOUBLE",            # team minutes: 240, 265 with one overtime, …
    "fgm": "INTEGER", "fga": "INTEGER", "fg3m": "INTEGER", "fg3a": "INTEGER",
    "ftm": "INTEGER", "fta": "INTEGER", "oreb": "INTEGER", "dreb": "INTEGER", "reb": "INTEGER",
    "ast": "INTEGER", "stl": "INTEGER", "blk": "INTEGER", "tov": "INTEGER", "pf": "INTEGER",
    "pts": "INTEGER",
    "plus_minus": "DOUBLE",
    "source": "VARCHAR",            # 'boxscore' | 'gamelog'
    "source_file": "VARCHAR",
}

PBP_SHOTS: Columns = {
    "game_date": "DATE",
    "game_id": "VARCHAR",
    "action_number": "INTEGER",
    "period": "INTEGER",
    "clock": "VARCHAR",
    "team_id": "BIGINT",
    "player_id": "BIGINT",
    "shot_value": "INTEGER",        # 2 | 3
    "is_made": "BOOLEAN",
    "shot_distance": "DOUBLE",      # feet
    "x_legacy": "INTEGER",
    "y_legacy": "INTEGER",
    "action_type": "VARCHAR",
    "sub_type": "VARCHAR",
    "is_assisted": "BOOLEAN",
    "assist_player_name": "VARCHAR",
    "source_file": "VARCHAR",
}

INJURY_REPORT: Columns = {
    "game_date": "DATE",
    "report_time_utc": "TIMESTAMP",
    "game_id": "VARCHAR",
    "team_abbr": "VARCHAR",
    "player_name_raw": "VARCHAR",   # 'Last, First' as published
    "player_lookup": "VARCHAR",
    "player_id": "BIGINT",          # NULL when the name did not resolve (see registry errors)
    "status": "VARCHAR",            # Out | Doubtful | Questionable | Probable | Available
    "reason": "VARCHAR",
    "source_file": "VARCHAR",
}

ROSTERS: Columns = {
    "game_date": "DATE",
    "team_id": "BIGINT",
    "season": "VARCHAR",
    "player_id": "BIGINT",
    "player_name": "VARCHAR",
    "player_lookup": "VARCHAR",
    "position": "VARCHAR",
    "jersey": "VARCHAR",
    "birth_date": "DATE",
    "source_file": "VARCHAR",
}

ODDS_PLAYER_PROPS: Columns = {
    "game_date": "DATE",
    "event_id": "VARCHAR",
    "home_team_abbr": "VARCHAR",
    "away_team_abbr": "VARCHAR",
    "commence_time": "TIMESTAMP",
    "snapshot_time": "TIMESTAMP",
    "minutes_before_tip": "DOUBLE",  # negative: the snapshot is in-game
    "is_pregame": "BOOLEAN",
    "bookmaker": "VARCHAR",
    "market": "VARCHAR",
    "player_name_raw": "VARCHAR",
    "player_lookup": "VARCHAR",
    "player_id": "BIGINT",           # NULL when the name did not resolve
    "line": "DOUBLE",
    "over_price": "INTEGER",
    "under_price": "INTEGER",
    "source_file": "VARCHAR",
}

GAME_LINES: Columns = {
    "game_date": "DATE",
    "event_id": "VARCHAR",
    "home_team_abbr": "VARCHAR",
    "away_team_abbr": "VARCHAR",
    "commence_time": "TIMESTAMP",
    "snapshot_time": "TIMESTAMP",
    "minutes_before_tip": "DOUBLE",
    "is_pregame": "BOOLEAN",
    "bookmaker": "VARCHAR",
    "home_spread": "DOUBLE",
    "home_spread_price": "INTEGER",
    "total": "DOUBLE",
    "over_price": "INTEGER",
    "under_price": "INTEGER",
    "home_moneyline": "INTEGER",
    "away_moneyline": "INTEGER",
    "source_file": "VARCHAR",
}

# Names met in raw files that could not be resolved to a player id.
REGISTRY_ERRORS: Columns = {
    "game_date": "DATE",
    "source": "VARCHAR",
    "source_file": "VARCHAR",
    "player_name_raw": "VARCHAR",
    "player_lookup": "VARCHAR",
    "reason": "VARCHAR",            # 'unknown name' | 'ambiguous: 2 players'
}


RAW_WARNINGS: Columns = {
    "game_date": "DATE",
    "source": "VARCHAR",
    "source_file": "VARCHAR",
    "field": "VARCHAR",             # resultSets[0].rowSet[7]
    "reason": "VARCHAR",            # 'an exact repeat of row 3: dropped'
}
