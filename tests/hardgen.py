"""Hard recording conditions, built from the real recordings in tests/data (used by tests and bench).

Each condition is a list of :class:`Take`: a clip's sound at 48 kHz, its true offset on the timeline
(``None``: it belongs to no other clip and must stay unplaced), and how it is encoded. Rooms are
synthesised impulse responses (Polack's statistical model, the standard one for late reverberation):
a direct path, then exponentially decaying Gaussian noise with the room's RT60, scaled so that the
direct path stands at a chosen direct-to-reverberant ratio. The direct path is put at sample 0 of
every response, so a camera's sound has no acoustic delay and its true offset is exact; acoustic delay
is a separate effect (A/V lag), not what these tests are about.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.signal import butter, fftconvolve, resample_poly, sosfiltfilt

from syncam.media import ffmpeg
from tests import mediagen

RATE = mediagen.MASTER_RATE
DATA = os.path.join(mediagen.DATA, "librosa")

# encoders by container: (extension, ffmpeg audio arguments)
AAC_M4A = (".m4a", ["-c:a", "aac", "-b:a", "96k"])
MP3 = (".mp3", ["-c:a", "libmp3lame", "-b:a", "64k"])
OPUS_OGG = (".opus", ["-c:a", "libopus", "-b:a", "32k"])
PCM_WAV = (".wav", ["-c:a", "pcm_s16le"])
FLAC_MKV = (".mkv", ["-c:a", "flac"])
GSM_WAV = (".wav", ["-c:a", "libgsm_ms", "-ar", "8000", "-ac", "1"])  # Microsoft GSM 6.10
VORBIS_OGG = (".ogg", ["-c:a", "libvorbis", "-q:a", "2"])


@lru_cache(maxsize=32)
def sound(name: str) -> np.ndarray:
    """A real recording from tests/data/librosa (or tests/data), mono float32 at 48 kHz, peak 0.5."""
    path = os.path.join(DATA, name)
    if not os.path.exists(path):
        path = os.path.join(mediagen.DATA, name)
    x = ffmpeg.decode_audio(path, RATE, 0, 200.0)
    return (x / (np.abs(x).max() + 1e-9) * 0.5).astype(np.float32)


SPEECH = ("reader_198.ogg", "reader_3436.ogg", "reader_5703.ogg", "timbl_1.mp3")
MUSIC = ("lets_go_fishin.ogg", "sugar_plum_fairy.ogg", "vibe_ace.ogg", "hungarian_dance_5.ogg")


@dataclass(frozen=True)
class Take:
    name: str  # file name without extension
    pcm: np.ndarray  # 48 kHz mono float32
    truth: float | None  # offset of its first sample on the timeline; None: belongs to no other clip
    codec: tuple[str, list[str]] = AAC_M4A


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64))) + 1e-12)


def mix(signal: np.ndarray, other: np.ndarray, snr_db: float) -> np.ndarray:
    """``signal`` plus ``other`` scaled to ``snr_db`` below it (other is tiled/cut to length)."""
    reps = int(np.ceil(len(signal) / max(1, len(other))))
    o = np.tile(other, reps)[: len(signal)]
    return signal + o * (rms(signal) / rms(o) / 10 ** (snr_db / 20.0))


def normalise(x: np.ndarray, peak: float = 0.7) -> np.ndarray:
    return (x / (np.abs(x).max() + 1e-9) * peak).astype(np.float32)


def room(rt60: float, drr_db: float, seed: int, seconds: float | None = None) -> np.ndarray:
    """Impulse response: direct path at 0, then a Polack tail (RT60 ``rt60``) ``drr_db`` relative."""
    rng = np.random.default_rng(seed)
    n = int((seconds or rt60 * 1.2) * RATE)
    t = np.arange(n) / RATE
    tail = rng.standard_normal(n) * np.exp(-6.9078 * t / rt60)
    tail[: int(0.004 * RATE)] = 0.0  # first reflections arrive a few ms after the direct path
    h = tail / np.sqrt(np.sum(tail ** 2)) * 10 ** (-drr_db / 20.0)
    h[0] += 1.0
    return h.astype(np.float32)


def reverberate(x: np.ndarray, h: np.ndarray) -> np.ndarray:
    return fftconvolve(x, h)[: len(x)].astype(np.float32)


def band(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    return sosfiltfilt(butter(4, [lo, hi], btype="band", fs=RATE, output="sos"), x).astype(np.float32)


VOICES = 64  # distinct talkers babble() can make from the speech above (source x direction x speed)


def babble(seconds: float, talkers: int, first: int, voices: tuple[str, ...] = SPEECH) -> np.ndarray:
    """Several people talking at once: talkers ``first`` .. ``first + talkers - 1``.

    Talker k is one real reader (or the interviewee), forwards or reversed, at one of eight speeds
    5 % apart, starting at its own point: two different talker numbers (below VOICES) never share a
    stretch of sound, so cameras given different numbers hear unrelated babble.
    """
    n = int(seconds * RATE)
    out = np.zeros(n, np.float32)
    for k in range(first, first + talkers):
        k %= VOICES
        src = sound(voices[k % len(voices)])
        rest = k // len(voices)
        reverse, speed = rest % 2, 0.825 + 0.05 * ((rest // 2) % 8)
        v = resample_poly(src, 200, int(round(200 * speed))).astype(np.float32)
        if reverse:
            v = v[::-1].copy()
        shift = int((k * 0.618 % 1.0) * len(v))
        v = np.roll(np.tile(v, int(np.ceil(n / len(v))) + 1), -shift)[:n]
        out += v / rms(v)
    return out


def wind(seconds: float, seed: int) -> np.ndarray:
    """Wind on a microphone: gusty low-frequency rumble, loudest under 200 Hz."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    w = sosfiltfilt(butter(2, 150, fs=RATE, output="sos"), rng.standard_normal(n))
    gust = sosfiltfilt(butter(1, 0.5, fs=RATE, output="sos"), rng.standard_normal(n))
    return (w * (1.0 + 3.0 * np.abs(gust) / (np.abs(gust).max() + 1e-9))).astype(np.float32)


