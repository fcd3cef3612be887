"""A folder tree of short events, built once per session from the real recordings (tests/mediagen.py).

    library/
      concert/          3 cameras of one master soundtrack            -> aligned
      Ünïcode day – 2/  3 cameras, paths with spaces, unicode, a leading "-" -> aligned
      broken/           2 good cameras + a truncated mp4              -> failed
      stranger/         2 cameras + a clip of another soundtrack      -> unplaced

Tests copy the tree (copy2 keeps mtimes) before writing beside the clips, or write under --out.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass

import pytest

from tests import mediagen
from tests.mediagen import Camera


@dataclass(frozen=True)
class Event:
    folder: str
    truth: dict[str, float]  # clip path -> true offset relative to the first clip (sorted by name)


@dataclass(frozen=True)
class Library:
    root: str
    events: dict[str, Event]  # by event name (folder name)


def _record(folder: str, master, cams: list[Camera]) -> dict[str, float]:
    os.makedirs(folder, exist_ok=True)
    paths = {mediagen.record(folder, master, c): c.start for c in cams}
    ref = min(paths)  # the first clip by name is the default reference
    return {p: start - paths[ref] for p, start in paths.items()}


def _build(root: str) -> Library:
    master = mediagen.master_audio(60.0, seed=11)
    other = mediagen.master_audio(40.0, seed=99)
    events: dict[str, Event] = {}

    folder = os.path.join(root, "concert")
    events["concert"] = Event(folder, _record(folder, master, [
        Camera("a_wide.mp4", start=3.0, duration=25.0, **mediagen.H264_AAC, seed=1),
        Camera("b_close.mov", start=10.437, duration=22.0, **mediagen.MOV_H264_PCM, seed=2),
        Camera("c_phone.mkv", start=16.81, duration=26.0, **mediagen.H264_AAC, sample_rate=44100,
               seed=3)]))

    folder = os.path.join(root, "Ünïcode day – 2")
    events["Ünïcode day – 2"] = Event(folder, _record(folder, master, [
        Camera("-dash cam.mp4", start=20.0, duration=24.0, **mediagen.H264_AAC, seed=4),
        Camera("ête 2.mp4", start=14.123, duration=23.0, **mediagen.H264_AAC, seed=5),
        Camera("zoom h4.avi", start=12.5, duration=30.0, **mediagen.MJPEG_PCM, seed=6)]))

    folder = os.path.join(root, "broken")
    events["broken"] = Event(folder, _record(folder, master, [
        Camera("a.mp4", start=5.0, duration=20.0, **mediagen.H264_AAC, seed=7),
        Camera("b.mp4", start=12.0, duration=20.0, **mediagen.H264_AAC, seed=8)]))
    with open(os.path.join(folder, "a.mp4"), "rb") as fh:
        head = fh.read(40_000)
    with open(os.path.join(folder, "c_truncated.mp4"), "wb") as fh:  # moov atom lost: unreadable
        fh.write(head)

    folder = os.path.join(root, "stranger")
    truth = _record(folder, master, [
        Camera("a.mp4", start=30.0, duration=22.0, **mediagen.H264_AAC, seed=9),
        Camera("b.mp4", start=36.2, duration=20.0, **mediagen.H264_AAC, seed=10)])
    _record(folder, other, [Camera("c_other_event.mp4", start=5.0, duration=20.0,
                                   **mediagen.H264_AAC, seed=11)])
    events["stranger"] = Event(folder, truth)
    with open(os.path.join(root, "stranger", "notes.txt"), "w") as fh:  # not media: ignored
        fh.write("camera c is from another day\n")
    return Library(root, events)


@pytest.fixture(scope="session")
def library_src(tmp_path_factory: pytest.TempPathFactory) -> Library:
    return _build(str(tmp_path_factory.mktemp("library")))


@pytest.fixture
def library(library_src: Library, tmp_path) -> Library:
    """A private copy of the library (same sizes and mtimes), free to write manifests into."""
    root = os.path.join(tmp_path, "library")
    shutil.copytree(library_src.root, root)
    events = {name: Event(os.path.join(root, os.path.relpath(ev.folder, library_src.root)),
                          {os.path.join(root, os.path.relpath(p, library_src.root)): t
                           for p, t in ev.truth.items()})
              for name, ev in library_src.events.items()}
    return Library(root, events)


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Never touch the user's cache: every test gets its own cache folder by default."""
    folder = os.path.join(tmp_path, "cache")
    monkeypatch.setenv("SYNCAM_CACHE_DIR", folder)
    return folder
