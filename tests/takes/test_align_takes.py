"""Cameras with several takes: placed within 1 ms, never matched with a sibling, never overlapping."""

from __future__ import annotations

import json
import os

import pytest

from tests.conftest import Event, run_cli
from tests.takes.conftest import CAMERA_OF, load

pytestmark = pytest.mark.slow


def test_every_take_placed_within_a_millisecond(takes_event: Event, takes_manifest: str) -> None:
    m = load(takes_manifest)
    by_path = {c["path"]: c for c in m["clips"]}
    assert len(by_path) == len(takes_event.paths)
    for i, path in enumerate(takes_event.paths):
        c = by_path[os.path.abspath(path)]
        assert c["placed"], c["reason"]
        assert abs(c["offset"] - takes_event.truth(i)) < 0.001, (c["name"], c["offset"],
                                                                   takes_event.truth(i))


def test_cameras_from_folders_with_takes_in_order(takes_event: Event, takes_manifest: str) -> None:
    m = load(takes_manifest)
    names = [c["camera"] for c in m["clips"]]
    index = {c["path"]: k for k, c in enumerate(m["clips"])}
    assert sorted(names) == sorted(CAMERA_OF)
    cams = {c["name"]: c["takes"] for c in m["cameras"]}
    assert list(cams) == ["camA", "camB", "camC", "phone"]
    for cam in ("camA", "camB"):
        want = [index[os.path.abspath(p)] for p, c in zip(takes_event.paths, CAMERA_OF) if c == cam]
        assert cams[cam] == want  # in time order (the takes were recorded in file-name order)
        offsets = [m["clips"][k]["offset"] for k in cams[cam]]
        ends = [m["clips"][k]["offset"] + m["clips"][k]["duration"] for k in cams[cam]]
        assert all(e <= o + 0.1 for e, o in zip(ends, offsets[1:]))  # no two takes overlap


def test_no_take_matched_with_a_sibling(takes_manifest: str) -> None:
    m = load(takes_manifest)
    clips = m["clips"]
    assert m["matches"]
    for match in m["matches"]:
        assert clips[match["a"]]["camera"] != clips[match["b"]]["camera"]


def test_camera_option_names_takes(takes_event: Event, tmp_path) -> None:
    """--camera NAME=GLOB over loose files gives the same cameras as the folders did."""
    out = str(tmp_path / "m.json")
    proc = run_cli("align", *takes_event.paths, "-o", out, "--camera", "A=*/camA/*",
                   "--camera", "phone=phone.mov", "--camera", "B=*.mov")
    assert proc.returncode == 0, proc.stderr
    m = load(out)
    # the first rule that matches wins (phone.mov is a .mov too); camC matches none: its own camera
    assert [c["camera"] for c in m["clips"]] == ["A"] * 3 + ["B"] * 3 + ["camC", "phone"]
    assert all(c["placed"] for c in m["clips"])


def test_camera_rule_matching_nothing_is_a_usage_error(takes_event: Event, tmp_path) -> None:
    proc = run_cli("align", *takes_event.paths[:2], "-o", str(tmp_path / "m.json"),
                   "--camera", "Z=nothing*.mp4")
    assert proc.returncode == 2
    assert "--camera Z=nothing*.mp4: matches none of the clips" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_takes_that_would_overlap_are_rejected(takes_event: Event, tmp_path) -> None:
    """Two clips that truly overlap, said to be one camera's takes: one of them is left unplaced,
    with a reason naming the other, and the command exits 3."""
    out = str(tmp_path / "m.json")
    proc = run_cli("align", *takes_event.paths, "-o", out, "--camera", "X=camC.mp4",
                   "--camera", "X=phone.mov")
    assert proc.returncode == 3, proc.stderr
    clips = {c["name"]: c for c in load(out)["clips"]}
    unplaced = [c for c in (clips["camC.mp4"], clips["phone.mov"]) if not c["placed"]]
    assert len(unplaced) == 1
    other = "phone.mov" if unplaced[0]["name"] == "camC.mp4" else "camC.mp4"
    assert f"overlapped {other}, another take of camera 'X'" in unplaced[0]["reason"]
    assert all(c["placed"] for n, c in clips.items() if n not in ("camC.mp4", "phone.mov"))


