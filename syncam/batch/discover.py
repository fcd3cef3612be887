"""Finding a batch's events: each folder holding clips under ROOT folders, and/or a jobs file (JSON or
CSV) that lists events with their clips and settings."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from syncam import config
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

    @property
    def mosaic(self) -> str:
        """Where ``--render`` puts this event's mosaic: beside its manifest, with the same tag
        (syncam-manifest.json -> syncam-mosaic.mp4; syncam-manifest.N.json -> syncam-mosaic.N.mp4)."""
        folder, base = os.path.split(self.manifest)
        stem, ext = os.path.splitext(config.MANIFEST_NAME)
        tag = base[len(stem):-len(ext)] if base.startswith(stem) and base.endswith(ext) else ""
        mosaic_stem, mosaic_ext = os.path.splitext(config.MOSAIC_NAME)
        return os.path.join(folder, mosaic_stem + tag + mosaic_ext)



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


def discover(roots: Sequence[str], *, out: str | None = None) -> list[Job]:
    """One job per folder (each ROOT and every folder below it) that directly holds clips.

    Names are the folder's path relative to its ROOT (the ROOT itself is named after its folder);
    with several ROOTs each name starts with its ROOT's folder name. Hidden folders are not walked.
    """
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
            rel = os.path.relpath(folder, top).replace(os.sep, "/")
            name = base if rel == "." else rel if len(roots) == 1 else f"{base}/{rel}"
            if name in seen:
                raise UsageError(f"{folder}: event name '{name}' is also {seen[name]}; give ROOTs "
                                 "with different folder names")
            seen[name] = folder
            jobs.append(Job(name=name, clips=tuple(os.path.join(folder, f) for f in clips),
                            manifest=_manifest_for(name, folder, out,
                                                   in_clip_folder=config.MANIFEST_NAME)))
    return jobs


_JOB_KEYS = {"name", "clips", "reference", "method", "max_offset"}
_CSV_ALIASES = {"event": "name", "clip": "clips", "max-offset": "max_offset"}


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
        raise UsageError(f"{where}: max_offset {value!r} must be a finite number of seconds >= 0") \
            from None


def _job(name: Any, clips: list[Any], reference: Any, method: Any, max_offset: Any, *,
         base: str, out: str | None, where: str) -> Job:
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
                         ev.get("method"), ev.get("max_offset"), base=base, out=out, where=where))
    return jobs


def _csv_jobs(path: str, text: str, out: str | None) -> list[Job]:
    rows = csv.reader(text.splitlines())
    header = [_CSV_ALIASES.get(h.strip().lower(), h.strip().lower()) for h in next(rows, [])]
    if "name" not in header or "clips" not in header:
        raise UsageError(f"{path}: the first line must name the columns: name,clips[,reference,"
                         "method,max_offset]")
    unknown = set(header) - _JOB_KEYS
    if unknown:
        raise UsageError(f"{path}: unknown column(s) {', '.join(sorted(unknown))}; the columns are "
                         f"{', '.join(sorted(_JOB_KEYS))}")
    events: dict[str, dict[str, Any]] = {}
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = dict(zip(header, (c.strip() for c in row)))
        ev = events.setdefault(cells.get("name", ""), {"clips": [], "line": line})
        ev["clips"] += [c for c in cells.get("clips", "").split(";") if c.strip()]
        for key in ("reference", "method", "max_offset"):
            if cells.get(key):
                if ev.get(key) not in (None, cells[key]):
                    raise UsageError(f"{path}:{line}: {key} {cells[key]!r} differs from "
                                     f"{ev[key]!r} given earlier for the same event")
                ev[key] = cells[key]
    base = os.path.dirname(path)
    return [_job(name, ev["clips"], ev.get("reference"), ev.get("method"), ev.get("max_offset"),
                 base=base, out=out, where=f"{path}:{ev['line']}") for name, ev in events.items()]


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
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the jobs file ({exc})") from None
    is_json = path.lower().endswith(".json") or text.lstrip()[:1] in ("[", "{")
    jobs = _json_jobs(path, text, out) if is_json else _csv_jobs(path, text, out)
    names = [j.name for j in jobs]
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup is not None:
        raise UsageError(f"{path}: event name '{dup}' is given twice; names must be unique")
    if not jobs:
        raise UsageError(f"{path}: no events in the jobs file")
    return jobs



def find_events(roots: Sequence[str] = (), *, jobs_file: str | None = None,
         out: str | None = None) -> list[Job]:
    """The events of ROOT folders and/or a jobs file (see :func:`discover`, :func:`read_jobs_file`)."""
    if not roots and jobs_file is None:
        raise UsageError("nothing to do: give ROOT folders or a jobs file", option="jobs_file")
    if out is not None and os.path.exists(out) and not os.path.isdir(out):
        raise UsageError(f"{out}: is a file; give a folder for the manifests", option="out")
    found = discover(roots, out=out) if roots else []
    if jobs_file is not None:
        found += read_jobs_file(jobs_file, out=out)
    names = [j.name for j in found]
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup is not None:
        raise UsageError(f"event name '{dup}' comes from both a ROOT and the jobs file; rename one")
    if not found:
        raise UsageError(f"no media files found under {', '.join(roots)}; each event is a folder "
                         f"of clips ({', '.join(sorted(MEDIA_EXTENSIONS))})")
    return found

