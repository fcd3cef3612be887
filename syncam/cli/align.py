"""``syncam probe`` and ``syncam align``."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import click

from syncam import config
from syncam.atomic import check_writable, write_text
from syncam.cli import (
    EXIT_OK,
    EXIT_UNPLACED,
    FOLDER,
    PATH,
    Finite,
    ProgressBar,
    handle_errors,
    main,
    warn,
)
from syncam.cli.render import summary
from syncam.errors import MediaError, UsageError

if TYPE_CHECKING:
    from syncam.manifest import Manifest
    from syncam.types import Clip


# --- probe ------------------------------------------------------------------------------------------

def _jsonable(value: Any) -> Any:
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _describe(clip: Clip) -> list[str]:
    lines = [f"{clip.path}", f"  container {clip.container}, duration {clip.duration:.3f} s, "
             f"start {clip.start:.3f} s"]
    for v in clip.video:
        fps = f"{v.fps} ({float(v.fps):.3f} fps)" if v.fps else "unknown fps"
        lines.append(f"  video #{v.index}: {v.codec} {v.width}x{v.height}, {fps}"
                     f"{', variable frame rate' if v.variable_fps else ''}"
                     f"{f', rotation {v.rotation}°' if v.rotation else ''}")
    for a in clip.audio:
        lines.append(f"  audio #{a.index}: {a.codec} {a.sample_rate} Hz, {a.channels} ch")
    if not clip.audio:
        lines.append("  audio: none")
    if clip.creation_time or clip.timecode:
        lines.append(f"  created {clip.creation_time or '-'}, timecode {clip.timecode or '-'}")
    return lines


@main.command("probe", short_help="Describe clips: streams, frame rates, rotation, start.")
@click.argument("clips", nargs=-1, required=True, type=PATH)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (a list, one object per clip).")
@handle_errors
def probe_cmd(clips: tuple[str, ...], as_json: bool) -> None:
    """Describe CLIPS: container, streams, frame rates, rotation, creation time.

    \b
    Example:
      syncam probe cam1.mp4 "phone 2.mov" --json

    Exit codes: 0 described, 1 a clip cannot be read (the line names it), 2 bad arguments.
    """
    from syncam.media.probe import probe
    found = [probe(p) for p in clips]
    if as_json:
        click.echo(json.dumps([_jsonable(asdict(c)) for c in found], indent=2, ensure_ascii=False))
    else:
        click.echo("\n".join(line for c in found for line in _describe(c)))


# --- align ------------------------------------------------------------------------------------------

def _audio_stream_option(values: tuple[str, ...]) -> int | dict[str, int] | None:
    """--audio-stream N (every clip) or CLIP=N (repeatable) -> align()'s ``audio_stream``."""
    if not values:
        return None
    per_clip: dict[str, int] = {}
    every: int | None = None
    for value in values:
        clip, _, number = value.rpartition("=")
        if not number.strip().isdigit():
            raise click.BadParameter(f"{value!r}: give N or CLIP=N, N a stream number counted from 0",
                                     param_hint="'--audio-stream'")
        if clip:
            per_clip[clip] = int(number)
        elif every is None and not per_clip and len(values) == 1:
            every = int(number)
        else:
            raise click.BadParameter(f"{value!r}: give one N for every clip, or CLIP=N for each",
                                     param_hint="'--audio-stream'")
    return every if every is not None else per_clip


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def manifest_table(m: Manifest) -> str:
    rows = [("clip", "offset s", "frames", "confidence", "by", "status")]
    for i, c in enumerate(m.clips):
        status = "reference" if i == m.reference else "placed" if c.placed else f"UNPLACED: {c.reason}"
        if c.av_lag is not None and i != m.reference:
            status += f"; sound {c.av_lag * 1e3:+.1f} ms (+-{(c.av_lag_stderr or 0.0) * 1e3:.1f})"
        rows.append((c.name, _fmt(c.offset, "+.4f"), _fmt(c.offset_frames, "+.2f"),
                     f"{c.confidence:.2f}", c.method or "-", status))
    widths = [max(len(r[k]) for r in rows) for k in range(5)]
    lines = ["  ".join(r[k].ljust(widths[k]) if k == 0 else r[k].rjust(widths[k]) for k in range(5))
             + "  " + r[5] for r in rows]
    if m.timeline_start is not None:
        lines.append(f"timeline {m.timeline_start:+.3f} s .. {m.timeline_end:+.3f} s")
    return "\n".join(lines)


def _clock_rule(text: str) -> tuple[str, str]:
    """``--clock NAME=GLOB`` -> (NAME, GLOB)."""
    name, sep, pattern = text.partition("=")
    if not sep or not name.strip() or not pattern:
        raise UsageError(f"--clock {text!r}: give NAME=GLOB, e.g. --clock 'dvr1=cctv/cam*.mp4'")
    return name.strip(), pattern


