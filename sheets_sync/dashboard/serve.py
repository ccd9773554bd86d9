"""``sheets-sync serve``: the built site on 127.0.0.1, rebuilt when a page is requested after the data changed.

Rebuilding on request (not by watching files) needs no extra dependency, thread or clock: each request for a page
compares the data files' sizes and modification times with those of the last build, so a reload after
``sheets-sync import`` or ``pull`` shows the new numbers. The rebuild is incremental (:mod:`build`): it re-renders
the pages whose inputs' content changed, so one changed module costs its page and the heatmap, not the site. If
the data became invalid, pages answer 500 with the one-line error until it is fixed.
"""

from __future__ import annotations

import threading
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sheets_sync.dashboard.build import BuildReport, build_site_report
from sheets_sync.errors import SheetsSyncError
from sheets_sync.store import Store

HOST = "127.0.0.1"

Fingerprint = tuple[tuple[str, int, int], ...]


def data_fingerprint(store: Store) -> Fingerprint:
    """Name, mtime and size of every file the site is built from."""
    paths = [store.index_path, *sorted(store.modules_dir.glob("*.json"))]
    stamps = []
    for path in paths:
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        stamps.append((path.name, stat.st_mtime_ns, stat.st_size))
    return tuple(stamps)


class SiteServer(ThreadingHTTPServer):
    """Serves ``out_dir`` on loopback only; rebuilds it from ``store`` when the data changed."""

    daemon_threads = True

    def __init__(self, store: Store, out_dir: Path, port: int) -> None:
        self.store = store
        self.out_dir = Path(out_dir)
        self.last_error: str | None = None
        self.last_build: BuildReport | None = None
        self._built_for: Fingerprint | None = None
        self._lock = threading.Lock()
        self.out_dir.mkdir(parents=True, exist_ok=True)
        super().__init__((HOST, port), partial(_Handler, directory=str(self.out_dir)))

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}/"

    def build_now(self) -> None:
        """Build (raising on invalid data) and remember which data it was built from."""
        fingerprint = data_fingerprint(self.store)  # taken first: a change during the build triggers another
        self.last_build = build_site_report(self.store, self.out_dir)
        self._built_for, self.last_error = fingerprint, None

    def ensure_fresh(self) -> str | None:
        """Rebuild if the data changed since the last attempt; the error message when the data is invalid."""
        with self._lock:
            fingerprint = data_fingerprint(self.store)
            if fingerprint != self._built_for:
                try:
                    self.build_now()
                except SheetsSyncError as exc:
                    # Not retried until the data changes again: every page load would rebuild in vain.
                    self._built_for, self.last_error = fingerprint, str(exc)
            return self.last_error


class _Handler(SimpleHTTPRequestHandler):
    server: SiteServer

    def do_GET(self) -> None:
        if self._wants_page() and self._send_build_error():
            return
        super().do_GET()

    def do_HEAD(self) -> None:
        if self._wants_page() and self._send_build_error():
            return
        super().do_HEAD()

    def end_headers(self) -> None:
        # Pages change under the same URL whenever the data does: never let the browser reuse a stale copy.
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: one line per request would drown the terminal on every page load."""

    def _wants_page(self) -> bool:
        path = urlsplit(self.path).path
        return path.endswith(("/", ".html"))

    def _send_build_error(self) -> bool:
        error = self.server.ensure_fresh()
        if error is None:
            return False
        body = f"sheets-sync could not rebuild the dashboard:\n{error}\n".encode()
        # Plain text, not HTML: the message quotes data (file names, values) that must not be interpreted.
        self.send_response(HTTPStatus.INTERNAL_SERVER_ERROR)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return True
