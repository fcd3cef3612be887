"""Build multi-camera test events from real recordings, with known offsets. Used by tests, bench, demo.

An *event* is a long master soundtrack made from the real speech in tests/data (the broadcast
interview, played forwards, reversed and at other speeds so that no stretch repeats), over a room-tone
bed with random claps. A *camera* records a window of it: its own gain, microphone response (zero-phase
band limits, so the truth stays exact), independent noise at a chosen SNR, its own sample rate, frame
rate, codec and container. The true offset of a camera is the master time at which its window starts.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import wave
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache

import numpy as np
from scipy.signal import butter, resample_poly, sosfiltfilt

from syncam.media import ffmpeg

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
MASTER_RATE = 48000


@lru_cache(maxsize=4)
def _speech(name: str) -> np.ndarray:
    return ffmpeg.decode_audio(os.path.join(DATA, name), MASTER_RATE, 0, 60.0)


def master_audio(seconds: float, seed: int = 0) -> np.ndarray:
    """A non-repeating event soundtrack of ``seconds`` at 48 kHz, float32, peak about 0.5."""
    rng = np.random.default_rng(seed)
    speech = _speech("timbl_1.mp3")
    variants = [speech, speech[::-1], resample_poly(speech, 5, 4), resample_poly(speech[::-1], 4, 5),
                resample_poly(speech, 7, 6), resample_poly(speech[::-1], 6, 7),
                resample_poly(speech, 9, 10), resample_poly(speech[::-1], 10, 9)]
    n = int(seconds * MASTER_RATE)
    out = np.zeros(n, dtype=np.float32)
    pos, k = 0, 0
    while pos < n:
        seg = variants[k % len(variants)]
        if k >= len(variants):  # later rounds: other speeds again, never the same samples twice
            seg = resample_poly(seg, 20 + k, 20)
        seg = seg[: n - pos]
        out[pos: pos + len(seg)] += seg.astype(np.float32) / (np.abs(seg).max() + 1e-9) * 0.4
        pos += len(seg) + int(rng.uniform(0.3, 2.0) * MASTER_RATE)
        k += 1
    bed = rng.standard_normal(n).astype(np.float32)
    bed = sosfiltfilt(butter(2, 800, fs=MASTER_RATE, output="sos"), bed).astype(np.float32)
    out += 0.01 * bed / (bed.std() + 1e-9)
    for t in rng.uniform(0, seconds - 0.1, int(seconds * 0.3)):  # claps, ~one every 3 s
        i = int(t * MASTER_RATE)
        m = min(960, n - i)
        out[i: i + m] += (rng.standard_normal(m) * np.exp(-np.arange(m) / 150.0) * 0.3).astype(
            np.float32)
    return out


@dataclass(frozen=True)
class Camera:
    """One camera's recording of an event: the window [start, start + duration) of the master."""

    name: str  # file name, extension included
    start: float
    duration: float
    vcodec: list[str] = field(default_factory=lambda: ["-c:v", "libx264", "-preset", "ultrafast"])
    acodec: list[str] = field(default_factory=lambda: ["-c:a", "aac", "-b:a", "96k"])
    sample_rate: int = 48000
    fps: str = "25"
    size: str = "160x120"
    snr_db: float | None = 20.0  # independent noise; None = none
    band: tuple[float, float] = (120.0, 7000.0)  # microphone response, zero-phase
    gain: float = 1.0
    audio: bool = True
    seed: int = 1


def write_wav(path: str, pcm: np.ndarray, rate: int) -> None:
    data = np.clip(pcm, -1.0, 1.0)
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((data * 32767).astype("<i2").tobytes())


