"""Which clips a browser can play as they are, and H.264 + AAC proxies for the others, made once.

A proxy keeps the clip's own frame timestamps (``media.ffmpeg.proxy_args``), so the manifest's
placement holds for it as for the original. Proxies are cached as signatures are (syncam/cache.py):
one slot per (real path, proxy settings), named by a hash, holding the file and a note of the clip's
identity (syncam/identity.py: size and modification time); a changed clip overwrites its own slot.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from syncam import config
from syncam.atomic import atomic_path, write_text
from syncam.cache import default_cache_dir
from syncam.errors import SyncamError
from syncam.identity import unchanged
from syncam.media import ffmpeg
from syncam.media.probe import probe
from syncam.types import Clip, Progress

log = logging.getLogger(__name__)

FORMAT = 1  # bump when proxies are made differently: old ones then live in another folder

MIME = {".mp4": "video/mp4", ".m4v": "video/mp4", ".mov": "video/mp4", ".webm": "video/webm",
        ".m4a": "audio/mp4", ".mp3": "audio/mpeg", ".ogg": "audio/ogg", ".opus": "audio/ogg"}


def needs_proxy(data: dict[str, Any], video_stream: int | None, audio_stream: int | None,
                ext: str) -> str:
    """Why Chromium or Firefox could not play this file as it is ("" when both can).

    ``data`` is ffprobe's JSON for the file; the streams are the ones the view shows and plays.
    """
    container = str((data.get("format") or {}).get("format_name", ""))
    streams = {int(s.get("index", -1)): s for s in data.get("streams", [])}
    video = streams.get(video_stream) if video_stream is not None else None
    audio = streams.get(audio_stream) if audio_stream is not None else None
    kinds = [k for k in config.VIEW_PLAYABLE if container in k[0]]
    if not kinds or ext.lower() not in MIME or (container.startswith("matroska") and ext != ".webm"):
        return f"{ext or 'this'} container ({container}) does not play in browsers"
    _, vcodecs, acodecs = kinds[0]
    if video is not None:
        codec = str(video.get("codec_name", "?"))
        if codec not in vcodecs:
            return f"{codec} video does not play in browsers"
        if codec == "h264" and video.get("pix_fmt") not in config.VIEW_PIXEL_FORMATS:
            return f"H.264 in {video.get('pix_fmt')} does not play in browsers"
    if audio is not None and str(audio.get("codec_name", "?")) not in acodecs:
        return f"{audio.get('codec_name')} sound does not play in browsers"
    return ""


def media_base(clip: Clip) -> float:
    """Where clip time zero is on a browser's clock of the file: at the first frame's container time,
    except that a file whose container starts before zero (Opus pre-skip in WebM) is shifted to start
    at zero, as Chromium's and Firefox's demuxers do."""
    return clip.origin - min(clip.start, 0.0)


@dataclass(frozen=True)
class Served:
    """What the view sends for one placed clip."""

    index: int  # the clip's index in the manifest
    path: str  # the file sent: the original, or its proxy
    mime: str
    base: float  # seconds on the browser's clock of ``path`` at the clip's time zero
    proxy_reason: str  # why a proxy is sent ("" for the original)


class ProxyCache:
    """Proxies under ``directory``/proxies-v<FORMAT>, one slot per clip and proxy settings."""

    def __init__(self, directory: str | None = None, *, height: int = config.VIEW_PROXY_HEIGHT) -> None:
        self.directory = os.path.abspath(directory) if directory else default_cache_dir()
        self.root = os.path.join(self.directory, f"proxies-v{FORMAT}")
        self.height = height

    def _settings(self, video_stream: int | None, audio_stream: int | None) -> dict[str, Any]:
        return {"height": self.height, "crf": config.VIEW_PROXY_CRF, "preset": config.VIEW_PROXY_PRESET,
                "audio_bitrate": config.VIEW_PROXY_AUDIO_BITRATE, "video": video_stream,
                "audio": audio_stream}

    def slot(self, clip: Clip, video_stream: int | None, audio_stream: int | None) -> str:
        """The proxy's path for this clip and these settings (without extension)."""
        ident = {"path": os.path.realpath(clip.path), **self._settings(video_stream, audio_stream)}
        key = hashlib.sha256(json.dumps(ident, sort_keys=True).encode("utf-8")).hexdigest()
        return os.path.join(self.root, key[:2], key[2:])

    def get(self, clip: Clip, video_stream: int | None, audio_stream: int | None) -> str | None:
        """The cached proxy of exactly this version of the clip, else None."""
        slot = self.slot(clip, video_stream, audio_stream)
        try:
            with open(slot + ".json", encoding="utf-8") as fh:
                note = json.load(fh)
        except (OSError, ValueError):
            return None
        if not isinstance(note, dict) or note.get("size") != clip.size or \
                note.get("mtime") != clip.mtime or not os.path.isfile(slot + ".mp4") or \
                not unchanged(clip.path, clip.size, clip.mtime):
            return None
        return slot + ".mp4"

    def make(self, clip: Clip, video_stream: int | None, audio_stream: int | None, *,
             on_seconds: Callable[[float], None]) -> str:
        """Encode the proxy (replacing a stale one); ``on_seconds`` hears how far it got."""
        slot = self.slot(clip, video_stream, audio_stream)
        try:
            os.makedirs(os.path.dirname(slot), exist_ok=True)
        except OSError as exc:
            raise SyncamError(f"{self.directory}: cannot write proxies there ({exc.strerror}); give "
                              "a writable --cache-dir") from None
        with atomic_path(slot + ".mp4", inputs=(clip.path,)) as tmp:
            args = ffmpeg.proxy_args(
                clip.path, tmp, video_stream=video_stream, audio_stream=audio_stream,
                height=self.height, crf=config.VIEW_PROXY_CRF, preset=config.VIEW_PROXY_PRESET,
                audio_bitrate=config.VIEW_PROXY_AUDIO_BITRATE)

            def report(block: dict[str, str]) -> None:
                micro = block.get("out_time_us", "")
                if micro.lstrip("-").isdigit():
                    on_seconds(max(int(micro), 0) / 1e6)

            ffmpeg.run_with_progress(args, what=clip.path, on_progress=report)
        write_text(slot + ".json", json.dumps({"path": os.path.realpath(clip.path), "size": clip.size,
                                               "mtime": clip.mtime}) + "\n")
        return slot + ".mp4"


