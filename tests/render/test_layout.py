"""Mosaic geometry: pure, no ffmpeg."""

from __future__ import annotations

import pytest

from syncam.errors import UsageError
from syncam.render.layout import Rect, fit, grid_shape, mosaic


@pytest.mark.parametrize("n, shape", [(1, (1, 1)), (2, (2, 1)), (3, (2, 2)), (4, (2, 2)),
                                      (5, (3, 2)), (6, (3, 2)), (7, (3, 3)), (9, (3, 3)),
                                      (10, (4, 3)), (12, (4, 3))])
def test_auto_is_the_most_compact_grid(n: int, shape: tuple[int, int]) -> None:
    assert grid_shape(n) == shape


def test_auto_follows_the_picture_shape() -> None:
    # portrait phones side by side use the width; landscape cameras stack in a 16:9 box
    assert grid_shape(3, tile_aspect=9 / 16) == (3, 1)
    assert grid_shape(2, tile_aspect=16 / 9, box=(720, 1280)) == (1, 2)


def test_grid_derives_the_missing_dimension() -> None:
    assert grid_shape(5, "grid", cols=2) == (2, 3)
    assert grid_shape(5, "grid", rows=1) == (5, 1)
    assert grid_shape(4, "grid", cols=4, rows=2) == (4, 2)


def test_stacks() -> None:
    assert grid_shape(3, "hstack") == (3, 1)
    assert grid_shape(3, "vstack") == (1, 3)


@pytest.mark.parametrize("n, layout, kw, words", [
    (3, "grid", {"cols": 1, "rows": 2}, "2 cells for 3 clips"),
    (1, "hstack", {}, "two or more"),
    (3, "diagonal", {}, "unknown layout"),
    (3, "auto", {"cols": 2}, "cols: columns and rows apply to the grid layout"),
    (0, "auto", {}, "nothing to show"),
])
def test_impossible_layouts_are_usage_errors(n: int, layout: str, kw: dict, words: str) -> None:
    with pytest.raises(UsageError, match=words):
        grid_shape(n, layout, **kw)


def test_default_size_fits_the_box_with_even_tiles() -> None:
    m = mosaic(3)
    assert (m.width, m.height, m.cols, m.rows) == (1280, 720, 2, 2)
    assert m.tiles == (Rect(0, 0, 640, 360), Rect(640, 0, 640, 360), Rect(0, 360, 640, 360))
    m = mosaic(5)
    assert m.tile_size == (426, 240) and (m.width, m.height) == (1278, 480)
    m = mosaic(2, "vstack")
    assert (m.width, m.height) == (640, 720)


def test_one_side_given_derives_the_other() -> None:
    m = mosaic(2, "hstack", width=1920)
    assert (m.width, m.height) == (1920, 540)
    m = mosaic(4, height=480, tile_aspect=4 / 3)
    assert (m.width, m.height) == (640, 480)


def test_both_sides_given_centre_the_grid_and_keep_even_sizes() -> None:
    m = mosaic(3, "hstack", width=1001, height=301)
    assert (m.width, m.height) == (1000, 300)
    assert all(t.w % 2 == 0 and t.h % 2 == 0 and t.x % 2 == 0 for t in m.tiles)
    assert [t.x for t in m.tiles] == [2, 334, 666]  # 3 x 332 = 996, 4 px spare split evenly
    with pytest.raises(UsageError, match="positive"):
        mosaic(2, width=0)


def test_fit_letterboxes_and_pillarboxes_never_stretches() -> None:
    assert fit(1920, 1080, 640, 360) == Rect(0, 0, 640, 360)
    assert fit(160, 120, 640, 360) == Rect(80, 0, 480, 360)  # 4:3 in 16:9: bars left and right
    assert fit(1920, 800, 640, 360) == Rect(0, 46, 640, 266)  # 2.4:1: bars above and below
    r = fit(1080, 1920, 320, 180)  # portrait phone
    assert r.h == 180 and abs(r.w / r.h - 1080 / 1920) < 0.02 and r.w % 2 == 0
