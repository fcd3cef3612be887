"""`syncam export` of the multi-take event, each format read back (OTIO, or XML parsing) and checked
against the manifest: clip starts within half a frame, right track, right source range."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from fractions import Fraction

import opentimelineio as otio
import pytest

from syncam import config
from syncam.manifest import Manifest
from syncam.manifest import load as load_manifest
from tests.conftest import Event, run_cli

pytestmark = pytest.mark.slow

CAMERA_ORDER = ["camA", "camB", "camC", "phone"]


def export(manifest: str, out: str, *args: str) -> str:
    proc = run_cli("export", manifest, "-o", out, *args)
    assert proc.returncode == 0, proc.stderr
    return out


def rate_of(m: Manifest) -> Fraction:
    return Fraction(m.clips[m.reference].frame_rate)


def path_of(url: str, folder: str) -> str:
    if url.startswith("file:"):
        return urllib.request.url2pathname(urllib.parse.urlparse(url).path)
    return os.path.normpath(os.path.join(folder, urllib.parse.unquote(url)))


def check_tracks(tl: otio.schema.Timeline, m: Manifest, folder: str, *, rate: Fraction,
                 native: bool) -> None:
    """Every manifest clip once on its camera's video track (tracks in camera order), its source
    range from its first frame for its duration; every clip on every track (sound included)
    starting within half a frame of its offset."""
    video = [t for t in tl.tracks if t.kind == otio.schema.TrackKind.Video]
    assert len(video) == len(CAMERA_ORDER)
    by_path = {c.path: c for c in m.clips}
    for cam, track in zip(CAMERA_ORDER, video):
        clips = list(track.find_clips())
        assert [by_path[path_of(c.media_reference.target_url, folder)].camera for c in clips] \
            == [cam] * len(clips)
        assert len(clips) == sum(c.camera == cam for c in m.clips)
        for c in clips:
            entry = by_path[path_of(c.media_reference.target_url, folder)]
            src = c.source_range
            assert src.start_time.value == 0
            assert abs(src.duration.to_seconds() - entry.duration) <= 1 / rate
            if native:  # the clip's own exact rate, 30000/1001 for the phone
                assert src.start_time.rate == float(Fraction(entry.frame_rate))
    origin = tl.global_start_time.to_seconds() if tl.global_start_time else 0.0
    checked = 0
    for track in tl.tracks:
        for c in track.find_clips():
            entry = by_path[path_of(c.media_reference.target_url, folder)]
            start = c.range_in_parent().start_time.to_seconds() - origin
            assert abs(start + m.timeline_start - entry.offset) <= 0.5 / rate + 1e-9, \
                (track.name, entry.name, start)
            checked += 1
    assert checked >= len(m.clips)


@pytest.fixture(scope="module")
def m(takes_manifest: str) -> Manifest:
    return load_manifest(takes_manifest)


def test_otio(takes_manifest: str, m: Manifest, tmp_path) -> None:
    out = export(takes_manifest, str(tmp_path / "event.otio"))
    tl = otio.adapters.read_from_file(out)
    check_tracks(tl, m, str(tmp_path), rate=rate_of(m), native=True)
    audio = [t for t in tl.tracks if t.kind == otio.schema.TrackKind.Audio]
    assert [t.name for t in audio] == [f"{c} (audio)" for c in CAMERA_ORDER]
    phone = next(tl.find_clips(search_range=None, shallow_search=False) and
                 (c for c in tl.find_clips() if c.name == "phone.mov"))
    assert phone.source_range.start_time.rate == 30000 / 1001


def test_otio_relative_paths_resolve_from_the_export(takes_event: Event, takes_manifest: str,
                                                      m: Manifest) -> None:
    """--relative references resolve from the folder of the written file."""
    out = export(takes_manifest, os.path.join(takes_event.folder, "camA", "rel.otio"), "--relative")
    tl = otio.adapters.read_from_file(out)
    urls = [c.media_reference.target_url for c in tl.find_clips()]
    assert all(not u.startswith(("file:", "/")) for u in urls)
    assert "../camB/B%201.mov" in urls
    assert {path_of(u, os.path.dirname(out)) for u in urls} == {c.path for c in m.clips}
    os.unlink(out)


def test_fcp7_xml(takes_manifest: str, m: Manifest, tmp_path) -> None:
    out = export(takes_manifest, str(tmp_path / "event.xml"))
    root = ET.parse(out).getroot()  # well-formed, or this raises
    tracks = root.findall(".//sequence/media/video/track")
    assert len(tracks) == len(CAMERA_ORDER)
    assert root.find(".//sequence/rate/timebase").text == str(int(rate_of(m)))
    check_tracks(otio.adapters.read_from_file(out), m, str(tmp_path), rate=rate_of(m), native=False)


def test_fcpxml(takes_manifest: str, m: Manifest, tmp_path) -> None:
    """By the FCPXML rules (parsed as XML: a connected clip sits at its gap's offset plus its own)
    and through OpenTimelineIO's FCPXML reader alike, every take starts within half a frame of its
    manifest place, each camera a lane; every duration is whole frames of the clip's own rate."""
    out = export(takes_manifest, str(tmp_path / "event.fcpxml"))
    root = ET.parse(out).getroot()
    assert root.tag == "fcpxml"

    def sec(t: str) -> Fraction:
        return Fraction(t.rstrip("s"))

    assets = {a.get("id"): a for a in root.iter("asset")}
    frames = {f.get("id"): sec(f.get("frameDuration")) for f in root.iter("format")}
    seq = root.find("./library/event/project/sequence")
    frame = frames[seq.get("format")]
    assert frame == 1 / rate_of(m)
    by_path = {c.path: c for c in m.clips}
    lanes: dict[int, list[str]] = {}
    at = Fraction(0)
    for gap in seq.findall("./spine/gap"):
        assert sec(gap.get("offset")) == at  # the primary storyline's gaps end to end
        at += sec(gap.get("duration"))
        for clip in gap.findall("asset-clip"):
            entry = by_path[path_of(assets[clip.get("ref")].get("src"), str(tmp_path))]
            lanes.setdefault(int(clip.get("lane")), []).append(entry.camera)
            # connected inside its gap's span, as Final Cut requires of an anchor
            assert 0 <= sec(clip.get("offset")) - sec(gap.get("start")) < sec(gap.get("duration"))
            start = sec(gap.get("offset")) + sec(clip.get("offset")) - sec(gap.get("start"))
            assert abs(float(start) + m.timeline_start - entry.offset) <= frame / 2
            own = frames[clip.get("format")]
            assert (sec(clip.get("duration")) / own).denominator == 1  # whole frames of its rate
            assert abs(float(sec(clip.get("duration"))) - entry.duration) <= own / 2
    assert at == sec(seq.get("duration"))
    assert [lanes[k][0] for k in sorted(lanes)] == CAMERA_ORDER
    assert all(len(set(v)) == 1 for v in lanes.values())
    assert sum(map(len, lanes.values())) == len(m.clips)
    phone = next(c for c in root.iter("asset-clip") if c.get("name") == "phone.mov")
    assert frames[phone.get("format")] == Fraction(1001, 30000)
    # OpenTimelineIO's reader: one track per lane, every take where the manifest puts it
    collection = otio.adapters.read_from_file(out)  # keep it: its timeline dies with it
    tl = next(iter(collection))
    check_tracks(tl, m, str(tmp_path), rate=rate_of(m), native=False)


def record_ins(edl: str, rate: Fraction) -> list[float]:
    """Each event's record-in timecode, in seconds at ``rate`` (OTIO's reader drops the leading
    gap, so the events' record timecodes are read from the text)."""
    events = [line.split() for line in edl.splitlines() if line[:3].isdigit()]
    return [otio.opentime.from_timecode(e[-2], float(rate)).to_seconds() for e in events]


def test_edl_one_file_per_camera(takes_manifest: str, m: Manifest, tmp_path) -> None:
    export(takes_manifest, str(tmp_path / "event.edl"))
    rate = rate_of(m)
    for cam in CAMERA_ORDER:
        path = tmp_path / f"event.{cam}.edl"
        text = path.read_text()
        assert "FCM: NON-DROP FRAME" in text  # 25 fps
        tl = otio.adapters.read_from_file(str(path), rate=float(rate))
        takes = sorted((c for c in m.clips if c.camera == cam), key=lambda c: c.offset)
        clips = list(tl.find_clips())
        assert [c.name for c in clips] == [c.name for c in takes]  # one event per take
        for record_in, take in zip(record_ins(text, rate), takes, strict=True):
            assert abs(record_in + m.timeline_start - take.offset) <= 0.5 / rate


def test_edl_at_2997_uses_drop_frame(takes_event: Event, tmp_path) -> None:
    """With the phone as the reference, the timeline runs at 30000/1001 and the EDL's timecodes
    are drop-frame, read back at that rate to within half a frame of every take's place."""
    manifest = str(tmp_path / "phone.json")
    proc = run_cli("align", takes_event.folder, "--reference", takes_event.paths[-1],
                   "-o", manifest)
    assert proc.returncode == 0, proc.stderr
    m = load_manifest(manifest)
    assert rate_of(m) == Fraction(30000, 1001)
    export(manifest, str(tmp_path / "ev.edl"))
    text = (tmp_path / "ev.camB.edl").read_text()
    assert "FCM: DROP FRAME" in text and ";" in text
    tl = otio.adapters.read_from_file(str(tmp_path / "ev.camB.edl"), rate=30000 / 1001)
    takes = sorted((c for c in m.clips if c.camera == "camB"), key=lambda c: c.offset)
    assert [c.name for c in tl.find_clips()] == [c.name for c in takes]
    for record_in, take in zip(record_ins(text, Fraction(30000, 1001)), takes, strict=True):
        assert abs(record_in + m.timeline_start - take.offset) <= 0.5 * 1001 / 30000


def test_aaf(takes_manifest: str, m: Manifest, tmp_path) -> None:
    out = export(takes_manifest, str(tmp_path / "event.aaf"))
    check_tracks(otio.adapters.read_from_file(out), m, str(tmp_path), rate=rate_of(m), native=False)


def test_unplaced_clips_on_their_own_track_after_the_end(takes_event: Event, unrelated_clip: str,
                                                          tmp_path) -> None:
    manifest = str(tmp_path / "u.json")
    proc = run_cli("align", *takes_event.paths[6:], unrelated_clip, "-o", manifest)
    assert proc.returncode == 3, proc.stderr
    m = load_manifest(manifest)
    out = export(manifest, str(tmp_path / "u.otio"))
    tl = otio.adapters.read_from_file(out)
    video = [t for t in tl.tracks if t.kind == otio.schema.TrackKind.Video]
    assert video[-1].name == config.EXPORT_UNPLACED_TRACK
    (clip,) = video[-1].find_clips()
    assert clip.name == "unrelated.mp4"
    start = clip.range_in_parent().start_time.to_seconds()
    assert start >= m.timeline_end - m.timeline_start + config.EXPORT_UNPLACED_GAP - 0.05
    assert all(clip.name != "unrelated.mp4" for t in video[:-1] for clip in t.find_clips())


def test_missing_extension_is_a_usage_error(takes_manifest: str, tmp_path) -> None:
    proc = run_cli("export", takes_manifest, "-o", str(tmp_path / "event.mov"))
    assert proc.returncode == 2
    assert "cannot export to .mov" in proc.stderr and "Traceback" not in proc.stderr
    assert not os.listdir(tmp_path)


@pytest.mark.parametrize("blocked, ext", [("opentimelineio", ".otio"), ("otio_fcp_adapter", ".xml")])
def test_missing_extra_says_what_to_install(takes_manifest: str, tmp_path, blocked: str,
                                            ext: str) -> None:
    """Without the optional packages: one line naming the pip command, exit 1, nothing written."""
    code = (f"import sys; sys.modules[{blocked!r}] = None; sys.argv[0] = 'syncam'; "
            "from syncam.cli import main; main()")
    proc = subprocess.run([sys.executable, "-c", code, "export", takes_manifest, "-o",
                           str(tmp_path / f"event{ext}")], capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        f"syncam: error: exporting {ext} needs OpenTimelineIO and its adapters: "
        "pip install 'syncam[export]'"]
    assert not os.listdir(tmp_path)
