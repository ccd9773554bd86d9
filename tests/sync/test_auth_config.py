"""Settings (flags over environment over config file) and credentials (clear one-line errors, no fallback)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner

from sheets_sync.cli import main
from sheets_sync.errors import ConfigError, CredentialsError
from sheets_sync.sync.auth import is_local_endpoint, load_credentials
from sheets_sync.sync.config import SyncSettings, load_settings, parse_spreadsheet_id
from sheets_sync.sync.connect import open_engine
from sheets_sync.sync.gspread_adapter import GspreadWorkbook

EXAMPLE_KEY = Path(__file__).parents[2] / "credentials.example.json"


@pytest.fixture
def no_google_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A machine with no ADC: no key variable, an empty gcloud config, no metadata server reachable."""
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path / "gcloud"))
    monkeypatch.setenv("GCE_METADATA_HOST", "127.0.0.1:9")
    monkeypatch.setenv("GCE_METADATA_IP", "127.0.0.1:9")
    monkeypatch.setenv("GCE_METADATA_DETECT_RETRIES", "1")


@pytest.mark.parametrize(
    "given, expected",
    [
        ("https://docs.google.com/spreadsheets/d/1AbC-_xyz/edit#gid=0", "1AbC-_xyz"),
        ("https://docs.google.com/spreadsheets/d/1AbC-_xyz/edit?usp=sharing", "1AbC-_xyz"),
        ("  1AbC-_xyz ", "1AbC-_xyz"),
        ("https://docs.google.com/spreadsheets/u/1/d/1AbC-_xyz/edit#gid=12", "1AbC-_xyz"),  # several accounts
        ("docs.google.com/spreadsheets/d/1AbC-_xyz", "1AbC-_xyz"),
    ],
)
def test_spreadsheet_ids_and_urls(given: str, expected: str) -> None:
    assert parse_spreadsheet_id(given) == expected


def test_a_published_to_the_web_link_is_refused_not_misread() -> None:
    """``/d/e/2PACX-...`` holds a publication key: taking "e" as the id would open the wrong spreadsheet."""
    with pytest.raises(ConfigError, match="published-to-the-web link"):
        parse_spreadsheet_id("https://docs.google.com/spreadsheets/d/e/2PACX-1vQabc/pubhtml")


def test_flags_over_environment_over_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "sheets-sync.toml"
    config.write_text('spreadsheet_id = "from-file"\nendpoint = "http://127.0.0.1:1"\ndeadline = 42\n')
    from_file = load_settings(config)
    assert (from_file.spreadsheet_id, from_file.endpoint, from_file.deadline) == (
        "from-file",
        "http://127.0.0.1:1",
        42,
    )
    monkeypatch.setenv("SHEETS_SYNC_SPREADSHEET_ID", "https://docs.google.com/spreadsheets/d/from-env/edit")
    assert load_settings(config).spreadsheet_id == "from-env"
    assert load_settings(config, spreadsheet_id="from-flag", endpoint=None).spreadsheet_id == "from-flag"
    assert load_settings(config, spreadsheet_id="from-flag").endpoint == "http://127.0.0.1:1"


