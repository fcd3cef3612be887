"""Mosaic geometry: where each camera's tile goes and where its picture sits inside it. Pure.

Every size is even, because the mosaic is encoded as 4:2:0 video (one chroma sample per 2x2 pixels).
A picture is fitted into its tile keeping its display aspect (letterbox or pillarbox), never stretched.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from syncam import config
from syncam.errors import UsageError

LAYOUTS = ("auto", "grid", "hstack", "vstack")


@dataclass(frozen=True)
class Rect:
    x: int
    y: int
    w: int
    h: int


@dataclass(frozen=True)
class Mosaic:
    """The output frame: ``width`` x ``height``, ``cols`` x ``rows`` cells; camera i in ``tiles[i]``."""

    width: int
    height: int
    cols: int
    rows: int
    tiles: tuple[Rect, ...]

    @property
    def tile_size(self) -> tuple[int, int]:
        return self.tiles[0].w, self.tiles[0].h


def even(value: float | Fraction) -> int:
    """The largest even integer <= value, at least 2."""
    return max(2, int(math.floor(value + 1e-9)) // 2 * 2)


def fit(src_w: int, src_h: int, box_w: int, box_h: int) -> Rect:
    """Where a ``src_w`` x ``src_h`` (display) picture lands, aspect kept, centred in a box.

    Mirrors the scale/pad expressions of render/graph.py: the long side fills the box, the other is
    rounded down to even, and the offsets are rounded down to even (as ffmpeg's pad does for 4:2:0).
    """
    if src_w <= 0 or src_h <= 0:
        return Rect(0, 0, box_w, box_h)
    if src_w * box_h >= src_h * box_w:  # wider than the box: full width, bars above and below
        w, h = box_w, min(box_h, even(Fraction(box_w * src_h, src_w)))
    else:
        w, h = min(box_w, even(Fraction(box_h * src_w, src_h))), box_h
    return Rect((box_w - w) // 2 // 2 * 2, (box_h - h) // 2 // 2 * 2, w, h)


def _fitted_area(cols: int, rows: int, n: int, aspect: float, box: tuple[int, int]) -> float:
    """Picture area of n tiles of ``aspect`` in a cols x rows grid scaled to fit ``box``."""
    scale = min(box[0] / (cols * aspect), box[1] / rows)  # tile height
    return n * scale * scale * aspect


def grid_shape(n: int, layout: str = "auto", *, cols: int | None = None, rows: int | None = None,
               tile_aspect: float = 16 / 9,
               box: tuple[int, int] = config.RENDER_BOX) -> tuple[int, int]:
    """(cols, rows) for ``n`` tiles.

    ``auto`` picks the grid that shows the pictures largest in ``box`` (ties: fewer empty cells, then
    more columns), which is the most compact grid for the count: 2 -> 2x1, 3 or 4 -> 2x2, 5 or 6 -> 3x2.
    ``grid`` takes ``cols`` and/or ``rows`` (the missing one is derived); ``hstack`` is one row,
    ``vstack`` one column.
    """
    if layout not in LAYOUTS:
        raise UsageError(f"unknown layout {layout!r}; choose one of {', '.join(LAYOUTS)}",
                         option="layout")
    if n < 1:
        raise UsageError("nothing to show: no placed clip with video; run 'syncam align' first or "
                         "show the unplaced clips", option="show_unplaced")
    if layout != "grid" and (cols or rows):
        raise UsageError(f"columns and rows apply to the grid layout, not {layout}",
                         option="cols" if cols else "rows")
    if layout in ("hstack", "vstack"):
        if n < 2:
            raise UsageError(f"{layout} needs two or more clips (got {n}); use auto", option="layout")
        return (n, 1) if layout == "hstack" else (1, n)
    if layout == "grid" and (cols or rows):
        if cols and rows:
            if cols * rows < n:
                raise UsageError(f"a {cols}x{rows} grid has {cols * rows} cells for {n} clips; give "
                                 "more columns or rows", option="cols")
            return cols, rows
        if cols:
            return cols, math.ceil(n / cols)
        assert rows is not None
        return math.ceil(n / rows), rows
    best: tuple[float, int, int] | None = None
    shape = (1, n)
    for c in range(1, n + 1):
        r = math.ceil(n / c)
        if (c - 1) * r >= n:  # a column could go: not compact
            continue
        key = (round(_fitted_area(c, r, n, tile_aspect, box), 6), -(c * r - n), c)
        if best is None or key > best:
            best, shape = key, (c, r)
    return shape


def mosaic(n: int, layout: str = "auto", *, width: int | None = None, height: int | None = None,
           cols: int | None = None, rows: int | None = None,
           tile_aspect: float = 16 / 9) -> Mosaic:
    """The output frame and its ``n`` tiles, filled row by row.

    With neither ``width`` nor ``height`` the grid of ``tile_aspect`` tiles is fitted into
    config.RENDER_BOX; with one of them the other follows from the grid's aspect; with both, tiles
    are width/cols x height/rows and the pictures are letterboxed inside them.
    """
    for name, value in (("width", width), ("height", height), ("cols", cols), ("rows", rows)):
        if value is not None and value < 1:
            raise UsageError(f"must be a positive number (got {value})", option=name)
    # the shape is chosen for the frame asked for, or for the default box's proportions
    box = (width, height) if width and height else config.RENDER_BOX
    c, r = grid_shape(n, layout, cols=cols, rows=rows, tile_aspect=tile_aspect, box=box)
    if width and height:
        tw, th = even(width / c), even(height / r)
    elif width:
        tw = even(width / c)
        th = even(tw / tile_aspect)
    elif height:
        th = even(height / r)
        tw = even(th * tile_aspect)
    else:
        scale = min(box[0] / (c * tile_aspect), box[1] / r)
        tw, th = even(scale * tile_aspect), even(scale)
    out_w = even(width) if width and height else c * tw
    out_h = even(height) if width and height else r * th
    mx, my = (out_w - c * tw) // 2 // 2 * 2, (out_h - r * th) // 2 // 2 * 2  # centre the grid
    tiles = tuple(Rect(mx + (i % c) * tw, my + (i // c) * th, tw, th) for i in range(n))
    return Mosaic(width=out_w, height=out_h, cols=c, rows=r, tiles=tiles)
