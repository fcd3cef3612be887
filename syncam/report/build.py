"""report(manifest) -> one self-contained HTML page of how, and how surely, every clip was placed.

Works from a manifest and its clips alone: the clips are probed again (and checked unchanged), their
signatures come from the signature cache (or are recomputed), the correlation curves are rebuilt from
them (syncam/report/evidence.py), the contact sheet's frames are decoded by ffmpeg at the exact
instants, and every picture is embedded as a data: URI. The page needs no network and no JavaScript.
Fields a newer aligner writes (``observations`` per match, ``candidates`` per unplaced clip) are shown
when present.
"""

from __future__ import annotations

import base64
import datetime
import importlib
import json
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np

from syncam import __version__, config, manifest
from syncam.atomic import check_writable, write_text
from syncam.errors import FFmpegError, SyncamError, UsageError
from syncam.media import ffmpeg
from syncam.render.resolve import locate
from syncam.report import evidence, sheet
from syncam.sigparams import SIGNATURE_PARAMS
from syncam.types import Clip, Method, Progress, Signature

if TYPE_CHECKING:
    from syncam.pipeline import SignatureCache

INSTALL = "pip install 'syncam[report]'"


def check_extras() -> tuple[Any, Any]:
    """The report's optional package (the template engine) and its plots, or one line saying what
    to install."""
    try:
        jinja2 = importlib.import_module("jinja2")
        plots = importlib.import_module("syncam.report.plots")
    except ImportError as exc:
        raise UsageError(f"syncam report needs Jinja2 ({exc.name} is missing): {INSTALL}") \
            from None
    return jinja2, plots


def check_output(output: str, *, inputs: tuple[str, ...]) -> str:
    """Absolute path of a writable .html page that is none of the inputs; else a one-line error."""
    if os.path.splitext(output)[1].lower() not in (".html", ".htm"):
        raise UsageError(f"{output}: a report is an HTML page; give a name ending in .html")
    return check_writable(output, inputs=inputs)


@dataclass(frozen=True)
class ReportResult:
    output: str
    instants: tuple[float, ...]  # timeline seconds of the contact sheet's rows
    columns: tuple[int, ...]  # manifest clip index of each contact-sheet column
    cell: tuple[int, int]  # contact-sheet cell size (width, height)
    curves: int  # correlation figures drawn
    event: float | None  # timeline second of the sound event overlaid, if any


def _compiled_templates(jinja2: Any, cache: SignatureCache | None) -> Any:
    """Where Jinja2 keeps the page's template compiled: beside the signatures (compiling it is 45 ms
    of every report; loading it 1 ms). Keyed by the template's text and Jinja2's version; None (compile
    each time) without a cache or where its folder cannot be made. A copy that cannot be written is
    skipped: the page does not depend on it."""
    # the on-disk cache's folder; align --report's in-memory cache keeps its on-disk one as .inner
    folder = getattr(cache, "directory", None) or getattr(getattr(cache, "inner", None),
                                                          "directory", None)
    if folder is None:
        return None
    folder = os.path.join(folder, "report-templates")
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return None

    class Compiled(jinja2.FileSystemBytecodeCache):  # type: ignore[misc, name-defined]
        def dump_bytecode(self, bucket: Any) -> None:
            try:
                super().dump_bytecode(bucket)
            except OSError:
                pass

    return Compiled(folder)


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _signature(clip: Clip, method: Method, cache: SignatureCache | None) -> Signature:
    """The clip's signature of one kind as align made it: from the cache, looked up without
    importing the aligner (and scipy with it: a third of a report's time), which is imported to
    decode the clip only when the cache does not have it."""
    params = {**SIGNATURE_PARAMS[method], "audio_stream": None} if method is Method.AUDIO \
        else SIGNATURE_PARAMS[method]

    def compute() -> Signature:
        from syncam.pipeline import extract
        return extract(clip, method)
    return compute() if cache is None else cache.get_or_compute(clip, method, params, compute)


def _why(m: dict[str, Any], min_confidence: float, placed: list[bool]) -> str:
    if m["used"]:
        return "used"
    if m["confidence"] < min_confidence:
        return f"rejected: confidence below {min_confidence:g}"
    if not (placed[m["a"]] and placed[m["b"]]):
        return "rejected: links a clip left unplaced"
    return "rejected: contradicts the matches the solver kept (loop check)"


