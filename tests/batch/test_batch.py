"""syncam batch end to end on real encoded events: statuses, truth, resume, cache, Dask, the CLI."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest

import syncam
from syncam.batch import Status
from syncam.batch import batch as run_batch
from syncam.errors import UsageError
from syncam.media import ffmpeg
from syncam.render import mosaic as mosaic_module

pytestmark = pytest.mark.slow  # every test aligns real encoded events

SYNCAM = os.path.join(os.path.dirname(sys.executable), "syncam")


def _by_name(result) -> dict:
    return {e.name: e for e in result.events}


def _assert_truth(library, result) -> None:
    """Every placed clip of every event with a manifest sits within 1 ms of its true offset."""
    checked = 0
    for name, ev in library.events.items():
        e = _by_name(result)[name]
        if e.manifest is None:
            continue
        for clip in syncam.load_manifest(e.manifest).clips:
            if clip.offset is not None:
                assert clip.offset == pytest.approx(ev.truth[clip.path], abs=1e-3), (name, clip.name)
                checked += 1
    assert checked == 8  # concert 3, unicode 3, stranger 2


def _manifests(folder: str) -> list[str]:
    return sorted(os.path.join(d, f) for d, _, fs in os.walk(folder) for f in fs
                  if f.endswith("syncam-manifest.json"))


def _leftovers(folder: str) -> list[str]:
    return [f for _, _, fs in os.walk(folder) for f in fs if ".part" in f]


@pytest.fixture
def count_decodes(monkeypatch):
    calls: list[str] = []
    real = ffmpeg.stream_pcm  # align decodes sound as a stream (pipeline.audio_signature_of)

    def counted(args, **kwargs):
        calls.append(kwargs["what"])
        return real(args, **kwargs)

    monkeypatch.setattr(ffmpeg, "stream_pcm", counted)
    return calls


def test_batch_reports_each_event_and_places_clips_on_truth(library_src, tmp_path):
    out = str(tmp_path / "out")
    result = run_batch([library_src.root], jobs=2, out=out)
    ev = _by_name(result)
    assert {n: e.status for n, e in ev.items()} == {
        "concert": Status.ALIGNED, "Ünïcode day – 2": Status.ALIGNED, "broken": Status.FAILED,
        "stranger": Status.UNPLACED}
    assert "c_truncated.mp4" in ev["broken"].error and ev["broken"].manifest is None
    assert ev["stranger"].unplaced == (os.path.join(library_src.root, "stranger",
                                                    "c_other_event.mp4"),)
    assert result.exit_code == 1
    _assert_truth(library_src, result)
    assert _manifests(out) == sorted(os.path.join(out, n, "syncam-manifest.json")
                                     for n in ("concert", "Ünïcode day – 2", "stranger"))
    assert _manifests(library_src.root) == []  # with --out nothing is written beside the clips


def test_cli_json_lines_summary_and_exit_codes(library, tmp_path):
    env = {**os.environ, "COLUMNS": "200"}
    proc = subprocess.run([SYNCAM, "batch", library.root, "--json", "--jobs", "2"],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 1, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert sorted((d["event"], d["status"]) for d in lines) == [
        ("broken", "failed"), ("concert", "aligned"), ("stranger", "unplaced"),
        ("Ünïcode day – 2", "aligned")]
    stranger = next(d for d in lines if d["event"] == "stranger")
    assert stranger["manifest"] == os.path.join(library.events["stranger"].folder,
                                                "syncam-manifest.json")
    assert [os.path.basename(p) for p in stranger["unplaced"]] == ["c_other_event.mp4"]

    good = [library.events["concert"].folder, library.events["Ünïcode day – 2"].folder]
    proc = subprocess.run([SYNCAM, "batch", *good, "--force"], capture_output=True, text=True,
                          env=env)
    assert proc.returncode == 0, proc.stderr
    assert "2 aligned" in proc.stdout and "concert" in proc.stdout
    proc = subprocess.run([SYNCAM, "batch", library.events["stranger"].folder],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 3 and "1 skipped" in proc.stdout  # up to date, still unplaced


def test_resume_skips_unchanged_events_and_a_warm_cache_decodes_nothing(library, count_decodes):
    first = run_batch([library.root], jobs=1)
    assert len(count_decodes) == 9  # 3 good events x 3 clips; the broken one fails at probing
    _assert_truth(library, first)

    count_decodes.clear()
    again = run_batch([library.root], jobs=1)
    assert {n: e.status for n, e in _by_name(again).items()} == {
        "concert": Status.SKIPPED, "Ünïcode day – 2": Status.SKIPPED, "broken": Status.FAILED,
        "stranger": Status.SKIPPED}
    assert _by_name(again)["stranger"].unplaced == _by_name(first)["stranger"].unplaced
    assert again.exit_code == 1 and count_decodes == []

    touched = sorted(library.events["concert"].truth)[1]
    st = os.stat(touched)
    os.utime(touched, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # "copied again"
    third = run_batch([library.root], jobs=1)
    assert _by_name(third)["concert"].status is Status.ALIGNED
    assert _by_name(third)["stranger"].status is Status.SKIPPED
    assert count_decodes == [touched]  # the other two clips came from the cache
    assert (_by_name(third)["concert"].cache_hits, _by_name(third)["concert"].cache_misses) == (2, 1)

    count_decodes.clear()
    forced = run_batch([library.root], jobs=2, force=True)  # worker processes share the cache
    for name in ("concert", "Ünïcode day – 2", "stranger"):
        e = _by_name(forced)[name]
        assert (e.status is not Status.SKIPPED, e.cache_hits, e.cache_misses) == (True, 3, 0)
    _assert_truth(library, forced)

    nocache = run_batch([library.events["concert"].folder], jobs=1, force=True, cache=False)
    assert len(count_decodes) == 3 and nocache.events[0].cache_misses == 0


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_interrupted_batch_keeps_finished_manifests_and_resumes(library, jobs):
    proc = subprocess.Popen([SYNCAM, "batch", library.root, "--jobs", jobs, "--no-cache"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not _manifests(library.root) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    t0 = time.monotonic()
    _, err = proc.communicate(timeout=60)
    assert time.monotonic() - t0 < 15  # running workers are stopped, not waited for
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    kept = _manifests(library.root)
    assert 1 <= len(kept) < 3
    for path in kept:
        syncam.load_manifest(path)  # whole, valid manifests
    assert _leftovers(library.root) == []

    resumed = run_batch([library.root], jobs=2)
    statuses = _by_name(resumed)
    skipped = {n for n, e in statuses.items() if e.status is Status.SKIPPED}
    assert skipped == {n for n, e in statuses.items() if e.manifest in kept}
    assert len(_manifests(library.root)) == 3
    _assert_truth(library, resumed)


def test_dask_local_cluster_gives_the_same_manifests(library_src, tmp_path):
    pool = run_batch([library_src.root], jobs=2, out=str(tmp_path / "pool"))
    dask = run_batch([library_src.root], jobs=2, out=str(tmp_path / "dask"), scheduler="local")
    assert [(e.name, e.status, e.unplaced, e.error is None) for e in dask.events] == \
        [(e.name, e.status, e.unplaced, e.error is None) for e in pool.events]
    assert dask.exit_code == pool.exit_code == 1
    for a, b in zip(pool.events, dask.events):
        if a.manifest:
            assert syncam.load_manifest(a.manifest).to_dict() == \
                syncam.load_manifest(b.manifest).to_dict()
    _assert_truth(library_src, dask)


def test_jobs_file_reference_and_max_offset(library_src, tmp_path):
    concert = sorted(library_src.events["concert"].truth)
    ref = concert[1]
    spec = [{"name": "concert by b", "clips": concert, "reference": ref, "max_offset": 30,
             "method": "audio"}]
    jobs_file = tmp_path / "jobs.json"
    jobs_file.write_text(json.dumps(spec))
    result = run_batch(jobs_file=str(jobs_file), out=str(tmp_path / "out"), jobs=1)
    e = result.events[0]
    assert e.status is Status.ALIGNED
    assert e.manifest == str(tmp_path / "out" / "concert by b" / "syncam-manifest.json")
    m = syncam.load_manifest(e.manifest)
    truth = library_src.events["concert"].truth
    assert m.settings.max_offset == 30.0 and m.clips[m.reference].path == ref
    for clip in m.clips:
        assert clip.offset == pytest.approx(truth[clip.path] - truth[ref], abs=1e-3)


def test_render_writes_each_events_mosaic_with_the_real_renderer(library_src, tmp_path):
    folder = library_src.events["concert"].folder
    e = run_batch([folder], out=str(tmp_path), jobs=1, render=True).events[0]
    assert e.status is Status.ALIGNED and e.mosaic == str(tmp_path / "concert" / "syncam-mosaic.mp4")
    m = syncam.load_manifest(e.manifest)
    assert syncam.probe(e.mosaic).duration == pytest.approx(m.timeline_end - m.timeline_start,
                                                            abs=0.1)


def test_scheduler_without_dask_is_a_usage_error(library_src, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(UsageError, match=r"scheduler: needs Dask: pip install 'syncam\[dask\]'"):
        run_batch([library_src.root], scheduler="local")


def test_example_script_reports_a_folder_tree(library_src, tmp_path):
    script = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "batch_report.py")
    proc = subprocess.run([sys.executable, script, library_src.root, "--out", str(tmp_path / "o"),
                           "--jobs", "2"], capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr
    assert "broken: failed\n  error: " in proc.stdout and "c_truncated.mp4" in proc.stdout
    assert "c_other_event.mp4" in proc.stdout and "unplaced (" in proc.stdout
    assert re.search(r"\n  b_close\.mov +\+7\.43[67]\d s\n", proc.stdout)  # truth: +7.437 s
    assert proc.stdout.rstrip().endswith("1 failed, 1 clips unplaced")


def test_render_hook_calls_the_renderer_and_resume_needs_the_mosaic(library_src, tmp_path,
                                                                    monkeypatch):
    """The hook's contract with syncam/render: render(manifest, output, ...) writes ``output`` and
    returns its RenderResult, or raises a SyncamError. (Here a stand-in renderer: this tests batch's
    side of the contract only.)"""
    calls = []

    def render(manifest, output, *args, **kwargs):
        calls.append((len(manifest.clips), output))
        if len(calls) == 3:
            raise UsageError("no room for the mosaic")
        with open(output, "wb") as fh:
            fh.write(b"mosaic")
        return output  # stands for the RenderResult

    monkeypatch.setattr(mosaic_module, "render", render)  # where align_then_render finds it
    out = tmp_path / "out"
    folder = library_src.events["concert"].folder
    first = run_batch([folder], out=str(out), jobs=1, render=True)
    mosaic = str(out / "concert" / "syncam-mosaic.mp4")
    assert first.events[0].mosaic == mosaic and calls == [(3, mosaic)]
    assert run_batch([folder], out=str(out), jobs=1, render=True).events[0].status is Status.SKIPPED
    os.unlink(mosaic)
    again = run_batch([folder], out=str(out), jobs=1, render=True)
    assert again.events[0].status is Status.ALIGNED and len(calls) == 2
    os.unlink(mosaic)
    failed = run_batch([folder], out=str(out), jobs=1, render=True, force=True).events[0]
    assert failed.status is Status.FAILED and failed.error == "mosaic not rendered: no room for " \
        "the mosaic" and failed.manifest == str(out / "concert" / "syncam-manifest.json")
    assert os.path.exists(failed.manifest) and not os.path.exists(mosaic)


def test_resume_realigns_when_a_setting_changed(library):
    """A manifest made with other settings is not up to date: each setting that decides the result
    (max_offset, min_confidence, method) makes the event align again."""
    folder = library.events["concert"].folder
    assert run_batch([folder], jobs=1).events[0].status is Status.ALIGNED
    assert run_batch([folder], jobs=1).events[0].status is Status.SKIPPED
    for changed in ({"max_offset": 100.0}, {"min_confidence": 0.3}, {"method": "audio"}):
        again = run_batch([folder], jobs=1, **changed)
        assert again.events[0].status is Status.ALIGNED, changed
        assert run_batch([folder], jobs=1, **changed).events[0].status is Status.SKIPPED, changed
