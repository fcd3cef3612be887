"""Finding a batch's events: each folder holding clips under ROOT folders, and/or a jobs file (JSON or
CSV) that lists events with their clips and settings."""

from __future__ import annotations

import csv
import glob
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from syncam import config
from syncam.cameras import assign
from syncam.errors import UsageError
from syncam.settings import finite

# What a folder walk takes for a clip: the containers cameras, phones and recorders write.
MEDIA_EXTENSIONS = frozenset({
    ".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".mts", ".m2ts", ".ts", ".mxf", ".mpg",
    ".mpeg", ".3gp", ".dv", ".flv", ".wmv", ".wav", ".mp3", ".m4a", ".aac", ".flac", ".ogg",
    ".opus", ".wma", ".aif", ".aiff"})


@dataclass(frozen=True)
class Job:
    """One event to align. ``max_offset``/``method`` None = the batch's setting."""

    name: str
    clips: tuple[str, ...]  # absolute paths, in timeline-reference order (first = default reference)
    manifest: str  # where its manifest goes (absolute)
    reference: str | None = None
    method: str | None = None
    max_offset: float | None = None
    cameras: tuple[str, ...] | None = None  # each clip's camera; None = align's default

    def timeline(self, ext: str) -> str:
        """Where ``--export`` puts this event's timeline: beside its manifest, with the same tag
        (syncam-manifest.N.json -> syncam-timeline.N.otio); .edl adds .<camera> per track."""
        folder, base = os.path.split(self.manifest)
        stem, mext = os.path.splitext(config.MANIFEST_NAME)
        tag = base[len(stem):-len(mext)] if base.startswith(stem) and base.endswith(mext) else ""
        return os.path.join(folder, config.TIMELINE_STEM + tag + ext)

    def timeline_files(self, ext: str) -> tuple[str, ...]:
        """The timeline files of an earlier --export of this event (.edl: one per camera track)."""
        path = self.timeline(ext)
        if ext != ".edl":
            return (path,) if os.path.exists(path) else ()
        stem = glob.escape(os.path.splitext(path)[0])
        return tuple(sorted(glob.glob(f"{stem}.*{ext}")))

    @property
    def mosaic(self) -> str:
        """Where ``--render`` puts this event's mosaic: beside its manifest, with the same tag
        (syncam-manifest.json -> syncam-mosaic.mp4; syncam-manifest.N.json -> syncam-mosaic.N.mp4)."""
        folder, base = os.path.split(self.manifest)
        stem, ext = os.path.splitext(config.MANIFEST_NAME)
        tag = base[len(stem):-len(ext)] if base.startswith(stem) and base.endswith(ext) else ""
        mosaic_stem, mosaic_ext = os.path.splitext(config.MOSAIC_NAME)
        return os.path.join(folder, mosaic_stem + tag + mosaic_ext)

    @property
    def report(self) -> str:
        """Where ``--report`` puts this event's page, named like its mosaic (syncam-report.N.html)."""
        folder, base = os.path.split(self.mosaic)
        tag = base[len(os.path.splitext(config.MOSAIC_NAME)[0]):-len(os.path.splitext(base)[1])]
        stem, ext = os.path.splitext(config.REPORT_NAME)
        return os.path.join(folder, stem + tag + ext)


def is_clip_name(name: str) -> bool:
    """A file a folder walk treats as a clip: a media extension, not hidden, not a syncam output."""
    return (not name.startswith((".", "syncam-"))
            and os.path.splitext(name)[1].lower() in MEDIA_EXTENSIONS)


def _check_name(name: str, source: str) -> str:
    parts = name.replace("\\", "/").split("/")
    if not name.strip() or os.path.isabs(name) or any(p in ("", ".", "..") for p in parts) or any(
            ord(ch) < 32 for ch in name):
        raise UsageError(f"{source}: event name {name!r} cannot name a folder; use letters, digits, "
                         "spaces, '-', '_' and '/' between parts")
    return "/".join(parts)


def _manifest_for(name: str, clip_folder: str, out: str | None, *, in_clip_folder: str) -> str:
    if out is not None:
        return os.path.join(os.path.abspath(out), *name.split("/"), config.MANIFEST_NAME)
    return os.path.join(clip_folder, in_clip_folder)


