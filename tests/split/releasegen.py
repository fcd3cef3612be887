"""Build a released compilation from real footage, with its truth: which camera each shot came from,
where each cut falls, which stretch of sound is a voice-over. Used by tests/split and bench_split.

The event is one continuous scene of bikes.mp4 (a street behind a fence, its frames 138-185: the clip
is itself a montage, and its other scenes would be cuts inside a camera's shot) played forwards and
backwards to 20 s, and a soundtrack made from real speech. Each *camera* is a different view of it:
its own part of the street, zoom, bars (pillarbox, letterbox or none), place noise and a burned-in
clock (ffmpeg drawtext from each frame's time, so the clock reads the event's wall time). A *release*
cuts shots from those cameras out of time order, after a title card, with a dissolve and a
voice-over laid across cuts.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass

import numpy as np
from scipy.signal import butter, sosfiltfilt

from syncam.media import ffmpeg
from tests import mediagen
from tests.mediagen import MASTER_RATE, Camera

FPS = 25
EPOCH = 1_700_000_000  # the event's wall time at master time 0 (2023-11-14 22:13:20 UTC)
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
VOICE = os.path.join(mediagen.DATA, "librosa", "reader_198.ogg")


@dataclass(frozen=True)
class View:
    """A fixed camera: the part (x, y, w, h pixels) of the 640x272 master it sees, shown in the
    release's frame at ``size`` (scaled), padded with black bars to the frame; its clock at ``clock``
    (x, y) in its own picture; its microphone (band, noise)."""

    crop: tuple[int, int, int, int]
    size: tuple[int, int]
    clock: tuple[int, int] = (8, 8)
    band: tuple[float, float] = (120.0, 7000.0)
    snr_db: float = 20.0
    seed: int = 1
    ambience: tuple[float, float, float] = (100.0, 1000.0, -30.0)  # its place's noise: band Hz, dBFS


@dataclass(frozen=True)
class Shot:
    """``frames`` frames of camera ``camera`` (None: the title card) from master frame ``first``;
    ``dissolve``: frames of a cross-dissolve into the next shot."""

    camera: str | None
    first: int
    frames: int
    dissolve: int = 0


@dataclass(frozen=True)
class Release:
    path: str
    shots: tuple[Shot, ...]
    starts: tuple[int, ...]  # release frame of each shot's first frame (a dissolve: its midpoint)
    origins: tuple[int, ...]  # release frame where each shot's first source frame (Shot.first) is
    frames: int
    voice: tuple[float, float] | None  # release seconds of the voice-over
    size: tuple[int, int]
    cameras: dict[str, View]

    def cuts(self) -> list[int]:
        return list(self.starts[1:])

    def event_time(self, shot: int, frame: int) -> float:
        """Master (event) time, seconds, of release frame ``frame`` inside shot ``shot``."""
        return (self.shots[shot].first + frame - self.origins[shot]) / FPS


SIZE = (640, 360)
# Four cameras: A and B see opposite ends of the street, C the whole street letterboxed, D is A's
# lookalike: the same corner from a little further right and closer in, in the same pillarbox and with
# the clock in the same place: only its view tells it from A.
CAMERAS = {
    "A": View(crop=(0, 0, 300, 272), size=(398, 360), band=(150, 6000), snr_db=25, seed=11,
              ambience=(40, 300, -26)),  # traffic rumble
    "B": View(crop=(330, 0, 310, 174), size=(640, 360), clock=(440, 12), band=(300, 7000),
              snr_db=18, seed=12, ambience=(3000, 7000, -36)),  # hiss
    "C": View(crop=(0, 60, 640, 200), size=(640, 200), clock=(8, 170), band=(100, 4000),
              snr_db=22, seed=13, ambience=(400, 2500, -30)),  # a crowd's murmur
    "D": View(crop=(40, 20, 240, 218), size=(398, 360), band=(200, 5000), snr_db=20, seed=14,
              ambience=(800, 4000, -42)),  # a quiet room
}
# 8 shots from 4 cameras behind a title card, out of time order; A three times; a dissolve C -> A.
# Shots last 4 s: a burned-in clock turns over a few times in each. Shots with their own sound share
# seconds of the event (so that sound can place them): A 300-400 with C 320-394; B 60-160 with A 46-140
# and C 80-180 (master frames).
SHOTS = (
    Shot(None, 0, 50),
    Shot("A", 300, 100),
    Shot("B", 60, 100),
    Shot("C", 320, 80, dissolve=12),
    Shot("A", 40, 100),
    Shot("D", 150, 100),
    Shot("B", 330, 100),
    Shot("A", 170, 100),
    Shot("C", 80, 100),
)
VOICE_SPAN = (5, 7)  # the voice-over runs from the first frame of shot 5 to the last of shot 7


SCENE = (138, 186)  # bikes.mp4's frames [first, end) of the fence scene
MASTER_FRAMES = 500


def _master(folder: str) -> str:
    """The event's picture: the fence scene forwards, backwards, ... for MASTER_FRAMES at 25 fps."""
    path = os.path.join(folder, "master.mp4")
    if os.path.exists(path):
        return path
    n = SCENE[1] - SCENE[0]
    chain = (f"[0:v]trim=start_frame={SCENE[0]}:end_frame={SCENE[1]},setpts=PTS-STARTPTS,split[f][b];"
             "[b]reverse[r];[f][r]concat=n=2:v=1,"
             f"loop=loop={MASTER_FRAMES // (2 * n)}:size={2 * n},trim=end_frame={MASTER_FRAMES},"
             f"setpts=N/{FPS}/TB[out]")
    subprocess.run([ffmpeg.find_binary("ffmpeg"), "-nostdin", "-v", "error", "-y",
                    "-i", os.path.join(mediagen.DATA, "bikes.mp4"), "-filter_complex", chain,
                    "-map", "[out]", "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0",
                    "-pix_fmt", "yuv420p", path], check=True)
    return path


