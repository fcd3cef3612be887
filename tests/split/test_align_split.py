"""``syncam align DIR`` on what ``syncam split`` wrote: the camera folders are read as cameras, the
shots as their takes, and shots that carry their own sound are placed by it."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from tests.conftest import SYNCAM
from tests.split.conftest import SplitRun

pytestmark = pytest.mark.slow


def _align(run: SplitRun, where: str, *extra: str) -> dict[str, dict]:
    manifest = os.path.join(where, "manifest.json")  # not in the shots' folder: other tests read it
    proc = subprocess.run([*SYNCAM, "align", run.folder, "-o", manifest, "--no-cache", *extra],
                          capture_output=True, text=True)
    assert proc.returncode in (0, 3), proc.stderr
    with open(manifest, encoding="utf-8") as f:
        return {os.path.relpath(c["path"], run.folder): c for c in json.load(f)["clips"]}


def test_align_places_shots_by_their_own_sound(split_run: SplitRun, tmp_path: str) -> None:
    """Shots 2, 4 and 8 (cameras B, A, C) carry their own sound and share seconds of the event:
    align places them by it; the voice-over shots were written without sound."""
    shots = split_run.listing["shots"]
    two, four, eight = (shots[k]["path"] for k in (2, 4, 8))
    clips = _align(split_run, str(tmp_path), "--reference", os.path.join(split_run.folder, two))
    rel = split_run.release
    truth = {s["path"]: rel.event_time(s["index"], s["first_frame"]) for s in shots if s["path"]}
    for p in (four, eight):
        assert clips[p]["method"] == "audio", clips[p]
        measured = clips[p]["offset"] - clips[two]["offset"]
        assert measured == pytest.approx(truth[p] - truth[two], abs=0.25 / 25), p
    for k in (5, 6, 7):  # under the voice-over: no sound to place them by, nor to mislead
        assert clips[shots[k]["path"]]["method"] != "audio"
    assert clips[four]["camera"] == clips[shots[1]["path"]]["camera"] == "cam01"


def test_align_places_every_shot_by_its_burned_in_clock(split_run: SplitRun, tmp_path: str) -> None:
    """The acceptance: every shot of the 8-shot release placed within one frame (1/25 s) of the
    truth, by the clocks burned into the cameras' pictures (issue 20's clock reading)."""
    import importlib.util

    if importlib.util.find_spec("syncam.clock") is None:
        pytest.skip("reading burned-in clocks (syncam.clock, issue 20) is not in this build yet")
    clips = _align(split_run, str(tmp_path))
    rel = split_run.release
    shots = [s for s in split_run.listing["shots"] if s["path"] is not None]
    assert len(shots) == 8
    truth = {s["path"]: rel.event_time(s["index"], s["first_frame"]) for s in shots}
    ref = shots[0]["path"]
    for s in shots:
        assert clips[s["path"]]["offset"] is not None, clips[s["path"]]
        measured = clips[s["path"]]["offset"] - clips[ref]["offset"]
        assert measured == pytest.approx(truth[s["path"]] - truth[ref], abs=1 / 25), s