def test_align_export_and_batch_export_in_one_go(takes_event: Event, tmp_path) -> None:
    """align --export and batch --camera-folders --export write the same cameras and timeline."""
    import opentimelineio as otio

    out = tmp_path / "a"
    out.mkdir()
    proc = run_cli("align", takes_event.folder, "-o", str(out / "m.json"), "--export",
                   str(out / "event.otio"))
    assert proc.returncode == 0, proc.stderr
    assert "4 camera track(s): camA, camB, camC, phone" in proc.stdout
    tl = otio.adapters.read_from_file(str(out / "event.otio"))
    video = [t.name for t in tl.tracks if t.kind == otio.schema.TrackKind.Video]
    assert video == ["camA", "camB", "camC", "phone"]

    proc = run_cli("batch", takes_event.folder, "--camera-folders", "--export", "fcpxml",
                   "--out", str(tmp_path / "b"), "--json")
    assert proc.returncode == 0, proc.stderr
    (line,) = [json.loads(x) for x in proc.stdout.splitlines()]
    assert line["status"] == "aligned"
    assert line["timeline"] == [str(tmp_path / "b" / "event" / "syncam-timeline.fcpxml")]
    m = load(line["manifest"])
    assert [c["name"] for c in m["cameras"]] == ["camC", "phone", "camA", "camB"]
    assert [c["camera"] for c in m["clips"]].count("camA") == 3
    # a second run finds it all up to date, timeline included
    again = run_cli("batch", takes_event.folder, "--camera-folders", "--export", "fcpxml",
                    "--out", str(tmp_path / "b"), "--json")
    assert json.loads(again.stdout)["status"] == "skipped", again.stderr


def test_use_metadata_places_a_take_nothing_heard(metadata_event: tuple[str, float],
                                                  tmp_path) -> None:
    """A take sharing nothing with the others, created 60 s after its sibling ended: placed there
    from the camera's clock with --use-metadata (method metadata, low confidence); unplaced without."""
    folder, after = metadata_event
    out = str(tmp_path / "without.json")
    proc = run_cli("align", folder, "-o", out)
    assert proc.returncode == 3, proc.stderr
    clips = {c["name"]: c for c in load(out)["clips"]}
    assert not clips["take9.mp4"]["placed"]

    out = str(tmp_path / "with.json")
    proc = run_cli("align", folder, "-o", out, "--use-metadata")
    assert proc.returncode == 0, proc.stderr
    m = load(out)
    clips = {c["name"]: c for c in m["clips"]}
    take9, take1 = clips["take9.mp4"], clips["take1.mp4"]
    assert take9["placed"] and take9["method"] == "metadata"
    assert take9["confidence"] < 0.25 and take1["method"] == "audio"
    assert take9["offset"] == pytest.approx(take1["offset"] + after, abs=1e-6)
    assert m["settings"]["use_metadata"] is True
    assert [m["clips"][k]["name"] for k in m["cameras"][0]["takes"]] == ["take1.mp4", "take9.mp4"]


def test_clips_carrying_one_serial_number_are_one_camera(takes_event: Event, tmp_path) -> None:
    """ffprobe shows a file's serial-number tag; probe names the device, and align makes the clips
    that share it one camera (takes never matched with each other)."""
    import subprocess

    from syncam.media import ffmpeg
    from syncam.media.probe import probe

    copies = []
    for k, (i, serial) in enumerate([(0, "SN-1"), (1, "SN-1"), (6, None)]):
        dst = str(tmp_path / f"c{k}.mp4")
        tags = ["-movflags", "use_metadata_tags", "-metadata", "make=Acme",
                "-metadata", "model=Cam 1"] + (["-metadata", f"serial={serial}"] if serial else [])
        subprocess.run([ffmpeg.find_binary("ffmpeg"), "-nostdin", "-v", "error", "-i",
                        takes_event.paths[i], "-map", "0", "-c", "copy", *tags, dst], check=True)
        copies.append(dst)
    assert [probe(p).device for p in copies] == ["Acme Cam 1 SN-1", "Acme Cam 1 SN-1", None]
    out = str(tmp_path / "m.json")
    proc = run_cli("align", *copies, "-o", out)
    assert proc.returncode == 0, proc.stderr
    m = load(out)
    assert [c["camera"] for c in m["clips"]] == ["Acme Cam 1 SN-1", "Acme Cam 1 SN-1", "c2"]
    assert all({x["a"], x["b"]} != {0, 1} for x in m["matches"])
