"""Events whose sound repeats, built from the real recordings in tests/data (issue 19; tests and bench).

An event is a *master* timeline of real sound heard once (read speech, the broadcast interview, a
song and a string orchestra, as a foreground voice over a crowd of two more) in which a PA replays
short real jingles *verbatim*: the same samples at several times. While the PA plays, the hall is
quiet, so a replay's seconds hold nothing but the jingle. Each phone records a stretch of the master
through its own room (tests/hardgen.py's impulse responses), one talker near it (hardgen.babble: heard
by that phone only), its own microphone noise, and one of the codecs below.

Sound that happens once comes from a *tape* of the real recordings: every recording once in each of
26 variants (forwards or reversed, at 13 speeds 5 % apart, each 2.5 % off the speeds babble() uses),
handed out piece by piece, never twice. So the only sound any two stretches of an event share is a
replay (or, in playback_takes, the playback song).

Every event comes with its truth (:class:`Truth`): each clip's place (the master time of its first
sample), and its *role*, computed from the layout (:func:`classify`) rather than written by hand:
  placed     its overlaps hold >= LINK seconds of sound heard once, linking it to the reference:
             it must be placed, within 1 ms;
  ambiguous  it shares with the placed clips only replayed seconds: it must stay unplaced, and its
             ``candidates`` (master times) are where the replays would put it, the true one included;
  unrelated  a recording of another event: it must stay unplaced, matching nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from functools import lru_cache

import numpy as np
from scipy.signal import fftconvolve, resample_poly

from syncam.media import ffmpeg
from tests import hardgen
from tests.hardgen import (
    AAC_M4A,
    FLAC_MKV,
    GSM_WAV,
    MP3,
    OPUS_OGG,
    PCM_WAV,
    RATE,
    VORBIS_OGG,
    Take,
)

VERSION = 1  # of the generator: cached folders written by another version are built again
LINK = 10.0  # seconds of sound heard once two clips must share to count as linked
PLACED, AMBIGUOUS, UNRELATED = "placed", "ambiguous", "unrelated"
CODECS = (AAC_M4A, MP3, OPUS_OGG, VORBIS_OGG, FLAC_MKV, PCM_WAV, GSM_WAV)
FADE = 0.03  # seconds: the hall falls quiet (and wakes) this fast around a replay

# --- what the PA replays ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Jingle:
    """A cut of a real recording, replayed sample for sample."""

    source: str
    at: float  # seconds into the source
    seconds: float

    def pcm(self) -> np.ndarray:
        x = hardgen.cut(hardgen.sound(self.source), self.at, self.seconds)
        fade = int(0.01 * RATE)
        x[:fade] *= np.linspace(0.0, 1.0, fade, dtype=np.float32)
        x[-fade:] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)
        return x / hardgen.rms(x) * 0.12


# Checked for sound repeated inside them (whitened correlation of 3 s windows against the rest of the
# recording): none of these cuts contains a second copy of itself. vibe_ace.ogg is built of loops
# copied sample for sample (3.69 and 7.38 s apart) and sugar_plum_fairy.ogg repeats its first 15 s,
# so neither is on the tape; a cut of vibe_ace would bring extra true repeats into every jingle.
FANFARE = Jingle("sugar_plum_fairy.ogg", 40.0, 8.0)  # long enough for a 6 s phone inside it
STRINGS = Jingle("hungarian_dance_5.ogg", 12.0, 5.0)
TRUMPET = Jingle("trumpet_loop.ogg", 0.6, 4.0)
SONG = Jingle("lets_go_fishin.ogg", 38.0, 26.0)  # the playback track of a music-video shoot


@dataclass(frozen=True)
class Replay:
    jingle: Jingle
    at: float  # master time of its first sample (a whole number of samples)

    @property
    def end(self) -> float:
        return self.at + self.jingle.seconds


# --- sound heard once ---------------------------------------------------------------------------------

SPEEDS = tuple(round(0.75 + 0.05 * k, 2) for k in range(13))  # babble(): 0.825 + 0.05 k
# (recording, first second, last second): the song without its chorus (30-34 s returns at 83-87 s)
TAPE = (("reader_198.ogg", 0.0, 13.9), ("timbl_1.mp3", 0.0, 48.0), ("lets_go_fishin.ogg", 0.0, 28.0),
        ("reader_3436.ogg", 0.0, 16.7), ("hungarian_dance_5.ogg", 0.0, 40.0),
        ("reader_5703.ogg", 0.0, 14.8), ("lets_go_fishin.ogg", 36.0, 128.0),
        ("r4_excerpt.ogg", 0.0, 4.4))
REPLAYED = {j.source for j in (FANFARE, STRINGS, TRUMPET, SONG)}  # never on the tape as they are


@dataclass(frozen=True)
class Piece:
    """Seconds [lo, hi) of a recording, played forwards or reversed at a speed."""

    source: str
    lo: float
    hi: float
    reverse: bool
    speed: float

    @property
    def seconds(self) -> float:
        return (self.hi - self.lo) / self.speed


@lru_cache(maxsize=64)
def piece_pcm(p: Piece) -> np.ndarray:
    """The piece at 48 kHz, faded in and out, RMS 1."""
    x = hardgen.cut(hardgen.sound(p.source), p.lo, p.hi - p.lo)
    if p.reverse:
        x = x[::-1]
    ratio = Fraction(1.0 / p.speed).limit_denominator(60)
    x = resample_poly(x, ratio.numerator, ratio.denominator).astype(np.float32)
    fade = min(len(x) // 2, int(0.02 * RATE))
    if fade:
        ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
        x[:fade] *= ramp
        x[-fade:] *= ramp[::-1]
    return x / hardgen.rms(x)


class Tape:
    """Hands out pieces of real sound, none twice (see the module docstring)."""

    def __init__(self) -> None:
        self._variants: Iterator[tuple[str, float, float, bool, float]] = iter([
            (src, lo, hi, rev, speed) for speed in sorted(SPEEDS, key=lambda s: abs(s - 1.0))
            for rev in (False, True) for src, lo, hi in TAPE
            if not (src in REPLAYED and not rev and speed == 1.0)])
        self._current = next(self._variants)
        self._pos = self._current[1]

    def take(self, seconds: float) -> Piece:
        """Up to ``seconds`` of sound (less at the end of a recording; at least 0.5 s)."""
        src, _, hi, rev, speed = self._current
        if hi - self._pos < 0.5 * speed:
            self._current = next(self._variants)  # StopIteration: the tape is used up
            self._pos = self._current[1]
            return self.take(seconds)
        end = min(hi, self._pos + seconds * speed)
        lo, self._pos = self._pos, end
        if rev:  # a reversed variant plays the recording from its end
            lo, end = self._current[1] + hi - end, self._current[1] + hi - lo
        return Piece(src, round(lo, 4), round(end, 4), rev, speed)


@dataclass
class Master:
    """An event's sound: pieces of tape placed in time, replays, and stretches of quiet."""

    seconds: float
    pieces: list[tuple[float, float, Piece]] = field(default_factory=list)  # (at, gain, piece)
    replays: list[Replay] = field(default_factory=list)
    quiet: list[tuple[float, float]] = field(default_factory=list)

    def lay(self, tape: Tape, rng: np.random.Generator, *, start: float = 0.0,
            end: float | None = None, gain: float = 1.0, length: tuple[float, float] = (3.0, 9.0),
            gap: tuple[float, float] = (0.2, 1.2)) -> None:
        """One layer of sound heard once over [start, end): pieces of ``length`` seconds, ``gap``
        seconds apart (a voice; gap (0, 0) for a continuous one)."""
        t = start
        end = self.seconds if end is None else end
        while t < end:
            p = tape.take(min(rng.uniform(*length), end - t + 0.5))
            self.pieces.append((t, gain, p))
            t += p.seconds + rng.uniform(*gap)

    def hall(self, tape: Tape, rng: np.random.Generator, start: float = 0.0,
             end: float | None = None) -> None:
        """A speaker over a crowd of two (10 dB under), all real sound heard once."""
        self.lay(tape, rng, start=start, end=end)
        for _ in range(2):
            self.lay(tape, rng, start=start, end=end, gain=0.3, length=(5.0, 15.0), gap=(0.0, 0.3))

    def play(self, jingle: Jingle, *times: float) -> None:
        self.replays += [Replay(jingle, round(t * RATE) / RATE) for t in times]

    def render(self, t0: float, t1: float) -> np.ndarray:
        """The master's samples for [t0, t1) (zeros outside the event)."""
        i0, n = int(round(t0 * RATE)), int(round((t1 - t0) * RATE))
        out = np.zeros(n, np.float32)
        for at, gain, p in self.pieces:
            if at < t1 and at + p.seconds + 0.01 > t0:
                _add(out, i0, int(round(at * RATE)), piece_pcm(p), gain * 0.1)
        duck = np.ones(n, np.float32)
        ramp = int(FADE * RATE)
        for a, b in [(r.at, r.end) for r in self.replays] + self.quiet:
            lo, hi = int(round(a * RATE)) - i0, int(round(b * RATE)) - i0
            shape = np.concatenate([np.linspace(1.0, 0.0, ramp), np.zeros(hi - lo),
                                    np.linspace(0.0, 1.0, ramp)]).astype(np.float32)
            _mul(duck, lo - ramp, shape)
        out *= duck
        for r in self.replays:
            _add(out, i0, int(round(r.at * RATE)), r.jingle.pcm(), 1.0)
        return out

    def once(self) -> list[tuple[float, float]]:
        """The stretches that hold no sound heard once: replays and quiet."""
        return sorted([(r.at, r.end) for r in self.replays] + self.quiet)


