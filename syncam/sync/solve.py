"""solve(n, matches, reference) -> Solution: one consistent set of offsets from all pairwise matches.

1. Matches below ``min_confidence`` are not evidence.
2. Loop consistency: for every triangle of clips a, b, c with all three matches, the lags must add up
   (lag_ab + lag_bc = lag_ac within the loosest tolerance of their methods: motion matches are less
   precise than audio ones). Each match is ranked by how many triangles agree
   with it minus how many disagree, then by confidence. A wrong match disagrees with every triangle it is
   in, so it ranks last.
3. Greedy acceptance in that order (Kruskal's algorithm with potentials): a match that joins two groups
   of clips is accepted; one inside a group is accepted only if it agrees with the offsets the group
   already implies (within the loosest tolerance of the match and the group's matches). A wrong match
   therefore never moves anything it cannot outvote.
4. Weighted least squares over the accepted matches (weight = confidence x the method's weight, the
   inverse variance of its error), reference fixed at 0. Audio and motion matches meet in this one fit,
   so a silent camera is placed against cameras that were placed by sound.
5. Clips not connected to the reference stay unplaced (None). If the reference has no accepted match at
   all, the best-connected clip becomes the reference, and a note says so.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Mapping

import numpy as np

from syncam import config
from syncam.types import Match, MatchVerdict, Method, Placement, Solution


def _signed(m: Match, a: int, b: int) -> float:
    """Lag offset_b - offset_a from a match stored in either direction."""
    return m.lag if (m.a, m.b) == (a, b) else -m.lag


DEFAULT_TOLERANCE = {Method.AUDIO: config.LOOP_TOLERANCE, Method.MOTION: config.LOOP_TOLERANCE_MOTION}
DEFAULT_WEIGHT = {Method(k): v for k, v in config.METHOD_WEIGHT.items()}


def _triangle_votes(matches: list[Match], tolerance: Mapping[Method, float]) -> list[int]:
    """Per match: triangles whose loop it closes consistently, minus those it breaks.

    A pair may carry several matches (audio and motion with --method both): every combination of one
    match per edge is a loop of its own, so each match is judged on its own evidence.
    """
    by_pair: dict[frozenset[int], list[int]] = defaultdict(list)
    for i, m in enumerate(matches):
        by_pair[frozenset((m.a, m.b))].append(i)
    nodes = sorted({c for m in matches for c in (m.a, m.b)})
    votes = [0] * len(matches)
    for a, b, c in itertools.combinations(nodes, 3):
        edges = [by_pair.get(frozenset(p), []) for p in ((a, b), (b, c), (a, c))]
        for ids in itertools.product(*edges):
            ab, bc, ac = (matches[i] for i in ids)
            tol = max(tolerance[ab.method], tolerance[bc.method], tolerance[ac.method])
            ok = abs(_signed(ab, a, b) + _signed(bc, b, c) - _signed(ac, a, c)) <= tol
            for i in ids:
                votes[i] += 1 if ok else -1
    return votes


class _Groups:
    """Union-find whose members know their offset relative to their group's root."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.rel = [0.0] * n  # offset(node) - offset(parent)
        self.tol = [0.0] * n  # at a root: the loosest tolerance of the matches joined in its group

    def find(self, x: int) -> tuple[int, float]:
        total = 0.0
        while self.parent[x] != x:
            total += self.rel[x]
            x = self.parent[x]
        return x, total

    def join(self, a: int, b: int, lag: float, tol: float) -> None:
        """Merge the groups of a and b (distinct) so that offset_b - offset_a = lag."""
        ra, oa = self.find(a)
        rb, ob = self.find(b)
        self.parent[rb] = ra
        self.rel[rb] = oa + lag - ob
        self.tol[ra] = max(self.tol[ra], self.tol[rb], tol)

    def tolerance(self, a: int) -> float:
        return self.tol[self.find(a)[0]]

    def implied(self, a: int, b: int) -> float | None:
        ra, oa = self.find(a)
        rb, ob = self.find(b)
        return ob - oa if ra == rb else None


