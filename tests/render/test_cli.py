"""`syncam render` and `syncam align --render` from the command line; bad input; Ctrl-C; labels."""

from __future__ import annotations

import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import ffmpeg as ffmpeg_python
import numpy as np
import pytest
from click.testing import CliRunner

from syncam.cli import main
from syncam.media import ffmpeg
from syncam.render.graph import label
from syncam.render.mosaic import RenderOptions, render
from syncam.render.resolve import find_font
from syncam.types import Progress
from tests.render.conftest import CAMS, Event

pytestmark = pytest.mark.slow
SMALL = ["--width", "160", "--height", "90", "--preset", "ultrafast"]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def _streams(path: str) -> list[str]:
    return [s["codec_type"] for s in ffmpeg.probe_json(path)["streams"]]


def test_render_command_warns_about_unplaced_and_summarises(event: Event, tmp_path) -> None:
    out = str(tmp_path / "mosaic.mp4")
    code, stdout, stderr = run("render", event.manifest_path, "-o", out, *SMALL, "--clock")
    assert code == 0, stderr
    assert "lost.mp4" in stderr and "--show-unplaced" in stderr
    assert "3 tile(s)" in stdout and "sound: cam A" in stdout
    assert _streams(out) == ["video", "audio"]


def test_show_unplaced_adds_a_labelled_empty_tile(event: Event, tmp_path) -> None:
    out = tmp_path / "all.mp4"
    code, stdout, stderr = run("render", event.manifest_path, "-o", str(out), "--show-unplaced",
                               "--layout", "hstack", "--height", "60", "--audio", "none",
                               "--preset", "ultrafast")
    assert code == 0, stderr
    assert "4 tile(s)" in stdout and "lost.mp4" not in stderr and "sound: none" in stdout
    assert _streams(str(out)) == ["video"]


def test_webm_gets_webm_codecs(event: Event, tmp_path) -> None:
    out = str(tmp_path / "m.webm")
    result = render(event.manifest_path, out, RenderOptions(width=160, height=90, end=1.0))
    codecs = [s["codec_name"] for s in ffmpeg.probe_json(out)["streams"]]
    assert codecs == ["vp9", "opus"] and result.duration == pytest.approx(2.52)


def test_progress_reports_frames_to_the_end(event: Event, tmp_path) -> None:
    events: list[Progress] = []
    render(event.manifest_path, str(tmp_path / "p.mp4"),
           RenderOptions(width=160, height=90, preset="ultrafast"), progress=events.append)
    assert events and all(e.stage == "render" for e in events)
    assert [e.done for e in events] == sorted(e.done for e in events)
    assert events[-1].done == events[-1].total == round(11.52 * 25)


def test_align_render_shortcut(event: Event, tmp_path) -> None:
    manifest = str(tmp_path / "m.json")
    out = str(tmp_path / "quick.mp4")
    code, stdout, stderr = run("align", *event.paths[:3], "-o", manifest, "--render", out)
    assert code == 0, stderr
    found = json.load(open(manifest, encoding="utf-8"))
    offsets = [c["offset"] for c in found["clips"]]
    assert offsets == pytest.approx([c.offset for c in CAMS], abs=0.01)
    assert "rendered" in stdout and _streams(out) == ["video", "audio"]


# --- bad input: a clear one-line error, nothing overwritten ---------------------------------------

@pytest.fixture()
def copied(event: Event, tmp_path) -> str:
    """A copy of the event's manifest and clips, free to damage."""
    for p in (*event.paths, event.manifest_path):
        shutil.copy(p, tmp_path)
    doc = json.load(open(event.manifest_path, encoding="utf-8"))
    for c in doc["clips"]:
        c["path"] = str(tmp_path / c["name"])
    path = str(tmp_path / "manifest.json")
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(doc, fh)
    return path


def _edit(path: str, change) -> None:  # type: ignore[no-untyped-def]
    doc = json.load(open(path, encoding="utf-8"))
    change(doc)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(doc, fh)


