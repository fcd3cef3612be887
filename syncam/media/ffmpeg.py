"""The only module that starts subprocesses: it finds ffmpeg/ffprobe, runs them, and reads their output.

Argument lists are built by pure functions (``*_args``) so tests can check them without running
ffmpeg; they are built with ffmpeg-python where it expresses them. Every command is logged at DEBUG, and
a failure raises :class:`FFmpegError` with the useful tail of ffmpeg's stderr.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence

import ffmpeg as ffmpeg_python
import numpy as np

from syncam.errors import FFmpegError, FFmpegMissing

log = logging.getLogger(__name__)

INSTALL_HINT = (
    "install ffmpeg (it provides ffmpeg and ffprobe): 'sudo apt-get install ffmpeg' on Debian/Ubuntu, "
    "'brew install ffmpeg' on macOS, or set SYNCAM_FFMPEG and SYNCAM_FFPROBE to their paths"
)


def find_binary(name: str) -> str:
    """Path of ``ffmpeg`` or ``ffprobe``; $SYNCAM_FFMPEG / $SYNCAM_FFPROBE override the PATH search."""
    override = os.environ.get(f"SYNCAM_{name.upper()}")
    found = override if override and os.access(override, os.X_OK) else shutil.which(name)
    if not found:
        raise FFmpegMissing(f"{name} not found: {INSTALL_HINT}")
    return found


def _tail(stderr: bytes, lines: int = 3) -> str:
    text = stderr.decode("utf-8", "replace").strip().splitlines()
    return " | ".join(line.strip() for line in text[-lines:])


def run(args: Sequence[str], *, what: str) -> bytes:
    """Run a finished argument list; return stdout. ``what`` names the job in an error message."""
    log.debug("run: %s", subprocess.list2cmdline(args))
    try:
        proc = subprocess.run(list(args), stdin=subprocess.DEVNULL, capture_output=True, check=False)
    except FileNotFoundError as exc:  # the binary vanished between find_binary and here
        raise FFmpegMissing(f"{args[0]} not found: {INSTALL_HINT}") from exc
    if proc.returncode != 0:
        tail = _tail(proc.stderr)
        raise FFmpegError(f"{what}: {tail or f'exit code {proc.returncode}'}", tail)
    return proc.stdout


# --- probing -----------------------------------------------------------------------------------------

def probe_args(path: str) -> list[str]:
    return [find_binary("ffprobe"), "-v", "error", "-print_format", "json",
            "-show_format", "-show_streams", path]


def probe_json(path: str) -> dict:
    """ffprobe's JSON description of a file (format and streams)."""
    return json.loads(run(probe_args(path), what=path))


def first_frame_args(path: str, stream: int) -> list[str]:
    return [find_binary("ffprobe"), "-v", "error", "-select_streams", str(stream),
            "-read_intervals", "%+#1", "-show_entries", "frame=best_effort_timestamp_time",
            "-print_format", "json", path]


def first_frame_time(path: str, stream: int) -> float | None:
    """Presentation time of the first *decoded* frame of a stream.

    It differs from the stream's start time when the codec drops priming samples (Opus pre-skip in
    WebM starts 6.5 ms later than its first packet), and it is what the decoded samples start at.
    """
    frames = json.loads(run(first_frame_args(path, stream), what=path)).get("frames") or [{}]
    value = frames[0].get("best_effort_timestamp_time")
    return float(value) if value not in (None, "N/A") else None


# --- audio -------------------------------------------------------------------------------------------

def audio_args(path: str, rate: int, stream: int) -> list[str]:
    """Decode audio stream ``stream`` (absolute index) to mono float32 PCM at ``rate`` on stdout."""
    return (
        ffmpeg_python.input(path)
        .output("pipe:", map=f"0:{stream}", format="f32le", acodec="pcm_f32le", ac=1, ar=rate)
        .global_args("-nostdin", "-hide_banner", "-v", "error")
        .compile(cmd=find_binary("ffmpeg"))
    )


def read_pcm(args: Sequence[str], *, expected_samples: int, what: str) -> np.ndarray:
    """Run a decoder writing f32le to stdout and return the samples as one float32 array.

    The array is allocated once from the expected length and grown only if the file is longer than
    probed, so peak memory is the signal itself, not a list of chunks plus their concatenation.
    """
    log.debug("run: %s", subprocess.list2cmdline(args))
    out = np.empty(max(expected_samples, 1024), dtype=np.float32)
    filled = 0  # bytes
    # stderr goes to a file, not a pipe: a damaged input can make ffmpeg print more than a pipe
    # holds while we block reading stdout.
    with tempfile.TemporaryFile() as errfile:
        proc = subprocess.Popen(list(args), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=errfile)
        try:
            assert proc.stdout is not None
            while True:
                if filled + (1 << 18) > out.nbytes:
                    out = np.resize(out, int(out.size * 1.25) + (1 << 16))
                n = proc.stdout.readinto(memoryview(out.view(np.uint8))[filled:])
                if not n:
                    break
                filled += n
            code = proc.wait()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        errfile.seek(0)
        stderr = errfile.read()
    if code != 0:
        tail = _tail(stderr)
        raise FFmpegError(f"{what}: {tail or f'ffmpeg exit code {code}'}", tail)
    return out[: filled // 4]


def decode_audio(path: str, rate: int, stream: int, expected_seconds: float) -> np.ndarray:
    """Mono float32 samples of one audio stream at ``rate``."""
    return read_pcm(audio_args(path, rate, stream),
                    expected_samples=int(expected_seconds * rate) + rate,
                    what=path)



# --- long jobs with progress --------------------------------------------------------------------------

def run_with_progress(args: Sequence[str], *, what: str,
                      on_progress: Callable[[dict[str, str]], None]) -> None:
    """Run ffmpeg whose arguments include ``-progress pipe:1``; report each progress block.

    ffmpeg writes ``key=value`` lines to stdout and ends each block with ``progress=continue`` (or
    ``end``); ``on_progress`` gets every block as a dict (``frame``, ``out_time_us``, ``speed``, ...).
    On any exception, Ctrl-C included, ffmpeg is stopped and waited for before the exception goes on,
    so the caller can remove the partial output safely.
    """
    log.debug("run: %s", subprocess.list2cmdline(args))
    with tempfile.TemporaryFile() as errfile:  # a file, not a pipe: ffmpeg may print a lot
        try:
            proc = subprocess.Popen(list(args), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=errfile)
        except FileNotFoundError as exc:
            raise FFmpegMissing(f"{args[0]} not found: {INSTALL_HINT}") from exc
        try:
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
        finally:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        errfile.seek(0)
        stderr = errfile.read()
    if code != 0:
        tail = _tail(stderr)
        raise FFmpegError(f"{what}: {tail or f'ffmpeg exit code {code}'}", tail)
