"""Burned-in clocks in the solve: after sound and picture have placed what they can. Pure.

A clip's clock (syncam/clock) maps its clip time to the time its recorder showed. That is evidence
with one unknown per clock: its error against true time. Clips of one recorder (a *group*: the
``--clock NAME=GLOB`` rules; by default every clock is one wall clock) share it.

* A clip placed by sound or picture that shows a clock *measures* it: its clock's reading at
  timeline 0 is ``clock(t0)`` where t0 is the clip time at timeline 0. The readings of one group
  that agree (within CLOCK_CONTRADICTS_FRAMES of the clip's frames) give the group's clock; one
  that does not is a clock set wrong (a day, an hour): the content wins, and its error is reported.
* The wall clock is the largest set of agreeing readings over every group (the one with the
  reference on a tie); each group's error is its reading minus the wall clock.
* A clip that nothing heard or saw is placed by its clock alone: timeline = its clock minus its
  group's reading at timeline 0 (the wall clock's, when nothing measured the group's), over the
  rate at which that clock runs against the timeline where a placed clip measured it (a recorder's
  clock 200 ppm fast is 0.5 s ahead 40 minutes on).
* Clocks that jump (summer time, a reset): where the clock of the placed clips jumps, a clip is
  placed by the stretch between jumps that holds its reading; where its own clock jumps, by its
  stretch that, placed, overlaps theirs. Where that is not one place, it is left unplaced.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from syncam.clock.fit import ClipClock
from syncam.types import Method, Placement, Solution


@dataclass(frozen=True)
class Placed:
    """What the clocks added to a solution."""

    solution: Solution
    errors: dict[int, float | None]  # clip -> its clock minus the wall clock (s); None: not measured
    at_zero: float | None  # the wall clock at timeline 0 (clock seconds); None: no clock tied to it
    wall_from: tuple[int, ...]  # the clips whose clocks define it
    reasons: dict[int, str]  # unplaced clips with a clock: why the clock could not place them
    notes: tuple[str, ...]


def reading_at_zero(clock: ClipClock, placement: Placement) -> float:
    """The clock reading of a placed clip at timeline 0."""
    t0 = -placement.offset / (1.0 + placement.drift_ppm * 1e-6)
    return clock.segment.clock(t0)


DAY = 86400.0


def _distinct(values: Sequence[float], tolerance: float) -> list[float]:
    """``values`` without those within ``tolerance`` of an earlier one."""
    out: list[float] = []
    for v in values:
        if all(abs(v - o) > tolerance for o in out):
            out.append(v)
    return out


def _spans(members: Sequence[int], clocks: Sequence[ClipClock | None],
           placements: Sequence[Placement | None]) -> list[tuple[float, float]]:
    """The timeline stretches over which placed clips ``members`` showed their clocks."""
    out = []
    for i in members:
        c, p = clocks[i], placements[i]
        assert c is not None and p is not None
        k = 1.0 + p.drift_ppm * 1e-6
        out += [(p.offset + s.start * k, p.offset + s.end * k) for s in c.segments]
    return out


def _places(reading: float, members: Sequence[int], clocks: Sequence[ClipClock | None],
            placements: Sequence[Placement | None], zero: float, speed: float,
            tolerance: float) -> list[float]:
    """Timeline places of a clip whose clock read ``reading`` at its start: by the reading at
    timeline 0 (``zero``) and rate (``speed``) of the clocks of placed clips ``members``, or, where
    one of those jumps, by :func:`_places_at`."""
    if any(len(clocks[j].segments) > 1 for j in members):  # type: ignore[union-attr]
        return _places_at(reading, members, clocks, placements, tolerance)
    return [(reading - zero) / speed]


def _places_at(reading: float, members: Sequence[int], clocks: Sequence[ClipClock | None],
               placements: Sequence[Placement | None], tolerance: float) -> list[float]:
    """Timeline places where the clocks of placed clips ``members`` (one recorder's) show
    ``reading``, for a clock that jumps: a segment counts where the clip time it puts the reading at
    lies within that segment's stretch, up to the neighbouring segments (the jump fell somewhere
    between the two). Places within ``tolerance`` of each other are one."""
    found: list[float] = []
    for i in members:
        c, p = clocks[i], placements[i]
        assert c is not None and p is not None
        for k, seg in enumerate(c.segments):
            t = (reading - seg.offset) / seg.rate
            after = c.segments[k - 1].end if k > 0 else -float("inf")
            before = c.segments[k + 1].start if k + 1 < len(c.segments) else float("inf")
            if after <= t <= before:
                found.append(p.offset + t * (1.0 + p.drift_ppm * 1e-6))
    return _distinct(found, tolerance)


def _rate(members: Sequence[int], rates: dict[int, float]) -> float:
    """Clock seconds per timeline second of a clock that clips ``members`` show: the mean of the
    rates they measured, 1 when none did (a clip read over under CLOCK_RATE_MIN_SPAN)."""
    known = [rates[i] for i in members if i in rates]
    return sum(known) / len(known) if known else 1.0


def _agreeing(values: dict[int, float], tolerance: dict[int, float], reference: int) -> list[int]:
    """The largest set of ``values`` that agree within tolerance; the reference's set on a tie."""
    best: list[int] = []
    for i in values:
        near = [j for j in values if abs(values[j] - values[i]) <= max(tolerance[i], tolerance[j])]
        if (len(near), reference in near) > (len(best), reference in best):
            best = near
    return sorted(best)


