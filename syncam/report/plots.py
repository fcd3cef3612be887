"""The report's pictures, drawn with matplotlib (the ``syncam[report]`` extra) as PNG bytes.

Figures are made with ``matplotlib.figure.Figure`` and the Agg canvas directly, never pyplot: no global
state, no GUI backend, nothing left open between figures. Imported only by syncam/report/build.py.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

DPI = 80
CONFIDENCE_MAP = colormaps["RdYlGn"]  # red = doubtful, green = sure; the same scale everywhere
METHOD_LABEL = {"audio": "sound", "motion": "picture", "metadata": "metadata"}
HATCH = {"audio": "", "motion": "//", "metadata": ".."}


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()


def _small(ax) -> None:  # type: ignore[no-untyped-def]
    """Small ticks, few of them: tick labels are most of what drawing a figure costs."""
    ax.tick_params(labelsize=8)
    ax.xaxis.set_major_locator(MaxNLocator(6))
    ax.yaxis.set_major_locator(MaxNLocator(4))
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


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


def timeline(lanes: Sequence[Lane], instants: Sequence[float], event: float | None) -> bytes:
    """One lane per clip, a bar where it sits, coloured by confidence and hatched by method; unplaced
    clips in their own lanes below, as grey outlines of their length; dotted lines at the contact
    sheet's instants, a red one at the sound event shown overlaid."""
    placed = [(ln, ln.start, ln.end) for ln in lanes if ln.start is not None and ln.end is not None]
    unplaced = [ln for ln in lanes if ln.start is None]
    t0 = min((start for _, start, _ in placed), default=0.0)
    t1 = max((end for _, _, end in placed), default=max((ln.duration for ln in lanes), default=1.0))
    rows = len(lanes) + (1 if unplaced else 0)
    fig = Figure(figsize=(10, 1.3 + 0.42 * rows), dpi=DPI)
    ax = fig.add_subplot()
    labels = []
    y = rows - 1
    for ln, start, end in placed:
        ax.barh(y, end - start, left=start, height=0.6, color=CONFIDENCE_MAP(ln.confidence),
                edgecolor="black", linewidth=0.6, hatch=HATCH.get(ln.method or "", ""))
        tag = "reference" if ln.reference else \
            f"{METHOD_LABEL.get(ln.method or '', '?')} {ln.confidence:.2f}"
        ax.text(start + 0.005 * (t1 - t0), y, tag, va="center", fontsize=8)
        labels.append((y, ln.name))
        y -= 1
    if unplaced:
        ax.axhline(y + 0.5, color="grey", linewidth=0.8)
        ax.text(t0, y, "not placed (no time on this timeline):", va="center", fontsize=8,
                style="italic")
        y -= 1
        for ln in unplaced:
            ax.barh(y, min(ln.duration, t1 - t0), left=t0, height=0.6, color="none",
                    edgecolor="grey", linestyle="--", linewidth=0.8)
            ax.text(t0 + 0.005 * (t1 - t0), y, f"unplaced (best score {ln.confidence:.2f})",
                    va="center", fontsize=8, color="dimgrey")
            labels.append((y, ln.name))
            y -= 1
    for t in instants:
        ax.axvline(t, color="black", linestyle=":", linewidth=0.7)
    if event is not None:
        ax.axvline(event, color="crimson", linewidth=1.0)
    _small(ax)
    ax.set_yticks([p for p, _ in labels], [n for _, n in labels])  # after _small: one tick a lane
    ax.set_ylim(-0.6, rows - 0.4)
    ax.set_xlim(t0 - 0.01 * (t1 - t0), t1 + 0.01 * (t1 - t0))
    ax.set_xlabel("timeline seconds (reference starts at 0)", fontsize=8)
    handles = [Patch(facecolor=CONFIDENCE_MAP(c), edgecolor="black", label=f"confidence {c:.1f}")
               for c in (0.2, 0.5, 0.9)]
    handles += [Patch(facecolor="white", edgecolor="black", hatch=HATCH[m], label=f"by {lbl}")
                for m, lbl in (("audio", "sound"), ("motion", "picture"))]
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=5, fontsize=7,
              frameon=False)
    height = 1.3 + 0.42 * rows
    fig.subplots_adjust(left=0.2, right=0.98, top=1 - 0.45 / height, bottom=0.5 / height)
    return _png(fig)


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
    n = len(names)
    fig = Figure(figsize=(5.6, 4.6), dpi=DPI)
    ax = fig.add_subplot()
    ax.set_axis_off()
    angle = [math.pi / 2 - 2 * math.pi * i / n for i in range(n)]
    pos = [(math.cos(a), math.sin(a)) for a in angle]
    for k, e in enumerate(edges):
        (xa, ya), (xb, yb) = pos[e.a], pos[e.b]
        bend = 0.12 * (k % 3 - 1) if sum((f.a, f.b) == (e.a, e.b) for f in edges) > 1 else 0.0
        mx, my = (xa + xb) / 2 - bend * (yb - ya), (ya + yb) / 2 + bend * (xb - xa)
        style = dict(color=CONFIDENCE_MAP(e.confidence), linewidth=1.5 + 3 * e.confidence) if e.used \
            else dict(color="grey", linewidth=1.0, linestyle="--")
        ax.plot([xa, mx, xb], [ya, my, yb], zorder=1, **style)  # type: ignore[arg-type]
        ax.text(mx, my, f"{e.confidence:.2f}{'' if e.method == 'audio' else ' p'}", fontsize=8,
                ha="center", va="center", zorder=3,
                bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none"))
    for (x, y), name, ok in zip(pos, names, placed):
        ax.scatter([x], [y], s=260, color="#3465a4" if ok else "white", edgecolor="#3465a4",
                   linewidth=1.5, zorder=4)
        ax.text(x * 1.22, y * 1.16, name if len(name) <= 22 else name[:20] + "...", fontsize=8,
                ha="center", va="center")
    ax.set_xlim(-1.6, 1.6)
    ax.set_ylim(-1.35, 1.35)
    fig.subplots_adjust(left=0.02, right=0.98, top=0.98, bottom=0.02)
    return _png(fig)


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


def curve(p: CurvePlot) -> bytes:
    """Score over all lags; the zoom around the chosen lag with runner-up and noise level; and, where
    windowed measurements exist, lag against time."""
    cols = 3 if p.observations else 2
    fig = Figure(figsize=(10 if cols == 2 else 12, 2.7), dpi=DPI)
    axes = fig.subplots(1, cols, gridspec_kw={"width_ratios": [3, 2, 2][:cols]})
    for ax, (lags, z) in zip(axes, ((p.lags, p.z), (p.zoom_lags, p.zoom_z))):
        ax.plot(lags, z, color="#204a87", linewidth=0.8)
        ax.axhline(p.noise, color="grey", linestyle="--", linewidth=0.8, label="noise maximum")
        if p.runner_z is not None:
            ax.axhline(p.runner_z, color="darkorange", linestyle=":", linewidth=1.0,
                       label="runner-up height")
        ax.axvline(p.chosen, color="crimson", linewidth=0.9, label="chosen lag")
        if p.solved is not None and abs(p.solved - p.chosen) > 1e-3:
            ax.axvline(p.solved, color="purple", linestyle="-.", linewidth=0.9,
                       label="lag the solution implies")
        for c in p.candidates:
            ax.axvline(c, color="teal", linestyle=":", linewidth=0.9)
        if p.runner_lag is not None and lags.size and lags[0] <= p.runner_lag <= lags[-1]:
            ax.plot([p.runner_lag], [p.runner_z], marker="v", color="darkorange", markersize=7,
                    label="runner-up")
        ax.set_xlabel("lag s (offset of second clip - offset of first)", fontsize=8)
        _small(ax)
    axes[0].set_ylabel("score (z)", fontsize=8)
    axes[0].set_title(p.title, fontsize=9, loc="left")
    axes[1].set_title("zoom", fontsize=9, loc="left")
    axes[1].legend(fontsize=6, loc="upper right", frameon=False)
    if p.observations:
        ax = axes[2]
        obs = np.asarray(p.observations, dtype=float)
        sc = ax.scatter(obs[:, 0], (obs[:, 1] - p.chosen) * 1000, c=obs[:, 2], cmap=CONFIDENCE_MAP,
                        s=14, vmin=0, vmax=max(1.0, float(obs[:, 2].max())))
        ax.axhline(0, color="crimson", linewidth=0.9)
        ax.set_xlabel("time in first clip s", fontsize=8)
        ax.set_ylabel("lag - chosen lag (ms)", fontsize=8)
        ax.set_title("windowed lag (slope = drift)", fontsize=9, loc="left")
        fig.colorbar(sc, ax=ax, pad=0.01).ax.tick_params(labelsize=7)
        _small(ax)
    fig.subplots_adjust(left=0.06, right=0.98, top=0.9, bottom=0.2, wspace=0.25)
    return _png(fig)


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
    fig = Figure(figsize=(10, 3.0), dpi=DPI)
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    for k, s in enumerate(sounds):
        colour = f"C{k % 10}"
        if s.env.size:
            peak = float(np.max(np.abs(s.env))) or 1.0
            left.plot(s.env_t - event, s.env / peak, color=colour, linewidth=1.0, label=s.name)
        if s.wave.size:
            wpeak = float(np.max(np.abs(s.wave))) or 1.0
            right.plot((s.wave_t - event) * 1000, s.wave / wpeak, color=colour, linewidth=0.8)
    left.set_xlabel(f"seconds from the event at timeline {event:+.3f} s", fontsize=8)
    left.set_ylabel("onset envelope (each scaled to 1)", fontsize=8)
    left.legend(fontsize=7, frameon=False, loc="upper left")
    right.set_xlabel("milliseconds from the event", fontsize=8)
    right.set_ylabel("waveform (scaled)", fontsize=8)
    for ax in (left, right):
        ax.axvline(0, color="grey", linewidth=0.6)
        _small(ax)
    fig.subplots_adjust(left=0.07, right=0.98, top=0.95, bottom=0.17, wspace=0.22)
    return _png(fig)


def clock_line(residuals: Sequence[tuple[float, float]]) -> bytes:
    """A burned-in clock's fitted line: each turnover's residual (clock read minus the line, ms)
    against clip time; a clock read right sits within a frame of zero."""
    fig = Figure(figsize=(4.2, 1.6), dpi=DPI)
    ax = fig.add_subplot()
    _small(ax)
    if residuals:
        ax.plot([t for t, _ in residuals], [r * 1000 for _, r in residuals], "o", markersize=3,
                color="#3465a4")
    ax.axhline(0.0, color="grey", linewidth=0.8)
    ax.set_xlabel("clip time s", fontsize=8)
    ax.set_ylabel("residual ms", fontsize=8)
    fig.subplots_adjust(left=0.18, right=0.98, top=0.95, bottom=0.28)
    return _png(fig)
