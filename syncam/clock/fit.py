"""A clock's rules, its segments, and the line clip time -> clock time. Pure.

A *run* is a stretch of consecutive frames that show one clock second. A frame stamped at clock time
c shows floor(c), so every frame of a run showing V was taken while the clock read [V, V+1): with
the line clock(t) = offset + rate * t, each run says ``offset + rate * first >= V`` and
``offset + rate * last < V + 1``. Two adjacent runs V-1, V bracket the instant the clock reached V
between two frames (a *turnover*); over all of a clip's runs the offset is known to a fraction of a
frame. The rate is fitted on the turnovers when they span long enough to tell it from the frames'
own granularity.

The rules: a clock moves with clip time, one second a second. A reading that does not (a seconds
digit read wrong, a day that changes back) is a misread, dropped and counted; a lasting change of the
clock against clip time is a *jump* (a cut in the file, a clock reset, summer time), which starts a
new segment with its own line. Text whose value never changes is not a clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np


@dataclass(frozen=True)
class Run:
    """Consecutive frames that show one reading."""

    first: float  # clip time of its first frame
    last: float  # clip time of its last frame
    value: float | None  # clock seconds read; None: not read


@dataclass(frozen=True)
class Segment:
    """A stretch of a clip whose clock moves with clip time: clock = offset + rate * clip_time."""

    start: float  # clip time of its first run's first frame
    end: float  # clip time of its last run's last frame
    offset: float  # clock seconds at clip time 0 (the line extended)
    rate: float  # clock seconds per clip second (1.0 when not measured)
    rate_measured: bool
    runs: int  # readings it rests on
    jump: float | None  # how far the clock jumped against clip time from the segment before (s)
    # (clip time of a turnover, clock seconds read there minus the line's): the fit's residuals
    residuals: tuple[tuple[float, float], ...] = ()
    # how far its runs' brackets contradict each other (s): a run's first frame says the clock had
    # reached its second, its last that it had not reached the next; 0 when some line meets them all
    conflict: float = 0.0

    def clock(self, t: float) -> float:
        return self.offset + self.rate * t


@dataclass(frozen=True)
class Fit:
    segments: tuple[Segment, ...]
    readings: int  # runs read and kept
    rejected: int  # runs read but dropped as misreads (against the clock's rules)
    unread: int  # runs that could not be read


def unwrap_days(values: Sequence[float | None]) -> list[float | None]:
    """A clock without a date goes from 23:59:59 back to 0:00:00: add a day at each such wrap."""
    out: list[float | None] = []
    add, last = 0.0, None
    for v in values:
        if v is None:
            out.append(None)
            continue
        if last is not None and v + add < last - 43200:
            add += 86400.0
        out.append(v + add)
        last = v + add
    return out


def _groups(runs: list[Run], tolerance: float) -> list[list[Run]]:
    """Consecutive runs whose clock-minus-clip-time agree within ``tolerance``."""
    groups: list[list[Run]] = []
    for r in runs:
        k = r.value - r.first  # type: ignore[operator]
        if groups:
            recent = [g.value - g.first for g in groups[-1][-5:]]  # type: ignore[operator]
            if abs(k - float(np.median(recent))) <= tolerance:
                groups[-1].append(r)
                continue
        groups.append([r])
    return groups


def _k(group: list[Run]) -> float:
    return float(np.median([r.value - r.first for r in group]))  # type: ignore[operator]


def line(runs: Sequence[Run], *, rate_min_span: float) -> Segment:
    """The line through a segment's runs (see the module docstring); ``jump`` left None."""
    turns = [((a.last + b.first) / 2, b.value) for a, b in zip(runs, runs[1:])
             if b.value is not None and a.value is not None and b.value - a.value == 1
             and b.first - a.last < 0.5]
    rate, measured = 1.0, False
    if len(turns) >= 3 and turns[-1][0] - turns[0][0] >= rate_min_span:
        t = np.array([p[0] for p in turns])
        v = np.array([p[1] for p in turns], dtype=float)
        keep = np.ones(len(t), bool)
        for _ in range(2):  # least squares, then again without the turnovers far off it
            slope, icpt = np.polyfit(t[keep], v[keep], 1)
            resid = v - (icpt + slope * t)
            mad = float(np.median(np.abs(resid[keep] - np.median(resid[keep])))) or 1e-3
            keep = np.abs(resid) <= max(5 * 1.4826 * mad, 0.02)
        rate, measured = float(slope), True
    v_ = np.array([r.value for r in runs], dtype=float)
    lo = float(np.max(v_ - rate * np.array([r.first for r in runs])))
    hi = float(np.min(v_ + 1 - rate * np.array([r.last for r in runs])))
    if lo <= hi:
        offset = (lo + hi) / 2
    elif turns:
        offset = float(np.median([v - rate * t for t, v in turns]))
    else:
        offset = float(np.median([r.value + 0.5 - rate * (r.first + r.last) / 2  # type: ignore[operator]
                                  for r in runs]))
    residuals = tuple((round(t, 4), round(v - (offset + rate * t), 4)) for t, v in turns)
    return Segment(start=runs[0].first, end=runs[-1].last, offset=offset, rate=rate,
                   rate_measured=measured, runs=len(runs), jump=None, residuals=residuals,
                   conflict=round(max(0.0, lo - hi), 4))


