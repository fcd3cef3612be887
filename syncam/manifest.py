"""The offsets manifest: Manifest <-> JSON, with a versioned schema (docs/manifest.schema.json).

Readers must ignore fields they do not know: new fields may appear within a schema version; a change
to the meaning of an existing field bumps ``version``.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from fractions import Fraction
from typing import Any

from syncam import config
from syncam._version import __version__
from syncam.errors import ManifestError, UsageError
from syncam.settings import Settings
from syncam.types import Clip, Method, Solution

# why a clip placed by its burned-in clock alone is where it is (the manifest's "reason")
CLOCK_REASON = "placed by its on-screen clock; nothing heard or seen confirms it"

SCHEMA = "syncam-manifest"
VERSION = 1


@dataclass(frozen=True)
class ClockSegment:
    """A stretch of a clip over which its burned-in clock moves with clip time (see ClockEntry)."""

    start: float  # clip time, seconds
    end: float
    utc_at_start: str  # the clock's reading at ``start``, ISO 8601 with milliseconds
    rate_ppm: float | None  # the clock's rate error against clip time; null: not measured
    readings: int
    jump_s: float | None  # how far the clock jumped from the stretch before; null for the first


@dataclass(frozen=True)
class ClockEntry:
    """The clock burned into a clip's picture (align reads it unless --no-clock)."""

    text: str  # one reading, as shown
    format: str  # strftime terms: "%Y-%m-%d %H:%M:%S"
    region: tuple[int, int, int, int]  # x, y, w, h of the text in the frame (pixels)
    readings: int  # seconds read and kept
    rejected: int  # seconds read against the clock's rules (misreads), dropped
    utc_at_start: str  # the clock's reading at clip time 0 (ISO 8601 with ms; the time alone
    # when the clock shows no date)
    rate_ppm: float | None  # the clock's rate error against clip time; null: not measured
    error_s: float | None  # this clock minus the wall clock (s); null where nothing measured it
    segments: tuple[ClockSegment, ...] = ()  # more than one: the clock jumps
    unread: int = 0  # seconds that could not be read
    ambiguous: tuple[str, ...] = ()  # date orders the readings could not tell apart ("dmy", "mdy")
    # (clip time, clock read minus the fitted line) at each turnover of the placing stretch
    residuals: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class WallClock:
    """The wall-clock time at timeline 0, from the clocks burned into the pictures."""

    at_zero: str  # ISO 8601 UTC with milliseconds (the time alone for clocks without a date)
    sources: tuple[str, ...]  # written "from": the clips whose clocks define it

    def to_dict(self) -> dict[str, Any]:
        return {"at_zero": self.at_zero, "from": list(self.sources)}


@dataclass(frozen=True)
class ClipEntry:
    """One clip's line in the manifest. Times in seconds; see types.py for the offset sign."""

    path: str
    name: str
    camera: str  # track name; the takes of one camera share it (see syncam/cameras.py)
    placed: bool
    offset: float | None  # null when unplaced
    offset_frames: float | None  # offset in the clip's own frames (offset * fps)
    drift_ppm: float | None  # clock drift of the linear time map (see drift_note when 0 unmeasured)
    confidence: float
    method: str | None  # evidence that placed it: "audio" | "motion" | "metadata" (--use-metadata)
    reason: str | None  # why it is unplaced
    duration: float
    frame_rate: str | None  # exact, as a fraction "30000/1001"
    fps: float | None
    sample_rate: int | None
    width: int | None
    height: int | None
    rotation: int
    has_audio: bool
    has_video: bool
    size: int
    mtime: float
    # unplaced clips: where its ambiguous matches point, best first (see ClipCandidate)
    candidates: tuple[dict[str, Any], ...] = ()
    # what render decodes, so it need not probe again (null in manifests from before these fields)
    audio_stream: int | None = None  # the file's stream index (ffprobe's) align listened to
    video_stream: int | None = None  # the file's stream index of the picture
    origin: float | None = None  # container time of the clip's time zero (its first frame)
    container_start: float | None = None  # the container's start time, which ffmpeg subtracts
    audio_start: float | None = None  # container time of audio_stream's first sample
    # the time map's uncertainty (sync/solve.py): standard errors and the fit's RMS residual (seconds)
    offset_stderr: float | None = None
    drift_ppm_stderr: float | None = None  # null: drift not measured, drift_note says why
    residual_rms: float | None = None
    drift_note: str = ""
    # --method both: seconds by which the clip's sound lags its picture, relative to the reference's
    # (+ = sound late), and its standard error; null when not estimated
    av_lag: float | None = None
    av_lag_stderr: float | None = None
    clock: ClockEntry | None = None  # the clock burned into its picture; null: none read


