"""A :class:`~syncam.export.plan.Plan` as an OpenTimelineIO timeline (needs ``syncam[export]``).

Video tracks (one per camera) come first, then an audio track per camera with sound, in the same
order. Each clip carries ``metadata["syncam"]``: its manifest index, camera, offset and confidence.
"""

from __future__ import annotations

from typing import Any

from syncam.export.plan import Plan, Take, Track


def _clip(otio: Any, take: Take, plan: Plan, native: bool, media_rates: bool) -> Any:
    """``native``: the source range in the clip's own rate and its drift as a LinearTimeWarp (.otio);
    otherwise in the timeline's rate, which the adapters of other formats require. ``media_rates``:
    the media's available range in its own rate (FCP 7 XML writes it as the file's rate)."""
    RT, TR = otio.opentime.RationalTime, otio.opentime.TimeRange
    tl_rate = float(plan.rate)
    own = float(take.rate) if native else tl_rate
    media = float(take.rate) if native or media_rates else tl_rate
    e = take.entry
    available = TR(RT(0, media), RT(round(e.duration * media), media))
    ref = otio.schema.ExternalReference(target_url=take.url, available_range=available)
    # the span on the track is whole timeline frames; the media starts at its own first frame
    clip = otio.schema.Clip(name=e.name, media_reference=ref,
                            source_range=TR(RT(0, own), RT(take.length, tl_rate)))
    clip.metadata["syncam"] = {"index": take.index, "camera": e.camera, "placed": e.placed,
                               "offset": e.offset, "drift_ppm": e.drift_ppm,
                               "confidence": e.confidence, "method": e.method,
                               "frame_rate": e.frame_rate}
    if native and take.time_scalar != 1.0:
        clip.effects.append(otio.schema.LinearTimeWarp(name="clock drift",
                                                       time_scalar=take.time_scalar))
    return clip


def _track(otio: Any, track: Track, plan: Plan, kind: str, native: bool, media_rates: bool) -> Any:
    RT, TR = otio.opentime.RationalTime, otio.opentime.TimeRange
    rate = float(plan.rate)
    audio = kind == otio.schema.TrackKind.Audio
    out = otio.schema.Track(name=f"{track.name} (audio)" if audio else track.name, kind=kind)
    out.metadata["syncam"] = {"camera": track.name, "placed": track.placed}
    at = 0
    for take in track.takes:
        if audio and not take.entry.has_audio:
            continue
        if take.start > at:
            out.append(otio.schema.Gap(source_range=TR(RT(0, rate), RT(take.start - at, rate))))
        out.append(_clip(otio, take, plan, native, media_rates))
        at = take.start + take.length
    return out


def to_otio(plan: Plan, *, native: bool = True, media_rates: bool = False) -> Any:
    """The OTIO Timeline of ``plan``; its global start (timecode) is the wall clock's time of day at
    the manifest's ``timeline_start`` when burned-in clocks gave one, else 0."""
    import opentimelineio as otio  # the optional extra: imported only when exporting

    tl = otio.schema.Timeline(name=plan.name)
    tl.global_start_time = otio.opentime.RationalTime(plan.start_frames, float(plan.rate))
    tl.metadata["syncam"] = {"timeline_start": plan.origin, "frame_rate": str(plan.rate)}
    for track in plan.tracks:
        if track.has_video or not track.has_audio:
            tl.tracks.append(_track(otio, track, plan, otio.schema.TrackKind.Video, native,
                                    media_rates))
    for track in plan.tracks:
        if track.has_audio:
            tl.tracks.append(_track(otio, track, plan, otio.schema.TrackKind.Audio, native,
                                    media_rates))
    return tl
