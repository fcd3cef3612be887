"""Bad input, kind by kind, through the real command: for each, the exit code, one stderr line that names
the file or option, no traceback, every input byte-for-byte unchanged, and no file left behind under
the final name or as a hidden temporary. (Interruptions by signal: test_signals.py.)"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from syncam import config
from tests import mediagen
from tests.mediagen import H264_AAC

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Kit:
    """Two short clips that align (b starts 3 s after a), their manifest, and damaged copies."""

    folder: str
    a: str
    b: str
    manifest: str

    def path(self, name: str) -> str:
        return os.path.join(self.folder, name)


def _manifest_variant(kit_manifest: dict, change: Callable[[dict], None]) -> dict:
    doc = json.loads(json.dumps(kit_manifest))
    change(doc)
    return doc


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Kit:
    folder = str(tmp_path_factory.mktemp("bad input kit"))
    sound = mediagen.master_audio(30.0, seed=11)  # real speech (tests/data), 48 kHz
    a, b = os.path.join(folder, "cam a.mp4"), os.path.join(folder, "cam b.mp4")
    mediagen.encode(a, duration=20.0, fps="25", size="96x64", audio=sound[:20 * 48000], **H264_AAC)
    mediagen.encode(b, duration=15.0, fps="25", size="96x64", audio=sound[3 * 48000:18 * 48000],
                    **H264_AAC)
    manifest = os.path.join(folder, "manifest.json")
    res = subprocess.run([sys.executable, "-m", "syncam", "align", a, b, "-o", manifest],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    doc = json.load(open(manifest, encoding="utf-8"))
    variants: dict[str, Callable[[dict], None]] = {
        "offset_string": lambda d: d["clips"][1].update(offset="1.0"),
        "missing_duration": lambda d: d["clips"][1].pop("duration"),
        "negative_duration": lambda d: d["clips"][0].update(duration=-6.0),
        "reference_9": lambda d: d.update(reference=9),
        "version_7": lambda d: d.update(version=7),
        "none_placed": lambda d: [c.update(placed=False, offset=None) for c in d["clips"]],
        "moved_clip": lambda d: d["clips"][1].update(path=os.path.join(folder, "gone", "cam x.mp4"),
                                                     name="cam x.mp4"),
        "bigger_clip": lambda d: d["clips"][0].update(size=d["clips"][0]["size"] + 1),
        "match_b_5": lambda d: d["matches"][0].update(b=5),
    }
    for name, change in variants.items():
        with open(os.path.join(folder, f"{name}.json"), "w", encoding="utf-8") as fh:
            json.dump(_manifest_variant(doc, change), fh)
    nan = _manifest_variant(doc, lambda d: d["clips"][1].update(offset=math.nan))
    with open(os.path.join(folder, "nan_offset.json"), "w", encoding="utf-8") as fh:
        json.dump(nan, fh)  # Python writes NaN, as a careless tool would
    with open(os.path.join(folder, "not_json.json"), "w") as fh:
        fh.write("{ this is not json")
    with open(os.path.join(folder, "other.json"), "w") as fh:
        fh.write('{"hello": "world"}')
    with open(os.path.join(folder, "binary.json"), "wb") as fh:
        fh.write(bytes(range(256)) * 4)
    with open(os.path.join(folder, "notes.mp4"), "w") as fh:
        fh.write("shopping list\n" * 40)
    open(os.path.join(folder, "empty.mp4"), "wb").close()
    with open(a, "rb") as src, open(os.path.join(folder, "cut.mp4"), "wb") as dst:
        dst.write(src.read(os.path.getsize(a) // 3))
    # a manifest whose first clip is the cut copy, as if it were cut after align measured it (its
    # size and time recorded): render does not probe it again, ffmpeg finds it undecodable
    cut = os.stat(os.path.join(folder, "cut.mp4"))
    with open(os.path.join(folder, "cut_clip.json"), "w", encoding="utf-8") as fh:
        json.dump(_manifest_variant(doc, lambda d: d["clips"][0].update(
            path=os.path.join(folder, "cut.mp4"), name="cut.mp4", size=cut.st_size,
            mtime=cut.st_mtime)), fh)
    os.makedirs(os.path.join(folder, "a folder.mp4"))
    os.makedirs(os.path.join(folder, "no clips here"))
    picture = os.path.join(folder, "picture.avi")  # mpeg4 in AVI, then most of its frames damaged
    mediagen.encode(picture, duration=20.0, fps="25", size="96x64", vcodec=["-c:v", "mpeg4"])
    data = bytearray(open(picture, "rb").read())
    for i in range(4000, len(data) - 2000, 7):
        data[i] ^= 0x5A
    with open(os.path.join(folder, "undecodable.avi"), "wb") as fh:
        fh.write(bytes(data))
    os.unlink(picture)
    with open(os.path.join(folder, "jobs.bin"), "wb") as fh:
        fh.write(bytes(range(256)))
    with open(os.path.join(folder, "jobs_nan.json"), "w") as fh:
        fh.write(json.dumps([{"name": "e", "clips": [a, b], "max_offset": math.nan}]))
    with open(os.path.join(folder, "jobs_one.json"), "w") as fh:
        fh.write(json.dumps([{"name": "e", "clips": [a, b]}]))
    with open(os.path.join(folder, "not executable"), "w") as fh:
        fh.write("#!/bin/sh\n")
    return Kit(folder, a, b, manifest)


@dataclass(frozen=True)
class Case:
    """``args(kit, out)``: the command line; ``names(kit, out)``: words the error line must hold."""

    id: str
    args: Callable[[Kit, str], list[str]]
    code: int
    names: Callable[[Kit, str], list[str]]
    env: Callable[[Kit], dict[str, str]] = field(default=lambda kit: {})


def M(kit: Kit, out: str) -> list[str]:  # noqa: N802 - "the manifest output" in the table below
    return ["-o", os.path.join(out, "m.json")]


def V(kit: Kit, out: str) -> list[str]:  # noqa: N802 - "the video output"
    return ["-o", os.path.join(out, "v.mp4"), "--width", "160", "--height", "90"]


def _ab(kit: Kit) -> list[str]:
    return [kit.a, kit.b]


CASES = [
    # --- align: options ------------------------------------------------------------------------
    Case("align max-offset nan", lambda k, o: ["align", *_ab(k), "--max-offset", "nan", *M(k, o)], 2,
         lambda k, o: ["--max-offset", "finite"]),
    Case("align max-offset inf", lambda k, o: ["align", *_ab(k), "--max-offset", "inf", *M(k, o)], 2,
         lambda k, o: ["--max-offset", "finite"]),
    Case("align max-offset -inf", lambda k, o: ["align", *_ab(k), "--max-offset=-inf", *M(k, o)], 2,
         lambda k, o: ["--max-offset"]),
    Case("align max-offset negative", lambda k, o: ["align", *_ab(k), "--max-offset=-1", *M(k, o)], 2,
         lambda k, o: ["--max-offset", ">= 0"]),
    Case("align max-offset text", lambda k, o: ["align", *_ab(k), "--max-offset", "soon", *M(k, o)], 2,
         lambda k, o: ["--max-offset", "soon"]),
    Case("align min-confidence nan", lambda k, o: ["align", *_ab(k), "--min-confidence", "NaN",
                                                   *M(k, o)], 2, lambda k, o: ["--min-confidence"]),
    Case("align min-confidence 1.5", lambda k, o: ["align", *_ab(k), "--min-confidence", "1.5",
                                                   *M(k, o)], 2, lambda k, o: ["--min-confidence"]),
    Case("align min-confidence inf", lambda k, o: ["align", *_ab(k), "--min-confidence", "infinity",
                                                   *M(k, o)], 2, lambda k, o: ["--min-confidence"]),
    Case("align unknown method", lambda k, o: ["align", *_ab(k), "--method", "smell", *M(k, o)], 2,
         lambda k, o: ["--method", "smell"]),
    Case("align unknown option", lambda k, o: ["align", *_ab(k), "--frobnicate", *M(k, o)], 2,
         lambda k, o: ["--frobnicate"]),
    Case("align no clips", lambda k, o: ["align", *M(k, o)], 2, lambda k, o: ["CLIPS"]),
    Case("align one clip", lambda k, o: ["align", k.a, *M(k, o)], 2,
         lambda k, o: ["at least two clips"]),
    Case("align same clip twice", lambda k, o: ["align", k.a, os.path.join(k.folder, ".", "cam a.mp4"),
                                                *M(k, o)], 2, lambda k, o: ["cam a.mp4", "twice"]),
    Case("align unknown reference", lambda k, o: ["align", *_ab(k), "-r", k.path("notes.mp4"),
                                                  *M(k, o)], 2,
         lambda k, o: ["--reference", "notes.mp4", "leave --reference out"]),
    Case("align audio-stream text", lambda k, o: ["align", *_ab(k), "--audio-stream", "loud",
                                                  *M(k, o)], 2, lambda k, o: ["--audio-stream"]),
    Case("align audio-stream too high", lambda k, o: ["align", *_ab(k), "--audio-stream", "2",
                                                      *M(k, o)], 2,
         lambda k, o: ["--audio-stream", "cam "]),
    Case("align audio-stream of another clip", lambda k, o: ["align", *_ab(k), "--audio-stream",
                                                             "elsewhere.mp4=0", *M(k, o)], 2,
         lambda k, o: ["--audio-stream", "elsewhere.mp4", "CLIP=N"]),
    # --- align: inputs -------------------------------------------------------------------------
    Case("align missing clip", lambda k, o: ["align", k.a, k.path("nope.mp4"), *M(k, o)], 1,
         lambda k, o: ["nope.mp4", "no such file"]),
    Case("align folder as clip", lambda k, o: ["align", k.a, k.path("a folder.mp4"), *M(k, o)], 1,
         lambda k, o: ["a folder.mp4"]),
    Case("align zero-byte clip", lambda k, o: ["align", k.a, k.path("empty.mp4"), *M(k, o)], 1,
         lambda k, o: ["empty.mp4", "empty"]),
    Case("align text named mp4", lambda k, o: ["align", k.a, k.path("notes.mp4"), *M(k, o)], 1,
         lambda k, o: ["notes.mp4"]),
    Case("align truncated mp4", lambda k, o: ["align", k.a, k.path("cut.mp4"), *M(k, o)], 1,
         lambda k, o: ["cut.mp4"]),
    Case("align undecodable picture", lambda k, o: ["align", k.a, k.path("undecodable.avi"),
                                                    "--method", "motion", "--no-cache", *M(k, o)],
         1, lambda k, o: ["undecodable.avi", "picture cannot be decoded", "export"]),
    Case("align manifest as clip", lambda k, o: ["align", k.a, k.manifest, *M(k, o)], 1,
         lambda k, o: ["manifest.json"]),
    # --- align: outputs ------------------------------------------------------------------------
    Case("align output is a folder", lambda k, o: ["align", *_ab(k), "-o", o], 1,
         lambda k, o: [o, "folder"]),
    Case("align output folder missing", lambda k, o: ["align", *_ab(k), "-o",
                                                      os.path.join(o, "no", "m.json")], 1,
         lambda k, o: ["does not exist"]),
    Case("align output is an input", lambda k, o: ["align", *_ab(k), "-o", k.b], 1,
         lambda k, o: ["cam b.mp4", "one of the inputs"]),
    Case("align render output is an input", lambda k, o: ["align", *_ab(k), *M(k, o), "--render",
                                                          k.a], 1,
         lambda k, o: ["cam a.mp4", "one of the inputs"]),
    Case("align render output is the manifest", lambda k, o: ["align", *_ab(k), *M(k, o), "--render",
                                                              os.path.join(o, "m.json")], 1,
         lambda k, o: ["m.json", "one of the inputs"]),
    # --- ffmpeg itself -------------------------------------------------------------------------
    # --no-cache: a warm cache holds the probes, and align then starts no ffprobe at all
    Case("SYNCAM_FFPROBE not executable", lambda k, o: ["align", *_ab(k), *M(k, o), "--no-cache"], 1,
         lambda k, o: ["SYNCAM_FFPROBE", "not executable"],
         env=lambda k: {"SYNCAM_FFPROBE": k.path("not executable")}),
    Case("SYNCAM_FFPROBE missing", lambda k, o: ["probe", k.a], 1,
         lambda k, o: ["SYNCAM_FFPROBE=/nowhere/ffprobe", "no such file", "unset it"],
         env=lambda k: {"SYNCAM_FFPROBE": "/nowhere/ffprobe"}),
    Case("SYNCAM_FFMPEG missing", lambda k, o: ["align", *_ab(k), *M(k, o), "--no-cache"], 1,
         lambda k, o: ["SYNCAM_FFMPEG=/nowhere/ffmpeg", "no such file", "unset it"],
         env=lambda k: {"SYNCAM_FFMPEG": "/nowhere/ffmpeg"}),
    Case("SYNCAM_FFMPEG missing in render", lambda k, o: ["render", k.manifest, *V(k, o)], 1,
         lambda k, o: ["SYNCAM_FFMPEG=/nowhere/ffmpeg", "no such file", "unset it"],
         env=lambda k: {"SYNCAM_FFMPEG": "/nowhere/ffmpeg"}),
    # a program that is not ffprobe/ffmpeg: the variable is at fault, not the clip
    Case("SYNCAM_FFPROBE is not ffprobe", lambda k, o: ["probe", k.a], 1,
         lambda k, o: ["SYNCAM_FFPROBE=/bin/true", "unset it"],
         env=lambda k: {"SYNCAM_FFPROBE": "/bin/true"}),
    Case("SYNCAM_FFMPEG is not ffmpeg", lambda k, o: ["align", *_ab(k), *M(k, o), "--no-cache"], 1,
         lambda k, o: ["SYNCAM_FFMPEG=/bin/false", "unset it"],
         env=lambda k: {"SYNCAM_FFMPEG": "/bin/false"}),
    # --- probe ---------------------------------------------------------------------------------
    Case("probe missing file", lambda k, o: ["probe", k.path("nope.mp4")], 1,
         lambda k, o: ["nope.mp4"]),
    Case("probe text file", lambda k, o: ["probe", k.path("notes.mp4")], 1,
         lambda k, o: ["notes.mp4"]),
    Case("probe nothing", lambda k, o: ["probe"], 2, lambda k, o: ["CLIPS"]),
    # --- render: manifests ---------------------------------------------------------------------
    Case("render missing manifest", lambda k, o: ["render", k.path("nope.json"), *V(k, o)], 1,
         lambda k, o: ["nope.json"]),
    Case("render manifest not json", lambda k, o: ["render", k.path("not_json.json"), *V(k, o)], 1,
         lambda k, o: ["not_json.json", "not JSON"]),
    Case("render manifest binary", lambda k, o: ["render", k.path("binary.json"), *V(k, o)], 1,
         lambda k, o: ["binary.json"]),
    Case("render other json", lambda k, o: ["render", k.path("other.json"), *V(k, o)], 1,
         lambda k, o: ["other.json", "not a syncam manifest"]),
    Case("render other version", lambda k, o: ["render", k.path("version_7.json"), *V(k, o)], 1,
         lambda k, o: ["version_7.json", "version 7"]),
    Case("render offset as text", lambda k, o: ["render", k.path("offset_string.json"), *V(k, o)], 1,
         lambda k, o: ["clips[1] (cam b.mp4).offset"]),
    Case("render NaN offset", lambda k, o: ["render", k.path("nan_offset.json"), *V(k, o)], 1,
         lambda k, o: ["clips[1] (cam b.mp4).offset", "finite"]),
    Case("render missing field", lambda k, o: ["render", k.path("missing_duration.json"), *V(k, o)],
         1, lambda k, o: ["clips[1] (cam b.mp4)", "duration"]),
    Case("render negative duration", lambda k, o: ["render", k.path("negative_duration.json"),
                                                   *V(k, o)], 1,
         lambda k, o: ["clips[0] (cam a.mp4).duration"]),
    Case("render reference out of range", lambda k, o: ["render", k.path("reference_9.json"),
                                                        *V(k, o)], 1, lambda k, o: ["reference"]),
    Case("render match names no clip", lambda k, o: ["render", k.path("match_b_5.json"), *V(k, o)], 1,
         lambda k, o: ["matches[0].b"]),
    Case("render nothing placed", lambda k, o: ["render", k.path("none_placed.json"), *V(k, o)], 1,
         lambda k, o: ["none_placed.json", "no clip is placed"]),
    Case("render clip moved", lambda k, o: ["render", k.path("moved_clip.json"), *V(k, o)], 1,
         lambda k, o: ["cam x.mp4", "missing"]),
    Case("render undecodable clip", lambda k, o: ["render", k.path("cut_clip.json"), *V(k, o)], 1,
         lambda k, o: ["cut.mp4", "cannot read or decode", "export the clip again"]),
    Case("render clip changed", lambda k, o: ["render", k.path("bigger_clip.json"), *V(k, o)], 1,
         lambda k, o: ["cam a.mp4", "changed"]),
    # --- render: options -----------------------------------------------------------------------
    Case("render start nan", lambda k, o: ["render", k.manifest, *V(k, o), "--start", "nan"], 2,
         lambda k, o: ["--start", "finite"]),
    Case("render end inf", lambda k, o: ["render", k.manifest, *V(k, o), "--end", "inf"], 2,
         lambda k, o: ["--end", "finite"]),
    Case("render end before start", lambda k, o: ["render", k.manifest, *V(k, o), "--start", "3",
                                                  "--end", "1"], 2, lambda k, o: ["--end", "start"]),
    Case("render fps zero", lambda k, o: ["render", k.manifest, *V(k, o), "--fps", "0"], 2,
         lambda k, o: ["--fps"]),
    Case("render fps text", lambda k, o: ["render", k.manifest, *V(k, o), "--fps", "fast"], 2,
         lambda k, o: ["--fps", "fast"]),
    Case("render fps 1/0", lambda k, o: ["render", k.manifest, *V(k, o), "--fps", "1/0"], 2,
         lambda k, o: ["--fps"]),
    Case("render cols zero", lambda k, o: ["render", k.manifest, *V(k, o), "--layout", "grid",
                                           "--cols", "0"], 2, lambda k, o: ["--cols"]),
    Case("render unknown layout", lambda k, o: ["render", k.manifest, *V(k, o), "--layout", "pile"],
         2, lambda k, o: ["--layout", "pile"]),
    Case("render width 1", lambda k, o: ["render", k.manifest, "-o", os.path.join(o, "v.mp4"),
                                         "--width", "1"], 2, lambda k, o: ["--width"]),
    Case("render crf 99", lambda k, o: ["render", k.manifest, *V(k, o), "--crf", "99"], 2,
         lambda k, o: ["--crf"]),
    Case("render audio of no clip", lambda k, o: ["render", k.manifest, *V(k, o), "--audio",
                                                  "cam z"], 2, lambda k, o: ["--audio", "cam z"]),
    Case("render audio bitrate text", lambda k, o: ["render", k.manifest, *V(k, o),
                                                    "--audio-bitrate", "lots"], 2,
         lambda k, o: ["--audio-bitrate", "lots", "e.g."]),
    Case("render no output", lambda k, o: ["render", k.manifest], 2, lambda k, o: ["--output"]),
    Case("render unknown container", lambda k, o: ["render", k.manifest, "-o",
                                                   os.path.join(o, "v.xyz")], 2,
         lambda k, o: ["v.xyz", "container"]),
    Case("render output is the manifest", lambda k, o: ["render", k.manifest, "-o", k.manifest], 1,
         lambda k, o: ["manifest.json", "one of the inputs"]),
    Case("render output is a clip", lambda k, o: ["render", k.manifest, "-o", k.a], 1,
         lambda k, o: ["cam a.mp4", "one of the inputs"]),
    Case("render unknown encoder", lambda k, o: ["render", k.manifest, *V(k, o), "--vcodec",
                                                 "libnothing"], 2,
         lambda k, o: ["libnothing", "--vcodec"]),
    Case("render unknown audio encoder", lambda k, o: ["render", k.manifest, *V(k, o), "--acodec",
                                                       "nosound"], 2,
         lambda k, o: ["nosound", "--acodec"]),
    Case("render bad preset", lambda k, o: ["render", k.manifest, *V(k, o), "--preset", "ludicrous"],
         2, lambda k, o: ["--preset", "ludicrous", "leave it out"]),
    # --- batch ---------------------------------------------------------------------------------
    Case("batch empty folder", lambda k, o: ["batch", k.path("no clips here"), "-o", o], 2,
         lambda k, o: ["no clips here", "give the folder whose sub-folders hold"]),
    Case("batch missing folder", lambda k, o: ["batch", k.path("nowhere"), "-o", o], 2,
         lambda k, o: ["nowhere"]),
    Case("batch binary jobs file", lambda k, o: ["batch", "--jobs-file", k.path("jobs.bin"), "-o", o],
         2, lambda k, o: ["jobs.bin", "not a text file", "CSV or JSON"]),
    Case("batch missing jobs file", lambda k, o: ["batch", "--jobs-file", k.path("nope.csv"), "-o",
                                                  o], 2, lambda k, o: ["nope.csv"]),
    Case("batch jobs file NaN max_offset", lambda k, o: ["batch", "--jobs-file",
                                                         k.path("jobs_nan.json"), "-o", o], 2,
         lambda k, o: ["jobs_nan.json", "max_offset", "fix it"]),
    Case("batch max-offset nan", lambda k, o: ["batch", "--jobs-file", k.path("jobs_one.json"),
                                               "--max-offset", "nan", "-o", o], 2,
         lambda k, o: ["--max-offset"]),
    Case("batch jobs zero", lambda k, o: ["batch", "--jobs-file", k.path("jobs_one.json"), "-j", "0",
                                          "-o", o], 2, lambda k, o: ["--jobs"]),
    Case("batch output is a file", lambda k, o: ["batch", "--jobs-file", k.path("jobs_one.json"),
                                                 "-o", k.a], 2, lambda k, o: ["cam a.mp4"]),
    Case("batch nothing to do", lambda k, o: ["batch", "-o", o], 2, lambda k, o: ["--jobs-file"]),
    # --- report and export -------------------------------------------------------------------
    Case("report missing manifest", lambda k, o: ["report", k.path("nope.json"), "-o",
                                                  os.path.join(o, "r.html")], 1,
         lambda k, o: ["nope.json", "check the path"]),
    Case("report not html", lambda k, o: ["report", k.manifest, "-o", os.path.join(o, "r.txt")], 2,
         lambda k, o: ["r.txt", ".html"]),
    Case("report binary manifest", lambda k, o: ["report", k.path("binary.json"), "-o",
                                                 os.path.join(o, "r.html")], 1,
         lambda k, o: ["binary.json", "give a manifest"]),
    Case("report instants 99", lambda k, o: ["report", k.manifest, "-o", os.path.join(o, "r.html"),
                                             "--instants", "99"], 2, lambda k, o: ["--instants"]),
    Case("export unknown format", lambda k, o: ["export", k.manifest, "-o",
                                                os.path.join(o, "e.mov")], 2,
         lambda k, o: ["e.mov", "name it with one of"]),
    Case("export missing manifest", lambda k, o: ["export", k.path("nope.json"), "-o",
                                                  os.path.join(o, "e.otio")], 1,
         lambda k, o: ["nope.json", "check the path"]),
    Case("export other json", lambda k, o: ["export", k.path("other.json"), "-o",
                                            os.path.join(o, "e.otio")], 1,
         lambda k, o: ["other.json", "syncam align"]),
    # --- the command itself --------------------------------------------------------------------
    Case("unknown command", lambda k, o: ["allign", k.a], 2, lambda k, o: ["allign"]),
]


def _hashes(folder: str) -> dict[str, str]:
    out = {}
    for root, _, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            with open(path, "rb") as fh:
                out[path] = hashlib.sha256(fh.read()).hexdigest()
    return out


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(kit: Kit, tmp_path, case: Case) -> None:
    out = os.path.join(str(tmp_path), "out folder")
    os.makedirs(out)
    before = _hashes(kit.folder)
    env = {**os.environ, **case.env(kit)}
    res = subprocess.run([sys.executable, "-m", "syncam", *case.args(kit, out)], capture_output=True,
                         text=True, env=env, stdin=subprocess.DEVNULL)
    assert res.returncode == case.code, (res.returncode, res.stderr)
    assert "Traceback" not in res.stderr
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith("syncam: error: "), lines[0]
    for word in case.names(kit, out):
        assert word in lines[0], (word, lines[0])
    assert _hashes(kit.folder) == before  # inputs untouched, and nothing new beside them
    assert os.listdir(out) == []  # no output under its final name, no hidden temporary


def test_there_are_at_least_sixty_kinds() -> None:
    assert len(CASES) >= 60


def test_a_long_output_name_that_the_file_system_allows_is_accepted(kit: Kit, tmp_path) -> None:
    """255 bytes, the usual limit for one name: the temporary name must fit in it too."""
    name = "m" * (255 - len(".json")) + ".json"
    res = subprocess.run([sys.executable, "-m", "syncam", "align", kit.a, kit.b, "-o",
                          os.path.join(str(tmp_path), name)], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert os.listdir(tmp_path) == [name]


def test_debug_after_the_command_shows_the_traceback(kit: Kit, tmp_path) -> None:
    res = subprocess.run([sys.executable, "-m", "syncam", "render", kit.path("nope.json"), "-o",
                          os.path.join(str(tmp_path), "v.mp4"), "--debug"], capture_output=True,
                         text=True)
    assert res.returncode == 1 and "Traceback" in res.stderr and "ManifestError" in res.stderr
    shutil.rmtree(tmp_path, ignore_errors=True)


def _as_nobody() -> list[str]:
    """Run as an unprivileged user: root reads files whatever their mode."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: cannot make a file unreadable")
    nobody = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    # a checkout inside a folder only root may enter (mktemp -d makes them 0700) cannot be run by
    # the unprivileged user at all; then this check cannot be made here
    if subprocess.run([*nobody, sys.executable, "-c", "import syncam"], capture_output=True,
                      stdin=subprocess.DEVNULL).returncode != 0:
        pytest.skip("the unprivileged user cannot run this checkout (a folder above it is root's "
                    "alone): cannot make a file unreadable to syncam")
    return nobody