@pytest.mark.parametrize("damage, words", [
    (lambda p: open(p, "w").write("{not json"), "not JSON"),
    (lambda p: _edit(p, lambda d: d.update(version=99)), "schema version 99"),
    (lambda p: os.replace(json.load(open(p))["clips"][1]["path"], p + ".moved"), "missing"),
    (lambda p: open(json.load(open(p))["clips"][0]["path"], "ab").write(b"\0" * 10), "changed"),
    (lambda p: _edit(p, lambda d: d["clips"][2].update(duration=d["clips"][2]["duration"] + 1)),
     "duration"),
])
def test_bad_manifest_is_one_line_and_keeps_the_old_output(copied: str, damage, words) -> None:  # type: ignore[no-untyped-def]
    out = os.path.join(os.path.dirname(copied), "out.mp4")
    with open(out, "w") as fh:
        fh.write("previous render")
    damage(copied)
    code, _, stderr = run("render", copied, "-o", out, *SMALL)
    assert code == 1 and words in stderr and len(stderr.strip().splitlines()) == 1, stderr
    assert "Traceback" not in stderr
    assert open(out).read() == "previous render"
    assert not glob.glob(os.path.join(os.path.dirname(out), ".out.*"))


@pytest.mark.parametrize("args, words", [
    (["--layout", "diagonal"], "diagonal"),
    (["--audio", "nobody"], "no such clip"),
    (["--start", "5", "--end", "2"], "--end: 2.000 s is not after the start"),
    (["--layout", "auto", "--cols", "2"], "--cols: columns and rows apply to the grid layout"),
    (["--fps", "abc"], "not a frame rate"),
])
def test_bad_options_are_usage_errors(copied: str, args: list[str], words: str) -> None:
    code, _, stderr = run("render", copied, "-o", os.path.join(os.path.dirname(copied), "o.mp4"),
                          *args)
    assert code == 2 and words in stderr, stderr


def test_output_may_not_be_an_input_or_unknown_container(copied: str) -> None:
    before = open(copied, "rb").read()
    clip = json.load(open(copied))["clips"][0]["path"]
    clip_bytes = os.path.getsize(clip)
    for target in (copied, clip):
        code, _, stderr = run("render", copied, "-o", target)
        assert code == 1 and "is one of the inputs" in stderr
    assert open(copied, "rb").read() == before and os.path.getsize(clip) == clip_bytes
    code, _, stderr = run("render", copied, "-o", copied + ".xyz")
    assert code == 2 and "unknown video container" in stderr


def test_ctrl_c_leaves_no_file(copied: str) -> None:
    out = os.path.join(os.path.dirname(copied), "slow.mp4")
    proc = subprocess.Popen([sys.executable, "-m", "syncam", "render", copied, "-o", out,
                             "--width", "1920", "--height", "1080", "--fps", "60",
                             "--preset", "veryslow"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 30
    while not glob.glob(os.path.join(os.path.dirname(out), ".slow.*")):
        assert time.monotonic() < deadline and proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    time.sleep(1.0)  # ffmpeg is writing
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole foreground group
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130, stderr
    assert b"interrupted" in stderr
    assert not os.path.exists(out) and not glob.glob(os.path.join(os.path.dirname(out), ".slow.*"))


# --- text ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["B's 100%: take", "a\\b; [c], d=e", "ünïcödé — ☃ 日本",
                                  "%{pts} 50% 'quoted' \"double\"", "-leading dash"])
def test_labels_render_the_name_exactly(name: str, tmp_path) -> None:
    """Our escaped drawtext draws the same pixels as drawtext reading the name from a file."""
    font = find_font()
    assert font is not None, "install fonts-dejavu-core (scripts/system-deps.sh)"
    text_file = tmp_path / "name.txt"
    text_file.write_text(name, encoding="utf-8")
    size = max(10, 120 // 14)

    def grab(stream) -> np.ndarray:  # type: ignore[no-untyped-def]
        args = stream.output("pipe:", vframes=1, format="rawvideo", pix_fmt="rgb24").global_args(
            "-v", "error").compile(cmd=ffmpeg.find_binary("ffmpeg"))
        return np.frombuffer(ffmpeg.run(args, what="drawtext"), np.uint8)

    canvas = ffmpeg_python.input("color=c=black:s=320x120:r=1", f="lavfi")
    ours = grab(label(canvas, name, font, 120))
    reference = grab(canvas.drawtext(textfile=str(text_file), expansion="none", fontfile=font,
                                     fontsize=size, fontcolor="white", box=1,
                                     boxcolor="black@0.55", boxborderw=max(2, size // 4),
                                     x=size // 2, y=size // 2))
    assert ours.max() > 100  # something was drawn
    assert np.array_equal(ours, reference)
