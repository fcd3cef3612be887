"""Running a batch's events: inline, on a pool of local processes, or on a Dask cluster; skipping those
whose manifest is up to date; reporting each event as it finishes."""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, replace
from typing import Any

from syncam import cluster, config, interrupt
from syncam.batch.discover import Job, _method, find_events
from syncam.batch.event import (
    EventResult,
    Options,
    Outcome,
    Status,
    _failed,
    _finish,
    align_event,
    up_to_date,
)
from syncam.cache import SignatureCache


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



def _worker_init(log_level: int | None) -> None:
    """Pool workers leave Ctrl-C to the coordinator (which stops them) and log like it does. The
    SIGTERM with which the coordinator stops them, and a closed terminal's SIGHUP, unwind the event
    like Ctrl-C: its ffmpeg children stopped, a half-written mosaic removed."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    interrupt.install(tuple(s for s in interrupt.SIGNALS if s != signal.SIGINT))
    if log_level is not None:
        logging.basicConfig(level=log_level, format="%(levelname)s %(name)s: %(message)s")


def _run_inline(todo: list[Job], options: Options) -> Generator[tuple[Job, Outcome], None, None]:
    for job in todo:
        yield job, align_event(job, options)


def _run_pool(todo: list[Job], options: Options, processes: int
              ) -> Generator[tuple[Job, Outcome], None, None]:
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


def _run_dask(todo: list[Job], options: Options, scheduler: str, processes: int
              ) -> Generator[tuple[Job, Outcome], None, None]:
    distributed = cluster.distributed()
    with cluster.client(scheduler, processes) as client:
        yield from _on_cluster(client, distributed, todo, options)


def _on_cluster(client: Any, distributed: Any, todo: list[Job], options: Options
                ) -> Generator[tuple[Job, Outcome], None, None]:
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



def run(events: Sequence[Job], *, jobs: int | None = None, scheduler: str | None = None,
        force: bool = False, cache: bool = True, cache_dir: str | None = None,
        max_offset: float | None = config.MAX_OFFSET,
        min_confidence: float = config.MIN_CONFIDENCE, method: str | None = None,
        render: bool = False, report: bool = False, export: str | None = None,
        use_metadata: bool = False, drift: str = config.DRIFT,
        on_event: Callable[[EventResult], None] | None = None) -> BatchResult:
    """Align every event; return each one's result in the order given.

    ``jobs``: events aligned at once (default: one per core). ``scheduler``: a Dask scheduler address
    ("tcp://host:8786") or "local" for a local Dask cluster; None runs on local processes.
    ``method``/``max_offset``: for events whose job does not set its own (None = align's default).
    ``export``: a timeline format (otio, fcpxml, xml, edl, aaf) written beside each manifest.
    ``report``: an evidence page per event beside its manifest, and an index of them all.
    ``drift``: as align's ("auto" | "off").
    ``on_event`` is called in this process as each event finishes (skipped ones first).
    A failing event is reported, never raised; only bad arguments raise (UsageError).
    """
    t0 = time.monotonic()
    cores = os.cpu_count() or 2
    jobs = max(1, jobs if jobs is not None else cores)
    if scheduler is not None:
        cluster.distributed()  # fail before any work when Dask is missing
    if report:
        from syncam.report.build import check_extras

        check_extras()  # likewise syncam[report]
    if method is not None:
        method = _method(method, "method")
    if export is not None:
        from syncam.export import check_format

        export = check_format(config.TIMELINE_STEM + "." + export.lstrip(".").lower())
    options = Options(max_offset=max_offset, min_confidence=min_confidence, method=method,
                      render=render, report=report, export=export, use_metadata=use_metadata,
                      drift=drift,
                      cache_dir=(cache_dir or SignatureCache().directory) if cache else None)
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
                                        timeline=job.timeline_files(export) if export else ())
        notify(results[job.name])
    parallel = min(jobs, len(todo))
    if scheduler is not None and len(todo) == 1:
        # one event: its own tasks (signatures, pair searches) go to the cluster
        stream = _run_inline(todo, replace(options, threads=config.WORKERS, scheduler=scheduler))
    elif scheduler is not None:
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
        from syncam.report.build import index as write_index

        write_index([(e.name, e.status.value, e.report if e.status is not Status.FAILED else None,
                      len(e.unplaced)) for e in ordered], report_index(events))
    return BatchResult(events=ordered, seconds=time.monotonic() - t0)


def report_index(events: Sequence[Job]) -> str:
    """Where ``--report`` puts the index of the events' pages: the deepest folder holding them all."""
    folder = os.path.commonpath([os.path.dirname(j.report) for j in events])
    return os.path.join(folder, config.REPORT_INDEX_NAME)



def batch(roots: Sequence[str] = (), *, jobs_file: str | None = None, out: str | None = None,
          jobs: int | None = None, scheduler: str | None = None, force: bool = False,
          cache: bool = True, cache_dir: str | None = None,
          max_offset: float | None = config.MAX_OFFSET,
          min_confidence: float = config.MIN_CONFIDENCE, method: str | None = None,
          render: bool = False, report: bool = False, export: str | None = None,
          camera_folders: bool = False, use_metadata: bool = False, drift: str = config.DRIFT,
          on_event: Callable[[EventResult], None] | None = None) -> BatchResult:
    """Align every event under ``roots`` and/or in ``jobs_file``; see :func:`run` for the options
    and :func:`discover` for ``camera_folders``.

    Each event's manifest goes beside its clips, or under ``out/<event name>/``.
    """
    return run(find_events(roots, jobs_file=jobs_file, out=out, camera_folders=camera_folders),
               jobs=jobs, scheduler=scheduler, force=force, cache=cache, cache_dir=cache_dir,
               max_offset=max_offset, min_confidence=min_confidence, method=method, render=render,
               report=report, export=export, use_metadata=use_metadata, drift=drift,
               on_event=on_event)

