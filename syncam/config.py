"""Every default in one place, each with the reason for its value. The CLI's defaults read from here."""

from __future__ import annotations

import os

# --- audio signature -------------------------------------------------------------------------------
# 8 kHz mono float32: speech and most event sound carry their timing structure below 4 kHz, every source
# we meet (phones at 16 kHz, cameras at 44.1/48 kHz) can be resampled to it without aliasing, and one
# sample is 0.125 ms, so sub-sample peak interpolation reaches far below the 1 ms target. A 60-minute
# clip is 115 MB at this rate, which keeps three such clips well under 1 GB.
AUDIO_RATE = 8000

# Both signals of an audio signature are whitened in short time (signals/audio.py): 32 ms frames (256
# samples at 8 kHz) are short enough that speech, music and noise are each near-stationary inside one,
# so normalising each frame's spectrum flattens them all; hop = half a frame (sqrt-Hann windows, exact
# overlap-add). Below 100 Hz sits mains hum, wind and handling rumble and almost no timing information.
# Frames under -60 dBFS (digital silence, a muted channel) are zeroed rather than amplified into noise.
WHITEN_FRAME = 256
WHITEN_LOW = 100.0  # Hz
WHITEN_GATE = -60.0  # dBFS

# The search over every lag runs on the whitened 8 kHz signal (band 100-3600 Hz): measured on the
# reverberant hall of the hard conditions (RT60 2 s, direct path 10 dB under the reverberation, babble
# 5 dB above the music, 40 s clips), a 4 kHz scan put its best peak 27 ms off the truth while the 8 kHz
# one is exact (make bench, section hard). It costs ~0.07 s per minute of the two clips together, so
# pairs longer together than SCAN_FULL_SECONDS are searched at LONG_SCAN_RATE (2 kHz, 100-900 Hz), four
# times cheaper in time and memory (3 x 60 min at 8 kHz would need 700 MB for one pair's correlation):
# an overlap of minutes carries sqrt(minutes / 40 s) times the evidence of the hall's 40 s, which
# makes up for the narrower band; the 8 kHz windows then refine the lag to microseconds.
SCAN_FULL_SECONDS = 600.0  # the two clips' durations added
# Pairs longer together than this (two hour-long recorders) are scanned at half LONG_SCAN_RATE (1 kHz,
# 100-450 Hz): one pair's correlation at 2 kHz peaks at 270 MB for 1 h + 1 h, which with three hours of
# signatures breaks the 700 MB budget; at 1 kHz it is half, and an hour of overlap is still ~6x the
# bandwidth x time of the 8 kHz, 40 s hall case above.
SCAN_HALF_SECONDS = 5400.0
LONG_SCAN_RATE = 2000
# Threads per FFT: both cores, since pairs are correlated while other clips still decode.
FFT_WORKERS = 2

# --- motion signature ------------------------------------------------------------------------------
# Frames are decoded by ffmpeg straight to 96x64 grey: enough to see a person move in a 4x4 grid cell
# (a 1080p picture's cell is 480x270 pixels, averaged to 24x16), and 6 KB a frame, so Python's share of
# the work is tiny next to decoding. The aspect ratio is not kept: only *when* things change matters.
MOTION_SIZE = (96, 64)  # width, height
MOTION_SCALER = "area"  # averages every source pixel: less aliasing noise than bilinear, as fast
MOTION_GRID = (4, 4)  # rows, columns: a local event is compared with its own cell, not the frame

