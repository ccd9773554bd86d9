"""A build time on the pages only when one is given (``--stamp TIME`` or ``SOURCE_DATE_EPOCH``, as reproducible
builds do): a default build of the same data writes the same bytes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from sheets_sync.cli import main
from sheets_sync.store import Store


def pages(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*.html"))}


def build(store: Store, out: Path, *args: str, env: dict[str, str] | None = None) -> int:
    result = CliRunner(env=env).invoke(
        main, ["dashboard", "--out", str(out), "--data-dir", str(store.data_dir), *args]
    )
    return result.exit_code


def test_a_default_build_prints_no_time_and_is_byte_identical(sample_store: Store, tmp_path: Path) -> None:
    assert build(sample_store, tmp_path / "one", env={"SOURCE_DATE_EPOCH": ""}) == 0
    assert build(sample_store, tmp_path / "two", env={"SOURCE_DATE_EPOCH": ""}) == 0
    one, two = pages(tmp_path / "one"), pages(tmp_path / "two")
    assert one == two and len(one) > 1
    assert not any(b"Built " in page for page in one.values())


def test_stamp_prints_the_given_time_on_every_page(sample_store: Store, tmp_path: Path) -> None:
    assert build(sample_store, tmp_path / "site", "--stamp", "2026-02-03 10:25 UTC (pull of run 42)") == 0
    for name, page in pages(tmp_path / "site").items():
        assert b"Built 2026-02-03 10:25 UTC (pull of run 42)" in page, name


def test_source_date_epoch_is_printed_in_utc(sample_store: Store, tmp_path: Path) -> None:
    epoch = 1770114315
    assert build(sample_store, tmp_path / "site", env={"SOURCE_DATE_EPOCH": str(epoch)}) == 0
    expected = datetime.fromtimestamp(epoch, tz=UTC).strftime("Built %Y-%m-%d %H:%M UTC").encode()
    assert all(expected in page for page in pages(tmp_path / "site").values())


def test_a_bad_source_date_epoch_is_one_line_and_writes_nothing(sample_store: Store, tmp_path: Path) -> None:
    result = CliRunner(env={"SOURCE_DATE_EPOCH": "yesterday"}).invoke(
        main, ["dashboard", "--out", str(tmp_path / "site"), "--data-dir", str(sample_store.data_dir)]
    )
    assert result.exit_code != 0
    assert result.stderr.strip().count("\n") == 0 and "SOURCE_DATE_EPOCH" in result.stderr
    assert not (tmp_path / "site").exists()
