"""Motion test events: the real street footage filmed by cameras of many rates, crops and codecs.

Used by tests/motion (as session fixtures) and by bench/bench_av.py. Each builder writes its clips
into a new folder under ``media`` and returns where they are and where each truly starts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from fractions import Fraction

from tests import hardgen
from tests import mediagen as g

MPEG4 = ["-c:v", "mpeg4", "-q:v", "6"]
MJPEG = ["-c:v", "mjpeg", "-q:v", "8"]
VP9 = ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "300k"]


@dataclass(frozen=True)
class Event:
    folder: str
    paths: list[str]
    starts: list[float]  # true offsets on the master timeline
    fps: list[float]


def _film_all(folder: str, master: str, cams: list[g.VideoCamera], **kw: object) -> Event:
    paths = [g.film(folder, master, c, **kw) for c in cams]  # type: ignore[arg-type]
    return Event(folder, paths, [c.start for c in cams], [float(Fraction(c.fps)) for c in cams])


def street(media: str, master: str) -> Event:
    """Four cameras of the street: different rates, crops (two zoomed in), codecs, exposure."""
    folder = os.path.join(media, "street ünï")
    os.makedirs(folder)
    cams = [
        g.VideoCamera("-wide 25.mp4", first_frame=0, duration=12.0, fps="25"),
        g.VideoCamera("zoom 30.mp4", first_frame=30, skip=1, duration=12.0, fps="30",
                      crop=(0.25, 0.25, 0.5, 0.5)),
        g.VideoCamera("corner 59.94.mkv", first_frame=60, skip=3, duration=10.0, fps="60000/1001",
                      crop=(0.0, 0.0, 0.6, 0.6), vcodec=MPEG4),
        g.VideoCamera("side 50.mov", first_frame=100, duration=8.0, fps="50",
                      crop=(0.4, 0.3, 0.6, 0.7), vcodec=MJPEG,
                      look="eq=contrast=0.8:brightness=0.05,noise=alls=8:allf=t"),
    ]
    return _film_all(folder, master, cams)


def precise(media: str, master: str) -> Event:
    """Cameras at 25, 29.97 and 30 fps whose frames fall between the reference's, one of them seeing
    60 % of its view: the sub-frame targets (a quarter frame)."""
    folder = os.path.join(media, "precise")
    os.makedirs(folder)
    cams = [
        g.VideoCamera("reference 25.mp4", first_frame=0, duration=12.0, fps="25"),
        g.VideoCamera("sixty percent 25.mp4", first_frame=20, phase=0.25, duration=12.0, fps="25",
                      crop=(0.1, 0.1, 0.75, 0.8)),
        g.VideoCamera("ntsc 29.97.mov", first_frame=12, skip=1, duration=12.0, fps="30000/1001",
                      crop=(0.2, 0.05, 0.8, 0.9), vcodec=MJPEG),
        g.VideoCamera("phone 30.mp4", first_frame=33, skip=2, duration=11.0, fps="30",
                      look="noise=alls=6:allf=t"),
    ]
    return _film_all(folder, master, cams)


def vfr(media: str, master: str) -> Event:
    """A steady camera and a phone dropping a third of its frames at random (variable frame rate)."""
    folder = os.path.join(media, "vfr")
    os.makedirs(folder)
    cams = [g.VideoCamera("steady.mp4", first_frame=0, duration=12.0, fps="25"),
            g.VideoCamera("phone.mp4", first_frame=20, skip=2, duration=12.0, fps="30",
                          crop=(0.1, 0.1, 0.8, 0.8), drop=0.35)]
    return _film_all(folder, master, cams)


def flashes(media: str) -> Event:
    """A still scene lit by irregular flashes, filmed by a noisy wide and a zoomed camera."""
    folder = os.path.join(media, "flashes")
    os.makedirs(folder)
    master = g.video_master(os.path.join(folder, "master.mkv"), still=True,
                            flashes=((2.1, 0.2), (5.35, 0.12), (6.0, 0.4), (9.7, 0.16),
                                     (12.25, 0.3), (16.8, 0.2)))
    cams = [g.VideoCamera("cctv.mp4", first_frame=10, duration=14.0, fps="25",
                          look="noise=alls=6:allf=t"),
            g.VideoCamera("door cam.mp4", first_frame=40, skip=2, duration=12.0, fps="30",
                          crop=(0.5, 0.2, 0.5, 0.6), vcodec=VP9, look="eq=contrast=1.2"),
            ]
    return _film_all(folder, master, cams)


def mixed(media: str, master: str) -> Event:
    """Two cameras with sound and a muted one: the muted one must be placed by motion."""
    folder = os.path.join(media, "mixed")
    os.makedirs(folder)
    sound = g.master_audio(20.0, seed=3)
    cams = [g.VideoCamera("cam a.mp4", first_frame=0, duration=12.0, fps="25"),
            g.VideoCamera("cam b.mp4", first_frame=40, skip=1, duration=12.0, fps="30",
                          crop=(0.3, 0.2, 0.6, 0.6)),
            g.VideoCamera("muted.mp4", first_frame=75, skip=1, duration=10.0, fps="50",
                          crop=(0.2, 0.3, 0.5, 0.5))]
    paths = []
    for k, cam in enumerate(cams[:2]):
        # each camera its own noise: with one seed both had the same noise sample for sample, which is
        # shared sound at lag 0 that whitened correlation rightly finds
        pcm = g.camera_audio(sound, g.Camera(cam.name, start=cam.start, duration=cam.duration,
                                             seed=k + 1))
        paths.append(g.film(folder, master, cam, audio=pcm, acodec=["-c:a", "aac", "-b:a", "96k"]))
    paths.append(g.film(folder, master, cams[2]))
    return Event(folder, paths, [c.start for c in cams], [float(Fraction(c.fps)) for c in cams])


@dataclass(frozen=True)
class AvEvent(Event):
    av_lags: list[float]  # seconds by which each camera's sound lags its own picture


def av(media: str, master: str) -> AvEvent:
    """Cameras with picture and sound, whose sound lags their picture by 0, 15 and 50 ms (a camera 5
    and 17 m from the source, or a device's own delay): real speech and claps in a reverberant room,
    the street filmed at 25, 29.97 and 30 fps."""
    folder = os.path.join(media, "av lag")
    os.makedirs(folder)
    sound = g.master_audio(20.0, seed=5)
    cams = [(g.VideoCamera("front 25.mp4", first_frame=0, duration=12.0, fps="25"), 0.0),
            (g.VideoCamera("stage left 29.97.mp4", first_frame=20, skip=1, duration=12.0,
                           fps="30000/1001", crop=(0.1, 0.05, 0.8, 0.85)), 0.015),
            (g.VideoCamera("far 30.mov", first_frame=35, skip=2, duration=11.0, fps="30",
                           crop=(0.2, 0.1, 0.7, 0.8), vcodec=MJPEG), 0.050),
            (g.VideoCamera("side 25.mp4", first_frame=12, phase=0.5, duration=12.0, fps="25",
                           crop=(0.0, 0.1, 0.8, 0.9)), 0.0)]
    paths = []
    for k, (cam, lag) in enumerate(cams):
        # the sound the camera records at clip time t left the source at t - lag: its window of
        # the master starts lag earlier; each microphone in the room at its own place (response)
        mic = g.Camera(cam.name, start=cam.start - lag, duration=cam.duration, seed=k + 11,
                       snr_db=25.0)
        pcm = g.camera_audio(sound, mic)
        pcm = hardgen.reverberate(pcm, hardgen.room(rt60=0.8, drr_db=3.0, seed=k + 21))
        paths.append(g.film(folder, master, cam, audio=pcm,
                            acodec=["-c:a", "aac", "-b:a", "96k"]))
    return AvEvent(folder, paths, [c.start for c, _ in cams], [float(Fraction(c.fps)) for c, _ in cams],
                   [lag for _, lag in cams])