def _add(out: np.ndarray, i0: int, at: int, x: np.ndarray, gain: float) -> None:
    lo, hi = max(at, i0), min(at + len(x), i0 + len(out))
    if lo < hi:
        out[lo - i0: hi - i0] += x[lo - at: hi - at] * gain


def _mul(out: np.ndarray, at: int, x: np.ndarray) -> None:
    lo, hi = max(at, 0), min(at + len(x), len(out))
    if lo < hi:
        out[lo:hi] *= x[lo - at: hi - at]


# --- phones --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Phone:
    """One recording of the master: [start, start + seconds), its room, its own talker and noise."""

    name: str
    start: float
    seconds: float
    codec: tuple[str, list[str]] = AAC_M4A
    seed: int = 0
    talker: int | None = None  # babble() talker near this phone only (None: none)
    talker_snr: float = 10.0  # dB: the master above the talker
    noise_db: float = 30.0  # dB: the master above the microphone's noise
    rt60: float = 0.7
    drr: float = 3.0

    def record(self, master: np.ndarray) -> np.ndarray:
        """The phone's sound at 48 kHz from the whole rendered ``master``."""
        return self.record_from(lambda a, b: _slice(master, a, b))

    def record_from(self, source: Callable[[float, float], np.ndarray]) -> np.ndarray:
        h = hardgen.room(self.rt60, self.drr, seed=1000 + self.seed)
        tail = len(h) / RATE
        x = fftconvolve(source(self.start - tail, self.start + self.seconds), h)
        x = x[len(h): len(h) + int(round(self.seconds * RATE))].astype(np.float32)
        return self.noisy(x, 0)

    def noisy(self, x: np.ndarray, at: int, level: float | None = None) -> np.ndarray:
        """``x`` (samples ``at`` .. of the phone) with the phone's talker and noise added; ``level``:
        the master's RMS the talker and noise are scaled to (default: ``x``'s own)."""
        level = hardgen.rms(x) if level is None else level
        rng = np.random.default_rng([self.seed, at, 0x9E0])  # never another phone's noise
        out = x + rng.standard_normal(len(x)).astype(np.float32) * level * 10 ** (-self.noise_db / 20)
        if self.talker is not None:  # from the phone's start (chunked recordings have none)
            assert at == 0, "a talker is heard from the phone's first sample"
            t = hardgen.babble(len(x) / RATE + 0.1, 1, first=self.talker)[: len(x)]
            out += t * (level / hardgen.rms(t) / 10 ** (self.talker_snr / 20))
        return out.astype(np.float32)