@dataclass(frozen=True)
class MatchEntry:
    a: int  # indices into clips
    b: int
    lag: float  # offset_b - offset_a, seconds
    confidence: float
    method: str
    used: bool  # accepted by the solver
    residual: float | None  # lag - (offset_b - offset_a) of the solution
    peak: float
    runner_up: float
    overlap: float
    search: str = ""  # "scan" | "windows" | "loop": which search decided the lag
    # one (clip-a time s, lag s, z-score) per window of the overlap: where the lag was measured
    observations: tuple[tuple[float, float, float], ...] = ()
    candidates: tuple[dict[str, float], ...] = ()  # {"lag", "score"}: lags that competed, best first
    # not used: "below threshold" | "contradicted" | "superseded" | "repeat" | "ambiguous"
    reason: str = ""
    explained: float | None = None  # audio: share of the overlap's usable windows supporting the lag
    distinct: bool = False  # the pair's own evidence told this lag apart from its repeats


@dataclass(frozen=True)
class CameraEntry:
    """One camera: its takes (indices into clips) in timeline order, unplaced ones last."""

    name: str
    takes: tuple[int, ...]


def camera_entries(clips: Sequence[ClipEntry]) -> tuple[CameraEntry, ...]:
    """The cameras of ``clips`` in order of first appearance, each with its takes in time order."""
    order: dict[str, list[int]] = {}
    for i, c in enumerate(clips):
        order.setdefault(c.camera, []).append(i)
    return tuple(CameraEntry(name, tuple(sorted(
        idx, key=lambda i: (clips[i].offset is None, clips[i].offset or 0.0, i))))
        for name, idx in order.items())


@dataclass(frozen=True)
class PairSearch:
    """How many pairs of clips the sound search looked at, and why the others were left out."""

    total: int  # pairs of clips that both have usable sound and are not takes of one camera
    searched: int  # pairs searched on the whitened sound (every match in ``matches`` comes from one)
    voted: int  # of those, pairs the fingerprint index proposed (their voted lags searched)
    connecting: int  # of those, pairs searched whole to reach a clip the index left unconnected
    skipped: int  # pairs never searched
    why: str  # how pairs were chosen, and why the skipped ones were


@dataclass(frozen=True)
class Manifest:
    reference: int
    clips: tuple[ClipEntry, ...]
    matches: tuple[MatchEntry, ...]
    timeline_start: float | None
    timeline_end: float | None
    notes: tuple[str, ...] = ()
    tool_version: str = __version__
    schema: str = SCHEMA
    version: int = VERSION
    settings: Settings = field(default_factory=Settings)
    cameras: tuple[CameraEntry, ...] = ()
    pairs: PairSearch | None = None  # null in manifests older than 0.9 and with --method motion
    wall_clock: WallClock | None = None  # from the burned-in clocks; null: no clock tied to timeline

    @property
    def unplaced(self) -> list[ClipEntry]:
        return [c for c in self.clips if not c.placed]

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["wall_clock"] = self.wall_clock.to_dict() if self.wall_clock is not None else None
        order = ["schema", "version", "tool_version", "reference", "timeline_start", "timeline_end",
                 "wall_clock", "cameras", "clips", "matches", "pairs", "notes", "settings"]
        return {k: d[k] for k in order}

    def to_json(self) -> str:
        """Standard JSON: a number that is not finite is written as null (JSON has no NaN or
        Infinity; jq and JavaScript reject them), and reading checks that the field may be null."""
        return json.dumps(_finite_or_null(self.to_dict()), indent=2, ensure_ascii=False,
                          allow_nan=False) + "\n"