def _expand_clips(given: tuple[str, ...], camera_rules: tuple[str, ...]
                  ) -> tuple[tuple[str, ...], list[str] | None]:
    """CLIPS with each event folder replaced by its media files, and each clip's camera from
    ``--camera`` rules and camera sub-folders (None: align's default, one camera per device)."""
    from syncam.batch.discover import is_clip_name
    from syncam.cameras import assign, expand_folder, parse_rule

    rules = [parse_rule(r) for r in camera_rules]
    paths: list[str] = []
    folders: dict[str, str] = {}
    for path in given:
        if os.path.isdir(path):
            try:
                found, cams = expand_folder(path, is_clip_name)
            except OSError as exc:
                raise MediaError(f"{path}: cannot read the folder ({exc.strerror}); check its "
                                 "permissions") from None
            if not found:
                raise MediaError(f"{path}: is a directory with no media files in it or in its "
                                 "camera sub-folders; give clips, or an event folder")
            paths += found
            folders.update(cams)
        else:
            paths.append(path)
    cameras = assign(paths, rules=rules, folders=folders) if rules or folders else None
    return tuple(paths), cameras


@main.command("align", short_help="Place clips on one timeline; write the offsets manifest.")
@click.argument("clips", nargs=-1, required=True, type=PATH)
@click.option("--reference", "-r", type=PATH, help="Clip that defines timeline zero "
              "(default: the first clip).")
@click.option("--method", "-m", type=click.Choice(config.METHODS), default=config.METHOD,
              show_default=True, help="Evidence to align by: auto = sound where both clips of a pair "
              "have usable sound, motion otherwise; audio or motion only; both = all of it: the picture "
              "places each camera, and how late its sound is (A/V lag) is measured.")
@click.option("--max-offset", type=Finite(low=0), default=config.MAX_OFFSET,
              help="Largest offset between two clips to consider, in seconds (default: no limit).")
@click.option("--min-confidence", type=Finite(0, 1), default=config.MIN_CONFIDENCE,
              show_default=True, help="Matches below this confidence are not used.")
@click.option("-o", "--output", type=PATH, default=config.MANIFEST_NAME, show_default=True,
              help="Where to write the offsets manifest (JSON).")
@click.option("--json", "as_json", is_flag=True, help="Print the manifest to stdout, nothing else.")
@click.option("--render", "render_to", type=PATH, metavar="OUT",
              help="Also render the mosaic video to OUT with the defaults of 'syncam render'.")
@click.option("--report", "report_to", type=click.Path(), metavar="HTML",
              help="Also write the evidence report (an HTML page) to HTML; needs syncam[report].")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the signature cache.")
@click.option("--cache-dir", type=FOLDER, help=f"Signature cache folder "
              f"(default: ${config.CACHE_ENV}, else $XDG_CACHE_HOME/syncam, else ~/.cache/syncam).")
@click.option("--audio-stream", "audio_streams", multiple=True, metavar="[CLIP=]N",
              help="Align CLIP by its audio stream N (0 = its first; repeat for other clips), or "
              "every clip by its stream N. Default: per clip, the first stream that is not silent.")
@click.option("--camera", "camera_rules", multiple=True, metavar="NAME=GLOB",
              help="Clips matching GLOB (path or file name) are takes of camera NAME; repeatable. "
                   "Takes of one camera are never matched with each other nor overlap.")
@click.option("--export", "export_to", type=PATH, metavar="OUT",
              help="Also export the timeline to OUT (.otio .fcpxml .xml .edl .aaf), as 'syncam "
                   "export' does.")
@click.option("--relative", is_flag=True, help="With --export: media paths relative to OUT's folder.")
@click.option("--use-metadata", is_flag=True, help="Place a take that shares no sound or picture "
              "with anything from its camera's clock (timecode, else creation time), relative to a "
              "placed take of the same camera; note clocks that contradict the evidence.")
@click.option("--drift", type=click.Choice(config.DRIFTS), default=config.DRIFT, show_default=True,
              help="auto: estimate each clip's clock drift (ppm) with its offset; off: offsets only.")
@click.option("--scheduler", metavar="ADDRESS", help="Run this event's signatures and pair searches "
              "as tasks on a Dask distributed cluster (tcp://host:8786), or 'local' to start one on "
              "this machine. The clips must be readable at the same paths on every worker. Needs "
              "syncam[dask].")