def camera_audio(master: np.ndarray, cam: Camera) -> np.ndarray:
    """The camera's microphone signal at 48 kHz (before its encoder)."""
    i0 = int(round(cam.start * MASTER_RATE))
    n = int(round(cam.duration * MASTER_RATE))
    seg = master[max(0, i0): i0 + n].astype(np.float64)
    seg = np.concatenate([np.zeros(max(0, -i0)), seg, np.zeros(max(0, n - len(seg) - max(0, -i0)))])
    lo, hi = cam.band
    seg = sosfiltfilt(butter(2, [lo, min(hi, MASTER_RATE / 2 - 100)], btype="band", fs=MASTER_RATE,
                             output="sos"), seg)
    # a stream of its own: a test that draws other noise from default_rng(k) must never get this
    # camera's noise sample for sample (whitened correlation finds identical noise as shared sound)
    rng = np.random.default_rng([cam.seed, 0x5EED])
    if cam.snr_db is not None:
        noise = rng.standard_normal(len(seg))
        seg = seg + noise * seg.std() / 10 ** (cam.snr_db / 20.0)
    return (seg * cam.gain / (np.abs(seg).max() + 1e-9) * 0.7).astype(np.float32)


def encode(path: str, *, duration: float, fps: str, size: str, vcodec: list[str],
           audio: np.ndarray | None = None, audio_rate: int = 48000, acodec: list[str] = (),
           video_source: str | None = None) -> None:
    """Encode a clip: a lavfi picture (default: testsrc2) plus optional PCM audio."""
    source = video_source or f"testsrc2=size={size}:rate={fps}"
    args = [ffmpeg.find_binary("ffmpeg"), "-nostdin", "-v", "error", "-y",
            "-f", "lavfi", "-i", source]
    with tempfile.TemporaryDirectory() as tmp:
        if audio is not None:
            wav = os.path.join(tmp, "a.wav")
            write_wav(wav, audio, MASTER_RATE)
            args += ["-i", wav, "-map", "0:v", "-map", "1:a", *acodec, "-ar", str(audio_rate)]
        args += [*vcodec, "-pix_fmt", "yuv420p" if "mjpeg" not in vcodec else "yuvj420p",
                 "-t", f"{duration:.6f}", os.path.abspath(path)]
        subprocess.run(args, check=True)


def record(folder: str, master: np.ndarray, cam: Camera) -> str:
    """Write one camera's clip into ``folder``; return its path."""
    path = os.path.join(folder, cam.name)
    audio = camera_audio(master, cam) if cam.audio else None
    encode(path, duration=cam.duration, fps=cam.fps, size=cam.size, vcodec=cam.vcodec,
           audio=audio, audio_rate=cam.sample_rate, acodec=cam.acodec)
    return path


def record_event(folder: str, cams: list[Camera], *, seed: int) -> list[str]:
    """Record every camera of one event into ``folder`` from one master soundtrack, once: files that
    exist are kept (bench clips are minutes long). Returns the clips' paths."""
    paths = [os.path.join(folder, c.name) for c in cams]
    if not all(os.path.exists(p) for p in paths):
        os.makedirs(folder, exist_ok=True)
        print(f"  generating {len(cams)} clips in {folder} (once) ...", flush=True)
        master = master_audio(max(c.start + c.duration for c in cams) + 1.0, seed=seed)
        for c in cams:
            record(folder, master, c)
    return paths


def _ffprobe(path: str, *args: str) -> dict:
    out = subprocess.run([ffmpeg.find_binary("ffprobe"), "-v", "error", *args, "-of", "json", path],
                         capture_output=True, check=True, text=True).stdout
    return json.loads(out)


def first_audio_sample_time(path: str) -> float:
    """Clip time of the first decoded audio sample, read with ffprobe directly (not through syncam).

    Usually 0; Opus in WebM puts it 7 ms before the first video frame. A camera's true offset is
    ``Camera.start`` (where its sound starts) minus this.
    """
    audio = _ffprobe(path, "-select_streams", "a:0", "-read_intervals", "%+3",
                     "-show_entries", "frame=best_effort_timestamp_time")["frames"][0]
    video = _ffprobe(path, "-select_streams", "v:0", "-show_entries", "stream=start_time")["streams"][0]
    return float(audio["best_effort_timestamp_time"]) - float(video["start_time"])


# Codec/container presets for the cameras of the test events
H264_AAC = dict(vcodec=["-c:v", "libx264", "-preset", "ultrafast"],
                acodec=["-c:a", "aac", "-b:a", "96k"])
