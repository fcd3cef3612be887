"""align(paths) = probe -> extract signatures -> match every pair -> solve -> Manifest."""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any, Protocol

from syncam import config, manifest
from syncam.errors import MediaError, UsageError
from syncam.media import ffmpeg
from syncam.media.probe import probe
from syncam.signals.audio import audio_signature, is_silent
from syncam.sync.correlate import match
from syncam.sync.solve import solve
from syncam.types import Clip, Match, Method, Progress, Signature

log = logging.getLogger(__name__)

ProgressCallback = Callable[[Progress], None]


def _noop(_: Progress) -> None:
    pass


def check_paths(paths: Sequence[str]) -> list[str]:
    """Absolute paths; at least two, none given twice."""
    if len(paths) < 2:
        raise UsageError("need at least two clips to align (got "
                         f"{len(paths)}); give every camera's clip of the event")
    out: list[str] = []
    seen: dict[str, str] = {}
    for p in paths:
        a = os.path.abspath(p)
        key = os.path.realpath(a)
        if key in seen:
            raise UsageError(f"{p}: given twice (same file as {seen[key]}); give each clip once")
        seen[key] = p
        out.append(a)
    return out


def _reference_index(paths: list[str], reference: str | None) -> int:
    if reference is None:
        return 0
    want = os.path.realpath(reference)
    for i, p in enumerate(paths):
        if os.path.realpath(p) == want:
            return i
    raise UsageError(f"{reference}: the reference must be one of the clips given")


def audio_signature_of(clip: Clip, rate: int = config.AUDIO_RATE) -> Signature:
    """Decode a clip's first audio stream and build its signature (clip time of sample 0 included)."""
    if not clip.audio:
        raise MediaError(f"{clip.path}: has no audio stream; audio alignment needs sound: remove "
                         "the clip or align it by picture (--method motion)")
    stream = clip.audio[0]
    pcm = ffmpeg.decode_audio(clip.path, rate, stream.index, clip.duration)
    return audio_signature(pcm, rate, start=stream.start - clip.origin)


class SignatureCache(Protocol):
    """Somewhere to keep signatures between runs (see syncam/cache.py when present)."""

    def get_or_compute(self, clip: Clip, method: Method, params: dict[str, Any],
                       compute: Callable[[], Signature]) -> Signature: ...


# How each kind of signature is made, and the parameters that change its result (the cache key).
_EXTRACTORS: dict[Method, tuple[Callable[[Clip], Signature], dict[str, Any]]] = {
    Method.AUDIO: (audio_signature_of, {"audio_rate": config.AUDIO_RATE,
                                        "envelope_rate": config.ENVELOPE_RATE,
                                        "envelope_fft": config.ENVELOPE_FFT}),
}


def extract(clip: Clip, method: Method, cache: SignatureCache | None = None) -> Signature:
    """One clip's signature of one kind, from the cache when it has it."""
    fn, params = _EXTRACTORS[method]
    if cache is None:
        return fn(clip)
    return cache.get_or_compute(clip, method, params, lambda: fn(clip))


def align(paths: Sequence[str], *, reference: str | None = None,
          max_offset: float | None = config.MAX_OFFSET,
          min_confidence: float = config.MIN_CONFIDENCE,
          workers: int = config.WORKERS,
          cache: SignatureCache | None = None,
          progress: ProgressCallback | None = None) -> manifest.Manifest:
    """Place every clip on one timeline by its sound; return the offsets manifest.

    ``reference`` is the path of the clip that defines timeline zero (default: the first). Clips that
    match nothing are reported unplaced (``offset`` None) with a reason, never given a guessed offset.
    Raises MediaError/UsageError/FFmpegError for input that cannot be aligned at all.
    """
    report = progress or _noop
    abs_paths = check_paths(paths)
    ref = _reference_index(abs_paths, reference)
    n = len(abs_paths)

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        clips: list[Clip] = []
        for i, clip in enumerate(pool.map(probe, abs_paths)):
            clips.append(clip)
            report(Progress("probe", i + 1, n, clip.name))
        for clip in clips:
            if not clip.audio:  # fail before decoding anything
                audio_signature_of(clip)
        # longest clips first, so that no long decode starts last
        order = sorted(range(n), key=lambda i: -clips[i].duration)
        futures = {pool.submit(extract, clips[i], Method.AUDIO, cache): i for i in order}
        found: dict[int, Signature] = {}
        for done, fut in enumerate(as_completed(futures)):
            found[futures[fut]] = fut.result()
            report(Progress("signature", done + 1, n, clips[futures[fut]].name))
        sigs = [found[i] for i in range(n)]

    reasons: dict[int, str] = {}
    for i, sig in enumerate(sigs):
        if sig.fine is not None and is_silent(sig.fine):
            reasons[i] = "its audio is silent"
    pairs = [(i, j) for i, j in itertools.combinations(range(n), 2)
             if i not in reasons and j not in reasons]
    matches: list[Match] = []
    for k, (i, j) in enumerate(pairs):
        m = match(sigs[i], sigs[j], i, j, max_offset=max_offset)
        if m is not None:
            matches.append(m)
            log.debug("match %s ~ %s: lag %.4f s, confidence %.3f", clips[i].name, clips[j].name,
                      m.lag, m.confidence)
        report(Progress("match", k + 1, len(pairs), f"{clips[i].name} ~ {clips[j].name}"))

    solution = solve(n, matches, ref, min_confidence=min_confidence)
    report(Progress("solve", 1, 1))
    settings = {"method": "audio", "audio_rate": config.AUDIO_RATE,
                "max_offset": max_offset, "min_confidence": min_confidence}
    return manifest.build(clips, solution, reasons=reasons, settings=settings)
