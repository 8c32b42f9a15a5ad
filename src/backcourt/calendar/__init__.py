"""Seasons and game dates, from the schedule tables and the raw store."""

from backcourt.calendar.calendar import Calendar, CalendarSource, season_label, season_name

__all__ = ["Calendar", "CalendarSource", "season_label", "season_name"]