@pytest.mark.parametrize("command, code", [("align", 1), ("render", 1), ("render clip", 1),
                                           ("probe", 1), ("batch", 2)])
def test_an_unreadable_input_is_an_error_naming_it(kit: Kit, command: str, code: int) -> None:
    folder = tempfile.mkdtemp(prefix="syncam-unreadable-")  # pytest's folders are root's alone
    cache = tempfile.mkdtemp(prefix="syncam-unreadable-cache-")  # so is the suite's cache
    for writable in (folder, cache):
        os.chmod(writable, 0o777)  # the unprivileged user may write its output and cache here
    try:
        _check_unreadable(kit, folder, cache, command, code)
    finally:
        shutil.rmtree(folder)
        shutil.rmtree(cache)


def _check_unreadable(kit: Kit, folder: str, cache: str, command: str, code: int) -> None:
    secret = os.path.join(folder, "secret.mp4" if command != "render" else "secret.json")
    shutil.copy(kit.a if command != "render" else kit.manifest, secret)
    if command == "render clip":  # a readable manifest whose clip (as aligned) is not readable
        with open(kit.manifest, encoding="utf-8") as fh:
            doc = json.load(fh)
        st = os.stat(secret)
        doc["clips"][0].update(path=secret, name="secret.mp4", size=st.st_size, mtime=st.st_mtime)
        with open(os.path.join(folder, "m.json"), "w", encoding="utf-8") as fh:
            json.dump(doc, fh)
        os.chmod(os.path.join(folder, "m.json"), 0o644)
    os.chmod(secret, 0)
    readable = os.path.join(folder, "open.mp4")
    shutil.copy(kit.b, readable)
    os.chmod(readable, 0o644)
    args = {"align": ["align", readable, secret, "-o", os.path.join(folder, "m.json")],
            "render": ["render", secret, "-o", os.path.join(folder, "v.mp4")],
            "render clip": ["render", os.path.join(folder, "m.json"), "-o",
                            os.path.join(folder, "v.mp4")],
            "probe": ["probe", secret],
            "batch": ["batch", "--jobs-file", secret, "-o", os.path.join(folder, "out")]}[command]
    res = subprocess.run([*_as_nobody(), sys.executable, "-m", "syncam", *args], capture_output=True,
                         text=True, stdin=subprocess.DEVNULL,
                         env={**os.environ, config.CACHE_ENV: cache})
    lines = res.stderr.strip().splitlines()
    assert res.returncode == code and len(lines) == 1 and "Traceback" not in res.stderr, res.stderr
    assert "secret." in lines[0] and "ermission denied" in lines[0] and "readable" in lines[0], \
        lines[0]
    made = ["m.json"] if command == "render clip" else []
    assert sorted(os.listdir(folder)) == sorted([os.path.basename(secret), "open.mp4", *made])


