"""align(paths) = probe -> extract signatures -> match every pair -> solve -> Manifest.

Evidence per pair (``method``): ``audio`` where both clips have usable sound, ``motion`` where both
have pictures, ``auto`` = audio where both clips of the pair have usable sound (present, not silent)
and motion otherwise, ``both`` = every kind the pair has. All matches meet in one weighted solve.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import logging
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol

from syncam import cameras as cameras_mod
from syncam import config, manifest
from syncam.errors import FFmpegError, MediaError, SyncamError, UsageError
from syncam.media import ffmpeg
from syncam.media.probe import ProbeStore, probe
from syncam.settings import Settings
from syncam.signals.empty import is_silent, is_still
from syncam.sigparams import SIGNATURE_PARAMS
from syncam.sync import priors as priors_mod
from syncam.sync.solve import solve
from syncam.sync.takes import reject_overlaps, siblings
from syncam.types import AudioStream, Clip, Match, Method, Progress, Signature, Solution

if TYPE_CHECKING:
    import numpy as np

    from syncam.clock.fit import ClipClock
    from syncam.render.mosaic import RenderOptions, RenderResult

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


def _audio_streams(paths: list[str], chosen: int | Mapping[str, int] | None) -> list[int | None]:
    """Per clip, the audio stream asked for (None: let audio_signature_of choose). ``chosen``: one
    number for every clip, or {clip path: number} naming some of them."""
    if not isinstance(chosen, Mapping):
        return [chosen] * len(paths)
    out: list[int | None] = [None] * len(paths)
    for given, number in chosen.items():
        i = _index_of(paths, given)
        if i is None:
            raise UsageError(f"{given}={number}: {given} is not one of the clips given; name one "
                             "of them (CLIP=N), or give N alone for every clip",
                             option="audio_stream")
        out[i] = number
    return out


def _index_of(paths: list[str], given: str) -> int | None:
    """Which of ``paths`` the path ``given`` names (the same file, however it is spelled)."""
    want = os.path.realpath(given)
    return next((i for i, p in enumerate(paths) if os.path.realpath(p) == want), None)


def _reference_index(paths: list[str], reference: str | None) -> int:
    if reference is None:
        return 0
    i = _index_of(paths, reference)
    if i is None:
        raise UsageError(f"{reference}: not one of the clips given; give one of them, or leave "
                         "--reference out (the first clip is the reference)", option="reference")
    return i


def _require(clip: Clip, kind: Method) -> None:
    """Raise the error that says what to do when ``clip`` has no stream of the ``kind`` needed."""
    if kind is Method.AUDIO and not clip.audio:
        raise MediaError(f"{clip.path}: has no audio stream; alignment by sound needs it: align by "
                         "picture where there is no sound (--method auto or motion) or remove the clip")
    if kind is Method.MOTION and not clip.video:
        raise MediaError(f"{clip.path}: has no video stream; alignment by motion needs pictures: "
                         "align it by sound (--method auto or audio) or remove the clip")


def audio_signature_of(clip: Clip, audio_stream: int | None = None, *,
                       landmarks: bool = True) -> Signature:
    """The signature of one of a clip's audio streams (clip time of sample 0 included).

    ``audio_stream`` N picks the clip's N-th audio stream (0 = the first). None picks the first one
    that is not silent (signals.empty.is_silent: no 0.1 s block above -60 dBFS RMS; whitening zeroes
    every frame under the same level): a professional camera's unused XLR input records only its
    noise floor, far below that, while any microphone in a room rises above it. The first stream
    stays the choice whenever it is usable (it is the camera's main track), and a later one costs a
    decode only when the ones before it are silent. All silent: the first, which align then reports
    as silent. ``Signature.stream`` says which. The sound is whitened piece by piece as ffmpeg
    decodes it, so the clip's PCM never exists whole. ``landmarks``: fingerprint it too (what
    sync/index.py votes with; 12 % of a 3-clip event's CPU, which events that search every pair do
    without).
    """
    _require(clip, Method.AUDIO)
    if audio_stream is not None and audio_stream >= len(clip.audio):
        raise UsageError(f"{audio_stream} names no audio stream of {clip.path} (it has "
                         f"{len(clip.audio)}); give 0 to {len(clip.audio) - 1} or leave it out",
                         option="audio_stream")
    if audio_stream is not None:
        return _sound_of(clip, clip.audio[audio_stream], landmarks)
    return _first_heard(clip, clip.audio, landmarks)


def _sound_of(clip: Clip, stream: AudioStream, landmarks: bool) -> Signature:
    """The signature of one audio stream of ``clip``, decoded by its own ffmpeg."""
    making = _SoundSignature(clip, stream, landmarks)
    try:
        for piece in ffmpeg.stream_pcm(ffmpeg.audio_args(clip.path, config.AUDIO_RATE,
                                                         stream.index), what=clip.path):
            making.feed(piece)
    except FFmpegError as exc:
        raise MediaError(f"{clip.path}: its sound (stream #{stream.index}) cannot be decoded "
                         f"({exc.stderr_tail or exc}); export the clip again, or align it by "
                         "picture only") from None
    return making.result()


def _first_heard(clip: Clip, streams: Sequence[AudioStream], landmarks: bool,
                 first: Signature | None = None) -> Signature:
    """The signature of the first of ``streams`` that is not silent, decoded in turn; all silent:
    ``first`` (the clip's first stream's, when already made), else the first of them."""
    for stream in streams:
        sig = _sound_of(clip, stream, landmarks)
        if sig.fine is None or not is_silent(sig.fine):
            return sig
        first = first or sig
        log.debug("%s: audio stream #%d is silent", clip.path, stream.index)
    assert first is not None  # _require: the clip has an audio stream
    return first


class _SoundSignature:
    """One audio stream's signature, made from its PCM as ffmpeg decodes it."""

    def __init__(self, clip: Clip, stream: AudioStream, landmarks: bool) -> None:
        from syncam.signals.audio import whitener  # scipy: see _LAZY
        from syncam.signals.landmarks import Landmarker

        self.clip, self.stream = clip, stream
        self.whitener = whitener(config.AUDIO_RATE, expected=int(clip.duration * config.AUDIO_RATE))
        self.marks = Landmarker(config.AUDIO_RATE) if landmarks else None

    def feed(self, piece: np.ndarray) -> None:
        self.whitener.feed(piece)
        if self.marks is not None:
            self.marks.feed(piece)

    def result(self) -> Signature:
        from syncam.signals.audio import signature

        start = self.stream.start - self.clip.origin
        return replace(signature(self.whitener, config.AUDIO_RATE, start=start),
                       stream=self.stream.index,
                       landmarks=None if self.marks is None else replace(self.marks.result(),
                                                                         start=start))