def _slice(master: np.ndarray, t0: float, t1: float) -> np.ndarray:
    i0, n = int(round(t0 * RATE)), int(round((t1 - t0) * RATE))
    out = np.zeros(n, np.float32)
    _add(out, i0, 0, master, 1.0)
    return out


# --- the truth -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Truth:
    """What a right alignment of the event's files says (no sound: small, stored beside the files)."""

    event: str
    files: tuple[str, ...]  # file names, in the order to align them (the first is the reference)
    starts: tuple[float | None, ...]  # master time of each clip's first sample; None: other event
    roles: tuple[str, ...]
    candidates: tuple[tuple[float, ...], ...]  # ambiguous clips: master times the replays allow
    replays: tuple[tuple[str, float, float], ...]  # (recording, master time, seconds)
    version: int = VERSION

    def offset(self, i: int, ref: int = 0) -> float:
        """Clip i's true offset on the timeline of clip ``ref``."""
        s, r = self.starts[i], self.starts[ref]
        assert s is not None and r is not None
        return s - r

    def candidate_offsets(self, i: int, ref: int = 0) -> tuple[float, ...]:
        r = self.starts[ref]
        assert r is not None
        return tuple(c - r for c in self.candidates[i])

    def save(self, path: str) -> None:
        with open(path + ".part", "w", encoding="utf-8") as fh:
            json.dump(asdict(self), fh, indent=1)
        os.replace(path + ".part", path)

    @staticmethod
    def load(path: str) -> Truth:
        with open(path, encoding="utf-8") as fh:
            d = json.load(fh)
        return Truth(d["event"], tuple(d["files"]), tuple(d["starts"]), tuple(d["roles"]),
                     tuple(tuple(c) for c in d["candidates"]),
                     tuple(tuple(r) for r in d["replays"]), d["version"])


