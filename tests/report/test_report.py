"""syncam report on real encoded media: the page parses, every picture decodes, the contact sheet shows
each camera's frame on screen at each instant, a silent camera placed by motion, batch pages, errors."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser

import cv2
import numpy as np
import pytest

from syncam import config
from syncam.media import ffmpeg
from syncam.report import report, sheet
from tests import mediagen as g
from tests.conftest import run_cli
from tests.report.conftest import CAMS, LOST

pytestmark = pytest.mark.slow

VOID = {"meta", "img", "br", "hr", "link", "input", "col", "area", "base", "wbr", "source"}
OPTIONAL_END = {"p", "li", "tr", "td", "th"}


class Page(HTMLParser):
    """Collects images, links and text; fails on a close tag that does not match its open tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.images: list[dict[str, str]] = []
        self.urls: list[str] = []
        self.metas: list[dict[str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "img":
            self.images.append(a)
        if tag == "meta":
            self.metas.append(a)
        self.urls += [v for k, v in a.items() if k in ("src", "href", "srcset", "poster", "data")]
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        while self.stack and self.stack[-1] != tag and self.stack[-1] in OPTIONAL_END:
            self.stack.pop()
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1:]}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(path: str) -> Page:
    with open(path, encoding="utf-8") as fh:
        html = fh.read()
    page = Page()
    page.feed(html)
    page.close()
    assert page.stack == [], f"unclosed elements: {page.stack}"
    return page


def decode(src: str) -> np.ndarray:
    assert src.startswith("data:image/png;base64,")
    img = cv2.imdecode(np.frombuffer(base64.b64decode(src.split(",", 1)[1]), np.uint8),
                       cv2.IMREAD_COLOR)
    assert img is not None, "an <img> that is not a decodable PNG"
    return cv2.cvtColor(img, cv2.COLOR_BGR2RGB)


def check_self_contained(page: Page) -> None:
    """Every URL is a data: URI (or, in an index, a relative link); a CSP forbids loading others."""
    for url in page.urls:
        assert url.startswith("data:") or not re.match(r"^[a-z][a-z0-9+.-]*:|^//", url, re.I), url
    csp = [m["content"] for m in page.metas if m.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0] and "img-src data:" in csp[0]


def check_images(page: Page) -> dict[str, np.ndarray]:
    """Every <img> decodes to a picture of sensible size that is not blank; by alt text."""
    out = {}
    for im in page.images:
        pic = decode(im["src"])
        h, w = pic.shape[:2]
        assert 150 <= w <= 4000 and 100 <= h <= 6000, (im["alt"], w, h)
        assert pic.std() > 5, f"{im['alt']}: a blank picture"
        out[im["alt"]] = pic
    return out


def frame_times(path: str) -> np.ndarray:
    """Presentation times of every video frame, from ffprobe, relative to the first one."""
    out = subprocess.run([ffmpeg.find_binary("ffprobe"), "-v", "error", "-select_streams", "v:0",
                          "-show_entries", "frame=best_effort_timestamp_time", "-of", "json", path],
                         capture_output=True, text=True, check=True).stdout
    t = np.array([float(f["best_effort_timestamp_time"]) for f in json.loads(out)["frames"]])
    return t - t[0]


def sheet_of(page: Page) -> np.ndarray:
    return decode(next(im["src"] for im in page.images if im["alt"].startswith("contact sheet")))


def test_event_with_an_unplaced_clip(coded) -> None:
    page = parse(coded.report)
    check_self_contained(page)
    pictures = check_images(page)
    text = " ".join(page.text)
    m = json.load(open(coded.manifest, encoding="utf-8"))
    assert [c["placed"] for c in m["clips"]] == [True] * 4 + [False]
    assert "4 of 5 clips placed, 1 not placed" in text
    assert f"NOT PLACED: {m['clips'][4]['reason']}" in text
    # the timeline, the match graph, the contact sheet and the sound are drawn ...
    for alt in ("timeline of every clip", "match graph"):
        assert alt in pictures
    assert any(a.startswith("contact sheet") for a in pictures)
    assert any(a.startswith("sound envelopes around") for a in pictures)
    # ... and a correlation figure for every used match and for every match of the unplaced clip
    want = {(c["a"], c["b"]) for c in m["matches"] if c["used"] or 4 in (c["a"], c["b"])}
    names = [c["name"] for c in m["clips"]]
    drawn = {alt for alt in pictures if alt.startswith("correlation of ")}
    assert drawn == {f"correlation of {names[a]} and {names[b]}" for a, b in want}
    assert sum(4 in pair for pair in want) == 4  # lost.mp4 was compared with every camera
    assert "rejected: confidence below 0.25" in text