def _finite_or_null(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite_or_null(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite_or_null(v) for v in value]
    return value


def build(clips: list[Clip], solution: Solution, *, reasons: dict[int, str],
          settings: Settings | None = None, audio_streams: dict[int, int] | None = None,
          cameras: Sequence[str] | None = None, notes: Sequence[str] = (),
          pairs: PairSearch | None = None, clocks: dict[int, ClockEntry] | None = None,
          wall_clock: WallClock | None = None) -> Manifest:
    """Assemble the manifest from probed clips and the solver's answer. ``audio_streams[i]``: the
    stream index clip i was aligned by (default: its first audio stream). ``cameras``: each clip's
    camera name (default: its file's stem, one camera per clip). ``clocks``: the burned-in clocks
    read, by clip; ``wall_clock``: the wall-clock time at timeline 0 they give."""
    entries = []
    ambiguous = dict(solution.ambiguous)
    for i, (clip, pl) in enumerate(zip(clips, solution.placements)):
        fps: Fraction | None = clip.fps
        v = clip.video[0] if clip.video else None
        candidates = () if pl else _clip_candidates(i, solution)
        reason = None if pl else reasons.get(i, "matched no other clip with enough confidence")
        if pl is not None and pl.method is Method.CLOCK:
            reason = CLOCK_REASON
        if not pl and i in ambiguous:
            reason = (f"its sound fits {len(candidates)} places on the timeline: only sound heard "
                      "more than once at this event (a repeat: a replayed jingle, a playback track, "
                      "a chorus) places it, and nothing heard once tells which; see its candidates")
        elif candidates and _by_picture(i, solution):
            reason = (f"{reason}; its picture's motion was not sure enough: its {len(candidates)} "
                      "likeliest places are its candidates")
        elif candidates:
            reason = (f"{reason}; its sound fits {len(candidates)} places about equally well (a "
                      "repeat): see its candidates")
        chosen = (audio_streams or {}).get(i)
        a = next((s for s in clip.audio if s.index == chosen), clip.audio[0] if clip.audio else None)
        entries.append(ClipEntry(
            path=clip.path, name=clip.name,
            camera=cameras[i] if cameras is not None else os.path.splitext(clip.name)[0],
            placed=pl is not None,
            offset=pl.offset if pl else None,
            offset_frames=pl.offset * float(fps) if pl and fps else None,
            drift_ppm=pl.drift_ppm if pl else None,
            confidence=round(pl.confidence if pl else max(
                (v_.match.confidence for v_ in solution.verdicts if i in (v_.match.a, v_.match.b)),
                default=0.0), 4),
            method=pl.method.value if pl and pl.method else None,
            reason=reason,
            duration=clip.duration,
            frame_rate=str(fps) if fps else None, fps=float(fps) if fps else None,
            sample_rate=clip.sample_rate, width=v.width if v else None, height=v.height if v else None,
            rotation=v.rotation if v else 0, has_audio=bool(clip.audio), has_video=bool(clip.video),
            size=clip.size, mtime=clip.mtime, audio_stream=a.index if a else None,
            video_stream=v.index if v else None, origin=clip.origin, container_start=clip.start,
            audio_start=a.start if a else None, candidates=candidates,
            offset_stderr=_rounded(pl.offset_stderr, 9) if pl else None,
            drift_ppm_stderr=_rounded(pl.drift_ppm_stderr, 4) if pl else None,
            residual_rms=_rounded(pl.residual_rms, 9) if pl else None,
            drift_note=pl.drift_note if pl else "",
            av_lag=_rounded(pl.av_lag, 6) if pl else None,
            av_lag_stderr=_rounded(pl.av_lag_stderr, 6) if pl else None,
            clock=(clocks or {}).get(i)))
    matches = tuple(MatchEntry(
        a=v_.match.a, b=v_.match.b, lag=v_.match.lag, confidence=round(v_.match.confidence, 4),
        method=v_.match.method.value, used=v_.used, residual=v_.residual,
        peak=round(v_.match.peak, 3), runner_up=round(v_.match.runner_up, 3),
        overlap=round(v_.match.overlap, 3), search=v_.match.search,
        observations=tuple((round(o.time, 3), round(o.lag, 7), o.score)
                           for o in v_.match.observations),
        candidates=tuple({"lag": c.lag, "score": c.score} for c in v_.match.candidates),
        reason=v_.reason,
        explained=round(v_.match.explained, 3) if v_.match.method is Method.AUDIO else None,
        distinct=v_.match.distinct)
        for v_ in solution.verdicts)
    placed = [(pl.offset, pl.to_timeline(clip.duration))
              for clip, pl in zip(clips, solution.placements) if pl is not None]
    notes = list(notes)
    if solution.requested_reference is not None:
        notes.append(f"the reference {clips[solution.requested_reference].name} matched no other "
                     f"clip; {clips[solution.reference].name} is the reference instead")
    return Manifest(reference=solution.reference, clips=tuple(entries), matches=matches,
                    timeline_start=min(p[0] for p in placed) if placed else None,
                    timeline_end=max(p[1] for p in placed) if placed else None,
                    notes=tuple(notes), settings=settings or Settings(),
                    cameras=camera_entries(entries), pairs=pairs, wall_clock=wall_clock)


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _by_picture(i: int, solution: Solution) -> bool:
    """True when clip ``i``'s candidates come from motion matches only (no sound match has any)."""
    kinds = {v.match.method for v in solution.verdicts
             if i in (v.match.a, v.match.b) and v.match.candidates}
    return kinds == {Method.MOTION}


def _clip_candidates(i: int, solution: Solution) -> tuple[dict[str, Any], ...]:
    """Where the ambiguous matches of unplaced clip ``i`` would put it, best score first."""
    options = dict(solution.ambiguous).get(i)
    if options:
        return tuple({"against": o.against, "lag": o.lag, "offset": o.offset, "score": o.score}
                     for o in options)
    out: list[dict[str, Any]] = []
    for v in solution.verdicts:
        m = v.match
        if i not in (m.a, m.b):
            continue
        j = m.b if m.a == i else m.a
        other = solution.placements[j]
        for c in m.candidates:
            lag = -c.lag if m.a == i else c.lag  # offset_i - offset_j
            out.append({"against": j, "lag": round(lag, 6),
                        "offset": None if other is None else round(other.offset + lag, 6),
                        "score": c.score})
    out.sort(key=lambda d: -d["score"])
    return tuple(out[: config.CANDIDATES_REPORTED])


def _known(cls: type, data: dict[str, Any]) -> Any:
    """Build ``cls`` from the fields it knows; newer fields in the document are ignored."""
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})


