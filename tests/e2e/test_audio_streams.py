"""A camera with several audio tracks whose first one is silent (an unused XLR input) is placed by the
first track that is not silent; the manifest says which; --audio-stream picks one by hand."""

from __future__ import annotations

import json
import os
import subprocess

import numpy as np
import pytest

from syncam.media import ffmpeg
from tests.conftest import Event, run_cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def four_tracks(event: Event, tmp_path_factory: pytest.TempPathFactory) -> str:
    """cam_a's picture with tracks: 1 digital silence, 2 a dead input's faint hiss (-80 dBFS),
    3 the camera's sound, 4 the sound again (a safety track at lower gain)."""
    path = os.path.join(str(tmp_path_factory.mktemp("tracks")), "pro cam.mov")
    subprocess.run([ffmpeg.find_binary("ffmpeg"), "-nostdin", "-v", "error", "-i", event.paths[0],
                    "-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono",
                    "-f", "lavfi", "-i", "anoisesrc=r=48000:a=0.0001:seed=3",
                    "-filter_complex", "[0:a]asplit[s1][s2];[s2]volume=-12dB[quiet]",
                    "-map", "0:v", "-map", "1:a", "-map", "2:a", "-map", "[s1]", "-map", "[quiet]",
                    "-c:v", "copy", "-c:a", "pcm_s16le", "-shortest", path], check=True)
    return path


def test_first_audible_track_is_chosen_and_recorded(event: Event, four_tracks: str, tmp_path) -> None:
    res = run_cli("align", event.paths[3], four_tracks, "--json", "-o", str(tmp_path / "m.json"))
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    clip = doc["clips"][1]
    assert clip["placed"] and clip["audio_stream"] == 3  # file streams: 0 video, 1 and 2 silent, 3
    assert abs(clip["offset"] - event.truth(0, ref=3)) < 0.002
    assert doc["settings"]["audio_stream"] is None


def test_audio_stream_option_picks_a_track(event: Event, four_tracks: str, tmp_path) -> None:
    # track 0 (the file's stream 1) is silent: unplaced, and the manifest says it was that one
    res = run_cli("align", event.paths[3], four_tracks, "--json", "--audio-stream",
                  f"{four_tracks}=0", "--method", "audio", "-o", str(tmp_path / "m.json"))
    assert res.returncode == 3, res.stderr
    clip = json.loads(res.stdout)["clips"][1]
    assert not clip["placed"] and clip["audio_stream"] == 1 and "silent" in clip["reason"]
    # track 3 (the quieter safety track) places it as well
    res = run_cli("align", event.paths[3], four_tracks, "--json", "--audio-stream",
                  f"{four_tracks}=3", "-o", str(tmp_path / "m.json"))
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["clips"][1]["audio_stream"] == 4 and doc["settings"]["audio_stream"] == {four_tracks: 3}
    assert abs(doc["clips"][1]["offset"] - event.truth(0, ref=3)) < 0.002


def test_audio_stream_beyond_a_clips_tracks_is_a_usage_error(event: Event, four_tracks: str,
                                                             tmp_path) -> None:
    for given, named in ((f"{four_tracks}=4", four_tracks), ("1", event.paths[3]),
                         ("other.mov=0", "other.mov"), ("x", "'--audio-stream'")):
        res = run_cli("align", event.paths[3], four_tracks, "--audio-stream", given, "-o",
                      str(tmp_path / "m.json"))
        lines = res.stderr.strip().splitlines()
        assert res.returncode == 2 and len(lines) == 1 and "Traceback" not in res.stderr, res.stderr
        assert "--audio-stream" in lines[0] and named in lines[0], lines[0]
    assert not os.path.exists(tmp_path / "m.json")


def test_decoded_together_the_silent_first_track_is_not_decoded_again(
        event: Event, four_tracks: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Short clips' sound decoded by one ffmpeg (pipeline.extract_together): the four-track clip's
    first track comes out silent there, so its later tracks are decoded alone, in turn, from the
    second on; the signature is the one it gets alone (the first audible track, the file's stream 3)."""
    from syncam import pipeline
    from syncam.media.probe import probe

    clips = [probe(event.paths[3]), probe(four_tracks)]
    alone = pipeline.audio_signature_of(clips[1])
    decoded: list[tuple[str, int]] = []
    real = ffmpeg.audio_args

    def spy(path: str, rate: int, stream: int) -> list[str]:
        decoded.append((path, stream))
        return real(path, rate, stream)

    monkeypatch.setattr(ffmpeg, "audio_args", spy)
    together = pipeline.audio_signatures_together(clips, [None, None])
    assert decoded == [(four_tracks, 2), (four_tracks, 3)]  # the silent hiss, then the sound
    assert together[1].stream == alone.stream == 3
    assert together[1].fine is not None and alone.fine is not None
    assert np.array_equal(together[1].fine, alone.fine)
