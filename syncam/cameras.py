"""Which camera filmed each clip. Most explicit first:

1. a rule ``NAME=GLOB`` (``align --camera``, a jobs file's ``cameras``): the first rule whose glob
   matches the clip's path (as given, or absolute) or its file name;
2. the clip's sub-folder, when a folder of camera folders was given (``event/camA/*.mp4``);
3. the device's serial number, when the file carries one (see :func:`device_of`);
4. the file's stem: one camera per clip (with its folder's name before it when two clips share a stem,
   as two cameras' GOPR0001.MP4 do: one name must never make two cameras one).

Make and model alone do not name a device: two guests with the same phone model are two cameras, and
taking them for one would forbid their clips to overlap. So only a serial number groups clips.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Mapping, Sequence

from syncam.errors import UsageError

# Container tags that carry a device's serial number (QuickTime/MP4 from cameras and phones, MXF)
SERIAL_TAGS = ("com.apple.quicktime.camera.identifier", "serial", "serial_number",
               "com.sony.serial", "material_package_umid")


def parse_rule(text: str) -> tuple[str, str]:
    """``NAME=GLOB`` -> (NAME, GLOB); a UsageError that shows the form otherwise."""
    name, sep, pattern = text.partition("=")
    if not sep or not name.strip() or not pattern:
        raise UsageError(f"--camera {text!r}: give NAME=GLOB, e.g. --camera 'A=footage/A*.mp4'")
    return name.strip(), pattern


def device_of(tags: Mapping[str, str]) -> str | None:
    """A device name from a file's container tags: its make/model and serial, when a serial is there."""
    low = {k.lower(): str(v) for k, v in tags.items()}
    serial = next((low[t] for t in SERIAL_TAGS if low.get(t)), None)
    if serial is None:
        return None
    model = " ".join(v for v in (low.get("com.apple.quicktime.make") or low.get("make"),
                                 low.get("com.apple.quicktime.model") or low.get("model")) if v)
    return f"{model} {serial}".strip()


def _matches(path: str, pattern: str) -> bool:
    return any(fnmatch.fnmatchcase(p, pattern) or fnmatch.fnmatchcase(p, os.path.abspath(pattern))
               for p in (path, os.path.abspath(path))) or fnmatch.fnmatchcase(
        os.path.basename(path), pattern)


def assign(paths: Sequence[str], *, rules: Sequence[tuple[str, str]] = (),
           folders: Mapping[str, str] | None = None,
           devices: Sequence[str | None] | None = None) -> list[str]:
    """The camera name of each clip. ``folders``: path -> camera from a folder of camera folders;
    ``devices``: each clip's device (:func:`device_of`) or None. A rule that matches no clip is a
    UsageError (a typo would otherwise silently give one camera per clip)."""
    names: list[str | None] = []
    used = [False] * len(rules)
    for i, path in enumerate(paths):
        name = None
        for k, (cam, pattern) in enumerate(rules):
            if _matches(path, pattern):
                name, used[k] = cam, True
                break
        if name is None and folders:
            name = folders.get(os.path.abspath(path))
        if name is None and devices is not None:
            name = devices[i]
        names.append(name)
    for (cam, pattern), hit in zip(rules, used):
        if not hit:
            raise UsageError(f"--camera {cam}={pattern}: matches none of the clips; check the "
                             "pattern (quote it so the shell does not expand it)")
    return _own_names(paths, names)


def _own_names(paths: Sequence[str], names: Sequence[str | None]) -> list[str]:
    """``names`` with each None replaced by its clip's own camera name: its file stem, with parent
    folders added while it equals another clip's (one camera per clip means distinct names)."""
    taken = {n for n in names if n is not None}
    out: list[str] = []
    for i, (path, name) in enumerate(zip(paths, names)):
        if name is not None:
            out.append(name)
            continue
        parts = os.path.abspath(path).split(os.sep)
        parts[-1] = os.path.splitext(parts[-1])[0]
        depth = 1
        while True:
            candidate = "/".join(parts[-depth:])
            others = [p for j, p in enumerate(paths) if j != i and names[j] is None]
            clash = candidate in taken or any(
                "/".join((os.path.abspath(p).split(os.sep)[:-1] + [os.path.splitext(
                    os.path.basename(p))[0]])[-depth:]) == candidate for p in others)
            if not clash or depth >= len(parts):
                break
            depth += 1
        out.append(candidate if not clash else f"{candidate} #{i + 1}")
    return out


def expand_folder(folder: str, is_media: Callable[[str], bool]) -> tuple[list[str], dict[str, str]]:
    """Clips of an event folder and the camera of each: media files directly inside are one camera
    each; each sub-folder holding media files is one camera named by the folder (its takes in file-name
    order). Hidden entries and syncam's own outputs (``syncam-*``) are skipped."""
    clips: list[str] = []
    cameras: dict[str, str] = {}
    entries = sorted(e for e in os.listdir(folder) if not e.startswith("."))
    for e in entries:
        path = os.path.abspath(os.path.join(folder, e))
        if os.path.isfile(path) and is_media(e):
            clips.append(path)
        elif os.path.isdir(path):
            takes = sorted(f for f in os.listdir(path) if not f.startswith(".") and is_media(f)
                           and os.path.isfile(os.path.join(path, f)))
            for f in takes:
                clips.append(os.path.join(path, f))
                cameras[os.path.join(path, f)] = e
    return clips, cameras