def _display(clip: Clip) -> tuple[int, int]:
    v = clip.video[0]
    return (v.height, v.width) if v.rotation % 180 == 90 else (v.width, v.height)


def _grabs(clip: Clip, entry: dict[str, Any], times: list[float], cell: tuple[int, int],
           lookback: float) -> list[tuple[int, ffmpeg.Grab]]:
    """(row, what to decode) of each timeline instant the clip was recording at: the frame on screen
    then, looked for in the ``lookback`` seconds before it."""
    out = []
    box = sheet.fit(_display(clip), cell)
    for row, t in enumerate(times):
        ct = evidence.clip_time(entry["offset"], entry.get("drift_ppm"), t)
        if 0.0 <= ct < clip.duration:
            target = clip.origin - clip.start + ct  # seconds from the file's start, as -ss counts
            ss = max(0.0, target - lookback)
            out.append((row, (clip.path, clip.video[0].index, ss, target - ss, box)))
    return out


def _lookback(clip: Clip) -> float:
    """How far before an instant to look for the frame on screen: REPORT_FRAME_LOOKBACK_FRAMES of the
    clip's frame intervals, at most REPORT_FRAME_LOOKBACK (every frame in it is scaled)."""
    fps = clip.video[0].fps
    if not fps:
        return config.REPORT_FRAME_LOOKBACK
    return min(config.REPORT_FRAME_LOOKBACK, config.REPORT_FRAME_LOOKBACK_FRAMES / float(fps))


def _batches(columns: list[int], clips: list[Clip], grabs: dict[int, list[Any]]) -> list[list[int]]:
    """The contact sheet's columns in groups that one ffmpeg decodes (config.REPORT_GRAB_PIXELS)."""
    out: list[list[int]] = []
    budget = 0
    for i in columns:
        v = clips[i].video[0]
        need = v.width * v.height * len(grabs[i])
        if not out or budget + need > config.REPORT_GRAB_PIXELS:
            out.append([])
            budget = 0
        out[-1].append(i)
        budget += need
    return out


def _frames(batch: list[int], clips: list[Clip], grabs: dict[int, list[tuple[int, ffmpeg.Grab]]],
            rows: int, cell: tuple[int, int]) -> dict[int, list[np.ndarray | None]]:
    """Each column of ``batch``: its clip's frame on screen at each instant (None where it was not
    recording), all decoded by one ffmpeg. When that fails, each clip is decoded on its own, so the
    error names the file at fault. An instant whose frame was not found in its clip's short lookback
    (a variable frame rate's gap) is looked for again over REPORT_FRAME_LOOKBACK."""
    todo = [g for i in batch for _, g in grabs[i]]
    out: dict[int, list[np.ndarray | None]] = {i: [None] * rows for i in batch}
    if not todo:
        return out
    try:
        got = iter(ffmpeg.grab_frames(todo, cell, slack=config.REPORT_FRAME_SLACK,
                                      what=", ".join(clips[i].path for i in batch)))
    except FFmpegError:
        if len(batch) == 1:
            raise
        return {k: v for i in batch for k, v in _frames([i], clips, grabs, rows, cell).items()}
    again: list[tuple[int, int, ffmpeg.Grab]] = []
    for i in batch:
        for row, (path, stream, ss, until, box) in grabs[i]:
            out[i][row] = next(got)
            target = ss + until
            if out[i][row] is None and until < min(target, config.REPORT_FRAME_LOOKBACK):
                start = max(0.0, target - config.REPORT_FRAME_LOOKBACK)
                again.append((i, row, (path, stream, start, target - start, box)))
    if again:
        found = ffmpeg.grab_frames([g for _, _, g in again], cell, slack=config.REPORT_FRAME_SLACK,
                                   what=", ".join(sorted({clips[i].path for i, _, _ in again})))
        for (i, row, _), frame in zip(again, found):
            out[i][row] = frame
    return out


