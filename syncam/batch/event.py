"""One event of a batch, the unit of work: is its manifest up to date, align it (and render its mosaic,
write its report page, export its timeline), in a worker process; then write its manifest, in the
coordinating one."""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

from syncam import config, manifest
from syncam.atomic import write_text
from syncam.batch.discover import Job
from syncam.cache import KeepingCache, SignatureCache
from syncam.errors import ManifestError, SyncamError
from syncam.identity import unchanged
from syncam.pipeline import align_then_render

log = logging.getLogger(__name__)


class Status(str, Enum):
    """How an event ended."""

    ALIGNED = "aligned"  # every clip placed
    UNPLACED = "unplaced"  # manifest written, some clip could not be placed
    FAILED = "failed"  # no manifest: the event could not be aligned (see ``error``)
    SKIPPED = "skipped"  # its manifest is up to date with its clips (``unplaced`` read from it)



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
    scheduler: str | None = None  # align's tasks on this Dask cluster (a batch of one event)



def up_to_date(job: Job, options: Options) -> manifest.Manifest | None:
    """The event's manifest if it exists and was made from exactly these clips (path, size, mtime, in
    this order) with these settings; else None. Reads only file metadata: decodes nothing."""
    try:
        m = manifest.load(job.manifest)
    except ManifestError:
        return None
    if [c.path for c in m.clips] != [os.path.abspath(c) for c in job.clips]:
        return None
    if not all(unchanged(c.path, c.size, c.mtime) for c in m.clips):
        return None
    s, wanted = m.settings, _align_kwargs(job, options)
    # audio_stream: a manifest aligned by hand-picked tracks ('align --audio-stream') is not batch's
    if any(getattr(s, key) != wanted.get(key) for key in ("max_offset", "min_confidence", "method",
                                                           "audio_stream")):
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
    if s.drift != options.drift:  # (a manifest from before drift reads as the default, auto)
        return None
    if s.use_metadata != options.use_metadata:
        return None
    if options.export and not job.timeline_files(options.export):
        return None
    return m


def _align_kwargs(job: Job, options: Options) -> dict[str, Any]:
    """The arguments align() gets for this event: the job's settings, else the batch's, else align's
    defaults. Resume compares a manifest's settings against these same values."""
    return {"reference": job.reference, "min_confidence": options.min_confidence,
            "max_offset": job.max_offset if job.max_offset is not None else options.max_offset,
            "workers": options.threads, "method": job.method or options.method or config.METHOD,
            "cameras": job.cameras, "use_metadata": options.use_metadata, "drift": options.drift,
            "scheduler": options.scheduler}


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
        if options.render:
            os.makedirs(os.path.dirname(job.mosaic), exist_ok=True)
        aligned = align_then_render(list(job.clips), job.mosaic if options.render else None,
                                    cache=cache, **_align_kwargs(job, options))
    except OSError as exc:
        return Outcome(done(Status.FAILED, manifest=None,
                            error=f"{os.path.dirname(job.mosaic)}: cannot create ({exc.strerror})"))
    except SyncamError as exc:
        return Outcome(done(Status.FAILED, manifest=None, error=str(exc)))
    except Exception as exc:  # one event's unexpected failure must not stop the batch
        log.debug("event %s failed", job.name, exc_info=True)
        return Outcome(done(Status.FAILED, manifest=None,
                            error=f"unexpected error: {type(exc).__name__}: {exc}"))
    m = aligned.manifest
    unplaced = tuple(c.path for c in m.unplaced)
    status = Status.UNPLACED if unplaced else Status.ALIGNED
    if aligned.render_error is not None:  # fails the event but keeps its manifest (resume redoes it)
        return Outcome(done(Status.FAILED, manifest=job.manifest, unplaced=unplaced,
                            error=f"mosaic not rendered: {aligned.render_error}"), m.to_json())
    if options.report:  # likewise a failed report
        from syncam.report.build import report as write_report  # Jinja2: only here

        try:
            os.makedirs(os.path.dirname(job.report), exist_ok=True)
            write_report(m, job.report, manifest_path=job.manifest, title=job.name, cache=cache,
                         workers=options.threads)
        except (SyncamError, OSError) as exc:
            return Outcome(done(Status.FAILED, manifest=job.manifest, unplaced=unplaced,
                                error=f"report not written: {exc}"), m.to_json())
    timeline: tuple[str, ...] = ()
    if options.export:  # like the mosaic: a failed export fails the event, the manifest stays
        from syncam.export import export as export_timeline  # OpenTimelineIO: only here

        try:
            os.makedirs(os.path.dirname(job.manifest), exist_ok=True)
            timeline = export_timeline(m, job.timeline(options.export)).paths
        except (SyncamError, OSError) as exc:
            return Outcome(done(Status.FAILED, manifest=job.manifest, unplaced=unplaced,
                                error=f"timeline not exported: {exc}"), m.to_json())
    return Outcome(done(status, manifest=job.manifest, unplaced=unplaced,
                        mosaic=job.mosaic if aligned.video is not None else None,
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