def test_contact_sheet_shows_the_frame_on_screen_at_each_instant(coded, tmp_path) -> None:
    result = report(coded.manifest, str(tmp_path / "again.html"))
    m = json.load(open(coded.manifest, encoding="utf-8"))
    assert result.columns == (0, 1, 2, 3)  # every placed camera; the unplaced one has no time
    assert len(result.instants) == config.REPORT_INSTANTS
    pic = sheet_of(parse(result.output))
    checked = no_signal = 0
    for col, i in enumerate(result.columns):
        entry, cam = m["clips"][i], CAMS[i]
        times = frame_times(coded.paths[i])
        for row, t in enumerate(result.instants):
            x, y = sheet.cell_origin(row, col, result.cell)
            cell = pic[y: y + result.cell[1], x: x + result.cell[0]]
            ct = t - entry["offset"]
            if not 0 <= ct < entry["duration"]:
                assert np.abs(cell.astype(int) - sheet.NO_SIGNAL).max(axis=2).mean() < 20
                no_signal += 1
                continue
            if np.min(np.abs(times - (ct + config.REPORT_FRAME_SLACK))) < 0.002:
                continue  # an instant on a frame boundary: the offset's own error could decide it
            fx, fy, fw, fh = sheet.fit(cam.size, result.cell)
            code = g.read_code(cell[fy: fy + fh, fx: fx + fw])
            expected = int(np.searchsorted(times, ct + config.REPORT_FRAME_SLACK, side="right")) - 1
            assert (code >> g.FRAME_BITS, code & ((1 << g.FRAME_BITS) - 1)) == (i, expected), \
                (cam.name, t, ct)
            checked += 1
    assert checked >= 20 and no_signal >= 3, (checked, no_signal)


def test_silent_camera_placed_by_motion(motion_report, mixed) -> None:  # noqa: F811
    m = json.load(open(motion_report.manifest, encoding="utf-8"))
    muted = next(i for i, c in enumerate(m["clips"]) if c["name"] == "muted.mp4")
    assert m["clips"][muted]["placed"] and m["clips"][muted]["method"] == "motion"
    page = parse(motion_report.report)
    check_self_contained(page)
    pictures = check_images(page)
    assert any(a.startswith("correlation of") and "muted.mp4" in a for a in pictures)
    assert any(a.startswith("sound envelopes around") for a in pictures)  # the two with sound
    # the muted camera's cells are the frames ffmpeg itself decodes at the expected times
    result = report(motion_report.manifest, os.path.join(motion_report.folder, "again.html"))
    col = result.columns.index(muted)
    fx, fy, fw, fh = sheet.fit((320, 136), result.cell)
    raw = subprocess.run([ffmpeg.find_binary("ffmpeg"), "-v", "error", "-i", mixed.paths[muted],
                          "-vf", f"scale={fw}:{fh}", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         capture_output=True, check=True).stdout
    frames = np.frombuffer(raw, np.uint8).reshape(-1, fh, fw, 3).astype(int)
    times = frame_times(mixed.paths[muted])
    pic = sheet_of(parse(result.output))
    compared = 0
    for row, t in enumerate(result.instants):
        ct = t - m["clips"][muted]["offset"]
        if not 0 <= ct < m["clips"][muted]["duration"]:
            continue
        x, y = sheet.cell_origin(row, col, result.cell)
        cell = pic[y + fy: y + fy + fh, x + fx: x + fx + fw].astype(int)
        k = int(np.searchsorted(times, ct + config.REPORT_FRAME_SLACK, side="right")) - 1
        near = range(max(0, k - 3), min(len(frames), k + 4))
        diffs = {j: np.abs(frames[j] - cell).mean() for j in near}
        assert min(diffs, key=diffs.get) == k and diffs[k] < 2.0, (t, diffs)
        compared += 1
    assert compared >= 4


def test_headless_browser_renders_it_offline(coded, tmp_path) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("Debian's chromium is not installed (make test installs it where apt is "
                    "available)")
    shot = tmp_path / "page.png"
    profile = tempfile.mkdtemp(prefix="chromium-profile-", dir=tmp_path)
    done = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", f"--screenshot={shot}", "--window-size=1280,2400",
         "--hide-scrollbars", "file://" + os.path.abspath(coded.report)],
        capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL)
    assert done.returncode == 0 and shot.exists(), done.stderr[-2000:]
    pic = cv2.cvtColor(cv2.imread(str(shot)), cv2.COLOR_BGR2RGB)
    assert pic.shape[:2] == (2400, 1280)
    assert pic.std() > 20, "a blank page"
    # the pictures were decoded by the browser: the timeline's bars, coloured by confidence (red to
    # green), are on screen: thousands of strongly coloured pixels on a page of white and grey
    rgb = pic[..., :3].astype(int)
    assert (rgb.max(axis=-1) - rgb.min(axis=-1) > 100).sum() > 2000
    # and nothing but the page itself was loaded: no URL other than data: anywhere in it
    html = open(coded.report, encoding="utf-8").read()
    assert not re.search(r"""(src|href|url)\s*[=(]\s*["']?(https?:|//|file:)""", html, re.I)