def _clip_entry(data: dict[str, Any]) -> ClipEntry:
    entry = _known(ClipEntry, data)
    clock = data.get("clock")
    if not clock:
        return entry
    c = _known(ClockEntry, clock)
    return replace(entry, clock=replace(
        c, region=tuple(c.region), ambiguous=tuple(c.ambiguous),
        residuals=tuple(tuple(r) for r in c.residuals),
        segments=tuple(_known(ClockSegment, s) for s in c.segments)))


_SCHEMA_FILE = os.path.join(os.path.dirname(__file__), "manifest.schema.json")


def _where(data: dict[str, Any], path: list[Any]) -> str:
    """A field's place in words: clips[1] (cam b.mp4).offset"""
    out = ""
    for i, key in enumerate(path):
        if isinstance(key, int):
            out += f"[{key}]"
            if i == 1 and path[0] == "clips":
                name = data["clips"][key].get("name") if isinstance(data["clips"][key], dict) else None
                out += f" ({name})" if isinstance(name, str) else ""
        else:
            out += f".{key}" if out else str(key)
    return out or "the document"


def _not_finite(value: Any, path: list[Any]) -> list[Any] | None:
    """The path of the first number that is NaN or infinite, if any."""
    if isinstance(value, float) and not math.isfinite(value):
        return path
    items = value.items() if isinstance(value, dict) else enumerate(value) \
        if isinstance(value, list) else ()
    for key, item in items:
        found = _not_finite(item, [*path, key])
        if found is not None:
            return found
    return None


