"""The signature cache: exact round trip, identity checks, damaged entries, concurrent processes."""

from __future__ import annotations

import glob
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import fields, replace

import numpy as np
import pytest

from syncam import pipeline
from syncam.cache import SignatureCache, default_cache_dir
from syncam.media import ffmpeg
from syncam.sync import correlate
from syncam.types import AudioStream, Candidate, Clip, Landmarks, Match, Method, Observation, Signature

PARAMS = {"audio_rate": 8000, "envelope_rate": 100}


def _clip(path: str = "/footage/cam a.mp4", size: int = 1000, mtime: float = 1700000000.123456
          ) -> Clip:
    return Clip(path=path, container="mov,mp4", duration=10.0, start=0.0, size=size, mtime=mtime,
                audio=(AudioStream(index=1, codec="aac", sample_rate=48000, channels=1, start=0.0,
                                   duration=10.0),))


def _signature(seed: int = 0, fine: bool = True) -> Signature:
    rng = np.random.default_rng(seed)
    values = rng.standard_normal(1000).astype(np.float32)
    values[:4] = [np.inf, -np.inf, np.float32(1e-45), -0.0]  # bit patterns that must survive too
    return Signature(method=Method.AUDIO, rate=100.0, start=0.016, values=values,
                     fine=rng.standard_normal(80_000).astype(np.float32) if fine else None,
                     fine_rate=8000.0 if fine else None, fine_start=-0.0065)


def _same(a: Signature, b: Signature) -> None:
    assert (b.method, b.rate, b.start, b.fine_rate, b.fine_start) == \
        (a.method, a.rate, a.start, a.fine_rate, a.fine_start)
    assert b.values.dtype == np.float32 and b.values.tobytes() == a.values.tobytes()
    if a.fine is None:
        assert b.fine is None
    else:
        assert b.fine.dtype == np.float32 and b.fine.tobytes() == a.fine.tobytes()


def test_motion_signature_keeps_its_cells_and_optical_flow(tmp_path):
    """A motion signature's per-cell curves and flow curves (float16, with their starts) come back
    bit for bit."""
    rng = np.random.default_rng(3)
    sig = Signature(method=Method.MOTION, rate=100.0, start=0.02,
                    values=rng.standard_normal(500).astype(np.float32),
                    fine=rng.standard_normal((250, 65)).astype(np.float16), fine_rate=50.0,
                    fine_start=0.04, flow=rng.standard_normal((120, 128)).astype(np.float16),
                    flow_start=1.5)
    cache = SignatureCache(str(tmp_path))
    cache.put(_clip(), Method.MOTION, PARAMS, sig)
    back = cache.get(_clip(), Method.MOTION, PARAMS)
    assert back is not None and back.flow is not None and back.fine is not None
    assert (back.fine_start, back.flow_start) == (0.04, 1.5)
    assert back.fine.tobytes() == sig.fine.tobytes()
    assert back.flow.dtype == np.float16 and back.flow.tobytes() == sig.flow.tobytes()


def _counting(sig: Signature):
    calls = []

    def compute() -> Signature:
        calls.append(1)
        return sig

    return compute, calls


@pytest.mark.parametrize("fine", [True, False])
def test_round_trip_is_bit_exact_and_second_call_computes_nothing(tmp_path, fine):
    cache = SignatureCache(str(tmp_path))
    sig = _signature(fine=fine)
    compute, calls = _counting(sig)
    first = cache.get_or_compute(_clip(), Method.AUDIO, PARAMS, compute)
    again = SignatureCache(str(tmp_path)).get_or_compute(_clip(), Method.AUDIO, PARAMS, compute)
    assert calls == [1]
    assert first is sig
    _same(sig, again)
    assert (cache.stats.misses, cache.stats.writes) == (1, 1)


@pytest.mark.parametrize("change", [
    dict(mtime=1700000000.123457), dict(size=1001), dict(path="/footage/cam b.mp4")])
def test_another_version_of_the_file_is_not_served(tmp_path, change):
    cache = SignatureCache(str(tmp_path))
    cache.put(_clip(), Method.AUDIO, PARAMS, _signature(seed=1))
    assert cache.get(_clip(**change), Method.AUDIO, PARAMS) is None
    new = _signature(seed=2)
    compute, calls = _counting(new)
    _same(new, cache.get_or_compute(_clip(**change), Method.AUDIO, PARAMS, compute))
    assert calls == [1]
    _same(new, cache.get(_clip(**change), Method.AUDIO, PARAMS))


