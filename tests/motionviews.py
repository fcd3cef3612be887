"""Silent views of footage the motion stage was never tuned on: crops down to a third, off-centre,
zoomed, other exposure and noise, 23.976 to 60 fps, each view encoded on its own.

Two real sources from tests/data (see ATTRIBUTION.md), neither the street footage of motionevents.py:

* ``carphone.mp4``: a man talking in a moving car, the road seen through the window (the "carphone"
  test sequence, 176x144, 29.97 fps, 4 s);
* ``bigbuckbunny.mp4``: 5.3 s of the Blender Foundation's film, 1280x720, 25 fps, a handheld-like
  camera on a busy scene.

Each is played forwards then backwards into a lossless master at its own rate. A view whose rate is
the master's takes the master's own frames (``resample="native"``); one at an integer fraction of it
drops frames (``"drop"``: real resampling, every k-th frame); any other rate is motion-interpolated
(``"interp"``, ffmpeg's minterpolate), the only way to get in-between instants from these sources.
Used by tests/motion and bench/bench_motion_views.py.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from syncam.media import ffmpeg
from tests import hardgen
from tests import mediagen as g

X264 = ["-c:v", "libx264", "-preset", "ultrafast", "-crf", "26"]
MPEG4 = ["-c:v", "mpeg4", "-q:v", "7"]
MJPEG = ["-c:v", "mjpeg", "-q:v", "9"]


@dataclass(frozen=True)
class Source:
    file: str  # in tests/data
    fps: Fraction
    size: str  # the master's size (the source scaled)


CARPHONE = Source("carphone.mp4", Fraction(30000, 1001), "352x288")
BUNNY = Source("bigbuckbunny.mp4", Fraction(25), "640x360")


@dataclass(frozen=True)
class View:
    """A camera filming the master from master frame ``first_frame`` on, at ``fps``."""

    name: str
    first_frame: int
    duration: float
    fps: str
    crop: tuple[float, float, float, float] = (0.0, 0.0, 1.0, 1.0)  # x, y, w, h (fractions)
    size: str = "320x180"
    vcodec: list[str] = field(default_factory=lambda: list(X264))
    look: str = ""  # filters in camera time: exposure, noise
    skip: int = 0  # interpolated views: frames dropped at the start (sub-frame offsets)

    def start(self, src: Source) -> float:
        """Master time of the view's first frame: its true offset."""
        return float(Fraction(self.first_frame) / src.fps + self.skip / Fraction(self.fps))

    def resample(self, src: Source) -> str:
        ratio = src.fps / Fraction(self.fps)
        if ratio == 1:
            return "native"
        return "drop" if ratio.denominator == 1 else "interp"


@dataclass(frozen=True)
class Views:
    folder: str
    paths: list[str]
    starts: list[float]
    fps: list[float]
    resample: list[str]


def master(src: Source, path: str) -> str:
    """The source forwards then backwards, lossless, at its own rate and ``src.size``."""
    chain = ("[0:v]split[f][b];[b]reverse,trim=start_frame=1,setpts=PTS-STARTPTS[r];"
             f"[f][r]concat=n=2:v=1,scale={src.size},setpts=N/({src.fps.numerator}/"
             f"{src.fps.denominator})/TB[out]")
    subprocess.run([ffmpeg.find_binary("ffmpeg"), "-nostdin", "-v", "error", "-y",
                    "-i", os.path.join(g.DATA, src.file), "-filter_complex", chain, "-map", "[out]",
                    "-an", "-r", f"{src.fps.numerator}/{src.fps.denominator}", "-c:v", "libx264",
                    "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv420p",
                    os.path.abspath(path)], check=True)
    return path


