"""`social-publisher serve`: preview the built site over HTTP on the loopback interface.

The standard library's file server, bound to 127.0.0.1 only (never reachable
from another machine), rooted at `[site] out_dir`. A missing path answers 404
with the site's own 404.html, as a static host would; every path that was
missing is remembered in `server.missing`, which the browser check reads.
"""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from social_publisher.errors import PublisherError, UsageError

HOST = "127.0.0.1"
DEFAULT_PORT = 8000


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, site: Path, port: int, *, quiet: bool = False):
        self.site = site
        self.quiet = quiet
        self.missing: list[str] = []
        self._lock = threading.Lock()
        super().__init__((HOST, port), functools.partial(_Handler, directory=str(site)))

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}/"

    def note_missing(self, path: str) -> None:
        with self._lock:
            self.missing.append(path)


class _Handler(SimpleHTTPRequestHandler):
    server: PreviewServer

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = self.server.site / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        self.server.note_missing(self.path)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the base class's name)
        if not self.server.quiet:
            super().log_message(format, *args)


def preview_server(site: Path, port: int = DEFAULT_PORT, *, quiet: bool = False) -> PreviewServer:
    """A server for the built site at `site` (port 0 picks a free one); call serve_forever() on it."""
    if not (site / "index.html").is_file():
        raise UsageError(f"{site}: no site built here yet; run 'social-publisher publish' first")
    try:
        return PreviewServer(site, port, quiet=quiet)
    except OSError as exc:
        raise PublisherError(f"cannot listen on {HOST}:{port}: {exc.strerror or exc}") from None