def cut(master: np.ndarray, start: float, seconds: float) -> np.ndarray:
    i = int(round(start * RATE))
    return master[i: i + int(round(seconds * RATE))].copy()


def concert(seconds: float) -> np.ndarray:
    """A performance: the song, then orchestral music, without a repeat."""
    parts = [sound("lets_go_fishin.ogg"), sound("sugar_plum_fairy.ogg")]
    return np.concatenate(parts)[: int(seconds * RATE)]


# --- the conditions of issue 8 ----------------------------------------------------------------------

def hall() -> list[Take]:
    """1. Distant microphones in a reverberant hall (RT60 1.2-2 s, direct path 4-10 dB under the
    reverberation), a babble of 5-7 talkers near each at -5..0 dB SNR; one camera in wind, one
    clipped."""
    master = concert(80.0)
    setups = [  # name, start, length, rt60, drr, babble snr, extra, codec
        ("hall_a", 0.0, 45.0, 1.5, -4.0, 0.0, None, AAC_M4A),
        ("hall_b", 12.3, 40.0, 1.8, -8.0, -3.0, None, MP3),
        ("hall_c", 25.71, 38.0, 2.0, -10.0, -5.0, None, OPUS_OGG),
        ("hall_wind", 6.45, 40.0, 1.2, -6.0, -3.0, "wind", PCM_WAV),
        ("hall_clip", 18.02, 35.0, 1.6, -6.0, -2.0, "clip", AAC_M4A),
    ]
    takes = []
    for k, (name, start, length, rt60, drr, snr, extra, codec) in enumerate(setups):
        x = reverberate(cut(master, start, length + rt60),
                        room(rt60, drr, seed=10 + k))[: int(length * RATE)]
        x = mix(x, babble(length, 5 + k % 3, first=8 * k), snr)
        if extra == "wind":
            x = mix(x, wind(length, seed=30 + k), -6.0)
        if extra == "clip":
            x = np.clip(normalise(x) * 6.0, -0.7, 0.7)
        takes.append(Take(name, normalise(x), start, codec))
    return takes


