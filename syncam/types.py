"""Typed values that flow between syncam's stages.

THE SIGN CONVENTION (defined here once; everything else refers to it):

    A clip's *offset* is the time, in seconds on the common timeline, at which the clip's own time zero
    occurs. The reference clip starts at 0. A clip that started before the reference has a negative
    offset. A clip's own time zero is its first video frame (its first audio sample if it has no video).

    timeline_time = offset + clip_time * (1 + drift_ppm * 1e-6)

A pairwise :class:`Match` of clips ``a`` and ``b`` measures ``lag = offset_b - offset_a``.

The time map is linear: ``drift_ppm`` is the clip clock's rate error against the reference's, estimated
from the lags' slope over time (sync/drift.py, sync/solve.py); the reference's is 0 by definition.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction

import numpy as np


class Method(str, Enum):
    """Which evidence a signature, a match or a placement rests on."""

    AUDIO = "audio"
    MOTION = "motion"
    METADATA = "metadata"  # a placement only: from the camera's clock, relative to a sibling take
    CLOCK = "clock"  # a placement only: from the clock burned into its picture (syncam/clock)


@dataclass(frozen=True)
class VideoStream:
    index: int
    codec: str
    width: int
    height: int
    fps: Fraction | None  # average frame rate; None when the container does not say
    rotation: int  # degrees, as the display matrix asks the player to rotate
    variable_fps: bool
    start: float  # seconds, container time
    duration: float | None
    frames: int | None


@dataclass(frozen=True)
class AudioStream:
    index: int
    codec: str
    sample_rate: int
    channels: int
    start: float  # seconds, container time
    duration: float | None


@dataclass(frozen=True)
class Clip:
    """What probing a media file tells: enough to decode it and to place it on a timeline."""

    path: str  # absolute path
    container: str
    duration: float  # seconds from the clip's time zero to its end
    start: float  # container start time (seconds); clip time zero is at `origin`
    size: int  # bytes, with `mtime` the file's identity for caches and for render's "changed?" check
    mtime: float
    video: tuple[VideoStream, ...] = ()
    audio: tuple[AudioStream, ...] = ()
    creation_time: str | None = None
    timecode: str | None = None
    device: str | None = None  # make/model and serial number, when the file names its device

    @property
    def name(self) -> str:
        """File name, used as the camera's label."""
        return os.path.basename(self.path)

    @property
    def origin(self) -> float:
        """Container time of the clip's time zero: first video frame, else first audio sample."""
        if self.video:
            return self.video[0].start
        if self.audio:
            return self.audio[0].start
        return self.start

    @property
    def fps(self) -> Fraction | None:
        return self.video[0].fps if self.video else None

    @property
    def sample_rate(self) -> int | None:
        return self.audio[0].sample_rate if self.audio else None


@dataclass(frozen=True, eq=False)
class Landmarks:
    """A clip's landmarks: ``hashes[k]`` seen at clip time ``start + times[k] * hop`` (frame starts).

    ``frames`` is how many spectrogram frames the sound had (its length in hops): the voting's chance
    model needs it for clips with few landmarks too.
    """

    hashes: np.ndarray  # uint32, < 2 ** config.LANDMARK_HASH_BITS
    times: np.ndarray  # int32 frame index of each landmark's anchor peak, ascending
    hop: float  # seconds per frame
    frames: int
    start: float = 0.0  # clip time of frame 0's first sample

    def __len__(self) -> int:
        return len(self.hashes)


@dataclass(frozen=True, eq=False)
class Signature:
    """A 1-D feature sequence sampled uniformly in clip time.

    ``values[k]`` describes clip time ``start + k / rate``. ``fine`` is an optional higher-rate
    signal (for audio: the mono waveform) used to refine a coarse match below one feature step.
    ``flow`` (motion only): optical-flow curves per fine cell at ``fine_rate``, row 0 at clip time
    ``flow_start``, over the middle of the clip (config.MOTION_FLOW_SPAN). ``landmarks`` (audio only):
    the sound's landmark fingerprints (signals/landmarks.py), what sync/index.py votes with.
    """

    method: Method
    rate: float  # feature samples per second
    start: float  # clip time of values[0]
    values: np.ndarray  # float32, 1-D
    fine: np.ndarray | None = None
    fine_rate: float | None = None
    fine_start: float = 0.0
    flow: np.ndarray | None = None
    flow_start: float = 0.0
    stream: int | None = None  # the file's stream index (ffprobe's) it was made from
    landmarks: Landmarks | None = None

    @property
    def duration(self) -> float:
        return len(self.values) / self.rate


