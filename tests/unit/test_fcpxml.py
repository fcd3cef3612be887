"""FCPXML read back by OpenTimelineIO's FCPXML reader (otio-fcpx-xml-adapter), on manifests built in
the test (pure: no media). Every clip must land within half a timeline frame of its manifest place,
whatever its own rate, and every duration must be whole frames of the clip's own rate."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from fractions import Fraction

import pytest

from syncam.export.fcpxml import to_fcpxml
from syncam.export.plan import plan
from tests.unit.test_export_plan import entry, manifest


def _truncated(frames: int, rate: Fraction) -> bool:
    """True when ``frames / rate`` written plainly is read back by float truncation as frames - 1."""
    t = Fraction(frames) / rate
    return int(t.numerator / t.denominator * (rate.numerator / rate.denominator)) != frames


def _takes(rate: str) -> list:
    """An event at ``rate``: a reference; a camera of 8 takes at 50 fps, each starting on a timeline
    frame that plain ``k/rate s`` is misread at; a 29.97 fps phone 6999993/10000 s long (a quarter
    of it here); a sound recorder."""
    r = Fraction(rate)
    bad = [k for k in range(1, 20000) if _truncated(k, r)]
    clips = [entry("ref.mp4", "R", 0.0, 300.0, fps=rate)]
    at = 0
    for k in range(8):
        at = next(b for b in bad if b > at + (2.5 + k * 0.37) * r)
        clips.append(entry(f"b{k}.mov", "B", float(at / r), 2.0 + k * 0.37, fps="50"))
    clips.append(entry("phone.mov", "P", float(bad[3] / r), 6999993 / 10000 / 4, fps="30000/1001"))
    clips.append(entry("rec.wav", "S", float(bad[5] / r), 100.0, fps=None))  # sound only
    return clips


@pytest.mark.parametrize("rate", ["25", "50", "30"])
def test_opentimelineio_reads_every_clip_where_the_manifest_puts_it(rate: str) -> None:
    import opentimelineio as otio

    m = manifest(*_takes(rate))
    p = plan(m, name="ev", keep_drift=False)
    text = to_fcpxml(p)
    collection = otio.adapters.read_from_string(text, adapter_name="fcpx_xml")  # keep: owns tl
    tl = next(iter(collection))
    by_name = {c.name: c for c in m.clips}
    seen = 0
    for track in tl.tracks:
        for clip in track.find_clips():
            start = clip.range_in_parent().start_time.to_seconds() + p.origin
            assert abs(start - by_name[clip.name].offset) <= 0.5 / float(p.rate) + 1e-9, clip.name
            seen += 1
    assert seen == len(m.clips)
    # the test bites: 10 of these starts are frames that plain "k/rate s" is misread at
    assert sum(_truncated(t.start, p.rate) for tr in p.tracks for t in tr.takes) == 10


def test_durations_are_whole_frames_of_each_clips_own_rate() -> None:
    m = manifest(*_takes("25"))
    root = ET.fromstring(to_fcpxml(plan(m, name="ev", keep_drift=False)))

    def sec(t: str) -> Fraction:
        return Fraction(t.rstrip("s"))

    frame = {f.get("id"): sec(f.get("frameDuration")) for f in root.iter("format")}
    assets = {a.get("id"): a for a in root.iter("asset")}
    by_name = {c.name: c for c in m.clips}
    for clip in root.iter("asset-clip"):
        e = by_name[clip.get("name")]
        own = frame[clip.get("format")] if e.has_video else 1 / Fraction(25)
        duration = sec(clip.get("duration"))
        assert (duration / own).denominator == 1, (e.name, duration)  # whole frames of its rate
        assert abs(float(duration) - e.duration) <= float(own) / 2 + 1e-9  # the whole file
        assert duration == sec(assets[clip.get("ref")].get("duration"))  # not past the asset
        assert "format" not in assets[clip.get("ref")].attrib  # the clip carries it
    for gap in root.iter("gap"):  # each take connected inside its gap's span, as Final Cut requires
        for clip in gap.iter("asset-clip"):
            assert 0 <= sec(clip.get("offset")) - sec(gap.get("start")) < sec(gap.get("duration"))
    phone = next(c for c in root.iter("asset-clip") if c.get("name") == "phone.mov")
    assert frame[phone.get("format")] == Fraction(1001, 30000)
    assert sec(phone.get("duration")) == round(Fraction(6999993, 40000) * Fraction(30000, 1001)) \
        * Fraction(1001, 30000)