# Motion is averaged into 100 bins/s in every clip, whatever its frame rate: 10 ms is a quarter frame
# at 25 fps, so parabolic interpolation of the (smoothed) correlation peak lands well inside a frame,
# and the rate is common to 24/25/30/50/59.94 fps clips and VFR phone footage alike.
MOTION_RATE = 100
# --- the motion sub-frame stage (signals/motion.fine_curves, sync/subframe.py) --------------------
# The coarse peak is refined on per-cell curves of a finer grid: cells of two cameras that see the same
# things are paired by how well they correlate, so what only the wider view sees does not pull the
# lag. On crops of the test footage (a third of the view), 8x8 cells cut the worst error from 8.8 ms
# (the one coarse curve) to 3.3 ms, 4x4 to 4.3 ms.
MOTION_FINE_GRID = (8, 8)  # rows, columns; 96x64 frames give 12x8-pixel cells
# Each curve is smoothed by a Gaussian of this width (or of one frame interval, if longer). Without it,
# cameras whose frames fall at different instants alias the frame-to-frame flicker differently, and
# the peak locked toward whole frames: 25 fps cameras a quarter frame apart came out 6-8 ms wrong.
# Measured on motion-interpolated street footage at 25, 29.97 and 30 fps: 20 ms left 2.7 ms of error,
# 30 ms 1.4 ms, 40 ms 1.1 ms. The coarse search keeps its unsmoothed curve: its confidence needs the
# sharp peak (smoothed, true matches fell below the threshold).
MOTION_SMOOTH = 0.04  # seconds (sigma)
# Smoothed curves hold nothing above ~10 Hz: 50 values/s carry them, in float16 (65 curves: 6.5 KB/s,
# 23 MB for an hour of footage).
MOTION_FINE_RATE = 50
# The sub-frame stage looks this far either side of the coarse peak: the coarse lag was within 15 ms
# on the test footage, and a smoothed peak is ~0.1 s wide.
MOTION_REFINE_REACH = 0.08  # seconds
# and uses at most this much of the overlap (its middle): pairing 65 x 65 curves at every shift costs
# ~10 ms per minute of overlap, and ten minutes of motion pin the lag as well as an hour.
MOTION_REFINE_SPAN = 600.0  # seconds
# The stage also pairs cells of dense optical flow (OpenCV Farneback on the 96x64 grey frames, the x
# and y flow averaged per fine cell): where a thing moves, not only how much changes. Its lag now
# votes with the energy pairing's and the coarse lag (the median: sync/subframe.vote); the figures that
# follow are from when the two pairings were summed. Summed with the
# energy pairing (each curve scaled to its peak), on bench_av's 10 cameras it brought the one miss (a
# 59.94 fps crop, 4.9 ms against a 4.2 ms quarter frame) inside (3.8 ms): 10 of 10 within a quarter
# frame, RMS 2.2 ms against 2.3; it also moved the VFR phone from 3.1 to 4.6 ms (quarter: 8.3). Flow
# alone was worse (worst 7.2 ms). It costs ~0.9 ms a frame on one core, so it runs on the middle of
# each clip only: 60 s is ~1.7 s at 30 fps, against ~20 s to decode ten minutes of 1080p. Pairs whose
# flow spans share less than MOTION_FLOW_MIN_OVERLAP use energy alone.
MOTION_FLOW_SPAN = 60.0  # seconds of each clip (its middle); 0 switches flow off
MOTION_FLOW_MIN_OVERLAP = 5.0  # seconds
# pyr_scale, levels, winsize, iterations, poly_n, poly_sigma: two pyramid levels and a 9-pixel window
# suit 96x64 frames (a person is ~5-15 pixels). Chosen once for the baseline, not tuned.
MOTION_FLOW_PARAMS = (0.5, 2, 9, 2, 5, 1.1)
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
# A lag is searched when it gives at least this much shared sound. Below 2 s a whitened correlation has
# too few independent values for its z-score to be normal; above it, whether a match counts is decided
# by its calibrated confidence, not by its length (a 4.5 s clip that matches clearly is placed).
MIN_OVERLAP = 2.0  # seconds
# Motion keeps 5 s: its 100/s signal has far fewer independent values per second than sound.
MOTION_MIN_OVERLAP = 5.0  # seconds

# Peaks within this distance of the best one belong to it; the runner-up is searched outside it.
# 0.1 s is wider than a whitened peak and its early reflections, and narrower than any musical beat.
PEAK_EXCLUSION = 0.1  # seconds
# Motion peaks are broader: a difference spans a whole frame interval (up to 42 ms at 24 fps) and
# motion is smooth over several frames, so the peak's own flank reaches further than audio's.
PEAK_EXCLUSION_MOTION = 0.25  # seconds

# Only windows whose own lag is within AGREE of the chosen lag are added up to refine it: a window
# of unrelated sound would otherwise pull the peak (measured: 28 ms, on a 5 s shared burst in 60 s).
AGREE = 0.001  # seconds
# A window of digitally identical sound has a z-score in the millions (its noise is rounding): scores
# are capped here, far above any real recording's, so manifests stay readable.
MAX_SCORE = 999.0

