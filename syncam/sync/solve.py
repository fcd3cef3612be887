"""solve(n, matches, reference) -> Solution: one consistent set of offsets from all pairwise matches.

1. Matches below ``min_confidence`` (motion: its own threshold, see :func:`threshold`) are not
   evidence.
2. Ranking. A pair may give several candidate lags (sound heard more than once: sync/repeats.py).
   First the lags the pair's own evidence told apart from its repeats (``Match.distinct``), then the
   sound matches whose overlap agrees with them most (windows supporting the lag minus windows with
   sound in both clips that do not), then the share of the overlap explained, then loop consistency:
   for every triangle of clips a, b, c with all three matches, the lags must add up (lag_ab + lag_bc =
   lag_ac within the loosest tolerance of their methods: motion matches are less precise than audio
   ones); a match is ranked by how many triangles agree with it minus how many disagree (a wrong
   match disagrees with every triangle it is in), then by confidence.
3. Greedy acceptance in that order (Kruskal's algorithm with potentials): a match that joins two groups
   of clips is accepted; one inside a group is accepted only if it agrees with the offsets the group
   already implies (within the loosest tolerance of the match and the group's matches). A wrong match
   therefore never moves anything it cannot outvote.
4. Weighted least squares over the accepted matches, reference fixed at offset 0 and rate 0: a design
   matrix with an offset column per clip and a rate column per clip that a chain of drift-fitted
   pairs joins to the reference (sync/drift.py; a new unknown is a new column). A fitted pair gives two
   rows weighted by its line's own variance; any other match one row (weight = confidence x the
   method's weight / LAG_SIGMA^2). Audio and motion matches meet in this one fit, so a silent camera is
   placed against cameras that were placed by sound. With ``av_lag`` (--method both), a clip whose
   sound and picture both matched gets a third column, its A/V lag: sound rows see the clip's sound,
   placed that much after its picture, motion rows its picture, and a prior pulls the lag toward 0.
   Loops and the greedy check read a drifting pair's lag at the same instant as the lags it is
   compared with.
5. Clips not connected to the reference stay unplaced (None). Strong lags the solution contradicts
   mark repeated stretches; a clip that only matches resting on them join to the reference is taken
   out (unplaced, with every place it fits: ``Solution.ambiguous``) and the rest is solved again.
   If the reference has no accepted match at all, the best-connected clip becomes the reference, and
   a note says so.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from syncam import config
from syncam.sync import repeats
from syncam.sync.drift import LineFit, fit
from syncam.sync.score import motion_threshold
from syncam.types import Match, MatchVerdict, Method, Placement, PlaceOption, Solution


def _signed(m: Match, a: int, b: int) -> float:
    """Lag offset_b - offset_a from a match stored in either direction."""
    return m.lag if (m.a, m.b) == (a, b) else -m.lag


DEFAULT_TOLERANCE = {Method.AUDIO: config.LOOP_TOLERANCE, Method.MOTION: config.LOOP_TOLERANCE_MOTION}
DEFAULT_WEIGHT = {Method(k): v for k, v in config.METHOD_WEIGHT.items()}


def _triangle_votes(matches: list[Match], tolerance: Mapping[Method, float],
                    lines: Mapping[int, LineFit]) -> list[int]:
    """Per match: triangles whose loop it closes consistently, minus those it breaks.

    A pair may carry several matches (audio and motion with --method both): every combination of one
    match per edge is a loop of its own, so each match is judged on its own evidence. The three lags
    are read at one instant (a drifting pair's lag depends on when).
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
            t = _evaluated_at(ab, lines)
            t = t if ab.a == a else t - ab.lag
            lag_ab = _lag_at(ab, a, b, t, lines)
            ok = abs(lag_ab + _lag_at(bc, b, c, t - lag_ab, lines) - _lag_at(ac, a, c, t, lines)) <= tol
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


def _lag_at(m: Match, a: int, b: int, t: float, lines: Mapping[int, LineFit]) -> float:
    """offset_b - offset_a measured by ``m`` at clip-a time ``t`` (its drift line when it has one)."""
    line = lines.get(id(m))
    if line is None:
        return _signed(m, a, b)
    if (m.a, m.b) == (a, b):
        return float(line.at(t))
    return -float(line.at(t + m.lag))  # the match's own clip-a is b here: b's time is t - lag(a->b)


def _evaluated_at(m: Match, lines: Mapping[int, LineFit]) -> float:
    """Clip-a time where a match's lag is compared with others: the middle of its evidence."""
    line = lines.get(id(m))
    if line is not None:
        return line.t_mean
    return m.centre if m.centre is not None else 0.0


def _path_lag(accepted: list[Match], a: int, b: int, t: float,
              lines: Mapping[int, LineFit]) -> float | None:
    """offset_b - offset_a along accepted matches, each edge read at the same instant (clip-a time t)."""
    adjacent: dict[int, list[Match]] = defaultdict(list)
    for m in accepted:
        adjacent[m.a].append(m)
        adjacent[m.b].append(m)
    seen = {a: (0.0, t)}  # node -> (lag from a, the instant in that node's clip time)
    todo = [a]
    while todo:
        x = todo.pop()
        lag_x, t_x = seen[x]
        for m in adjacent[x]:
            y = m.b if m.a == x else m.a
            if y in seen:
                continue
            step = _lag_at(m, x, y, t_x, lines)
            seen[y] = (lag_x + step, t_x - step)
            if y == b:
                return seen[y][0]
            todo.append(y)
    return seen[b][0] if b in seen else None


@dataclass(frozen=True)
class _Row:
    """One correspondence: clip-a time ``ta`` and clip-b time ``tb`` show the same instant."""

    a: int
    b: int
    ta: float
    tb: float
    weight: float  # inverse variance (1/s^2)
    sound: bool = False  # measured on the sound: it meets the clips' A/V-lag columns


def _rows(m: Match, lines: Mapping[int, LineFit], weight: Mapping[Method, float]) -> list[_Row]:
    """A fitted pair gives two rows (its line at t_mean +- t_spread: uncorrelated, together worth the
    whole fit); any other match one row at the middle of its overlap."""
    line = lines.get(id(m))
    if line is not None:
        w = line.inliers / (2.0 * line.sigma ** 2)
        out = []
        for t in (line.t_mean - line.t_spread, line.t_mean + line.t_spread):
            out.append(_Row(m.a, m.b, t, t - float(line.at(t)), w, sound=True))
        return out
    t = m.centre if m.centre is not None else 0.0
    w = max(m.confidence, 1e-3) * weight[m.method] / config.LAG_SIGMA ** 2
    return [_Row(m.a, m.b, t, t - m.lag, w, sound=m.method is Method.AUDIO)]


@dataclass(frozen=True)
class _Map:
    offsets: dict[int, float]
    rates: dict[int, float]  # clips with a rate column: rate - 1 (1e-6 = 1 ppm)
    offset_stderr: dict[int, float]
    rate_stderr: dict[int, float]
    lags: dict[int, float] = field(default_factory=dict)  # clips with an A/V-lag column: seconds
    lag_stderr: dict[int, float] = field(default_factory=dict)


def _fit(accepted: list[Match], fixed: int, members: set[int], rated: set[int],
         lines: Mapping[int, LineFit], weight: Mapping[Method, float],
         lagged: frozenset[int] = frozenset()) -> _Map:
    """Weighted least squares of the design matrix: per clip an offset column, a rate column (clips in
    ``rated``) and an A/V-lag column (clips in ``lagged``); the reference fixed at offset 0, rate 0,
    lag 0. A row says offset_b - offset_a + tb * rate_b - ta * rate_a = ta - tb (the sign
    convention's time map); a sound row also has - lag_b + lag_a on the left (a clip's sound is
    placed ``lag`` later than its picture). Each lag has a prior row lag = 0 (config.AV_LAG_PRIOR)."""
    order = sorted(members - {fixed})
    rate_order = sorted(rated - {fixed})
    lag_order = sorted(lagged - {fixed})
    if not order:
        return _Map({fixed: 0.0}, {}, {fixed: 0.0}, {})
    col = {c: i for i, c in enumerate(order)}
    rcol = {c: len(order) + i for i, c in enumerate(rate_order)}
    lcol = {c: len(order) + len(rate_order) + i for i, c in enumerate(lag_order)}
    rows = [r for m in accepted if m.a in members for r in _rows(m, lines, weight)]
    A = np.zeros((len(rows) + len(lag_order), len(order) + len(rate_order) + len(lag_order)))
    rhs = np.zeros(len(A))
    w = np.empty(len(A))
    for k, r in enumerate(rows):
        if r.b in col:
            A[k, col[r.b]] += 1.0
        if r.a in col:
            A[k, col[r.a]] -= 1.0
        if r.b in rcol:
            A[k, rcol[r.b]] += r.tb
        if r.a in rcol:
            A[k, rcol[r.a]] -= r.ta
        if r.sound and r.b in lcol:
            A[k, lcol[r.b]] -= 1.0
        if r.sound and r.a in lcol:
            A[k, lcol[r.a]] += 1.0
        rhs[k], w[k] = r.ta - r.tb, r.weight
    for k, c in enumerate(lag_order):  # the prior: no lag unless the evidence says so
        A[len(rows) + k, lcol[c]] = 1.0
        w[len(rows) + k] = 1.0 / config.AV_LAG_PRIOR ** 2
    sw = np.sqrt(w)
    sol, *_ = np.linalg.lstsq(A * sw[:, None], rhs * sw, rcond=None)
    # standard errors from the rows' variances, scaled up when the residuals say they were optimistic
    cov = np.linalg.pinv((A * w[:, None]).T @ A)
    dof = len(rows) - A.shape[1]
    if dof > 0:
        chi2 = float(np.sum(w[:len(rows)] * (rhs - A @ sol)[:len(rows)] ** 2)) / dof
        cov *= max(1.0, chi2)
    se = np.sqrt(np.maximum(np.diag(cov), 0.0))
    offsets = {c: float(sol[col[c]]) for c in order}
    offsets[fixed] = 0.0
    lags = {c: float(sol[lcol[c]]) for c in lag_order}
    lag_se = {c: float(se[lcol[c]]) for c in lag_order}
    if fixed in lagged:
        lags[fixed], lag_se[fixed] = 0.0, 0.0
    return _Map(offsets=offsets, rates={c: float(sol[rcol[c]]) for c in rate_order},
                offset_stderr={**{c: float(se[col[c]]) for c in order}, fixed: 0.0},
                rate_stderr={c: float(se[rcol[c]]) for c in rate_order}, lags=lags,
                lag_stderr=lag_se)


def _predicted(fit: _Map, m: Match, ta: float) -> float:
    """The lag ``m`` should measure at clip-a time ``ta`` by the solved time maps: the pictures'
    offset_b - offset_a, and for a sound match the clips' A/V lags on top."""
    a, b = m.a, m.b
    ra, rb = fit.rates.get(a, 0.0), fit.rates.get(b, 0.0)
    tb = (fit.offsets[a] - fit.offsets[b] + ta * (1.0 + ra)) / (1.0 + rb)
    if m.method is Method.AUDIO:
        return ta - tb - fit.lags.get(b, 0.0) + fit.lags.get(a, 0.0)
    return ta - tb


def _residuals(m: Match, fit: _Map, lines: Mapping[int, LineFit]) -> list[float]:
    """Measured - solved lag, per trusted window of the match (else at its overlap's middle)."""
    line = lines.get(id(m))
    if line is not None:
        return [o.lag - _predicted(fit, m, o.time) for o in m.observations
                if o.score >= config.DRIFT_MIN_Z and abs(o.lag - float(line.at(o.time)))
                <= config.DRIFT_REJECT * line.sigma]
    return [m.lag - _predicted(fit, m, _evaluated_at(m, lines))]


@dataclass(frozen=True)
class _Placed:
    """One round of the solve: the matches accepted, and the time maps fitted on them."""

    accepted: list[Match]
    reference: int
    requested: int | None  # the reference asked for, when it matched nothing and was replaced
    members: set[int]  # the clips of the reference's group
    rated: set[int]
    lagged: frozenset[int]
    solved: _Map


def _agreement(m: Match) -> int:
    """A sound match's windows that support its lag minus the windows with sound in both clips that
    do not (0 for motion): a replay's lag is supported by the replayed seconds and contradicted by
    the rest of its overlap, where both clips heard sound that happened once."""
    if m.method is not Method.AUDIO:
        return 0
    return len(m.support) - max(0, m.usable - len(m.support))


def _place(n: int, evidence: list[Match], reference: int, lines: Mapping[int, LineFit],
           tolerance: Mapping[Method, float], weight: Mapping[Method, float], av_lag: bool) -> _Placed:
    """Steps 2-5 of the module docstring on ``evidence``: rank, accept greedily, fit."""
    votes = _triangle_votes(evidence, tolerance, lines)
    # First the lags that a pair's own evidence told apart from its repeats (what differs between
    # the replays was heard). Then the sound matches that their overlap agrees with most: the
    # seconds of a replay (a jingle, a playback song) outvote nothing that a longer stretch heard
    # together says. Among equals, the share of the overlap it explains, then triangle votes (a
    # wrong match breaks every loop it is in), then confidence
    order = sorted(range(len(evidence)), key=lambda i: (
        not evidence[i].distinct, -_agreement(evidence[i]), -round(evidence[i].explained, 2),
        -votes[i], -evidence[i].confidence))
    groups = _Groups(n)
    accepted: list[Match] = []
    for i in order:
        m = evidence[i]
        if groups.implied(m.a, m.b) is None:
            groups.join(m.a, m.b, m.lag, tolerance[m.method])
            accepted.append(m)
            continue
        t = _evaluated_at(m, lines)
        implied = _path_lag(accepted, m.a, m.b, t, lines)
        if implied is not None and (abs(implied - _lag_at(m, m.a, m.b, t, lines))
                                    <= max(tolerance[m.method], groups.tolerance(m.a))):
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
    # a clip's rate is a column when a chain of fitted pairs joins it to the reference
    rated = {reference}
    grew = True
    while grew:
        grew = False
        for m in accepted:
            if id(m) in lines and (m.a in rated) != (m.b in rated):
                rated |= {m.a, m.b}
                grew = True
    # a clip's A/V lag is a column when its sound and its picture both matched (--method both)
    kinds: dict[int, set[Method]] = defaultdict(set)
    for m in accepted:
        for c in (m.a, m.b):
            kinds[c].add(m.method)
    lagged = frozenset(c for c in members if {Method.AUDIO, Method.MOTION} <= kinds[c]) if av_lag \
        else frozenset()
    solved = (_fit(accepted, reference, members, rated, lines, weight, lagged) if degree
              else _Map({reference: 0.0}, {}, {reference: 0.0}, {}))
    return _Placed(accepted, reference, requested, members, rated, lagged, solved)


def _reached(reference: int, matches: list[Match]) -> set[int]:
    """The clips that ``matches`` join to the reference."""
    adjacent: dict[int, set[int]] = defaultdict(set)
    for m in matches:
        adjacent[m.a].add(m.b)
        adjacent[m.b].add(m.a)
    seen, todo = {reference}, [reference]
    while todo:
        for y in adjacent[todo.pop()] - seen:
            seen.add(y)
            todo.append(y)
    return seen


def _options(c: int, evidence: list[Match], offsets: Mapping[int, float], reached: set[int],
             stretches: list[repeats.Stretch], accepted_ids: set[int], lines: Mapping[int, LineFit],
             tolerance: Mapping[Method, float]) -> tuple[PlaceOption, ...]:
    """Every place clip ``c`` fits: by each of its matches against a clip that stays placed, and by
    its placement moved along each repeat its evidence lies in; one per place, best first."""
    found: list[PlaceOption] = []
    for m in evidence:
        if c not in (m.a, m.b):
            continue
        other = m.b if m.a == c else m.a
        lag = -m.lag if m.a == c else m.lag  # offset_c - offset_other
        if other in reached:
            found.append(PlaceOption(against=other, lag=round(lag, 6),
                                     offset=round(offsets[other] + lag, 6),
                                     score=round(m.confidence, 4)))
        if id(m) in accepted_ids and c in offsets and m.a in offsets:
            for moved in repeats.shifts_at(offsets[c], m, stretches, offsets[m.a]):
                ref = min(reached)
                found.append(PlaceOption(against=ref, lag=round(moved - offsets[ref], 6),
                                         offset=round(moved, 6), score=round(m.confidence, 4)))
    found.sort(key=lambda o: -o.score)
    out: list[PlaceOption] = []
    for o in found:
        if all(abs((o.offset or 0.0) - (k.offset or 0.0)) > tolerance[Method.AUDIO] for k in out):
            out.append(o)
    return tuple(out[: config.CANDIDATES_REPORTED])


def threshold(method: Method, min_confidence: float = config.MIN_CONFIDENCE,
              searched: float = 0.0) -> float:
    """The confidence a match of ``method`` needs to be evidence. ``min_confidence`` is sound's (the
    user's --min-confidence); motion's depends on how many seconds of lags its scan ``searched``
    (config.MOTION_THRESHOLDS, from motion's measured null distribution) and is scaled with it."""
    if method is Method.MOTION:
        return min_confidence / config.MIN_CONFIDENCE * motion_threshold(
            searched, config.MOTION_THRESHOLDS)
    return min_confidence


def honest_lag_stderr(fitted: float | None, reference: bool = False) -> float | None:
    """An A/V lag's standard error: the fit's, and in quadrature the picture placement's own error
    (config.MOTION_PLACEMENT_SIGMA), which the fit's weights understate; the reference's lag is 0 by
    definition."""
    if fitted is None or reference:
        return fitted
    return float(np.hypot(fitted, config.MOTION_PLACEMENT_SIGMA))


def solve(n: int, matches: list[Match], reference: int = 0, *,
          min_confidence: float = config.MIN_CONFIDENCE,
          tolerance: float | Mapping[Method, float] | None = None,
          weight: Mapping[Method, float] | None = None, drift: bool = True,
          av_lag: bool = False) -> Solution:
    """Time maps of ``n`` clips from pairwise ``matches``; see the module docstring.

    ``drift``: fit a rate per clip where fitted pairs reach it (sync/drift.py); False: offsets only.
    ``av_lag``: a clip with both sound and motion matches gets an A/V-lag unknown: its picture places
    it, and its sound's lag behind the picture is measured (relative to the reference's).
    ``tolerance``: loop tolerance in seconds, one for all methods or one per method (default: config's
    LOOP_TOLERANCE for audio, LOOP_TOLERANCE_MOTION for motion). ``weight``: least-squares weight per
    method (default: config.METHOD_WEIGHT).
    """
    if tolerance is None:
        tolerance = DEFAULT_TOLERANCE
    elif not isinstance(tolerance, Mapping):
        tolerance = {m: float(tolerance) for m in Method}
    weight = DEFAULT_WEIGHT if weight is None else weight
    evidence = [m for m in matches
                if m.confidence >= threshold(m.method, min_confidence, m.searched) and m.a != m.b]
    lines: dict[int, LineFit] = {}
    short: dict[int, str] = {}  # match -> why its slope is not used
    for m in evidence:
        line = fit(m.observations) if drift and m.method is Method.AUDIO else None
        if line is not None and line.measurable:
            lines[id(m)] = line
        elif drift and m.method is Method.AUDIO:
            short[id(m)] = (line.why_not if line is not None
                            else "overlap too short to measure drift")
    # sound heard more than once (sync/repeats.py): a clip that only repeated sound connects to the
    # reference is taken out, with the places it fits, and the rest is solved again without it
    banned: dict[int, tuple[PlaceOption, ...]] = {}
    repeat_ids: set[int] = set()
    requested_reference = reference
    for _ in range(config.REPEAT_ROUNDS):
        usable = [m for m in evidence if m.a not in banned and m.b not in banned]
        placed = _place(n, usable, requested_reference, lines, tolerance, weight, av_lag)
        reference, offsets = placed.reference, placed.solved.offsets
        accepted_ids = {id(m) for m in placed.accepted}
        contradicted = []
        for m in usable:
            if (id(m) in accepted_ids or m.method is not Method.AUDIO or not m.support
                    or m.a not in offsets or m.b not in offsets):
                continue
            t = _evaluated_at(m, lines)
            measured = _lag_at(m, m.a, m.b, t, lines)
            if abs(measured - _predicted(placed.solved, m, t)) > tolerance[m.method]:
                contradicted.append(m)
        repeat_ids |= {id(m) for m in contradicted}
        stretches = repeats.repeated_stretches(contradicted, offsets)
        reached = _reached(reference, [m for m in placed.accepted
                                       if repeats.distinctive(m, offsets, stretches)])
        lost = sorted(c for c in offsets if c not in reached)
        if not lost:
            break
        for c in lost:
            banned[c] = _options(c, usable, offsets, reached, stretches, accepted_ids, lines,
                                 tolerance)
    accepted, requested = placed.accepted, placed.requested
    rated, lagged, solved = placed.rated, placed.lagged, placed.solved
    offsets = solved.offsets
    # a clip is said to be placed by the evidence that weighs most in the fit among its matches
    strength: dict[int, float] = defaultdict(float)
    confidence: dict[int, float] = {}
    method: dict[int, Method] = {}
    residuals: dict[int, list[float]] = defaultdict(list)
    notes: dict[int, str] = {}
    for m in accepted:
        if m.a not in offsets:
            continue
        res = _residuals(m, solved, lines)
        for c in (m.a, m.b):
            residuals[c].extend(res)
            if c not in rated and id(m) in short:
                notes.setdefault(c, short[id(m)])
            # a clip with an A/V-lag column is placed by its picture: its sound sets only the lag
            if c in lagged and m.method is not Method.MOTION:
                continue
            if m.confidence * weight[m.method] > strength[c]:
                strength[c] = m.confidence * weight[m.method]
                confidence[c], method[c] = m.confidence, m.method

    def placement(c: int) -> Placement:
        note = ""
        if c not in rated:
            note = (notes.get(c, "no sound shared with a clip whose drift was measured") if drift
                    else "drift not estimated (--drift off)")
        rms = float(np.sqrt(np.mean(np.square(residuals[c])))) if residuals[c] else None
        return Placement(offset=offsets[c], drift_ppm=solved.rates.get(c, 0.0) * 1e6,
                         confidence=confidence.get(c, 0.0), method=method.get(c),
                         offset_stderr=solved.offset_stderr.get(c),
                         drift_ppm_stderr=(solved.rate_stderr[c] * 1e6 if c in solved.rate_stderr
                                           else 0.0 if c == reference and drift else None),
                         residual_rms=rms, drift_note=note, av_lag=solved.lags.get(c),
                         av_lag_stderr=honest_lag_stderr(solved.lag_stderr.get(c),
                                                         c == reference))

    placements = tuple(placement(c) if c in offsets else None for c in range(n))
    accepted_ids = {id(m) for m in accepted}
    evidence_ids = {id(m) for m in evidence}

    def verdict(m: Match) -> MatchVerdict:
        placed = m.a in offsets and m.b in offsets
        res = None
        if placed:
            t = _evaluated_at(m, lines)
            res = _lag_at(m, m.a, m.b, t, lines) - _predicted(solved, m, t)
        used = id(m) in accepted_ids and placed
        reason = ("" if used else "below threshold" if id(m) not in evidence_ids
                  else "ambiguous" if m.a in banned or m.b in banned
                  else "superseded" if id(m) in accepted_ids
                  else "repeat" if id(m) in repeat_ids else "contradicted")
        return MatchVerdict(match=m, used=used, residual=res, reason=reason)

    return Solution(reference=reference, placements=placements,
                    verdicts=tuple(verdict(m) for m in matches), requested_reference=requested,
                    ambiguous=tuple(sorted(banned.items())))