def test_batch_writes_a_page_per_event_and_an_index(coded, tmp_path) -> None:
    root = tmp_path / "season"
    for event, picks in (("day 1", (0, 3)), ("day 2", (0, 4))):
        (root / event).mkdir(parents=True)
        for k in picks:
            os.link(coded.paths[k], root / event / os.path.basename(coded.paths[k]))
    pages = [root / e / config.REPORT_NAME for e in ("day 1", "day 2")]
    done = run_cli("batch", str(root), "--jobs", "1")  # without --report: no page, no index
    assert done.returncode == 3, done.stderr  # day 2 has the unplaced clip
    assert not any(p.exists() for p in pages) and not (root / config.REPORT_INDEX_NAME).exists()
    done = run_cli("batch", str(root), "--report", "--jobs", "1")  # a missing page: redone
    assert done.returncode == 3, done.stderr
    for p in pages:
        page = parse(str(p))
        check_self_contained(page)
        check_images(page)
    index = parse(str(root / config.REPORT_INDEX_NAME))
    check_self_contained(index)
    assert sorted(index.urls) == ["day%201/syncam-report.html", "day%202/syncam-report.html"] or \
        sorted(index.urls) == ["day 1/syncam-report.html", "day 2/syncam-report.html"]


def test_missing_extra_is_one_line(coded, tmp_path) -> None:
    out = tmp_path / "r.html"
    code = ("import sys; sys.modules['jinja2'] = None; from syncam.cli import main; "
            f"sys.argv = ['syncam', 'report', {coded.manifest!r}, '-o', {str(out)!r}]; main()")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "Traceback" not in done.stderr
    assert "pip install 'syncam[report]'" in done.stderr
    assert not out.exists()


def test_bad_output_is_refused_and_nothing_is_touched(coded, tmp_path) -> None:
    before = hashlib.sha256(open(coded.manifest, "rb").read()).hexdigest()
    for target, says in ((coded.manifest, "name ending in .html"), (str(tmp_path), ".html"),
                         (str(tmp_path / "no such folder" / "r.html"), "does not exist")):
        done = run_cli("report", coded.manifest, "-o", target)
        assert done.returncode != 0 and says in done.stderr, done.stderr
        assert "Traceback" not in done.stderr and done.stderr.strip().count("\n") == 0
    assert hashlib.sha256(open(coded.manifest, "rb").read()).hexdigest() == before
    done = run_cli("report", os.path.join(coded.folder, LOST), "-o", str(tmp_path / "x.html"))
    assert done.returncode == 1 and "not JSON" in done.stderr


def test_moved_folder_still_reports(coded, tmp_path) -> None:
    """A clip missing at its recorded path is found beside the manifest (a folder moved whole)."""
    moved = tmp_path / "moved"
    moved.mkdir()
    for p in coded.paths:
        os.link(p, moved / os.path.basename(p))
    shutil.copy(coded.manifest, moved / "event.json")
    m = json.load(open(moved / "event.json", encoding="utf-8"))
    for c in m["clips"]:
        c["path"] = os.path.join("/nowhere", c["name"])
    (moved / "event.json").write_text(json.dumps(m), encoding="utf-8")
    done = run_cli("report", str(moved / "event.json"))
    assert done.returncode == 0, done.stderr
    assert (moved / "event.html").exists()


def test_windowed_observations_and_candidates_are_drawn_when_present(coded, tmp_path) -> None:
    """A newer aligner's fields (observations per match, candidates per clip) are shown; an older
    manifest without them is what the other tests report."""
    m = json.load(open(coded.manifest, encoding="utf-8"))
    for x in m["matches"]:  # as an older aligner wrote it: no windowed evidence ...
        x.pop("observations", None)
    used = next(k for k, x in enumerate(m["matches"]) if x["used"])
    lag = m["matches"][used]["lag"]  # ... but for one match
    m["matches"][used]["observations"] = [[t, lag + 0.0002 * k, 0.9] for k, t in
                                          enumerate((1.0, 3.0, 5.0, 7.0))]
    m["clips"][4]["candidates"] = [{"against": 0, "lag": 2.5, "score": 0.12}]
    path = tmp_path / "newer.json"
    path.write_text(json.dumps(m), encoding="utf-8")
    for p in coded.paths:  # the clips beside the manifest, as a folder moved whole
        os.link(p, tmp_path / os.path.basename(p))
    result = report(str(path), str(tmp_path / "newer.html"))
    page = parse(result.output)
    pictures = check_images(page)
    a, b = (m["clips"][m["matches"][used][k]]["name"] for k in ("a", "b"))
    widths = {alt: pic.shape[1] for alt, pic in pictures.items() if alt.startswith("correlation")}
    with_panel = widths.pop(f"correlation of {a} and {b}")
    assert with_panel > max(widths.values()) * 1.1  # the third panel: lag against time
    text = " ".join(page.text)
    assert "Candidate places the aligner considered" in text and "+2.5000" in text