def validate(data: dict[str, Any], *, source: str = "manifest") -> None:
    """Check a manifest document against docs/manifest.schema.json and what a schema cannot say:
    every number finite, indices that name a clip. Raises ManifestError naming the field and clip."""
    import jsonschema  # only when a manifest is read: it costs start-up time otherwise

    def bad(path: list[Any], what: str) -> ManifestError:
        return ManifestError(f"{source}: {_where(data, path)}: {what}; re-run 'syncam align' or fix "
                             "the file")

    found = _not_finite(data, [])
    if found is not None:
        raise bad(found, "not a finite number (standard JSON has no NaN or Infinity)")
    with open(_SCHEMA_FILE, encoding="utf-8") as fh:
        schema = json.load(fh)
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(data))
    if error is not None:
        raise bad(list(error.absolute_path), error.message)
    n = len(data["clips"])
    if not data["reference"] < n:
        raise bad(["reference"], f"{data['reference']} names no clip (there are {n})")
    for k, m in enumerate(data["matches"]):
        for end in ("a", "b"):
            if not 0 <= m[end] < n:
                raise bad(["matches", k, end], f"{m[end]} names no clip (there are {n})")
    for k, c in enumerate(data["clips"]):
        if c["placed"] and c["offset"] is None:
            raise bad(["clips", k, "offset"], "null, but the clip is placed")


def from_dict(data: Any, *, source: str = "manifest") -> Manifest:
    """Parse a manifest document, checking its schema, version and values (see :func:`validate`)."""
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise ManifestError(f"{source}: not a syncam manifest (no \"schema\": \"{SCHEMA}\"); "
                            "make one with 'syncam align'")
    if data.get("version") != VERSION:
        raise ManifestError(f"{source}: manifest schema version {data.get('version')!r} is not "
                            f"supported (this syncam reads version {VERSION}); re-run 'syncam align'")
    validate(data, source=source)
    try:
        settings = Settings.from_dict(data.get("settings", {}))
    except UsageError as exc:
        raise ManifestError(f"{source}: settings.{exc.option}: {exc.message}; re-run 'syncam "
                            "align'") from None
    clips = tuple(_clip_entry(c) for c in data["clips"])
    cameras = (tuple(CameraEntry(name=str(c["name"]), takes=tuple(int(t) for t in c["takes"]))
                     for c in data["cameras"]) if "cameras" in data else camera_entries(clips))
    if any(not 0 <= t < len(clips) for c in cameras for t in c.takes):
        raise ManifestError(f"{source}: cameras: a camera's take names no clip; re-run 'syncam align'")
    wall = data.get("wall_clock")
    return Manifest(reference=data["reference"], clips=clips,
                    wall_clock=WallClock(str(wall["at_zero"]), tuple(wall["from"])) if wall else None,
                    matches=tuple(_known(MatchEntry, m) for m in data["matches"]),
                    timeline_start=data["timeline_start"], timeline_end=data["timeline_end"],
                    notes=tuple(data.get("notes", [])), tool_version=data["tool_version"],
                    settings=settings, cameras=cameras,
                    pairs=_known(PairSearch, data["pairs"]) if data.get("pairs") else None)


def load(path: str) -> Manifest:
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        raise ManifestError(f"{path}: no such manifest; check the path") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path}: not JSON ({exc}); give a manifest written by 'syncam align'") \
            from None
    except OSError as exc:
        raise ManifestError(f"{path}: cannot read ({exc.strerror}); make the file readable or give "
                            "another manifest") from None
    return from_dict(data, source=path)
