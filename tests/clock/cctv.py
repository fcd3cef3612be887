"""CCTV clips made from real footage, with a clock drawn by ffmpeg from each frame's own time.

``drawtext``'s ``%{pts:gmtime:EPOCH:FORMAT}`` writes, on each frame, the time EPOCH + that frame's
presentation time: the truth is exact. The clip's clock at clip time t reads EPOCH + t (floored to the
second), so a clip whose EPOCH is E sits at E - E_ref on the timeline of a reference whose EPOCH is
E_ref, when every clock is one wall clock.
"""

from __future__ import annotations

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
         clock: bool = True, extra: str = "") -> str:
    """A clip of ``source`` from ``start`` for ``duration`` s: cropped (x, y, w, h), scaled to
    ``size``, at ``fps``, its clock reading ``epoch`` at its first frame; H.264 at ``crf``."""
    chain = []
    if crop is not None:
        x, y, w, h = crop
        chain.append(f"crop={w}:{h}:{x}:{y}")
    chain += [f"scale={size[0]}:{size[1]}", f"fps={fps}", "setpts=PTS-STARTPTS"]
    if gray:
        chain.append("hue=s=0")
    if extra:
        chain.append(extra)
    if clock:
        chain.append(drawtext(epoch, overlay))
    chain.append("format=yuv420p")
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-ss", f"{start:.3f}", "-t", f"{duration:.3f}",
                    "-i", source, "-vf", ",".join(chain), "-an", "-c:v", "libx264", "-preset",
                    "veryfast", "-crf", str(crf), "-g", "25", out], check=True)
    return out