def film(folder: str, master_path: str, src: Source, view: View,
         audio: np.ndarray | None = None) -> str:
    """Write ``view``'s clip of the master into ``folder``, with optional 48 kHz PCM ``audio`` (its
    sound track, already cut to the view's window, AAC); return its path."""
    x, y, w, h = view.crop
    how = view.resample(src)
    if how == "drop":
        k = int(src.fps / Fraction(view.fps))
        rate = f"select='not(mod(n\\,{k}))',setpts=N/({view.fps})/TB,"
    elif how == "interp":
        rate = f"minterpolate=fps={view.fps}:mi_mode=mci:mc_mode=aobmc:me_mode=bidir:scd=none,"
    else:
        rate = ""
    chain = (f"[0:v]trim=start_frame={view.first_frame},setpts=PTS-STARTPTS,"
             f"crop=trunc(iw*{w}/2)*2:trunc(ih*{h}/2)*2:iw*{x}:ih*{y},scale={view.size},{rate}"
             f"trim=start_frame={view.skip},setpts=PTS-STARTPTS")
    if view.look:
        chain += "," + view.look
    path = os.path.join(folder, view.name)
    pix = "yuvj420p" if "mjpeg" in view.vcodec else "yuv420p"
    args = [ffmpeg.find_binary("ffmpeg"), "-nostdin", "-v", "error", "-y", "-i", master_path,
            "-filter_complex", chain + "[v]"]
    with tempfile.TemporaryDirectory() as tmp:
        if audio is not None:
            wav = os.path.join(tmp, "a.wav")
            g.write_wav(wav, audio, g.MASTER_RATE)
            args += ["-i", wav, "-map", "1:a", "-c:a", "aac", "-b:a", "96k"]
        args += ["-map", "[v]", *view.vcodec, "-pix_fmt", pix, "-fps_mode", "cfr", "-r", view.fps,
                 "-t", f"{view.duration:.6f}", os.path.abspath(path)]
        subprocess.run(args, check=True)
    return path


def _event(media: str, label: str, src: Source, views: list[View]) -> Views:
    folder = os.path.join(media, label)
    os.makedirs(folder)
    m = master(src, os.path.join(folder, "master.mkv"))
    paths = [film(folder, m, src, v) for v in views]
    return Views(folder, paths, [v.start(src) for v in views],
                 [float(Fraction(v.fps)) for v in views], [v.resample(src) for v in views])


def car(media: str) -> Views:
    """The car: a wide view, a third of it (the window and the road), half of it darker and noisy, at
    29.97 (native), 14.985 (every other frame), 25, 23.976, 50 and 59.94 fps (interpolated: the car's
    motion is slow enough for it, measured within 2 ms of a native view on the full picture)."""
    return _event(media, "car", CARPHONE, [
        View("wide 29.97.mp4", 0, 7.0, "30000/1001"),
        View("window third 29.97.mp4", 23, 6.5, "30000/1001", crop=(0.62, 0.05, 0.34, 0.34),
             vcodec=MJPEG),
        View("half dark 25.mp4", 11, 6.5, "25", skip=1, crop=(0.0, 0.3, 0.5, 0.7),
             look="eq=brightness=-0.12:contrast=0.8,noise=alls=10:allf=t"),
        View("face 23.976.mkv", 17, 6.5, "24000/1001", skip=2, crop=(0.25, 0.1, 0.45, 0.6),
             vcodec=MPEG4, look="eq=gamma=1.4"),
        View("phone 59.94.mp4", 6, 6.5, "60000/1001", skip=3, crop=(0.1, 0.2, 0.6, 0.6),
             look="noise=alls=6:allf=t"),
        View("action 50.mp4", 9, 6.5, "50", skip=1, crop=(0.4, 0.0, 0.6, 0.6)),
        View("slow 14.985.mp4", 30, 6.5, "15000/1001", crop=(0.0, 0.0, 0.7, 0.7)),
    ])


