"""From a manifest to what the view serves: the page (with the event's placements in it) and the
table of files, originals or proxies, by opaque id."""

from __future__ import annotations

import html
import json
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from syncam import config
from syncam.errors import ManifestError
from syncam.manifest import load
from syncam.render.resolve import locate
from syncam.types import Progress
from syncam.view.proxies import ProxyCache, Served, Wanted, prepare
from syncam.view.server import File

PAGE = os.path.join(os.path.dirname(__file__), "page.html")


@dataclass(frozen=True)
class View:
    page: bytes
    files: dict[str, File]  # id -> file
    served: tuple[Served, ...]  # per placed clip: original or proxy
    names: dict[int, str]  # manifest index -> clip name


def _wall_clock(manifest_path: str) -> Any:
    """The manifest's optional ``wall_clock.at_zero`` (the timeline's zero as a time of day), read
    from the JSON as is: an older manifest has no such field."""
    with open(manifest_path, encoding="utf-8") as fh:
        data = json.load(fh)
    wall = data.get("wall_clock") if isinstance(data, dict) else None
    return wall.get("at_zero") if isinstance(wall, dict) else None


def build(manifest_path: str, *, proxy_height: int = config.VIEW_PROXY_HEIGHT,
          cache_dir: str | None = None,
          progress: Callable[[Progress], None] | None = None) -> View:
    """Check every placed clip against the disk (as render does), make the proxies that are needed,
    and write the page."""
    m = load(manifest_path)
    wanted = []
    for i, e in enumerate(m.clips):
        if not e.placed or e.offset is None:
            continue
        clip = locate(e, manifest_path)
        video = e.video_stream if e.video_stream is not None else (
            clip.video[0].index if clip.video else None)
        audio = e.audio_stream if e.audio_stream is not None else (
            clip.audio[0].index if clip.audio else None)
        wanted.append(Wanted(i, clip, video, audio))
    if not wanted:
        raise ManifestError(f"{manifest_path}: no clip is placed on the timeline, nothing to show; see "
                            "'syncam align' for why")
    served = prepare(wanted, ProxyCache(cache_dir, height=proxy_height), progress)
    ids = {i: secrets.token_urlsafe(12) for i in served}
    clips = []
    for w in wanted:
        e, s = m.clips[w.index], served[w.index]
        clips.append({
            "index": w.index, "name": e.name, "camera": e.camera, "offset": e.offset,
            "rate": 1.0 + (e.drift_ppm or 0.0) * 1e-6, "base": s.base, "duration": w.clip.duration,
            "fps": float(w.clip.fps) if w.clip.fps else None, "confidence": e.confidence,
            "method": e.method, "video": w.video_stream is not None,
            "audio": w.audio_stream is not None, "src": f"/clip/{ids[w.index]}",
            "proxy": s.proxy_reason, "reference": w.index == m.reference})
    placed = {c["index"] for c in clips}
    data = {
        "title": os.path.basename(os.path.dirname(os.path.abspath(manifest_path))) or manifest_path,
        "manifest": os.path.basename(manifest_path),
        "clips": clips,
        "cameras": [{"name": c.name, "takes": [t for t in c.takes if t in placed]}
                    for c in m.cameras if any(t in placed for t in c.takes)],
        "unplaced": [{"name": e.name, "camera": e.camera, "reason": e.reason or ""}
                     for e in m.clips if not e.placed or e.offset is None],
        "reference": m.reference,
        "wall_clock": _wall_clock(manifest_path),
    }
    files = {ids[i]: File(s.path, s.mime) for i, s in served.items()}
    return View(page=page(data), files=files, served=tuple(served.values()),
                names={i: m.clips[i].name for i in served})


def page(data: dict[str, Any]) -> bytes:
    """The page with ``data`` in it: the JSON inside <script type="application/json">, where no "<"
    may close the element early (a clip named "</script>..."), and the title escaped."""
    with open(PAGE, encoding="utf-8") as fh:
        template = fh.read()
    blob = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e") \
        .replace("&", "\\u0026")
    return template.replace("__SYNCAM_TITLE__", html.escape(str(data["title"]))) \
        .replace("__SYNCAM_DATA__", blob).encode("utf-8")