def phone() -> list[Take]:
    """2. A call-quality phone track (GSM at 8 kHz, 300-3400 Hz, noisy) beside two cameras."""
    master = concert(70.0)
    room_a = reverberate(cut(master, 0.0, 50.0), room(0.8, 0.0, seed=1))
    a = mix(room_a, babble(50.0, 3, first=0), 6.0)
    b = mix(reverberate(cut(master, 9.87, 45.0), room(0.8, -3.0, seed=3)), babble(45.0, 4, first=3), 3.0)
    p = band(cut(master, 21.4, 30.0), 300.0, 3400.0)
    p = mix(p, np.random.default_rng(5).standard_normal(len(p)).astype(np.float32), 5.0)
    return [Take("phone_cam_a", normalise(a), 0.0, AAC_M4A),
            Take("phone_cam_b", normalise(b), 9.87, FLAC_MKV),
            Take("phone_gsm", normalise(p), 21.4, GSM_WAV)]


def short_shared() -> list[Take]:
    """3. 60 s clips sharing only a 5 s burst of music (a PA announcement), 3-10 dB under each
    camera's own unrelated sound (its own talkers and music; never the PA's piece)."""
    pa = cut(sound("hungarian_dance_5.ogg"), 10.0, 5.0)
    length = 60.0
    takes = []
    for k, (at, under, codec) in enumerate([(20.0, 3.0, AAC_M4A), (33.5, 6.0, MP3),
                                            (8.25, 10.0, OPUS_OGG)]):
        own = babble(length, 2, first=2 * k) + 0.5 * np.resize(
            sound(MUSIC[k]), int(length * RATE)) / rms(sound(MUSIC[k])) * 0.05
        own = own.astype(np.float32)
        i = int(at * RATE)
        seg = own[i: i + len(pa)]
        own[i: i + len(pa)] = seg + pa * (rms(seg) / rms(pa) / 10 ** (under / 20.0))
        # the burst is at timeline 100; the clip's first sample is `at` seconds before it
        takes.append(Take(f"short_{k}", normalise(own), 100.0 - at, codec))
    return takes


def loop(transients: bool = True) -> list[Take]:
    """4. A trumpet loop repeated for 80 s; with ``transients``, four real sounds that differ (a
    robin, a spoken phrase, two claps-like bursts) are heard once each by every camera."""
    bar = sound("trumpet_loop.ogg")
    master = np.tile(bar, int(np.ceil(85.0 * RATE / len(bar))))[: int(85.0 * RATE)].copy()
    rng = np.random.default_rng(7)
    if transients:
        events = [(12.3, sound("robin.ogg")), (31.7, cut(sound("r4_excerpt.ogg"), 0.5, 1.5)),
                  (50.2, cut(sound("reader_198.ogg"), 2.0, 1.2)),
                  (66.9, cut(sound("robin.ogg"), 0.3, 1.0))]
        for at, ev in events:
            i = int(at * RATE)
            master[i: i + len(ev)] += ev * 1.2
    takes = []
    for k, (start, length, codec) in enumerate([(0.0, 75.0, AAC_M4A), (4.37, 70.0, MP3),
                                                (9.91, 68.0, PCM_WAV)]):
        x = cut(master, start, length)
        x = x + rng.standard_normal(len(x)).astype(np.float32) * rms(x) * 0.05
        takes.append(Take(f"loop_{'live' if transients else 'bare'}_{k}", normalise(x), start, codec))
    return takes


def short_clips() -> list[Take]:
    """5. Clips of 4-5 s that share all their sound with a longer clip."""
    master = concert(60.0)
    takes = [Take("long", normalise(mix(cut(master, 0.0, 50.0), babble(50.0, 2, first=0), 12.0)), 0.0,
                  AAC_M4A)]
    for k, (start, length, codec) in enumerate([(7.31, 4.5, MP3), (22.06, 4.2, OPUS_OGG),
                                                (38.5, 4.8, PCM_WAV)]):
        x = mix(cut(master, start, length), babble(length, 2, first=2 + 2 * k), 10.0)
        takes.append(Take(f"short_clip_{k}", normalise(x), start, codec))
    return takes


