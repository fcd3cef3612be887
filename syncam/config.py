"""Every default in one place, each with the reason for its value. The CLI's defaults read from here."""

from __future__ import annotations

import os

# --- audio signature -------------------------------------------------------------------------------
# 8 kHz mono float32: speech and most event sound carry their timing structure below 4 kHz, every source
# we meet (phones at 16 kHz, cameras at 44.1/48 kHz) can be resampled to it without aliasing, and one
# sample is 0.125 ms, so sub-sample peak interpolation reaches far below the 1 ms target. A 60-minute
# clip is 115 MB at this rate, which keeps three such clips well under 1 GB.
AUDIO_RATE = 8000

# The coarse search runs on an onset envelope (spectral flux) at 100 frames/s: 10 ms steps are fine
# enough to land the fine search, and a 60-minute clip is only 360 000 values, so correlating every pair
# over the whole clip costs milliseconds. Flux (log band energy, differenced, rectified) ignores gain and
# the microphone's frequency response, which is what differs between cameras.
ENVELOPE_RATE = 100
ENVELOPE_FFT = 256  # 32 ms window at 8 kHz: resolves syllable onsets
ENVELOPE_BANDS = 16  # log-spaced bands between 80 Hz and 4 kHz

# --- matching ----------------------------------------------------------------------------------------
# A match must rest on at least this much shared material; lags with less overlap are not searched
# (a correlation over two seconds is noise-dominated and would produce confident-looking flukes).
MIN_OVERLAP = 5.0  # seconds

# Peaks within this distance of the best one belong to it; the runner-up is searched outside it.
# 0.1 s is wider than the envelope's smoothing, and narrower than any musical beat period.
PEAK_EXCLUSION = 0.1  # seconds

# The fine (waveform) stage correlates at most this much of the overlap, taken from its middle; a
# minute of audio at 8 kHz pins the lag to far below a millisecond even at 0 dB SNR.
FINE_WINDOW = 60.0  # seconds
FINE_SEARCH = 0.03  # +- seconds searched around the coarse lag (coarse step is 10 ms)

# Matches below this confidence are not used by the solver. The score is 1 - runner_up/peak (see
# sync/correlate.py): unrelated clips score below 0.1, a clear real match above 0.5.
MIN_CONFIDENCE = 0.25

# --- solving ----------------------------------------------------------------------------------------
# Two routes between the same clips that disagree by more than this are inconsistent: one of their
# matches is wrong. Correct audio matches agree to well under a millisecond.
LOOP_TOLERANCE = 0.02  # seconds

# No limit on the offset unless the user gives one: a late start must not be missed.
MAX_OFFSET: float | None = None

# --- execution --------------------------------------------------------------------------------------
# Signatures of different clips are extracted concurrently (each is one ffmpeg process), one per core.
WORKERS = os.cpu_count() or 2

MANIFEST_NAME = "syncam-manifest.json"

# --- render -----------------------------------------------------------------------------------------
# Without --width/--height the mosaic is fitted into 1280x720: every player and laptop shows it whole,
# a 2x2 grid of 640x360 tiles still shows faces and slates, and it encodes in real time on two cores.
RENDER_BOX = (1280, 720)

# Frame rate when the reference has no video (an audio recorder) and no placed clip says one.
RENDER_FPS = 30

# Sound is mixed and encoded at 48 kHz stereo, the video world's rate; mono cameras are upmixed.
RENDER_AUDIO_RATE = 48000

# Video and audio encoders by output container: h264 + aac plays everywhere; WebM only allows
# VP8/VP9/AV1 with Vorbis/Opus. The CRF values look alike to the eye on camera footage.
RENDER_CODECS = {
    ".mp4": ("libx264", "aac"), ".m4v": ("libx264", "aac"), ".mov": ("libx264", "aac"),
    ".mkv": ("libx264", "aac"), ".webm": ("libvpx-vp9", "libopus"),
}
RENDER_CRF = {"libx264": 20, "libx265": 24, "libvpx-vp9": 32}
# veryfast: within a few percent of medium's size at CRF 20 for a review mosaic, and ~3x faster.
RENDER_PRESET = "veryfast"
RENDER_AUDIO_BITRATE = "160k"

# Seek this far before the first needed frame so the frame showing at the window's start is decoded
# (a clip frame shown at time t may have started up to one frame earlier), and decode this much past
# the last needed one.
RENDER_SEEK_MARGIN = 1.0  # seconds

# A clip whose probed duration differs from the manifest's by more than this was re-encoded or
# replaced since 'syncam align' ran (probing the same file twice gives the same number).
RENDER_DURATION_TOLERANCE = 0.01  # seconds

# Font for labels and the clock, first found wins; SYNCAM_FONT overrides. scripts/system-deps.sh
# installs the first one on Debian/Ubuntu.
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",  # Fedora, Arch
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/local/share/fonts/DejaVuSans.ttf",
    "/Library/Fonts/Arial.ttf",  # macOS
    "/System/Library/Fonts/Supplemental/Arial.ttf",
    "C:\\Windows\\Fonts\\arial.ttf",
)
# Folders searched (recursively) for any of these file names when no candidate path exists.
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")
FONT_NAMES = ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "FreeSans.ttf", "NotoSans-Regular.ttf")
