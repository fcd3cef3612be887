"""Landmark fingerprints (signals/landmarks.py) and the voting index (sync/index.py) on numpy arrays.

The sound is synthetic and seeded: a scene of random notes (harmonic tones), chirps and noise bursts at
16 kHz, brought to 8 kHz the way a decoder would. One slow test uses real speech through real codecs.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from scipy.signal import fftconvolve, resample_poly

from syncam import config
from syncam.cache import SignatureCache
from syncam.signals.landmarks import Landmarker, landmarks
from syncam.sync.index import vote
from syncam.types import Clip, Method, Signature

SR = 16000  # the scenes' rate; clips are resampled to config.AUDIO_RATE
HOP = config.LANDMARK_HOP / config.AUDIO_RATE


def scene(seconds: float, seed: int) -> np.ndarray:
    """Six random sound events a second: harmonic notes, chirps, decaying noise bursts."""
    rng = np.random.default_rng(seed)
    out = np.zeros(int(seconds * SR) + SR, np.float64)
    for _ in range(int(seconds * 6)):
        at, dur, amp = rng.uniform(0, seconds), rng.uniform(0.08, 0.4), rng.uniform(0.05, 0.5)
        t = np.arange(int(dur * SR)) / SR
        kind = rng.integers(3)
        if kind == 0:
            f0 = rng.uniform(150, 1200)
            x = sum(np.sin(2 * np.pi * f0 * h * t) / h for h in (1, 2, 3))
        elif kind == 1:
            f1, f2 = rng.uniform(300, 3500, 2)
            x = np.sin(2 * np.pi * (f1 * t + (f2 - f1) * t ** 2 / (2 * dur)))
        else:
            x = rng.standard_normal(len(t)) * np.exp(-t / 0.03)
        x = x * np.hanning(len(t)) * amp
        i = int(at * SR)
        out[i: i + len(x)] += x
    return out[: int(seconds * SR)].astype(np.float32)


def to_8k(x: np.ndarray, via_44k: bool = False) -> np.ndarray:
    """Resample to 8 kHz, directly or through 44.1 kHz (another device's path)."""
    if via_44k:
        x = resample_poly(x, 441, 160)
        return resample_poly(x, 80, 441).astype(np.float32)
    return resample_poly(x, 1, 2).astype(np.float32)


def degrade(x: np.ndarray, seed: int, snr_db: float = 5.0) -> np.ndarray:
    """A room (RT60 0.6 s, direct path level with the reverberation), someone else's sound 5 dB under
    it, a gain of 0.2."""
    rng = np.random.default_rng(seed)
    n = int(0.7 * SR)
    h = rng.standard_normal(n) * np.exp(-6.9 * np.arange(n) / SR / 0.6)
    h = h / np.sqrt(np.sum(h ** 2))
    h[0] += 1.0
    y = fftconvolve(x, h)[: len(x)]
    other = scene(len(x) / SR + 1, seed + 1000)[: len(x)]
    y = y + other * np.sqrt(np.mean(y ** 2) / np.mean(other ** 2)) / 10 ** (snr_db / 20)
    return (0.2 * y / np.abs(y).max()).astype(np.float32)


def cut(x: np.ndarray, start: float, seconds: float) -> np.ndarray:
    return x[int(start * SR): int(start * SR) + int(seconds * SR)]


def test_streaming_in_random_pieces_gives_the_landmarks_of_one_feed() -> None:
    x = to_8k(scene(40, seed=1))
    whole = landmarks(x)
    rng = np.random.default_rng(2)
    lm = Landmarker(config.AUDIO_RATE)
    i, state = 0, 0
    while i < len(x):
        n = int(rng.choice([1, 7, 255, 256, 511, 4000, 33333]))
        lm.feed(x[i: i + n])
        i += n
        state = max(state, len(lm.pcm) + lm.rows.size + lm.peaks.size)
    parts = lm.result()
    assert len(whole) > 100 * 40  # dense enough for short clips: > 100 landmarks a second
    assert np.array_equal(parts.hashes, whole.hashes) and np.array_equal(parts.times, whole.times)
    assert parts.frames == whole.frames == (len(x) - config.LANDMARK_FRAME) // config.LANDMARK_HOP + 1
    assert parts.hashes.dtype == np.uint32 and int(parts.hashes.max()) < 1 << config.LANDMARK_HASH_BITS
    assert np.all(np.diff(parts.times) >= 0)
    # state between feeds stays bounded: under a block of PCM and of spectrogram (~16 s), not 40 s
    assert state < lm.block * (config.LANDMARK_HOP + 2 * lm.rows.shape[1]) + 8000


def test_silence_gives_no_landmarks() -> None:
    marks = landmarks(np.zeros(8000 * 5, np.float32))
    assert len(marks) == 0 and marks.frames > 0
    assert vote([marks, landmarks(to_8k(scene(5, 3)))]) == []


def test_a_degraded_recording_votes_for_its_lag() -> None:
    master = scene(40, seed=5)
    a = to_8k(cut(master, 2.0, 25.0))
    # b starts 5.3 s after a (+ a few ms, not a whole hop), in another room, noisy, quiet, resampled
    b = to_8k(degrade(cut(master, 7.3 + 0.011, 25.0), seed=6), via_44k=True)
    votes = vote([landmarks(a), landmarks(b, start=0.25)])
    assert votes and (votes[0].a, votes[0].b) == (0, 1)
    # lag = offset_b - offset_a: a sound at a's time ta and b's tb gives ta - tb = 5.311 + b's start
    assert abs(votes[0].lag - (5.311 - 0.25)) < HOP
    assert votes[0].significance >= config.INDEX_MIN_SIGNIFICANCE + 10
    assert votes[0].votes > 4 * votes[0].runner_up


def test_unrelated_recordings_stay_below_the_threshold() -> None:
    marks = [landmarks(to_8k(scene(s, seed=100 + k))) for k, s in enumerate([3, 10, 30, 60, 20])]
    everything = vote(marks, min_significance=-np.inf)
    assert everything  # chance coincidences exist ...
    assert max(v.significance for v in everything) < config.INDEX_MIN_SIGNIFICANCE  # ... weakly
    assert vote(marks) == []


def test_a_sound_replayed_twice_gives_the_pair_two_lags() -> None:
    jingle = 3 * scene(6, seed=20)  # a PA: louder than the room's own sound
    a = scene(30, seed=21)
    a[5 * SR: 11 * SR] += jingle  # played at 5 s and at 20 s of clip a
    a[20 * SR: 26 * SR] += jingle
    b = scene(15, seed=22)
    b[8 * SR: 14 * SR] += jingle  # heard at 8 s of clip b
    votes = vote([landmarks(to_8k(a)), landmarks(to_8k(degrade(b, seed=23, snr_db=10)))])
    lags = sorted(v.lag for v in votes[:2])
    assert len(votes) == 2, votes
    assert abs(lags[0] - (5 - 8)) < HOP and abs(lags[1] - (20 - 8)) < HOP
    assert min(v.votes for v in votes) >= 2 * max(v.expected for v in votes) + 4


def test_a_hundred_clips_vote_for_their_true_pairs_only() -> None:
    """20 events of 5 clips (10 s each, within 16 s of the event, so any two share >= 4 s): the
    index names the 200 pairs that share sound, with their lags, and almost none of the 4750 others
    (the threshold was calibrated on 960 null pairs; 4750 give chance more tries)."""
    marks, where = [], []
    rng = np.random.default_rng(30)
    for event in range(20):
        master = scene(16, seed=200 + event)
        for k in range(5):
            start = float(rng.uniform(0, 6))
            clip = cut(master, start, 10.0)
            if k % 2:
                clip = degrade(clip, seed=300 + 5 * event + k, snr_db=10)
            marks.append(landmarks(to_8k(clip)))
            where.append((event, start))
    votes = vote(marks)
    pairs = {(v.a, v.b) for v in votes}
    true = {(a, b) for a in range(100) for b in range(a + 1, 100) if where[a][0] == where[b][0]}
    assert true <= pairs and len(pairs - true) <= 3
    best = {}
    for v in votes:
        best.setdefault((v.a, v.b), v)
    for (a, b) in true:
        v = best[(a, b)]
        assert abs(v.lag - (where[b][1] - where[a][1])) < HOP


def test_the_signature_cache_keeps_the_landmarks(tmp_path: str) -> None:
    marks = landmarks(to_8k(scene(5, seed=40)), start=0.125)
    media = os.path.join(str(tmp_path), "clip.wav")
    with open(media, "wb") as fh:
        fh.write(b"x")
    clip = Clip(path=media, container="wav", duration=5.0, start=0.0, size=1, mtime=1.0)
    sig = Signature(method=Method.AUDIO, rate=2000.0, start=0.125, values=np.zeros(10, np.float32),
                    landmarks=marks)
    cache = SignatureCache(str(tmp_path))
    cache.put(clip, Method.AUDIO, {"v": 1}, sig)
    back = cache.get(clip, Method.AUDIO, {"v": 1})
    assert back is not None and back.landmarks is not None
    assert np.array_equal(back.landmarks.hashes, marks.hashes)
    assert np.array_equal(back.landmarks.times, marks.times)
    assert (back.landmarks.hop, back.landmarks.frames, back.landmarks.start) == (
        marks.hop, marks.frames, 0.125)


@pytest.mark.slow
@pytest.mark.parametrize("codec", ["aac", "gsm"])
def test_real_speech_through_a_codec_votes_its_lag(codec: str, tmp_path: str) -> None:
    from syncam.media import ffmpeg
    from syncam.media.probe import probe
    from syncam.pipeline import audio_signature_of
    from tests import hardgen

    speech = hardgen.sound("timbl_1.mp3")
    r = hardgen.RATE
    a = hardgen.mix(speech[: 30 * r], hardgen.babble(30.0, 3, first=0), 6.0)
    b = hardgen.reverberate(speech[int(8.4 * r): int(8.4 * r) + 25 * r], hardgen.room(0.6, 0.0, 2))
    b = hardgen.mix(b, hardgen.babble(25.0, 3, first=9), 6.0)
    args = {"aac": hardgen.AAC_M4A, "gsm": hardgen.GSM_WAV}[codec]
    paths = []
    for name, x, enc in (("a", a, hardgen.MP3), ("b", b, args)):
        paths.append(os.path.join(str(tmp_path), name + enc[0]))
        hardgen.encode_audio(paths[-1], hardgen.normalise(x), enc[1])
    marks = [landmarks(ffmpeg.decode_audio(p, config.AUDIO_RATE, 0, 40.0)) for p in paths]
    # the audio signature carries the same landmarks, made while ffmpeg streams the sound
    sig = audio_signature_of(probe(paths[1]))
    assert sig.landmarks is not None and np.array_equal(sig.landmarks.hashes, marks[1].hashes)
    assert sig.landmarks.start == sig.start
    votes = vote(marks)
    assert votes and abs(votes[0].lag - 8.4) < 0.05  # the decoders' own delays are a few ms
    assert votes[0].significance >= config.INDEX_MIN_SIGNIFICANCE