def discover(roots: Sequence[str], *, out: str | None = None,
             camera_folders: bool = False) -> list[Job]:
    """One job per folder (each ROOT and every folder below it) that directly holds clips.

    Names are the folder's path relative to its ROOT (the ROOT itself is named after its folder);
    with several ROOTs each name starts with its ROOT's folder name. Hidden folders are not walked.

    ``camera_folders``: a folder holding clips is a *camera* and its parent folder the event (the
    ROOT itself, when it holds clips, is an event); clips lying directly in an event folder are one
    camera each. A tree cannot tell ``event/camA/`` from ``events/wedding/`` by itself, so the user
    says which it is.
    """
    if camera_folders:
        return _discover_camera_folders(roots, out=out)
    jobs: list[Job] = []
    seen: dict[str, str] = {}
    for root in roots:
        top = os.path.abspath(root)
        if not os.path.isdir(top):
            raise UsageError(f"{root}: {'not a folder' if os.path.exists(top) else 'no such folder'}"
                             "; give folders that hold one event per sub-folder (or use "
                             "'syncam align' for the clips of one event)")
        base = os.path.basename(top.rstrip(os.sep)) or top
        for folder, dirs, files in os.walk(top):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            clips = sorted(f for f in files if is_clip_name(f))
            if not clips:
                continue
            name = _event_name(folder, top, base, several=len(roots) > 1, seen=seen)
            jobs.append(Job(name=name, clips=tuple(os.path.join(folder, f) for f in clips),
                            manifest=_manifest_for(name, folder, out,
                                                   in_clip_folder=config.MANIFEST_NAME)))
    return jobs


def _event_name(folder: str, top: str, base: str, *, several: bool, seen: dict[str, str]) -> str:
    """An event's name: its folder relative to its ROOT ``top`` (the ROOT itself: its folder name
    ``base``; with several ROOTs, prefixed by ``base``). Records it in ``seen``; a name two folders
    would share is a UsageError."""
    rel = os.path.relpath(folder, top).replace(os.sep, "/")
    name = base if rel == "." else f"{base}/{rel}" if several else rel
    if name in seen:
        raise UsageError(f"{folder}: event name '{name}' is also {seen[name]}; give ROOTs "
                         "with different folder names")
    seen[name] = folder
    return name


def _discover_camera_folders(roots: Sequence[str], *, out: str | None) -> list[Job]:
    """:func:`discover` for trees whose folders of clips are cameras: the event of a folder of clips
    is its parent folder (a ROOT holding clips is an event itself, each of those clips a camera)."""
    jobs: list[Job] = []
    seen: dict[str, str] = {}
    for root in roots:
        top = os.path.abspath(root)
        base = os.path.basename(top.rstrip(os.sep)) or top
        events: dict[str, dict[str, str]] = {}  # event folder -> clip -> camera
        for found in discover([root]):
            folder = os.path.dirname(found.clips[0])
            event = folder if folder == top else os.path.dirname(folder)
            for clip in found.clips:
                events.setdefault(event, {})[clip] = (
                    os.path.splitext(os.path.basename(clip))[0] if folder == top
                    else os.path.basename(folder))
        for event, cams in sorted(events.items()):
            name = _event_name(event, top, base, several=len(roots) > 1, seen=seen)
            clips = tuple(cams)  # camera folders in name order, takes in file-name order
            jobs.append(Job(name=name, clips=clips, cameras=tuple(cams[c] for c in clips),
                            manifest=_manifest_for(name, event, out,
                                                   in_clip_folder=config.MANIFEST_NAME)))
    return jobs


_JOB_KEYS = {"name", "clips", "reference", "method", "max_offset", "cameras"}
_CSV_ALIASES = {"event": "name", "clip": "clips", "max-offset": "max_offset", "cameras": "camera"}
_CSV_KEYS = (_JOB_KEYS - {"cameras"}) | {"camera"}


