"""Bad input: one line naming the file and what to do, a non-zero exit, no traceback, nothing lost."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from tests import mediagen
from tests.conftest import Event, run_cli

pytestmark = pytest.mark.slow  # every test runs the real command on media


def assert_clean_error(res, code: int, *names: str) -> str:  # type: ignore[no-untyped-def]
    assert res.returncode == code, (res.returncode, res.stdout, res.stderr)
    assert "Traceback" not in res.stderr
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, res.stderr
    for name in names:
        assert name in lines[0], lines[0]
    assert res.stdout == ""
    return lines[0]


@pytest.fixture(scope="module")
def good(event: Event) -> str:
    return event.paths[0]


def test_missing_file(good: str, tmp_path: str) -> None:
    missing = os.path.join(tmp_path, "nope.mp4")
    line = assert_clean_error(run_cli("align", good, missing, "-o", f"{tmp_path}/m.json"), 1,
                              "nope.mp4")
    assert "no such file" in line
    assert not os.path.exists(f"{tmp_path}/m.json")


def test_directory(good: str, tmp_path: str) -> None:
    line = assert_clean_error(run_cli("align", good, str(tmp_path), "-o", f"{tmp_path}/m.json"), 1,
                              str(tmp_path))
    assert "directory" in line


def test_zero_byte_file(good: str, tmp_path: str) -> None:
    empty = os.path.join(tmp_path, "empty.mp4")
    open(empty, "wb").close()
    line = assert_clean_error(run_cli("align", good, empty, "-o", f"{tmp_path}/m.json"), 1,
                              "empty.mp4")
    assert "empty" in line


def test_text_renamed_mp4(good: str, tmp_path: str) -> None:
    fake = os.path.join(tmp_path, "notes.mp4")
    with open(fake, "w") as fh:
        fh.write("shopping list: milk, eggs\n" * 50)
    line = assert_clean_error(run_cli("align", good, fake, "-o", f"{tmp_path}/m.json"), 1,
                              "notes.mp4")
    assert "not a readable media file" in line


def test_truncated_mp4(good: str, tmp_path: str) -> None:
    cut = os.path.join(tmp_path, "cut.mp4")
    with open(good, "rb") as src, open(cut, "wb") as dst:
        dst.write(src.read(os.path.getsize(good) // 2))
    assert_clean_error(run_cli("align", good, cut, "-o", f"{tmp_path}/m.json"), 1, "cut.mp4")


def test_no_audio_stream(good: str, tmp_path: str) -> None:
    silent = os.path.join(tmp_path, "cctv.mp4")
    mediagen.encode(silent, duration=3.0, fps="25", size="160x120",
                    vcodec=["-c:v", "libx264", "-preset", "ultrafast"])
    # by sound only: an error that says what to do
    line = assert_clean_error(run_cli("align", good, silent, "--method", "audio", "-o",
                                      f"{tmp_path}/m.json"), 1, "cctv.mp4")
    assert "no audio stream" in line and "--method auto or motion" in line
    # by default the picture is tried; 3 s share too little to place it: unplaced, with the reason
    res = run_cli("align", good, silent, "--json", "-o", f"{tmp_path}/m.json")
    assert res.returncode == 3 and "Traceback" not in res.stderr
    clip = json.loads(res.stdout)["clips"][1]
    assert clip["placed"] is False and "motion" in clip["reason"]


def test_single_clip(good: str, tmp_path: str) -> None:
    line = assert_clean_error(run_cli("align", good, "-o", f"{tmp_path}/m.json"), 2)
    assert "at least two clips" in line


def test_same_path_twice(good: str, tmp_path: str) -> None:
    other = os.path.join(os.path.dirname(good), ".", os.path.basename(good))
    line = assert_clean_error(run_cli("align", good, other, "-o", f"{tmp_path}/m.json"), 2,
                              os.path.basename(good))
    assert "twice" in line


def test_unwritable_output_fails_before_work(event: Event, tmp_path: str) -> None:
    target = os.path.join(tmp_path, "no", "such", "folder", "m.json")
    line = assert_clean_error(run_cli("align", *event.paths[:2], "-o", target), 1, target)
    assert "does not exist" in line


def test_output_equal_to_an_input_is_refused(event: Event, tmp_path: str) -> None:
    a = os.path.join(tmp_path, "a.mp4")
    shutil.copy(event.paths[0], a)
    before = open(a, "rb").read()
    line = assert_clean_error(run_cli("align", a, event.paths[1], "-o", a), 1, "a.mp4")
    assert "one of the inputs" in line
    assert open(a, "rb").read() == before


def test_unknown_reference(event: Event, tmp_path: str) -> None:
    assert_clean_error(run_cli("align", *event.paths[:2], "--reference", "other.mp4", "-o",
                               f"{tmp_path}/m.json"), 2, "other.mp4")


def test_existing_manifest_kept_when_alignment_fails(good: str, tmp_path: str) -> None:
    target = os.path.join(tmp_path, "m.json")
    with open(target, "w") as fh:
        fh.write("previous manifest")
    assert_clean_error(run_cli("align", good, f"{tmp_path}/missing.mp4", "-o", target), 1)
    assert open(target).read() == "previous manifest"


def test_awkward_names_align(event: Event, tmp_path: str) -> None:
    """Spaces, unicode, quotes and a leading '-' in names, given relative to the working folder."""
    names = ["-dash 'quoted' ü.mp4", 'with "double".avi']
    for src, name in zip(event.paths[:2], names):
        shutil.copy(src, os.path.join(tmp_path, name))
    res = run_cli("align", "--json", "-o", "out.json", "--", *names, cwd=str(tmp_path))
    assert res.returncode == 0, res.stderr
    assert names[0] in res.stdout and os.path.exists(os.path.join(tmp_path, "out.json"))


def test_ffmpeg_missing_is_explained(good: str, tmp_path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # python -m syncam still runs: sys.executable is absolute
    monkeypatch.delenv("SYNCAM_FFPROBE", raising=False)
    line = assert_clean_error(run_cli("probe", good), 1, "ffprobe")
    assert "apt-get install ffmpeg" in line