def _clock_view(clip: Clip, entry: dict[str, Any], plots: Any) -> dict[str, Any]:
    """A clip's burned-in clock for the page: the crop of its text (the first second, grey, as
    align read it) beside its reading, and its fitted line's residuals."""
    c = entry["clock"]
    crop = None
    x, y, w, h = c["region"]
    if clip.video and w > 0 and h > 0:
        pad = max(2, h // 2)
        box = (max(0, x - pad), max(0, y - pad), w + 2 * pad, h + 2 * pad)
        fw, fh = _display(clip)
        box = (box[0], box[1], min(box[2], fw - box[0]), min(box[3], fh - box[1]))
        args = ffmpeg.region_frames_args(clip.path, clip.video[0].index, box, duration=0.5)
        first = [frames[0] for frames, _ in ffmpeg.read_gray_frames(args, box[2], box[3],
                                                                     what=clip.path)]
        if first:
            grey = cv2.resize(first[0], None, fx=2, fy=2, interpolation=cv2.INTER_NEAREST)
            crop = _data_uri(sheet.png(cv2.cvtColor(grey, cv2.COLOR_GRAY2RGB)))
    return {"name": entry["name"], "clock": c, "crop": crop,
            "line": _data_uri(plots.clock_line([tuple(r) for r in c.get("residuals", [])]))}


def _sound(name: str, sig: Signature, offset: float, event: float, plots: Any) -> Any:
    """A clip's envelope and waveform around the timeline instant ``event``."""
    # the samples within REPORT_EVENT_SPAN of the event, looked at a sample either side of that span
    # only (not along the whole envelope)
    first = int(np.floor((event - config.REPORT_EVENT_SPAN - offset - sig.start) * sig.rate)) - 1
    last = int(np.ceil((event + config.REPORT_EVENT_SPAN - offset - sig.start) * sig.rate)) + 2
    first, last = min(max(0, first), len(sig.values)), min(max(0, last), len(sig.values))
    env_t = offset + sig.start + np.arange(first, last) / sig.rate
    keep = np.abs(env_t - event) <= config.REPORT_EVENT_SPAN
    wave_t = np.empty(0)
    wave = np.empty(0)
    if sig.fine is not None and sig.fine_rate:
        i0 = int((event - config.REPORT_WAVE_SPAN - offset - sig.fine_start) * sig.fine_rate)
        i1 = int((event + config.REPORT_WAVE_SPAN - offset - sig.fine_start) * sig.fine_rate)
        i0, i1 = max(0, i0), max(0, min(len(sig.fine), i1))
        wave = np.asarray(sig.fine[i0:i1], dtype=np.float64)
        wave_t = offset + sig.fine_start + np.arange(i0, i1) / sig.fine_rate
    return plots.Sound(name=name, env_t=env_t[keep], env=np.asarray(sig.values[first:last])[keep],
                       wave_t=wave_t, wave=wave)


def _match_row(k: int, x: dict[str, Any], entries: list[dict[str, Any]], min_conf: float,
               placed: list[bool], sigs: dict[tuple[int, Method], Signature],
               plots: Any) -> dict[str, Any]:
    """One match as the page shows it; with its correlation figure when it was used or links an
    unplaced clip."""
    a, b = x["a"], x["b"]
    row = {**x, "index": k, "name_a": entries[a]["name"], "name_b": entries[b]["name"],
           "why": _why(x, min_conf, placed), "figure": None,
           "observations": x.get("observations") or []}
    if not x["used"] and placed[a] and placed[b]:
        return row
    method = Method(x["method"])
    curve = evidence.correlation_curve(
        sigs[a, method], sigs[b, method], min_overlap=config.MIN_OVERLAP,
        exclusion=config.PEAK_EXCLUSION if method is Method.AUDIO else config.PEAK_EXCLUSION_MOTION,
        max_samples=config.REPORT_CURVE_SAMPLES)
    if curve is None:
        return row
    lags, z = evidence.thin(curve.lags, curve.z, config.REPORT_CURVE_POINTS)
    zl, zz = evidence.around(curve.lags, curve.z, x["lag"], config.REPORT_ZOOM)
    solved = entries[b]["offset"] - entries[a]["offset"] if placed[a] and placed[b] else None
    # a candidate {"against": j, "lag": L} of clip i says offset_i - offset_j = L
    cands = tuple(c["lag"] if i == b else -c["lag"]
                  for i, other in ((b, a), (a, b))
                  for c in entries[i].get("candidates") or [] if c.get("against") == other)
    row["figure"] = _data_uri(plots.curve(plots.CurvePlot(
        title=f"{entries[a]['name']} ~ {entries[b]['name']} "
              f"({plots.METHOD_LABEL[method.value]}, confidence {x['confidence']:.2f})",
        lags=lags, z=z, zoom_lags=zl, zoom_z=zz, chosen=x["lag"], solved=solved,
        runner_lag=curve.runner_lag, runner_z=curve.runner_z, noise=curve.noise, candidates=cands,
        observations=tuple(tuple(o) for o in row["observations"]))))
    row.update(curve_peak=curve.peak_lag, curve_runner=curve.runner_lag, curve_noise=curve.noise)
    return row


def _sound_figure(entries: list[dict[str, Any]], placed: list[bool],
                  sigs: dict[tuple[int, Method], Signature], plots: Any
                  ) -> tuple[float | None, str | None]:
    """The strongest sound event heard by several placed clips, and the figure of their sound
    around it, overlaid after alignment; (None, None) without two placed clips with sound."""
    audio = [i for i in range(len(entries)) if placed[i] and (i, Method.AUDIO) in sigs]
    event = evidence.strongest_shared_event([
        evidence.Track(entries[i]["offset"] + sigs[i, Method.AUDIO].start,
                       sigs[i, Method.AUDIO].rate, sigs[i, Method.AUDIO].values) for i in audio])
    if event is None:
        return None, None
    return event, _data_uri(plots.sound(event, [
        _sound(entries[i]["name"], sigs[i, Method.AUDIO], entries[i]["offset"], event, plots)
        for i in audio]))


def report(source: str | manifest.Manifest, output: str, *, manifest_path: str | None = None,
           instants: int = config.REPORT_INSTANTS, title: str | None = None,
           cache: SignatureCache | None = None, workers: int = config.WORKERS,
           progress: Callable[[Progress], None] | None = None) -> ReportResult:
    """Write the HTML report of a manifest (a path, or a Manifest with ``manifest_path`` where it
    lives) to ``output``, atomically. Raises SyncamError for a bad manifest, a changed or missing
    clip, or a missing ``syncam[report]`` extra."""
    jinja2, plots = check_extras()
    lo, hi = config.REPORT_INSTANTS_RANGE
    if not lo <= instants <= hi:
        raise UsageError(f"--instants {instants}: choose between {lo} and {hi}")
    report_progress = progress or (lambda _: None)
    if isinstance(source, manifest.Manifest):
        m, doc = source, source.to_dict()
    else:
        manifest_path = source
        m = manifest.load(source)
        with open(source, encoding="utf-8") as fh:
            doc = json.load(fh)  # the fields this syncam's Manifest does not know, read with .get
    inputs = tuple(c.path for c in m.clips) + ((manifest_path,) if manifest_path else ())
    target = check_output(output, inputs=inputs)
    entries, matches = doc["clips"], doc.get("matches", [])
    n = len(entries)
    placed = [bool(e["placed"]) for e in entries]
    settings = doc.get("settings", {})
    min_conf = float(settings.get("min_confidence", config.MIN_CONFIDENCE))

    pool = ThreadPoolExecutor(max_workers=max(1, workers))
    decoders = ThreadPoolExecutor(max_workers=max(1, workers))
    try:
        clips = list(pool.map(lambda e: locate(e, manifest_path), m.clips))
        report_progress(Progress("report", 1, 4, "clips"))
        # the contact sheet: decoded while the signatures are read and the plots drawn
        times = (evidence.instants(m.timeline_start, m.timeline_end, instants)
                 if m.timeline_start is not None and m.timeline_end is not None else [])
        columns = [i for i in range(n) if placed[i] and clips[i].video]
        cell = config.REPORT_CELL
        grabs = {i: _grabs(clips[i], entries[i], times, cell, _lookback(clips[i])) for i in columns}
        frame_jobs = [decoders.submit(_frames, batch, clips, grabs, len(times), cell)
                      for batch in _batches(columns, clips, grabs)]
        # signatures: the kinds each clip's matches rest on, and sound for the overlaid envelopes
        want: set[tuple[int, Method]] = {(i, Method(x["method"])) for x in matches
                                         for i in (x["a"], x["b"])}
        want |= {(i, Method.AUDIO) for i in range(n) if placed[i] and clips[i].audio}
        keys = sorted(want, key=lambda k: (k[0], k[1].value))
        sigs: dict[tuple[int, Method], Signature] = dict(zip(keys, pool.map(
            lambda k: _signature(clips[k[0]], k[1], cache), keys)))
        report_progress(Progress("report", 2, 4, "signatures"))

        views = [_match_row(k, x, entries, min_conf, placed, sigs, plots)
                 for k, x in enumerate(matches)]
        report_progress(Progress("report", 3, 4, "curves"))

        event, sound_png = _sound_figure(entries, placed, sigs, plots)
        lanes = [plots.Lane(name=e["name"], start=e["offset"],
                            end=(e["offset"] + e["duration"] * (1 + (e.get("drift_ppm") or 0) * 1e-6)
                                 if e["placed"] else None),
                            confidence=float(e["confidence"]), method=e.get("method"),
                            reference=i == m.reference, duration=e["duration"])
                 for i, e in enumerate(entries)]
        timeline_png = _data_uri(plots.timeline(lanes, times, event))
        graph_png = _data_uri(plots.match_graph(
            [e["name"] for e in entries], placed,
            [plots.Edge(x["a"], x["b"], x["confidence"], x["used"], x["method"]) for x in matches]))
        frames: dict[int, list[np.ndarray | None]] = {}
        for job in frame_jobs:
            frames.update(job.result())
        clocks = [_clock_view(clips[i], e, plots) for i, e in enumerate(entries) if e.get("clock")]
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        decoders.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    decoders.shutdown()
    sheet_png = None
    if times and columns:
        img = sheet.compose([entries[i]["name"] for i in columns], times,
                            [[frames[c][r] for c in columns] for r in range(len(times))],
                            cell)
        sheet_png = _data_uri(sheet.png(img, photo=True))
    report_progress(Progress("report", 4, 4, "page"))

    env = jinja2.Environment(loader=jinja2.PackageLoader("syncam.report", "templates"),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True,
                             bytecode_cache=_compiled_templates(jinja2, cache))
    made = datetime.datetime.now(datetime.timezone.utc)
    aligned = (datetime.datetime.fromtimestamp(os.path.getmtime(manifest_path),
                                               datetime.timezone.utc) if manifest_path
               and os.path.exists(manifest_path) else made)
    event_name = title or (os.path.basename(os.path.dirname(os.path.abspath(manifest_path)))
                           if manifest_path else os.path.splitext(os.path.basename(target))[0])
    html = env.get_template("report.html.j2").render(
        title=event_name, doc=doc, entries=entries, matches=views, reference=m.reference,
        placed_count=sum(placed), unplaced=[e for e in entries if not e["placed"]],
        settings=settings, tool_version=doc.get("tool_version", ""), version=__version__,
        made=made.strftime("%Y-%m-%d %H:%M:%S UTC"), aligned=aligned.strftime("%Y-%m-%d %H:%M:%S UTC"),
        manifest_path=manifest_path, timeline_png=timeline_png, graph_png=graph_png,
        sheet_png=sheet_png, sound_png=sound_png, event=event, times=times,
        columns=[entries[i]["name"] for i in columns], min_confidence=min_conf,
        names=[e["name"] for e in entries], zoom=config.REPORT_ZOOM,
        wave_ms=config.REPORT_WAVE_SPAN * 1000, clocks=clocks,
        wall_clock=doc.get("wall_clock"))
    write_text(target, html, inputs=inputs)
    return ReportResult(output=target, instants=tuple(times), columns=tuple(columns), cell=cell,
                        curves=sum(v["figure"] is not None for v in views), event=event)


def index(results: list[tuple[str, str, str | None, int]], output: str) -> str:
    """An index page of many reports: (event, status, report path or None, unplaced count) rows,
    linked by relative path. Written atomically; returns its path."""
    jinja2, _ = check_extras()
    target = os.path.abspath(output)
    folder = os.path.dirname(target)
    rows = [{"event": name, "status": status, "unplaced": unplaced,
             "href": os.path.relpath(path, folder).replace(os.sep, "/") if path else None}
            for name, status, path, unplaced in results]
    env = jinja2.Environment(loader=jinja2.PackageLoader("syncam.report", "templates"),
                             autoescape=True)
    try:
        write_text(target, env.get_template("index.html.j2").render(
            rows=rows, version=__version__,
            made=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")))
    except OSError as exc:
        raise SyncamError(f"{target}: cannot write the report index ({exc})") from None
    return target