@dataclass(frozen=True)
class Wanted:
    """A placed clip to show: its manifest index, the file and the streams to play."""

    index: int
    clip: Clip
    video_stream: int | None
    audio_stream: int | None


def prepare(wanted: Iterable[Wanted], cache: ProxyCache,
            progress: Callable[[Progress], None] | None = None) -> dict[int, Served]:
    """Decide, per clip, the original or a proxy; make the proxies that are missing, with progress."""
    served: dict[int, Served] = {}
    todo: list[tuple[Wanted, str]] = []
    for w in wanted:
        ext = os.path.splitext(w.clip.path)[1].lower()
        reason = needs_proxy(ffmpeg.probe_json(w.clip.path), w.video_stream, w.audio_stream, ext)
        if not reason:
            served[w.index] = Served(w.index, w.clip.path, MIME[ext], media_base(w.clip), "")
        else:
            todo.append((w, reason))
    total = sum(w.clip.duration for w, _ in todo)
    done = 0.0
    for w, reason in todo:
        path = cache.get(w.clip, w.video_stream, w.audio_stream)
        if path is None:
            log.info("%s: making a browser proxy (%s)", w.clip.path, reason)

            def seconds(t: float, w: Wanted = w, before: float = done) -> None:
                if progress is not None:
                    progress(Progress("proxy", int(before + min(t, w.clip.duration)), int(total),
                                      w.clip.name))

            path = cache.make(w.clip, w.video_stream, w.audio_stream, on_seconds=seconds)
        done += w.clip.duration
        try:
            proxy = probe(path)
        except SyncamError as exc:
            raise SyncamError(f"{path}: the proxy of {w.clip.path} cannot be read ({exc}); delete it "
                              "and run again") from None
        served[w.index] = Served(w.index, path, "video/mp4", media_base(proxy), reason)
    return served
