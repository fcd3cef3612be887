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

# --- motion signature ------------------------------------------------------------------------------
# Frames are decoded by ffmpeg straight to 96x64 grey: enough to see a person move in a 4x4 grid cell
# (a 1080p picture's cell is 480x270 pixels, averaged to 24x16), and 6 KB a frame, so Python's share of
# the work is tiny next to decoding. The aspect ratio is not kept: only *when* things change matters.
MOTION_SIZE = (96, 64)  # width, height
MOTION_SCALER = "area"  # averages every source pixel: less aliasing noise than bilinear, as fast
MOTION_GRID = (4, 4)  # rows, columns: a local event is compared with its own cell, not the frame

# Motion is resampled to 100 values/s in every clip, whatever its frame rate: 10 ms is a quarter frame
# at 25 fps, so parabolic interpolation of the correlation peak lands well inside a frame, and the
# rate is common to 24/25/30/50/59.94 fps clips and VFR phone footage alike.
MOTION_RATE = 100
# Slow trends (traffic thickening, a cloud) are removed with a 2 s moving average: they are not shared
# between viewpoints, while the events inside two seconds are. Measured on the bikes test footage, 2 s
# gave the highest confidences of 0.5/1/2 s, with the same lag error.
MOTION_BASELINE = 2.0  # seconds
# Light changes (the median over grid cells of the brightness change: a light moves every cell one
# way, a passing object only a few) count only where they stand out from their own noise by more than
# 4 robust z-units, and at most 20 units beyond that. In a busy street the light channel is the
# brightness of whatever passes by: added in full it cut the confidence of true motion matches on the
# test footage by a third. A flash in a still scene is hundreds of units high, and the clip keeps one
# camera's own flash or lens flare from outweighing all the motion both cameras saw. (Motion itself is
# not clipped: on the test footage its large excursions are the shared events, and clipping them at
# 6 or 12 units lost confidence.)
MOTION_LIGHT_FLOOR = 4.0
MOTION_LIGHT_CLIP = 20.0
# A picture whose mean change never exceeds half a grey level per frame does not change at all (a
# still image, a lens cap): it has nothing to align by, and is reported unplaced as such.
MOTION_STILL = 0.5

# --- matching ----------------------------------------------------------------------------------------
# A match must rest on at least this much shared material; lags with less overlap are not searched
# (a correlation over two seconds is noise-dominated and would produce confident-looking flukes).
MIN_OVERLAP = 5.0  # seconds

# Peaks within this distance of the best one belong to it; the runner-up is searched outside it.
# 0.1 s is wider than the envelope's smoothing, and narrower than any musical beat period.
PEAK_EXCLUSION = 0.1  # seconds
# Motion peaks are broader: a difference spans a whole frame interval (up to 42 ms at 24 fps) and
# motion is smooth over several frames, so the peak's own flank reaches further than audio's.
PEAK_EXCLUSION_MOTION = 0.25  # seconds

# The fine (waveform) stage correlates at most this much of the overlap, taken from its middle; a
# minute of audio at 8 kHz pins the lag to far below a millisecond even at 0 dB SNR.
FINE_WINDOW = 60.0  # seconds
FINE_SEARCH = 0.03  # +- seconds searched around the coarse lag (coarse step is 10 ms)
# A whitened peak this many robust standard deviations high is a real alignment; below it the coarse
# lag stands. Noise over the +-30 ms window (481 lags) peaks near 3.5; real matches score 20-250.
FINE_MIN_Z = 8.0

# When the best envelope lag is not clearly ahead of the others (confidence below AMBIGUOUS_BELOW: a
# loop of music, a repeated chant), every envelope lag scoring at least CANDIDATE_RATIO of the best (at
# most CANDIDATES of them: a 2 s bar repeated over 80 s gives ~40) is judged again on RANK_WINDOW
# seconds of whitened waveform, where the repeats of a live performance still differ (~3 ms each).
CANDIDATES = 64
CANDIDATE_RATIO = 0.8
RANK_WINDOW = 10.0  # seconds
AMBIGUOUS_BELOW = 0.5
# ...and only when the best envelope peak stands this many times above the noise maximum: a loop gives
# 3.5-10x, unrelated clips or a pair whose real overlap is too short to search ~1.2x.
AMBIGUOUS_MIN_PEAK = 2.0

# Matches below this confidence are not used by the solver. The score is 1 - runner_up/peak (see
# sync/correlate.py): unrelated clips score below 0.1, a clear real match above 0.5.
MIN_CONFIDENCE = 0.25

