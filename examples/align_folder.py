"""Align every clip in a folder through the Python API and print who sits where.

    python examples/align_folder.py FOLDER [REFERENCE]
"""

from __future__ import annotations

import os
import sys

import syncam

MEDIA = (".mp4", ".mov", ".mkv", ".webm", ".avi", ".mts", ".m4a", ".wav", ".mp3")


def main(folder: str, reference: str | None = None) -> int:
    clips = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.lower().endswith(MEDIA))
    try:
        manifest = syncam.align(clips, reference=reference)
    except syncam.SyncamError as exc:
        print(f"cannot align {folder}: {exc}", file=sys.stderr)
        return 1
    ref = manifest.clips[manifest.reference].name
    print(f"{len(clips)} clips, timeline zero = start of {ref}")
    for clip in sorted(manifest.clips, key=lambda c: (c.offset is None, c.offset or 0.0)):
        if clip.placed:
            print(f"  {clip.offset:+10.3f} s  {clip.name}  (confidence {clip.confidence:.2f})")
        else:
            print(f"  {'unplaced':>12}  {clip.name}: {clip.reason}")
    return 3 if manifest.unplaced else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
