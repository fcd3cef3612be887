"""The export's track layout (pure), on manifests built in the test."""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction

from syncam.export.plan import media_url, plan
from syncam.manifest import ClipEntry, Manifest, camera_entries


def entry(name: str, camera: str, offset: float | None, duration: float, *, fps: str | None = "25",
          drift: float = 0.0) -> ClipEntry:
    return ClipEntry(path=f"/footage/{name}", name=name, camera=camera, placed=offset is not None,
                     offset=offset, offset_frames=None, drift_ppm=drift if offset is not None
                     else None, confidence=0.9, method="audio", reason=None, duration=duration,
                     frame_rate=fps, fps=float(Fraction(fps)) if fps else None, sample_rate=48000,
                     width=None, height=None, rotation=0, has_audio=True, has_video=fps is not None,
                     size=1, mtime=0.0)


def manifest(*clips: ClipEntry, reference: int = 0) -> Manifest:
    placed = [c for c in clips if c.offset is not None]
    return Manifest(reference=reference, clips=clips, matches=(),
                    timeline_start=min(c.offset for c in placed),
                    timeline_end=max(c.offset + c.duration for c in placed),
                    cameras=camera_entries(clips))


def test_tracks_per_camera_in_frames_from_the_timeline_start() -> None:
    m = manifest(entry("a1.mp4", "A", 0.0, 10.0), entry("b.mov", "B", -2.0, 30.0, fps="30000/1001"),
                 entry("a2.mp4", "A", 12.5, 5.0), entry("x.mp4", "X", None, 7.0))
    p = plan(m, name="ev")
    assert p.rate == 25 and p.origin == -2.0
    assert [t.name for t in p.tracks] == ["A", "B", "unplaced (not synchronized)"]
    a = p.tracks[0].takes
    assert [(t.entry.name, t.start, t.length) for t in a] == [("a1.mp4", 50, 250),
                                                             ("a2.mp4", 362, 125)]
    assert p.tracks[1].takes[0].rate == Fraction(30000, 1001)
    (unplaced,) = p.tracks[2].takes
    assert unplaced.start == (28.0 + 2.0 + 10.0) * 25  # 10 s after the end (b.mov, 28 s), not at 0


def test_overlapping_takes_of_one_camera_spill_onto_a_second_track() -> None:
    m = manifest(entry("a1.mp4", "A", 0.0, 10.0), entry("a2.mp4", "A", 5.0, 10.0))
    assert [t.name for t in plan(m, name="ev").tracks] == ["A", "A (2)"]


def test_drift_as_a_time_scale_or_centred_on_the_middle() -> None:
    m = manifest(entry("ref.mp4", "R", 0.0, 3600.0), entry("d.mp4", "D", 10.0, 3600.0, drift=50.0))
    kept = plan(m, name="ev").tracks[1].takes[0]
    assert kept.start == 250 and kept.length == round(3600 * 1.00005 * 25)
    assert abs(kept.time_scalar - 1 / 1.00005) < 1e-12
    dropped = plan(m, name="ev", keep_drift=False).tracks[1].takes[0]
    # the clip at its own speed, centred: its start moves by half the drift over its length (0.09 s)
    assert dropped.start == round((10.0 + 3600 * 50e-6 / 2) * 25) == 252
    assert dropped.length == 3600 * 25
    assert dropped.time_scalar == 1.0


def test_media_urls_absolute_or_relative() -> None:
    assert media_url("/f/a b/ü.mp4", None) == "file:///f/a%20b/%C3%BC.mp4"
    assert media_url("/f/a b/-x.mp4", "/f/out") == "../a%20b/-x.mp4"


def test_opentimelineio_is_imported_only_when_exporting() -> None:
    code = "import sys, syncam, syncam.cli, syncam.export; print('opentimelineio' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "False"


def test_edl_of_a_sound_recorder_has_audio_events(tmp_path) -> None:
    from syncam.export import export

    m = manifest(entry("cam.mp4", "cam", 0.0, 10.0), entry("zoom.wav", "zoom", 2.0, 5.0, fps=None))
    paths = export(m, str(tmp_path / "ev.edl")).paths
    assert [p.rsplit("/", 1)[1] for p in paths] == ["ev.cam.edl", "ev.zoom.edl"]
    events = [line.split() for line in open(paths[1]).read().splitlines() if line[:3].isdigit()]
    assert [e[2] for e in events] == ["A"] and events[0][-2] == "00:00:02:00"
    events = [line.split() for line in open(paths[0]).read().splitlines() if line[:3].isdigit()]
    assert [e[2] for e in events] == ["V"]
