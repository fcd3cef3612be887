"""The report's pictures, drawn with OpenCV (already syncam's, for the contact sheet) as PNG bytes.

Drawn here rather than with matplotlib, which the report used until it measured where its time went:
importing matplotlib and drawing nine figures with it was most of a report (1.5-2 s of a 4.4 s report
of a 10-minute event, against 5.3 s to align it); these lines, ticks and labels cost milliseconds.
Pure: numpy arrays in, PNG bytes out. Imported only by syncam/report/build.py.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from syncam.report import sheet

METHOD_LABEL = {"audio": "sound", "motion": "picture", "metadata": "metadata"}
Colour = tuple[int, int, int]  # RGB
WHITE: Colour = (255, 255, 255)
BLACK: Colour = (20, 20, 20)
GREY: Colour = (128, 128, 128)
LIGHT: Colour = (225, 225, 225)
BLUE: Colour = (32, 74, 135)
RED: Colour = (220, 20, 60)
ORANGE: Colour = (255, 140, 0)
PURPLE: Colour = (128, 0, 128)
TEAL: Colour = (0, 128, 128)
NODE: Colour = (52, 101, 164)
# matplotlib's "tab10", for one colour per clip in the sound figure
PALETTE: tuple[Colour, ...] = ((31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40),
                               (148, 103, 189), (140, 86, 75), (227, 119, 194), (127, 127, 127),
                               (188, 189, 34), (23, 190, 207))
# ColorBrewer's RdYlGn: red = doubtful, green = sure; the same scale everywhere
_RDYLGN = np.array([(165, 0, 38), (244, 109, 67), (254, 224, 139), (217, 239, 139), (102, 189, 99),
                    (0, 104, 55)], dtype=float)
FONT = cv2.FONT_HERSHEY_SIMPLEX
SMALL = 0.38  # text scale of tick labels and notes


def confidence_colour(c: float) -> Colour:
    """A confidence in [0, 1] on the red-yellow-green scale."""
    x = min(max(float(c), 0.0), 1.0) * (len(_RDYLGN) - 1)
    i = min(int(x), len(_RDYLGN) - 2)
    rgb = _RDYLGN[i] + (x - i) * (_RDYLGN[i + 1] - _RDYLGN[i])
    return int(rgb[0]), int(rgb[1]), int(rgb[2])


def _ascii(text: str) -> str:
    """OpenCV's fonts have ASCII glyphs only: accents dropped, other characters '?'."""
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return text.encode("ascii", "replace").decode("ascii")


def text(img: np.ndarray, s: str, x: float, y: float, *, colour: Colour = BLACK,
         scale: float = SMALL, align: str = "left", box: bool = False) -> None:
    """``s`` with its baseline's ``align`` point (left, centre, right) at (x, y)."""
    s = _ascii(s)
    (w, h), _ = cv2.getTextSize(s, FONT, scale, 1)
    x0 = int(x - (w if align == "right" else w / 2 if align == "centre" else 0))
    if box:
        cv2.rectangle(img, (x0 - 2, int(y) - h - 2), (x0 + w + 2, int(y) + 3), WHITE, -1)
    cv2.putText(img, s, (x0, int(y)), FONT, scale, colour, 1, cv2.LINE_AA)


def _dashed(img: np.ndarray, p: tuple[float, float], q: tuple[float, float], colour: Colour,
            *, dash: int = 6, gap: int = 4, width: int = 1) -> None:
    length = math.hypot(q[0] - p[0], q[1] - p[1])
    if length < 1:
        return
    ux, uy = (q[0] - p[0]) / length, (q[1] - p[1]) / length
    at = 0.0
    while at < length:
        end = min(at + dash, length)
        cv2.line(img, (int(p[0] + ux * at), int(p[1] + uy * at)),
                 (int(p[0] + ux * end), int(p[1] + uy * end)), colour, width, cv2.LINE_AA)
        at = end + gap


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round values (1, 2 or 5 times a power of ten apart) within [lo, hi], about ``count``."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo]
    raw = (hi - lo) / max(1, count)
    mag = 10.0 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step) * step
    return [first + k * step for k in range(int((hi - first) / step + 1e-9) + 1)]