@dataclass(frozen=True)
class Event:
    name: str
    takes: tuple[Take, ...]
    truth: Truth


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0]))


def heard_once(a: tuple[float, float], b: tuple[float, float],
               not_once: Sequence[tuple[float, float]]) -> float:
    """Seconds of sound heard once that spans a and b share."""
    lo, hi = max(a[0], b[0]), min(a[1], b[1])
    if hi <= lo:
        return 0.0
    return hi - lo - sum(_overlap((lo, hi), s) for s in not_once)


def linked(spans: Sequence[tuple[float, float] | None], not_once: Sequence[tuple[float, float]],
           ref: int = 0) -> set[int]:
    """The clips linked to ``ref`` by chains of LINK seconds of sound heard once."""
    placed, todo = {ref}, [ref]
    while todo:
        si = spans[todo.pop()]
        for j, sj in enumerate(spans):
            if j not in placed and si and sj and heard_once(si, sj, not_once) >= LINK:
                placed.add(j)
                todo.append(j)
    return placed


def classify(spans: Sequence[tuple[float, float] | None], master: Master, ref: int = 0
             ) -> tuple[tuple[str, ...], tuple[tuple[float, ...], ...]]:
    """Each clip's role and, for an ambiguous one, where the replays would put it (see the module
    docstring). Raises ValueError for a layout whose truth is not clear-cut: an event clip that is
    not linked yet shares a second of sound heard once with a placed clip, or an ambiguous clip whose
    candidates miss its true place."""
    not_once = master.once()
    placed = linked(spans, not_once, ref)
    roles: list[str] = []
    candidates: list[tuple[float, ...]] = []
    for i, s in enumerate(spans):
        if s is None:
            roles.append(UNRELATED)
            candidates.append(())
            continue
        if i in placed:
            roles.append(PLACED)
            candidates.append(())
            continue
        for j in placed:
            if heard_once(s, spans[j], not_once) >= 1.0:  # type: ignore[arg-type]
                raise ValueError(f"clip {i} {s}: neither linked nor ambiguous")
        found = set()
        for a in master.replays:
            u, v = max(s[0], a.at) - a.at, min(s[1], a.end) - a.at  # the part of the jingle heard
            if v - u < 1.0:
                continue
            for b in master.replays:
                if b.jingle == a.jingle and any(
                        spans[j][0] <= b.at + u and b.at + v <= spans[j][1]  # type: ignore[index]
                        for j in placed):
                    found.add(round(s[0] + b.at - a.at, 6))
        if round(s[0], 6) not in found:
            raise ValueError(f"clip {i} {s}: no placed clip heard its own replay")
        roles.append(AMBIGUOUS)
        candidates.append(tuple(sorted(found)))
    return tuple(roles), tuple(candidates)


def _event(name: str, master: Master, phones: Sequence[Phone], others: Sequence[Take] = (),
           workers: int = 2) -> Event:
    """Record every phone of ``master`` (in ``workers`` threads), add the other events' takes."""
    spans: list[tuple[float, float] | None] = [(p.start, p.start + p.seconds) for p in phones]
    spans += [None] * len(others)
    roles, candidates = classify(spans, master)
    full = master.render(0.0, master.seconds)
    with ThreadPoolExecutor(workers) as pool:
        pcm = list(pool.map(lambda p: hardgen.normalise(p.record(full)), phones))
    takes = tuple(Take(p.name, x, p.start, p.codec) for p, x in zip(phones, pcm)) + tuple(others)
    truth = Truth(name, tuple(t.name + t.codec[0] for t in takes), tuple(t.truth for t in takes),
                  roles, candidates,
                  tuple((r.jingle.source, r.at, r.jingle.seconds) for r in master.replays))
    return Event(name, takes, truth)


