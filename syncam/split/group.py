"""Which shots one camera filmed. Shots of one fixed camera share their frame geometry (the picture
inside the bars) and their view: ORB keypoints of one match the other's under a RANSAC homography
that keeps the frame where it is, with many inliers spread over the picture. Pure: grey frames in,
camera numbers out (OpenCV, no I/O)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from syncam import config


@dataclass(frozen=True)
class View:
    """A shot's keypoints (from all its frames, in one picture's coordinates) and picture size."""

    points: np.ndarray  # (n, 2) float32
    descriptors: np.ndarray | None  # (n, 32) uint8
    size: tuple[int, int]  # w, h of the picture the points are in
    geometry: tuple[int, int]  # w, h of the picture in the release's frame (bars removed)


def view(frames: Sequence[np.ndarray], geometry: tuple[int, int]) -> View:
    """Keypoints of a shot's grey frames (each (h, w) uint8, bars removed, one size)."""
    orb = cv2.ORB_create(config.SPLIT_ORB_FEATURES)  # type: ignore[attr-defined]
    points, descs = [], []
    for frame in frames:
        kps, d = orb.detectAndCompute(frame, None)
        if d is not None:
            points.append(np.array([k.pt for k in kps], np.float32))
            descs.append(d)
    h, w = frames[0].shape[:2]
    if not descs:
        return View(np.empty((0, 2), np.float32), None, (w, h), geometry)
    return View(np.concatenate(points), np.concatenate(descs), (w, h), geometry)


def same_geometry(a: View, b: View) -> bool:
    """One camera's shots sit in the same picture: sides within 2% (cropdetect's rounding)."""
    return all(abs(p - q) <= 0.02 * max(p, q) + 2 for p, q in zip(a.geometry, b.geometry))


def agreement(a: View, b: View) -> tuple[int, int, float]:
    """(inliers, grid cells they cover, largest corner shift / diagonal) of the homography from a's
    keypoints to b's; (0, 0, inf) when there is none."""
    none = (0, 0, float("inf"))
    if a.descriptors is None or b.descriptors is None or len(a.points) < 8 or len(b.points) < 8:
        return none
    pairs = cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(a.descriptors, b.descriptors, k=2)
    good = [p[0] for p in pairs if len(p) == 2 and p[0].distance < 0.8 * p[1].distance]
    if len(good) < 8:
        return none
    src = a.points[[m.queryIdx for m in good]]
    dst = b.points[[m.trainIdx for m in good]]
    # b's picture scaled to a's size (same geometry: at most 2% apart)
    dst = dst * np.array([a.size[0] / b.size[0], a.size[1] / b.size[1]], np.float32)
    hom, mask = cv2.findHomography(src, dst, cv2.RANSAC, config.SPLIT_RANSAC_PX)
    if hom is None:
        return none
    inl = src[mask.ravel() == 1]
    w, h = a.size
    cells = len({(int(x * 4 / w), int(y * 4 / h)) for x, y in inl})
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32).reshape(-1, 1, 2)
    moved = cv2.perspectiveTransform(corners, hom) - corners
    shift = float(np.sqrt((moved ** 2).sum(axis=2)).max() / np.hypot(w, h))
    return len(inl), cells, shift


def same_camera(a: View, b: View) -> bool:
    if not same_geometry(a, b):
        return False
    inliers, cells, shift = agreement(a, b)
    return (inliers >= config.SPLIT_MIN_INLIERS and cells >= config.SPLIT_MIN_CELLS
            and shift <= config.SPLIT_MAX_SHIFT)


def cameras(views: Sequence[View]) -> list[int]:
    """Each shot's camera, numbered 0, 1, ... in order of first appearance. A shot joins the first
    camera one of whose latest SPLIT_GROUP_COMPARE shots it matches (:func:`same_camera`), else it
    starts a camera: matches grow with shots x cameras, not shots squared."""
    members: list[list[int]] = []
    out = []
    for i, v in enumerate(views):
        for number, shots in enumerate(members):
            if any(same_camera(views[j], v) for j in shots[-config.SPLIT_GROUP_COMPARE:]):
                shots.append(i)
                out.append(number)
                break
        else:
            members.append([i])
            out.append(len(members) - 1)
    return out
