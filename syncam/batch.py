"""Align many events: find them (a folder tree or a jobs file), run each event's alignment in parallel
(local processes, or a Dask distributed cluster when asked), write each manifest atomically, and skip
events whose manifest is up to date with their clips.

The unit of work is one event's alignment: it needs no data from any other event, its result (a
manifest) is small, and an event's clips share one process so its signatures never cross the network.
Inside an event, probing and decoding use up to two ffmpeg processes per core (config.WORKERS), shared
among the events running side by side on one machine.

Manifests are written by the coordinating process as events finish, each whole or not at all, so an
interrupted batch loses only the events that were running; workers only need to read the clips.
"""

from __future__ import annotations

import contextlib
import csv
import glob
import importlib
import json
import logging
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

from syncam import config, manifest
from syncam.atomic import write_text
from syncam.cache import KeepingCache, SignatureCache
from syncam.cameras import assign
from syncam.errors import ManifestError, SyncamError, UsageError
from syncam.export import check_format, export as export_timeline
from syncam.pipeline import align
from syncam.render.mosaic import render as render_mosaic
from syncam.report.build import check_extras
from syncam.report.build import index as write_index
from syncam.report.build import report as write_report

log = logging.getLogger(__name__)

# What a folder walk takes for a clip: the containers cameras, phones and recorders write.
MEDIA_EXTENSIONS = frozenset({
    ".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".mts", ".m2ts", ".ts", ".mxf", ".mpg",
    ".mpeg", ".3gp", ".dv", ".flv", ".wmv", ".wav", ".mp3", ".m4a", ".aac", ".flac", ".ogg",
    ".opus", ".wma", ".aif", ".aiff"})


class Status(str, Enum):
    """How an event ended."""

    ALIGNED = "aligned"  # every clip placed
    UNPLACED = "unplaced"  # manifest written, some clip could not be placed
    FAILED = "failed"  # no manifest: the event could not be aligned (see ``error``)
    SKIPPED = "skipped"  # its manifest is up to date with its clips (``unplaced`` read from it)


@dataclass(frozen=True)
class Job:
    """One event to align. ``max_offset``/``method`` None = the batch's setting."""

    name: str
    clips: tuple[str, ...]  # absolute paths, in timeline-reference order (first = default reference)
    manifest: str  # where its manifest goes (absolute)
    reference: str | None = None
    method: str | None = None
    max_offset: float | None = None
    cameras: tuple[str, ...] | None = None  # each clip's camera; None = align's default

    def timeline(self, ext: str) -> str:
        """Where ``--export`` puts this event's timeline: beside its manifest, with the same tag
        (syncam-manifest.N.json -> syncam-timeline.N.otio); .edl adds .<camera> per track."""
        folder, base = os.path.split(self.manifest)
        stem, mext = os.path.splitext(config.MANIFEST_NAME)
        tag = base[len(stem):-len(mext)] if base.startswith(stem) and base.endswith(mext) else ""
        return os.path.join(folder, config.TIMELINE_STEM + tag + ext)

    @property
    def mosaic(self) -> str:
        """Where ``--render`` puts this event's mosaic: beside its manifest, with the same tag
        (syncam-manifest.json -> syncam-mosaic.mp4; syncam-manifest.N.json -> syncam-mosaic.N.mp4)."""
        folder, base = os.path.split(self.manifest)
        stem, ext = os.path.splitext(config.MANIFEST_NAME)
        tag = base[len(stem):-len(ext)] if base.startswith(stem) and base.endswith(ext) else ""
        mosaic_stem, mosaic_ext = os.path.splitext(config.MOSAIC_NAME)
        return os.path.join(folder, mosaic_stem + tag + mosaic_ext)

    @property
    def report(self) -> str:
        """Where ``--report`` puts this event's page, named like its mosaic (syncam-report.N.html)."""
        folder, base = os.path.split(self.mosaic)
        tag = base[len(os.path.splitext(config.MOSAIC_NAME)[0]):-len(os.path.splitext(base)[1])]
        stem, ext = os.path.splitext(config.REPORT_NAME)
        return os.path.join(folder, stem + tag + ext)


