"""Many short clips' sound decoded by one ffmpeg (ffmpeg.stream_pcm_together, pipeline's
extract_together): the same samples and signatures as each clip decoded alone, on the session
event's five codec/container pairs (AAC/MP4, PCM/AVI at 16 kHz, Opus/WebM, PCM/MOV at 44.1 kHz,
MP3/MP4) and awkward names; a clip that ffmpeg cannot open spoils only itself."""

from __future__ import annotations

import os
import shutil

import numpy as np
import pytest

from syncam import config, pipeline
from syncam.cache import SignatureCache
from syncam.errors import FFmpegError, MediaError
from syncam.media import ffmpeg
from syncam.media.probe import probe
from tests.conftest import Event

pytestmark = pytest.mark.slow


def _alone(path: str, stream: int) -> np.ndarray:
    pieces = list(ffmpeg.stream_pcm(ffmpeg.audio_args(path, config.AUDIO_RATE, stream), what=path))
    return np.concatenate(pieces)


def test_each_clip_gets_the_samples_it_decodes_to_alone(event: Event) -> None:
    clips = [probe(p) for p in event.paths]
    inputs = [(c.path, c.audio[0].index) for c in clips]
    got: dict[int, list[np.ndarray]] = {k: [] for k in range(len(clips))}
    for k, piece in ffmpeg.stream_pcm_together(inputs, config.AUDIO_RATE, what="event",
                                               block=4096):
        assert piece.dtype == np.float32
        got[k].append(piece)
    for k, clip in enumerate(clips):
        together = np.concatenate(got[k])
        assert together.tobytes() == _alone(*inputs[k]).tobytes(), clip.name
        assert len(together) / config.AUDIO_RATE == pytest.approx(clip.duration, abs=0.1), clip.name


def test_signatures_made_together_are_those_made_alone(event: Event, tmp_path) -> None:
    clips = [probe(p) for p in event.paths]
    alone = [pipeline.audio_signature_of(c) for c in clips]
    cache = SignatureCache(str(tmp_path))
    together = pipeline.extract_together(clips, cache, [None] * len(clips))
    assert (cache.stats.hits, cache.stats.misses, cache.stats.writes) == (0, len(clips), len(clips))
    for a, b in zip(alone, together, strict=True):
        assert a.fine is not None and b.fine is not None and a.landmarks and b.landmarks
        assert a.fine.tobytes() == b.fine.tobytes() and a.values.tobytes() == b.values.tobytes()
        assert (a.start, a.stream) == (b.start, b.stream)
        assert a.landmarks.hashes.tobytes() == b.landmarks.hashes.tobytes()
    # a second time, every signature comes from the cache and nothing is decoded
    again = SignatureCache(str(tmp_path))
    pipeline.extract_together(clips, again, [None] * len(clips))
    assert (again.stats.hits, again.stats.misses) == (len(clips), 0)


def test_a_clip_ffmpeg_cannot_open_spoils_only_itself(event: Event, tmp_path) -> None:
    """The group's ffmpeg fails; each clip is then decoded alone, and the error names the clip that
    vanished after it was probed (its sound cannot be decoded), not the group."""
    gone = os.path.join(str(tmp_path), "gone soon.mp4")
    shutil.copy(event.paths[0], gone)
    clips = [probe(p) for p in (event.paths[1], gone, event.paths[4])]
    os.unlink(gone)
    with pytest.raises(FFmpegError):
        list(ffmpeg.stream_pcm_together([(c.path, c.audio[0].index) for c in clips],
                                        config.AUDIO_RATE, what="group"))
    with pytest.raises(MediaError, match="gone soon.mp4: its sound .* cannot be decoded"):
        pipeline.extract_together(clips, None, [None] * 3)
    # the clips before it were decoded alone, whole
    first = pipeline.extract_together(clips[:1], None, [None])[0]
    assert first.fine is not None and len(first.fine) > 40 * config.AUDIO_RATE


def test_groups_keep_long_clips_alone_and_deal_short_ones_evenly() -> None:
    from syncam.types import Clip

    lengths = [300.0, 100.0, 90.0, 80.0, 70.0, 60.0, 50.0, 40.0, 30.0, 20.0, 15.0, 10.0, 5.0, 121.0]
    clips = [Clip(path=f"/c{k}.m4a", container="mp4", duration=d, start=0.0, size=1, mtime=0.0)
             for k, d in enumerate(lengths)]
    order = sorted(range(len(clips)), key=lambda i: -clips[i].duration)
    groups = pipeline._decode_groups(order, clips)
    assert groups[:2] == [[0], [13]]  # longer than DECODE_TOGETHER_SECONDS: alone, first
    rest = groups[2:]
    assert sorted(i for g in rest for i in g) == list(range(1, 13))
    assert len(rest) == 2 and all(len(g) <= config.DECODE_TOGETHER_CLIPS for g in rest)
    totals = [sum(lengths[i] for i in g) for g in rest]
    assert max(totals) - min(totals) <= 100.0  # dealt round, longest first: of like length