def test_changed_file_overwrites_its_own_slot_and_other_parameters_have_their_own(tmp_path):
    cache = SignatureCache(str(tmp_path))
    cache.put(_clip(), Method.AUDIO, PARAMS, _signature(seed=1))
    cache.put(_clip(mtime=5.0), Method.AUDIO, PARAMS, _signature(seed=2))
    assert cache.get(_clip(), Method.AUDIO, PARAMS) is None  # stale: the slot holds the new version
    assert cache.stats.stale == 1
    assert cache.get(_clip(), Method.AUDIO, {**PARAMS, "audio_rate": 16000}) is None
    files = [f for _, _, fs in os.walk(tmp_path) for f in fs]
    assert len(files) == 1, files


def _damage_truncate(path: str) -> None:
    with open(path, "r+b") as fh:
        fh.truncate(os.path.getsize(path) // 2)


def _damage_flip_data_byte(path: str) -> None:
    size = os.path.getsize(path)
    with open(path, "r+b") as fh:  # a byte inside the big `fine` array, far from any header
        fh.seek(size // 2)
        byte = fh.read(1)
        fh.seek(size // 2)
        fh.write(bytes([byte[0] ^ 0x5A]))


def _damage_garbage(path: str) -> None:
    with open(path, "wb") as fh:
        fh.write(b"not a zip file at all" * 10)


@pytest.mark.parametrize("damage", [_damage_truncate, _damage_flip_data_byte, _damage_garbage])
def test_damaged_entry_is_ignored_and_rebuilt(tmp_path, damage, caplog):
    cache = SignatureCache(str(tmp_path))
    sig = _signature(seed=3)
    cache.put(_clip(), Method.AUDIO, PARAMS, sig)
    damage(cache.entry_path(_clip(), Method.AUDIO, PARAMS))
    compute, calls = _counting(sig)
    with caplog.at_level(logging.WARNING, logger="syncam.cache"):
        got = cache.get_or_compute(_clip(), Method.AUDIO, PARAMS, compute)
    assert calls == [1] and cache.stats.corrupt == 1
    assert "decoding the clip again" in caplog.text
    _same(sig, got)
    _same(sig, SignatureCache(str(tmp_path)).get(_clip(), Method.AUDIO, PARAMS))  # rewritten whole


def test_unwritable_cache_never_fails_the_work(tmp_path, caplog):
    blocker = os.path.join(tmp_path, "a file")
    with open(blocker, "w") as fh:
        fh.write("x")
    cache = SignatureCache(blocker)  # cannot create folders inside a file
    sig = _signature()
    with caplog.at_level(logging.WARNING, logger="syncam.cache"):
        got = cache.get_or_compute(_clip(), Method.AUDIO, PARAMS, lambda: sig)
    assert got is sig and cache.stats.write_errors == 1
    assert "cannot write" in caplog.text


def test_default_location(monkeypatch, tmp_path):
    monkeypatch.delenv("SYNCAM_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_cache_dir() == os.path.join(tmp_path, ".cache", "syncam")
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    assert default_cache_dir() == os.path.join(tmp_path, ".cache", "syncam")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == str(tmp_path / "xdg" / "syncam")
    monkeypatch.setenv("SYNCAM_CACHE_DIR", str(tmp_path / "mine"))
    assert default_cache_dir() == str(tmp_path / "mine")
    assert SignatureCache().directory == str(tmp_path / "mine")


def _hammer(folder: str, worker: int, rounds: int) -> tuple[int, int]:
    """Write and read one slot as fast as possible; every read must be one whole written version."""
    cache = SignatureCache(folder)
    versions = {k: _signature(seed=k) for k in range(3)}
    whole = 0
    for r in range(rounds):
        cache.put(_clip(), Method.AUDIO, PARAMS, versions[(worker + r) % 3])
        got = cache.get(_clip(), Method.AUDIO, PARAMS)
        if got is not None:
            match = [k for k, v in versions.items() if v.values.tobytes() == got.values.tobytes()]
            assert len(match) == 1
            assert got.fine.tobytes() == versions[match[0]].fine.tobytes()
            whole += 1
    return whole, cache.stats.corrupt


def test_concurrent_processes_never_see_half_entries(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(3, mp_context=ctx) as pool:
        results = list(pool.map(_hammer, [str(tmp_path)] * 3, range(3), [40] * 3))
    assert all(corrupt == 0 for _, corrupt in results)
    assert sum(whole for whole, _ in results) == 120  # the slot always held a whole entry
    leftovers = [f for _, _, fs in os.walk(tmp_path) for f in fs if not f.endswith(".npz") or
                 f.startswith(".")]
    assert leftovers == []


def _match() -> Match:
    """A match with every field set to a value that must survive (floats that JSON must keep)."""
    # every field of Match is set here: a new one must be added, so that its round trip is checked
    assert {f.name for f in fields(Match)} == {
        "a", "b", "lag", "confidence", "method", "peak", "runner_up", "overlap", "observations",
        "candidates", "search", "centre", "support", "usable", "distinct", "searched"}
    return Match(a=4, b=7, lag=-12.345678901234567, confidence=0.8125, method=Method.AUDIO,
                 peak=31.25, runner_up=4.1, overlap=59.9, search="windows", centre=0.1 + 0.2,
                 observations=(Observation(time=2.0, lag=-12.3456, score=9.5),
                               Observation(time=6.0, lag=-12.3457, score=1e-300)),
                 candidates=(Candidate(lag=177.6, score=6.5),), support=(2.0, 6.0), usable=3,
                 distinct=True, searched=1234.5)


def test_a_pair_search_comes_back_exactly_for_the_same_clips_and_settings(tmp_path, caplog):
    cache = SignatureCache(str(tmp_path))
    a, b = (_clip("/f/a.mp4"), PARAMS), (_clip("/f/b.mp4"), PARAMS)
    runs = []

    def search() -> list[Match]:
        runs.append(1)
        return [_match()]
    search_kw = {"search": "whole", "max_offset": None, "drift": True}
    assert cache.get_or_match(a, b, search_kw, (4, 7), search) == [_match()]
    # another run in which the same clips are the 1st and 2nd: the same match for those indices
    assert cache.get_or_match(a, b, search_kw, (1, 2), search) == [replace(_match(), a=1, b=2)]
    assert (len(runs), cache.stats.pair_hits) == (1, 1)
    # another version of a clip, other settings, or the clips the other way round: searched again
    for other in [((_clip("/f/a.mp4", size=1001), PARAMS), b, search_kw),
                  (a, b, {**search_kw, "max_offset": 60.0}), (b, a, search_kw)]:
        cache.get_or_match(*other, (4, 7), search)
    assert len(runs) == 4
    # a damaged entry is searched again, with a warning, and rewritten
    for entry in glob.glob(os.path.join(str(tmp_path), "pairs-v*", "*", "*.json")):
        with open(entry, "w", encoding="utf-8") as fh:
            fh.write('[{"lag": "x"}]')
    with caplog.at_level(logging.WARNING):
        assert cache.get_or_match(a, b, search_kw, (4, 7), search) == [_match()]
    assert len(runs) == 5 and "unreadable pair cache entry" in caplog.text
    assert cache.get_or_match(a, b, search_kw, (4, 7), search) == [_match()] and len(runs) == 5


@pytest.mark.slow
def test_align_second_run_decodes_nothing(library_src, tmp_path, monkeypatch):
    calls = []
    real = ffmpeg.stream_pcm  # align decodes sound as a stream (pipeline.audio_signature_of)

    def counted(args, **kwargs):
        calls.append(kwargs["what"])
        return real(args, **kwargs)

    def not_searched(*args, **kwargs):
        raise AssertionError("a warm re-align searched a pair again")

    monkeypatch.setattr(ffmpeg, "stream_pcm", counted)
    clips = sorted(library_src.events["concert"].truth)
    cold = SignatureCache(str(tmp_path / "c"))
    first = pipeline.align(clips, cache=cold)
    assert sorted(calls) == clips and cold.stats.misses == 3
    calls.clear()
    monkeypatch.setattr(correlate, "match_all", not_searched)
    warm = SignatureCache(str(tmp_path / "c"))
    second = pipeline.align(clips, cache=warm)
    assert calls == [] and warm.stats.hits == 3 and warm.stats.misses == 0
    assert warm.stats.pair_hits == 3  # and no pair searched again
    assert second.clips == first.clips


def test_a_signature_kept_without_landmarks_is_made_again_when_they_are_wanted(tmp_path):
    """A few-clip event keeps its sound signatures without fingerprints; a many-clip event that
    needs them makes the signature again (and keeps that), rather than voting with none."""
    cache = SignatureCache(str(tmp_path))
    bare = _signature(seed=4)
    marks = Landmarks(hashes=np.arange(5, dtype=np.uint32), times=np.arange(5, dtype=np.int32),
                      hop=0.016, frames=600, start=0.01)
    full = replace(bare, landmarks=marks)
    compute, calls = _counting(bare)
    cache.get_or_compute(_clip(), Method.AUDIO, PARAMS, compute)
    assert cache.get_or_compute(_clip(), Method.AUDIO, PARAMS, compute).landmarks is None
    assert calls == [1]  # not wanted: the bare entry serves
    compute, calls = _counting(full)
    got = cache.get_or_compute(_clip(), Method.AUDIO, PARAMS, compute, need_landmarks=True)
    assert calls == [1] and got.landmarks is marks
    again = SignatureCache(str(tmp_path)).get_or_compute(_clip(), Method.AUDIO, PARAMS, compute,
                                                         need_landmarks=True)
    assert calls == [1] and again.landmarks is not None
    assert again.landmarks.hashes.tolist() == [0, 1, 2, 3, 4]
