"""``split(release, folder)``: one decode of the release finds its cuts, the kind of each shot and its
bars; a few frames of each shot group the shots into cameras; the release's sound says which shots
carry their own; each camera's shots are written as files in a folder of camera folders, which
``syncam align FOLDER`` reads as takes of their cameras, with ``shots.json`` beside them."""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from syncam import config
from syncam.errors import MediaError, UsageError
from syncam.media import ffmpeg
from syncam.media.probe import probe
from syncam.split import bars, group, kinds, sound
from syncam.split.cuts import CutFinder, Transition, check_extra
from syncam.types import Clip, Progress

AUDIO_RATE = 8000  # Hz: the sound's floor below 4 kHz is what tells one microphone from another


@dataclass(frozen=True)
class Shot:
    """One shot of a release: frames [first_frame, last_frame] of the source, seconds [start, end)
    from the source's start. ``camera`` None: no camera filmed it (``kind`` says what it is), and
    it is not written (``path`` None). ``picture``: the box (w, h, x, y) inside the black bars, None
    when the shot fills the frame. ``audio``: own, overlay (laid over: not written with the shot),
    or none."""

    index: int
    path: str | None  # relative to the output folder
    camera: str | None
    kind: str
    first_frame: int
    last_frame: int
    start: float
    end: float
    audio: str
    picture: tuple[int, int, int, int] | None = None


@dataclass(frozen=True)
class Split:
    """What ``split`` wrote: the source, its frame rate, its shots, the folder and the listing."""

    source: str
    fps: Fraction
    shots: tuple[Shot, ...]
    folder: str
    listing: str

    @property
    def cameras(self) -> list[str]:
        return sorted({s.camera for s in self.shots if s.camera})

    def to_json(self) -> str:
        return json.dumps({
            "version": 1, "source": self.source, "fps": str(self.fps), "fps_float": float(self.fps),
            "shots": [{"index": s.index, "path": s.path, "camera": s.camera, "kind": s.kind,
                       "first_frame": s.first_frame, "last_frame": s.last_frame,
                       "start": round(s.start, 6), "end": round(s.end, 6), "audio": s.audio,
                       "picture": None if s.picture is None else dict(zip("whxy", s.picture))}
                      for s in self.shots]}, indent=2, ensure_ascii=False) + "\n"


def _check_output(folder: str, source: str, force: bool) -> str:
    folder = os.path.abspath(folder)
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise UsageError(f"{folder}: is a file; give a folder for the shots", option="output")
    if os.path.isdir(folder) and os.listdir(folder):
        if not force:
            raise UsageError(f"{folder}: exists and is not empty; choose a new folder or pass "
                             "--force to replace it", option="output")
        if os.path.commonpath([folder, source]) == folder:
            raise UsageError(f"{folder}: holds the release {source}; --force would delete it: "
                             "choose another folder", option="output")
    parent = os.path.dirname(folder)
    if not os.path.isdir(parent) or not os.access(parent, os.W_OK):
        raise UsageError(f"{folder}: its folder {parent} does not exist or is not writable",
                         option="output")
    return folder


@contextlib.contextmanager
def _atomic_folder(folder: str) -> Iterator[str]:
    """A temporary folder beside ``folder`` that takes its name only when the block succeeds (an
    existing ``folder`` is replaced then, and only then)."""
    tmp = tempfile.mkdtemp(prefix=f".{os.path.basename(folder)}.", suffix=".part",
                           dir=os.path.dirname(folder))
    try:
        yield tmp
        old = None
        if os.path.isdir(folder):
            old = tempfile.mkdtemp(prefix=f".{os.path.basename(folder)}.", suffix=".old",
                                   dir=os.path.dirname(folder))
            os.rename(folder, os.path.join(old, "x"))
        os.rename(tmp, folder)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _scan(clip: Clip, report: Callable[[Progress], None]) -> tuple[CutFinder, np.ndarray, list]:
    video = clip.video[0]
    fps = video.fps or Fraction(25)
    width = config.SPLIT_SCAN_WIDTH
    height = max(2, round(width * video.height / video.width / 2) * 2)
    finder = CutFinder(fps)
    times: list[np.ndarray] = []
    expected = video.frames or int((video.duration or clip.duration) * fps)

    report(Progress("scan", 0, expected, clip.name))

    def on_block(frames: np.ndarray, t: np.ndarray) -> None:
        finder.feed(frames)
        times.append(t)
        report(Progress("scan", finder.count, max(expected, finder.count), clip.name))

    crops = ffmpeg.scan(clip.path, video.index, width, height, crop_limit=config.SPLIT_CROP_LIMIT,
                        on_block=on_block)
    return finder, (np.concatenate(times) if times else np.empty(0)), crops