MJPEG_PCM = dict(vcodec=["-c:v", "mjpeg", "-q:v", "8"], acodec=["-c:a", "pcm_s16le"])
VP9_OPUS = dict(vcodec=["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "200k"],
                acodec=["-c:a", "libopus", "-b:a", "64k"])
MOV_H264_PCM = dict(vcodec=["-c:v", "libx264", "-preset", "ultrafast"], acodec=["-c:a", "pcm_s16le"])
MPEG4_MP3 = dict(vcodec=["-c:v", "mpeg4", "-q:v", "8"], acodec=["-c:a", "libmp3lame", "-b:a", "96k"])


# --- video: virtual cameras cut from real footage ----------------------------------------------------
# The *video master* is tests/data/bikes.mp4 (real street footage, 25 fps) played forwards then
# backwards: 499 frames, 19.96 s of real motion with no stretch repeated. A video camera films a window
# of it at its own frame rate (ffmpeg's `framerate` filter blends neighbouring master frames, so a
# 59.94 fps camera sees in-between moments), its own crop (zoom) and size, codec, exposure and noise.

MASTER_FPS = 25
MASTER_FRAMES = 499


def video_master(path: str, *, still: bool = False, flashes: tuple[tuple[float, float], ...] = (),
                 flash_gain: float = 0.25) -> str:
    """Write the video master to ``path`` (lossless H.264) and return it.

    ``still``: the first frame held for the whole length (a static scene: only light changes).
    ``flashes``: (start, length) seconds of master time during which the scene is brighter by
    ``flash_gain`` (a light switched on, a photo flash, a door opening onto daylight).
    """
    chain = "[0:v]split[f][b];[b]reverse,trim=start_frame=1,setpts=PTS-STARTPTS[r];" \
            "[f][r]concat=n=2:v=1,setpts=N/25/TB"
    if still:
        chain = f"[0:v]trim=end_frame=1,loop=loop={MASTER_FRAMES - 1}:size=1,setpts=N/25/TB"
    if flashes:
        when = "+".join(f"between(t,{t0:.3f},{t0 + length:.3f})" for t0, length in flashes)
        chain += f",eq=brightness={flash_gain}:enable='{when}'"
    subprocess.run([ffmpeg.find_binary("ffmpeg"), "-nostdin", "-v", "error", "-y",
                    "-i", os.path.join(DATA, "bikes.mp4"), "-filter_complex", chain + "[out]",
                    "-map", "[out]", "-r", str(MASTER_FPS), "-c:v", "libx264", "-preset", "ultrafast",
                    "-qp", "0", "-pix_fmt", "yuv420p", os.path.abspath(path)], check=True)
    return path


@dataclass(frozen=True)
class VideoCamera:
    """A camera filming the video master from master frame ``first_frame`` on.

    Its frames are at master times ``first_frame/25 + (skip + k)/fps``: ``skip`` gives sub-frame
    offsets between cameras of different rates. ``crop`` (x, y, w, h as fractions of the master
    picture) zooms in on part of the view.
    """

    name: str
    first_frame: int
    duration: float
    fps: str = "25"  # a fraction string: "30000/1001"
    skip: int = 0
    crop: tuple[float, float, float, float] = (0.0, 0.0, 1.0, 1.0)
    size: str = "320x136"
    vcodec: list[str] = field(default_factory=lambda: ["-c:v", "libx264", "-preset", "ultrafast"])
    look: str = ""  # more filters in camera time: exposure, noise, ...
    drop: float = 0.0  # fraction of frames dropped at random: a variable-frame-rate clip
    # a 25 fps camera whose frames fall this fraction of a frame after the master's (0 <= phase < 1)
    phase: float = 0.0

    @property
    def start(self) -> float:
        """Master time of the camera's first frame: its true offset on the master timeline."""
        return float(Fraction(self.first_frame, MASTER_FPS) + self.skip / Fraction(self.fps)
                     + Fraction(self.phase) / MASTER_FPS)


def film(folder: str, master: str, cam: VideoCamera, *, audio: np.ndarray | None = None,
         acodec: list[str] = ()) -> str:
    """Write ``cam``'s clip of the video master ``master`` into ``folder``, with optional 48 kHz
    PCM ``audio`` (its sound track, already cut to the camera's window); return its path."""
    x, y, w, h = cam.crop
    # a camera at another rate sees the scene between the master's frames: motion-compensated
    # interpolation puts moving things where they were at that instant, as a camera would. (Blending
    # two frames, ffmpeg's framerate filter, shows double images that no camera records, and they
    # pulled motion timing toward the master's frames by up to 11 ms.) Done at the camera's small
    # size, after the crop: it is the costly step.
    rate = (f"minterpolate=fps={cam.fps}:mi_mode=mci:mc_mode=aobmc:me_mode=bidir:scd=none,"
            if Fraction(cam.fps) != MASTER_FPS or cam.phase else "")
    if cam.phase:  # the master moved later by 1 - phase frames: its first new frame is at the phase
        assert Fraction(cam.fps) == MASTER_FPS and 0 < cam.phase < 1, "phase: 25 fps cameras only"
        rate = f"setpts=PTS+{(1 - cam.phase) / MASTER_FPS:.6f}/TB,{rate}setpts=PTS-STARTPTS,"
    chain = (f"[0:v]trim=start_frame={cam.first_frame},setpts=PTS-STARTPTS,"
             f"crop=trunc(iw*{w}/2)*2:trunc(ih*{h}/2)*2:iw*{x}:ih*{y},scale={cam.size},{rate}"
             f"trim=start_frame={cam.skip},setpts=PTS-STARTPTS")
    if cam.look:
        chain += "," + cam.look
    if cam.drop:
        chain += f",select='eq(n\\,0)+gte(random(0)\\,{cam.drop})'"  # keep frame 0: time zero stays
    path = os.path.join(folder, cam.name)
    args = [ffmpeg.find_binary("ffmpeg"), "-nostdin", "-v", "error", "-y", "-i", master,
            "-filter_complex", chain + "[v]"]
    with tempfile.TemporaryDirectory() as tmp:
        if audio is not None:
            wav = os.path.join(tmp, "a.wav")
            write_wav(wav, audio, MASTER_RATE)
            args += ["-i", wav, "-map", "1:a", *acodec]
        pix = "yuvj420p" if "mjpeg" in cam.vcodec else "yuv420p"
        timing = ["-fps_mode", "vfr"] if cam.drop else ["-fps_mode", "cfr", "-r", cam.fps]
        args += ["-map", "[v]", *cam.vcodec, "-pix_fmt", pix, *timing]
        args += ["-t", f"{cam.duration:.6f}", os.path.abspath(path)]
        subprocess.run(args, check=True)
    return path


# --- frame-coded clips: every frame carries its own number, readable back from pixels ------------------
# The picture is a CODE_COLS x CODE_ROWS grid of blocks, one bit each (bright = 1, mid-grey = 0), so
# that it survives scaling, letterboxing and lossy coding, and is never confused with a black tile.
CODE_COLS, CODE_ROWS = 4, 3
CODE_ON, CODE_OFF = 230, 90
FRAME_BITS = 10  # low bits: frame number (1024 frames); the bits above: the clip's id


def code_frame(value: int, width: int, height: int) -> np.ndarray:
    """An rgb24 picture (height, width, 3) showing ``value`` as CODE_COLS x CODE_ROWS bit blocks."""
    img = np.empty((height, width, 3), dtype=np.uint8)
    for bit in range(CODE_COLS * CODE_ROWS):
        r, c = divmod(bit, CODE_COLS)
        y0, y1 = r * height // CODE_ROWS, (r + 1) * height // CODE_ROWS
        x0, x1 = c * width // CODE_COLS, (c + 1) * width // CODE_COLS
        img[y0:y1, x0:x1] = CODE_ON if value >> bit & 1 else CODE_OFF
    return img


def block_levels(picture: np.ndarray) -> np.ndarray:
    """Mean brightness at the centre of each code block of a picture (the code's rectangle only)."""
    h, w = picture.shape[:2]
    grey = picture.astype(np.float32).mean(axis=2)
    out = np.empty(CODE_COLS * CODE_ROWS, dtype=np.float32)
    for bit in range(out.size):
        r, c = divmod(bit, CODE_COLS)
        y, x = int((r + 0.5) * h / CODE_ROWS), int((c + 0.5) * w / CODE_COLS)
        dy, dx = max(1, h // (CODE_ROWS * 6)), max(1, w // (CODE_COLS * 6))
        out[bit] = grey[y - dy: y + dy + 1, x - dx: x + dx + 1].mean()
    return out


def read_code(picture: np.ndarray) -> int:
    """The value shown by :func:`code_frame` in ``picture`` (cropped to the code's rectangle)."""
    levels = block_levels(picture)
    return int(sum(1 << bit for bit, v in enumerate(levels) if v > (CODE_ON + CODE_OFF) / 2))


def frame_coded_clip(path: str, *, fps: str, seconds: float, size: tuple[int, int], clip_id: int,
                     rotation: int = 0, audio: np.ndarray | None = None, audio_rate: int = 48000,
                     vcodec: list[str] = H264_AAC["vcodec"],
                     acodec: list[str] = H264_AAC["acodec"]) -> str:
    """Encode a clip whose frame k shows ``clip_id << FRAME_BITS | k`` (see :func:`code_frame`).

    ``size`` is the *displayed* (width, height). With ``rotation`` (90/180/270) the frames are stored
    turned the other way and the container's display matrix says to turn them back, as a phone does.
    ``audio``: mono PCM at MASTER_RATE, time zero with the first frame.
    """
    from fractions import Fraction

    n = int(seconds * Fraction(fps))
    if n >= 1 << FRAME_BITS:
        raise ValueError(f"{n} frames do not fit in {FRAME_BITS} bits")
    w, h = size
    ffmpeg_bin = ffmpeg.find_binary("ffmpeg")
    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, "frames.rgb")
        with open(raw, "wb") as fh:
            for k in range(n):
                fh.write(np.ascontiguousarray(
                    np.rot90(code_frame(clip_id << FRAME_BITS | k, w, h), -rotation // 90)).tobytes())
        sw, sh = (h, w) if rotation % 180 == 90 else (w, h)
        encoded = os.path.join(tmp, "clip" + os.path.splitext(path)[1]) if rotation else path
        args = [ffmpeg_bin, "-nostdin", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24",
                "-s", f"{sw}x{sh}", "-r", fps, "-i", raw]
        if audio is not None:
            wav = os.path.join(tmp, "a.wav")
            write_wav(wav, audio, MASTER_RATE)
            args += ["-i", wav, "-map", "0:v", "-map", "1:a", *acodec, "-ar", str(audio_rate)]
        args += [*vcodec, "-pix_fmt", "yuv420p", "-t", f"{float(n / Fraction(fps)):.6f}",
                 os.path.abspath(encoded)]
        subprocess.run(args, check=True)
        if rotation:  # ffmpeg 5.1 writes the display matrix from this tag only when copying streams
            subprocess.run([ffmpeg_bin, "-nostdin", "-v", "error", "-y", "-i", encoded, "-map", "0",
                            "-c", "copy", "-metadata:s:v:0", f"rotate={rotation}",
                            os.path.abspath(path)], check=True)
    return path


def drift_ratio(ppm: float) -> Fraction:
    """Exact up/down ratio that turns the master into a clock running ``ppm`` fast (types.py map).

    A camera whose time map is ``timeline = start + t * (1 + ppm 1e-6)`` takes its sample k at master
    time ``start + k / rate * (1 + ppm 1e-6)``: the master resampled by 1 / (1 + ppm 1e-6).
    """
    return 1 / (1 + Fraction(ppm).limit_denominator(1000) / 1_000_000)


def drifting_audio(master: np.ndarray, cam: Camera, ppm: float) -> np.ndarray:
    """``camera_audio`` of a camera whose clock drifts by ``ppm``: exact polyphase resampling."""
    r = drift_ratio(ppm)
    longer = Camera(**{**cam.__dict__, "duration": cam.duration * (1 + abs(ppm) * 1e-6) + 0.1})
    seg = camera_audio(master, longer).astype(np.float64)
    out = resample_poly(seg, r.numerator, r.denominator) if ppm else seg
    return out[: int(round(cam.duration * MASTER_RATE))].astype(np.float32)