# --- solving ----------------------------------------------------------------------------------------
# Two routes between the same clips that disagree by more than this are inconsistent: one of their
# matches is wrong. Correct audio matches agree to well under a millisecond.
LOOP_TOLERANCE = 0.02  # seconds
# Motion matches are good to a fraction of a frame, not to a millisecond: on the test footage (25 to
# 59.94 fps, zoomed crops, VFR) their errors reach ~20 ms, half a 25 fps frame, and a loop adds up to
# three of them. A wrong motion match is off by far more (the next peak is at least
# PEAK_EXCLUSION_MOTION away), so this still catches every wrong one.
LOOP_TOLERANCE_MOTION = 0.08  # seconds

# Weight of a match in the least-squares fit, per unit of confidence: the inverse variance of its
# method's error. Audio lags scatter by ~1 ms, motion lags by ~10 ms: (1/10)^2 = 0.01. So a clip placed
# by sound keeps its sound offset even when motion matches also reach it, and motion decides only where
# it is the only evidence.
METHOD_WEIGHT = {"audio": 1.0, "motion": 0.01}

# No limit on the offset unless the user gives one: a late start must not be missed.
MAX_OFFSET: float | None = None

# --- evidence --------------------------------------------------------------------------------------
# auto: sound for a pair whose clips both have usable (present, not silent) sound, motion otherwise;
# audio / motion: only that; both: every kind of evidence each pair has, combined in one fit.
METHODS = ("auto", "audio", "motion", "both")
METHOD = "auto"

# --- execution --------------------------------------------------------------------------------------
# Clips are probed and decoded concurrently, each by its own ffmpeg process. Up to twice as many
# processes as cores: decoders of different codecs differ 3x in speed, and with one per core the
# slowest clip often waits for a free slot and finishes last; with more, the kernel shares the cores
# and the whole batch ends when the total work is done. Memory per process is ~60 MB.
WORKERS = 2 * (os.cpu_count() or 1)

# --- batch and signature cache ---------------------------------------------------------------------
# Signatures are kept on disk between runs so that a second pass over the same footage decodes nothing.
# The folder is $SYNCAM_CACHE_DIR, else $XDG_CACHE_HOME/syncam, else ~/.cache/syncam (the XDG default,
# which backup tools and `rm -rf ~/.cache` already treat as disposable).
CACHE_ENV = "SYNCAM_CACHE_DIR"
CACHE_SUBDIR = "syncam"

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

# The mosaic `syncam batch --render` writes beside each manifest. Files named syncam-* are outputs, so
# batch never mistakes them for clips when it walks a folder tree again.
MOSAIC_NAME = "syncam-mosaic.mp4"

# --- export (syncam export, align --export, batch --export) -------------------------------------------
# Formats by the output's extension. EDL holds one video track, so .edl writes one file per camera
# (OUT.<camera>.edl).
EXPORT_FORMATS = (".otio", ".fcpxml", ".xml", ".edl", ".aaf")
# Timeline frame rate when no placed clip has video (recorders only): the PAL/European video rate;
# every NLE opens it, and a sound-only timeline has no frames to misplace.
EXPORT_FPS = 25
# Unplaced clips sit on a track of their own that starts this long after the last placed clip ends
# (and with this much between them): clearly apart from synchronized material, never at time 0, where
# they would look placed.
EXPORT_UNPLACED_GAP = 10.0  # seconds
EXPORT_UNPLACED_TRACK = "unplaced (not synchronized)"

# --- cameras and takes -----------------------------------------------------------------------------
# Two takes of one camera may touch (a recorder splitting its file every 2 GB starts the next file on
# the frame after) but not overlap. Placements are good to ~1 ms by sound and ~20 ms by picture, so an
# overlap beyond 0.1 s is a wrong placement, not measurement noise.
TAKE_OVERLAP_TOLERANCE = 0.1  # seconds
# The timeline `syncam batch --export FORMAT` writes beside each manifest (syncam-timeline.otio, ...).
TIMELINE_STEM = "syncam-timeline"

# --- metadata priors (align --use-metadata) -----------------------------------------------------------
# A take placed from its camera's clock alone gets this confidence: below MIN_CONFIDENCE, so nobody
# mistakes it for a measured placement, and above 0, so it is told from unplaced.
METADATA_CONFIDENCE = 0.1
# Creation times are whole seconds, and cameras write them at the start or up to a second or two
# later (when the file is opened): two takes' clocks that disagree with their measured places by more
# than this are reported as contradicting the evidence.
METADATA_TOLERANCE = 2.0  # seconds
