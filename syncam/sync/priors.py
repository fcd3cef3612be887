"""Creation time and timecode as priors, never as evidence (``align --use-metadata``). Pure.

A camera's clock says when each of its takes started, to a second (creation time) or to a frame
(timecode), on that camera's own clock, which may be set to the wrong day: so a prior only relates
takes *of one camera* to each other, and only where sound and picture say nothing.

* A take left unplaced by the evidence is placed from its camera's clock relative to the placed
  sibling nearest to it in that clock: method "metadata", a low confidence of its own.
* Where two placed siblings' clocks disagree with their placements, a note says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from fractions import Fraction

from syncam.types import Method, Placement, Solution


@dataclass(frozen=True)
class Prior:
    """When a take started on its camera's clock, in seconds, and what said so."""

    start: float
    source: str  # "timecode" | "creation time"


def parse_timecode(tc: str, fps: Fraction) -> float | None:
    """HH:MM:SS:FF (or ;FF, drop-frame) at ``fps`` -> seconds; None when it does not parse."""
    parts = tc.replace(";", ":").replace(".", ":").split(":")
    if len(parts) != 4 or not all(p.isdigit() for p in parts):
        return None
    h, m, s, f = (int(p) for p in parts)
    nominal = round(fps)
    frames = ((h * 60 + m) * 60 + s) * nominal + f
    if ";" in tc and fps.denominator == 1001:  # drop-frame: 2 labels skipped each minute but 10th
        drop = 2 * nominal // 30
        minutes = h * 60 + m
        frames -= drop * (minutes - minutes // 10)
    return float(frames / fps)


def parse_creation_time(text: str) -> float | None:
    """ISO 8601 (as ffprobe shows QuickTime/MP4/MKV creation times) -> POSIX seconds."""
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.year < 1971:  # 1904/1970: the container's zero, i.e. the camera did not set it
        return None
    return when.timestamp()


def prior(creation_time: str | None, timecode: str | None, fps: Fraction | None) -> Prior | None:
    """A take's start on its camera's clock: timecode (frame-accurate) when it has one, else its
    creation time (to the second)."""
    if timecode and fps:
        t = parse_timecode(timecode, fps)
        if t is not None:
            return Prior(t, "timecode")
    if creation_time:
        t = parse_creation_time(creation_time)
        if t is not None:
            return Prior(t, "creation time")
    return None


def apply(solution: Solution, priors: Sequence[Prior | None], cameras: Sequence[str],
          durations: Sequence[float], names: Sequence[str], *, confidence: float,
          tolerance: float, overlap_tolerance: float
          ) -> tuple[Solution, dict[int, str], list[str]]:
    """Place unplaced takes from their camera's clock; report clocks that contradict the evidence.

    Returns the solution, reasons for takes still unplaced that had a prior, and notes.
    """
    placements = list(solution.placements)
    reasons: dict[int, str] = {}
    notes: list[str] = []
    n = len(placements)
    for cam in dict.fromkeys(cameras):
        takes = [i for i in range(n) if cameras[i] == cam and priors[i] is not None]
        by_evidence = [i for i in takes if placements[i] is not None]
        # a clock that contradicts the evidence: consecutive placed takes, pairwise
        same_source = [i for i in by_evidence if priors[i].source == priors[by_evidence[0]].source]  # type: ignore[union-attr]
        for a, b in zip(same_source, same_source[1:]):
            said = priors[b].start - priors[a].start  # type: ignore[union-attr]
            found = placements[b].offset - placements[a].offset  # type: ignore[union-attr]
            if abs(said - found) > tolerance:
                notes.append(f"camera '{cam}': by its {priors[a].source} {names[b]} started "  # type: ignore[union-attr]
                             f"{said:+.1f} s after {names[a]}, by sound/picture {found:+.1f} s; "
                             "the camera's clock or metadata is wrong, the evidence is used")
        for i in takes:
            if placements[i] is not None or not by_evidence:
                continue
            anchor = min(by_evidence, key=lambda k: (priors[k].source != priors[i].source,  # type: ignore[union-attr]
                                                     abs(priors[k].start - priors[i].start)))  # type: ignore[union-attr]
            if priors[anchor].source != priors[i].source:  # type: ignore[union-attr]
                continue  # a timecode and a wall-clock time are not on one clock
            offset = placements[anchor].offset + priors[i].start - priors[anchor].start  # type: ignore[union-attr]
            clash = next((k for k in range(n) if k != i and cameras[k] == cam
                          and placements[k] is not None
                          and offset < placements[k].to_timeline(durations[k]) - overlap_tolerance  # type: ignore[union-attr]
                          and placements[k].offset < offset + durations[i] - overlap_tolerance), None)  # type: ignore[union-attr]
            if clash is not None:
                reasons[i] = (f"its {priors[i].source} would place it over {names[clash]}, another "  # type: ignore[union-attr]
                              f"take of camera '{cam}'; the metadata is wrong")
                continue
            placements[i] = Placement(offset=offset, confidence=confidence, method=Method.METADATA)
    if placements == list(solution.placements):
        return solution, reasons, notes
    return replace(solution, placements=tuple(placements)), reasons, notes