def _breaks(seg: Segment, r: Run, slack: float) -> bool:
    """Whether run ``r`` contradicts the segment's line by more than ``slack`` seconds."""
    return (seg.clock(r.first) < r.value - slack  # type: ignore[operator]
            or seg.clock(r.last) >= r.value + 1 + slack)  # type: ignore[operator]


def fit(runs: Sequence[Run], *, jump_tolerance: float, min_runs: int, rate_min_span: float,
        slack: float) -> Fit | None:
    """Segments of a clip's runs (in clip-time order), misreads dropped and counted; None when the
    readings do not make a clock (fewer than two different values in every segment)."""
    read = [r for r in runs if r.value is not None]
    unread = len(runs) - len(read)
    groups = _groups(read, jump_tolerance)
    kept = [g for g in groups if len(g) >= min_runs]
    # a stretch whose clock disagrees with the stretches on both sides, which agree with each other
    # and are longer: a misread (a digit read wrong over a window), not two jumps
    kept = [g for i, g in enumerate(kept)
            if not (0 < i < len(kept) - 1
                    and abs(_k(kept[i - 1]) - _k(kept[i + 1])) <= jump_tolerance
                    and abs(_k(g) - _k(kept[i - 1])) > jump_tolerance
                    and len(g) < min(len(kept[i - 1]), len(kept[i + 1])))]
    merged: list[list[Run]] = []
    for g in kept:
        if merged and abs(_k(g) - _k(merged[-1])) <= jump_tolerance:
            merged[-1].extend(g)
        else:
            merged.append(list(g))
    segments: list[Segment] = []
    readings = 0
    for g in merged:
        seg = line(g, rate_min_span=rate_min_span)
        good = [r for r in g if not _breaks(seg, r, slack)]
        if len(good) < len(g) and len(good) >= min_runs:
            seg = line(good, rate_min_span=rate_min_span)
            good = [r for r in good if not _breaks(seg, r, slack)]
        if len({r.value for r in good}) < 2:
            continue  # text that never changes is no clock
        if segments:
            prev = segments[-1]
            seg = replace(seg, jump=round(seg.clock(seg.start) - prev.clock(seg.start), 3))
        segments.append(seg)
        readings += len(good)
    if not segments:
        return None
    return Fit(segments=tuple(segments), readings=readings, rejected=len(read) - readings,
               unread=unread)


@dataclass(frozen=True)
class ClipClock:
    """What a clip's burned-in clock says: its text, where it is, how well it read, its line(s)."""

    text: str  # one reading, as shown
    format: str  # strftime terms, e.g. "%Y-%m-%d %H:%M:%S"
    region: tuple[int, int, int, int]  # x, y, w, h of the text in the frame
    readings: int  # seconds read and kept
    rejected: int  # seconds read but against the clock's rules (misreads), dropped
    unread: int  # seconds that could not be read
    segments: tuple[Segment, ...]  # more than one: the clock jumps
    placing: int  # the segment that places the clip (the longest)
    dated: bool  # the clock shows a date (else: seconds from midnight)
    order: str | None  # the date order used ("ymd" | "dmy" | "mdy")
    ambiguous: tuple[str, ...] = ()  # date orders the readings could not tell apart
    ocr_reads: int = 0

    @property
    def segment(self) -> Segment:
        return self.segments[self.placing]


def placing_segment(segments: Sequence[Segment]) -> int:
    """The segment that places a clip whose clock jumps: the longest."""
    return max(range(len(segments)), key=lambda i: segments[i].end - segments[i].start)