def _method(value: Any, where: str) -> str | None:
    if value in (None, ""):
        return None
    name = str(value).strip().lower()
    if name not in config.METHODS:
        raise UsageError(f"{where}: method {value!r} is not one of {', '.join(config.METHODS)}")
    return name


def _max_offset(value: Any, where: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        return finite(value, "max_offset", low=0)
    except UsageError:  # also NaN and infinities, which no JSON manifest can hold
        raise UsageError(f"{where}: max_offset {value!r} must be a finite number of seconds >= 0; "
                         "fix it in the jobs file or leave it empty") from None


def _cameras(value: Any, paths: tuple[str, ...], base: str, where: str) -> tuple[str, ...] | None:
    """A JSON jobs file's cameras: {"NAME": "GLOB" or ["GLOB", ...]} (globs relative to the jobs
    file's folder, or file names)."""
    if value is None:
        return None
    if not isinstance(value, dict) or not all(
            isinstance(k, str) and (isinstance(v, str) or isinstance(v, list) and all(
                isinstance(g, str) for g in v)) for k, v in value.items()):
        raise UsageError(f"{where}: \"cameras\" must map camera names to a glob or a list of globs, "
                         "e.g. {\"A\": \"camA/*.mp4\"}")
    rules = [(cam, g if os.path.isabs(g) or "/" not in g else os.path.join(base, g))
             for cam, globs in value.items() for g in ([globs] if isinstance(globs, str) else globs)]
    try:
        return tuple(assign(paths, rules=rules))
    except UsageError as exc:
        raise UsageError(f"{where}: {str(exc).replace('--camera ', 'camera ')}") from None


def _job(name: Any, clips: list[Any], reference: Any, method: Any, max_offset: Any, *,
         base: str, out: str | None, where: str, cameras: Any = None,
         camera_names: list[str] | None = None) -> Job:
    """``cameras``: JSON's rules; ``camera_names``: CSV's camera per clip ("" = not given)."""
    if not isinstance(name, str):
        raise UsageError(f"{where}: every event needs a \"name\" (text)")
    name = _check_name(name, where)
    if not clips or not all(isinstance(c, str) and c.strip() for c in clips):
        raise UsageError(f"{where}: event '{name}' needs \"clips\": a list of file paths")
    paths = tuple(os.path.join(base, os.path.expanduser(c.strip())) for c in clips)
    if reference not in (None, "") and not isinstance(reference, str):
        raise UsageError(f"{where}: event '{name}': \"reference\" must be the path of one of its clips")
    ref = os.path.join(base, os.path.expanduser(reference)) if reference else None
    stem, ext = os.path.splitext(config.MANIFEST_NAME)  # syncam-*: a later walk skips it
    flat = f"{stem}.{name.replace('/', '_')}{ext}"
    return Job(name=name, clips=paths, reference=ref, method=_method(method, where),
               max_offset=_max_offset(max_offset, where),
               cameras=_cameras(cameras, paths, base, where) if not any(camera_names or ()) else
               tuple(n or os.path.splitext(os.path.basename(p))[0]
                     for n, p in zip(camera_names or (), paths)),
               manifest=_manifest_for(name, os.path.dirname(paths[0]), out, in_clip_folder=flat))


def _json_jobs(path: str, text: str, out: str | None) -> list[Job]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}: not JSON ({exc}); see 'syncam batch --help' for the format") \
            from None
    events = data.get("events") if isinstance(data, dict) else data
    if not isinstance(events, list):
        raise UsageError(f"{path}: expected a list of events, or {{\"events\": [...]}}")
    base = os.path.dirname(path)
    jobs = []
    for k, ev in enumerate(events):
        where = f"{path}: event #{k + 1}"
        if not isinstance(ev, dict):
            raise UsageError(f"{where}: expected an object with \"name\" and \"clips\"")
        unknown = set(ev) - _JOB_KEYS
        if unknown:
            raise UsageError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; the keys are "
                             f"{', '.join(sorted(_JOB_KEYS))}")
        clips = ev.get("clips")
        jobs.append(_job(ev.get("name"), clips if isinstance(clips, list) else [], ev.get("reference"),
                         ev.get("method"), ev.get("max_offset"), base=base, out=out, where=where,
                         cameras=ev.get("cameras")))
    return jobs


