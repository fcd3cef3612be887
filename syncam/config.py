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

# --- batch and signature cache ---------------------------------------------------------------------
# Signatures are kept on disk between runs so that a second pass over the same footage decodes nothing.
# The folder is $SYNCAM_CACHE_DIR, else $XDG_CACHE_HOME/syncam, else ~/.cache/syncam (the XDG default,
# which backup tools and `rm -rf ~/.cache` already treat as disposable).
CACHE_ENV = "SYNCAM_CACHE_DIR"
CACHE_SUBDIR = "syncam"

MANIFEST_NAME = "syncam-manifest.json"
# The mosaic `syncam batch --render` writes beside each manifest. Files named syncam-* are outputs, so
# batch never mistakes them for clips when it walks a folder tree again.
MOSAIC_NAME = "syncam-mosaic.mp4"
