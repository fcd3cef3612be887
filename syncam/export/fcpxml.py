"""Final Cut Pro X XML (FCPXML 1.8, read by Final Cut Pro 10.4 and later, and by Resolve) of a
:class:`~syncam.export.plan.Plan`, written directly.

Written here rather than with otio-fcpx-xml-adapter 1.0, whose writer knows only eight frame rates
(and not 30000/1001 given exactly), turns times into seconds through floats, and runs ffprobe on
every clip. FCPXML times are rational seconds, so every time here is exact.

Final Cut has no tracks: the project's primary storyline is a row of gaps as long as the timeline,
and each camera is a lane of clips connected to them (lane 1 = the first camera), each at its place.
Unplaced clips are event clips (the event is Final Cut's bin) with a "not synchronized" keyword,
outside the project. Every offset is whole timeline frames; every clip's duration is whole frames of
its own rate (its ``format``): the whole file.

The same file must read right through OpenTimelineIO's FCPXML reader (otio-fcpx-xml-adapter 1.0, the
open reader much of the ecosystem uses), which (a) counts a connected clip's offset in frames of its
*asset's* format but fills the lane before it with a gap in frames of the *sequence's*, and (b) counts
frames as ``int(float(p) / float(q) * rate)``, which for about 5 % of frame numbers at 25 fps (4.52 s
is 112.99999999999999 frames) is one frame short, whatever way the rational is written. So:

- a clip's format (rate, size) is carried by its ``asset-clip``, and its ``asset`` has none: that
  reader then counts every clip in the sequence's frames, as the gaps are counted;
- the primary storyline's gaps start at each take's frame (or the latest frame before it that reads
  back exactly), and the take is connected a few frames into its gap, at an offset that does.

That reader still makes a rate of ``int(rate)`` frames a second: on a 29.97 (23.976) fps timeline it
places every clip 3.3 % (4.2 %) of its time too late; no structure avoids that.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from fractions import Fraction

from syncam import config
from syncam.export.plan import Plan, Take


def _t(seconds: Fraction) -> str:
    """FCPXML's time: rational seconds, "0s", "3s", "1001/30000s"."""
    seconds = Fraction(seconds)
    if seconds.denominator == 1:
        return f"{seconds.numerator}s"
    return f"{seconds.numerator}/{seconds.denominator}s"


def _read_back(frames: int, rate: Fraction) -> int:
    """The frame number OpenTimelineIO's FCPXML reader makes of ``_t(frames / rate)``: float
    division of the rational, times the rate, truncated (see the module's docstring)."""
    t = Fraction(frames) / rate
    return int(t.numerator / t.denominator * (rate.numerator / rate.denominator))


def _anchor(frames: int, rate: Fraction) -> int:
    """The latest timeline frame at or before ``frames`` where a gap can start so that both the
    gap's offset and a clip ``frames`` into the timeline, connected to it, read back exactly."""
    for b in range(frames, -1, -1):
        if _read_back(b, rate) == b and _read_back(frames - b, rate) == frames - b:
            return b
    return 0


def _own_frames(take: Take) -> int:
    """The clip's length in whole frames of its own rate: the whole file."""
    return max(1, round(take.entry.duration * take.rate))


def to_fcpxml(plan: Plan) -> str:
    frame = 1 / plan.rate  # one timeline frame, seconds
    root = ET.Element("fcpxml", version="1.8")
    resources = ET.SubElement(root, "resources")
    formats: dict[tuple[Fraction, int | None, int | None], str] = {}
    ids = iter(range(1, 1 << 30))

    def fmt(rate: Fraction, width: int | None, height: int | None) -> str:
        key = (rate, width, height)
        if key not in formats:
            formats[key] = f"r{next(ids)}"
            attrs = {"id": formats[key], "frameDuration": _t(1 / rate)}
            if width and height:
                attrs.update(width=str(width), height=str(height))
            ET.SubElement(resources, "format", attrs)
        return formats[key]

    seq_format = fmt(plan.rate, None, None)
    assets: dict[int, str] = {}

    def asset(take: Take) -> str:
        e = take.entry
        if take.index not in assets:
            assets[take.index] = f"r{next(ids)}"
            attrs = {"id": assets[take.index], "name": e.name, "start": "0s",
                     "duration": _t(_own_frames(take) / take.rate),
                     "hasVideo": "1" if e.has_video else "0",
                     "hasAudio": "1" if e.has_audio else "0"}
            if e.has_audio:
                attrs.update(audioSources="1", audioRate=str(e.sample_rate or 48000))
            ET.SubElement(resources, "asset", {**attrs, "src": take.url})
        return assets[take.index]

    def clip(parent: ET.Element, take: Take, **extra: str) -> ET.Element:
        e = take.entry
        attrs = {"ref": asset(take), "name": e.name, "start": "0s",
                 "duration": _t(_own_frames(take) / take.rate), **extra}
        if e.has_video:
            attrs["format"] = fmt(take.rate, e.width, e.height)
        return ET.SubElement(parent, "asset-clip", attrs)

    def end(take: Take) -> Fraction:  # timeline seconds where the clip's last frame ends
        return take.start * frame + _own_frames(take) / take.rate

    library = ET.SubElement(root, "library")
    event = ET.SubElement(library, "event", name=plan.name)
    placed = [(lane, tr, t) for lane, tr in enumerate((tr for tr in plan.tracks if tr.placed), 1)
              for t in tr.takes]
    ends = [end(t) for _, _, t in placed]
    length = -(-max(ends, default=Fraction(0)) // frame)  # whole timeline frames
    project = ET.SubElement(event, "project", name=plan.name)
    # the wall clock's time of day at frame 0 (burned-in clocks) as the start timecode; the spine
    # counts from it
    tc_start = _t(plan.start_frames * frame)
    sequence = ET.SubElement(project, "sequence", format=seq_format, duration=_t(length * frame),
                             tcStart=tc_start, tcFormat="NDF")
    spine = ET.SubElement(sequence, "spine")
    # the primary storyline: gaps end to end from the start timecode, one starting at (or just
    # before) each take
    anchors = {t.index: _anchor(t.start, plan.rate) for _, _, t in placed}
    bounds = sorted({0, *anchors.values()})
    gaps = {}
    for b, nxt in zip(bounds, [*bounds[1:], max(length, bounds[-1] + 1)]):
        gaps[b] = ET.SubElement(spine, "gap", name="synchronized",
                                offset=_t((plan.start_frames + b) * frame), start="0s",
                                duration=_t((nxt - b) * frame))
    for lane, track, take in placed:
        # the gap the take starts in (a later take's gap may start between its own anchor and it)
        b = max(x for x in bounds if x <= take.start)
        if _read_back(take.start - b, plan.rate) != take.start - b:
            b = anchors[take.index]
        node = clip(gaps[b], take, lane=str(lane), offset=_t((take.start - b) * frame))
        ET.SubElement(node, "note").text = f"camera {track.name}"
    for track in plan.tracks:
        if not track.placed:
            for take in track.takes:
                node = clip(event, take)
                ET.SubElement(node, "keyword", start="0s", duration=node.attrib["duration"],
                              value=config.EXPORT_UNPLACED_TRACK)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE fcpxml>\n{body}\n'
