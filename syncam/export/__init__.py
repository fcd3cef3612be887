"""``syncam export``: a manifest as a timeline editors open (OTIO, FCPXML, FCP 7 XML, EDL, AAF).

The format follows the output's extension (config.EXPORT_FORMATS). OpenTimelineIO and its adapters are
the optional extra ``syncam[export]``, imported only here, only when exporting. Every file is written
whole or not at all (syncam/atomic.py).
"""

from __future__ import annotations

import importlib
import os
import re
from dataclasses import dataclass
from typing import Any

from syncam import config
from syncam import manifest as manifest_mod
from syncam.atomic import atomic_path, check_writable, write_text
from syncam.errors import SyncamError, UsageError
from syncam.export.fcpxml import to_fcpxml
from syncam.export.plan import Plan, plan
from syncam.export.timeline import to_otio
from syncam.manifest import Manifest

# extension -> (OTIO adapter, the Python module that provides it); FCPXML is written by fcpxml.py
_ADAPTERS = {".otio": ("otio_json", "opentimelineio"), ".xml": ("fcp_xml", "otio_fcp_adapter"),
             ".edl": ("cmx_3600", "otio_cmx3600_adapter"), ".aaf": ("AAF", "otio_aaf_adapter")}
_PIP = "pip install 'syncam[export]'"


@dataclass(frozen=True)
class ExportResult:
    paths: tuple[str, ...]  # files written (several for .edl: one per camera track)
    format: str  # the extension
    tracks: tuple[str, ...]  # camera tracks, in order
    unplaced: tuple[str, ...]  # clips on the unplaced track


def check_format(output: str) -> str:
    """The output's extension if syncam can export it; a UsageError naming the choices otherwise."""
    ext = os.path.splitext(output)[1].lower()
    if ext not in config.EXPORT_FORMATS:
        raise UsageError(f"{output}: cannot export to {ext or 'a file without extension'}; name it "
                         f"with one of {', '.join(config.EXPORT_FORMATS)}")
    return ext


def _otio(ext: str) -> Any:
    """opentimelineio, once the adapter for ``ext`` is known to be installed."""
    try:
        otio = importlib.import_module("opentimelineio")
        importlib.import_module(_ADAPTERS[ext][1])
    except ImportError:
        raise SyncamError(f"exporting {ext} needs OpenTimelineIO and its adapters: {_PIP}") from None
    return otio


def _safe(name: str) -> str:
    """A camera name usable inside a file name."""
    return re.sub(r"[^\w.+-]+", "_", name).strip("._") or "track"


def edl_paths(output: str, p: Plan) -> list[str]:
    """OUT.edl -> OUT.<camera>.edl, one per track (the unplaced track included)."""
    stem, ext = os.path.splitext(output)
    return [f"{stem}.{_safe(t.name)}{ext}" for t in p.tracks]


def _edl(otio: Any, p: Plan, track_index: int) -> str:
    track = p.tracks[track_index]
    one = Plan(name=f"{p.name} {track.name}", rate=p.rate, origin=p.origin, tracks=(track,))
    tl = to_otio(one, native=False)
    if not track.has_video:  # a sound recorder: an EDL has exactly one video track to carry events
        tl.tracks[0].kind = otio.schema.TrackKind.Video
    text = otio.adapters.write_to_string(tl, adapter_name="cmx_3600", rate=float(p.rate))
    drop = p.rate.denominator == 1001  # the adapter writes NTSC rates with drop-frame timecode
    fcm = "FCM: DROP FRAME" if drop else "FCM: NON-DROP FRAME"
    head, _, rest = text.partition("\n")
    if not track.has_video:  # ...but its events are sound: channel A, not V
        rest = re.sub(r"(?m)^(\d{3,}\s+\S+\s+)V(\s)", r"\1A\2", rest)
    return f"{head}\n{fcm}\n{rest}"


def export(source: str | Manifest, output: str, *, relative: bool = False,
           name: str | None = None) -> ExportResult:
    """Write the manifest ``source`` (a path or a Manifest) as the timeline ``output``.

    ``relative``: media references relative to the output's folder (else absolute file URLs).
    ``name``: the timeline's name (default: the output's file name without extension).
    """
    ext = check_format(output)
    inputs = (source,) if isinstance(source, str) else ()
    target = check_writable(output, inputs=inputs)
    m = manifest_mod.load(source) if isinstance(source, str) else source
    folder = os.path.dirname(target)
    title = name or os.path.splitext(os.path.basename(target))[0]
    clips = tuple(c.path for c in m.clips)
    p = plan(m, name=title, relative_to=folder if relative else None, keep_drift=ext == ".otio")
    written: list[str] = []
    if ext == ".fcpxml":
        write_text(target, to_fcpxml(p), inputs=(*inputs, *clips))
        written.append(target)
    else:
        otio = _otio(ext)
        adapter = _ADAPTERS[ext][0]
        if ext == ".edl":
            for k, path in enumerate(edl_paths(target, p)):
                write_text(path, _edl(otio, p, k), inputs=(*inputs, *clips))
                written.append(path)
        else:
            tl = to_otio(p, native=ext == ".otio", media_rates=ext == ".xml")
            with atomic_path(target, inputs=(*inputs, *clips)) as tmp:
                try:
                    # AAF links clips to media by mob IDs, which only Avid-made files carry; new
                    # ones are made for ours, each with a locator to the media file's URL
                    extra = {"use_empty_mob_ids": True} if ext == ".aaf" else {}
                    otio.adapters.write_to_file(tl, tmp, adapter_name=adapter, **extra)
                except otio.exceptions.OTIOError as exc:
                    raise SyncamError(f"{target}: the {adapter} adapter could not write this "
                                      f"timeline ({exc}); export .otio or .fcpxml instead") from None
            written.append(target)
    return ExportResult(paths=tuple(written), format=ext,
                        tracks=tuple(t.name for t in p.tracks if t.placed),
                        unplaced=tuple(t.entry.name for tr in p.tracks if not tr.placed
                                       for t in tr.takes))
