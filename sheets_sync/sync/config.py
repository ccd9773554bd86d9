"""Sync settings: command-line flags over environment variables over a config file (pydantic-settings).

==================  ============================  ================================  ==========================
setting             flag                          environment                       ``sheets-sync.toml`` key
==================  ============================  ================================  ==========================
spreadsheet         ``--spreadsheet ID_OR_URL``   ``SHEETS_SYNC_SPREADSHEET_ID``    ``spreadsheet_id``
API base URL        ``--endpoint URL``            ``SHEETS_SYNC_ENDPOINT``          ``endpoint``
credentials file    ``--credentials PATH``        ``SHEETS_SYNC_CREDENTIALS``       ``credentials``
deadline (seconds)  ``--deadline SECONDS``        ``SHEETS_SYNC_DEADLINE``          ``deadline``
==================  ============================  ================================  ==========================

The config file is ``--config PATH``, else ``$SHEETS_SYNC_CONFIG``, else ``./sheets-sync.toml`` when it exists.
A spreadsheet may be given as its id or as any ``https://docs.google.com/spreadsheets/d/<id>/...`` URL.
"""

from __future__ import annotations

import difflib
import math
import os
import re
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from sheets_sync.errors import ConfigError
from sheets_sync.models import describe_validation_error
from sheets_sync.sync.retry import DEFAULT_DEADLINE

DEFAULT_CONFIG = Path("sheets-sync.toml")
# "/spreadsheets/u/1/d/<id>/edit" is what the browser shows when several Google accounts are signed in.
_URL_ID = re.compile(r"/spreadsheets/(?:u/\d+/)?d/([A-Za-z0-9_-]+)")
# "Publish to the web" links (".../d/e/2PACX-.../pubhtml") carry a publication key, not the spreadsheet id.
_PUBLISHED = re.compile(r"/spreadsheets/(?:u/\d+/)?d/e/")
_BARE_ID = re.compile(r"^[A-Za-z0-9_-]+$")


MAX_ID_LENGTH = 200
"""Google's spreadsheet ids are 44 characters; a longer "id" is a paste gone wrong (and would make a URL too long)."""


def parse_spreadsheet_id(value: str) -> str:
    """The id in a spreadsheet id or URL (``.../spreadsheets/d/<id>/edit#gid=0``)."""
    text = value.strip()
    if len(text) > MAX_ID_LENGTH + 100:  # room for the rest of a URL
        raise ConfigError(
            f"spreadsheet {text[:40]!r}... is {len(text):,} characters long: neither a spreadsheet id "
            "(44 characters) nor a https://docs.google.com/spreadsheets/d/<id>/... URL"
        )
    if _PUBLISHED.search(text):
        raise ConfigError(
            f"{value!r} is a published-to-the-web link, which does not contain the spreadsheet id: use the URL "
            "shown in the address bar while editing the sheet (https://docs.google.com/spreadsheets/d/<id>/edit)"
        )
    match = _URL_ID.search(text)
    found = match.group(1) if match else text if _BARE_ID.match(text) else None
    if found is None or len(found) > MAX_ID_LENGTH:
        raise ConfigError(
            f"{_short(value)} is neither a spreadsheet id nor a https://docs.google.com/spreadsheets/d/<id>/... URL"
        )
    return found


def _short(value: str, limit: int = 60) -> str:
    """``value`` quoted, cut to ``limit`` characters: an error line must stay one readable line."""
    return repr(value) if len(value) <= limit else repr(value[:limit]) + f"... ({len(value):,} characters)"


def check_endpoint(value: str) -> str:
    """An http(s) base URL with a host and, if given, a port in 1-65535."""
    wrong = f"endpoint {_short(value)} is not an http(s) URL such as http://127.0.0.1:8765"
    try:
        parts = urlsplit(value.strip())
        port = parts.port  # ValueError when out of range or not a number
    except ValueError as exc:
        raise ConfigError(f"{wrong} ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(wrong)
    if port == 0:
        raise ConfigError(f"{wrong} (port 0)")
    if any(ch.isspace() or ord(ch) < 32 for ch in value.strip()):
        raise ConfigError(f"{wrong} (it contains spaces or control characters)")
    return value.strip().rstrip("/")


class SyncSettings(BaseSettings):
    """Where to sync and how long to try."""

    model_config = SettingsConfigDict(env_prefix="SHEETS_SYNC_", extra="ignore")

    spreadsheet_id: str | None = None
    endpoint: str | None = None
    credentials: Path | None = None
    deadline: float = DEFAULT_DEADLINE

    @field_validator("spreadsheet_id")
    @classmethod
    def _spreadsheet(cls, value: str | None) -> str | None:
        return parse_spreadsheet_id(value) if value else None

    @field_validator("endpoint")
    @classmethod
    def _endpoint(cls, value: str | None) -> str | None:
        return check_endpoint(value) if value else None

    @field_validator("deadline")
    @classmethod
    def _positive(cls, value: float) -> float:
        if not math.isfinite(value) or value <= 0:  # NaN would compare false to every limit and never give up
            raise ValueError("must be a positive, finite number of seconds")
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Flags (init arguments) over environment over the TOML file."""
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))

    def require_spreadsheet(self) -> str:
        if not self.spreadsheet_id:
            raise ConfigError(
                "no spreadsheet given: pass --spreadsheet ID_OR_URL, set SHEETS_SYNC_SPREADSHEET_ID, or put "
                "spreadsheet_id in sheets-sync.toml"
            )
        return self.spreadsheet_id


def _check_keys(path: Path) -> None:
    """An unknown key in the config file is a typo that would be ignored in silence: name it and the nearest one."""
    try:
        keys = list(tomllib.loads(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: not a readable TOML file ({exc})") from None
    known = list(SyncSettings.model_fields)
    for key in keys:
        if key not in known:
            near = difflib.get_close_matches(key, known, n=1, cutoff=0.5)
            hint = f"; did you mean {near[0]!r}?" if near else f"; known keys: {', '.join(known)}"
            raise ConfigError(f"{path}: unknown setting {key!r}{hint}")


def load_settings(config_file: Path | None = None, **flags: Any) -> SyncSettings:
    """Settings from flags (None means "not given"), the environment and the config file."""
    path = config_file or (
        Path(os.environ["SHEETS_SYNC_CONFIG"]) if os.environ.get("SHEETS_SYNC_CONFIG") else None
    )
    if path is not None and not path.is_file():
        raise ConfigError(f"{path}: no such config file")
    path = path or (DEFAULT_CONFIG if DEFAULT_CONFIG.is_file() else None)
    if path is not None:
        _check_keys(path)
    settings_class = type(
        "FileSyncSettings",
        (SyncSettings,),
        {"model_config": {**SyncSettings.model_config, "toml_file": path}},
    )
    try:
        return settings_class(**{name: value for name, value in flags.items() if value is not None})
    except ConfigError:
        raise
    except ValidationError as exc:
        where, message = describe_validation_error(exc)[0]
        source = f" (config file {path})" if path else ""
        raise ConfigError(f"setting {where}: {message}{source}") from None
    except ValueError as exc:  # a malformed TOML file
        raise ConfigError(f"{path}: {exc}") from None
