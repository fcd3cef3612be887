"""A manifest is standard JSON when written and validated when read: errors name the field and clip."""

from __future__ import annotations

import json
import math

import pytest

from syncam import manifest
from syncam.errors import ManifestError, UsageError
from syncam.settings import Settings
from syncam.types import AudioStream, Clip, Method, Placement, Solution, VideoStream


def _doc() -> dict:
    clip = dict(path="/a.mp4", name="a.mp4", camera="a", placed=True, offset=0.0, offset_frames=0.0,
                drift_ppm=0.0, confidence=0.9, method="audio", reason=None, duration=10.0,
                frame_rate="25", fps=25.0, sample_rate=48000, width=160, height=120, rotation=0,
                has_audio=True, has_video=True, size=10, mtime=1.0)
    other = {**clip, "path": "/b.mp4", "name": "b.mp4", "camera": "b", "offset": 1.5}
    return dict(schema="syncam-manifest", version=1, tool_version="0", reference=0,
                timeline_start=0.0, timeline_end=11.5, clips=[clip, other],
                matches=[dict(a=0, b=1, lag=1.5, confidence=0.8, method="audio", used=True,
                              residual=0.0, peak=9.0, runner_up=2.0, overlap=8.5)],
                notes=[], settings={"method": "auto", "max_offset": None, "min_confidence": 0.25})


def test_a_valid_document_loads() -> None:
    m = manifest.from_dict(_doc())
    assert m.clips[1].offset == 1.5 and m.settings == Settings()


@pytest.mark.parametrize("change, words", [
    (lambda d: d["clips"][1].update(offset="1.5"), ["clips[1] (b.mp4).offset", "not of type"]),
    (lambda d: d["clips"][1].update(offset=math.nan), ["clips[1] (b.mp4).offset", "finite"]),
    (lambda d: d["clips"][0].update(duration=math.inf), ["clips[0] (a.mp4).duration", "finite"]),
    (lambda d: d["clips"][1].pop("duration"), ["clips[1] (b.mp4)", "'duration' is a required"]),
    (lambda d: d["clips"][1].update(duration=-3.0), ["clips[1] (b.mp4).duration", "minimum"]),
    (lambda d: d["clips"][0].update(size="big"), ["clips[0] (a.mp4).size"]),
    (lambda d: d["clips"][1].update(placed="yes"), ["clips[1] (b.mp4).placed"]),
    (lambda d: d["clips"][1].update(offset=None), ["clips[1] (b.mp4).offset", "placed"]),
    (lambda d: d["clips"][1].update(confidence=1.5), ["clips[1] (b.mp4).confidence"]),
    (lambda d: d["clips"][1].update(audio_stream=-1), ["clips[1] (b.mp4).audio_stream"]),
    (lambda d: d.update(reference=2), ["reference", "names no clip"]),
    (lambda d: d.update(reference=-1), ["reference"]),
    (lambda d: d.update(reference="0"), ["reference"]),
    (lambda d: d.update(clips="a.mp4"), ["clips"]),
    (lambda d: d["matches"][0].update(b=7), ["matches[0].b", "names no clip"]),
    (lambda d: d["matches"][0].update(lag=None), ["matches[0].lag"]),
    (lambda d: d.update(timeline_end=math.inf), ["timeline_end", "finite"]),
    (lambda d: d["settings"].update(max_offset=math.nan), ["settings.max_offset", "finite"]),
    (lambda d: d["settings"].update(method="smell"), ["settings.method"]),
    (lambda d: d.pop("matches"), ["'matches' is a required"]),
])
def test_wrong_values_name_the_field_and_the_clip(change, words) -> None:  # type: ignore[no-untyped-def]
    doc = _doc()
    change(doc)
    with pytest.raises(ManifestError) as err:
        manifest.from_dict(doc, source="m.json")
    message = str(err.value)
    assert message.startswith("m.json: ") and "\n" not in message
    for word in words:
        assert word in message, message


def test_unknown_fields_are_allowed_in_every_object() -> None:
    doc = _doc()
    doc["future"] = 1
    doc["clips"][0]["later"] = [{"lag": 1.0}]
    doc["clips"][0]["candidates"] = [{"against": 1, "lag": 1.0, "score": 0.5, "later": True}]
    doc["matches"][0]["later"] = []
    doc["settings"]["new_knob"] = "x"
    assert manifest.from_dict(doc).clips[0].name == "a.mp4"


def _built(max_offset: float | None = None, offset: float = 1.5, residual: float = 0.0) -> str:
    v = VideoStream(0, "h264", 160, 120, None, 0, False, 0.0, None, None)
    clips = [Clip(f"/{n}.mp4", "mp4", 10.0, 0.0, 10, 1.0, video=(v,),
                  audio=(AudioStream(1, "aac", 48000, 1, 0.0, None),)) for n in "ab"]
    sol = Solution(reference=0, placements=(Placement(0.0, confidence=1.0, method=Method.AUDIO),
                                            Placement(offset, confidence=1.0, method=Method.AUDIO)),
                   verdicts=())
    return manifest.build(clips, sol, reasons={}, settings=Settings(max_offset=max_offset)).to_json()


def test_written_manifest_is_standard_json_and_reads_back() -> None:
    text = _built(max_offset=30.0)
    json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} in the manifest"))
    m = manifest.from_dict(json.loads(text))
    assert m.settings.max_offset == 30.0 and m.clips[1].audio_stream == 1


def test_a_non_finite_number_is_never_written() -> None:
    text = _built(offset=math.nan)
    json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} in the manifest"))
    with pytest.raises(ManifestError, match=r"clips\[1\] \(b.mp4\).offset"):  # and reading says so
        manifest.from_dict(json.loads(text))


@pytest.mark.parametrize("kwargs, option", [
    ({"max_offset": math.inf}, "max_offset"), ({"max_offset": math.nan}, "max_offset"),
    ({"max_offset": -1.0}, "max_offset"), ({"min_confidence": math.nan}, "min_confidence"),
    ({"min_confidence": 2.0}, "min_confidence"), ({"method": "smell"}, "method"),
    ({"audio_stream": -1}, "audio_stream"), ({"audio_stream": True}, "audio_stream"),
])
def test_settings_refuse_what_no_alignment_can_use(kwargs, option) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError) as err:
        Settings(**kwargs)
    assert err.value.option == option and str(err.value).startswith(f"{option}: ")
    assert err.value.exit_code == 2


def test_packaged_schema_is_the_published_one() -> None:
    """syncam/manifest.schema.json is what the code validates with; docs/ publishes the same file."""
    import os
    here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    with open(os.path.join(here, "docs", "manifest.schema.json"), encoding="utf-8") as a, \
            open(os.path.join(here, "syncam", "manifest.schema.json"), encoding="utf-8") as b:
        assert json.load(a) == json.load(b), "copy docs/manifest.schema.json to syncam/"