def _least_squares(accepted: list[Match], fixed: int, members: set[int],
                   weight: Mapping[Method, float]) -> dict[int, float]:
    order = sorted(members - {fixed})
    if not order:
        return {fixed: 0.0}
    col = {c: i for i, c in enumerate(order)}
    rows, rhs, weights = [], [], []
    for m in accepted:
        if m.a not in members:
            continue
        row = np.zeros(len(order))
        if m.b != fixed:
            row[col[m.b]] += 1.0
        if m.a != fixed:
            row[col[m.a]] -= 1.0
        rows.append(row)
        rhs.append(m.lag)
        weights.append(max(m.confidence, 1e-3) * weight[m.method])
    w = np.sqrt(np.asarray(weights))
    sol, *_ = np.linalg.lstsq(np.asarray(rows) * w[:, None], np.asarray(rhs) * w, rcond=None)
    out = {c: float(sol[col[c]]) for c in order}
    out[fixed] = 0.0
    return out


def solve(n: int, matches: list[Match], reference: int = 0, *,
          min_confidence: float = config.MIN_CONFIDENCE,
          tolerance: float | Mapping[Method, float] | None = None,
          weight: Mapping[Method, float] | None = None) -> Solution:
    """Offsets of ``n`` clips from pairwise ``matches``; see the module docstring.

    ``tolerance``: loop tolerance in seconds, one for all methods or one per method (default: config's
    LOOP_TOLERANCE for audio, LOOP_TOLERANCE_MOTION for motion). ``weight``: least-squares weight per
    method (default: config.METHOD_WEIGHT).
    """
    if tolerance is None:
        tolerance = DEFAULT_TOLERANCE
    elif not isinstance(tolerance, Mapping):
        tolerance = {m: float(tolerance) for m in Method}
    weight = DEFAULT_WEIGHT if weight is None else weight
    evidence = [m for m in matches if m.confidence >= min_confidence and m.a != m.b]
    votes = _triangle_votes(evidence, tolerance)
    order = sorted(range(len(evidence)), key=lambda i: (-votes[i], -evidence[i].confidence))
    groups = _Groups(n)
    accepted: list[Match] = []
    for i in order:
        m = evidence[i]
        implied = groups.implied(m.a, m.b)
        if implied is None:
            groups.join(m.a, m.b, m.lag, tolerance[m.method])
            accepted.append(m)
        elif abs(implied - m.lag) <= max(tolerance[m.method], groups.tolerance(m.a)):
            accepted.append(m)

    degree: dict[int, float] = defaultdict(float)
    for m in accepted:
        degree[m.a] += m.confidence
        degree[m.b] += m.confidence
    requested: int | None = None
    if reference not in degree and degree:
        requested, reference = reference, max(degree, key=lambda c: (degree[c], -c))

    root, _ = groups.find(reference)
    members = {c for c in range(n) if groups.find(c)[0] == root}
    offsets = (_least_squares(accepted, reference, members, weight) if degree
               else {reference: 0.0})
    # a clip is said to be placed by the evidence that weighs most in the fit among its matches
    strength: dict[int, float] = defaultdict(float)
    confidence: dict[int, float] = {}
    method: dict[int, Method] = {}
    for m in accepted:
        for c in (m.a, m.b):
            if m.confidence * weight[m.method] > strength[c]:
                strength[c] = m.confidence * weight[m.method]
                confidence[c], method[c] = m.confidence, m.method
    placements = tuple(
        Placement(offset=offsets[c], confidence=confidence.get(c, 0.0), method=method.get(c))
        if c in offsets else None
        for c in range(n))
    accepted_ids = {id(m) for m in accepted}
    verdicts = tuple(
        MatchVerdict(match=m, used=id(m) in accepted_ids,
                     residual=(m.lag - (offsets[m.b] - offsets[m.a]))
                     if m.a in offsets and m.b in offsets else None)
        for m in matches)
    return Solution(reference=reference, placements=placements, verdicts=verdicts,
                    requested_reference=requested)