@dataclass(frozen=True)
class Observation:
    """One window's evidence: at clip-a time ``time`` the sound of b matched best at ``lag``."""

    time: float  # seconds, clip time of the window's centre in clip a
    lag: float  # offset_b - offset_a that this window alone measured, seconds
    score: float  # the window's z-score (whitened correlation peak in robust standard deviations)


@dataclass(frozen=True)
class Candidate:
    """A lag that competed for a match, with its score (z for the search that found it)."""

    lag: float  # offset_b - offset_a, seconds
    score: float


@dataclass(frozen=True)
class Match:
    """Evidence that ``b`` sits ``lag`` seconds after ``a``: lag = offset_b - offset_a."""

    a: int
    b: int
    lag: float
    confidence: float  # 0..1, see sync/correlate.py for its definition
    method: Method
    peak: float = 0.0  # normalised height of the best peak (z-score)
    runner_up: float = 0.0  # normalised height of the best peak away from it
    overlap: float = 0.0  # seconds of shared material at this lag
    # where the lag was measured: one observation per window of the overlap (audio), in clip-a time
    observations: tuple[Observation, ...] = ()
    # lags that competed for it (best first) when they came close: a person can choose among them
    candidates: tuple[Candidate, ...] = ()
    search: str = ""  # which search decided: "scan" | "windows" | "loop" (motion: "scan")
    centre: float | None = None  # clip-a time of the middle of the shared material at ``lag``
    # how much of the overlap this lag explains (audio; sync/repeats.py): the clip-a times of the
    # windows that agree with it, and how many windows of the overlap have sound in both clips
    support: tuple[float, ...] = ()
    usable: int = 0
    # a window-by-window test (the loop tournament) preferred this lag over the pair's other strong
    # lags: the stretches that tell the repeats apart were heard
    distinct: bool = False
    # motion: seconds of lags the scan searched (its lags / rate); the threshold a motion match needs
    # depends on it (sync/score.motion_threshold). 0: not recorded.
    searched: float = 0.0

    @property
    def explained(self) -> float:
        """Share of the overlap's windows with sound in both clips that support this lag (0..1)."""
        return min(1.0, len(self.support) / self.usable) if self.usable else 0.0


@dataclass(frozen=True)
class Placement:
    """Where one clip sits on the timeline: the linear time map of the sign convention."""

    offset: float
    drift_ppm: float = 0.0
    confidence: float = 0.0
    method: Method | None = None
    offset_stderr: float | None = None  # seconds, from the global fit (None: not computed)
    drift_ppm_stderr: float | None = None  # None when drift was not measured (see drift_note)
    residual_rms: float | None = None  # seconds: RMS of the fit's residuals over this clip's evidence
    drift_note: str = ""  # why drift_ppm is 0 without a measurement ("" when measured)
    # seconds by which the clip's sound lags its picture, relative to the reference's (+ = sound
    # late); None when not estimated (only with --method both, for a clip whose sound and picture
    # both matched)
    av_lag: float | None = None
    av_lag_stderr: float | None = None

    def to_timeline(self, clip_time: float) -> float:
        return self.offset + clip_time * (1.0 + self.drift_ppm * 1e-6)


@dataclass(frozen=True)
class MatchVerdict:
    """A match as the solver judged it."""

    match: Match
    used: bool
    residual: float | None  # seconds: measured lag - solved lag (None when an end is unplaced)
    # why it was not used: "below threshold" (confidence), "contradicted" (disagrees with what the
    # better-voted matches imply), "superseded" (agrees, but its clips ended up outside the
    # reference's group, which another placement won), "repeat" (only sound heard more than once
    # supports it: a candidate, not a match), "ambiguous" (one of its clips fits several places
    # and was left unplaced); "" when used
    reason: str = ""


@dataclass(frozen=True)
class PlaceOption:
    """One place an ambiguous clip could sit: by a match of ``lag`` (offset_clip - offset_against)
    against clip ``against``, whose own offset makes it ``offset`` (None: ``against`` is unplaced)."""

    against: int
    lag: float
    offset: float | None
    score: float  # the match's confidence


@dataclass(frozen=True)
class Solution:
    reference: int
    placements: tuple[Placement | None, ...]  # None = unplaced
    verdicts: tuple[MatchVerdict, ...]
    requested_reference: int | None = None  # set when that clip matched nothing and was replaced
    # clips left unplaced because sound heard more than once fits them in several places (a
    # repeat, sync/repeats.py): where each could sit, best first
    ambiguous: tuple[tuple[int, tuple[PlaceOption, ...]], ...] = ()


@dataclass(frozen=True)
class Progress:
    """One progress report: ``done`` of ``total`` units of ``stage`` finished."""

    # align: "probe" | "signature" (audio) | "motion" (motion signatures) | "match" | "solve";
    # render: "render"; batch: "events"
    stage: str
    done: int
    total: int
    item: str = ""