def _csv_jobs(path: str, text: str, out: str | None) -> list[Job]:
    rows = csv.reader(text.splitlines())
    header = [_CSV_ALIASES.get(h.strip().lower(), h.strip().lower()) for h in next(rows, [])]
    if "name" not in header or "clips" not in header:
        raise UsageError(f"{path}: the first line must name the columns: name,clips[,reference,"
                         "method,max_offset,camera]")
    unknown = set(header) - _CSV_KEYS
    if unknown:
        raise UsageError(f"{path}: unknown column(s) {', '.join(sorted(unknown))}; the columns are "
                         f"{', '.join(sorted(_CSV_KEYS))}")
    events: dict[str, dict[str, Any]] = {}
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = dict(zip(header, (c.strip() for c in row)))
        ev = events.setdefault(cells.get("name", ""), {"clips": [], "cameras": [], "line": line})
        row_clips = [c for c in cells.get("clips", "").split(";") if c.strip()]
        ev["clips"] += row_clips
        ev["cameras"] += [cells.get("camera", "")] * len(row_clips)
        for key in ("reference", "method", "max_offset"):
            if cells.get(key):
                if ev.get(key) not in (None, cells[key]):
                    raise UsageError(f"{path}:{line}: {key} {cells[key]!r} differs from "
                                     f"{ev[key]!r} given earlier for the same event")
                ev[key] = cells[key]
    base = os.path.dirname(path)
    return [_job(name, ev["clips"], ev.get("reference"), ev.get("method"), ev.get("max_offset"),
                 base=base, out=out, where=f"{path}:{ev['line']}", camera_names=ev["cameras"])
            for name, ev in events.items()]


def read_jobs_file(path: str, *, out: str | None = None) -> list[Job]:
    """Jobs from a JSON or CSV file (by extension; content starting with '[' or '{' is JSON).

    Relative clip paths are relative to the jobs file's folder. Without ``out`` an event's manifest
    goes beside its first clip, as ``syncam-manifest.<name>.json`` ('/' in the name becomes '_').
    """
    path = os.path.abspath(path)
    try:
        with open(path, encoding="utf-8-sig") as fh:
            text = fh.read()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such jobs file; check the path") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not a text file ({exc.reason} at byte {exc.start}); a jobs file "
                         "is CSV or JSON text: see 'syncam batch --help'") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the jobs file ({exc.strerror}); make it readable or "
                         "give another") from None
    is_json = path.lower().endswith(".json") or text.lstrip()[:1] in ("[", "{")
    jobs = _json_jobs(path, text, out) if is_json else _csv_jobs(path, text, out)
    names = [j.name for j in jobs]
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup is not None:
        raise UsageError(f"{path}: event name '{dup}' is given twice; names must be unique")
    if not jobs:
        raise UsageError(f"{path}: no events in the jobs file; give one per line (CSV) or per "
                         "object (JSON): see 'syncam batch --help'")
    return jobs



def find_events(roots: Sequence[str] = (), *, jobs_file: str | None = None,
                out: str | None = None, camera_folders: bool = False) -> list[Job]:
    """The events of ROOT folders and/or a jobs file (see :func:`discover`, :func:`read_jobs_file`)."""
    if not roots and jobs_file is None:
        raise UsageError("nothing to do: give ROOT folders or a jobs file", option="jobs_file")
    if out is not None and os.path.exists(out) and not os.path.isdir(out):
        raise UsageError(f"{out}: is a file; give a folder for the manifests", option="out")
    found = discover(roots, out=out, camera_folders=camera_folders) if roots else []
    if jobs_file is not None:
        found += read_jobs_file(jobs_file, out=out)
    names = [j.name for j in found]
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup is not None:
        raise UsageError(f"event name '{dup}' comes from both a ROOT and the jobs file; rename one")
    if not found:
        raise UsageError(f"{', '.join(roots)}: no media files in it or its sub-folders; give the "
                         "folder whose sub-folders hold each event's clips (files named "
                         f"{', '.join(sorted(MEDIA_EXTENSIONS))})")
    return found

