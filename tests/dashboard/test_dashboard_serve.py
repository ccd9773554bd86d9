"""`sheets-sync serve`: a real HTTP server on loopback that rebuilds pages when the data changed."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from dashboard_factory import m01, run, sample_modules, write_modules

from sheets_sync.dashboard.serve import SiteServer
from sheets_sync.index_file import write_index
from sheets_sync.store import Store

pytestmark = pytest.mark.http


def get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read().decode()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[SiteServer, Store]]:
    store = write_modules(tmp_path / "data", sample_modules())
    server = SiteServer(store, tmp_path / "site", 0)
    server.build_now()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, store
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_serves_the_site_on_loopback(served: tuple[SiteServer, Store]) -> None:
    server, _ = served
    assert server.url.startswith("http://127.0.0.1:")
    status, content_type, body = get(server.url)
    assert (status, content_type) == (200, "text/html")
    assert "Evaluation heatmap" in body
    assert get(server.url + "assets/heatmap.js")[0] == 200


def test_a_page_requested_after_the_data_changed_is_rebuilt(served: tuple[SiteServer, Store]) -> None:
    server, store = served
    assert "m01_v11_gpt5_20260125" not in get(server.url + "modules/m01.html")[2]
    module = m01()
    module.experiments.append(run("m01", "v11", "gpt-5", 45, day=25))
    with store.lock():
        store.save_module(module)
        write_index(store)
    assert "m01_v11_gpt5_20260125" in get(server.url + "modules/m01.html")[2]
    # Only what the change touched was rendered again: m01's page, the heatmap and its data script for m01.
    assert server.last_build is not None and not server.last_build.full
    assert server.last_build.written[1:] == ["index.html", "modules/m01.html"]
    assert server.last_build.written[0].startswith("heatmap/rows-")
    status, _, body = get(server.url + "index.html")
    assert status == 200 and server.last_build.written[0] in body  # the page names its new data script
    assert get(server.url + server.last_build.written[0])[0] == 200
    assert get(server.url + server.last_build.deleted[0])[0] == 404  # the old one is gone


def test_nothing_is_rendered_again_while_the_data_stays_the_same(served: tuple[SiteServer, Store]) -> None:
    server, store = served
    first = server.last_build
    assert get(server.url + "modules/m01.html")[0] == 200
    with store.lock():
        write_index(store)  # rewrites nothing: same data, same bytes
        store.module_path("m02").touch()  # a newer time, the same content
    assert get(server.url + "modules/m02.html")[0] == 200
    assert server.last_build is not first and server.last_build is not None
    assert (server.last_build.written, server.last_build.deleted) == ([], [])


def test_invalid_data_answers_500_with_the_error_as_plain_text(served: tuple[SiteServer, Store]) -> None:
    server, store = served
    store.module_path("m02").write_text('{"module_id": "m02", "module_name": "<b>x</b>"', encoding="utf-8")
    status, content_type, body = get(server.url + "index.html")
    assert (status, content_type) == (500, "text/plain; charset=utf-8")
    assert "m02.json: invalid JSON" in body


def test_the_serve_command_prints_its_url_and_serves(tmp_path: Path) -> None:
    store = write_modules(tmp_path / "data", sample_modules())
    command = [
        sys.executable,
        "-m",
        "sheets_sync",
        "serve",
        "--port",
        "0",
        "--out",
        str(tmp_path / "site"),
        "--data-dir",
        str(store.data_dir),
    ]
    process = subprocess.Popen(
        command, stderr=subprocess.PIPE, text=True, env={**os.environ, "COLUMNS": "300"}
    )
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        url = line.split(" on ", 1)[1].split(" ", 1)[0]
        assert url.startswith("http://127.0.0.1:")
        assert get(url + "modules/m03.html")[0] == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