def other_event(name: str, tape: Tape, seconds: float, seed: int, codec: tuple[str, list[str]],
                talker: int | None = None) -> Take:
    """A recording of another event: its own sound heard once, from further along the tape."""
    rng = np.random.default_rng(seed)
    m = Master(seconds + 2.0)
    m.hall(tape, rng)
    p = Phone(name, 2.0, seconds, codec, seed=seed, talker=talker, rt60=0.9, drr=0.0)
    return Take(name, hardgen.normalise(p.record(m.render(0.0, m.seconds))), None, codec)


# --- the events ---------------------------------------------------------------------------------------


def _phones(layout: Sequence[tuple[str, float, float]], seed: int, *, talkers: bool = True,
            first_talker: int = 0, voices: int = hardgen.VOICES) -> list[Phone]:
    """Phones from (name, start, seconds): codecs in turn, rooms, talkers and noise from ``seed``.
    Talkers are numbered below ``voices`` (the ones above are other events')."""
    rng = np.random.default_rng(seed)
    out = []
    for k, (name, start, seconds) in enumerate(layout):
        talker = first_talker + k if talkers and first_talker + k < voices else None
        out.append(Phone(name, start, seconds, CODECS[(k + seed) % len(CODECS)], seed=seed * 1000 + k,
                         talker=talker, talker_snr=float(rng.uniform(8.0, 15.0)),
                         noise_db=float(rng.uniform(25.0, 35.0)), rt60=float(rng.uniform(0.4, 1.0)),
                         drr=float(rng.uniform(-2.0, 8.0))))
    return out


def pa_replays(seed: int = 1) -> Event:
    """1. A PA replays two jingles (strings three times, trumpet twice) in 200 s; ten phones of
    20-60 s, most holding a replay beside sound heard once. The trap of the issue: phones a, b and c
    all heard the second strings replay and agree with each other, so the wrong place for phone q
    (which heard the third) is backed by three consistent matches, its true one by two."""
    tape = Tape()
    rng = np.random.default_rng(seed)
    m = Master(200.0)
    m.hall(tape, rng)
    m.play(STRINGS, 30.0, 95.0, 160.0)
    m.play(TRUMPET, 62.0, 130.0)
    layout = [("pa_p0", 0.0, 50.0), ("pa_p1", 20.0, 45.0), ("pa_p2", 45.0, 55.0),
              ("pa_a", 85.0, 40.0), ("pa_b", 90.0, 25.0), ("pa_c", 93.0, 37.0),
              ("pa_p3", 110.0, 55.0), ("pa_e", 120.0, 40.0), ("pa_q", 158.0, 27.0),
              ("pa_d", 148.0, 52.0)]
    return _event("pa_replays", m, _phones(layout, seed))


