"""What an editor's timeline of a manifest holds, as plain values (pure: no I/O, no OTIO).

One track per camera, its takes in time order on an integer frame grid at the timeline's rate, with
gaps between them. Timeline frame 0 is the manifest's ``timeline_start`` (an NLE cannot start a clip
before 0). Unplaced clips go on a track of their own, after the end of everything placed, never at 0.

Drift (``drift_ppm``, see types.py): a format that keeps a speed change gets the clip's start and a
time scale; one that does not gets the clip at its own speed, centred on where the drifting clip's
middle is, so that both ends are off by at most half the drift over its length.
"""

from __future__ import annotations

import math
import os
import pathlib
import urllib.parse
from dataclasses import dataclass
from fractions import Fraction

from syncam import config
from syncam.manifest import ClipEntry, Manifest


@dataclass(frozen=True)
class Take:
    """One clip on a track, in whole timeline frames."""

    index: int  # into the manifest's clips
    entry: ClipEntry
    start: int  # timeline frame of its first frame
    length: int  # timeline frames it spans
    url: str  # media reference: an absolute file URL, or a URL relative to the exported file
    rate: Fraction  # the clip's own frame rate (the timeline's when it has no video)
    time_scalar: float  # media seconds per timeline second (1.0: no drift, or the format drops it)


@dataclass(frozen=True)
class Track:
    name: str
    takes: tuple[Take, ...]
    placed: bool  # False: the track of unplaced clips

    @property
    def has_video(self) -> bool:
        return any(t.entry.has_video for t in self.takes)

    @property
    def has_audio(self) -> bool:
        return any(t.entry.has_audio for t in self.takes)


@dataclass(frozen=True)
class Plan:
    name: str
    rate: Fraction  # the timeline's exact frame rate
    origin: float  # manifest time (seconds) of timeline frame 0
    tracks: tuple[Track, ...]
    # the timeline's start timecode: the wall clock's time of day at frame 0 (burned-in clocks,
    # manifest wall_clock), in whole frames; 0 without one
    start_frames: int = 0


def timeline_rate(m: Manifest) -> Fraction:
    """The reference clip's exact frame rate, else the first placed video clip's, else the default."""
    ordered = [m.clips[m.reference], *m.clips]
    for c in ordered:
        if c.placed and c.frame_rate:
            return Fraction(c.frame_rate)
    return Fraction(config.EXPORT_FPS)


def media_url(path: str, relative_to: str | None) -> str:
    """A file URL for ``path``; relative to the folder ``relative_to`` when given."""
    if relative_to is None:
        return pathlib.Path(path).absolute().as_uri()
    rel = os.path.relpath(path, relative_to).replace(os.sep, "/")
    return urllib.parse.quote(rel)


def _frames(seconds: float, rate: Fraction) -> int:
    return round(seconds * rate)


def plan(m: Manifest, *, name: str, relative_to: str | None = None,
         keep_drift: bool = True) -> Plan:
    """Lay the manifest's clips out on camera tracks. ``relative_to``: the folder of the exported
    file for relative media references (None: absolute). ``keep_drift``: the format can scale time."""
    rate = timeline_rate(m)
    placed = [(i, c) for i, c in enumerate(m.clips) if c.placed and c.offset is not None]
    origin = m.timeline_start if m.timeline_start is not None else 0.0

    def take(i: int, c: ClipEntry, start_s: float | None) -> Take:
        drift = (c.drift_ppm or 0.0) * 1e-6
        span = c.duration * (1.0 + drift)
        if start_s is None:  # placed: at its offset, or centred where the drifting clip's middle is
            offset = c.offset or 0.0
            start_s = offset if keep_drift else offset + (span - c.duration) / 2
        length = _frames(span if keep_drift else c.duration, rate)
        return Take(index=i, entry=c, start=_frames(start_s - origin, rate), length=max(1, length),
                    url=media_url(c.path, relative_to),
                    rate=Fraction(c.frame_rate) if c.frame_rate else rate,
                    time_scalar=1.0 / (1.0 + drift) if keep_drift else 1.0)

    # one track per camera in order of first appearance; a camera whose takes overlap (which the
    # solve rejects) spills onto a second track rather than hiding a take under another
    lanes: dict[str, list[list[Take]]] = {c.camera: [] for _, c in placed}
    for i, c in sorted(placed, key=lambda ic: (ic[1].offset, ic[0])):
        t = take(i, c, None)
        rows = lanes[c.camera]
        row = next((r for r in rows if r[-1].start + r[-1].length <= t.start), None)
        if row is None:
            rows.append([t])
        else:
            row.append(t)
    tracks = [Track(cam if k == 0 else f"{cam} ({k + 1})", tuple(row), True)
              for cam, rows in lanes.items() for k, row in enumerate(rows)]

    unplaced = [(i, c) for i, c in enumerate(m.clips) if not (c.placed and c.offset is not None)]
    if unplaced:
        end = m.timeline_end if m.timeline_end is not None else origin
        at = math.ceil((end - origin) * rate) + _frames(config.EXPORT_UNPLACED_GAP, rate)
        row = []
        for i, c in unplaced:
            t = take(i, c, origin + float(at / rate))
            row.append(t)
            at = t.start + t.length + _frames(config.EXPORT_UNPLACED_GAP, rate)
        tracks.append(Track(config.EXPORT_UNPLACED_TRACK, tuple(row), False))
    return Plan(name=name, rate=rate, origin=origin, tracks=tuple(tracks),
                start_frames=start_frames(m, origin, rate))


def start_frames(m: Manifest, origin: float, rate: Fraction) -> int:
    """The wall clock's time of day at manifest time ``origin`` in whole frames of ``rate`` (a
    timeline's start timecode); 0 when the manifest has no wall clock."""
    if m.wall_clock is None:
        return 0
    text = m.wall_clock.at_zero
    clock = text.split("T", 1)[1] if "T" in text else text
    h, mi, sec = clock.rstrip("Z").split(":")
    tod = (int(h) * 3600 + int(mi) * 60 + float(sec) + origin) % 86400
    return round(Fraction(tod).limit_denominator(1000) * rate)