# Windowed evidence (sync/windows.py): the overlap at the chosen lag is cut into 4 s windows, each
# correlated on the 8 kHz whitened signal within +-FINE_SEARCH of the lag. 4 s of sound gives a
# window z-score of 10-40 on a real match (noise over +-30 ms peaks near 3.5), and 128 windows (the
# most kept; evenly spread over longer overlaps) fit a drift line to a fraction of a ppm. A window is
# never shorter than MIN_WINDOW.
OBS_WINDOW = 4.0  # seconds
OBS_MAX_WINDOWS = 128
MIN_WINDOW = 1.5  # seconds
FINE_SEARCH = 0.03  # +- seconds around the scan's lag (its step is 0.25 ms; 30 ms leaves room for drift)
# The summed windows' peak must stand this many robust standard deviations high to move the scan's
# lag; noise over +-30 ms (481 lags) peaks near 3.5.
FINE_MIN_Z = 8.0

# --- clock drift (sync/drift.py, sync/solve.py) --------------------------------------------------------
# "auto": fit each clip's clock rate (ppm) with its offset; "off": offsets only (the rate is 0 for all).
DRIFT = "auto"
DRIFTS = ("auto", "off")
# A window counts in the drift line when its z-score reaches DRIFT_MIN_Z: noise over +-30 ms peaks near
# 3.5 and real 4 s windows score 10-40, so 6 keeps nearly every real window and almost no noise.
DRIFT_MIN_Z = 6.0
# Huber weights beyond 1.5 robust deviations, rejection beyond 4: a window hit by a door slam in one
# camera only is off by milliseconds, the rest of a real pair scatter by tens of microseconds.
DRIFT_HUBER = 1.5
DRIFT_REJECT = 4.0
DRIFT_ITERATIONS = 6
# A window's lag is never trusted better than 5 us (0.04 sample at 8 kHz): a digital copy's windows
# agree to nanoseconds, which would otherwise give it an absurd weight in the global fit.
DRIFT_MIN_SIGMA = 5e-6  # seconds
# A pair's slope is used (a clip's rate gets a column in the global fit) only from at least 8 windows
# spread over 30 s with a standard error of at most 2 ppm: below that the error could be as large as
# the drifts met in practice (3-270 ppm between devices, mostly tens), so the rate stays 0 and the
# clip says why. 2 ppm is 0.12 ms per minute: within the 1 ms offset target over 8 minutes.
DRIFT_MIN_WINDOWS = 8
DRIFT_MIN_SPAN = 30.0  # seconds
DRIFT_MAX_STDERR_PPM = 2.0
# Tracking rounds: each one re-measures the windows the line moved by more than FINE_SEARCH/3, over up
# to twice the span already fitted, so 8 rounds reach 2^8 times the central span (always the whole
# overlap from a 30 s start).
DRIFT_TRACK_ROUNDS = 8
# Drift search (search 4 of sync/correlate.py): when no other search is sure, a drifting pair may be the
# reason (300 ppm moves the lag 90 ms over 5 minutes: the whole-overlap scan, coherent to a fraction of
# a millisecond, then finds nothing; measured, 80 ppm over 5 minutes already gave confidence 0). 6 s
# segments of the shorter clip (up to 48, evenly spread: ~1 s of FFTs against 10 minutes; 48 placed
# every pair of bench/bench_drift.py, whose sum peaks stood far above the noise) are each correlated
# with the whole other clip on the scan's 2 kHz signal (300 ppm smears a 6 s segment by 1.8 ms, about
# its peak's width), each curve is max-pooled over the lags the drift can reach from the segment's place
# (DRIFT_MAX_PPM), and the standardised curves are added: the drifting line of peaks adds up, noise does
# not. Only pairs of at least DRIFT_SEARCH_MIN seconds each: shorter ones drift too little to defeat the
# other searches.
DRIFT_SEGMENT = 6.0  # seconds
DRIFT_SEGMENTS = 48
DRIFT_MAX_PPM = 500.0  # measured between real devices: 3-270 ppm
DRIFT_SEARCH_MIN = 60.0  # seconds
# A lag measured without a drift line (a motion match, or audio without usable windows) has this
# standard deviation in the global fit, divided by its confidence and its method's weight
# (METHOD_WEIGHT): it only sets how such matches weigh against fitted pairs.
LAG_SIGMA = 1e-4  # seconds

