"""probe(path) -> Clip. The JSON -> Clip parser is pure and tested on recorded ffprobe output."""

from __future__ import annotations

import os
from fractions import Fraction
from typing import Protocol

from syncam.cameras import device_of
from syncam.errors import FFmpegError, MediaError
from syncam.media import ffmpeg
from syncam.types import AudioStream, Clip, VideoStream

# Codecs ffprobe lists as "video" that are really cover art or a still picture.
_STILL_CODECS = {"mjpeg", "png", "bmp", "gif", "webp", "tiff"}


def _fraction(text: str | None) -> Fraction | None:
    if not text or text in ("0/0", "0"):
        return None
    try:
        value = Fraction(text)
    except (ValueError, ZeroDivisionError):
        return None
    return value if value > 0 else None


def _float(text: object, default: float | None = None) -> float | None:
    try:
        return float(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default


def _rotation(stream: dict) -> int:
    for side in stream.get("side_data_list", []) or []:
        if "rotation" in side:
            return int(round(float(side["rotation"]))) % 360
    rotate = (stream.get("tags") or {}).get("rotate")
    return int(rotate) % 360 if rotate is not None else 0


def _is_still(stream: dict, container: str) -> bool:
    if (stream.get("disposition") or {}).get("attached_pic"):
        return True
    # a lone image file (image2 / *_pipe demuxers) has one "frame" and no meaningful rate
    return container.endswith("_pipe") or container == "image2"


def clip_from_probe(path: str, data: dict, *, size: int, mtime: float,
                    first_audio: float | None = None) -> Clip:
    """Build a Clip from ffprobe's ``-show_format -show_streams`` JSON. Pure.

    ``first_audio``: time of the first decoded sample of the first audio stream, when known; it is
    where decoded PCM starts, and overrides that stream's packet start time.
    """
    fmt = data.get("format") or {}
    container = str(fmt.get("format_name", "unknown"))
    fmt_start = _float(fmt.get("start_time"), 0.0) or 0.0
    fmt_duration = _float(fmt.get("duration"))
    videos: list[VideoStream] = []
    audios: list[AudioStream] = []
    timecode = (fmt.get("tags") or {}).get("timecode")
    for st in data.get("streams", []):
        kind = st.get("codec_type")
        tags = st.get("tags") or {}
        timecode = timecode or tags.get("timecode")
        stream_start = _float(st.get("start_time"))
        start = fmt_start if stream_start is None else stream_start
        duration = _float(st.get("duration"))
        if kind == "video" and not _is_still(st, container):
            avg = _fraction(st.get("avg_frame_rate"))
            real = _fraction(st.get("r_frame_rate"))
            nb = st.get("nb_frames")
            videos.append(VideoStream(
                index=int(st["index"]), codec=str(st.get("codec_name", "?")),
                width=int(st.get("width") or 0), height=int(st.get("height") or 0),
                fps=avg or real, rotation=_rotation(st),
                # r_frame_rate is the lowest rate that represents all timestamps; when the average
                # differs by more than a rounding error the stream is variable-frame-rate.
                variable_fps=bool(avg and real and abs(float(avg) - float(real)) / float(real) > 0.01),
                start=start, duration=duration,
                frames=int(nb) if str(nb or "").isdigit() else None))
        elif kind == "audio" and int(st.get("sample_rate") or 0) > 0:
            if first_audio is not None and not audios:
                start = first_audio
            audios.append(AudioStream(
                index=int(st["index"]), codec=str(st.get("codec_name", "?")),
                sample_rate=int(st["sample_rate"]), channels=int(st.get("channels") or 0),
                start=start, duration=duration))
    origin = videos[0].start if videos else audios[0].start if audios else fmt_start
    ends = [s.start + s.duration for s in videos if s.duration is not None]
    ends += [s.start + s.duration for s in audios if s.duration is not None]
    if fmt_duration is not None:
        ends.append(fmt_start + fmt_duration)
    duration = max(ends) - origin if ends else 0.0
    return Clip(path=path, container=container, duration=max(duration, 0.0), start=fmt_start,
                size=size, mtime=mtime, video=tuple(videos), audio=tuple(audios),
                creation_time=(fmt.get("tags") or {}).get("creation_time"), timecode=timecode,
                device=device_of({**{k: v for st in data.get("streams", [])
                                     for k, v in (st.get("tags") or {}).items()},
                                  **(fmt.get("tags") or {})}))


def check_readable(path: str) -> os.stat_result:
    """Reject what is not a media file before ffprobe does, with a message that says what to do."""
    try:
        os.stat(path)
    except PermissionError:
        raise MediaError(f"{path}: permission denied on a folder above it; make it readable") \
            from None
    except OSError:
        raise MediaError(f"{path}: no such file; check the path") from None
    if os.path.isdir(path):
        raise MediaError(f"{path}: is a directory; give the media files inside it")
    if not os.access(path, os.R_OK):
        raise MediaError(f"{path}: permission denied; make the file readable")
    st = os.stat(path)
    if st.st_size == 0:
        raise MediaError(f"{path}: empty file (0 bytes); copy it again from the camera")
    return st


def _first_audio_time(path: str) -> float | None:
    """Time of the first decoded sample of the first audio stream; None when there is none to decode.

    Undecodable audio is not an error here: it is reported when the audio is decoded.
    """
    try:
        return ffmpeg.first_frame_time(path, "a:0")
    except FFmpegError:
        return None


class ProbeStore(Protocol):
    """Where probe results are kept between runs (syncam.cache.SignatureCache): what ffprobe said of
    one version of a file (its path, size and modification time)."""

    def get_probe(self, path: str, size: int, mtime: float) -> tuple[dict, float | None] | None: ...

    def put_probe(self, path: str, size: int, mtime: float,
                  facts: tuple[dict, float | None]) -> None: ...


def probe(path: str, store: ProbeStore | None = None) -> Clip:
    """Probe a media file (from ``store`` when this version of it was probed before). Raises
    MediaError with a one-line, actionable message."""
    path = os.path.abspath(path)
    st = check_readable(path)
    facts = store.get_probe(path, st.st_size, st.st_mtime) if store is not None else None
    if facts is None:
        facts = _facts(path)
        if store is not None:
            store.put_probe(path, st.st_size, st.st_mtime, facts)
    data, first_audio = facts
    clip = clip_from_probe(path, data, size=st.st_size, mtime=st.st_mtime, first_audio=first_audio)
    if not clip.video and not clip.audio and any(
            s.get("codec_type") == "video" for s in data.get("streams", [])):
        raise MediaError(f"{path}: is a still image; there is no motion or sound to align it by: "
                         "give a video or audio recording")
    if not clip.video and not clip.audio:
        raise MediaError(f"{path}: has no audio or video stream; give a recording from a camera or "
                         "microphone")
    return clip


# Codecs whose first decoded sample is at their stream's start time outside Matroska/WebM (measured with
# ffprobe on each: AAC in MP4/MOV/M4A/MKV/TS/ADTS, MP3, MP2, FLAC, ALAC, AC-3, E-AC-3, Opus in Ogg/MP4/
# CAF, Vorbis in Ogg, PCM, A-law, mu-law, ADPCM and GSM in WAV): for them a second ffprobe run (~70 ms of
# CPU, half of a clip's probing) tells nothing new. In Matroska and WebM, CodecDelay moves it (Opus
# 6.5 ms, Vorbis 3 ms after the first packet), so there the first sample is decoded to find it.
_STARTS_AT_PACKET = {"aac", "mp3", "mp2", "flac", "alac", "ac3", "eac3", "opus", "vorbis", "gsm",
                     "gsm_ms"}


def needs_first_decode(data: dict) -> bool:
    """Whether the first audio stream's decoded samples may start later than its first packet. Pure."""
    container = str((data.get("format") or {}).get("format_name", ""))
    first = next((s for s in data.get("streams", []) if s.get("codec_type") == "audio"), None)
    if first is None:
        return False
    codec = str(first.get("codec_name", ""))
    known = codec in _STARTS_AT_PACKET or codec.startswith(("pcm_", "adpcm_"))
    return not known or "matroska" in container or "webm" in container


def _facts(path: str) -> tuple[dict, float | None]:
    """ffprobe's description of a file and, where the codec may drop priming samples, its first
    decoded audio sample's time (a second ffprobe run)."""
    try:
        data = ffmpeg.probe_json(path)
    except FFmpegError as exc:
        raise MediaError(f"{path}: not a readable media file ({exc.stderr_tail or exc}); "
                         "it may be truncated or not audio/video: copy or export it "
                         "again") from None
    return data, _first_audio_time(path) if needs_first_decode(data) else None
