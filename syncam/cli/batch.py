"""``syncam batch``: align many events from folders or a jobs file, in parallel, resumably."""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING

import click

from syncam import config
from syncam.cli import FOLDER, PATH, Finite, ProgressBar, handle_errors, interrupted, main

if TYPE_CHECKING:
    from syncam.batch import BatchResult, EventResult

_STYLE = {"aligned": "green", "skipped": None, "unplaced": "yellow", "failed": "red"}


def summary_table(result: BatchResult) -> str:
    """One line per event (status, clips unplaced, seconds, cache hits, manifest or error)."""
    from syncam.batch import Status

    rows = [("event", "status", "unplaced", "seconds", "cached", "manifest / error")]
    for e in result.events:
        rows.append((e.name, e.status.value, str(len(e.unplaced)), f"{e.seconds:.1f}",
                     f"{e.cache_hits}/{e.cache_hits + e.cache_misses}",
                     (e.error or "") if e.status is Status.FAILED else (e.manifest or "")))
    widths = [max(len(r[k]) for r in rows) for k in range(5)]
    lines = []
    for i, r in enumerate(rows):
        cells = [r[0].ljust(widths[0]), r[1].ljust(widths[1]),
                 *(r[k].rjust(widths[k]) for k in (2, 3, 4)), r[5]]
        line = "  ".join(cells)
        if i and _STYLE[result.events[i - 1].status.value]:
            line = click.style(line, fg=_STYLE[result.events[i - 1].status.value])
        lines.append(line)
    counts = {s: sum(e.status is s for e in result.events) for s in Status}
    lines.append(", ".join(f"{n} {s.value}" for s, n in counts.items() if n)
                 + f" in {result.seconds:.1f} s")
    return "\n".join(lines)


@main.command("batch", short_help="Align many events (folders or a jobs file), resumably.")
@click.argument("roots", nargs=-1, type=PATH)
@click.option("--jobs-file", type=PATH, help="JSON or CSV file listing events: name, clips, "
              "and optionally reference, method, max_offset, and cameras (JSON) or a camera "
              "column (CSV) per event.")
@click.option("-o", "--output", "--out", "out", type=FOLDER, metavar="FOLDER",
              help="Write each event's manifest to FOLDER/<event>/ instead of beside its clips.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Events aligned at once (default: one per core).")
@click.option("--scheduler", metavar="ADDRESS", help="Run on a Dask distributed cluster "
              "(tcp://host:8786), or 'local' to start one on this machine. Needs syncam[dask].")
@click.option("--force", is_flag=True, help="Align every event again, even when its manifest is "
              "up to date with its clips.")
@click.option("--render", is_flag=True, help=f"Also render each event's mosaic "
              f"({config.MOSAIC_NAME} beside its manifest).")
@click.option("--report", is_flag=True, help=f"Also write each event's evidence page "
              f"({config.REPORT_NAME} beside its manifest) and an index of them all "
              f"({config.REPORT_INDEX_NAME}); needs syncam[report].")
@click.option("--method", "-m", type=click.Choice(config.METHODS), default=None,
              help="Evidence to align by (default: align's); a jobs file can set it per event.")
@click.option("--max-offset", type=Finite(low=0), default=config.MAX_OFFSET,
              help="Largest offset between two clips, in seconds (default: no limit); a jobs file "
              "can set it per event.")
@click.option("--min-confidence", type=Finite(0, 1), default=config.MIN_CONFIDENCE,
              show_default=True, help="Matches below this confidence are not used.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the signature cache.")
@click.option("--cache-dir", type=FOLDER, help=f"Signature cache folder "
              f"(default: ${config.CACHE_ENV}, else $XDG_CACHE_HOME/syncam, else ~/.cache/syncam).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON line per finished event and "
              "nothing else on stdout.")
@click.option("--export", "export_format", metavar="FORMAT",
              type=click.Choice([e.lstrip(".") for e in config.EXPORT_FORMATS]),
              help=f"Also export each event's timeline ({config.TIMELINE_STEM}.FORMAT beside its "
                   "manifest): otio, fcpxml, xml (FCP 7), edl (one per camera), aaf.")
@click.option("--camera-folders", is_flag=True, help="Folders of clips are cameras (their clips "
              "are takes) and their parent folder is the event: ROOT/wedding/camA/*.mp4.")
@click.option("--use-metadata", is_flag=True, help="As 'syncam align --use-metadata': place "
              "takes nothing heard or saw from their camera's clock.")
@click.option("--drift", type=click.Choice(config.DRIFTS), default=config.DRIFT, show_default=True,
              help="As 'syncam align --drift'.")
@handle_errors
def batch_cmd(roots: tuple[str, ...], jobs_file: str | None, out: str | None, jobs: int | None,
              scheduler: str | None, force: bool, render: bool, report: bool, method: str | None,
              max_offset: float | None,
              min_confidence: float, no_cache: bool, cache_dir: str | None, as_json: bool,
              export_format: str | None, camera_folders: bool, use_metadata: bool,
              drift: str) -> None:
    """Align every event under ROOT folders: each folder holding clips is one event.

    A manifest (syncam-manifest.json) is written per event as soon as it is aligned; an event whose
    manifest is up to date with its clips is skipped, so an interrupted batch resumes where it stopped.

    \b
    Examples:
      syncam batch shoots/ --render -j 2
      syncam batch --jobs-file events.csv -o manifests/

    Exit codes: 0 every event aligned fully, 3 some clip stayed unplaced, 1 some event failed (the
    others still finish), 2 bad arguments, 130/143/129 stopped by Ctrl-C/SIGTERM/SIGHUP (finished
    events keep their manifests: the same command resumes).
    """
    from syncam.batch import Status, find_events, report_index, run
    from syncam.types import Progress

    events = find_events(roots, jobs_file=jobs_file, out=out, camera_folders=camera_folders)
    if scheduler is not None and not click.get_current_context().find_root().params.get("debug"):
        # Dask logs every cluster step at INFO on stderr; keep its warnings only, unless the user's
        # own Dask configuration says otherwise
        os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")
    bar = ProgressBar()
    finished: list[EventResult] = []

    def on_event(e: EventResult) -> None:
        finished.append(e)
        if as_json:
            click.echo(json.dumps(e.to_dict(), ensure_ascii=False))
            sys.stdout.flush()
        bar(Progress("events", len(finished), len(events), e.name))

    try:
        result = run(events, jobs=jobs, scheduler=scheduler, force=force, cache=not no_cache,
                     cache_dir=cache_dir, max_offset=max_offset, min_confidence=min_confidence,
                     method=method, render=render, report=report, export=export_format,
                     use_metadata=use_metadata, on_event=on_event, drift=drift)
    except KeyboardInterrupt as exc:
        bar.close()
        kept = sum(e.status is not Status.FAILED for e in finished)
        interrupted(exc, f"the {kept} finished event(s) kept their manifests: run the same command "
                    "again to resume")
    finally:
        bar.close()
    if not as_json:
        click.echo(summary_table(result))
        if report and result.events:
            click.echo(f"report index: {report_index(events)}")
    sys.exit(result.exit_code)