# Window search (search 2 of sync/correlate.py): 4 s windows every 2 s of the shorter clip, each
# against every lag of the other. Its cost is windows x the longer clip's samples; above this budget
# (about 2.5 minutes against 2.5 minutes, ~1 s of CPU) only the scan runs, and long clips rely on it:
# there, even a few seconds of shared sound add up over the scan's long overlap.
SEARCH_WINDOW = 4.0  # seconds
SEARCH_MAX_WINDOWS = 200
WINDOW_SEARCH_BUDGET = 1.0e8  # window-samples
# The window search's noise maximum is raised by this factor: its windows overlap by half and 4 s of
# whitened sound has heavier tails than a normal distribution, so its null scores reach higher than
# the scan's (bench/calibrate.py, 900 unrelated pairs: the highest window verdict 0.214 without it,
# the highest scan verdict 0.137). Real window matches (a 5 s burst in 60 s) score 0.89 and lose 0.01.
WINDOW_NOISE_FACTOR = 1.1

# When the scan's best lag is not clearly ahead (confidence below AMBIGUOUS_BELOW) but stands
# AMBIGUOUS_MIN_PEAK times above the noise maximum, every lag scoring at least CANDIDATE_RATIO of the
# best (at most CANDIDATES) is compared window by window (the loop tournament). 1 s windows: one
# transient (a shout, a drum fill) is a large part of a 1 s window, a small part of a 4 s one.
CANDIDATES = 32
CANDIDATE_RATIO = 0.6
AMBIGUOUS_BELOW = 0.5
AMBIGUOUS_MIN_PEAK = 2.0
LOOP_WINDOW = 1.0  # seconds
LOOP_SEARCH = 0.005  # +- seconds: the scan's lags are good to 0.25 ms
LOOP_MAX_WINDOWS = 400
# A floor on the spread of window score differences: a digital loop with no noise at all would
# otherwise divide by zero and make any difference look infinitely significant.
LOOP_MIN_SPREAD = 0.5
# Lags listed in the manifest for a person to choose from when no search was sure.
CANDIDATES_REPORTED = 8

# Matches below this confidence are not used by the solver. The score is 1 - runner_up/peak (see
# sync/score.py). Measured on 900 pairs of unrelated real recordings, 3 to 120 s each (speech against
# speech, music, whale song, a bird, babble, a loop, near-silence with hum: bench/calibrate.py, seeds 1
# and 2), the highest confidence any search gave was 0.137 (99th percentile 0.07-0.08): none reached
# 0.25, which bounds the false-placement rate per pair below 1 in 300 (95 %). Real matches in the hard
# conditions (a hall at RT60 2 s with babble, a GSM phone, 5 s shared in 60 s, a live loop, 4.5 s
# clips) score 0.42-0.96.
MIN_CONFIDENCE = 0.25

# --- solving ----------------------------------------------------------------------------------------
# Two routes between the same clips that disagree by more than this are inconsistent: one of their
# matches is wrong. Correct audio matches agree to well under a millisecond.
LOOP_TOLERANCE = 0.02  # seconds
# Motion matches are good to a fraction of a frame, not to a millisecond: on the test footage (25 to
# 59.94 fps, zoomed crops, VFR) their errors reach 5 ms, and a loop adds up to three of them. A loop
# that mixes sound and picture (--method both) also differs by the cameras' A/V lags: acoustic delay
# is 3 ms a metre, so 0.12 s holds cameras up to ~35 m from the source. A wrong motion match is off
# by far more (the next peak is at least PEAK_EXCLUSION_MOTION away), so this still catches it.
LOOP_TOLERANCE_MOTION = 0.12  # seconds

# Weight of a match in the least-squares fit, per unit of confidence: the inverse variance of its
# method's error. Sound lags scatter by well under 1 ms, motion lags by up to 5-10 ms: 0.01. So a clip
# placed by sound keeps its sound offset even when motion matches also reach it, and motion decides
# only where it is the only evidence (or, with --method both, for the picture of a clip whose A/V lag
# is estimated: there sound sets only the lag).
METHOD_WEIGHT = {"audio": 1.0, "motion": 0.01}
# A clip's A/V lag (--method both) has a prior: 0 with this standard deviation. Wide: acoustic delay
# is 3 ms a metre (a camera 30 m from a stage: 90 ms) and devices add their own pipelines. A measured
# lag moves by (motion sigma / prior)^2, ~0.02 %; one that nothing measures stays 0.
AV_LAG_PRIOR = 0.1  # seconds

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
# A drifting clip's sound is resampled to A Hz and read as B Hz (A/B = 1 + drift): the ratio's
# denominator up to 200 000 matches any drift to ~1e-10 (a microsecond a day) while A stays a few
# hundred kHz at most.
RENDER_STRETCH_DENOMINATOR = 200_000
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

