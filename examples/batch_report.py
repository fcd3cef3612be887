"""Align every event of a folder tree through the Python API, then print a report.

    python examples/batch_report.py ~/footage/season-2026 [--out manifests/] [--jobs 2]

Each folder holding clips is one event. The report gives every clip's offset (seconds on its event's
timeline, see syncam/types.py for the sign), and says which clips or events need a look.
"""

from __future__ import annotations

import argparse
import sys

import syncam


def report(result: syncam.BatchResult) -> str:
    lines = []
    for event in result.events:
        lines.append(f"{event.name}: {event.status.value}")
        if event.status is syncam.Status.FAILED:
            lines.append(f"  error: {event.error}")
            continue
        manifest = syncam.load_manifest(event.manifest)
        for clip in manifest.clips:
            where = f"{clip.offset:+10.4f} s" if clip.placed else f"  unplaced ({clip.reason})"
            lines.append(f"  {clip.name:<32} {where}")
    failed = len(result.failed)
    unplaced = sum(len(e.unplaced) for e in result.events)
    lines.append(f"{len(result.events)} events in {result.seconds:.1f} s: {failed} failed, "
                 f"{unplaced} clips unplaced")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", help="folder tree: one event per folder of clips")
    parser.add_argument("--out", help="write manifests under this folder instead of beside clips")
    parser.add_argument("--jobs", type=int, help="events aligned at once (default: one per core)")
    args = parser.parse_args()
    try:
        result = syncam.batch([args.root], out=args.out, jobs=args.jobs,
                              on_event=lambda e: print(f"done: {e.name} ({e.status.value})",
                                                       file=sys.stderr))
    except syncam.SyncamError as exc:  # bad arguments: nothing was aligned
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(report(result))
    return result.exit_code


if __name__ == "__main__":  # needed: batch workers are started as fresh processes
    sys.exit(main())