def _camera_source(master: str, name: str, view: View, folder: str) -> str:
    """The camera's whole recording of the event in the release's frame: view, bars, clock."""
    x, y, w, h = view.crop
    sw, sh = view.size
    clock = (f"drawtext=fontfile={FONT}:fontsize=18:fontcolor=white:box=1:boxcolor=black@0.6:"
             f"x={view.clock[0]}:y={view.clock[1]}:"
             f"text='%{{pts\\:gmtime\\:{EPOCH}\\:%Y-%m-%d %H\\\\\\:%M\\\\\\:%S}}'")
    chain = (f"crop={w}:{h}:{x}:{y},scale={sw}:{sh},setsar=1,{clock},"
             f"pad={SIZE[0]}:{SIZE[1]}:(ow-iw)/2:(oh-ih)/2:black")
    path = os.path.join(folder, f"camera_{name}.mp4")
    if os.path.exists(path):  # another release of the same event
        return path
    subprocess.run([ffmpeg.find_binary("ffmpeg"), "-nostdin", "-v", "error", "-y", "-i", master,
                    "-vf", chain, "-c:v", "libx264", "-preset", "ultrafast", "-crf", "10",
                    "-pix_fmt", "yuv420p", path], check=True)
    return path


def _title() -> str:
    return (f"color=c=0x1a2a4a:s={SIZE[0]}x{SIZE[1]}:r={FPS},"
            f"drawtext=fontfile={FONT}:fontsize=34:fontcolor=white:x=(w-tw)/2:y=h/2-40:"
            "text='INCIDENT AT THE CROSSING',"
            f"drawtext=fontfile={FONT}:fontsize=22:fontcolor=white:x=(w-tw)/2:y=h/2+20:"
            "text='footage from four cameras'")


def _soundtrack(shots: tuple[Shot, ...], starts: list[int], total: int,
                voice: tuple[float, float] | None) -> np.ndarray:
    """The release's sound at 48 kHz: each shot's camera sound over its shot (each camera hears its
    own place's noise; a dissolve crossfades), the title card near-silent, and a voice-over (real read
    speech, in place of the cameras' sound, as news packages lay it) over ``voice``."""
    master = mediagen.master_audio(MASTER_FRAMES / FPS + 1, seed=21)
    per_frame = MASTER_RATE // FPS
    out = np.zeros(total * per_frame, np.float32)
    rng = np.random.default_rng(5)
    pos = 0  # release frame where the shot's own frames begin
    for k, shot in enumerate(shots):
        n = shot.frames * per_frame
        if shot.camera is None:
            seg = (rng.standard_normal(n) * 1e-3).astype(np.float32)
        else:
            view = CAMERAS[shot.camera]
            cam = Camera(name=shot.camera, start=shot.first / FPS, duration=shot.frames / FPS,
                         snr_db=view.snr_db, band=view.band, seed=view.seed)
            seg = mediagen.camera_audio(master, cam)[:n]
            lo, hi, db = view.ambience
            noise = np.random.default_rng(view.seed).standard_normal(len(seg))
            noise = sosfiltfilt(butter(2, [lo, hi], btype="band", fs=MASTER_RATE, output="sos"), noise)
            seg = seg + (noise / noise.std() * 10 ** (db / 20)).astype(np.float32)
        prev = shots[k - 1].dissolve if k else 0
        at = pos * per_frame
        if prev:  # this shot fades in over the previous one's last `prev` frames
            m = prev * per_frame
            ramp = np.linspace(0, 1, m, dtype=np.float32)
            out[at: at + m] = out[at: at + m] * (1 - ramp) + seg[:m] * ramp
            out[at + m: at + n] = seg[m:]
        else:
            out[at: at + n] = seg
        pos += shot.frames - shot.dissolve
    if voice is not None:
        a, b = (int(t * MASTER_RATE) for t in voice)
        speech = mediagen.ffmpeg.decode_audio(VOICE, MASTER_RATE, 0, 20.0)[: b - a]
        speech = speech / (np.abs(speech).max() + 1e-9) * 0.6
        out[a: a + len(speech)] = speech
    return out