def test_the_default_config_file_is_read_from_the_working_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "sheets-sync.toml").write_text('spreadsheet_id = "here"\n')
    monkeypatch.chdir(tmp_path)
    assert load_settings().spreadsheet_id == "here"


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"endpoint": "ftp://x"}, "is not an http"),
        ({"deadline": -1}, "positive"),
        ({"spreadsheet_id": "a b"}, "neither a spreadsheet id"),
    ],
)
def test_bad_settings_are_one_line_errors(settings: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(**settings)


def test_a_missing_config_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such config file"):
        load_settings(tmp_path / "nope.toml")


def test_a_local_endpoint_gets_anonymous_credentials() -> None:
    assert is_local_endpoint("http://127.0.0.1:8765") and is_local_endpoint("http://localhost:1")
    assert is_local_endpoint("http://emulator.invalid") and not is_local_endpoint(
        "https://sheets.googleapis.com"
    )
    credentials, account = load_credentials(None, "http://127.0.0.1:8765")
    assert type(credentials).__name__ == "AnonymousCredentials" and account is None


def test_no_credentials_is_an_error_that_says_how_to_get_them(no_google_credentials: None) -> None:
    with pytest.raises(CredentialsError) as caught:
        load_credentials(None, None)
    message = str(caught.value)
    assert "GOOGLE_APPLICATION_CREDENTIALS" in message and "gcloud auth application-default login" in message


@pytest.mark.parametrize("command", ["push", "pull", "status"])
def test_without_credentials_a_sync_stops_and_never_falls_back(
    no_google_credentials: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    """No credentials: one line saying how to get them, exit 1, and not one Sheets API request to anywhere
    (no anonymous request to Google, no emulator)."""
    sent: list[str] = []
    original = requests.Session.send

    def recording_send(self: requests.Session, request: requests.PreparedRequest, **kwargs: Any) -> Any:
        sent.append(str(request.url))
        return original(self, request, **kwargs)

    monkeypatch.setattr(requests.Session, "send", recording_send)
    url = "https://docs.google.com/spreadsheets/d/1AbC-_xyz/edit#gid=0"
    result = CliRunner().invoke(main, [command, "--spreadsheet", url, "--data-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "Traceback" not in result.output
    assert result.output.startswith("error: no Google credentials found: set GOOGLE_APPLICATION_CREDENTIALS")
    assert "gcloud auth application-default login" in result.output and "--credentials PATH" in result.output
    assert not [url for url in sent if "spreadsheets" in url]


def test_a_malformed_key_file_is_one_line_without_key_material(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["push", "--spreadsheet", "abc", "--credentials", str(EXAMPLE_KEY), "--data-dir", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert result.output.startswith("error: ") and result.output.count("\n") == 1
    assert "NOT-A-REAL-KEY" not in result.output and "BEGIN PRIVATE" not in result.output


def test_a_malformed_key_named_by_the_environment(
    no_google_credentials: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(EXAMPLE_KEY))
    with pytest.raises(CredentialsError) as caught:
        load_credentials(None)
    message = str(caught.value)
    assert message.startswith(f"GOOGLE_APPLICATION_CREDENTIALS={EXAMPLE_KEY}: not a usable")
    assert "NOT-A-REAL-KEY" not in message and "\n" not in message


def test_an_unsupported_credentials_type_named_by_the_environment(
    no_google_credentials: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "key.json"
    path.write_text(json.dumps(json.loads(EXAMPLE_KEY.read_text()) | {"type": "api_key"}))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(path))
    with pytest.raises(CredentialsError) as caught:
        load_credentials(None)
    message = str(caught.value)
    assert "type 'api_key' are not supported" in message and "service_account" in message
    assert "NOT-A-REAL-KEY" not in message and "private key" not in message


@pytest.mark.parametrize(
    "content, message",
    [("{not json", "not JSON"), ("[]", 'no "type"'), (json.dumps({"type": "service_account"}), "without")],
)
def test_broken_credential_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "key.json"
    path.write_text(content)
    with pytest.raises(CredentialsError, match=message):
        load_credentials(path)
    with pytest.raises(CredentialsError, match="no such credentials file"):
        load_credentials(tmp_path / "missing.json")


def test_a_service_account_names_its_email_for_sharing(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    data = json.loads(EXAMPLE_KEY.read_text()) | {"private_key": pem}
    path = tmp_path / "key.json"
    path.write_text(json.dumps(data))
    credentials, account = load_credentials(path)
    assert account == "sheets-sync@example-project-000000.iam.gserviceaccount.com"
    assert list(credentials.scopes) == ["https://www.googleapis.com/auth/spreadsheets"]  # type: ignore[attr-defined]
    # the command's wiring hands the address to the adapter, whose HTTP 403 message names it (emulator test)
    engine = open_engine(tmp_path / "data", SyncSettings(spreadsheet_id="abc", credentials=path))
    assert isinstance(engine.workbook, GspreadWorkbook) and engine.workbook.account == account
