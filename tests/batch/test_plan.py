"""Finding events (folder walk, jobs files) and the typed results. No media needed: names only."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from syncam.batch import BatchResult, EventResult, Job, Status, discover, find_events, read_jobs_file
from syncam.errors import UsageError


def _touch(*parts: str) -> str:
    path = os.path.join(*parts)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(b"x")
    return path


def test_every_folder_holding_clips_is_one_event(tmp_path):
    root = str(tmp_path / "season")
    _touch(root, "stray.MP4")
    _touch(root, "stray2.wav")
    _touch(root, "game 1", "cam-a.mov")
    _touch(root, "game 1", "cam-b.mp4")
    _touch(root, "game 1", "syncam-mosaic.mp4")  # our own output: never a clip
    _touch(root, "game 1", "syncam-manifest.json")
    _touch(root, "game 1", "notes.txt")
    _touch(root, "game 1", ".hidden.mp4")
    _touch(root, "day 2", "am", "x.mkv")
    _touch(root, "day 2", "pm", "y.webm")
    _touch(root, ".trash", "old.mp4")
    _touch(root, "empty", "readme.md")
    jobs = discover([root])
    assert [j.name for j in jobs] == ["season", "day 2/am", "day 2/pm", "game 1"]
    by = {j.name: j for j in jobs}
    assert by["game 1"].clips == (os.path.join(root, "game 1", "cam-a.mov"),
                                  os.path.join(root, "game 1", "cam-b.mp4"))
    assert by["season"].clips == (os.path.join(root, "stray.MP4"), os.path.join(root, "stray2.wav"))
    assert by["game 1"].manifest == os.path.join(root, "game 1", "syncam-manifest.json")
    assert by["day 2/am"].mosaic == os.path.join(root, "day 2", "am", "syncam-mosaic.mp4")
    out = str(tmp_path / "out")
    moved = {j.name: j.manifest for j in discover([root], out=out)}
    assert moved["day 2/am"] == os.path.join(out, "day 2", "am", "syncam-manifest.json")
    assert moved["season"] == os.path.join(out, "season", "syncam-manifest.json")


def test_several_roots_prefix_their_names(tmp_path):
    _touch(str(tmp_path), "a", "ev", "1.mp4")
    _touch(str(tmp_path), "b", "ev", "1.mp4")
    jobs = discover([str(tmp_path / "a"), str(tmp_path / "b")])
    assert [j.name for j in jobs] == ["a/ev", "b/ev"]


def test_bad_roots(tmp_path):
    with pytest.raises(UsageError, match="no such folder"):
        discover([str(tmp_path / "nope")])
    clip = _touch(str(tmp_path), "c.mp4")
    with pytest.raises(UsageError, match="not a folder.*syncam align"):
        discover([clip])
    os.makedirs(tmp_path / "no media")
    with pytest.raises(UsageError, match="no media: no media files in it or its sub-folders; "
                       "give the folder"):
        find_events([str(tmp_path / "no media")])
    with pytest.raises(UsageError, match="nothing to do"):
        find_events([])
    with pytest.raises(UsageError, match="out: .*is a file; give a folder"):
        find_events([str(tmp_path)], out=clip)


def test_json_jobs_file(tmp_path):
    _touch(str(tmp_path), "clips", "x.mp4")
    spec = {"events": [
        {"name": "interview", "clips": ["clips/x.mp4", "/abs/y.mov"], "reference": "/abs/y.mov",
         "method": "Audio", "max_offset": 30},
        {"name": "site/visit", "clips": ["clips/x.mp4", "clips/z.mp4"]}]}
    path = tmp_path / "jobs.json"
    path.write_text(json.dumps(spec))
    a, b = read_jobs_file(str(path))
    assert a == Job(name="interview", clips=(str(tmp_path / "clips" / "x.mp4"), "/abs/y.mov"),
                    manifest=str(tmp_path / "clips" / "syncam-manifest.interview.json"),
                    reference="/abs/y.mov", method="audio", max_offset=30.0)
    assert b.manifest == str(tmp_path / "clips" / "syncam-manifest.site_visit.json")
    assert b.mosaic == str(tmp_path / "clips" / "syncam-mosaic.site_visit.mp4")
    assert (b.reference, b.method, b.max_offset) == (None, None, None)
    out = str(tmp_path / "o")
    assert read_jobs_file(str(path), out=out)[1].manifest == os.path.join(
        out, "site", "visit", "syncam-manifest.json")
    path.write_text(json.dumps(spec["events"]))  # a bare list works too
    assert [j.name for j in read_jobs_file(str(path))] == ["interview", "site/visit"]


@pytest.mark.parametrize("events, message", [
    ([{"name": "a", "clips": ["x.mp4"], "max-offset": 3}], "unknown key.*max-offset"),
    ([{"name": "a", "clips": ["x.mp4"], "method": "smell"}], "method 'smell' is not one of"),
    ([{"name": "a", "clips": ["x.mp4"], "max_offset": -1}], "must be a finite number of seconds"),
    ([{"name": "a", "clips": ["x.mp4"], "max_offset": "soon"}], "must be a finite number of seconds"),
    ([{"name": "a", "clips": ["x.mp4"], "max_offset": float("inf")}], "must be a finite number"),
    ([{"name": "a", "clips": ["x.mp4"], "max_offset": float("nan")}], "must be a finite number"),
    ([{"name": "../up", "clips": ["x.mp4"]}], "cannot name a folder"),
    ([{"name": "/abs", "clips": ["x.mp4"]}], "cannot name a folder"),
    ([{"clips": ["x.mp4"]}], "needs a \"name\""),
    ([{"name": "a", "clips": "x.mp4"}], "needs \"clips\""),
    ([{"name": "a", "clips": ["x.mp4"]}, {"name": "a", "clips": ["y.mp4"]}], "given twice"),
    ([], "no events"),
    ({"event": []}, "expected a list of events"),
])
def test_json_jobs_file_errors_name_the_file_and_event(tmp_path, events, message):
    path = tmp_path / "jobs.json"
    path.write_text(json.dumps(events))
    with pytest.raises(UsageError, match=message) as err:
        read_jobs_file(str(path))
    assert str(path) in str(err.value)


def test_not_json_and_missing(tmp_path):
    path = tmp_path / "jobs.json"
    path.write_text("{ nope")
    with pytest.raises(UsageError, match="not JSON"):
        read_jobs_file(str(path))
    with pytest.raises(UsageError, match="no such jobs file"):
        read_jobs_file(str(tmp_path / "absent.csv"))


def test_csv_jobs_file_one_row_per_event_or_per_clip(tmp_path):
    path = tmp_path / "jobs.csv"
    path.write_text("Event,Clips,Reference,Method,Max-Offset\n"
                    "wedding,a.mp4;b 2.mov,b 2.mov,,60\n"
                    "talk,/t/1.mp4,,audio,\n"
                    "talk,/t/2.mp4,,,\n"
                    ",,,,\n"
                    "talk,/t/3.mp4,,audio,\n")
    wedding, talk = read_jobs_file(str(path))
    assert wedding.clips == (str(tmp_path / "a.mp4"), str(tmp_path / "b 2.mov"))
    assert (wedding.reference, wedding.max_offset) == (str(tmp_path / "b 2.mov"), 60.0)
    assert talk.clips == ("/t/1.mp4", "/t/2.mp4", "/t/3.mp4") and talk.method == "audio"


def test_csv_errors_name_the_line(tmp_path):
    path = tmp_path / "jobs.csv"
    path.write_text("name,clips,max_offset\ntalk,/t/1.mp4,10\ntalk,/t/2.mp4,20\n")
    with pytest.raises(UsageError, match=r"jobs.csv:3: max_offset '20' differs"):
        read_jobs_file(str(path))
    path.write_text("event,path\nx,y\n")
    with pytest.raises(UsageError, match="first line must name the columns"):
        read_jobs_file(str(path))
    path.write_text("name,clips,colour\nx,y,z\n")
    with pytest.raises(UsageError, match="unknown column.*colour"):
        read_jobs_file(str(path))


def test_roots_and_jobs_file_names_must_not_collide(tmp_path):
    _touch(str(tmp_path), "ev", "1.mp4")
    path = tmp_path / "jobs.json"
    path.write_text(json.dumps([{"name": "ev", "clips": ["a.mp4", "b.mp4"]}]))
    with pytest.raises(UsageError, match="'ev' comes from both"):
        find_events([str(tmp_path / "ev")], jobs_file=str(path))


def _result(status: Status, unplaced: tuple[str, ...] = ()) -> EventResult:
    return EventResult(name="e", status=status, manifest=None, unplaced=unplaced)


@pytest.mark.parametrize("statuses, code", [
    ([Status.ALIGNED, Status.SKIPPED], 0),
    ([Status.ALIGNED, (Status.UNPLACED, ("c.mp4",))], 3),
    ([(Status.SKIPPED, ("c.mp4",))], 3),  # a skipped event keeps the verdict of its manifest
    ([Status.FAILED, (Status.UNPLACED, ("c.mp4",)), Status.ALIGNED], 1),
])
def test_exit_code(statuses, code):
    events = tuple(_result(*s) if isinstance(s, tuple) else _result(s) for s in statuses)
    assert BatchResult(events=events, seconds=1.0).exit_code == code


def test_json_line_has_the_same_keys_whatever_the_status():
    ok = _result(Status.ALIGNED).to_dict()
    bad = EventResult(name="e", status=Status.FAILED, manifest=None, error="boom").to_dict()
    assert set(ok) == set(bad) == {"event", "status", "manifest", "unplaced", "error", "seconds",
                                   "cache_hits", "cache_misses", "mosaic", "report", "timeline"}
    assert bad["status"] == "failed" and bad["error"] == "boom"


def test_dask_is_imported_only_when_a_scheduler_is_asked_for():
    code = ("import sys, syncam, syncam.cli, syncam.batch\n"
            "loaded = [m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')]\n"
            "assert not loaded, loaded\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_camera_folders_make_one_event_of_a_folder_of_cameras(tmp_path):
    """--camera-folders: folders of clips are cameras; their parent is the event."""
    root = str(tmp_path / "season")
    _touch(root, "stray.mp4")
    _touch(root, "wedding", "camA", "A1.mp4")
    _touch(root, "wedding", "camA", "A2.mp4")
    _touch(root, "wedding", "camB", "B1.mov")
    _touch(root, "wedding", "phone", "IMG_1.MOV")
    _touch(root, "talk", "cam 1", "x.mkv")
    _touch(root, "talk", "cam 2", "y.webm")
    jobs = {j.name: j for j in discover([root], camera_folders=True)}
    assert sorted(jobs) == ["season", "talk", "wedding"]
    wedding = jobs["wedding"]
    assert [os.path.basename(c) for c in wedding.clips] == ["A1.mp4", "A2.mp4", "B1.mov", "IMG_1.MOV"]
    assert wedding.cameras == ("camA", "camA", "camB", "phone")
    assert wedding.manifest == os.path.join(root, "wedding", "syncam-manifest.json")
    assert jobs["talk"].cameras == ("cam 1", "cam 2")
    assert jobs["season"].cameras == ("stray",)
    # without the flag the same tree is one event per folder of clips
    assert sorted(j.name for j in discover([root])) == [
        "season", "talk/cam 1", "talk/cam 2", "wedding/camA", "wedding/camB", "wedding/phone"]


def test_jobs_file_cameras(tmp_path):
    path = tmp_path / "jobs.json"
    path.write_text(json.dumps([{"name": "w", "clips": ["a/1.mp4", "a/2.mp4", "b.mov", "c.mp4"],
                                 "cameras": {"A": "a/*.mp4", "B": ["b.mov"]}}]))
    (job,) = read_jobs_file(str(path))
    assert job.cameras == ("A", "A", "B", "c")
    path.write_text(json.dumps([{"name": "w", "clips": ["a.mp4", "b.mp4"],
                                 "cameras": {"A": "z*.mp4"}}]))
    with pytest.raises(UsageError, match=r"event #1: camera A=z\*.mp4: matches none of the clips"):
        read_jobs_file(str(path))
    path.write_text(json.dumps([{"name": "w", "clips": ["a.mp4", "b.mp4"], "cameras": ["A"]}]))
    with pytest.raises(UsageError, match='"cameras" must map camera names'):
        read_jobs_file(str(path))
    csv_path = tmp_path / "jobs.csv"
    csv_path.write_text("name,clips,camera\nw,/t/1.mp4;/t/2.mp4,A\nw,/t/3.mp4,\nw,/t/4.mp4,B\n")
    (job,) = read_jobs_file(str(csv_path))
    assert job.cameras == ("A", "A", "3", "B")
