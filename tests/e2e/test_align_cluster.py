"""One event's tasks on a Dask cluster (align --scheduler): the same manifest as a local run.

The event is repeatgen's PA with replayed jingles: ten phones, so the fingerprint index proposes the
pairs (config.INDEX_FROM_CLIPS) and the connecting full searches run too, all as cluster tasks.
"""

from __future__ import annotations

import sys

import pytest

import syncam
from syncam.errors import UsageError
from tests import repeatgen

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def event_paths(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    event = repeatgen.EVENTS["pa_replays"]()
    return repeatgen.write(str(tmp_path_factory.mktemp("cluster")), event.takes)


def test_a_local_cluster_gives_the_manifest_of_a_local_run(event_paths: list[str]) -> None:
    local = syncam.align(event_paths)
    on_cluster = syncam.align(event_paths, scheduler="local")
    assert local.pairs is not None and local.pairs.voted > 0  # the index chose the pairs
    assert on_cluster.to_dict() == local.to_dict()
    assert sum(c.placed for c in local.clips) >= 8


def test_a_scheduler_without_dask_says_what_to_install(event_paths: list[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(UsageError, match=r"needs Dask: pip install 'syncam\[dask\]'"):
        syncam.align(event_paths, scheduler="local")