def audio_signatures_together(clips: Sequence[Clip], audio_streams: Sequence[int | None], *,
                              landmarks: bool = True) -> list[Signature]:
    """:func:`audio_signature_of` of several clips, their sound decoded by one ffmpeg
    (ffmpeg.stream_pcm_together: one process start instead of one a clip). A clip whose first
    stream is silent and that has others decodes them alone, in turn, as audio_signature_of does. Raises
    MediaError when ffmpeg fails on any of them: decoded alone, each then says which."""
    for clip in clips:
        _require(clip, Method.AUDIO)
    streams = [c.audio[0 if s is None else s] for c, s in zip(clips, audio_streams, strict=True)]
    making = [_SoundSignature(c, s, landmarks) for c, s in zip(clips, streams)]
    what = f"{len(clips)} clips decoded together ({clips[0].path}, ...)"
    try:
        for k, piece in ffmpeg.stream_pcm_together([(c.path, s.index) for c, s in zip(clips, streams)],
                                                   config.AUDIO_RATE, what=what):
            making[k].feed(piece)
    except FFmpegError as exc:
        raise MediaError(f"{what}: {exc.stderr_tail or exc}") from None
    sigs = [m.result() for m in making]
    return [_first_heard(c, c.audio[1:], landmarks, first=sig)
            if s is None and len(c.audio) > 1 and sig.fine is not None and is_silent(sig.fine)
            else sig for c, s, sig in zip(clips, audio_streams, sigs)]


def motion_signature_of(clip: Clip) -> Signature:
    """Decode a clip's first video stream small and grey (in ffmpeg) and build its motion signature."""
    from syncam.signals.motion import motion_signature  # OpenCV and scipy: see _LAZY

    _require(clip, Method.MOTION)
    stream = clip.video[0]
    width, height = config.MOTION_SIZE
    args = ffmpeg.gray_frames_args(clip.path, stream.index, width, height,
                                   scaler=config.MOTION_SCALER)
    blocks = ffmpeg.read_gray_frames(args, width, height, what=clip.path)
    middle, half = clip.duration / 2, config.MOTION_FLOW_SPAN / 2
    try:
        return motion_signature(blocks, start=clip.origin, rate=config.MOTION_RATE,
                                grid=config.MOTION_GRID,
                                flow_window=(middle - half, middle + half) if half > 0 else None)
    except FFmpegError as exc:
        raise MediaError(f"{clip.path}: its picture cannot be decoded ({exc.stderr_tail or exc}); "
                         "export the clip again, or align it by sound only") from None


