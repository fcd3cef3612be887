"""Final Cut Pro X XML (FCPXML 1.8, read by Final Cut Pro 10.4 and later, and by Resolve) of a
:class:`~syncam.export.plan.Plan`, written directly.

Written here rather than with otio-fcpx-xml-adapter 1.0, whose writer knows only eight frame rates
(and not 30000/1001 given exactly), turns times into seconds through floats, and runs ffprobe on
every clip. FCPXML times are rational seconds, so every time here is exact.

Final Cut has no tracks: the project's spine holds one gap as long as the timeline, and each camera
is a lane of clips connected to it (lane 1 = the first camera), at its place. Unplaced clips are
event clips (the event is Final Cut's bin) with a "not synchronized" keyword, outside the project.
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
                     "duration": _t(Fraction(round(e.duration * take.rate)) / take.rate),
                     "hasVideo": "1" if e.has_video else "0",
                     "hasAudio": "1" if e.has_audio else "0"}
            if e.has_video:
                attrs["format"] = fmt(take.rate, e.width, e.height)
            if e.has_audio:
                attrs.update(audioSources="1", audioRate=str(e.sample_rate or 48000))
            ET.SubElement(resources, "asset", {**attrs, "src": take.url})
        return assets[take.index]

    def clip(parent: ET.Element, take: Take, **extra: str) -> ET.Element:
        return ET.SubElement(parent, "asset-clip", {
            "ref": asset(take), "name": take.entry.name, "start": "0s",
            "duration": _t(take.length * frame), **extra})

    library = ET.SubElement(root, "library")
    event = ET.SubElement(library, "event", name=plan.name)
    length = max((t.start + t.length for tr in plan.tracks if tr.placed for t in tr.takes), default=0)
    project = ET.SubElement(event, "project", name=plan.name)
    # the wall clock's time of day at frame 0 (burned-in clocks) as the start timecode; the spine
    # counts from it
    tc_start = _t(plan.start_frames * frame)
    sequence = ET.SubElement(project, "sequence", format=seq_format, duration=_t(length * frame),
                             tcStart=tc_start, tcFormat="NDF")
    spine = ET.SubElement(sequence, "spine")
    gap = ET.SubElement(spine, "gap", name="synchronized", offset=tc_start, start="0s",
                        duration=_t(length * frame))
    lane = 0
    for track in plan.tracks:
        if not track.placed:
            for take in track.takes:
                node = clip(event, take)
                ET.SubElement(node, "keyword", start="0s", duration=_t(take.length * frame),
                              value=config.EXPORT_UNPLACED_TRACK)
            continue
        lane += 1
        for take in track.takes:
            node = clip(gap, take, lane=str(lane), offset=_t(take.start * frame))
            ET.SubElement(node, "note").text = f"camera {track.name}"
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE fcpxml>\n{body}\n'
