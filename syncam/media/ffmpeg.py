"""The only module that starts subprocesses: it finds ffmpeg/ffprobe, runs them, and reads their output.

Argument lists are built by pure functions (``*_args``) so tests can check them without running
ffmpeg; they are built with ffmpeg-python where it expresses them. Every command is logged at DEBUG, and
a failure raises :class:`FFmpegError` with the useful tail of ffmpeg's stderr.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import math
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast

import ffmpeg as ffmpeg_python
import numpy as np

from syncam.errors import FFmpegError, FFmpegMissing

log = logging.getLogger(__name__)

INSTALL_HINT = (
    "install ffmpeg (it provides ffmpeg and ffprobe): 'sudo apt-get install ffmpeg' on Debian/Ubuntu, "
    "'brew install ffmpeg' on macOS, or set SYNCAM_FFMPEG and SYNCAM_FFPROBE to their paths"
)


def _override(name: str) -> str:
    return f"SYNCAM_{name.upper()}"


def find_binary(name: str) -> str:
    """Path of ``ffmpeg`` or ``ffprobe``; $SYNCAM_FFMPEG / $SYNCAM_FFPROBE override the PATH search."""
    var = _override(name)
    override = os.environ.get(var)
    if override:
        if not os.path.exists(override):
            raise FFmpegMissing(f"{var}={override}: no such file; point it at the {name} program "
                                f"(e.g. {shutil.which(name) or '/usr/bin/' + name}) or unset it")
        if not (os.path.isfile(override) and os.access(override, os.X_OK)):
            raise FFmpegMissing(f"{var}={override}: not executable; point it at the {name} program "
                                "or unset it")
        return override
    found = shutil.which(name)
    if not found:
        raise FFmpegMissing(f"{name} not found: {INSTALL_HINT}")
    return found


def _suspect(args: Sequence[str]) -> str:
    """When a program set by $SYNCAM_FFMPEG/$SYNCAM_FFPROBE ran: ``"SYNCAM_FFMPEG=/bin/false"``;
    else ""."""
    for name in ("ffmpeg", "ffprobe"):
        if args and os.environ.get(_override(name)) == args[0]:
            return f"{_override(name)}={args[0]}"
    return ""


def _not_it(suspect: str, what: str) -> FFmpegMissing:
    """The error for a $SYNCAM_FFMPEG/$SYNCAM_FFPROBE program that does not behave as ffmpeg does:
    it names the variable, not the clip it was given."""
    var, _, prog = suspect.partition("=")
    name = var.removeprefix("SYNCAM_").lower()
    return FFmpegMissing(f"{var}={prog}: {what}, as {name} never does; point it at the {name} "
                         "program or unset it")


_CONTEXT = re.compile(r"\[[^\]]* @ 0x[0-9a-f]+\]\s*")  # "[mov,mp4,... @ 0x55ce...] "


def _tail(stderr: bytes, lines: int = 3, path: str | None = None) -> str:
    """The last distinct lines of ffmpeg's stderr, without its internal context prefixes."""
    out: list[str] = []
    for line in stderr.decode("utf-8", "replace").strip().splitlines()[-lines:]:
        line = _CONTEXT.sub("", line).strip()
        if line.startswith("Last message repeated"):  # ffmpeg's log noise, not a message
            continue
        if path:
            line = line.replace(f"{path}: ", "")
        if line and line not in out:
            out.append(line)
    return " | ".join(out)


def run(args: Sequence[str], *, what: str) -> bytes:
    """Run a finished argument list; return stdout. ``what`` names the job in an error message."""
    log.debug("run: %s", subprocess.list2cmdline(args))
    try:
        proc = subprocess.run(list(args), stdin=subprocess.DEVNULL, capture_output=True, check=False)
    except FileNotFoundError as exc:  # the binary vanished between find_binary and here
        raise FFmpegMissing(f"{args[0]} not found: {INSTALL_HINT}") from exc
    _check(proc.returncode, _tail(proc.stderr, path=what), what, _suspect(args))
    return proc.stdout


def _check(code: int, tail: str, what: str, suspect: str = "") -> None:
    """Raise FFmpegError for a non-zero exit, with the useful tail of what ffmpeg said. A failure
    without a word from a program $SYNCAM_FFMPEG/$SYNCAM_FFPROBE set (``suspect``) is that
    variable's fault (FFmpegMissing naming it), not the clip's."""
    if code != 0:
        if not tail and suspect:
            raise _not_it(suspect, f"exited with code {code} without a word")
        raise FFmpegError(f"{what}: {tail or f'ffmpeg exited with code {code}'}", tail)


