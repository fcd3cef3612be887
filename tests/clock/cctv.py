"""CCTV clips made from real footage, with a clock drawn by ffmpeg from each frame's own time.

``drawtext``'s ``%{pts:gmtime:EPOCH:FORMAT}`` writes, on each frame, the time EPOCH + that frame's
presentation time: the truth is exact. The clip's clock at clip time t reads EPOCH + t (floored to the
second), so a clip whose EPOCH is E sits at E - E_ref on the timeline of a reference whose EPOCH is
E_ref, when every clock is one wall clock.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass

FONTS = {
    "dejavu": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "dejavu-mono": "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "dejavu-bold": "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "liberation": "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "liberation-mono": "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf",
    "nimbus-mono": "/usr/share/fonts/opentype/urw-base35/NimbusMonoPS-Regular.otf",
    "nimbus-sans": "/usr/share/fonts/opentype/urw-base35/NimbusSans-Bold.otf",
}


@dataclass(frozen=True)
class Overlay:
    """How the clock is drawn."""

    fmt: str = "%Y-%m-%d %H:%M:%S"  # strftime
    font: str = "dejavu"
    size: int = 16  # drawtext fontsize (pixels)
    x: int = 16
    y: int = 16
    color: str = "white"
    style: str = "outline"  # "plain" | "outline" | "box" | "shadow"


def _escape(fmt: str) -> str:
    return fmt.replace(":", "\\\\\\:")


def drawtext(epoch: float, o: Overlay) -> str:
    style = {"plain": "", "outline": ":borderw=1:bordercolor=black",
             "box": ":box=1:boxcolor=black@0.8:boxborderw=2",
             "shadow": ":shadowx=1:shadowy=1:shadowcolor=black"}[o.style]
    return (f"drawtext=fontfile={FONTS[o.font]}:fontsize={o.size}:fontcolor={o.color}:x={o.x}:"
            f"y={o.y}{style}:text='%{{pts\\:gmtime\\:{epoch:.3f}\\:{_escape(o.fmt)}}}'")


def make(source: str, out: str, *, epoch: float, start: float = 0.0, duration: float = 9.0,
         crop: tuple[int, int, int, int] | None = None, size: tuple[int, int] = (704, 576),
         fps: str = "25", overlay: Overlay = Overlay(), crf: int = 28, gray: bool = False,
         clock: bool = True, extra: str = "", jump: tuple[float, float] | None = None,
         glitch: tuple[float, float, float] | None = None, still: bool = False) -> str:
    """A clip of ``source`` from ``start`` for ``duration`` s: cropped (x, y, w, h), scaled to
    ``size``, at ``fps``, its clock reading ``epoch`` at its first frame; H.264 at ``crf``.
    ``jump`` = (t, seconds): from clip time t on the clock reads that much later; ``glitch`` =
    (t0, t1, seconds): between t0 and t1 it shows a time that much off (a misread-like stretch).
    ``still``: the frame at ``start`` held, with sensor noise (a quiet scene: no motion to share)."""
    chain = []
    if still:
        chain += ["trim=end_frame=1", "loop=loop=2000:size=1", "setpts=N/25/TB"]
    if crop is not None:
        x, y, w, h = crop
        chain.append(f"crop={w}:{h}:{x}:{y}")
    chain += [f"scale={size[0]}:{size[1]}", f"fps={fps}", "setpts=PTS-STARTPTS"]
    if gray:
        chain.append("hue=s=0")
    if still:
        chain.append("noise=alls=12:allf=t")
    if extra:
        chain.append(extra)
    if clock and jump is None and glitch is None:
        chain.append(drawtext(epoch, overlay))
    elif clock and jump is not None:
        chain.append(drawtext(epoch, overlay) + f":enable='lt(t,{jump[0]})'")
        chain.append(drawtext(epoch + jump[1], overlay) + f":enable='gte(t,{jump[0]})'")
    elif clock and glitch is not None:
        t0, t1, off = glitch
        chain.append(drawtext(epoch, overlay) + f":enable='not(between(t,{t0},{t1}))'")
        chain.append(drawtext(epoch + off, overlay) + f":enable='between(t,{t0},{t1})'")
    chain.append("format=yuv420p")
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-ss", f"{start:.3f}",
                    *([] if still else ["-t", f"{duration:.3f}"]), "-i", source,
                    "-vf", ",".join(chain), "-an", "-t", f"{duration:.3f}", "-c:v", "libx264",
                    "-preset", "veryfast", "-crf", str(crf), "-g", "25", out], check=True)
    return out


def recorder(source: str, out: str, *, epoch: float, duration: float, fps: str, at: float = 2.0,
             crop: tuple[int, int, int, int], size: tuple[int, int], fast_ppm: float = 0.0,
             overlay: Overlay = Overlay(), jump: tuple[float, float] | None = None) -> str:
    """A long, quiet CCTV recording, made cheaply: the frame of ``source`` at ``at`` s, cropped
    (x, y, w, h) and scaled to ``size``, held for ``duration`` s at ``fps`` with sensor noise. Its
    clock starts at ``epoch`` and runs ``fast_ppm`` fast (a recorder's crystal: at clip time t it
    shows epoch + t * (1 + fast_ppm / 1e6)); ``jump`` = (t, seconds): from clip time t on it shows
    that much later (a summer-time change). H.264 ultrafast, a keyframe every 10 s."""
    x, y, w, h = crop
    k = 1.0 + fast_ppm / 1e6
    still = out + ".png"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-ss", f"{at:.3f}", "-i", source, "-frames:v", "1",
                    "-vf", f"crop={w}:{h}:{x}:{y},scale={size[0]}:{size[1]}", still], check=True)
    text = [drawtext(epoch, overlay)] if jump is None else [
        drawtext(epoch, overlay) + f":enable='lt(t,{jump[0] * k!r})'",
        drawtext(epoch + jump[1], overlay) + f":enable='gte(t,{jump[0] * k!r})'"]
    chain = ["noise=alls=12:allf=t", "settb=1/100000", f"setpts=PTS*{k!r}", *text,
             f"setpts=PTS/{k!r}", "format=yuv420p"]
    num, _, den = fps.partition("/")
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-loop", "1", "-framerate", fps, "-i", still,
                    "-t", f"{duration:.3f}", "-vf", ",".join(chain), "-c:v", "libx264",
                    "-preset", "ultrafast", "-crf", "28",
                    "-g", str(round(10 * float(num) / float(den or 1))), out], check=True)
    os.unlink(still)
    return out