def _frame_times(times: np.ndarray, fps: Fraction, clip: Clip) -> np.ndarray:
    """Each frame's time in seconds from the file's start (-ss's clock), one more at the end (where
    the last frame ends); a frame without a time gets its neighbour's plus a frame."""
    t = times - clip.start
    for k in range(len(t)):
        if not math.isfinite(t[k]):
            t[k] = (t[k - 1] + 1 / float(fps)) if k else 0.0
    return np.append(t, t[-1] + (t[-1] - t[-2] if len(t) > 1 else 1 / float(fps)))


def _picks(span: tuple[int, int], transitions: list[Transition]) -> list[int]:
    """SPLIT_GROUP_FRAMES frames spread inside a shot, away from any dissolve."""
    first, end = span
    lo, hi = first, end - 1
    for t in transitions:
        if t.first <= lo < t.end:
            lo = min(t.end, hi)
        if t.first <= hi < t.end:
            hi = max(t.first - 1, lo)
    n = config.SPLIT_GROUP_FRAMES
    return sorted({lo + (hi - lo) * (k + 1) // (n + 1) for k in range(n)})


def split(path: str, folder: str, *, force: bool = False,
          progress: Callable[[Progress], None] | None = None) -> Split:
    """Cut the release ``path`` into its cameras' shots in ``folder`` (see the module's doc)."""
    report = progress or (lambda _: None)
    check_extra()
    clip = probe(path)
    if not clip.video:
        raise MediaError(f"{clip.path}: has no video stream; syncam split cuts a video into its "
                         "shots (align sound-only files with 'syncam align')")
    out = _check_output(folder, clip.path, force)
    video = clip.video[0]
    fps = video.fps or Fraction(25)
    finder, raw_times, crops = _scan(clip, report)
    if finder.count == 0:
        raise MediaError(f"{clip.path}: no video frame could be decoded; check the file")
    cuts, transitions = finder.finish()
    times = _frame_times(raw_times[: finder.count], fps, clip)
    bounds = [0, *cuts, finder.count]
    spans = list(zip(bounds[:-1], bounds[1:]))
    thumbs, change = finder.thumbs, finder.change
    kind = [kinds.kind(thumbs[a:b], change[a:b]) for a, b in spans]
    pictures = [bars.picture(crops[a + 2: b - 2] or crops[a:b], video.width, video.height)
                for a, b in spans]
    seconds = [(float(times[a]), float(times[b])) for a, b in spans]
    labels = [sound.NONE] * len(spans)
    if clip.audio:
        stream = clip.audio[0]
        pcm = ffmpeg.decode_audio(clip.path, AUDIO_RATE, stream.index, clip.duration)
        lead = stream.start - clip.start  # the first sample's time from the file's start
        local = [(a - lead, b - lead) for a, b in seconds]
        labels = sound.labels(pcm, AUDIO_RATE, local, sound.continuous(pcm, AUDIO_RATE, local))
    filmed = [k for k, kd in enumerate(kind) if kd == kinds.CAMERA]
    digits = max(2, len(str(len(spans) - 1)))
    with _atomic_folder(out) as tmp:
        # each camera shot is encoded once, and the frames that group it come from that decode
        report(Progress("write", 0, len(filmed), "shots"))
        views = _write_shots(clip, [(spans[k], seconds[k], pictures[k], labels[k]) for k in filmed],
                             [_picks(spans[k], transitions) for k in filmed], times, fps, tmp, report)
        report(Progress("group", 0, len(filmed), "cameras"))
        numbers = group.cameras(views)
        camera = {k: f"cam{numbers[n] + 1:02d}" for n, k in enumerate(filmed)}
        shots = []
        for k, ((a, b), (start, end)) in enumerate(zip(spans, seconds)):
            cam = camera.get(k)
            rel = None if cam is None else f"{cam}/{k:0{digits}d}_{start:.3f}.mp4"
            if rel is not None:
                os.makedirs(os.path.join(tmp, cam or ""), exist_ok=True)
                os.rename(os.path.join(tmp, f"{filmed.index(k)}.mp4"), os.path.join(tmp, rel))
            shots.append(Shot(k, rel, cam, kind[k], a, b - 1, start, end, labels[k], pictures[k]))
        result = Split(clip.path, fps, tuple(shots), out, os.path.join(out, config.SPLIT_LISTING))
        with open(os.path.join(tmp, config.SPLIT_LISTING), "w", encoding="utf-8") as f:
            f.write(result.to_json())
    return result


def _batches(work: list[float], most: int) -> list[list[int]]:
    """The shots (their work: frames x pixels, in time order) in consecutive groups, one ffmpeg each:
    at least two when there are two shots (one per core, each single-threaded), each holding about
    the same work and at most ``most`` shots (each shot's encoder lives until its ffmpeg ends)."""
    if not work:
        return []
    count = max(min(2, len(work)), math.ceil(len(work) / most))
    total = sum(work) or 1.0
    out: list[list[int]] = []
    done = 0.0
    for n, w in enumerate(work):
        want = min(count - 1, int((done + w / 2) * count / total))  # by its middle
        if not out or len(out) - 1 < want or len(out[-1]) >= most:
            out.append([])
        out[-1].append(n)
        done += w
    return out


def _write_shots(clip: Clip, todo: list[tuple[tuple[int, int], tuple[float, float],
                                             tuple[int, int, int, int] | None, str]],
                 picks: list[list[int]], times: np.ndarray, fps: Fraction, tmp: str,
                 report: Callable[[Progress], None]) -> list[group.View]:
    """Each camera shot ((first, end) frames, (start, end) seconds, picture, sound) re-encoded
    into ``tmp`` as N.mp4 (N its place in ``todo``), by a few ffmpegs that each decode a stretch of
    the release once (:func:`_batches`), two at a time; return each shot's view, from its ``picks``
    frames, grabbed from the same decode."""
    video = clip.video[0]
    quarter = 0.25 / float(fps)
    width = config.SPLIT_GROUP_WIDTH
    frame = video.width * video.height
    batches = _batches([(end - first) * (picture[0] * picture[1] if picture else frame)
                        for (first, end), _, picture, _ in todo],
                       max(1, config.SPLIT_BATCH_PIXELS // max(1, frame)))
    threads = 1 if len(batches) > 1 else None
    views: list[group.View | None] = [None] * len(todo)

    def write(batch: list[int]) -> list[int]:
        (first0, _), (start0, _), _, _ = todo[batch[0]]
        seek = max(0.0, start0 - quarter)  # the first shot's first frame is the first decoded
        outs, sizes = [], []
        for n in batch:
            (first, end), (start, stop), picture, audio = todo[n]
            w, h = (picture[0], picture[1]) if picture else (video.width, video.height)
            size = (width, max(2, round(width * h / w / 2) * 2))
            outs.append(ffmpeg.ShotOut(
                out=os.path.join(tmp, f"{n}.mp4"), first=first - first0, end=end - first0,
                sound=(start - seek, stop - seek) if audio == sound.OWN else None, crop=picture,
                grab=os.path.join(tmp, f"{n}.grey"), picks=tuple(p - first for p in picks[n]),
                grab_size=size))
            sizes.append((w, h))
        last = todo[batch[-1]][0][1] - 1
        ffmpeg.run(ffmpeg.shots_args(clip.path, seek=seek, shots=outs, crf=config.SPLIT_CRF,
                                     preset=config.SPLIT_PRESET,
                                     audio_bitrate=config.SPLIT_AUDIO_BITRATE, threads=threads),
                   what=f"{clip.path} (frames {first0}-{last})")
        for n, shot, geometry in zip(batch, outs, sizes):
            gw, gh = shot.grab_size
            raw = np.empty(0, np.uint8)
            if os.path.exists(shot.grab):
                raw = np.fromfile(shot.grab, np.uint8)
                os.remove(shot.grab)
            k = len(raw) // (gw * gh)
            if not k:
                (first, end), _, _, _ = todo[n]
                raise MediaError(f"{clip.path}: frames {first}-{end - 1} could not be read again; "
                                 "the file may be damaged")
            views[n] = group.view(list(raw[: k * gw * gh].reshape(k, gh, gw)), geometry)
        return batch

    done = 0
    with ThreadPoolExecutor(max_workers=2) as pool:
        for batch in pool.map(write, batches):
            done += len(batch)
            report(Progress("write", done, len(todo), f"shots {batch[0]}-{batch[-1]}"))
    return [v for v in views if v is not None]