@dataclass(frozen=True)
class EventResult:
    """What happened to one event."""

    name: str
    status: Status
    manifest: str | None  # path of its manifest (None when it failed)
    unplaced: tuple[str, ...] = ()  # paths of clips that could not be placed
    error: str | None = None  # one-line message when it failed
    seconds: float = 0.0
    cache_hits: int = 0  # signatures read from the cache instead of decoded
    cache_misses: int = 0  # signatures decoded
    mosaic: str | None = None
    report: str | None = None  # its evidence page (``--report``)
    timeline: tuple[str, ...] = ()  # files written by --export

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` line: a stable set of keys whatever the status."""
        return {"event": self.name, "status": self.status.value, "manifest": self.manifest,
                "unplaced": list(self.unplaced), "error": self.error,
                "seconds": round(self.seconds, 3), "cache_hits": self.cache_hits,
                "cache_misses": self.cache_misses, "mosaic": self.mosaic, "report": self.report,
                "timeline": list(self.timeline)}


@dataclass(frozen=True)
class BatchResult:
    events: tuple[EventResult, ...]
    seconds: float

    @property
    def failed(self) -> list[EventResult]:
        return [e for e in self.events if e.status is Status.FAILED]

    @property
    def exit_code(self) -> int:
        """The CLI's exit code: 1 if some event failed, else 3 if some clip is unplaced, else 0."""
        if self.failed:
            return 1
        return 3 if any(e.unplaced for e in self.events) else 0


@dataclass(frozen=True)
class Options:
    """Settings shipped to every worker with each job."""

    max_offset: float | None = config.MAX_OFFSET
    min_confidence: float = config.MIN_CONFIDENCE
    method: str | None = None  # None = align's default
    cache_dir: str | None = None  # None = no cache
    render: bool = False
    report: bool = False
    threads: int = 1  # probe/decode threads inside one event
    export: str | None = None  # timeline format (extension) to write beside each manifest
    use_metadata: bool = False  # align --use-metadata
    drift: str = config.DRIFT  # align --drift


# --- finding events ----------------------------------------------------------------------------------

def is_clip_name(name: str) -> bool:
    """A file a folder walk treats as a clip: a media extension, not hidden, not a syncam output."""
    return (not name.startswith((".", "syncam-"))
            and os.path.splitext(name)[1].lower() in MEDIA_EXTENSIONS)


def _check_name(name: str, source: str) -> str:
    parts = name.replace("\\", "/").split("/")
    if not name.strip() or os.path.isabs(name) or any(p in ("", ".", "..") for p in parts) or any(
            ord(ch) < 32 for ch in name):
        raise UsageError(f"{source}: event name {name!r} cannot name a folder; use letters, digits, "
                         "spaces, '-', '_' and '/' between parts")
    return "/".join(parts)


def _manifest_for(name: str, clip_folder: str, out: str | None, *, in_clip_folder: str) -> str:
    if out is not None:
        return os.path.join(os.path.abspath(out), *name.split("/"), config.MANIFEST_NAME)
    return os.path.join(clip_folder, in_clip_folder)


def discover(roots: Sequence[str], *, out: str | None = None,
             camera_folders: bool = False) -> list[Job]:
    """One job per folder (each ROOT and every folder below it) that directly holds clips.

    Names are the folder's path relative to its ROOT (the ROOT itself is named after its folder);
    with several ROOTs each name starts with its ROOT's folder name. Hidden folders are not walked.

    ``camera_folders``: a folder holding clips is a *camera* and its parent folder the event (the
    ROOT itself, when it holds clips, is an event); clips lying directly in an event folder are one
    camera each. A tree cannot tell ``event/camA/`` from ``events/wedding/`` by itself, so the user
    says which it is.
    """
    if camera_folders:
        return _discover_camera_folders(roots, out=out)
    jobs: list[Job] = []
    seen: dict[str, str] = {}
    for root in roots:
        top = os.path.abspath(root)
        if not os.path.isdir(top):
            raise UsageError(f"{root}: {'not a folder' if os.path.exists(top) else 'no such folder'}"
                             "; give folders that hold one event per sub-folder (or use "
                             "'syncam align' for the clips of one event)")
        base = os.path.basename(top.rstrip(os.sep)) or top
        for folder, dirs, files in os.walk(top):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            clips = sorted(f for f in files if is_clip_name(f))
            if not clips:
                continue
            rel = os.path.relpath(folder, top).replace(os.sep, "/")
            name = base if rel == "." else rel if len(roots) == 1 else f"{base}/{rel}"
            if name in seen:
                raise UsageError(f"{folder}: event name '{name}' is also {seen[name]}; give ROOTs "
                                 "with different folder names")
            seen[name] = folder
            jobs.append(Job(name=name, clips=tuple(os.path.join(folder, f) for f in clips),
                            manifest=_manifest_for(name, folder, out,
                                                   in_clip_folder=config.MANIFEST_NAME)))
    return jobs


def _discover_camera_folders(roots: Sequence[str], *, out: str | None) -> list[Job]:
    """:func:`discover` for trees whose folders of clips are cameras: the event of a folder of clips
    is its parent folder (a ROOT holding clips is an event itself, each of those clips a camera)."""
    jobs: list[Job] = []
    seen: dict[str, str] = {}
    for root in roots:
        top = os.path.abspath(root)
        base = os.path.basename(top.rstrip(os.sep)) or top
        events: dict[str, dict[str, str]] = {}  # event folder -> clip -> camera
        for found in discover([root]):
            folder = os.path.dirname(found.clips[0])
            event = folder if folder == top else os.path.dirname(folder)
            for clip in found.clips:
                events.setdefault(event, {})[clip] = (
                    os.path.splitext(os.path.basename(clip))[0] if folder == top
                    else os.path.basename(folder))
        for event, cams in sorted(events.items()):
            rel = os.path.relpath(event, top).replace(os.sep, "/")
            name = base if rel == "." else rel if len(roots) == 1 else f"{base}/{rel}"
            if name in seen:
                raise UsageError(f"{event}: event name '{name}' is also {seen[name]}; give ROOTs "
                                 "with different folder names")
            seen[name] = event
            clips = tuple(cams)  # camera folders in name order, takes in file-name order
            jobs.append(Job(name=name, clips=clips, cameras=tuple(cams[c] for c in clips),
                            manifest=_manifest_for(name, event, out,
                                                   in_clip_folder=config.MANIFEST_NAME)))
    return jobs


_JOB_KEYS = {"name", "clips", "reference", "method", "max_offset", "cameras"}
_CSV_ALIASES = {"event": "name", "clip": "clips", "max-offset": "max_offset", "cameras": "camera"}
_CSV_KEYS = (_JOB_KEYS - {"cameras"}) | {"camera"}


def methods() -> tuple[str, ...]:
    """The method names align takes."""
    return tuple(config.METHODS)


def _method(value: Any, where: str) -> str | None:
    if value in (None, ""):
        return None
    name = str(value).strip().lower()
    if name not in methods():
        raise UsageError(f"{where}: method {value!r} is not one of {', '.join(methods())}")
    return name


def _max_offset(value: Any, where: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = -1.0
    if not number >= 0:  # also catches NaN
        raise UsageError(f"{where}: max_offset {value!r} must be a number of seconds >= 0")
    return number


def _cameras(value: Any, paths: tuple[str, ...], base: str, where: str) -> tuple[str, ...] | None:
    """A JSON jobs file's cameras: {"NAME": "GLOB" or ["GLOB", ...]} (globs relative to the jobs
    file's folder, or file names)."""
    if value is None:
        return None
    if not isinstance(value, dict) or not all(
            isinstance(k, str) and (isinstance(v, str) or isinstance(v, list) and all(
                isinstance(g, str) for g in v)) for k, v in value.items()):
        raise UsageError(f"{where}: \"cameras\" must map camera names to a glob or a list of globs, "
                         "e.g. {\"A\": \"camA/*.mp4\"}")
    rules = [(cam, g if os.path.isabs(g) or "/" not in g else os.path.join(base, g))
             for cam, globs in value.items() for g in ([globs] if isinstance(globs, str) else globs)]
    try:
        return tuple(assign(paths, rules=rules))
    except UsageError as exc:
        raise UsageError(f"{where}: {str(exc).replace('--camera ', 'camera ')}") from None


def _job(name: Any, clips: list[Any], reference: Any, method: Any, max_offset: Any, *,
         base: str, out: str | None, where: str, cameras: Any = None,
         camera_names: list[str] | None = None) -> Job:
    """``cameras``: JSON's rules; ``camera_names``: CSV's camera per clip ("" = not given)."""
    if not isinstance(name, str):
        raise UsageError(f"{where}: every event needs a \"name\" (text)")
    name = _check_name(name, where)
    if not clips or not all(isinstance(c, str) and c.strip() for c in clips):
        raise UsageError(f"{where}: event '{name}' needs \"clips\": a list of file paths")
    paths = tuple(os.path.join(base, os.path.expanduser(c.strip())) for c in clips)
    if reference not in (None, "") and not isinstance(reference, str):
        raise UsageError(f"{where}: event '{name}': \"reference\" must be the path of one of its clips")
    ref = os.path.join(base, os.path.expanduser(reference)) if reference else None
    stem, ext = os.path.splitext(config.MANIFEST_NAME)  # syncam-*: a later walk skips it
    flat = f"{stem}.{name.replace('/', '_')}{ext}"
    return Job(name=name, clips=paths, reference=ref, method=_method(method, where),
               max_offset=_max_offset(max_offset, where),
               cameras=_cameras(cameras, paths, base, where) if not any(camera_names or ()) else
               tuple(n or os.path.splitext(os.path.basename(p))[0]
                     for n, p in zip(camera_names or (), paths)),
               manifest=_manifest_for(name, os.path.dirname(paths[0]), out, in_clip_folder=flat))


def _json_jobs(path: str, text: str, out: str | None) -> list[Job]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}: not JSON ({exc}); see 'syncam batch --help' for the format") \
            from None
    events = data.get("events") if isinstance(data, dict) else data
    if not isinstance(events, list):
        raise UsageError(f"{path}: expected a list of events, or {{\"events\": [...]}}")
    base = os.path.dirname(path)
    jobs = []
    for k, ev in enumerate(events):
        where = f"{path}: event #{k + 1}"
        if not isinstance(ev, dict):
            raise UsageError(f"{where}: expected an object with \"name\" and \"clips\"")
        unknown = set(ev) - _JOB_KEYS
        if unknown:
            raise UsageError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; the keys are "
                             f"{', '.join(sorted(_JOB_KEYS))}")
        clips = ev.get("clips")
        jobs.append(_job(ev.get("name"), clips if isinstance(clips, list) else [], ev.get("reference"),
                         ev.get("method"), ev.get("max_offset"), base=base, out=out, where=where,
                         cameras=ev.get("cameras")))
    return jobs


def _csv_jobs(path: str, text: str, out: str | None) -> list[Job]:
    rows = csv.reader(text.splitlines())
    header = [_CSV_ALIASES.get(h.strip().lower(), h.strip().lower()) for h in next(rows, [])]
    if "name" not in header or "clips" not in header:
        raise UsageError(f"{path}: the first line must name the columns: name,clips[,reference,"
                         "method,max_offset,camera]")
    unknown = set(header) - _CSV_KEYS
    if unknown:
        raise UsageError(f"{path}: unknown column(s) {', '.join(sorted(unknown))}; the columns are "
                         f"{', '.join(sorted(_CSV_KEYS))}")
    events: dict[str, dict[str, Any]] = {}
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = dict(zip(header, (c.strip() for c in row)))
        ev = events.setdefault(cells.get("name", ""), {"clips": [], "cameras": [], "line": line})
        row_clips = [c for c in cells.get("clips", "").split(";") if c.strip()]
        ev["clips"] += row_clips
        ev["cameras"] += [cells.get("camera", "")] * len(row_clips)
        for key in ("reference", "method", "max_offset"):
            if cells.get(key):
                if ev.get(key) not in (None, cells[key]):
                    raise UsageError(f"{path}:{line}: {key} {cells[key]!r} differs from "
                                     f"{ev[key]!r} given earlier for the same event")
                ev[key] = cells[key]
    base = os.path.dirname(path)
    return [_job(name, ev["clips"], ev.get("reference"), ev.get("method"), ev.get("max_offset"),
                 base=base, out=out, where=f"{path}:{ev['line']}", camera_names=ev["cameras"])
            for name, ev in events.items()]


def read_jobs_file(path: str, *, out: str | None = None) -> list[Job]:
    """Jobs from a JSON or CSV file (by extension; content starting with '[' or '{' is JSON).

    Relative clip paths are relative to the jobs file's folder. Without ``out`` an event's manifest
    goes beside its first clip, as ``syncam-manifest.<name>.json`` ('/' in the name becomes '_').
    """
    path = os.path.abspath(path)
    try:
        with open(path, encoding="utf-8-sig") as fh:
            text = fh.read()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such jobs file; check the path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the jobs file ({exc})") from None
    is_json = path.lower().endswith(".json") or text.lstrip()[:1] in ("[", "{")
    jobs = _json_jobs(path, text, out) if is_json else _csv_jobs(path, text, out)
    names = [j.name for j in jobs]
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup is not None:
        raise UsageError(f"{path}: event name '{dup}' is given twice; names must be unique")
    if not jobs:
        raise UsageError(f"{path}: no events in the jobs file")
    return jobs


# --- one event ---------------------------------------------------------------------------------------

def up_to_date(job: Job, options: Options) -> manifest.Manifest | None:
    """The event's manifest if it exists and was made from exactly these clips (path, size, mtime, in
    this order) with these settings; else None. Reads only file metadata: decodes nothing."""
    try:
        m = manifest.load(job.manifest)
    except ManifestError:
        return None
    if [c.path for c in m.clips] != [os.path.abspath(c) for c in job.clips]:
        return None
    for c in m.clips:
        try:
            st = os.stat(c.path)
        except OSError:
            return None
        if st.st_size != c.size or st.st_mtime != c.mtime:
            return None
    s, wanted = m.settings, _align_kwargs(job, options)
    if any(s.get(key) != wanted[key] for key in ("max_offset", "min_confidence", "method")):
        return None
    if job.reference is not None and os.path.realpath(m.clips[m.reference].path) != \
            os.path.realpath(job.reference):
        return None
    if options.render and not os.path.exists(job.mosaic):
        return None
    if options.report and not os.path.exists(job.report):
        return None
    if job.cameras is not None and [c.camera for c in m.clips] != list(job.cameras):
        return None
    if bool(s.get("use_metadata")) != options.use_metadata:
        return None
    if s.get("drift", "off") != options.drift:
        return None
    if options.export and not _timeline_files(job, options.export):
        return None
    return m


def _timeline_files(job: Job, ext: str) -> tuple[str, ...]:
    """The timeline files of an earlier --export of this event (.edl: one per camera track)."""
    path = job.timeline(ext)
    if ext != ".edl":
        return (path,) if os.path.exists(path) else ()
    stem = glob.escape(os.path.splitext(path)[0])
    return tuple(sorted(glob.glob(f"{stem}.*{ext}")))


def _align_kwargs(job: Job, options: Options) -> dict[str, Any]:
    """The arguments align() gets for this event: the job's settings, else the batch's, else align's
    defaults. Resume compares a manifest's settings against these same values."""
    return {"reference": job.reference, "min_confidence": options.min_confidence,
            "max_offset": job.max_offset if job.max_offset is not None else options.max_offset,
            "workers": options.threads, "method": job.method or options.method or config.METHOD,
            "cameras": job.cameras, "use_metadata": options.use_metadata, "drift": options.drift}


@dataclass(frozen=True)
class Outcome:
    """What a worker sends back: the result so far and the manifest text to write."""

    result: EventResult
    manifest_json: str | None = None


def align_event(job: Job, options: Options) -> Outcome:
    """Align one event (the unit of work; runs in a worker). Never raises for a bad event."""
    t0 = time.monotonic()
    disk = SignatureCache(options.cache_dir) if options.cache_dir else None
    # with --report, what align computes is kept for the report, which so decodes nothing again
    cache: SignatureCache | KeepingCache | None = KeepingCache(disk) if options.report else disk

    def done(status: Status, **kw: Any) -> EventResult:
        return EventResult(name=job.name, status=status, seconds=time.monotonic() - t0,
                           cache_hits=disk.stats.hits if disk else 0,
                           cache_misses=disk.stats.misses if disk else 0, **kw)

    try:
        m = align(list(job.clips), cache=cache, **_align_kwargs(job, options))
    except SyncamError as exc:
        return Outcome(done(Status.FAILED, manifest=None, error=str(exc)))
    except Exception as exc:  # one event's unexpected failure must not stop the batch
        log.debug("event %s failed", job.name, exc_info=True)
        return Outcome(done(Status.FAILED, manifest=None,
                            error=f"unexpected error: {type(exc).__name__}: {exc}"))
    unplaced = tuple(c.path for c in m.unplaced)
    status = Status.UNPLACED if unplaced else Status.ALIGNED
    if options.render:  # a failed mosaic fails the event but keeps its manifest (resume redoes it)
        try:
            os.makedirs(os.path.dirname(job.mosaic), exist_ok=True)
            render_mosaic(m, job.mosaic)
        except (SyncamError, OSError) as exc:
            return Outcome(done(Status.FAILED, manifest=job.manifest, unplaced=unplaced,
                                error=f"mosaic not rendered: {exc}"), m.to_json())
    if options.report:  # likewise a failed report
        try:
            os.makedirs(os.path.dirname(job.report), exist_ok=True)
            write_report(m, job.report, manifest_path=job.manifest, title=job.name, cache=cache,
                         workers=options.threads)
        except (SyncamError, OSError) as exc:
            return Outcome(done(Status.FAILED, manifest=job.manifest, unplaced=unplaced,
                                error=f"report not written: {exc}"), m.to_json())
    timeline: tuple[str, ...] = ()
    if options.export:  # like the mosaic: a failed export fails the event, the manifest stays
        try:
            os.makedirs(os.path.dirname(job.manifest), exist_ok=True)
            timeline = export_timeline(m, job.timeline(options.export)).paths
        except (SyncamError, OSError) as exc:
            return Outcome(done(Status.FAILED, manifest=job.manifest, unplaced=unplaced,
                                error=f"timeline not exported: {exc}"), m.to_json())
    return Outcome(done(status, manifest=job.manifest, unplaced=unplaced,
                        mosaic=job.mosaic if options.render else None,
                        report=job.report if options.report else None, timeline=timeline),
                   m.to_json())


def _finish(job: Job, outcome: Outcome) -> EventResult:
    """Write the manifest a worker produced (atomically); a write failure fails the event."""
    if outcome.manifest_json is None:
        return outcome.result
    try:
        os.makedirs(os.path.dirname(job.manifest), exist_ok=True)
        write_text(job.manifest, outcome.manifest_json, inputs=job.clips)
    except (OSError, SyncamError) as exc:
        msg = str(exc) if isinstance(exc, SyncamError) else f"{job.manifest}: cannot write ({exc})"
        return replace(outcome.result, status=Status.FAILED, manifest=None, error=msg)
    return outcome.result


def _failed(job: Job, exc: BaseException) -> Outcome:
    return Outcome(EventResult(name=job.name, status=Status.FAILED, manifest=None,
                               error=f"worker failed: {type(exc).__name__}: {exc}"))


# --- executors ---------------------------------------------------------------------------------------

def _worker_init(log_level: int | None) -> None:
    """Pool workers leave Ctrl-C to the coordinator (which stops them) and log like it does."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if log_level is not None:
        logging.basicConfig(level=log_level, format="%(levelname)s %(name)s: %(message)s")


def _run_inline(todo: list[Job], options: Options) -> Iterator[tuple[Job, Outcome]]:
    for job in todo:
        yield job, align_event(job, options)


def _run_pool(todo: list[Job], options: Options, processes: int
              ) -> Iterator[tuple[Job, Outcome]]:
    # forkserver: workers fork from a clean server process, not from a parent that may run threads
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    ctx = multiprocessing.get_context(method)
    if method == "forkserver":
        ctx.set_forkserver_preload(["syncam.batch"])
    root = logging.getLogger()
    level = root.getEffectiveLevel() if root.handlers else None
    before = set(multiprocessing.active_children())
    pool = ProcessPoolExecutor(max_workers=processes, mp_context=ctx, initializer=_worker_init,
                               initargs=(level,))
    futures: dict[Future[Outcome], Job] = {}
    try:
        futures = {pool.submit(align_event, job, options): job for job in todo}
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in finished:
                try:
                    yield futures[fut], fut.result()
                except Exception as exc:  # a worker process died (killed, out of memory)
                    yield futures[fut], _failed(futures[fut], exc)
    except BaseException:  # Ctrl-C or the consumer stopped: stop the workers now, not after
        for fut in futures:
            fut.cancel()
        for proc in set(multiprocessing.active_children()) - before:
            proc.terminate()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _dask() -> Any:
    try:
        return importlib.import_module("distributed")
    except ImportError:
        raise UsageError("--scheduler needs Dask: pip install 'syncam[dask]' (or "
                         "'dask[distributed]')") from None


def _run_dask(todo: list[Job], options: Options, scheduler: str, processes: int
              ) -> Iterator[tuple[Job, Outcome]]:
    distributed = _dask()
    cluster = None
    try:
        if scheduler == "local":
            # a local cluster listens on loopback only, and opens no dashboard
            cluster = distributed.LocalCluster(n_workers=processes, threads_per_worker=1,
                                               processes=True, host="127.0.0.1",
                                               dashboard_address=None)
            client = distributed.Client(cluster)
        else:
            client = distributed.Client(scheduler, timeout="10s")
    except (OSError, TimeoutError, ValueError) as exc:  # ValueError: an address Dask cannot parse
        if cluster is not None:
            cluster.close()
        raise SyncamError(f"cannot reach the Dask scheduler at {scheduler} ({exc}); check the "
                          "address, or start one with 'dask scheduler' and 'dask worker'") from None
    futures: dict[Any, Job] = {}
    try:
        futures = {client.submit(align_event, job, options, pure=False): job for job in todo}
        for fut in distributed.as_completed(list(futures)):
            try:
                yield futures[fut], fut.result()
            except Exception as exc:  # the worker running it died, or the cluster lost it
                yield futures[fut], _failed(futures[fut], exc)
    except BaseException:  # Ctrl-C or the consumer stopped: drop the queued work on the cluster
        client.cancel(list(futures))
        raise
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# --- the batch ---------------------------------------------------------------------------------------

def run(events: Sequence[Job], *, jobs: int | None = None, scheduler: str | None = None,
        force: bool = False, cache: bool = True, cache_dir: str | None = None,
        max_offset: float | None = config.MAX_OFFSET,
        min_confidence: float = config.MIN_CONFIDENCE, method: str | None = None,
        render: bool = False, report: bool = False, export: str | None = None,
        use_metadata: bool = False,
        on_event: Callable[[EventResult], None] | None = None,
        drift: str = config.DRIFT) -> BatchResult:
    """Align every event; return each one's result in the order given.

    ``jobs``: events aligned at once (default: one per core). ``scheduler``: a Dask scheduler address
    ("tcp://host:8786") or "local" for a local Dask cluster; None runs on local processes.
    ``method``/``max_offset``: for events whose job does not set its own (None = align's default).
    ``export``: a timeline format (otio, fcpxml, xml, edl, aaf) written beside each manifest.
    ``on_event`` is called in this process as each event finishes (skipped ones first).
    ``drift``: as align's ("auto" | "off").
    A failing event is reported, never raised; only bad arguments raise (UsageError).
    """
    t0 = time.monotonic()
    cores = os.cpu_count() or 2
    jobs = max(1, jobs if jobs is not None else cores)
    if scheduler is not None:
        _dask()  # fail before any work when Dask is missing
    if report:
        check_extras()  # likewise syncam[report]
    if method is not None:
        method = _method(method, "method")
    if export is not None:
        export = check_format(config.TIMELINE_STEM + "." + export.lstrip(".").lower())
    options = Options(max_offset=max_offset, min_confidence=min_confidence, method=method,
                      render=render, report=report, export=export, use_metadata=use_metadata,
                      drift=drift, cache_dir=(cache_dir or SignatureCache().directory) if cache else None)
    notify = on_event or (lambda _: None)
    results: dict[str, EventResult] = {}
    todo: list[Job] = []
    for job in events:
        m = None if force else up_to_date(job, options)
        if m is None:
            todo.append(job)
            continue
        results[job.name] = EventResult(name=job.name, status=Status.SKIPPED, manifest=job.manifest,
                                        unplaced=tuple(c.path for c in m.unplaced),
                                        mosaic=job.mosaic if render else None,
                                        report=job.report if report else None,
                                        timeline=_timeline_files(job, export) if export else ())
        notify(results[job.name])
    parallel = min(jobs, len(todo))
    if scheduler is not None:
        # a local cluster shares this machine's decoders among its workers; a remote worker has its own
        share = max(1, config.WORKERS // jobs) if scheduler == "local" else config.WORKERS
        stream = _run_dask(todo, replace(options, threads=share), scheduler, jobs)
    elif parallel <= 1:
        stream = _run_inline(todo, replace(options, threads=config.WORKERS))
    else:
        stream = _run_pool(todo, replace(options, threads=max(1, config.WORKERS // parallel)),
                           parallel)
    with contextlib.closing(stream):  # on Ctrl-C, stop the workers before returning
        for job, outcome in stream:
            results[job.name] = _finish(job, outcome)
            notify(results[job.name])
    ordered = tuple(results[j.name] for j in events)
    if report and ordered:
        write_index([(e.name, e.status.value, e.report if e.status is not Status.FAILED else None,
                      len(e.unplaced)) for e in ordered], report_index(events))
    return BatchResult(events=ordered, seconds=time.monotonic() - t0)


def report_index(events: Sequence[Job]) -> str:
    """Where ``--report`` puts the index of the events' pages: the deepest folder holding them all."""
    folder = os.path.commonpath([os.path.dirname(j.report) for j in events])
    return os.path.join(folder, config.REPORT_INDEX_NAME)


def plan(roots: Sequence[str] = (), *, jobs_file: str | None = None,
         out: str | None = None, camera_folders: bool = False) -> list[Job]:
    """The events of ROOT folders and/or a jobs file (see :func:`discover`, :func:`read_jobs_file`)."""
    if not roots and jobs_file is None:
        raise UsageError("nothing to do: give ROOT folders or --jobs-file")
    if out is not None and os.path.exists(out) and not os.path.isdir(out):
        raise UsageError(f"{out}: --out must be a folder")
    found = discover(roots, out=out, camera_folders=camera_folders) if roots else []
    if jobs_file is not None:
        found += read_jobs_file(jobs_file, out=out)
    names = [j.name for j in found]
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup is not None:
        raise UsageError(f"event name '{dup}' comes from both a ROOT and the jobs file; rename one")
    if not found:
        raise UsageError(f"no media files found under {', '.join(roots)}; each event is a folder "
                         f"of clips ({', '.join(sorted(MEDIA_EXTENSIONS))})")
    return found


def batch(roots: Sequence[str] = (), *, jobs_file: str | None = None, out: str | None = None,
          jobs: int | None = None, scheduler: str | None = None, force: bool = False,
          cache: bool = True, cache_dir: str | None = None,
          max_offset: float | None = config.MAX_OFFSET,
          min_confidence: float = config.MIN_CONFIDENCE, method: str | None = None,
          render: bool = False, report: bool = False, export: str | None = None,
          camera_folders: bool = False, use_metadata: bool = False,
          on_event: Callable[[EventResult], None] | None = None,
          drift: str = config.DRIFT) -> BatchResult:
    """Align every event under ``roots`` and/or in ``jobs_file``; see :func:`run` for the options
    and :func:`discover` for ``camera_folders``.

    Each event's manifest goes beside its clips, or under ``out/<event name>/``.
    """
    return run(plan(roots, jobs_file=jobs_file, out=out, camera_folders=camera_folders), jobs=jobs,
               scheduler=scheduler, force=force, cache=cache, cache_dir=cache_dir,
               max_offset=max_offset, min_confidence=min_confidence, method=method, render=render,
               report=report, export=export, use_metadata=use_metadata, on_event=on_event,
               drift=drift)


__all__ = ["BatchResult", "EventResult", "Job", "Status", "batch", "discover", "plan",
           "read_jobs_file", "run", "up_to_date"]
