"""Audio feature invariances, the manifest round trip, and ffmpeg argument builders."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from syncam import manifest
from syncam.errors import FFmpegMissing, ManifestError
from syncam.media import ffmpeg
from syncam.signals.audio import Whitener, audio_signature, whiten
from syncam.signals.empty import is_silent


def test_whitening_ignores_gain_and_microphone_colour() -> None:
    """The phase transform keeps where the wave fronts fall, not how loud or how coloured they are."""
    rng = np.random.default_rng(0)
    x = (rng.standard_normal(8000 * 10) * np.repeat(rng.uniform(0.1, 1, 100), 800)).astype(np.float32)
    coloured = np.convolve(x, [0.3, 1.0, 0.3], mode="same").astype(np.float32)  # duller, zero-phase
    (w,), (q,), (c,) = whiten(x, 8000, (8000,)), whiten(x * 0.05, 8000, (8000,)), whiten(
        coloured, 8000, (8000,))
    assert np.corrcoef(w, q)[0, 1] > 0.999
    assert np.corrcoef(w, c)[0, 1] > 0.8


def test_whitening_in_pieces_is_whitening_whole() -> None:
    """The decoder's pieces arrive at any length: the result must not depend on where they split."""
    x = np.random.default_rng(4).standard_normal(8000 * 7).astype(np.float32)
    whole = whiten(x, 8000, (8000, 2000))
    w = Whitener(8000, (8000, 2000))
    for cut in np.split(x, [1, 300, 12345, 12346, 30001]):
        w.feed(cut)
    for a, b in zip(whole, w.finish()):
        assert len(a) == len(b) and np.allclose(a, b, atol=1e-6)


def test_whitening_gates_silence_and_keeps_time() -> None:
    sig = audio_signature(np.zeros(8000 * 3, np.float32), 8000, start=1.5)
    assert sig.rate == 2000 and len(sig.values) == 6000 and len(sig.fine) == 24000
    assert sig.fine_start == 1.5 and sig.start == 1.5
    assert not np.any(sig.fine) and is_silent(sig.fine)  # digital silence stays silence
    click = np.zeros(8000 * 2, np.float32)
    click[5000] = 1.0
    fine = whiten(click, 8000, (8000,))[0]
    assert abs(int(np.argmax(np.abs(fine))) - 5000) <= 1  # a click stays where it was


def test_silence() -> None:
    assert is_silent(np.zeros(16000, np.float32))
    assert not is_silent(np.full(16000, 0.1, np.float32))


def _doc() -> dict:
    clip = dict(path="/a.mp4", name="a.mp4", camera="a", placed=True, offset=0.0, offset_frames=0.0,
                drift_ppm=0.0, confidence=0.9, method="audio", reason=None, duration=10.0,
                frame_rate="25", fps=25.0, sample_rate=48000, width=160, height=120, rotation=0,
                has_audio=True, has_video=True, size=10, mtime=1.0)
    return dict(schema="syncam-manifest", version=1, tool_version="0", reference=0,
                timeline_start=0.0, timeline_end=10.0, clips=[clip], matches=[], notes=[],
                settings={})


def test_manifest_round_trip_ignores_unknown_fields() -> None:
    doc = _doc()
    doc["clips"][0]["future_field"] = 1
    doc["future_top"] = {}
    m = manifest.from_dict(doc)
    again = json.loads(m.to_json())
    assert again["clips"][0]["offset"] == 0.0 and "future_field" not in again["clips"][0]


def test_manifest_wrong_version_and_not_a_manifest() -> None:
    doc = _doc()
    doc["version"] = 99
    with pytest.raises(ManifestError, match="version 99"):
        manifest.from_dict(doc, source="m.json")
    with pytest.raises(ManifestError, match="not a syncam manifest"):
        manifest.from_dict([1, 2], source="m.json")


def test_manifest_not_json(tmp_path: str) -> None:
    p = os.path.join(tmp_path, "m.json")
    with open(p, "w") as fh:
        fh.write("{nope")
    with pytest.raises(ManifestError, match="not JSON"):
        manifest.load(p)


def test_audio_args_keep_awkward_paths_whole() -> None:
    path = "/media/-cam 'one' ü.mp4"
    args = ffmpeg.audio_args(path, 8000, 1)
    assert args[args.index("-i") + 1] == path
    assert "pipe:" in args and args[args.index("-map") + 1] == "0:1"
    assert args[args.index("-ar") + 1] == "8000" and args[args.index("-ac") + 1] == "1"


def test_audio_together_args_map_each_input_to_its_own_pipe() -> None:
    paths = ["/media/-cam 'one' ü.mp4", "/media/two.m4a"]
    args = ffmpeg.audio_together_args([(paths[0], 1), (paths[1], 0)], 8000, ["pipe:7", "pipe:9"])
    assert [args[i + 1] for i, a in enumerate(args) if a == "-i"] == paths
    assert [args[i + 1] for i, a in enumerate(args) if a == "-map"] == ["0:1", "1:0"]
    assert args[-1] == "pipe:9" and args[args.index("pipe:7") - 1] == "0"  # -flush_packets 0
    assert args.count("-ar") == 2 and args[args.index("-ar") + 1] == "8000"
    with pytest.raises(ValueError):  # an output for every input
        ffmpeg.audio_together_args([(paths[0], 1)], 8000, ["pipe:7", "pipe:9"])


def test_missing_binary_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("SYNCAM_FFMPEG", raising=False)
    with pytest.raises(FFmpegMissing, match="apt-get install ffmpeg"):
        ffmpeg.find_binary("ffmpeg")


def test_atomic_output_has_ordinary_permissions(tmp_path: str) -> None:
    from syncam.atomic import write_text

    target = os.path.join(tmp_path, "m.json")
    write_text(target, "{}")
    umask = os.umask(0)
    os.umask(umask)
    assert os.stat(target).st_mode & 0o777 == 0o666 & ~umask
    assert os.listdir(tmp_path) == ["m.json"]