def chain() -> list[Take]:
    """6. Eight cameras in a row, neighbours sharing about 10 s, and one camera from another event.

    The event's sound never repeats (the broadcast interview at changing speeds, tests/mediagen.py):
    a song whose chorus repeats note for note would make two placements equally true (README, Limits).
    """
    master = mediagen.master_audio(120.0, seed=6)
    takes = []
    codecs = [AAC_M4A, MP3, OPUS_OGG, PCM_WAV, FLAC_MKV, VORBIS_OGG, AAC_M4A, MP3]
    readers = SPEECH[:3]  # the talkers near each camera are not the interviewee
    for k in range(8):
        start = k * 12.0 + (0.37 * k) % 1.0
        x = mix(cut(master, start, 22.0), babble(22.0, 2, first=2 * k, voices=readers), 6.0)
        takes.append(Take(f"chain_{k}", normalise(x), start, codecs[k]))
    other = mix(cut(sound("humpback.ogg"), 5.0, 30.0), babble(30.0, 2, first=16, voices=readers), 6.0)
    takes.append(Take("chain_other_event", normalise(other), None, AAC_M4A))
    return takes


def unrelated() -> list[Take]:
    """7. Real recordings of many lengths that do not belong together: none may be placed."""
    rng = np.random.default_rng(8)
    t = np.arange(int(20.0 * RATE)) / RATE
    hum = (0.01 * np.sin(2 * np.pi * 50.0 * t) + 0.004 * np.sin(2 * np.pi * 150.0 * t)
           + 0.002 * rng.standard_normal(len(t))).astype(np.float32)
    return [Take("null_reader", normalise(sound("reader_198.ogg")), 0.0, AAC_M4A),
            Take("null_jazz", normalise(cut(sound("vibe_ace.ogg"), 5.0, 45.0)), None, MP3),
            Take("null_whale", normalise(sound("humpback.ogg")), None, OPUS_OGG),
            Take("null_robin", normalise(sound("robin.ogg")), None, PCM_WAV),
            Take("null_hum", hum, None, FLAC_MKV),
            Take("null_babble", normalise(babble(30.0, 4, first=40)), None, VORBIS_OGG),
            Take("null_reader2", normalise(sound("reader_5703.ogg")), None, AAC_M4A)]


CONDITIONS = {"hall": hall, "phone": phone, "short_shared": short_shared, "loop_live": loop,
              "loop_bare": lambda: loop(False), "short_clips": short_clips, "chain": chain,
              "unrelated": unrelated}


def write(folder: str, takes: list[Take]) -> list[str]:
    """Encode every take into ``folder`` (once: existing files are kept); return their paths."""
    os.makedirs(folder, exist_ok=True)
    paths = []
    for t in takes:
        ext, args = t.codec
        path = os.path.join(folder, t.name + ext)
        if not os.path.exists(path):
            encode_audio(path, t.pcm, args)
        paths.append(path)
    return paths


def encode_audio(path: str, pcm: np.ndarray, args: list[str]) -> None:
    """Encode 48 kHz mono PCM with ffmpeg (atomically: a killed run leaves no half file)."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        wav = os.path.join(tmp, "a.wav")
        mediagen.write_wav(wav, pcm, RATE)
        part = os.path.join(os.path.dirname(path), ".part-" + os.path.basename(path))
        subprocess.run([ffmpeg.find_binary("ffmpeg"), "-nostdin", "-v", "error", "-y", "-i", wav,
                        *args, "-f", _format(path), part], check=True)
        os.replace(part, path)


def _format(path: str) -> str:
    return {".m4a": "ipod", ".mp3": "mp3", ".opus": "ogg", ".ogg": "ogg", ".wav": "wav",
            ".mkv": "matroska"}[os.path.splitext(path)[1]]
