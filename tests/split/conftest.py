"""A release built once per session from real footage, and what ``syncam split`` makes of it."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass

import pytest

from tests.conftest import SYNCAM
from tests.split import releasegen


@dataclass
class SplitRun:
    release: releasegen.Release
    folder: str
    listing: dict
    stdout: str


@pytest.fixture(scope="session")
def release(tmp_path_factory: pytest.TempPathFactory) -> releasegen.Release:
    return releasegen.make_release(str(tmp_path_factory.mktemp("release")))


@pytest.fixture(scope="session")
def split_run(release: releasegen.Release, tmp_path_factory: pytest.TempPathFactory) -> SplitRun:
    folder = os.path.join(str(tmp_path_factory.mktemp("split")), "shots of the event")
    proc = subprocess.run([*SYNCAM, "split", release.path, "-o", folder], capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr
    with open(os.path.join(folder, "shots.json"), encoding="utf-8") as f:
        listing = json.load(f)
    return SplitRun(release, folder, listing, proc.stdout)

