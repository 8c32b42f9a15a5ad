"""Where The Odds API key comes from: the environment, else the operator's config file.

1. ``ODDS_API_KEY`` in the environment;
2. else ``api_key`` in the ``[odds]`` table of the config file: ``$BACKCOURT_CONFIG`` when
   set, otherwise ``$XDG_CONFIG_HOME/backcourt/config.toml`` (``~/.config/backcourt/
   config.toml``)::

       [odds]
       api_key = "..."

The key itself is never put into a message: errors name the file and the cause only.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from backcourt.sources.odds.client import KEY_ENV

CONFIG_ENV = "BACKCOURT_CONFIG"


class KeyConfigError(ValueError):
    """The config file exists but cannot give a key (unreadable, not TOML, wrong type)."""


def config_path() -> Path:
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "backcourt" / "config.toml"


def where_to_put_it() -> str:
    """For a message when no key is found."""
    return f"set {KEY_ENV}, or api_key under [odds] in {config_path()}"


def api_key() -> str | None:
    """The key, or None when neither the environment nor the config file has one. A config
    file named by ``BACKCOURT_CONFIG`` that does not exist is an error (a typo would
    otherwise read as 'no key')."""
    key = os.environ.get(KEY_ENV)
    if key:
        return key
    path = config_path()
    if not path.exists():
        if os.environ.get(CONFIG_ENV):
            raise KeyConfigError(f"{path}: no such config file (from {CONFIG_ENV})")
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise KeyConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        # the parser's message gives a line and column, never the text
        raise KeyConfigError(f"{path}: not TOML ({exc})") from None
    odds = data.get("odds", {})
    key = odds.get("api_key") if isinstance(odds, dict) else None
    if key is None:
        return None
    if not isinstance(key, str) or not key.strip():
        raise KeyConfigError(f"{path}: [odds] api_key must be a non-empty string")
    return key.strip()