def playback_takes(seed: int = 2) -> Event:
    """2. A music-video shoot: four takes, each a slate, the same 26 s playback song (under talk
    and claps that differ take by take) and chatter, with crew talk between takes. Four phones
    film continuously across takes; six record one take each, some starting inside the song."""
    tape = Tape()
    rng = np.random.default_rng(seed)
    m = Master(280.0)
    m.hall(tape, rng)
    songs = [20.0 + 70.0 * k for k in range(4)]
    m.play(SONG, *songs)
    over = Master(280.0)  # talk and claps over the playback: heard once, 8 dB under the song
    for s in songs:
        over.lay(tape, rng, start=s, end=s + SONG.seconds, gain=0.4, length=(2.0, 5.0),
                 gap=(0.5, 2.0))
    claps = np.zeros(int(280.0 * RATE), np.float32)
    for t in np.concatenate([rng.uniform(s + 1, s + SONG.seconds - 1, 12) for s in songs]):
        i = int(t * RATE)
        claps[i: i + 960] += (rng.standard_normal(960) * np.exp(-np.arange(960) / 150.0)
                              * 0.3).astype(np.float32)
    layout = [("shoot_wide0", 0.0, 75.0), ("shoot_wide1", 60.0, 80.0),
              ("shoot_wide2", 125.0, 85.0), ("shoot_wide3", 195.0, 85.0),
              ("shoot_take0", 12.0, 38.0), ("shoot_take1", 88.0, 40.0),
              ("shoot_take1_late", 95.0, 40.0), ("shoot_take2", 150.0, 40.0),
              ("shoot_take2_early", 140.0, 35.0), ("shoot_take3", 228.0, 40.0)]
    phones = _phones(layout, seed)
    spans: list[tuple[float, float] | None] = [(p.start, p.start + p.seconds) for p in phones]
    roles, candidates = classify(spans, m)
    full = m.render(0.0, m.seconds)
    unique = over.render(0.0, over.seconds) + claps
    for s in songs:  # the overlay only sounds while the song plays
        i = int(s * RATE)
        full[i: i + int(SONG.seconds * RATE)] += unique[i: i + int(SONG.seconds * RATE)]
    with ThreadPoolExecutor(2) as pool:
        pcm = list(pool.map(lambda p: hardgen.normalise(p.record(full)), phones))
    takes = tuple(Take(p.name, x, p.start, p.codec) for p, x in zip(phones, pcm))
    truth = Truth("playback_takes", tuple(t.name + t.codec[0] for t in takes),
                  tuple(t.truth for t in takes), roles, candidates,
                  tuple((r.jingle.source, r.at, r.jingle.seconds) for r in m.replays))
    return Event("playback_takes", takes, truth)


def inside_replay(seed: int = 3) -> Event:
    """3. An 8 s fanfare played three times in 200 s; five phones link the event, and four short
    phones (4-6 s) lie wholly inside a replay (two of them inside the same one): nothing tells the
    replays apart, so each is unplaced with the three replays' places as candidates."""
    tape = Tape()
    rng = np.random.default_rng(seed)
    m = Master(200.0)
    m.hall(tape, rng)
    m.play(FANFARE, 35.0, 95.0, 155.0)
    layout = [("inside_p0", 0.0, 60.0), ("inside_p1", 45.0, 65.0), ("inside_p2", 90.0, 50.0),
              ("inside_p3", 125.0, 55.0), ("inside_p4", 150.0, 50.0),
              ("inside_a", 36.0, 6.0), ("inside_b", 96.5, 5.0), ("inside_c", 157.2, 4.0),
              ("inside_d", 97.0, 6.0)]
    return _event("inside_replay", m, _phones(layout, seed))


def two_chains(seed: int = 4) -> Event:
    """4. Strings at 150 s and 230 s, a trumpet at 40 s and 100 s; the hall is silent for 30 s after
    the first strings (a minute's silence). Phones x and y start inside the second strings and go
    on where no other phone listens: they share sound heard once only with each other, so the pair
    fits after either strings replay equally well (after the first, the other phones hear silence):
    both unplaced, each with both places as candidates. Phones x2 and y2 are the same around the
    second trumpet, except that phones of the event also heard what follows it: they are placed."""
    tape = Tape()
    rng = np.random.default_rng(seed)
    m = Master(262.0)
    m.hall(tape, rng)
    m.play(TRUMPET, 40.0, 100.0)
    m.play(STRINGS, 150.0, 230.0)
    m.quiet.append((155.0, 185.0))
    layout = [("chains_r0", 0.0, 50.0), ("chains_r1", 25.0, 55.0), ("chains_r2", 70.0, 50.0),
              ("chains_x2", 101.0, 29.0), ("chains_y2", 103.0, 42.0), ("chains_r3", 110.0, 50.0),
              ("chains_r4", 135.0, 70.0), ("chains_r6", 170.0, 58.0), ("chains_r5", 190.0, 45.0),
              ("chains_x", 231.0, 19.0), ("chains_y", 232.0, 30.0)]
    # no talker near any phone: in the silence every phone hears only its own microphone
    return _event("two_chains", m, _phones(layout, seed, talkers=False))


