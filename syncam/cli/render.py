"""``syncam render``: the synchronized mosaic of a manifest."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

import click

from syncam import config
from syncam.cli import PATH, Finite, ProgressBar, handle_errors, main, warn
from syncam.render.layout import LAYOUTS

if TYPE_CHECKING:
    from syncam.render.mosaic import RenderResult


class FrameRate(click.ParamType):
    """A frame rate as a number or a fraction: 25, 29.97, 30000/1001."""

    name = "FPS"

    def convert(self, value: object, param: click.Parameter | None,
                ctx: click.Context | None) -> Fraction:
        if isinstance(value, Fraction):
            return value
        try:
            fps = Fraction(str(value))
        except (ValueError, ZeroDivisionError):
            self.fail(f"{value!r} is not a frame rate (e.g. 25, 29.97, 30000/1001)", param, ctx)
        if fps <= 0:
            self.fail(f"{value!r}: a frame rate must be positive", param, ctx)
        return fps


def summary(result: RenderResult, output: str) -> str:
    """What was rendered; ``output`` is the path as the user gave it."""
    sound = ", ".join(result.audio) or "none"
    return (f"rendered {output}\n"
            f"  {result.width}x{result.height}, {result.fps} fps, {result.duration:.3f} s "
            f"(timeline {result.start:+.3f} .. {result.start + result.duration:+.3f} s), "
            f"{len(result.tiles)} tile(s), sound: {sound}")


@main.command("render", short_help="Render a manifest as one synchronized mosaic video.")
@click.argument("manifest_path", metavar="MANIFEST", type=PATH)
@click.option("-o", "--output", required=True, type=PATH,
              help="Video to write; its extension picks the container (.mp4 .mov .mkv .webm).")
@click.option("--layout", type=click.Choice(LAYOUTS), default="auto", show_default=True,
              help="auto: most compact grid; grid: with --cols/--rows; hstack: side by side; "
                   "vstack: one above the other.")
@click.option("--cols", type=click.IntRange(min=1), help="Grid columns (--layout grid).")
@click.option("--rows", type=click.IntRange(min=1), help="Grid rows (--layout grid).")
@click.option("--width", type=click.IntRange(min=2), help="Output width in pixels "
              f"(default: the grid fitted in {config.RENDER_BOX[0]}x{config.RENDER_BOX[1]}).")
@click.option("--height", type=click.IntRange(min=2), help="Output height in pixels.")
@click.option("--fps", type=FrameRate(), help="Output frame rate (default: the reference clip's).")
@click.option("--start", type=Finite(),
              help="Timeline second to start at (default: first clip's start).")
@click.option("--end", type=Finite(), help="Timeline second to end at (default: last clip's end).")
@click.option("--labels/--no-labels", default=True, show_default=True,
              help="Camera name in each tile.")
@click.option("--clock/--no-clock", default=False, show_default=True,
              help="Burn in the timeline time (HH:MM:SS.mmm, reference start = 0).")
@click.option("--audio", default="reference", show_default=True,
              metavar="reference|mix|none|CLIP",
              help="Sound: the reference's, all placed clips mixed, none, or one clip's (its file "
                   "name, camera name, path or index in the manifest).")
@click.option("--show-unplaced", is_flag=True, help="Show unplaced clips as labelled empty tiles "
              "(default: leave them out, with a warning).")
@click.option("--vcodec", help="Video encoder (default: libx264; libvpx-vp9 for .webm).")
@click.option("--acodec", help="Audio encoder (default: aac; libopus for .webm).")
@click.option("--crf", type=click.IntRange(0, 63),
              help="Constant quality, lower is better (default: 20 for x264, 32 for VP9).")
@click.option("--preset", help=f"Encoder speed preset (default: {config.RENDER_PRESET} for x264).")
@click.option("--audio-bitrate", default=config.RENDER_AUDIO_BITRATE, show_default=True,
              help="Bit rate of the encoded sound (ffmpeg's -b:a: 128k, 192k, ...).")
@handle_errors
def render_cmd(manifest_path: str, output: str, layout: str, cols: int | None, rows: int | None,
               width: int | None, height: int | None, fps: Fraction | None, start: float | None,
               end: float | None, labels: bool, clock: bool, audio: str, show_unplaced: bool,
               vcodec: str | None, acodec: str | None, crf: int | None, preset: str | None,
               audio_bitrate: str) -> None:
    """Render MANIFEST (from 'syncam align') as one video: every camera in its tile, one clock.

    Before a clip starts and after it ends its tile is black with a quiet "no signal" card.

    \b
    Examples:
      syncam render manifest.json -o mosaic.mp4 --clock
      syncam render manifest.json -o part.webm --start 60 --end 90 --audio mix

    Exit codes: 0 rendered, 1 a clip moved or changed, or ffmpeg failed (nothing is left under the
    output's name), 2 bad arguments, 130/143/129 stopped by Ctrl-C/SIGTERM/SIGHUP.
    """
    from syncam.render.mosaic import RenderOptions, render

    options = RenderOptions(layout=layout, cols=cols, rows=rows, width=width, height=height, fps=fps,
                            start=start, end=end, labels=labels, clock=clock, audio=audio,
                            show_unplaced=show_unplaced, vcodec=vcodec, acodec=acodec, crf=crf,
                            preset=preset, audio_bitrate=audio_bitrate)
    bar = ProgressBar()
    try:
        result = render(manifest_path, output, options, progress=bar)
    finally:
        bar.close()
    for message in result.warnings:
        warn(message)
    click.echo(summary(result, output))
