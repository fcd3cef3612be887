"""Align many events: find them (a folder tree or a jobs file), run each event's alignment in parallel
(local processes, or a Dask distributed cluster when asked), write each manifest atomically, and skip
events whose manifest is up to date with their clips.

The unit of work is one event's alignment: it needs no data from any other event, its result (a
manifest) is small, and an event's clips share one process so its signatures never cross the network.
Inside an event, probing and decoding use up to two ffmpeg processes per core (config.WORKERS), shared
among the events running side by side on one machine.

Manifests are written by the coordinating process as events finish, each whole or not at all, so an
interrupted batch loses only the events that were running; workers only need to read the clips.

Three modules, one per seam: :mod:`~syncam.batch.discover` finds the events, :mod:`~syncam.batch.event`
runs one, :mod:`~syncam.batch.execute` runs them all (inline, local processes, Dask).
"""

from syncam.batch.discover import (
                                   MEDIA_EXTENSIONS,
                                   Job,
                                   discover,
                                   find_events,
                                   is_clip_name,
                                   read_jobs_file,
)
from syncam.batch.event import EventResult, Status, up_to_date
from syncam.batch.execute import BatchResult, batch, report_index, run

__all__ = ["MEDIA_EXTENSIONS", "BatchResult", "EventResult", "Job", "Status", "batch", "discover",
           "find_events", "is_clip_name", "read_jobs_file", "report_index", "run", "up_to_date"]
