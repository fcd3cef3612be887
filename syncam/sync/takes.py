"""Takes of one camera cannot overlap in time: one device films one take at a time. Pure.

The pipeline never correlates a camera's takes with each other (they share no moment), and after the
solve :func:`reject_overlaps` unplaces a take whose placement would overlap a sibling's: of the two,
the less confident one, which is the likelier to be wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from syncam.types import Solution


def siblings(cameras: Sequence[str], i: int, j: int) -> bool:
    """Clips i and j are takes of one camera."""
    return cameras[i] == cameras[j]


def reject_overlaps(solution: Solution, durations: Sequence[float], cameras: Sequence[str],
                    names: Sequence[str], *, tolerance: float) -> tuple[Solution, dict[int, str]]:
    """The solution with every take that overlaps a sibling by more than ``tolerance`` seconds
    unplaced, and the reason for each one unplaced. The reference is never unplaced."""
    placements = list(solution.placements)
    reasons: dict[int, str] = {}
    changed = True
    while changed:  # unplacing one take can end another's conflict; look again until none is left
        changed = False
        for cam in dict.fromkeys(cameras):
            takes = sorted((placements[i].offset, i) for i in range(len(cameras))  # type: ignore[union-attr]
                           if cameras[i] == cam and placements[i] is not None)
            for (_, a), (_, b) in zip(takes, takes[1:]):
                pa, pb = placements[a], placements[b]
                assert pa is not None and pb is not None
                overlap = pa.to_timeline(durations[a]) - pb.offset
                if overlap <= tolerance:
                    continue
                worse = a if pa.confidence < pb.confidence else b
                if worse == solution.reference:
                    worse = b if worse == a else a
                other = b if worse == a else a
                placements[worse] = None
                reasons[worse] = (f"its placement overlapped {names[other]}, another take of camera "
                                  f"'{cam}', by {overlap:.2f} s; one camera films one take at a "
                                  "time")
                changed = True
                break
            if changed:
                break
    if not reasons:
        return solution, reasons
    verdicts = tuple(replace(v, residual=None) if placements[v.match.a] is None
                     or placements[v.match.b] is None else v for v in solution.verdicts)
    return replace(solution, placements=tuple(placements), verdicts=verdicts), reasons