_LIVE: set[subprocess.Popen[bytes]] = set()  # ffmpeg processes running now, for stop_all()
_LIVE_LOCK = threading.RLock()  # re-entrant: a signal handler may run while the main thread holds it
_STOPPED = threading.Event()  # set by stop_all(): start no new ffmpeg in this process


def stop_all() -> None:
    """Ask every ffmpeg this process started and that still runs to stop (SIGTERM), without waiting,
    and start no new one. For a signal handler, when the process is about to exit: the threads that
    wait for those processes see them end, and clean up.
    """
    with _LIVE_LOCK:
        _STOPPED.set()
        live = list(_LIVE)
    for proc in live:
        with contextlib.suppress(OSError):
            proc.terminate()


@contextlib.contextmanager
def _spawn(args: Sequence[str], *, stderr: Any,
           before_close: Callable[[], None] | None = None,
           pass_fds: Sequence[int] = ()) -> Iterator[subprocess.Popen[bytes]]:
    """Start ffmpeg with stdout piped; however the block is left (an error, Ctrl-C, a consumer that
    stops reading), ffmpeg has exited and its pipes are closed afterwards.

    ``before_close`` runs once ffmpeg is stopped and before its pipes close: where to join a thread
    that reads one of them. ``pass_fds``: descriptors ffmpeg inherits (its ``pipe:N`` outputs).
    """
    log.debug("run: %s", subprocess.list2cmdline(args))
    with _LIVE_LOCK:
        if _STOPPED.is_set():
            raise FFmpegError("syncam is stopping; no new ffmpeg is started")
        try:
            proc = subprocess.Popen(list(args), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=stderr, pass_fds=tuple(pass_fds))
        except FileNotFoundError as exc:
            raise FFmpegMissing(f"{args[0]} not found: {INSTALL_HINT}") from exc
        _LIVE.add(proc)
    try:
        yield proc
    finally:
        with _LIVE_LOCK:
            _LIVE.discard(proc)
        if proc.poll() is None:
            proc.terminate()  # lets ffmpeg stop cleanly; it is killed if it does not within 5 s
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if before_close is not None:
            before_close()
        for pipe in (proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()


# --- probing -----------------------------------------------------------------------------------------

def probe_args(path: str) -> list[str]:
    return [find_binary("ffprobe"), "-v", "error", "-print_format", "json",
            "-show_format", "-show_streams", path]


def probe_json(path: str) -> dict:
    """ffprobe's JSON description of a file (format and streams)."""
    args = probe_args(path)
    out = run(args, what=path)
    try:
        data = json.loads(out)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        if _suspect(args):
            raise _not_it(_suspect(args), f"did not describe {path} in JSON")
        raise FFmpegError(f"{path}: {args[0]} did not describe it as ffprobe does")
    return data


def first_frame_args(path: str, stream: int | str) -> list[str]:
    return [find_binary("ffprobe"), "-v", "error", "-select_streams", str(stream),
            "-read_intervals", "%+3", "-show_entries", "frame=best_effort_timestamp_time",
            "-print_format", "json", path]


def first_frame_time(path: str, stream: int | str) -> float | None:
    """Presentation time of the first *decoded* frame of a stream.

    It differs from the stream's start time when the codec drops priming samples (Opus pre-skip in
    WebM starts 6.5 ms later than its first packet), and it is what the decoded samples start at.
    Only the first 3 s are read (an interval in packets would count other streams' packets too).
    """
    frames = json.loads(run(first_frame_args(path, stream), what=path)).get("frames") or [{}]
    value = frames[0].get("best_effort_timestamp_time")
    return float(value) if value not in (None, "N/A") else None


# --- audio -------------------------------------------------------------------------------------------

def audio_args(path: str, rate: int, stream: int) -> list[str]:
    """Decode audio stream ``stream`` (absolute index) to mono float32 PCM at ``rate`` on stdout.

    ``-flush_packets 0``: on a pipe ffmpeg otherwise flushes after every packet (~750 bytes at 8 kHz),
    waking the reader tens of thousands of times; that cost 15-35% over decoding to /dev/null.
    """
    return (
        ffmpeg_python.input(path)
        .output("pipe:", map=f"0:{stream}", format="f32le", acodec="pcm_f32le", ac=1, ar=rate,
                flush_packets=0)
        .global_args("-nostdin", "-hide_banner", "-v", "error")
        .compile(cmd=find_binary("ffmpeg"))
    )


def audio_together_args(inputs: Sequence[tuple[str, int]], rate: int,
                        outputs: Sequence[str]) -> list[str]:
    """One ffmpeg decoding several files' audio streams ((path, absolute stream index) each) to mono
    float32 PCM at ``rate``, input k to ``outputs[k]`` (``pipe:N``). Each output is the bytes
    :func:`audio_args` gives for its file alone (checked on 21 codec/container pairs)."""
    args = [find_binary("ffmpeg"), "-nostdin", "-hide_banner", "-v", "error"]
    for path, _ in inputs:
        args += ["-i", path]
    for k, ((_, stream), out) in enumerate(zip(inputs, outputs, strict=True)):
        args += ["-map", f"{k}:{stream}", "-f", "f32le", "-acodec", "pcm_f32le", "-ac", "1",
                 "-ar", str(rate), "-flush_packets", "0", out]
    return args


def stream_pcm_together(inputs: Sequence[tuple[str, int]], rate: int, *, what: str,
                        block: int = 1 << 16) -> Iterator[tuple[int, np.ndarray]]:
    """Decode several files' audio in one ffmpeg (see :func:`audio_together_args`): yield (input k,
    its next samples) as they come, in pieces of at least ``block`` samples but the last.

    One process for many short clips: starting ffmpeg costs ~65 ms of CPU (its 215 libraries'
    symbols), more than decoding a minute of phone sound. Every output pipe is read as it fills, so
    ffmpeg, which interleaves them, never waits on one that is not read.
    """
    import selectors

    pipes = [os.pipe() for _ in inputs]
    reads = {r: k for k, (r, _) in enumerate(pipes)}
    writes = [w for _, w in pipes]
    try:
        args = audio_together_args(inputs, rate, [f"pipe:{w}" for w in writes])
        with tempfile.TemporaryFile() as errfile, \
                _spawn(args, stderr=errfile, pass_fds=writes) as proc, \
                selectors.DefaultSelector() as sel:
            for w in writes:
                os.close(w)
            writes = []
            pending: dict[int, list[bytes]] = {k: [] for k in reads.values()}
            size = dict.fromkeys(reads.values(), 0)
            for r in reads:
                sel.register(r, selectors.EVENT_READ)
            while sel.get_map():
                for key, _ in sel.select():
                    k = reads[key.fd]
                    data = os.read(key.fd, block * 4)
                    if data:
                        pending[k].append(data)
                        size[k] += len(data)
                    if size[k] >= block * 4 or (not data and size[k]):
                        whole = b"".join(pending[k])
                        cut = len(whole) // 4 * 4
                        pending[k], size[k] = [whole[cut:]], len(whole) - cut
                        yield k, np.frombuffer(whole[:cut], dtype=np.float32)
                    if not data:
                        sel.unregister(key.fd)
            code = proc.wait()
            errfile.seek(0)
            _check(code, _tail(errfile.read()), what, _suspect(args))
    finally:
        for fd in [*reads, *writes]:
            with contextlib.suppress(OSError):
                os.close(fd)


def read_pcm(args: Sequence[str], *, expected_samples: int, what: str) -> np.ndarray:
    """Run a decoder writing f32le to stdout and return the samples as one float32 array.

    The array is allocated once from the expected length and grown only if the file is longer than
    probed, so peak memory is the signal itself, not a list of chunks plus their concatenation.
    """
    out = np.empty(max(expected_samples, 1024), dtype=np.float32)
    filled = 0  # bytes
    # stderr goes to a file, not a pipe: a damaged input can make ffmpeg print more than a pipe
    # holds while we block reading stdout.
    with tempfile.TemporaryFile() as errfile:
        with _spawn(args, stderr=errfile) as proc:
            stdout = cast(io.BufferedReader, proc.stdout)  # stdout=PIPE: a buffered binary reader
            while True:
                if filled == out.nbytes:  # longer than probed: grow (rare; copies once)
                    out = np.resize(out, int(out.size * 1.25) + (1 << 16))
                n = stdout.readinto(out.view(np.uint8).data[filled:])
                if not n:
                    break
                filled += n
            code = proc.wait()
        errfile.seek(0)
        _check(code, _tail(errfile.read(), path=what), what, _suspect(args))
    return out[: filled // 4]


def stream_pcm(args: Sequence[str], *, what: str, block: int = 1 << 18) -> Iterator[np.ndarray]:
    """Run a decoder writing f32le to stdout; yield its samples in pieces of ``block`` as they come.

    The consumer works while ffmpeg decodes the next piece, and nothing holds the whole signal.
    """
    with tempfile.TemporaryFile() as errfile:  # a file, not a pipe: ffmpeg may print a lot
        with _spawn(args, stderr=errfile) as proc:
            assert proc.stdout is not None
            carry = b""
            while True:
                data = proc.stdout.read(block * 4)
                if not data:
                    break
                data = carry + data
                whole = len(data) // 4 * 4
                carry = data[whole:]
                if whole:
                    yield np.frombuffer(data[:whole], dtype=np.float32)
            code = proc.wait()
        errfile.seek(0)
        _check(code, _tail(errfile.read(), path=what), what, _suspect(args))


def decode_audio(path: str, rate: int, stream: int, expected_seconds: float) -> np.ndarray:
    """Mono float32 samples of one audio stream at ``rate``."""
    return read_pcm(audio_args(path, rate, stream),
                    expected_samples=int(expected_seconds * rate) + rate,
                    what=path)



# --- video frames ------------------------------------------------------------------------------------

def gray_frames_args(path: str, stream: int, width: int, height: int, *,
                     scaler: str = "area") -> list[str]:
    """Decode video stream ``stream`` (absolute index) to ``width`` x ``height`` 8-bit grey frames.

    Scaling and the grey conversion run inside ffmpeg's filter graph (all cores), so only small frames
    cross the pipe. ``-fps_mode passthrough`` writes every decoded frame once, neither duplicated nor
    dropped to a constant rate, so variable-frame-rate clips keep their real timing; ``showinfo`` logs
    each frame's presentation time on stderr (checksums off: it then costs nothing measurable), and
    ``-copyts`` keeps those times in the container's clock rather than shifted to start at zero.
    """
    graph = (ffmpeg_python.input(path)[str(stream)]
             .filter("scale", width, height, flags=scaler)
             .filter("format", "gray")
             .filter("showinfo", checksum=0))
    return (graph.output("pipe:", format="rawvideo", pix_fmt="gray", fps_mode="passthrough",
                         flush_packets=0)
            .global_args("-nostdin", "-hide_banner", "-nostats", "-v", "level+info", "-copyts")
            .compile(cmd=find_binary("ffmpeg")))


_SHOWINFO_PTS = re.compile(rb"\[Parsed_showinfo_\d+ @ [^\]]*\] \[info\] n:\s*\d+\s+pts:\s*\S+\s+"
                           rb"pts_time:(\S+)")
_PROBLEM = re.compile(rb"\[(warning|error|fatal|panic)\]")


class _StderrTimes(threading.Thread):
    """Reads ffmpeg's stderr while it runs: frame times from showinfo, and the tail of its complaints.

    Reading it live keeps memory bounded (a long clip logs a line per frame) and lets the frame reader
    pair each frame with its time as soon as both have arrived.
    """

    def __init__(self, pipe: Any) -> None:
        super().__init__(daemon=True)
        self.pipe = pipe
        self.times: list[float] = []
        self.problems: deque[bytes] = deque(maxlen=3)
        self.cond = threading.Condition()
        self.finished = False

    def run(self) -> None:
        try:
            for line in self.pipe:
                found = _SHOWINFO_PTS.search(line)
                if found:
                    try:
                        t = float(found.group(1))
                    except ValueError:  # NOPTS
                        t = math.nan
                    with self.cond:
                        self.times.append(t)
                        self.cond.notify_all()
                elif _PROBLEM.search(line):
                    self.problems.append(line)
        finally:
            with self.cond:
                self.finished = True
                self.cond.notify_all()

    def wait_for(self, count: int) -> None:
        """Block until ``count`` unconsumed frame times have arrived or ffmpeg has closed stderr."""
        with self.cond:
            while len(self.times) < count and not self.finished:
                self.cond.wait()


def read_gray_frames(args: Sequence[str], width: int, height: int, *, what: str,
                     block: int = 256) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Run :func:`gray_frames_args`' command; yield (frames, times) blocks as they are decoded.

    ``frames`` is a (k, height, width) uint8 array, ``times`` the k presentation times in seconds
    (container clock; NaN where a frame has none). At most ``block`` frames are held at once, so memory
    does not grow with the clip's length. Raises FFmpegError when ffmpeg fails.
    """
    yield from _frames(args, (height, width), _StderrTimes, what=what, block=block)


def _frames(args: Sequence[str], shape: tuple[int, ...], log: Callable[[Any], _StderrTimes], *,
            what: str, block: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Run ffmpeg writing raw frames of ``shape`` to stdout and their times (showinfo) to stderr,
    read by ``log``'s thread; yield (frames (k, *shape) uint8, times) blocks of at most ``block``
    frames. Raises FFmpegError when ffmpeg fails."""
    frame_bytes = int(np.prod(shape))
    reader: _StderrTimes | None = None

    def join_reader() -> None:
        if reader is not None:
            reader.join(timeout=5)

    with _spawn(args, stderr=subprocess.PIPE, before_close=join_reader) as proc:
        reader = log(proc.stderr)
        reader.start()
        stdout = cast(io.BufferedReader, proc.stdout)  # stdout=PIPE: a buffered binary reader
        while True:
            buf = np.empty(block * frame_bytes, dtype=np.uint8)
            filled = 0
            while filled < buf.nbytes:
                n = stdout.readinto(buf.data[filled:])
                if not n:
                    break
                filled += n
            k = filled // frame_bytes
            if k:
                reader.wait_for(k)
                with reader.cond:  # take this block's times and forget them: memory stays bounded
                    times = reader.times[:k]
                    del reader.times[:k]
                times += [math.nan] * (k - len(times))
                yield buf[: k * frame_bytes].reshape(k, *shape), np.asarray(times, float)
            if filled < buf.nbytes:
                break
        code = proc.wait()
        reader.join()
    _check(code, _tail(b"\n".join(reader.problems)), what, _suspect(args))


# --- a region of the picture, grey (burned-in clocks) ------------------------------------------------

def region_frames_args(path: str, stream: int, box: tuple[int, int, int, int] | None = None, *,
                       start: float | None = None, duration: float | None = None) -> list[str]:
    """Decode video stream ``stream`` and keep only ``box`` = (x, y, w, h) of each frame (the whole
    frame when None), in 8-bit grey at its own resolution, from ``start`` (seconds from the file's
    start, an input seek) for ``duration`` seconds. The crop runs in ffmpeg's filter graph, so only
    the region's bytes cross the pipe; every frame is written once with its presentation time logged
    (container clock), as :func:`gray_frames_args` does. Read it with :func:`read_gray_frames`.
    """
    args = [find_binary("ffmpeg"), "-nostdin", "-hide_banner", "-nostats", "-v", "level+info",
            "-copyts"]
    if start is not None and start > 0:
        args += ["-ss", f"{start:.6f}"]
    if duration is not None:
        args += ["-t", f"{duration:.6f}"]
    graph = f"[0:{stream}]format=gray,"  # grey first: a crop of 4:2:0 would round to even pixels
    if box is not None:
        x, y, w, h = box
        graph += f"crop={w}:{h}:{x}:{y}:exact=1,"
    graph += "showinfo=checksum=0[v]"
    return args + ["-i", path, "-filter_complex", graph, "-map", "[v]", "-fps_mode", "passthrough",
                   "-flush_packets", "0", "-f", "rawvideo", "-pix_fmt", "gray", "pipe:"]


# --- encoders ------------------------------------------------------------------------------------------

_ENCODERS: dict[str, frozenset[str]] = {}


def encoders() -> frozenset[str]:
    """Names of the encoders this ffmpeg has (``ffmpeg -encoders``), read once per process."""
    binary = find_binary("ffmpeg")
    if binary not in _ENCODERS:
        args = [binary, "-hide_banner", "-nostdin", "-encoders"]
        text = run(args, what="listing ffmpeg's encoders").decode("utf-8", "replace")
        # lines after the " ------" rule: " V....D libx264    libx264 H.264 / AVC ..."
        rows = text.split(" ------", 1)[-1].splitlines()
        _ENCODERS[binary] = frozenset(r.split()[1] for r in rows if len(r.split()) > 1)
    return _ENCODERS[binary]


# --- long jobs with progress --------------------------------------------------------------------------

def run_with_progress(args: Sequence[str], *, what: str,
                      on_progress: Callable[[dict[str, str]], None]) -> None:
    """Run ffmpeg whose arguments include ``-progress pipe:1``; report each progress block.

    ffmpeg writes ``key=value`` lines to stdout and ends each block with ``progress=continue`` (or
    ``end``); ``on_progress`` gets every block as a dict (``frame``, ``out_time_us``, ``speed``, ...).
    On any exception, Ctrl-C included, ffmpeg is stopped and waited for before the exception goes on,
    so the caller can remove the partial output safely.
    """
    with tempfile.TemporaryFile() as errfile:  # a file, not a pipe: ffmpeg may print a lot
        with _spawn(args, stderr=errfile) as proc:
            assert proc.stdout is not None
            block: dict[str, str] = {}
            for raw in proc.stdout:
                key, sep, value = raw.decode("utf-8", "replace").strip().partition("=")
                if not sep:
                    continue
                block[key] = value
                if key == "progress":
                    on_progress(block)
                    block = {}
            code = proc.wait()
        errfile.seek(0)
        _check(code, _tail(errfile.read()), what, _suspect(args))


# --- still frames at given times (syncam report's contact sheet) --------------------------------------

Grab = tuple[str, int, float, float, tuple[int, int, int, int]]  # path, stream, ss, until, box


def frames_at_args(path: str, stream: int, seeks: Sequence[tuple[float, float]],
                   box: tuple[int, int, int, int], size: tuple[int, int],
                   outputs: Sequence[str], *, slack: float) -> list[str]:
    """Decode, from video stream ``stream``, the frame showing at each of several times; one ffmpeg
    (:func:`grabs_args` of one file)."""
    return grabs_args([(path, stream, ss, until, box) for ss, until in seeks], size, outputs,
                      slack=slack)


def grabs_args(grabs: Sequence[Grab], size: tuple[int, int], outputs: Sequence[str], *,
               slack: float) -> list[str]:
    """Decode the frame showing at each of several times, of one or several files; one ffmpeg.

    ``grabs[i] = (path, stream, ss, until, box)``: input ``i`` is ``path`` opened at ``-ss ss``
    (seconds from the file's start), and the frame wanted is the last one of video stream ``stream``
    at most ``until`` seconds after ``ss`` (the one on screen at that instant, not the next one).
    Its input keeps the frames before that instant (``trim``), ``reverse`` puts the last first, and
    one frame is kept. Each frame is scaled into the ``box`` = (x, y, w, h) of a black picture of
    ``size`` = (w, h) and written as raw rgb24 to ``outputs[i]``; a time with no frame leaves that
    output empty. The display matrix is applied (ffmpeg's autorotate), so a phone's portrait frame
    comes out upright. ``slack``: a frame stamped this little after the instant still counts as on
    screen (trim rounds its end to the stream's time base: to a whole millisecond in WebM). One
    thread per decoder and for the graph: the report runs such an ffmpeg beside its plotting, and
    more threads only contend (32 frames from four 10-minute clips: 1.3 s of CPU with ffmpeg's
    default threads, 1.0 s with one). Several files in one ffmpeg start it once (0.05 s of CPU each
    time).
    """
    width, height = size
    args = [find_binary("ffmpeg"), "-nostdin", "-hide_banner", "-v", "error", "-y",
            "-filter_complex_threads", "1"]
    for path, _, ss, _, _ in grabs:
        args += ["-threads", "1", "-ss", f"{ss:.6f}", "-i", path]
    graph = []
    for i, (_, stream, _, until, (x, y, w, h)) in enumerate(grabs):
        graph.append(f"[{i}:{stream}]trim=end={until + slack:.6f},scale={w}:{h},setsar=1,"
                     f"pad={width}:{height}:{x}:{y}:black,format=rgb24,reverse,"
                     f"trim=end_frame=1[f{i}]")
    args += ["-filter_complex", ";".join(graph)]
    for i, out in enumerate(outputs):
        args += ["-map", f"[f{i}]", "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt",
                 "rgb24", out]
    return args


def frames_at(path: str, stream: int, seeks: Sequence[tuple[float, float]],
              box: tuple[int, int, int, int], size: tuple[int, int], *,
              slack: float) -> list[np.ndarray | None]:
    """Run :func:`frames_at_args`; return each time's (height, width, 3) uint8 frame, or None where
    the stream has no frame at that time."""
    return grab_frames([(path, stream, ss, until, box) for ss, until in seeks], size, slack=slack,
                       what=path)


def grab_frames(grabs: Sequence[Grab], size: tuple[int, int], *, slack: float,
                what: str) -> list[np.ndarray | None]:
    """Run :func:`grabs_args`; return each grab's (height, width, 3) uint8 frame, or None where its
    stream has no frame at that time. ``what`` names the job in an error message."""
    width, height = size
    with tempfile.TemporaryDirectory(prefix="syncam-frames-") as tmp:
        outputs = [os.path.join(tmp, f"{i}.rgb") for i in range(len(grabs))]
        run(grabs_args(grabs, size, outputs, slack=slack), what=what)
        frames: list[np.ndarray | None] = []
        for out in outputs:
            data = np.fromfile(out, dtype=np.uint8) if os.path.exists(out) else np.empty(0, np.uint8)
            frames.append(data[: width * height * 3].reshape(height, width, 3)
                          if data.size >= width * height * 3 else None)
    return frames


# --- browser proxies (syncam view) ------------------------------------------------------------------

def proxy_args(path: str, output: str, *, video_stream: int | None, audio_stream: int | None,
               height: int, crf: int, preset: str, audio_bitrate: str) -> list[str]:
    """Encode a clip that a browser cannot play into an H.264 (8-bit 4:2:0) + AAC MP4 at most
    ``height`` lines high.

    ``-fps_mode passthrough`` keeps every frame's own timestamp (neither duplicated nor dropped to a
    constant rate): the proxy has the clip's frame rate and timing, variable or not, so the manifest's
    placement holds for it. The display matrix is applied (ffmpeg's autorotate). ``-progress pipe:1``
    reports progress for :func:`run_with_progress`; ``+faststart`` lets the browser start playing and
    seeking before it has read the whole file.
    """
    args = [find_binary("ffmpeg"), "-nostdin", "-hide_banner", "-v", "error", "-nostats", "-y",
            "-progress", "pipe:1", "-i", path]
    if video_stream is not None:
        args += ["-map", f"0:{video_stream}",
                 "-vf", f"scale=w=-2:h=2*trunc(min({height}\\,ih)/2):flags=bicubic,format=yuv420p",
                 "-c:v", "libx264", "-preset", preset, "-crf", str(crf), "-fps_mode", "passthrough"]
    if audio_stream is not None:
        args += ["-map", f"0:{audio_stream}", "-c:a", "aac", "-b:a", audio_bitrate]
    return args + ["-map_metadata", "-1", "-movflags", "+faststart", "-f", "mp4", output]


# --- syncam split: one scan of a release, and its shots written as files ---------------------------

def scan_args(path: str, stream: int, width: int, height: int, *, crop_limit: float) -> list[str]:
    """Decode video stream ``stream`` once for ``syncam split``: every frame (``-fps_mode
    passthrough``, container clock with ``-copyts``) scaled to ``width`` x ``height`` BGR on stdout;
    on stderr each frame's time (``showinfo``) and its black-bar box (``cropdetect`` on the full
    frame, recomputed every frame: ``reset=1``, none skipped; ``limit`` is the black level, 0-1)."""
    chain = (f"[0:{stream}]cropdetect=limit={crop_limit}:round=2:reset=1:skip=0,"
             f"scale={width}:{height}:flags=area,format=bgr24,showinfo=checksum=0[v]")
    return [find_binary("ffmpeg"), "-nostdin", "-hide_banner", "-nostats", "-v", "level+info",
            "-copyts", "-i", path, "-filter_complex", chain, "-map", "[v]",
            "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "bgr24",
            "-flush_packets", "0", "pipe:"]


_CROPDETECT = re.compile(rb"\[Parsed_cropdetect_\d+ @ [^\]]*\] \[info\] .*crop=(\d+):(\d+):(\d+):(\d+)")


class _ScanLog(_StderrTimes):
    """:class:`_StderrTimes` that also keeps each frame's cropdetect box (w, h, x, y)."""

    def __init__(self, pipe: Any) -> None:
        super().__init__(pipe)
        self.crops: list[tuple[int, int, int, int]] = []

    def run(self) -> None:
        lines = self.pipe
        self.pipe = (line for line in lines if not self._crop(line))
        super().run()

    def _crop(self, line: bytes) -> bool:
        found = _CROPDETECT.search(line)
        if found:
            w, h, x, y = (int(v) for v in found.groups())
            self.crops.append((w, h, x, y))
        return found is not None


def scan(path: str, stream: int, width: int, height: int, *, crop_limit: float,
         on_block: Callable[[np.ndarray, np.ndarray], None], block: int = 128
         ) -> list[tuple[int, int, int, int]]:
    """Run :func:`scan_args`; hand each block of (frames (k, height, width, 3) uint8 BGR, times in
    seconds) to ``on_block`` as it is decoded; return every frame's black-bar box (w, h, x, y) in
    the full frame. Memory stays at one block."""
    logs: list[_ScanLog] = []

    def log(pipe: Any) -> _ScanLog:
        logs.append(_ScanLog(pipe))
        return logs[-1]

    for frames, times in _frames(scan_args(path, stream, width, height, crop_limit=crop_limit),
                                 (height, width, 3), log, what=path, block=block):
        on_block(frames, times)
    return logs[0].crops


@dataclass(frozen=True)
class ShotOut:
    """One shot for :func:`shots_args`: video frames [first, end) counted from the first frame at or
    after the seek, its sound's [start, end) in seconds from the seek (None: written without sound),
    the crop (w, h, x, y) that removes its bars (None: the whole frame), the MP4 it goes to, and the
    frames of it (numbered in the shot) written raw, grey and scaled to ``grab_size`` to ``grab``."""

    out: str
    first: int
    end: int
    sound: tuple[float, float] | None
    crop: tuple[int, int, int, int] | None
    grab: str
    picks: tuple[int, ...]
    grab_size: tuple[int, int]


def shots_args(path: str, *, seek: float, shots: Sequence[ShotOut], crf: int, preset: str,
               audio_bitrate: str, threads: int | None) -> list[str]:
    """Write several shots of ``path`` (MP4, H.264 + AAC), frame-accurately, from one decode.

    ``-ss seek`` before the input is an exact seek when re-encoding (frames before it are decoded
    and dropped); ``seek`` is a little before the first shot's first frame, frame 0 here. The
    decoded frames go to every shot's ``trim`` (by frame number: every frame is kept with its own
    time, ``-fps_mode passthrough``, so a 12.5 fps camera shown at 25 fps keeps its repeated frames)
    and the sound to each one's ``atrim``; both start again at 0 on the shot's first frame, so
    picture and sound stay on one clock. One ffmpeg for many shots starts once and decodes each
    frame once, where one per shot decoded again from the keyframe before every shot. ``threads``:
    the decoder's and each encoder's (1 where several such ffmpegs share the cores)."""
    graph = [f"[0:v:0]split={len(shots)}" + "".join(f"[s{k}]" for k in range(len(shots)))]
    for k, shot in enumerate(shots):
        crop = "" if shot.crop is None else ",crop={}:{}:{}:{}".format(*shot.crop)
        which = "+".join(f"eq(n\\,{p})" for p in shot.picks) or "0"
        width, height = shot.grab_size
        graph.append(f"[s{k}]trim=start_frame={shot.first}:end_frame={shot.end},"
                     f"setpts=PTS-STARTPTS{crop},split[e{k}][g{k}]")
        graph.append(f"[g{k}]select='{which}',scale={width}:{height}:flags=area,format=gray[r{k}]")
    sounds = [k for k, shot in enumerate(shots) if shot.sound is not None]
    if sounds:
        graph.append(f"[0:a:0]asplit={len(sounds)}" + "".join(f"[t{k}]" for k in sounds))
        for k in sounds:
            start, end = cast(tuple[float, float], shots[k].sound)
            graph.append(f"[t{k}]atrim=start={start:.6f}:end={end:.6f},asetpts=PTS-STARTPTS[a{k}]")
    threading_args = [] if threads is None else ["-threads", str(threads)]
    args = [find_binary("ffmpeg"), "-nostdin", "-hide_banner", "-v", "error", "-y",
            *(["-filter_complex_threads", str(threads)] if threads else []), *threading_args,
            "-ss", f"{seek:.6f}", "-i", path, "-filter_complex", ";".join(graph)]
    for k, shot in enumerate(shots):
        args += ["-map", f"[e{k}]", "-fps_mode", "passthrough", "-c:v", "libx264",
                 "-preset", preset, "-crf", str(crf), "-pix_fmt", "yuv420p", *threading_args]
        if shot.sound is not None:
            args += ["-map", f"[a{k}]", "-c:a", "aac", "-b:a", audio_bitrate]
        args += ["-f", "mp4", "-movflags", "+faststart", shot.out,
                 "-map", f"[r{k}]", "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "gray",
                 shot.grab]
    return args