def place(solution: Solution, clocks: Sequence[ClipClock | None], groups: Sequence[str],
          fps: Sequence[float | None], names: Sequence[str], *, contradicts_frames: float,
          confidence: float) -> Placed:
    """Measure clock errors where content placed a clip, place by clock what content did not."""
    placements = list(solution.placements)
    n = len(placements)
    tol = {i: contradicts_frames / (fps[i] or 25.0) for i in range(n)}
    # clocks with and without a date count different things: never one group
    group = {i: f"{groups[i]}\x00{c.dated}" for i, c in enumerate(clocks) if c is not None}
    measured = {i: reading_at_zero(c, placements[i])  # type: ignore[arg-type]
                for i, c in enumerate(clocks) if c is not None and placements[i] is not None}
    # clock seconds per timeline second, where a placed clip measured its clock's rate
    rates = {i: c.segment.rate / (1.0 + placements[i].drift_ppm * 1e-6)  # type: ignore[union-attr]
             for i, c in enumerate(clocks) if i in measured and c is not None
             and c.segment.rate_measured}
    notes: list[str] = []
    errors: dict[int, float | None] = {}
    if not group:
        return Placed(solution, {}, None, (), {}, ())
    dated = {i for i in group if clocks[i].dated}  # type: ignore[union-attr]
    pool = {i: v for i, v in measured.items() if i in dated} or measured
    wall_from = _agreeing(pool, tol, solution.reference) if pool else []
    at_zero = sum(pool[i] for i in wall_from) / len(wall_from) if wall_from else None
    wall_kind = group[wall_from[0]].split("\x00")[1] if wall_from else None
    zero: dict[str, float] = {}  # each group's reading at timeline 0
    speed: dict[str, float] = {}  # and its clock seconds per timeline second
    tied: dict[str, list[int]] = {}  # and the placed clips that tie it to the timeline
    group_error: dict[str, float | None] = {}
    for g in dict.fromkeys(group.values()):
        members = {i: v for i, v in measured.items() if group[i] == g}
        if members:
            agree = _agreeing(members, tol, solution.reference)
            zero[g] = sum(members[i] for i in agree) / len(agree)
            speed[g], tied[g] = _rate(agree, rates), agree
        elif at_zero is not None and g.split("\x00")[1] == wall_kind:
            zero[g], speed[g], tied[g] = at_zero, _rate(wall_from, rates), wall_from
        same_kind = at_zero is not None and g.split("\x00")[1] == wall_kind
        group_error[g] = zero[g] - at_zero if members and same_kind else None  # type: ignore[operator]
    for i in group:
        if i in measured:
            err = measured[i] - at_zero if at_zero is not None and group[i].endswith(
                f"\x00{wall_kind}") else None
            errors[i] = err
            if err is not None and abs(err) > tol[i]:
                notes.append(f"{names[i]}: its clock is {_span(err)} off the wall clock, measured by "
                             "sound/picture (which place it)")
    reasons: dict[int, str] = {}
    for i in group:
        if placements[i] is not None:
            continue
        c = clocks[i]
        assert c is not None
        if group[i] not in zero:
            reasons[i] = ("it shows a clock, but no clip placed by sound or picture shows one to tie "
                          "the clocks to the timeline: make a clip with a clock the reference")
            continue
        g = group[i]
        seg = c.segment
        # where each of its clock's stretches puts it; one where its clock does not jump
        options = [(k, at) for k, s in enumerate(c.segments)
                   for at in _places(s.offset, tied[g], clocks, placements, zero[g], speed[g], tol[i])]
        spans = _spans(tied[g], clocks, placements)  # where the clocks placing it were read
        if not c.dated:  # a time of day is known to the day: the day nearest the clocks placing it
            centre = sum(a + b for a, b in spans) / (2 * len(spans))
            options = [(k, at + DAY * round((centre - at) / DAY)) for k, at in options]
        if len(_distinct([at for _, at in options], tol[i])) > 1 and len(c.segments) > 1:
            # its own clock jumps: the stretch read in the regime of the clocks that tie it to the
            # timeline is the one that, placed, overlaps them (not the longest: an hour off when
            # the longer stretch came after a summer-time change)
            options = [(k, at) for k, at in options
                       if any(at + c.segments[k].start < b and a < at + c.segments[k].end
                              for a, b in spans)]
        found = _distinct([at for _, at in options], tol[i])
        if len(found) != 1:
            reasons[i] = ("it shows a clock, but one of the clocks that place it jumps and its "
                          f"reading fits {len(found) or 'none'} of the stretches between the jumps: "
                          "give it a clip placed by sound or picture")
            continue
        offset = found[0]
        placements[i] = Placement(offset=offset,
                                  drift_ppm=(seg.rate / speed[g] - 1.0) * 1e6
                                  if seg.rate_measured else 0.0,
                                  confidence=confidence, method=Method.CLOCK,
                                  drift_note="" if seg.rate_measured else
                                  "the clock's rate was not measured (read over too short a time)")
        errors[i] = group_error.get(g)
    for i, c in enumerate(clocks):
        if c is not None and len(c.segments) > 1:
            jumps = ", ".join(f"{s.jump:+.1f} s at {s.start:.2f} s" for s in c.segments[1:]
                              if s.jump is not None)
            by_clock = placements[i] is not None and placements[i].method is Method.CLOCK  # type: ignore[union-attr]
            notes.append(f"{names[i]}: its clock jumps ({jumps} clip time); " + (
                "it is placed by the stretch that meets the clocks placing it" if by_clock else
                f"its error is read on its longest stretch, {c.segment.start:.2f}-"
                f"{c.segment.end:.2f} s"))
        if c is not None and c.ambiguous:
            notes.append(f"{names[i]}: its date reads as {' or '.join(c.ambiguous)} alike; "
                         f"taken as {c.order}: give --clock-format to fix it")
    out = solution if placements == list(solution.placements) else replace(
        solution, placements=tuple(placements))
    return Placed(out, errors, at_zero, tuple(wall_from), reasons, tuple(notes))


def _span(seconds: float) -> str:
    """A clock error in words: +1 d 00:00:00.040 style for big ones, milliseconds for small."""
    if abs(seconds) < 60:
        return f"{seconds * 1000:+.0f} ms"
    sign = "+" if seconds >= 0 else "-"
    s = abs(seconds)
    days, rest = divmod(s, 86400)
    h, rest = divmod(rest, 3600)
    m, rest = divmod(rest, 60)
    return f"{sign}{int(days)} d {int(h):02d}:{int(m):02d}:{rest:06.3f}" if days else \
        f"{sign}{int(h):02d}:{int(m):02d}:{rest:06.3f}"