def _small_disk() -> list[str]:
    """A command prefix that runs the rest with a 64 kB tmpfs mounted on the folder given as its
    first argument, then prints "left: " and what the folder holds: a user and mount namespace of
    its own (util-linux's unshare), no root needed where the kernel allows unprivileged user
    namespaces (Debian does)."""
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("no unshare (util-linux): cannot make a small disk")
    probe = subprocess.run([unshare, "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
                           capture_output=True, stdin=subprocess.DEVNULL)
    if probe.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs in a user namespace here: {probe.stderr.decode()}")
    return [unshare, "-rm", "sh", "-c", 'mount -t tmpfs -o size=64k tmpfs "$0" || exit 99; "$@"; '
            'rc=$?; echo "left: $(ls -A "$0")"; exit $rc']


def test_a_full_disk_during_render_names_the_output_and_says_what_to_do(kit: Kit, tmp_path) -> None:
    """A real full disk (a 64 kB tmpfs as the output folder): ffmpeg's write fails with ENOSPC."""
    out = os.path.join(str(tmp_path), "small disk")
    os.makedirs(out)
    before = _hashes(kit.folder)
    res = subprocess.run([*_small_disk(), out, sys.executable, "-m", "syncam", "render",
                          kit.manifest, *V(kit, out)], capture_output=True, text=True,
                         stdin=subprocess.DEVNULL)
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert res.returncode == 1 and len(lines) == 1 and "Traceback" not in res.stderr, res.stderr
    assert lines[0].startswith(f"syncam: error: {os.path.join(out, 'v.mp4')}: No space left on "
                               "device while rendering; free space in"), lines[0]
    assert ".part" not in lines[0]  # the hidden temporary's name is nothing the user knows of
    assert _hashes(kit.folder) == before
    assert res.stdout.splitlines()[-1] == "left: "  # nothing on the full disk, final or hidden