# --- report -----------------------------------------------------------------------------------------
# The contact sheet shows every camera at this many timeline instants (one row each): 8 rows of
# thumbnails fit a laptop screen or two, and still sample a long event every few minutes.
REPORT_INSTANTS = 8
REPORT_INSTANTS_RANGE = (6, 12)  # what --instants accepts: fewer shows too little, more is a video
# One contact-sheet cell: 16:9, big enough to read a slate or a face, small enough that 8 rows of 6
# cameras stay a few hundred KB of PNG inside the page.
REPORT_CELL = (240, 135)  # width, height
# A frame is taken as on screen at an instant when it starts at most this long after it: ffmpeg's trim
# rounds to the stream's time base, a whole millisecond in WebM/Matroska.
REPORT_FRAME_SLACK = 0.001  # seconds
# How far before an instant ffmpeg starts looking for the frame on screen then: longer than one frame
# interval at any rate a camera records (a 2 fps time-lapse still has a frame in it).
REPORT_FRAME_LOOKBACK = 0.5  # seconds
# Correlation curves are drawn from at most this many points (each the highest of its stretch of
# lags, so no peak is lost): a 10-minute pair has 120 000 lags, more than a plot has pixels.
REPORT_CURVE_POINTS = 2000
# The zoom around a match's peak spans +- this much lag: several beats of speech or motion, enough to
# see the runner-up of a near-tie and the width of the peak.
REPORT_ZOOM = 2.0  # seconds
# The overlaid sound envelopes span +- this much timeline around the strongest shared event, and the
# waveforms +- REPORT_WAVE_SPAN: an envelope shows the event's shape, a waveform millisecond agreement.
REPORT_EVENT_SPAN = 1.5  # seconds
REPORT_WAVE_SPAN = 0.05  # seconds
# Where `syncam batch --report` puts each event's page (beside its manifest) and the index of them all.
REPORT_NAME = "syncam-report.html"
REPORT_INDEX_NAME = "syncam-report-index.html"
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

# --- motion that generalises: threshold and error of picture matches (issue 23) ----------------------
# Motion matches below this confidence are not used by the solver (sync/solve.threshold; scaled with
# --min-confidence), and a motion match below it lists its lags as candidates (clips[].candidates).
# Motion's own null distribution (bench/calibrate_motion.py, seeds 1 and 2 of its pool: 2523 pairs of
# unrelated real clips, 3-20 s, three videos at 0.5x-1.5x, crops to a third, exposure and noise) is far
# heavier than sound's: median 0, 99th percentile 0.37, max 0.68; 70 of 2523 pairs (2.8 %) reach 0.25,
# 36 reach 0.35, 8 reach 0.5. The same false-placement bound as sound (none of >= 900 null pairs at or
# above it: below 1 in 300 at 95 %) needs 0.7 (sync/score.threshold_from_null). But the right matches
# of short silent views score 0.24-0.67 (bench_motion_views.py, bench_av.py's street): at 0.7 none of
# them is placed and the motion tests fail. Kept at sound's 0.25 until the motion score separates them
# (see the README's "Motion's null distribution"); a motion match is then false ~3 % of the time for
# clips under 10 s, less for longer overlaps (470 pairs of >= 6 s: max 0.37).
MOTION_MIN_CONFIDENCE = 0.25
# The error of one camera's picture placement by motion, as a standard deviation: between the RMS
# (1.5 ms) and the worst (3.2 ms) error of the placed 23.976-60 fps cameras on bench_av.py and
# bench_motion_views.py (2026-12-07, the vote of sync/subframe.py).
# An A/V lag is sound's place minus the picture's, so its standard error is at least this (the fit's
# own, from confidence weights, was ~0.9 ms against errors of 0.9-2.6 ms: ~3x optimistic). Added in
# quadrature by sync/solve.honest_lag_stderr.
MOTION_PLACEMENT_SIGMA = 0.0025  # seconds
