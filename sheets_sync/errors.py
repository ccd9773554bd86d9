"""The one exception tree of sheets-sync.

Every error the library raises on purpose derives from :class:`SheetsSyncError`. The CLI turns any of them into
one line on stderr and the exit code named by the class (no traceback unless ``--debug``).

    SheetsSyncError                 exit 1
    ├── DataError                   a data file is invalid (carries ``path`` and ``json_path``)
    │   └── ImportFileError         a file given to ``import`` is invalid
    ├── LockedError                 another sheets-sync holds the data directory's lock
    ├── ConfigError                 settings, spreadsheet id, endpoint
    ├── CredentialsError            no or malformed Google credentials
    ├── SheetsError                 the Sheets API answered with an error we cannot retry
    │   ├── SheetsNotFoundError     HTTP 404: spreadsheet missing
    │   ├── SheetsPermissionError   HTTP 403: not shared with the service account
    │   ├── SheetsAnswerError       an answer to a read that is not what Google sends (HTML, empty, ``{}``...)
    │   └── SheetsUnavailableError  gave up retrying (429/5xx/network) by the deadline
    ├── BraintrustError             the Braintrust API refused or failed (carries ``url`` and ``status``)
    │   ├── BraintrustAuthError     HTTP 401/403: the API key is wrong or may not read the project
    │   └── BraintrustUnavailableError  gave up retrying (429/5xx/network) by the deadline
    ├── WorkbookLayoutError         a tab sheets-sync wants is taken by a tab it did not make, grid too large, ...
    ├── ConflictError               exit 3: both sides changed the same field (raised after everything else applied)
    └── PartialSyncError            exit 5: values refused or tabs skipped, all else applied

``RegressionError`` (exit 4) is raised by ``diff --fail-on-regression``.
"""

from __future__ import annotations

from pathlib import Path


class SheetsSyncError(Exception):
    """Base class: a problem we can explain in one line."""

    exit_code = 1


class DataError(SheetsSyncError):
    """A data file (module JSON, judge file, base snapshot) is invalid.

    ``str(err)`` reads ``<path>: <json path>: <message>``, e.g.
    ``data/modules/m01.json: experiments[3].metrics.pass: must be <= total``.
    """

    def __init__(self, message: str, *, path: Path | str | None = None, json_path: str | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.json_path = json_path or None
        self.detail = message
        parts = [str(p) for p in (self.path, self.json_path) if p]
        super().__init__(": ".join([*parts, message]))


class ImportFileError(DataError):
    """A file given to ``sheets-sync import`` is invalid."""


class LockedError(SheetsSyncError):
    """Another sheets-sync process holds the data directory's writer lock."""


class ConfigError(SheetsSyncError):
    """A setting is missing or malformed (spreadsheet id, endpoint, config file)."""


class CredentialsError(SheetsSyncError):
    """Google credentials are missing or malformed."""


class SheetsError(SheetsSyncError):
    """The Sheets API refused a request in a way that retrying cannot fix."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        self.status = status
        super().__init__(message)


class SheetsNotFoundError(SheetsError):
    """HTTP 404: the spreadsheet does not exist (or the id is wrong)."""


class SheetsPermissionError(SheetsError):
    """HTTP 403: the credentials may not open this spreadsheet."""


class SheetsAnswerError(SheetsError):
    """The API answered a read with something Google does not send (not JSON, wrong shape or types)."""


class SheetsUnavailableError(SheetsError):
    """Retries of 429/5xx/network failures ran out by the deadline."""


class BraintrustError(SheetsSyncError):
    """The Braintrust REST API answered with an error we cannot retry, or an answer we cannot read."""

    def __init__(self, message: str, *, url: str | None = None, status: int | None = None) -> None:
        self.url = url
        self.status = status
        super().__init__(f"{url}: {message}" if url else message)


class BraintrustAuthError(BraintrustError):
    """HTTP 401/403: the API key is missing, wrong, or may not read this project."""


class BraintrustUnavailableError(BraintrustError):
    """Retries of 429/5xx/network failures ran out by the deadline."""


class WorkbookLayoutError(SheetsSyncError):
    """The workbook cannot hold what sheets-sync wants to write (title taken, grid too large...)."""


class ConflictError(SheetsSyncError):
    """Both the sheet and the local data changed the same field since the last sync."""

    exit_code = 3


class PartialSyncError(SheetsSyncError):
    """Values refused or tabs skipped, all else applied (exit 5; conflicts, exit 3, win when both happen)."""

    exit_code = 5


class RegressionError(SheetsSyncError):
    """``diff --fail-on-regression``: a statistically significant drop."""

    exit_code = 4