def many_phones(n: int = 47, seed: int = 5, workers: int = 2) -> Event:
    """5. The issue's event: n clips (47: about 11 minutes, 11 * n / 47 in general) in a hall whose
    PA plays three jingles three times each; 4 * n / 47 phones of 6 s lie wholly inside a fanfare
    replay, 3 * n / 47 recordings come from other events, the rest are phones of 15-90 s (seven codecs,
    own room, talker and noise each), laid out at random until every one of them is linked."""
    rng = np.random.default_rng(seed)
    seconds = max(150.0, 660.0 * n / 47)
    n_other = max(1, round(3 * n / 47))
    n_inside = max(1, round(4 * n / 47))
    n_phones = n - n_other - n_inside
    tape = Tape()
    m = Master(seconds)
    m.hall(tape, rng)
    # nine replays, 30 s apart at least (less in a short event), 20 s from the start, 30 s from the end
    while seconds >= 590.0:
        times = np.sort(rng.uniform(20.0, seconds - 30.0, 9))
        if np.all(np.diff(times) > 30.0):
            break
    else:  # too short to find them by chance
        apart = min(30.0, (seconds - 50.0) / 10)
        times = 20.0 + apart * np.arange(9) + np.cumsum(rng.dirichlet(np.ones(10)) * (
            seconds - 50.0 - 8 * apart))[:9]
    order = rng.permutation(9)
    for k, jingle in enumerate((FANFARE, STRINGS, TRUMPET)):
        m.play(jingle, *times[order[3 * k: 3 * k + 3]])
    fanfares = [r for r in m.replays if r.jingle == FANFARE]
    inside = [(f"phone_in{k:02d}", fanfares[k % 3].at + float(rng.uniform(0.8, 1.2)), 6.0)
              for k in range(n_inside)]
    reference = ("phone_00", seconds / 2 - 45.0, 90.0)
    layout: list[tuple[str, float, float]] = [reference]
    for k in range(1, n_phones):
        length = float(rng.uniform(15.0, 90.0))
        layout.append((f"phone_{k:02d}", float(rng.uniform(0.0, seconds - length)), length))
    for attempt in range(5000):  # redraw phones until all are linked and each fanfare heard whole
        spans: list[tuple[float, float] | None] = [(s, s + d) for _, s, d in layout + inside]
        bad = sorted(set(range(1, n_phones)) - linked(spans, m.once()))
        if not bad:
            try:
                classify(spans, m)
                break
            except ValueError:
                bad = list(rng.choice(np.arange(1, n_phones), 3, replace=False))
                if attempt >= 100:  # chance has not done it: one phone around each fanfare
                    for k, r in zip(bad, fanfares):
                        length = float(rng.uniform(30.0, 90.0))
                        layout[k] = (layout[k][0], r.at - float(rng.uniform(5.0, length - 13.0)),
                                     length)
                    continue
        for k in bad:
            length = float(rng.uniform(15.0, 90.0))
            layout[k] = (layout[k][0], float(rng.uniform(0.0, seconds - length)), length)
    # the other events' talkers are the last voices, which no phone here has: from 61 phones on, the
    # 100-clip event gave phone_59 and other_event_4 one talker, so they shared sound (and matched)
    phones = _phones(layout + inside, seed, voices=hardgen.VOICES - n_other)
    others = [other_event(f"other_event_{k}", tape, float(rng.uniform(20.0, 90.0)), seed * 100 + k,
                          CODECS[k % len(CODECS)], talker=hardgen.VOICES - 1 - k)
              for k in range(n_other)]
    return _event(f"many_phones_{n}", m, phones, others, workers)


EVENTS: dict[str, Callable[[], Event]] = {
    "pa_replays": pa_replays, "playback_takes": playback_takes, "inside_replay": inside_replay,
    "two_chains": two_chains, "many_phones": many_phones}


# --- files ---------------------------------------------------------------------------------------------


def write(folder: str, takes: Sequence[Take], workers: int = 2) -> list[str]:
    """hardgen.write, encoding ``workers`` files at once."""
    os.makedirs(folder, exist_ok=True)
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(lambda t: hardgen.write(folder, [t])[0], takes))


def _kept(folder: str) -> tuple[list[str], Truth] | None:
    """The event already built in ``folder`` (its truth.json of this generator's version, and every
    file it names), else None."""
    meta = os.path.join(folder, "truth.json")
    if not os.path.exists(meta):
        return None
    truth = Truth.load(meta)
    paths = [os.path.join(folder, f) for f in truth.files]
    if truth.version == VERSION and all(os.path.exists(p) for p in paths):
        return paths, truth
    return None


