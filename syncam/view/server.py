"""A small HTTP server on 127.0.0.1 that sends the view's page and the clips the manifest names.

Nothing else on the disk can be reached: a request names a clip by an opaque id given out for this
run (the page's own links), looked up in a table, so no path from the request is ever opened; every
other path is 404. Clips are sent with HTTP range requests (206 Partial Content), which a browser
needs to seek a video and which Python's ``http.server`` does not do. The Host header must name this
server (127.0.0.1 or localhost and its port): a web page elsewhere that points a name of its own at
127.0.0.1 (DNS rebinding) is refused.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from syncam import config

log = logging.getLogger(__name__)

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


@dataclass(frozen=True)
class File:
    path: str
    mime: str


def byte_range(header: str | None, size: int) -> tuple[int, int] | None | str:
    """The inclusive (first, last) byte a Range header asks for; None for the whole file (no header,
    several ranges or a form we do not serve, where RFC 9110 lets a server send it all); "bad" when it
    cannot be satisfied (416)."""
    if not header:
        return None
    found = _RANGE.match(header.strip())
    if not found or (not found.group(1) and not found.group(2)):
        return None
    first, last = found.group(1), found.group(2)
    if not first:  # the last N bytes
        n = int(last)
        return (max(size - n, 0), size - 1) if n and size else "bad"
    start = int(first)
    if start >= size:
        return "bad"
    end = min(int(last), size - 1) if last else size - 1
    return (start, end) if end >= start else "bad"


class ViewServer(ThreadingHTTPServer):
    """Serves ``page`` at / and each of ``files`` at /clip/<its id>, on 127.0.0.1 only."""

    daemon_threads = True  # a browser keeps connections open: they must not hold up the exit
    allow_reuse_address = True

    def __init__(self, page: bytes, files: dict[str, File], port: int = 0) -> None:
        self.page = page
        self.files = dict(files)
        super().__init__(("127.0.0.1", port), Handler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"


class Handler(BaseHTTPRequestHandler):
    server: ViewServer
    protocol_version = "HTTP/1.1"  # keep-alive: a video's many range requests reuse a connection

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base's name)
        log.debug("view: " + format, *args)

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def do_GET(self) -> None:
        self._serve(body=True)

    def _plain(self, status: HTTPStatus, text: str, body: bool) -> None:
        data = (text + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _serve(self, *, body: bool) -> None:
        host = self.headers.get("Host", "")
        if host not in (f"127.0.0.1:{self.server.port}", f"localhost:{self.server.port}"):
            self._plain(HTTPStatus.FORBIDDEN, "this server answers only at 127.0.0.1", body)
            return
        route = urlsplit(self.path).path
        if route == "/":
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(self.server.page)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if body:
                self.wfile.write(self.server.page)
            return
        prefix = "/clip/"
        file = self.server.files.get(route[len(prefix):]) if route.startswith(prefix) else None
        if file is None:
            self._plain(HTTPStatus.NOT_FOUND, "not found: this server sends only the clips of its "
                        "manifest", body)
            return
        self._send_file(file, body)

    def _send_file(self, file: File, body: bool) -> None:
        try:
            fh = open(file.path, "rb")
        except OSError:
            self._plain(HTTPStatus.NOT_FOUND, "the clip is gone from the disk", body)
            return
        with fh:
            size = os.fstat(fh.fileno()).st_size
            wanted = byte_range(self.headers.get("Range"), size)
            if wanted == "bad":
                self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            first, last = wanted if isinstance(wanted, tuple) else (0, size - 1)
            self.send_response(HTTPStatus.PARTIAL_CONTENT if isinstance(wanted, tuple)
                               else HTTPStatus.OK)
            self.send_header("Content-Type", file.mime)
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Length", str(last - first + 1))
            if isinstance(wanted, tuple):
                self.send_header("Content-Range", f"bytes {first}-{last}/{size}")
            self.end_headers()
            if not body:
                return
            fh.seek(first)
            left = last - first + 1
            try:
                while left > 0:
                    chunk = fh.read(min(config.VIEW_CHUNK, left))
                    if not chunk:
                        break
                    self.wfile.write(chunk)
                    left -= len(chunk)
            except (BrokenPipeError, ConnectionResetError):  # the browser no longer wants the rest
                self.close_connection = True