def bunny(media: str) -> Views:
    """The bunny: a wide view and views down to a third of it, off-centre, exposure and noise varied,
    at 25 fps (the master's own frames) and 12.5 fps (every other frame). Its motion is too fast for
    interpolation: a 50 or 60 fps view interpolated from it shows the full picture 7-12 ms early, so
    no view of it is interpolated."""
    return _event(media, "bunny", BUNNY, [
        View("wide 25.mp4", 0, 9.0, "25"),
        View("third corner 25.mp4", 14, 8.0, "25", crop=(0.0, 0.0, 0.34, 0.34),
             look="eq=brightness=0.1:contrast=1.3,noise=alls=8:allf=t"),
        View("third right 25.mp4", 9, 8.0, "25", crop=(0.66, 0.4, 0.33, 0.33), vcodec=MPEG4),
        View("half 25.mov", 20, 8.0, "25", crop=(0.3, 0.0, 0.5, 0.5), vcodec=MJPEG),
        View("dark 25.mp4", 5, 8.0, "25", crop=(0.1, 0.2, 0.7, 0.7),
             look="eq=brightness=-0.15:gamma=0.8"),
        View("half rate 12.5.mp4", 27, 7.0, "25/2", crop=(0.2, 0.1, 0.6, 0.6)),
        View("odd frames 12.5.mkv", 8, 7.0, "25/2", vcodec=MPEG4, look="noise=alls=5:allf=t"),
    ])


def short(media: str) -> Views:
    """Three short silent views of the car (about 7 s): the wide one, a third of it (the window), and
    an interpolated 59.94 fps phone, each encoded on its own."""
    return _event(media, "short car", CARPHONE, [
        View("wide 29.97.mp4", 0, 7.0, "30000/1001"),
        View("window third 29.97.mov", 23, 6.5, "30000/1001", crop=(0.62, 0.05, 0.34, 0.34),
             vcodec=MJPEG),
        View("phone 59.94.mp4", 6, 6.5, "60000/1001", skip=3, crop=(0.1, 0.2, 0.6, 0.6),
             look="noise=alls=6:allf=t"),
    ])


@dataclass(frozen=True)
class AvViews(Views):
    av_lags: list[float]  # seconds by which each view's sound lags its own picture


def av_car(media: str) -> AvViews:
    """The car filmed by cameras with sound: real speech and claps in a reverberant room, each
    camera's sound late on its picture by 0, 15, 50 and 0 ms (5 and 17 m from the source, or a
    device's delay); views as in :func:`car`, a third of the picture to the whole."""
    folder = os.path.join(media, "car av")
    os.makedirs(folder)
    m = master(CARPHONE, os.path.join(folder, "master.mkv"))
    sound = g.master_audio(10.0, seed=7)
    views = [(View("front 29.97.mp4", 0, 7.0, "30000/1001"), 0.0),
             (View("window 25.mp4", 12, 6.5, "25", skip=1, crop=(0.5, 0.05, 0.45, 0.45)), 0.015),
             (View("far 59.94.mp4", 6, 6.5, "60000/1001", skip=3, crop=(0.1, 0.2, 0.6, 0.6)), 0.050),
             (View("face 23.976.mp4", 17, 6.5, "24000/1001", skip=2, crop=(0.25, 0.1, 0.45, 0.6),
                   look="eq=gamma=1.4"), 0.0)]
    paths = []
    for k, (view, lag) in enumerate(views):
        start = view.start(CARPHONE)
        mic = g.Camera(view.name, start=start - lag, duration=view.duration, seed=k + 31,
                       snr_db=25.0)
        pcm = hardgen.reverberate(g.camera_audio(sound, mic),
                                  hardgen.room(rt60=0.8, drr_db=3.0, seed=k + 41))
        paths.append(film(folder, m, CARPHONE, view, audio=pcm))
    return AvViews(folder, paths, [v.start(CARPHONE) for v, _ in views],
                   [float(Fraction(v.fps)) for v, _ in views],
                   [v.resample(CARPHONE) for v, _ in views], [lag for _, lag in views])
