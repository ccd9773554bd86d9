"""Google credentials for the Sheets API, scoped to spreadsheets only.

In order: ``--credentials PATH`` (a service-account key, gcloud user credentials or a Workload Identity Federation
config file), else Application Default Credentials (``google.auth.default()``: ``GOOGLE_APPLICATION_CREDENTIALS``,
``gcloud auth application-default login``, or the metadata server / federated identity of a CI runner). An endpoint
on this machine (a local emulator) gets anonymous credentials instead.

There is never a fallback: without credentials push and pull stop with an error that says how to get them. Errors
are one line and never contain key material (google-auth's own messages are not passed on for key files).
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import google.auth
import requests
from google.auth import aws, identity_pool, pluggable
from google.auth.credentials import AnonymousCredentials, Credentials
from google.auth.exceptions import DefaultCredentialsError, GoogleAuthError
from google.auth.transport.requests import AuthorizedSession
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account

from sheets_sync import jsonio
from sheets_sync.errors import CredentialsError, DataError

SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
HOW_TO_GET_CREDENTIALS = (
    "set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file (or a Workload Identity Federation config), "
    "run `gcloud auth application-default login --scopes=https://www.googleapis.com/auth/spreadsheets,"
    "https://www.googleapis.com/auth/cloud-platform`, or pass --credentials PATH (see docs/sync.md, Credentials)"
)
SERVICE_ACCOUNT_FIELDS = ("client_email", "private_key", "token_uri")
ADC_FILE_TYPES = (
    "authorized_user",
    "external_account",
    "external_account_authorized_user",
    "gdch_service_account",
    "impersonated_service_account",
    "service_account",
)
"""The ``type`` values google-auth's Application Default Credentials accept in a credentials file."""


def is_local_endpoint(endpoint: str | None) -> bool:
    """True for an endpoint on this machine (an emulator): loopback addresses, ``localhost``, ``*.invalid``."""
    if not endpoint:
        return False
    host = (urlsplit(endpoint).hostname or "").lower()
    if host == "localhost" or host.endswith((".localhost", ".invalid")):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def load_credentials(path: Path | None, endpoint: str | None = None) -> tuple[Credentials, str | None]:
    """(credentials, service-account email if known) for the given settings; raises CredentialsError."""
    if is_local_endpoint(endpoint):
        return AnonymousCredentials(), None  # type: ignore[no-untyped-call]
    credentials = _from_file(path) if path is not None else _default()
    # Compute Engine credentials say "default" until refreshed: only a real address helps a 403 message.
    email = getattr(credentials, "service_account_email", None)
    return credentials, email if isinstance(email, str) and "@" in email else None


def authorized_session(credentials: Credentials) -> requests.Session:
    """A requests session that adds (and refreshes) the access token; plain for anonymous credentials."""
    if isinstance(credentials, AnonymousCredentials):
        # Anonymous means a local emulator: HTTP(S)_PROXY must not route loopback requests to a corporate proxy.
        session = requests.Session()
        session.trust_env = False
        return session
    return AuthorizedSession(credentials)


def _default() -> Credentials:
    named = os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
    if named:
        info = _read_key_file(Path(named), "GOOGLE_APPLICATION_CREDENTIALS=")
        if info["type"] not in ADC_FILE_TYPES:
            raise CredentialsError(
                f"GOOGLE_APPLICATION_CREDENTIALS={named}: credentials of type {info['type']!r} are not supported; "
                f"use one of {', '.join(ADC_FILE_TYPES)}"
            )
    try:
        credentials, _project = google.auth.default(scopes=SCOPES)  # type: ignore[no-untyped-call]
    except (DefaultCredentialsError, ValueError) as exc:
        if named:
            raise CredentialsError(
                f"GOOGLE_APPLICATION_CREDENTIALS={named}: not a usable Google credentials file ({_safe(exc)})"
            ) from None
        raise CredentialsError(f"no Google credentials found: {HOW_TO_GET_CREDENTIALS}") from None
    return credentials


def _from_file(path: Path) -> Credentials:
    """Credentials of the file's own type: the loader is chosen from ``type``, never guessed from the content."""
    info = _read_key_file(path)
    loader = _LOADERS.get(str(info["type"]))
    if loader is None:
        raise CredentialsError(
            f"{path}: credentials of type {info['type']!r} are not supported with --credentials; use "
            f"{', '.join(sorted(_LOADERS))}, or point GOOGLE_APPLICATION_CREDENTIALS at the file"
        )
    try:
        return loader(info)
    except (GoogleAuthError, ValueError, KeyError) as exc:
        raise CredentialsError(f"{path}: not a usable Google credentials file ({_safe(exc)})") from None


def _service_account(info: dict[str, object]) -> Credentials:
    return service_account.Credentials.from_service_account_info(info, scopes=SCOPES)  # type: ignore[no-untyped-call]


def _authorized_user(info: dict[str, object]) -> Credentials:
    return user_credentials.Credentials.from_authorized_user_info(info, scopes=list(SCOPES))  # type: ignore[no-untyped-call]


def _external_account(info: dict[str, object]) -> Credentials:
    """Workload Identity Federation: AWS, an executable, or a file/URL token (GitHub Actions' OIDC token)."""
    source = info.get("credential_source") or {}
    if isinstance(source, dict) and str(source.get("environment_id", "")).startswith("aws"):
        return aws.Credentials.from_info(info, scopes=SCOPES)  # type: ignore[no-untyped-call]
    if isinstance(source, dict) and "executable" in source:
        return pluggable.Credentials.from_info(info, scopes=SCOPES)  # type: ignore[no-untyped-call]
    return identity_pool.Credentials.from_info(info, scopes=SCOPES)  # type: ignore[no-untyped-call]


_LOADERS: dict[str, Callable[[dict[str, object]], Credentials]] = {
    "service_account": _service_account,
    "authorized_user": _authorized_user,
    "external_account": _external_account,
}


def _read_key_file(path: Path, source: str = "") -> dict[str, object]:
    """The file's JSON, with readable one-line reasons for the usual mistakes (``source`` says who named it)."""
    where = f"{source}{path}"
    try:
        raw = jsonio.parse_bytes(path.read_bytes())
    except DataError as exc:
        raise CredentialsError(f"{where}: not JSON ({exc.detail}): not a Google credentials file") from None
    except FileNotFoundError:
        raise CredentialsError(f"{where}: no such credentials file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CredentialsError(f"{where}: cannot read the credentials file ({type(exc).__name__})") from None
    if not isinstance(raw, dict) or "type" not in raw:
        raise CredentialsError(f'{where}: no "type" field: not a Google credentials file')
    if raw["type"] == "service_account":
        missing = [name for name in SERVICE_ACCOUNT_FIELDS if not raw.get(name)]
        if missing:
            raise CredentialsError(f"{where}: service-account key without {', '.join(missing)}")
    return raw


def _safe(error: Exception) -> str:
    """The first line of an auth library message, or a generic reason if it might echo key material."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if "BEGIN" in text or "PRIVATE" in text.upper() or len(text) > 200:
        # google-auth's long messages quote the file's content or the key parser's details: say only what failed.
        return (
            "the private key could not be read" if "key" in text.lower() else "google-auth could not load it"
        )
    return text