def materialise(folder: str, make: Callable[[], Event], workers: int = 2) -> tuple[list[str], Truth]:
    """The event's files in ``folder`` (built once: a folder holding this generator version's
    truth.json and every file is reused) and its truth. Key ``folder`` by the event's parameters."""
    meta = os.path.join(folder, "truth.json")
    kept = _kept(folder)
    if kept is not None:
        return kept
    if os.path.exists(meta):
        os.remove(meta)
    print(f"  generating {folder} (once) ...", flush=True)
    event = make()
    for t in event.takes:  # a file of an older version must not be kept
        ext = t.codec[0]
        if os.path.exists(os.path.join(folder, t.name + ext)):
            os.remove(os.path.join(folder, t.name + ext))
    paths = write(folder, event.takes, workers)
    event.truth.save(meta)
    return paths, event.truth


# --- long events, written as they are made -------------------------------------------------------------


def long_event(folder: str, minutes: float, clips: int = 3, seed: int = 6) -> tuple[list[str], Truth]:
    """``clips`` phones of ``minutes`` each (starting 0, 15 % and 35 % of a clip's length in, and so
    on) of one event with three jingles replayed three times; written 30 s at a time straight into
    the encoders (an hour at 48 kHz would be 700 MB a clip in memory) and kept in ``folder``, which
    the caller keys by the parameters (see :func:`materialise`)."""
    meta = os.path.join(folder, "truth.json")
    kept = _kept(folder)
    if kept is not None:
        return kept
    os.makedirs(folder, exist_ok=True)
    print(f"  generating {clips} clips of {minutes:g} min in {folder} (once) ...", flush=True)
    rng = np.random.default_rng(seed)
    length = minutes * 60.0
    starts = [length * (0.15 * k + 0.05 * k * (k - 1)) for k in range(clips)]
    m = Master(starts[-1] + length + 1.0)
    m.lay(Tape(), rng)  # one voice: an hour and a half of tape holds no crowd besides
    for k, jingle in enumerate((FANFARE, STRINGS, TRUMPET)):
        m.play(jingle, *[m.seconds * (0.1 + 0.3 * j + 0.08 * k) for j in range(3)])
    codecs = (AAC_M4A, MP3, OPUS_OGG, VORBIS_OGG, FLAC_MKV, PCM_WAV)
    phones = [Phone(f"long_{k}", s, length, codecs[k % len(codecs)], seed=seed * 1000 + k,
                    rt60=0.6 + 0.1 * k, drr=4.0 - k)
              for k, s in enumerate(starts)]
    with ThreadPoolExecutor(2) as pool:
        paths = list(pool.map(lambda p: _stream(folder, m, p), phones))
    truth = Truth(f"long_{minutes:g}min", tuple(os.path.basename(p) for p in paths),
                  tuple(starts), tuple(PLACED for _ in phones), tuple(() for _ in phones),
                  tuple((r.jingle.source, r.at, r.jingle.seconds) for r in m.replays))
    truth.save(meta)
    return paths, truth


def _stream(folder: str, master: Master, phone: Phone, chunk: float = 30.0) -> str:
    """Encode the phone's recording of ``master`` chunk by chunk (atomically, like hardgen)."""
    ext, args = phone.codec
    path = os.path.join(folder, phone.name + ext)
    part = os.path.join(folder, ".part-" + phone.name + ext)
    proc = subprocess.Popen([ffmpeg.find_binary("ffmpeg"), "-nostdin", "-v", "error", "-y",
                             "-f", "f32le", "-ar", str(RATE), "-ac", "1", "-i", "pipe:0", *args,
                             "-f", hardgen._format(path), part], stdin=subprocess.PIPE)
    assert proc.stdin is not None
    h = hardgen.room(phone.rt60, phone.drr, seed=1000 + phone.seed)
    level = 0.1  # the tape's level (Master.render): the talker and noise scale to it
    total = int(round(phone.seconds * RATE))
    done = 0
    while done < total:
        n = min(int(chunk * RATE), total - done)
        t0 = phone.start + done / RATE
        x = fftconvolve(master.render(t0 - len(h) / RATE, t0 + n / RATE), h)[len(h): len(h) + n]
        x = phone.noisy(x.astype(np.float32), done, level)
        proc.stdin.write(np.clip(x, -1.0, 1.0).astype("<f4").tobytes())
        done += n
    proc.stdin.close()
    if proc.wait() != 0:
        raise RuntimeError(f"ffmpeg failed encoding {path}")
    os.replace(part, path)
    return path
