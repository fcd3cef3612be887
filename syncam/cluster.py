"""A Dask distributed cluster: for batch's events, and for the tasks of one big event (align's
signatures and pair searches). Dask is the optional extra ``syncam[dask]``, imported only here.

``scheduler`` is a scheduler's address ("tcp://host:8786") or "local": a cluster of local processes
that listens on loopback only and opens no dashboard.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from typing import Any

from syncam.errors import SyncamError, UsageError


def distributed() -> Any:
    """The ``distributed`` package, or the one-line error that says what to install."""
    try:
        return importlib.import_module("distributed")
    except ImportError:
        raise UsageError("needs Dask: pip install 'syncam[dask]' (or 'dask[distributed]')",
                         option="scheduler") from None


@contextlib.contextmanager
def client(scheduler: str, processes: int) -> Iterator[Any]:
    """A Client of the cluster at ``scheduler`` (``processes`` workers when it is "local"), closed
    (and a local cluster stopped) on leaving."""
    dd = distributed()
    cluster = None
    try:
        if scheduler == "local":
            cluster = dd.LocalCluster(n_workers=processes, threads_per_worker=1, processes=True,
                                      host="127.0.0.1", dashboard_address=None)
            c = dd.Client(cluster)
        else:
            c = dd.Client(scheduler, timeout="10s")
    except (OSError, TimeoutError, ValueError) as exc:  # ValueError: an address Dask cannot parse
        if cluster is not None:
            cluster.close()
        raise SyncamError(f"cannot reach the Dask scheduler at {scheduler} ({exc}); check the "
                          "address, or start one with 'dask scheduler' and 'dask worker'") from None
    try:
        yield c
    finally:
        c.close()
        if cluster is not None:
            cluster.close()


class Pool:
    """The cluster as the concurrent.futures executor that align runs its tasks on: ``submit`` and
    ``map`` send a task to a worker; its futures work with concurrent.futures.as_completed."""

    def __init__(self, c: Any) -> None:
        self._executor = c.get_executor(pure=False)

    def submit(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = self._executor.submit(fn, *args, **kwargs)
        return future

    def map(self, fn: Callable[..., Any], items: Iterable[Any]) -> Iterator[Any]:
        return iter([f.result() for f in [self.submit(fn, x) for x in items]])

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop taking tasks; with ``cancel_futures`` drop the queued ones (an error or Ctrl-C)."""
        self._executor.shutdown(wait=wait and not cancel_futures)