def _fmt(v: float) -> str:
    return f"{v:.10g}" if abs(v) >= 1e-9 else "0"


class Axes:
    """A plotting area of ``img``: the box (x, y, w, h) in pixels shows ``xlim`` x ``ylim``."""

    def __init__(self, img: np.ndarray, box: tuple[int, int, int, int],
                 xlim: tuple[float, float], ylim: tuple[float, float]) -> None:
        self.img, (self.x, self.y, self.w, self.h) = img, box
        x0, x1 = xlim
        y0, y1 = ylim
        self.xlim = (x0, x1 if x1 > x0 else x0 + 1.0)
        self.ylim = (y0, y1 if y1 > y0 else y0 + 1.0)

    def px(self, x: float) -> float:
        x0, x1 = self.xlim
        return self.x + (x - x0) / (x1 - x0) * self.w

    def py(self, y: float) -> float:
        y0, y1 = self.ylim
        return self.y + self.h - (y - y0) / (y1 - y0) * self.h

    def line(self, xs: np.ndarray, ys: np.ndarray, colour: Colour, width: int = 1) -> None:
        x0, x1 = self.xlim
        y0, y1 = self.ylim
        px = self.x + (np.asarray(xs, float) - x0) / (x1 - x0) * self.w
        py = self.y + self.h - (np.clip(np.asarray(ys, float), y0, y1) - y0) / (y1 - y0) * self.h
        pts = np.stack([px, py], axis=1)
        pts = pts[np.isfinite(pts).all(axis=1)]
        if len(pts) > 1:
            cv2.polylines(self.img, [np.round(pts).astype(np.int32)], False, colour, width,
                          cv2.LINE_AA)

    def hline(self, y: float, colour: Colour, *, dashed: bool = False, width: int = 1) -> None:
        if self.ylim[0] <= y <= self.ylim[1]:
            p, q = (self.x, self.py(y)), (self.x + self.w, self.py(y))
            if dashed:
                _dashed(self.img, p, q, colour, width=width)
            else:
                cv2.line(self.img, (int(p[0]), int(p[1])), (int(q[0]), int(q[1])), colour, width)

    def vline(self, x: float, colour: Colour, *, dashed: bool = False, width: int = 1) -> None:
        if self.xlim[0] <= x <= self.xlim[1]:
            p, q = (self.px(x), self.y), (self.px(x), self.y + self.h)
            if dashed:
                _dashed(self.img, p, q, colour, width=width, dash=3, gap=3)
            else:
                cv2.line(self.img, (int(p[0]), int(p[1])), (int(q[0]), int(q[1])), colour, width)

    def frame(self, *, xlabel: str = "", ylabel: str = "", title: str = "", yticks: bool = True,
              xticks: bool = True) -> None:
        """The left and bottom spines, ticks with their values, the labels and the title."""
        img, bottom = self.img, self.y + self.h
        cv2.line(img, (self.x, self.y), (self.x, bottom), BLACK, 1)
        cv2.line(img, (self.x, bottom), (self.x + self.w, bottom), BLACK, 1)
        if xticks:
            for t in nice_ticks(*self.xlim, count=max(3, self.w // 80)):
                x = int(self.px(t))
                cv2.line(img, (x, bottom), (x, bottom + 4), BLACK, 1)
                text(img, _fmt(t), x, bottom + 15, align="centre")
        if yticks:
            for t in nice_ticks(*self.ylim, count=4):
                y = int(self.py(t))
                cv2.line(img, (self.x - 4, y), (self.x, y), BLACK, 1)
                text(img, _fmt(t), self.x - 6, y + 4, align="right")
        if xlabel:
            text(img, xlabel, self.x + self.w / 2, bottom + 31, align="centre")
        if ylabel:  # written across the top-left corner: OpenCV does not rotate text
            text(img, ylabel, self.x, self.y - 4)
        if title:
            text(img, title, self.x, self.y - 18, scale=0.45)


def _canvas(width: int, height: int) -> np.ndarray:
    return np.full((height, width, 3), WHITE, dtype=np.uint8)


def _legend(img: np.ndarray, x: int, y: int, items: Sequence[tuple[str, Colour, str]]) -> None:
    """Rows of a short line sample (``style``: solid, dashed, dotted) and a label."""
    for k, (label, colour, style) in enumerate(items):
        yy = y + 13 * k
        if style == "solid":
            cv2.line(img, (x, yy - 3), (x + 16, yy - 3), colour, 2)
        else:
            _dashed(img, (x, yy - 3), (x + 16, yy - 3), colour, dash=3 if style == "dotted" else 5,
                    gap=2)
        text(img, label, x + 20, yy, scale=0.33)


def _png(img: np.ndarray) -> bytes:
    return sheet.png(img)


@dataclass(frozen=True)
class Lane:
    """One clip on the timeline drawing."""

    name: str
    start: float | None  # None: unplaced
    end: float | None
    confidence: float
    method: str | None
    reference: bool
    duration: float


def _hatch(img: np.ndarray, x0: int, y0: int, x1: int, y1: int, method: str | None) -> None:
    """Diagonal lines inside a bar placed by picture, dots inside one placed by metadata."""
    if method == "motion":
        for d in range(-(y1 - y0), x1 - x0, 7):
            p = (x0 + max(d, 0), y1 - max(0, -d))
            q = (x0 + min(d + (y1 - y0), x1 - x0), y0 + max(0, d + (y1 - y0) - (x1 - x0)))
            cv2.line(img, p, q, BLACK, 1, cv2.LINE_AA)
    elif method == "metadata":
        for yy in range(y0 + 3, y1, 5):
            for xx in range(x0 + 3, x1, 6):
                img[yy, xx] = BLACK


def timeline(lanes: Sequence[Lane], instants: Sequence[float], event: float | None) -> bytes:
    """One lane per clip, a bar where it sits, coloured by confidence and hatched by method; unplaced
    clips in their own lanes below, as grey outlines of their length; dotted lines at the contact
    sheet's instants, a red one at the sound event shown overlaid."""
    placed = [(ln, ln.start, ln.end) for ln in lanes if ln.start is not None and ln.end is not None]
    unplaced = [ln for ln in lanes if ln.start is None]
    t0 = min((start for _, start, _ in placed), default=0.0)
    t1 = max((end for _, _, end in placed), default=max((ln.duration for ln in lanes), default=1.0))
    rows = len(lanes) + (1 if unplaced else 0)
    lane_h, left, top = 26, 170, 34
    img = _canvas(800, top + lane_h * rows + 44)
    pad = 0.01 * (t1 - t0 or 1.0)
    ax = Axes(img, (left, top, 800 - left - 16, lane_h * rows), (t0 - pad, t1 + pad), (0.0, 1.0))
    row = 0

    def ybar(r: int) -> tuple[int, int]:
        return top + r * lane_h + 4, top + (r + 1) * lane_h - 4

    for ln, start, end in placed:
        y0, y1 = ybar(row)
        x0, x1 = int(ax.px(start)), max(int(ax.px(start)) + 1, int(ax.px(end)))
        cv2.rectangle(img, (x0, y0), (x1, y1), confidence_colour(ln.confidence), -1)
        _hatch(img, x0, y0, x1, y1, ln.method)
        cv2.rectangle(img, (x0, y0), (x1, y1), BLACK, 1)
        tag = "reference" if ln.reference else \
            f"{METHOD_LABEL.get(ln.method or '', '?')} {ln.confidence:.2f}"
        text(img, tag, x0 + 4, y1 - 5, box=True, scale=0.33)
        text(img, ln.name[:26], left - 6, y1 - 5, align="right")
        row += 1
    if unplaced:
        y = top + row * lane_h + lane_h // 2
        cv2.line(img, (left, top + row * lane_h), (800 - 16, top + row * lane_h), GREY, 1)
        text(img, "not placed (no time on this timeline):", left + 4, y + 4, colour=GREY)
        row += 1
        for ln in unplaced:
            y0, y1 = ybar(row)
            x1 = int(ax.px(t0 + min(ln.duration, t1 - t0)))
            for a, b in (((ax.px(t0), y0), (x1, y0)), ((ax.px(t0), y1), (x1, y1)),
                         ((ax.px(t0), y0), (ax.px(t0), y1)), ((x1, y0), (x1, y1))):
                _dashed(img, a, b, GREY)
            text(img, f"unplaced (best score {ln.confidence:.2f})", ax.px(t0) + 4, y1 - 5,
                 colour=(105, 105, 105), scale=0.33)
            text(img, ln.name[:26], left - 6, y1 - 5, align="right")
            row += 1
    for t in instants:
        ax.vline(t, BLACK, dashed=True)
    if event is not None:
        ax.vline(event, RED, width=2)
    ax.frame(xlabel="timeline seconds (reference starts at 0)", yticks=False)
    x = left
    for c in (0.2, 0.5, 0.9):  # the legend, above the lanes
        cv2.rectangle(img, (x, 8), (x + 16, 20), confidence_colour(c), -1)
        cv2.rectangle(img, (x, 8), (x + 16, 20), BLACK, 1)
        text(img, f"confidence {c:.1f}", x + 20, 19, scale=0.33)
        x += 105
    for method, label in (("audio", "by sound"), ("motion", "by picture")):
        cv2.rectangle(img, (x, 8), (x + 16, 20), WHITE, -1)
        _hatch(img, x, 8, x + 16, 20, method)
        cv2.rectangle(img, (x, 8), (x + 16, 20), BLACK, 1)
        text(img, label, x + 20, 19, scale=0.33)
        x += 95
    return _png(img)


@dataclass(frozen=True)
class Edge:
    a: int
    b: int
    confidence: float
    used: bool
    method: str


def match_graph(names: Sequence[str], placed: Sequence[bool], edges: Sequence[Edge]) -> bytes:
    """Clips on a circle; a line per compared pair, solid and coloured by confidence when used,
    dashed grey when rejected, with its score at the middle."""
    n = max(1, len(names))
    img = _canvas(448, 368)
    cx, cy, r = 224, 184, 120
    pos = [(cx + r * math.cos(math.pi / 2 - 2 * math.pi * i / n),
            cy - r * math.sin(math.pi / 2 - 2 * math.pi * i / n)) for i in range(len(names))]
    for k, e in enumerate(edges):
        (xa, ya), (xb, yb) = pos[e.a], pos[e.b]
        bend = 0.12 * (k % 3 - 1) if sum((f.a, f.b) == (e.a, e.b) for f in edges) > 1 else 0.0
        mx, my = (xa + xb) / 2 + bend * (yb - ya), (ya + yb) / 2 - bend * (xb - xa)
        for p, q in (((xa, ya), (mx, my)), ((mx, my), (xb, yb))):
            if e.used:
                cv2.line(img, (int(p[0]), int(p[1])), (int(q[0]), int(q[1])),
                         confidence_colour(e.confidence), int(1 + 3 * e.confidence), cv2.LINE_AA)
            else:
                _dashed(img, p, q, GREY)
    for k, e in enumerate(edges):  # the scores above every line
        (xa, ya), (xb, yb) = pos[e.a], pos[e.b]
        bend = 0.12 * (k % 3 - 1) if sum((f.a, f.b) == (e.a, e.b) for f in edges) > 1 else 0.0
        mx, my = (xa + xb) / 2 + bend * (yb - ya), (ya + yb) / 2 - bend * (xb - xa)
        text(img, f"{e.confidence:.2f}{'' if e.method == 'audio' else ' p'}", mx, my + 4,
             align="centre", box=True, scale=0.33)
    for (x, y), name, ok in zip(pos, names, placed):
        cv2.circle(img, (int(x), int(y)), 10, NODE if ok else WHITE, -1, cv2.LINE_AA)
        cv2.circle(img, (int(x), int(y)), 10, NODE, 2, cv2.LINE_AA)
        label = name if len(name) <= 22 else name[:20] + "..."
        text(img, label, cx + (x - cx) * 1.3, cy + (y - cy) * 1.22 + 4, align="centre")
    return _png(img)


@dataclass(frozen=True)
class CurvePlot:
    """What one match's figure shows (lags in seconds, lag = offset_b - offset_a)."""

    title: str
    lags: np.ndarray  # thinned, over all lags
    z: np.ndarray
    zoom_lags: np.ndarray  # full resolution around the chosen lag
    zoom_z: np.ndarray
    chosen: float  # the manifest's lag
    solved: float | None  # what the solution implies (offset_b - offset_a), when both are placed
    runner_lag: float | None
    runner_z: float | None
    noise: float
    candidates: tuple[float, ...] = ()  # lags the aligner listed as candidates for an unplaced clip
    observations: tuple[tuple[float, float, float], ...] = ()  # (time in clip a, lag, score)


def _span(*arrays: np.ndarray, extra: Sequence[float] = ()) -> tuple[float, float]:
    values = [float(v) for a in arrays if a.size for v in (np.nanmin(a), np.nanmax(a))]
    values += [float(v) for v in extra if v is not None and math.isfinite(v)]
    lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
    pad = 0.05 * (hi - lo or 1.0)
    return lo - pad, hi + pad


def curve(p: CurvePlot) -> bytes:
    """Score over all lags; the zoom around the chosen lag with runner-up and noise level; and, where
    windowed measurements exist, lag against time."""
    width = 960 if p.observations else 800
    img = _canvas(width, 216)
    widths = [3, 2, 2][: 3 if p.observations else 2]
    usable = width - 50 - 40 * len(widths)
    x, boxes = 50, []
    for wr in widths:
        w = int(usable * wr / sum(widths))
        boxes.append((x, 40, w, 130))
        x += w + 40
    ylim = _span(p.z, p.zoom_z, extra=(p.noise, p.runner_z or p.noise))
    for k, (lags, z) in enumerate(((p.lags, p.z), (p.zoom_lags, p.zoom_z))):
        xlim = (float(lags[0]), float(lags[-1])) if lags.size else (p.chosen - 1, p.chosen + 1)
        ax = Axes(img, boxes[k], xlim, ylim)
        ax.hline(p.noise, GREY, dashed=True)
        if p.runner_z is not None:
            ax.hline(p.runner_z, ORANGE, dashed=True)
        for c in p.candidates:
            ax.vline(c, TEAL, dashed=True)
        if p.solved is not None and abs(p.solved - p.chosen) > 1e-3:
            ax.vline(p.solved, PURPLE, dashed=True, width=2)
        ax.line(lags, z, BLUE)
        ax.vline(p.chosen, RED)
        if p.runner_lag is not None and p.runner_z is not None and \
                ax.xlim[0] <= p.runner_lag <= ax.xlim[1]:
            rx, ry = ax.px(p.runner_lag), ax.py(p.runner_z)
            tri = np.array([[rx - 5, ry - 9], [rx + 5, ry - 9], [rx, ry - 1]], np.int32)
            cv2.fillPoly(img, [tri], ORANGE, cv2.LINE_AA)
        ax.frame(xlabel="lag s (offset of second - offset of first)",
                 ylabel="score (z)" if k == 0 else "", title=p.title[:110] if k == 0 else "zoom")
    zx, zy, zw, _ = boxes[1]
    _legend(img, zx + zw - 150, zy + 10, [("chosen lag", RED, "solid"),
                                          ("runner-up height", ORANGE, "dotted"),
                                          ("noise maximum", GREY, "dashed")]
            + ([("lag the solution implies", PURPLE, "dashed")]
               if p.solved is not None and abs(p.solved - p.chosen) > 1e-3 else []))
    if p.observations:
        obs = np.asarray(p.observations, dtype=float)
        dev = (obs[:, 1] - p.chosen) * 1000
        ax = Axes(img, boxes[2], _span(obs[:, 0]), _span(dev, extra=(0.0,)))
        ax.hline(0.0, RED)
        top = max(1.0, float(obs[:, 2].max()))
        for t, d, s in zip(obs[:, 0], dev, obs[:, 2]):
            cv2.circle(img, (int(ax.px(t)), int(ax.py(d))), 3, confidence_colour(s / top), -1,
                       cv2.LINE_AA)
        ax.frame(xlabel="time in first clip s", ylabel="lag - chosen lag (ms), colour = score",
                 title="windowed lag (slope = drift)")
    return _png(img)


@dataclass(frozen=True)
class Sound:
    """One clip's sound around the shared event, on the timeline."""

    name: str
    env_t: np.ndarray
    env: np.ndarray
    wave_t: np.ndarray
    wave: np.ndarray


def sound(event: float, sounds: Sequence[Sound]) -> bytes:
    """Every clip's onset envelope around the event, and its waveform close up, after alignment,
    overlaid: aligned clips rise together."""
    img = _canvas(800, 240)
    env_x = _span(*(s.env_t - event for s in sounds if s.env.size))
    wave_x = _span(*((s.wave_t - event) * 1000 for s in sounds if s.wave.size))
    left = Axes(img, (50, 40, 420, 150), env_x, (-0.05, 1.05))
    right = Axes(img, (520, 40, 260, 150), wave_x, (-1.05, 1.05))
    for k, s in enumerate(sounds):
        colour = PALETTE[k % len(PALETTE)]
        if s.env.size:
            peak = float(np.max(np.abs(s.env))) or 1.0
            left.line(s.env_t - event, s.env / peak, colour)
        if s.wave.size:
            wpeak = float(np.max(np.abs(s.wave))) or 1.0
            right.line((s.wave_t - event) * 1000, s.wave / wpeak, colour)
    for ax in (left, right):
        ax.vline(0.0, GREY)
    left.frame(xlabel=f"seconds from the event at timeline {event:+.3f} s",
               ylabel="onset envelope (each scaled to 1)")
    right.frame(xlabel="milliseconds from the event", ylabel="waveform (scaled)")
    _legend(img, 58, 52, [(s.name[:30], PALETTE[k % len(PALETTE)], "solid")
                          for k, s in enumerate(sounds)])
    return _png(img)


def clock_line(residuals: Sequence[tuple[float, float]]) -> bytes:
    """A burned-in clock's fitted line: each turnover's residual (clock read minus the line, ms)
    against clip time; a clock read right sits within a frame of zero."""
    img = _canvas(420, 160)
    ts = np.array([t for t, _ in residuals], float)
    rs = np.array([r * 1000 for _, r in residuals], float)
    reach = max(5.0, float(np.max(np.abs(rs))) * 1.2) if rs.size else 5.0
    ax = Axes(img, (60, 28, 340, 90), _span(ts) if ts.size else (0.0, 1.0), (-reach, reach))
    ax.hline(0.0, GREY)
    for t, r in zip(ts, rs):
        cv2.circle(img, (int(ax.px(t)), int(ax.py(r))), 2, PALETTE[0], -1, cv2.LINE_AA)
    ax.frame(xlabel="clip time s", ylabel="residual ms")
    return _png(img)