@click.option("--clock", "clock_rules", multiple=True, metavar="NAME=GLOB",
              help="Clips matching GLOB show the clock of one recorder NAME (they share its error); "
                   "repeatable. Default: every clock burned into a picture is one wall clock.")
@click.option("--clock-format", type=click.Choice(["dmy", "mdy", "ymd"]),
              help="Date order of burned-in clocks whose dates read both ways (03/04/2017); by "
                   "default decided from the readings, or reported ambiguous.")
@click.option("--no-clock", is_flag=True, help="Ignore clocks burned into the pictures (read by "
              "default when a clip with a picture is left unplaced, or --clock is given).")
@handle_errors
def align_cmd(clips: tuple[str, ...], reference: str | None, method: str,
              max_offset: float | None, min_confidence: float, output: str, as_json: bool,
              render_to: str | None, report_to: str | None, no_cache: bool, cache_dir: str | None,
              audio_streams: tuple[str, ...], camera_rules: tuple[str, ...], export_to: str | None,
              relative: bool, use_metadata: bool, drift: str, scheduler: str | None,
              clock_rules: tuple[str, ...], clock_format: str | None, no_clock: bool) -> None:
    """Find where every clip sits on one timeline and write the offsets manifest.

    CLIPS are files, or an event folder: its media files are one camera each, and each sub-folder
    holding media files is one camera (named by the folder) whose clips are its takes.

    \b
    Examples:
      syncam align event/*.mp4 -o event/manifest.json
      syncam align a.mov b.mp4 --reference b.mp4 --max-offset 600 --render mosaic.mp4
      syncam align wedding/ --camera A='camA*' --export wedding.otio

    Exit codes: 0 every clip placed, 3 some clip could not be placed (the manifest says why),
    1 an input cannot be read or aligned, 2 bad arguments, 130/143/129 stopped by Ctrl-C/SIGTERM/SIGHUP.
    """
    from syncam.cache import KeepingCache, SignatureCache
    from syncam.pipeline import align_then_render

    audio_stream = _audio_stream_option(audio_streams)
    clock_groups = [_clock_rule(r) for r in clock_rules]
    clips, cameras = _expand_clips(clips, camera_rules)
    target = check_writable(output, inputs=clips)
    if export_to is not None:  # a bad timeline path or format fails now, not after the alignment
        from syncam.export import check_format

        check_format(export_to)
        check_writable(export_to, inputs=(*clips, target))
    if render_to is not None:  # a bad video path fails now, not after the alignment
        check_writable(render_to, inputs=(*clips, target))
    if report_to is not None:  # likewise a bad page path, or a missing syncam[report]
        from syncam.report.build import check_extras, check_output
        check_output(report_to, inputs=(*clips, target))
        check_extras()
    if scheduler is not None:  # a missing syncam[dask] fails now, not after probing
        from syncam.cluster import distributed

        distributed()
    bar = ProgressBar()

    def keep(result: Manifest) -> None:
        """Save the manifest and show it, before the mosaic is rendered."""
        write_text(target, result.to_json(), inputs=clips)
        bar.close()
        if as_json:
            click.echo(result.to_json(), nl=False)
        else:
            click.echo(manifest_table(result))
            click.echo(f"manifest: {output}")
        for note in result.notes:
            click.echo(click.style(f"syncam: note: {note}", fg="yellow"), err=True)
        for c in result.unplaced:
            warn(f"{c.path}: not placed ({c.reason})")

    disk = None if no_cache else SignatureCache(cache_dir)
    # with --report, keep what align computes: the report then decodes nothing again
    cache = KeepingCache(disk) if report_to is not None else disk
    try:
        done = align_then_render(list(clips), render_to, keep=keep, manifest_path=target,
                                 progress=bar, method=method, reference=reference,
                                 max_offset=max_offset, min_confidence=min_confidence,
                                 audio_stream=audio_stream, cache=cache, cameras=cameras,
                                 use_metadata=use_metadata, drift=drift, scheduler=scheduler,
                                 clock=False if no_clock else None,
                                 clock_groups=clock_groups, clock_format=clock_format)
    finally:
        bar.close()
    if done.render_error is not None:
        raise done.render_error
    if done.video is not None and render_to is not None:
        for message in done.video.warnings:
            warn(message)
        click.echo(summary(done.video, render_to), err=as_json)
    if report_to is not None:
        from syncam.report import report

        page = report(done.manifest, report_to, manifest_path=target, cache=cache)
        click.echo(f"report: {page.output}", err=as_json)
    if export_to is not None:
        from syncam.cli.export import export_summary
        from syncam.export import export

        click.echo(export_summary(export(done.manifest, export_to, relative=relative)),
                   err=as_json)
    sys.exit(EXIT_UNPLACED if done.manifest.unplaced else EXIT_OK)