class Pool(Protocol):
    """Where align's tasks run: a ThreadPoolExecutor, or a Dask cluster (syncam/cluster.py)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]: ...

    def map(self, fn: Callable[..., Any], /, *items: Any) -> Iterator[Any]: ...

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None: ...


def _pool(stack: contextlib.ExitStack, scheduler: str | None, workers: int) -> Pool:
    """Threads of this process, or (``scheduler``) the Dask cluster at that address ("local": one
    on this machine), closed with ``stack``."""
    if scheduler is None:
        return ThreadPoolExecutor(max_workers=max(1, workers))
    from syncam import cluster

    return cluster.Pool(stack.enter_context(cluster.client(scheduler, os.cpu_count() or 2)))


class SignatureCache(ProbeStore, Protocol):
    """Somewhere to keep signatures (and probes) between runs; syncam.cache.SignatureCache is the
    on-disk one."""

    def lookup(self, clip: Clip, method: Method, params: dict[str, Any], *,
               need_landmarks: bool = False) -> Signature | None: ...

    def get_or_compute(self, clip: Clip, method: Method, params: dict[str, Any],
                       compute: Callable[[], Signature], *,
                       need_landmarks: bool = False) -> Signature: ...

    def get_or_match(self, a: tuple[Clip, dict[str, Any]], b: tuple[Clip, dict[str, Any]],
                     search: dict[str, Any], ids: tuple[int, int],
                     compute: Callable[[], list[Match]]) -> list[Match]: ...


# _LAZY: the modules that compute signatures and search pairs (scipy, OpenCV: 0.3 s to import) are
# imported where they run, so a warm re-align, whose signatures and pair searches all come from the
# cache, starts in the time numpy takes to import.

# The parameters that change each kind of signature (the cache key): syncam/sigparams.py
_PARAMS = SIGNATURE_PARAMS


def _audio_params(audio_stream: int | None) -> dict[str, Any]:
    return {**_PARAMS[Method.AUDIO], "audio_stream": audio_stream}


def search_pair(clips: tuple[Clip, Clip], sigs: tuple[Signature, Signature],
                streams: tuple[int | None, int | None], ids: tuple[int, int],
                cache: SignatureCache | None, *, max_offset: float | None,
                drift: bool) -> list[Match]:
    """One pair's whole sound search (sync/correlate.match_all), from the cache when this pair of
    file versions was searched so before."""
    def compute() -> list[Match]:
        from syncam.sync.correlate import match_all  # scipy: see _LAZY

        return match_all(sigs[0], sigs[1], ids[0], ids[1], max_offset=max_offset, drift=drift)
    if cache is None:
        return compute()
    return cache.get_or_match((clips[0], _audio_params(streams[0])),
                              (clips[1], _audio_params(streams[1])),
                              {"search": "whole", "max_offset": max_offset, "drift": drift}, ids,
                              compute)


def extract(clip: Clip, method: Method, cache: SignatureCache | None = None,
            audio_stream: int | None = None, landmarks: bool = True) -> Signature:
    """One clip's signature of one kind, from the cache when it has it (``audio_stream``,
    ``landmarks``: see :func:`audio_signature_of`; a cached sound signature without landmarks is
    made again when they are wanted)."""
    if method is Method.AUDIO:
        params = _audio_params(audio_stream)

        def compute() -> Signature:
            return audio_signature_of(clip, audio_stream, landmarks=landmarks)
    else:
        params = _PARAMS[method]

        def compute() -> Signature:
            return motion_signature_of(clip)
    return compute() if cache is None else cache.get_or_compute(
        clip, method, params, compute, need_landmarks=landmarks and method is Method.AUDIO)


def extract_together(clips: Sequence[Clip], cache: SignatureCache | None,
                     audio_streams: Sequence[int | None], landmarks: bool = True) -> list[Signature]:
    """:func:`extract` of several clips' sound: those the cache lacks are decoded by one ffmpeg
    (:func:`audio_signatures_together`), or each alone when that fails, so that the error names
    its clip."""
    params = [_audio_params(s) for s in audio_streams]
    found = {k: sig for k, (c, p) in enumerate(zip(clips, params, strict=True))
             if cache is not None
             and (sig := cache.lookup(c, Method.AUDIO, p, need_landmarks=landmarks)) is not None}
    todo = [k for k in range(len(clips)) if k not in found]
    made: dict[int, Signature] = {}
    if len(todo) > 1:
        try:
            made = dict(zip(todo, audio_signatures_together(
                [clips[k] for k in todo], [audio_streams[k] for k in todo], landmarks=landmarks)))
        except MediaError as exc:
            log.debug("%s; decoding each alone", exc)
    for k in todo:
        if k not in made:
            found[k] = extract(clips[k], Method.AUDIO, cache, audio_streams[k], landmarks)
        elif cache is None:
            found[k] = made[k]
        else:  # kept for next time
            found[k] = cache.get_or_compute(clips[k], Method.AUDIO, params[k],
                                            functools.partial(made.__getitem__, k),
                                            need_landmarks=landmarks)
    return [found[k] for k in range(len(clips))]


def _check_method(method: str, clips: list[Clip]) -> None:
    """Refuse, before decoding anything, a method that some clip cannot be aligned by at all."""
    if method in ("audio", "motion"):
        for clip in clips:
            _require(clip, Method(method))


def _pair_methods(method: str, clips: list[Clip], sound: list[bool]) -> list[tuple[int, int, Method]]:
    """Which evidence each pair of clips is matched by; ``sound[i]``: clip i has usable sound."""
    out: list[tuple[int, int, Method]] = []
    for i, j in itertools.combinations(range(len(clips)), 2):
        by_audio = sound[i] and sound[j] and method in ("auto", "audio", "both")
        pictures = bool(clips[i].video and clips[j].video)
        by_motion = pictures and (method in ("motion", "both") or (method == "auto" and not by_audio))
        if by_audio:
            out.append((i, j, Method.AUDIO))
        if by_motion:
            out.append((i, j, Method.MOTION))
    return out


def _extract_all(pool: Pool, clips: list[Clip], wanted: list[int], method: Method,
                 cache: SignatureCache | None, report: ProgressCallback, stage: str,
                 on_ready: Callable[[int, Signature], None] | None = None,
                 audio_streams: Sequence[int | None] = (),
                 landmarks: bool = True, together: bool = False) -> dict[int, Signature]:
    """Signatures of the ``wanted`` clips, extracted concurrently, longest clips first (so that no
    long decode starts last and finishes alone). ``on_ready(i, sig)`` runs as each one arrives;
    ``audio_streams[i]``: the audio stream to use for clip i (None: chosen); ``landmarks``: the
    sound's fingerprints too; ``together``: short clips' sound is decoded a few at a time by one
    ffmpeg (:func:`_decode_groups`)."""
    def stream(i: int) -> int | None:
        return audio_streams[i] if audio_streams else None

    order = sorted(wanted, key=lambda i: -clips[i].duration)
    groups = _decode_groups(order, clips) if together and method is Method.AUDIO else \
        [[i] for i in order]
    futures = {(pool.submit(extract_together, [clips[i] for i in g], cache, [stream(i) for i in g],
                            landmarks) if len(g) > 1 else
                pool.submit(_extract_one, clips[g[0]], method, cache, stream(g[0]), landmarks)): g
               for g in groups}
    sigs: dict[int, Signature] = {}
    for fut in as_completed(futures):
        for i, sig in zip(futures[fut], fut.result(), strict=True):
            sigs[i] = sig
            report(Progress(stage, len(sigs), len(wanted), clips[i].name))
            if on_ready is not None:
                on_ready(i, sig)
    return sigs


def _extract_one(clip: Clip, method: Method, cache: SignatureCache | None, audio_stream: int | None,
                 landmarks: bool) -> list[Signature]:
    """:func:`extract` as a one-clip group (what _extract_all's tasks return)."""
    return [extract(clip, method, cache, audio_stream, landmarks)]


def _decode_groups(order: list[int], clips: Sequence[Clip]) -> list[list[int]]:
    """Clips (``order``: longest first) in the groups whose sound one ffmpeg decodes: clips up to
    config.DECODE_TOGETHER_SECONDS long, dealt round the fewest groups of at most
    config.DECODE_TOGETHER_CLIPS (so the groups are of like length); longer ones alone, first."""
    alone = [[i] for i in order if clips[i].duration > config.DECODE_TOGETHER_SECONDS]
    short = [i for i in order if clips[i].duration <= config.DECODE_TOGETHER_SECONDS]
    count = -(-len(short) // config.DECODE_TOGETHER_CLIPS)
    return alone + [short[g::count] for g in range(count)]


def _unmatched_reason(clip: Clip, method: str, silent: bool, still: str | None,
                      tried: set[Method]) -> str:
    """Why a clip may end up unplaced, from what was (not) available to match it by."""
    if tried:
        kinds = " or ".join(sorted(m.value for m in tried))
        extra = [r for r in (("its audio is silent" if silent else None), still) if r]
        return (f"matched no other clip with enough confidence by {kinds}"
                + (f" ({'; '.join(extra)})" if extra else ""))
    why = []
    if method in ("auto", "audio", "both"):
        why.append("its audio is silent" if silent else "it has no sound" if not clip.audio
                   else "no other clip has usable sound")
    if method in ("auto", "motion", "both"):
        why.append(still or ("it has no video" if not clip.video else "no other clip has video"))
    return "; ".join(why)


def align(paths: Sequence[str], *, method: str = config.METHOD, reference: str | None = None,
          max_offset: float | None = config.MAX_OFFSET,
          min_confidence: float = config.MIN_CONFIDENCE,
          audio_stream: int | Mapping[str, int] | None = None,
          workers: int = config.WORKERS,
          cache: SignatureCache | None = None,
          progress: ProgressCallback | None = None,
          cameras: Sequence[str] | None = None,
          use_metadata: bool = False,
          drift: str = config.DRIFT,
          scheduler: str | None = None,
          clock: bool | None = None,
          clock_groups: Sequence[tuple[str, str]] = (),
          clock_format: str | None = None) -> manifest.Manifest:
    """Place every clip on one timeline by its sound and/or its motion; return the offsets manifest.

    ``method``: "auto" (sound where both clips of a pair have usable sound, motion otherwise), "audio",
    "motion" or "both" (see the module docstring). ``reference`` is the path of the clip that defines
    timeline zero (default: the first). Clips that match nothing are reported unplaced (``offset``
    None) with a reason, never given a guessed offset. ``cameras``: each clip's camera name (see
    syncam/cameras.py; default: its device's serial number where the file has one, else one camera per
    clip); takes of one camera are never matched with each other nor placed overlapping.
    ``use_metadata``: a take that nothing heard or saw is placed from its camera's clock relative to a
    placed sibling (syncam/sync/priors.py), and clocks that contradict the evidence are noted.
    ``drift``: "auto" estimates each clip's clock rate (drift_ppm, sync/drift.py), "off" offsets
    only. ``scheduler``: run the probes, signatures and pair searches as tasks on the Dask cluster
    at this address ("local": one on this machine; needs syncam[dask]); the manifest is the same.
    ``clock``: read the clocks burned into the pictures (syncam/clock) and place by them what
    nothing heard or seen placed (syncam/sync/clocks.py): True always, False never, None (default)
    when a clip with a picture is left unplaced or ``clock_groups``/``clock_format`` is given, and
    otherwise where a quick look (clock/read.present) finds a clock on a clip with a picture and no
    usable sound, whose error is then measured;
    ``clock_groups``: (NAME, GLOB) rules naming
    the clips of one recorder (default: every clock is one wall clock); ``clock_format``: the date
    order of an ambiguous date ("dmy", "mdy", "ymd"). Raises MediaError/UsageError/FFmpegError for
    input that cannot be aligned at all.
    """
    method = method.value if isinstance(method, Method) else str(method)
    if clock is not False:
        from syncam.clock.options import order_option
        order_option(clock_format)  # a bad --clock-format fails before anything is decoded
    if drift not in config.DRIFTS:
        raise UsageError(f"unknown drift mode {drift!r}; choose one of {', '.join(config.DRIFTS)}",
                         option="drift")
    report = progress or _noop
    abs_paths = check_paths(paths)
    ref = _reference_index(abs_paths, reference)
    n = len(abs_paths)
    if cameras is not None and len(cameras) != n:
        raise UsageError(f"{len(cameras)} camera names for {n} clips; give one per clip")
    streams = _audio_streams(abs_paths, audio_stream)
    settings = Settings(method=method, max_offset=max_offset, min_confidence=min_confidence,
                        audio_stream=audio_stream if not isinstance(audio_stream, Mapping) else
                        {p: s for p, s in zip(abs_paths, streams) if s is not None},
                        use_metadata=use_metadata, drift=drift)
    max_offset, min_confidence = settings.max_offset, settings.min_confidence

    with contextlib.ExitStack() as stack:
        pool = _pool(stack, scheduler, workers)
        try:
            clips: list[Clip] = []
            for i, clip in enumerate(pool.map(functools.partial(probe, store=cache), abs_paths)):
                clips.append(clip)
                report(Progress("probe", i + 1, n, clip.name))
            _check_method(method, clips)  # fail before decoding anything
            cams = list(cameras) if cameras is not None else cameras_mod.assign(
                abs_paths, devices=[c.device for c in clips])
            silent = [False] * n
            sound = [False] * n
            audio: dict[int, Signature] = {}
            # few clips: every pair is searched whole, each as soon as both are decoded; many: the
            # fingerprint index proposes pairs and lags once every clip is decoded (_index_matches)
            every_pair = sum(1 for c in clips if c.audio) < config.INDEX_FROM_CLIPS
            audio_jobs: dict[tuple[int, int], Future[list[Match]]] = {}

            def sound_ready(i: int, sig: Signature) -> None:
                """Match clip i's sound against every clip with sound already decoded, in the pool,
                while the remaining clips are still decoding."""
                silent[i] = sig.fine is not None and is_silent(sig.fine)
                sound[i] = not silent[i]
                audio[i] = sig
                if sound[i] and every_pair:
                    for j in (j for j in audio if j != i and sound[j] and not siblings(cams, i, j)):
                        a, b = min(i, j), max(i, j)
                        audio_jobs[a, b] = pool.submit(
                            search_pair, (clips[a], clips[b]), (audio[a], audio[b]),
                            (streams[a], streams[b]), (a, b), cache, max_offset=max_offset,
                            drift=drift == "auto")

            if method != "motion":
                # an event that searches every pair votes on no fingerprint, so none is made (12 %
                # of a 3-clip event's CPU; 30 MB an hour-long clip, 3 x 60 min's memory margin)
                _extract_all(pool, clips, [i for i in range(n) if clips[i].audio], Method.AUDIO, cache,
                             report, "signature", on_ready=sound_ready, audio_streams=streams,
                             landmarks=not every_pair, together=not every_pair)
            audio_found = {pair: job.result() for pair, job in audio_jobs.items()}
            pair_search = None
            if method != "motion":
                audible = [i for i in range(n) if sound[i]]
                total = sum(1 for i, j in itertools.combinations(audible, 2) if not siblings(cams, i, j))
                if every_pair:
                    pair_search = manifest.PairSearch(
                        total=total, searched=len(audio_found), voted=0, connecting=0, skipped=0,
                        why=f"fewer than {config.INDEX_FROM_CLIPS} clips: every pair searched whole")
                else:
                    audio_found, pair_search = _index_matches(
                        pool, clips, audio, audible, cams, total, max_offset=max_offset,
                        drift=drift == "auto", min_confidence=min_confidence, reference=ref,
                        report=report)
            planned = [(i, j, m) for i, j, m in _pair_methods(method, clips, sound)
                       if not siblings(cams, i, j)]
            need_motion = sorted({c for i, j, m in planned if m is Method.MOTION for c in (i, j)})
            motion = _extract_all(pool, clips, need_motion, Method.MOTION, cache, report, "motion")
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)  # an error or Ctrl-C: start no more decodes
            raise
        pool.shutdown()

    still: dict[int, str] = {}
    for i, sig in motion.items():
        if is_still(sig):
            still[i] = ("its picture never changes" if len(sig.values) >= 2
                        else "its video is too short to show motion")
    pairs = [(i, j, m) for i, j, m in planned
             if m is Method.AUDIO or (i not in still and j not in still)]
    tried: dict[int, set[Method]] = {i: set() for i in range(n)}
    matches: list[Match] = []
    for k, (i, j, kind) in enumerate(pairs):
        tried[i].add(kind)
        tried[j].add(kind)
        if kind is Method.AUDIO and (i, j) not in audio_found:
            continue  # a pair the index did not propose
        found = (audio_found[i, j] if kind is Method.AUDIO
                 else _motion_matches(motion[i], motion[j], i, j, max_offset=max_offset))
        for m in found:
            matches.append(m)
            log.debug("%s match %s ~ %s: lag %.4f s, confidence %.3f", kind.value, clips[i].name,
                      clips[j].name, m.lag, m.confidence)
        report(Progress("match", k + 1, len(pairs), f"{clips[i].name} ~ {clips[j].name}"))

    solution = solve(n, matches, ref, min_confidence=min_confidence, drift=drift == "auto",
                     av_lag=method == "both")
    solution, overlapping = reject_overlaps(solution, [c.duration for c in clips], cams,
                                            [c.name for c in clips],
                                            tolerance=config.TAKE_OVERLAP_TOLERANCE)
    report(Progress("solve", 1, 1))
    reasons = {i: _unmatched_reason(clips[i], method, silent[i], still.get(i), tried[i])
               for i in range(n)}
    reasons.update(overlapping)
    notes: list[str] = []
    if use_metadata:
        clip_priors = [priors_mod.prior(c.creation_time, c.timecode, c.fps) for c in clips]
        solution, prior_reasons, notes = priors_mod.apply(
            solution, clip_priors, cams, [c.duration for c in clips], [c.name for c in clips],
            confidence=config.METADATA_CONFIDENCE, tolerance=config.METADATA_TOLERANCE,
            overlap_tolerance=config.TAKE_OVERLAP_TOLERANCE)
        reasons.update(prior_reasons)
    clock_entries: dict[int, manifest.ClockEntry] = {}
    wall: manifest.WallClock | None = None
    silent_views = [i for i, (c, heard) in enumerate(zip(clips, sound)) if c.video and not heard]
    unplaced = [i for i, (p, c) in enumerate(zip(solution.placements, clips)) if p is None and c.video]
    auto = clock is None and not (clock_groups or clock_format)
    if auto and not unplaced:  # all placed: their clocks' errors measured where a quick look finds one
        clock = _quick_look(clips, silent_views)
    if clock is not False:  # auto: the unplaced clips' clocks first, as only a clock can place them
        solution, clock_entries, wall, clock_reasons, clock_notes = _clocks(
            clips, solution, clock_groups, clock_format, report, workers,
            first=unplaced if auto else (), quick=silent_views)
        reasons.update(clock_reasons)
        notes += clock_notes
    lagged = [i for i, p in enumerate(solution.placements) if p is not None and p.av_lag is not None]
    if lagged and solution.reference not in lagged:
        notes.append(f"the reference {clips[solution.reference].name} has no A/V lag of its own (its "
                     "sound or its picture matched nothing), so the other cameras' lags are known "
                     "only relative to each other; their standard errors say how well")
    elif lagged:
        notes.append(f"A/V lags are relative to the reference {clips[solution.reference].name}: "
                     "make the camera nearest the sound source the reference (--reference)")
    return manifest.build(clips, solution, reasons=reasons, settings=settings,
                          audio_streams={i: sig.stream for i, sig in audio.items()
                                         if sig.stream is not None},
                          cameras=cams, notes=notes, pairs=pair_search,
                          clocks=clock_entries, wall_clock=wall)


def _motion_matches(a: Signature, b: Signature, i: int, j: int, *,
                    max_offset: float | None) -> list[Match]:
    """The motion match of clips i and j (sync/correlate.match), if any."""
    from syncam.sync.correlate import match  # scipy: see _LAZY

    found = match(a, b, i, j, max_offset=max_offset)
    return [found] if found is not None else []


def _index_matches(pool: Pool, clips: list[Clip], audio: Mapping[int, Signature],
                   audible: list[int], cams: Sequence[str], total: int, *,
                   max_offset: float | None, drift: bool, min_confidence: float, reference: int,
                   report: ProgressCallback) -> tuple[dict[tuple[int, int], list[Match]],
                                                      manifest.PairSearch]:
    """Sound matches of many clips without searching every pair.

    The fingerprint index (sync/index.py) votes for pairs and lags; each voted lag is searched on
    the whitened sound around it (correlate.match_voted). A clip that this leaves unconnected to the
    reference is then scanned over every lag at 2 kHz (correlate.match_all, without the window and
    drift searches, which cost ten scans) against a few placed clips that between them cover the
    timeline: sound the index missed (a far microphone in a reverberant hall) still gets the
    whole-overlap search, at a cost that grows with the timeline, not with the pairs.
    """
    from syncam.sync import index  # scipy: see _LAZY
    from syncam.sync.correlate import match_all, match_voted

    marks = [audio[i].landmarks for i in audible]
    votes = index.vote([m for m in marks if m is not None]) if all(m is not None for m in marks) \
        else []
    lags: dict[tuple[int, int], list[float]] = {}
    for v in votes:
        a, b = audible[v.a], audible[v.b]
        if max_offset is not None and abs(v.lag) > max_offset + config.CONFIRM_REACH:
            continue
        if not siblings(cams, a, b):
            lags.setdefault((a, b), []).append(v.lag)
    jobs = {pair: pool.submit(match_voted, audio[pair[0]], audio[pair[1]], *pair, ls, drift=drift)
            for pair, ls in lags.items()}
    found: dict[tuple[int, int], list[Match]] = {}
    for k, (pair, job) in enumerate(jobs.items()):
        found[pair] = job.result()
        report(Progress("match", k + 1, len(jobs), "index"))
    # which clips the voted pairs leave unconnected (offsets only: no drift fits needed for that)
    first = solve(len(clips), [m for ms in found.values() for m in ms],
                  reference if reference in audible else audible[0], min_confidence=min_confidence,
                  drift=False)
    placed = [i for i in audible if first.placements[i] is not None]
    ambiguous = {c for c, _ in first.ambiguous}
    alone = [i for i in audible if first.placements[i] is None and i not in ambiguous]
    cover = _covering(placed, first, clips)
    extra = [(min(i, j), max(i, j)) for i in alone for j in cover
             if (min(i, j), max(i, j)) not in found and not siblings(cams, i, j)]
    more = {pair: pool.submit(match_all, audio[pair[0]], audio[pair[1]], *pair,
                              max_offset=max_offset, drift=False, windows=False, fine_scan=False)
            for pair in extra}
    for pair, job in more.items():
        found[pair] = job.result()
    searched = len(found)
    return found, manifest.PairSearch(
        total=total, searched=searched, voted=len(jobs), connecting=len(more),
        skipped=max(0, total - searched),
        why=("the fingerprint index proposed the pairs and lags searched; clips it left "
             "unconnected were scanned over every lag against placed clips covering the timeline; "
             "the pairs skipped share no landmark"))


def _covering(placed: list[int], solution: Solution, clips: list[Clip]) -> list[int]:
    """A few placed clips that between them cover the timeline: longest first, each kept when it
    adds at least a third of its length that the ones before did not cover."""
    spans: list[tuple[float, float]] = []
    out = []
    for i in sorted(placed, key=lambda i: -clips[i].duration):
        p = solution.placements[i]
        assert p is not None  # placed
        lo, hi = p.offset, p.offset + clips[i].duration
        covered = sum(max(0.0, min(hi, b) - max(lo, a)) for a, b in spans)
        if hi - lo - covered >= (hi - lo) / 3:
            spans.append((lo, hi))
            out.append(i)
    return out


def _quick_look(clips: list[Clip], silent_views: Sequence[int]) -> bool:
    """Whether a quick look finds a clock on a clip without sound (CCTV). Only those are looked at:
    a look costs ~0.7 s of a 3-camera event's 2.6 s align, and cameras that heard the event rarely
    burn in a clock. False without an OCR engine: nothing to place, so nothing to say."""
    if not silent_views:
        return False  # nor imports the clock reader (OpenCV: 0.05 s of a sound-only align)
    from syncam.clock.read import present
    try:
        return any(present(clips[i]) for i in silent_views)
    except UsageError:
        return False


def _clocks(clips: list[Clip], solution: Solution, rules: Sequence[tuple[str, str]],
            clock_format: str | None, report: ProgressCallback, workers: int, *,
            first: Sequence[int] = (), quick: Sequence[int] = ()
            ) -> tuple[Solution, dict[int, manifest.ClockEntry], manifest.WallClock | None,
                       dict[int, str], list[str]]:
    """The post-solve clock stage: read every clip's burned-in clock (clips with video; one without
    a clock costs the find step's few seconds), then place by them (sync/clocks.py).

    ``first``: the clips a clock could place (auto mode), read before the others. When none of them
    shows a clock the others are read only where a quick look finds one on a clip without sound
    (``quick``), as when every clip is placed: a clockless event with one unplaced camera pays for
    that camera's read, not for every camera's (3-6 s each)."""
    from syncam.clock import ocr
    from syncam.clock import options as clock_options
    from syncam.clock import read as clock_read
    from syncam.clock.parse import iso
    from syncam.sync import clocks as clocks_mod

    order = clock_options.order_option(clock_format)
    groups = clock_options.groups([c.path for c in clips], rules)
    try:
        ocr.available()
    except UsageError:
        if rules or clock_format:
            raise  # asked for: say what to install
        return solution, {}, None, {}, [f"clocks burned into the pictures were not read: {ocr.INSTALL}"]
    wanted = [i for i, c in enumerate(clips) if c.video]
    readings: list[ClipClock | None] = [None] * len(clips)

    def read(which: Sequence[int]) -> None:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            futures = {pool.submit(clock_read.read_clock, clips[i], order=order): i for i in which}
            for done, fut in enumerate(as_completed(futures)):
                i = futures[fut]
                readings[i] = fut.result()
                report(Progress("clock", done + 1, len(which), clips[i].name))

    read(first or wanted)
    rest = [i for i in wanted if i not in first]
    if first and rest and (any(readings[i] is not None for i in first)
                           or _quick_look(clips, [i for i in quick if i not in first])):
        read(rest)
    names = [c.name for c in clips]
    placed = clocks_mod.place(solution, readings, groups, [float(c.fps) if c.fps else None
                                                           for c in clips], names,
                              contradicts_frames=config.CLOCK_CONTRADICTS_FRAMES,
                              confidence=config.CLOCK_CONFIDENCE)
    entries: dict[int, manifest.ClockEntry] = {}
    for i, c in enumerate(readings):
        if c is None:
            continue
        err = placed.errors.get(i)
        entries[i] = manifest.ClockEntry(
            text=c.text, format=c.format, region=c.region, readings=c.readings,
            rejected=c.rejected, unread=c.unread, utc_at_start=iso(c.segment.clock(0.0), c.dated),
            rate_ppm=round((c.segment.rate - 1) * 1e6, 2) if c.segment.rate_measured else None,
            error_s=None if err is None else round(err, 4), ambiguous=c.ambiguous,
            residuals=c.segment.residuals,
            segments=tuple(manifest.ClockSegment(
                start=round(s.start, 4), end=round(s.end, 4), utc_at_start=iso(s.clock(s.start),
                                                                              c.dated),
                rate_ppm=round((s.rate - 1) * 1e6, 2) if s.rate_measured else None,
                readings=s.runs, jump_s=s.jump) for s in c.segments))
    wall = None
    if placed.at_zero is not None:
        dated = readings[placed.wall_from[0]].dated  # type: ignore[union-attr]
        wall = manifest.WallClock(iso(placed.at_zero, dated),
                                  tuple(names[i] for i in placed.wall_from))
    return placed.solution, entries, wall, placed.reasons, list(placed.notes)


@dataclass(frozen=True)
class Aligned:
    """What :func:`align_then_render` made: the manifest, and the mosaic or why it failed."""

    manifest: manifest.Manifest
    video: RenderResult | None = None  # None: no video asked for, no clip placed, or it failed
    render_error: SyncamError | None = None  # the mosaic failed; the manifest stands


def align_then_render(paths: Sequence[str], video: str | None = None, *,
                      keep: Callable[[manifest.Manifest], None] | None = None,
                      render_options: RenderOptions | None = None,
                      manifest_path: str | None = None,
                      progress: ProgressCallback | None = None, **align_kwargs: Any) -> Aligned:
    """:func:`align` the clips, hand the manifest to ``keep`` (where the caller saves or shows it),
    then, when ``video`` is given and some clip is placed, render the mosaic there (see
    syncam.render.mosaic.render; ``manifest_path``: where the manifest was saved, if it was).

    A failed alignment raises; a failed mosaic is returned in ``render_error``, the manifest standing.
    """
    m = align(paths, progress=progress, **align_kwargs)
    if keep is not None:
        keep(m)
    if video is None or not any(c.placed for c in m.clips):
        return Aligned(m)
    from syncam.render import mosaic  # only when a video is asked for

    try:
        result = mosaic.render(m, video, render_options, manifest_path=manifest_path,
                               progress=progress)
    except SyncamError as exc:
        return Aligned(m, render_error=exc)
    return Aligned(m, video=result)
