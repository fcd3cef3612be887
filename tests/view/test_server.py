"""The view's server on its own (no browser, no ffmpeg): range requests, and nothing but its files."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator

import pytest

from syncam.view.server import File, ViewServer, byte_range

DATA = bytes(range(256)) * 40  # 10240 bytes, each position recognisable


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ViewServer]:
    tmp_path = tmp_path_factory.mktemp("served")
    clip = tmp_path / "clip one.mp4"
    clip.write_bytes(DATA)
    (tmp_path / "secret.txt").write_text("secret")
    s = ViewServer(b"<html>page</html>", {"abc123": File(str(clip), "video/mp4")}, 0)
    thread = threading.Thread(target=s.serve_forever, daemon=True)
    thread.start()
    yield s
    s.shutdown()
    s.server_close()


def get(s: ViewServer, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=5)
    conn.request("GET", path, headers=headers)
    res = conn.getresponse()
    body = res.read()
    conn.close()
    return res.status, {k.lower(): v for k, v in res.getheaders()}, body


def test_binds_to_loopback_only(server: ViewServer) -> None:
    assert server.server_address[0] == "127.0.0.1"
    assert server.url == f"http://127.0.0.1:{server.port}/"


def test_page_and_whole_file(server: ViewServer) -> None:
    assert get(server, "/")[2] == b"<html>page</html>"
    status, headers, body = get(server, "/clip/abc123")
    assert status == 200 and body == DATA and headers["accept-ranges"] == "bytes"
    assert headers["content-type"] == "video/mp4"


@pytest.mark.parametrize(("header", "first", "last"), [
    ("bytes=0-99", 0, 99), ("bytes=100-", 100, 10239), ("bytes=-10", 10230, 10239),
    ("bytes=10000-99999", 10000, 10239), ("bytes=5-5", 5, 5)])
def test_ranges(server: ViewServer, header: str, first: int, last: int) -> None:
    status, headers, body = get(server, "/clip/abc123", Range=header)
    assert status == 206, header
    assert headers["content-range"] == f"bytes {first}-{last}/{len(DATA)}"
    assert body == DATA[first: last + 1]


@pytest.mark.parametrize("header", ["bytes=10240-", "bytes=20000-30000", "bytes=-0", "bytes=9-3"])
def test_unsatisfiable_range_is_416(server: ViewServer, header: str) -> None:
    status, headers, _ = get(server, "/clip/abc123", Range=header)
    assert status == 416 and headers["content-range"] == f"bytes */{len(DATA)}"


def test_range_forms_it_does_not_serve_send_the_whole_file() -> None:
    assert byte_range("bytes=0-1,5-9", 100) is None
    assert byte_range("items=0-1", 100) is None
    assert byte_range(None, 100) is None


@pytest.mark.parametrize("path", [
    "/secret.txt", "/../secret.txt", "/clip/../secret.txt", "/clip/..%2fsecret.txt",
    "/clip/%2e%2e/secret.txt", "/%2e%2e%2fsecret.txt", "/clip/abc123/../../secret.txt",
    "/clip/ABC123", "/clip/abc1234", "/clip/", "/clip", "/clip/abc123/", "/clip%2fabc123",
    "/clip/clip%20one.mp4", "/etc/passwd", "//etc/passwd", "/clip/%00"])
def test_anything_else_is_404(server: ViewServer, path: str) -> None:
    status, _, body = get(server, path)
    assert status == 404, path
    assert b"secret" not in body and DATA[:64] not in body


def test_other_host_names_are_refused(server: ViewServer) -> None:
    """A page elsewhere whose own name points at 127.0.0.1 (DNS rebinding) gets nothing."""
    assert get(server, "/clip/abc123", Host=f"attacker.example:{server.port}")[0] == 403
    assert get(server, "/", Host=f"localhost:{server.port}")[0] == 200


def test_the_page_keeps_names_as_data() -> None:
    """A clip or folder name with markup stays text: the JSON cannot end the script element early,
    and it reads back as it was."""
    import json
    import re

    from syncam.view.build import page

    evil = '</script><script>alert("x")</script> & ü'
    html = page({"title": evil, "clips": [{"name": evil}]}).decode("utf-8")
    assert "<script>alert" not in html
    blob = re.search(r'<script type="application/json" id="data">(.*?)</script>', html, re.S)
    assert blob is not None
    assert json.loads(blob.group(1)) == {"title": evil, "clips": [{"name": evil}]}
    assert "&lt;/script&gt;" in html.split("<h1>")[1]