def make_release(folder: str, *, shots: tuple[Shot, ...] = SHOTS,
                 voice_span: tuple[int, int] | None = VOICE_SPAN, name: str = "release.mp4",
                 crf: int = 18) -> Release:
    """Write the release into ``folder`` and return it with its truth."""
    os.makedirs(folder, exist_ok=True)
    master = _master(folder)
    sources = {c: _camera_source(master, c, CAMERAS[c], folder)
               for c in sorted({s.camera for s in shots if s.camera})}
    inputs: list[str] = []
    graph: list[str] = []
    order = sorted(sources)
    for c in order:
        inputs += ["-i", sources[c]]
    if any(s.camera is None for s in shots):
        graph.append(f"{_title()}[title]")
    labels = []
    for k, shot in enumerate(shots):
        if shot.camera is None:
            graph.append(f"[title]trim=end_frame={shot.frames},setpts=PTS-STARTPTS[s{k}]")
        else:
            i = order.index(shot.camera)
            graph.append(f"[{i}:v]trim=start_frame={shot.first}:end_frame={shot.first + shot.frames},"
                         f"setpts=PTS-STARTPTS[s{k}]")
        labels.append(f"s{k}")
    # dissolves: join each shot that has one with the next, one xfade
    joined: list[str] = []
    starts: list[int] = []
    origins: list[int] = []
    pos = 0
    k = 0
    while k < len(shots):
        shot = shots[k]
        starts.append(pos)
        origins.append(pos)
        if shot.dissolve:
            d = shot.dissolve
            graph.append(f"[{labels[k]}][{labels[k + 1]}]xfade=transition=fade:duration={d / FPS}:"
                         f"offset={(shot.frames - d) / FPS}[x{k}]")
            joined.append(f"x{k}")
            # the next shot's first frame is where it outweighs this one: the dissolve's midpoint
            starts.append(pos + shot.frames - d + d // 2)
            origins.append(pos + shot.frames - d)
            pos += shot.frames - d + shots[k + 1].frames
            k += 2
        else:
            joined.append(labels[k])
            pos += shot.frames
            k += 1
    total = pos
    graph.append("".join(f"[{j}]" for j in joined) + f"concat=n={len(joined)}:v=1:a=0[v]")
    voice = None
    if voice_span is not None:
        a, b = voice_span
        voice = (starts[a] / FPS, (starts[b] + shots[b].frames) / FPS)
    sound = _soundtrack(shots, starts, total, voice)
    path = os.path.join(folder, name)
    with tempfile.TemporaryDirectory() as tmp:
        wav = os.path.join(tmp, "sound.wav")
        mediagen.write_wav(wav, sound, MASTER_RATE)
        subprocess.run([ffmpeg.find_binary("ffmpeg"), "-nostdin", "-v", "error", "-y", *inputs,
                        "-i", wav,
                        "-filter_complex", ";".join(graph), "-map", "[v]",
                        "-map", f"{len(order)}:a", "-c:v", "libx264", "-preset", "veryfast",
                        "-crf", str(crf), "-g", "50", "-pix_fmt", "yuv420p", "-r", str(FPS),
                        "-c:a", "aac", "-b:a", "160k", "-shortest", path], check=True)
    return Release(path=path, shots=shots, starts=tuple(starts), origins=tuple(origins),
                   frames=total, voice=voice,
                   size=SIZE, cameras=dict(CAMERAS))
