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

# --- sound heard more than once (sync/repeats.py) ---------------------------------------------------
# A pair's other lags are kept as candidates of their own when they stand above the noise as far as a
# match must (the same bound as MIN_CONFIDENCE: 1 - noise maximum / peak), at most ALTERNATIVES of
# them besides the best. A PA replaying a jingle three times gives a pair up to three such lags.
ALTERNATIVE_MIN = 0.25
ALTERNATIVES = 3
# A window supports a lag when its own lag is within SUPPORT_AGREE of it at a z-score of SUPPORT_Z or
# more. Its search spans +-FINE_SEARCH (480 lags at 8 kHz), whose noise maximum is 3.5: 6 is clear of
# it. 2 ms: windows of real speech between two phones agree to well under 1 ms; a replay is seconds
# away.
SUPPORT_AGREE = 0.002  # seconds
SUPPORT_Z = 6.0
# A window has usable sound in a clip when at least this share of its whitened samples is not gated
# (silence, a muted track, a clip's end).
USABLE_SOUND = 0.5
# A lag that explains at least this share of its overlap's usable windows is weighed before the ones
# that explain less (the solver's order): the true lag of two phones in one room explains most of
# their overlap; a replay's lag only the replayed seconds.
EXPLAIN_STRONG = 0.5
# Index-voted lags are searched this far either side on the whitened sound (the index's lags are good
# to one 32 ms hop; the range must also hold the runner-up that the confidence rule compares with).
CONFIRM_REACH = 1.0  # seconds
# From this many clips with sound, the fingerprint index proposes the pairs to search (sync/index.py);
# below it every pair is searched whole. Six clips are 15 pairs: searching them all costs about what
# decoding them does, and needs no landmark in common (a far microphone in a reverberant hall).
INDEX_FROM_CLIPS = 7
# Events that large decode their short clips' sound a few to one ffmpeg (ffmpeg.stream_pcm_together):
# starting ffmpeg costs ~65 ms of CPU (resolving its 215 libraries' symbols), more than decoding a
# minute of phone sound. The 47 phones of 15-90 s (2026-12-07): one ffmpeg a clip 4.8 s of CPU, 4 a
# process 3.4 s, 8 or 12 3.3 s. Six keep enough groups to share two cores; a clip longer than
# DECODE_TOGETHER_SECONDS is decoded alone (its start-up is small beside its decode, and it should
# run beside the others). Fewer clips decode one a process: each pair is searched as soon as both
# are decoded, and a group would hold its clips back until the slowest is done.
DECODE_TOGETHER_CLIPS = 6
DECODE_TOGETHER_SECONDS = 120.0
# A window whose middle lies within this of the middle of a window that supported a replay's lag
# shares three quarters of its sound with it: it tells nothing about which replay was heard. Windows
# lie on each pair's own grid; a whole window (2 s) marked the heard-once seconds beside a jingle as
# repeated too (many_phones: a phone sharing 12 s of speech next to a jingle was left unplaced).
REPEAT_REACH = 1.0  # seconds (a quarter of OBS_WINDOW)
# Rounds of the solve that take out clips only repeated sound places (each round can expose more).
REPEAT_ROUNDS = 4

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

# --- landmark fingerprint index (issue 19: candidate pairs and lags without searching every pair) ----
# Spectrogram of the landmarks (signals/landmarks.py): 512-sample frames at 8 kHz (64 ms, 15.6 Hz bins:
# long enough to resolve speech harmonics and notes into separate peaks) every 256 samples (32 ms: 31
# frames a second; a hop is the lag resolution of the votes, which the whitened search then refines).
LANDMARK_FRAME = 512
LANDMARK_HOP = 256
# 250-3500 Hz: what a GSM phone (300-3400 Hz), every codec's low-pass and a camera's own microphone all
# keep; below sits hum, wind and handling rumble. 208 bins: f1 fits 8 bits of the hash.
LANDMARK_BAND = (250.0, 3500.0)  # Hz
# A peak is the largest value within +-4 frames (+-128 ms) and +-6 bins (+-94 Hz), LANDMARK_PROMINENCE
# dB above the mean spectrum level of the surrounding +-LANDMARK_LEVEL_FRAMES frames (a second), and
# above LANDMARK_FLOOR dBFS (silence and a muted track's floor give none). That keeps ~40 peaks a
# second of music or speech. Measured on the hard conditions (tests/hardgen.py, bench/bench_index.py):
# a hall microphone (RT60 1.5-2 s, direct path 4-10 dB under the reverberation, babble at 0 to -5 dB)
# keeps only a quarter of a clean recording's peaks within a frame, so sparser peaks (the +-7 x +-10
# neighbourhood audfprint-like densities of ~20 a second) left 9 of 10 hall pairs without votes.
LANDMARK_PEAK_FRAMES = 4
LANDMARK_PEAK_BINS = 6
LANDMARK_PROMINENCE = 6.0  # dB
LANDMARK_LEVEL_FRAMES = 16
LANDMARK_FLOOR = -80.0  # dBFS
# Each anchor peak pairs with the next LANDMARK_FANOUT peaks 1..LANDMARK_MAX_DT frames later (2 s) and
# within +-LANDMARK_MAX_DF bins (480 Hz); hash = f1 (8 bits) | df (6 bits) | dt in two-frame steps
# (5 bits). Eight pairs per peak (not audfprint's 3): a reverberant room moves and drops peaks, and
# a pair survives only if both its peaks do, so more pairs per peak keep more surviving pairs; the
# two-frame dt keeps a pair whose second peak moved by a frame (measured while tuning, on the hall's
# unencoded sound: pairs with significance >= 3, 6 of 10 -> 8 of 10 with the coarser dt).
LANDMARK_FANOUT = 8
LANDMARK_MAX_DT = 63
LANDMARK_MAX_DF = 31
LANDMARK_HASH_BITS = 19
# Voting (sync/index.py): a lag peak needs this many agreeing landmarks to be reported at all (below,
# even a 4 s clip's chance coincidences reach it), each pair keeps its INDEX_MAX_LAGS best peaks (a
# jingle played three times gives three), and a hash occurring more than INDEX_HASH_CAP times across
# the event is dropped: a stationary sound repeats one hash through a clip and would vote at every lag.
INDEX_MIN_VOTES = 4
INDEX_MAX_LAGS = 8
INDEX_HASH_CAP = 200
# vote() reports a lag peak only at this significance (-log10 of the expected number of the pair's lag
# bins with as many votes by chance). 1920 unrelated real pairs through AAC/MP3/Opus/GSM, 3-120 s
# (bench/bench_index.py null, seeds 3 and 4): median -0.3 and -0.4, 99th percentile 2.3 and 2.5,
# highest 4.5 and 5.4 (a trumpet loop against a song, speech against speech: music in one key and one
# voice share peaks). 7 stands 1.6 above the worst: 40 times less likely.
INDEX_MIN_SIGNIFICANCE = 7.0

# --- issue 23, the loose ends: report speed ------------------------------------------------------
# A report's correlation curve is computed over at most this many samples of the two signatures
# together (longer ones are averaged over blocks first): the page draws 2000 points of it and a 4 s
# zoom, and a 10-minute pair at the aligner's 2 kHz took three 4-million-point FFTs (0.3 s) a curve.
# At 2^18 that pair is drawn at 200 Hz: 5 ms a lag in the zoom, whose 4 s span 268 pixels wide (15 ms
# a pixel); pairs under a minute each are drawn at full rate. (2^19 doubled the curves' time, 0.25 s
# of a 3-camera report, for lags a third of a pixel apart instead of two thirds.)
REPORT_CURVE_SAMPLES = 1 << 18

# --- view (syncam view: every camera in sync in a browser) ---------------------------------------------
# The server listens on this port; 0 asks the system for a free one (printed), so two views of two
# events never collide and nothing else on the machine is needed to pick one.
VIEW_PORT = 0
# Proxies are this many lines high (never more than the original): 720 lines decode in real time on
# any machine, in every browser, for many tiles at once, and are sharp enough to see what happened.
VIEW_PROXY_HEIGHT = 720
VIEW_PROXY_HEIGHT_RANGE = (144, 2160)  # what --proxy-size accepts
# x264 at this CRF and preset: visually clean at 720 lines, made at several times real time.
VIEW_PROXY_CRF = 23
VIEW_PROXY_PRESET = "veryfast"
VIEW_PROXY_AUDIO_BITRATE = "128k"
# What Chromium and Firefox both play from a file: (containers by ffprobe's format name, video codecs,
# audio codecs). MP4/MOV with H.264 (8-bit 4:2:0) and AAC/MP3/Opus; WebM with VP8/VP9/AV1 and Opus or
# Vorbis. Anything else (MJPEG, PCM, HEVC, ProRes, DNxHD, Matroska, AVI) gets an H.264 + AAC proxy.
VIEW_PLAYABLE = (
    (("mov,mp4,m4a,3gp,3g2,mj2",), ("h264", "av1"), ("aac", "mp3", "opus")),
    (("matroska,webm",), ("vp8", "vp9", "av1"), ("opus", "vorbis")),
)
VIEW_PIXEL_FORMATS = ("yuv420p", "yuvj420p")  # 10-bit and 4:2:2/4:4:4 H.264 do not play in browsers
# Files are sent in pieces of this size: small enough that an aborted range request (browsers abort
# many while seeking) stops quickly, large enough to cost nothing.
VIEW_CHUNK = 1 << 16  # bytes

# --- split (syncam split: a released compilation -> its cameras' shots) -------------------------------
# Cuts are found on frames scaled to this width (height by the frame's aspect): PySceneDetect's own
# default downscale for content detection is to about 256 px wide; detail finer than that is not what
# tells one shot from the next, and a smaller decode is what keeps split far above real time.
SPLIT_SCAN_WIDTH = 256
# PySceneDetect AdaptiveDetector's own defaults (a frame's change against the average of its 2
# neighbours each side must be 3x, and at least 15 on its content scale), which find hard cuts in
# compressed footage without firing on fast motion; shots shorter than SPLIT_MIN_SHOT frames are
# not cut again (a release's shots last seconds; a flash must not make two).
SPLIT_ADAPTIVE_THRESHOLD = 3.0
SPLIT_MIN_CONTENT = 15.0
SPLIT_MIN_SHOT = 8  # frames
# Dissolves and fades: a window of frames that are, each, a blend of the frames just before and just
# after it (residual under this fraction of the change across the window), with the blend's weight
# rising through the window, is one transition; its cut is put where the new shot outweighs the old
# (weight 0.5). Windows of these half-widths (frames) are tried: 2 to 25 covers 0.2-2 s dissolves.
SPLIT_DISSOLVE_HALF_WIDTHS = (3, 5, 8, 12, 18, 25)
SPLIT_DISSOLVE_RESIDUAL = 0.15
# ... and only where the picture changes across the window at least this much (mean absolute grey
# level, 0-255, on the small frames): a cut-sized change, not a shot's own motion.
SPLIT_DISSOLVE_MIN_CHANGE = 20.0
# The small grey frames kept for the dissolve fit and the shot kinds: 32x18 is 576 bytes a frame, so
# an hour at 25 fps stays near 50 MB, and is still enough to tell a blend from a shot.
SPLIT_THUMB = (64, 36)
# Kinds of shot no camera filmed. Black: mean grey level under this (0-255). Still (a freeze frame,
# a slate): the picture changes less than this per frame (mean absolute grey level) across the
# whole shot: an encoder's noise on a held frame stays well under 1, a fixed camera's own noise and
# a running clock above it. Title: a still whose most common grey level covers at least this share
# of the picture (a card: text on a flat colour).
SPLIT_BLACK_LEVEL = 20.0
SPLIT_STILL_CHANGE = 0.6
SPLIT_TITLE_FLAT = 0.6
# cropdetect's black level (0-1 of full scale; ffmpeg's default 24/255): bars of a compressed release
# are not pure black.
SPLIT_CROP_LIMIT = 0.094
# Grouping shots into cameras: each shot is seen on SPLIT_GROUP_FRAMES frames (spread inside the shot,
# away from its ends and any dissolve), SPLIT_GROUP_WIDTH px wide, ORB keypoints (up to
# SPLIT_ORB_FEATURES) matched and a RANSAC homography fitted (SPLIT_RANSAC_PX reprojection error).
# Two shots are one camera when some pair of their frames has at least SPLIT_MIN_INLIERS inliers, over
# at least SPLIT_MIN_CELLS of a 4x4 grid (a burned-in clock or logo in the same place in two cameras
# matches too, but in one corner), and the homography moves no corner of the frame more than
# SPLIT_MAX_SHIFT of its diagonal: a fixed camera keeps its view (a handheld one drifts a few per cent),
# while another camera on the same place (a lookalike) sees it from elsewhere or at another zoom.
SPLIT_GROUP_FRAMES = 3
SPLIT_GROUP_WIDTH = 480
SPLIT_ORB_FEATURES = 700  # per frame: ~2000 a shot; a pair is matched in a few milliseconds
# A shot is compared with this many of each camera's latest shots (a camera that drifts slowly, a
# handheld one, is followed by its latest view)
SPLIT_GROUP_COMPARE = 2
SPLIT_RANSAC_PX = 3.0
SPLIT_MIN_INLIERS = 40
SPLIT_MIN_CELLS = 6
SPLIT_MAX_SHIFT = 0.08
# Shots are re-encoded with H.264 at this quality: CRF 16 is visually lossless for most footage. The
# preset trades file size for speed, not quality at a given CRF: ultrafast encodes 720p about twice
# as fast as veryfast (files about 4x larger), which is what keeps split above 4x real time on 2
# cores (bench/bench_split.py).
SPLIT_CRF = 16
SPLIT_PRESET = "ultrafast"
SPLIT_AUDIO_BITRATE = "192k"
# Sound that runs on across a cut is laid over the pictures (a voice-over, a music bed), not a
# camera's. Each camera hears its own place between the sounds (traffic, wind, a room's hum), so its
# sound's floor (each of 16 bands' 2nd-percentile level) changes at a cut; one recording laid over
# several shots keeps its floor. Floors are compared over the shots each side of a cut, up to
# SPLIT_AUDIO_SPAN from it (long enough to hold pauses between words: over half a second a
# voice-over's floor is often its own speech), and the sound is taken as running on when they differ
# by less than SPLIT_AUDIO_JUMP_DB (measured on the test release: 1-2 dB across a voice-over's cuts,
# 9-24 dB across cameras' cuts).
SPLIT_AUDIO_SPAN = 3.0  # seconds
SPLIT_AUDIO_FLOOR_PERCENTILE = 2
SPLIT_AUDIO_JUMP_DB = 4.0
# A shot whose sound stays under this level (dBFS RMS) has none worth aligning by.
SPLIT_SILENCE_DB = -55.0
# The listing of a split's shots, in its output folder.
SPLIT_LISTING = "shots.json"
# --- burned-in clocks (syncam/clock, sync/clocks.py; align --clock/--clock-format/--no-clock) --------
# The find step reads this much of a clip's start at full resolution: enough for three turnovers of
# the seconds digit, little enough to give up fast on a clip without a clock.
CLOCK_FIND_SECONDS = 3.4
# A pixel "changes" between two frames when its grey level moves by more than this: text against its
# ground moves by 100 or more; JPEG/H.264 noise on still text stays well below.
CLOCK_CHANGE_LEVEL = 40
# The text line to read reaches this many digit heights left and right of the seconds digit (a
# weekday, a date and a time are ~23 characters of ~0.6 heights each; AM/PM follows the seconds) and
# this many heights above and below it (outlines, shadows, boxes).
CLOCK_BAND_LEFT = 22.0
CLOCK_BAND_RIGHT = 4.0
CLOCK_BAND_MARGIN = 1.0
# Bootstrap and template reads work on the line scaled so that a digit is this tall: Tesseract reads
# best at 30-40 px; small overlays are 10 px.
CLOCK_GLYPH_HEIGHT = 32
# Among the frames of one second, the seconds digit has turned over when this share of its box's
# pixels changed (a digit that changes into another changes 10-50% of its box; compression noise on
# still text under 3%).
CLOCK_TURN_SHARE = 0.08
# A template match below this normalised correlation is no reading (the image goes to OCR instead).
CLOCK_GLYPH_MIN = 0.6
# Templates kept per character (different seconds of the clip: compression differs frame to frame).
CLOCK_GLYPH_KEEP = 2
# OCR reads per clip at most: the first seconds (bootstrap) and the digits templates do not know yet.
CLOCK_OCR_BUDGET = 30
# A clip up to this long is read whole; a longer one in CLOCK_WINDOWS windows of CLOCK_WINDOW
# seconds spread over it (each holds 2-3 turnovers; the line needs no more, and decoding stays well
# under half of ffmpeg's full decode). A jump between two windows is known to the windows' spacing.
CLOCK_FULL_READ = 90.0  # seconds
CLOCK_WINDOWS = 6
CLOCK_WINDOW = 2.6  # seconds
# Clock minus clip time moving by more than this is a jump (or a misread, when it does not last for
# CLOCK_SEGMENT_RUNS readings); a rate error of 400 ppm moves it 1.4 s in an hour.
CLOCK_JUMP_TOLERANCE = 1.5  # seconds
CLOCK_SEGMENT_RUNS = 3
# A reading that misses the fitted line by more than this (beyond its own second) is a misread: a
# seconds digit read one off misses by a whole second, frame timing by a frame (<= 0.08 s).
CLOCK_RUN_SLACK = 0.2  # seconds
# The clock's rate is fitted only over turnovers this far apart: over 10 s the frames' own 40 ms
# would make it +-4000 ppm; over two minutes +-300 ppm, about what a DVR's crystal drifts.
CLOCK_RATE_MIN_SPAN = 120.0  # seconds
# A clock that disagrees with sound or picture by more than this many of the clip's frames is wrong
# (the content wins); below it, the clock's own bracket of a frame explains the difference.
CLOCK_CONTRADICTS_FRAMES = 2.0
# A clip placed by its clock alone: below MIN_CONFIDENCE (nothing measured it against the others)
# and above the metadata priors' (a clock is read to a frame, a creation time to a second or two).
CLOCK_CONFIDENCE = 0.2
# Frames are split into seconds (and their turnovers placed) this many seconds at a time: enough
# seconds to tell the turnover phase from a busy background, few enough frames of the clock's line
# to hold (a 1080p line is ~60 KB a frame).
CLOCK_CHUNK = 4.0  # seconds
# Read on trial (see CLOCK_TRIAL_OCR), the clock's layout (where its digits are, AM/PM or not) is
# voted on (CLOCK_VOTE_*) once this many OCR reads of different seconds are in: two that agree,
# nothing against them, are as many as the vote asks for.
CLOCK_BOOTSTRAP = 2
# A place where pixels turn over once a second but whose still reads as no date/time is read on whole
# seconds "on trial" with at most this many OCR reads, and dropped after its first CLOCK_CHUNK: a
# clip without a clock must not pay for a full read.
CLOCK_TRIAL_OCR = 40

# --- motion that generalises: threshold and error of picture matches (issue 23) ----------------------
# The confidence a motion match needs to be used by the solver, by the seconds of lags its scan
# searched (Match.searched: both clips' lengths minus twice MOTION_MIN_OVERLAP): ((from seconds,
# threshold), ...), looked up by sync/score.motion_threshold and scaled with --min-confidence by
# sync/solve.threshold. A match below its threshold lists its lags as candidates (clips[].candidates).
# Set from motion's own null distribution (bench/calibrate_motion.py, 7 pools, 10471 pairs of
# unrelated real clips: see the README's "Motion's null distribution"), per bin by
# sync/score.thresholds_from_null: no null pair at or above the threshold among >= 900 of its bin
# (below 1 in 300 at 95 %, sound's bound), and a shorter search never needs less than a longer one.
# A short search has few independent lags and no real runner-up: its best unrelated lag scores high.
#   under 2 s searched: 2279 null pairs, max 0.865 -> 0.9
#   2 to 5 s: 4743 pairs, max 0.660 -> 0.7       5 to 8 s: 1981 pairs, max 0.569 -> 0.6
#   8 s and more: 1468 pairs, max 0.458 -> 0.5
# The old single 0.25 placed 315 of these 10471 null pairs (3 %). What it costs: short silent views
# (6.5-9 s, 3-7 s searched) whose right matches score 0.3-0.6 are left unplaced with their
# candidates (the README lists them); the benches' 8-12 s views (matches 0.58-0.70; one of 0.46 is
# dropped, its clips placed by the rest) and the demo's silent camera (0.63-0.69) are placed.
MOTION_THRESHOLDS: tuple[tuple[float, float], ...] = ((0.0, 0.9), (2.0, 0.7), (5.0, 0.6), (8.0, 0.5))
# The error of one camera's picture placement by motion, as a standard deviation: between the RMS
# (1.5 ms) and the worst (3.2 ms) error of the placed 23.976-60 fps cameras on bench_av.py and
# bench_motion_views.py (2026-12-07, the vote of sync/subframe.py).
# An A/V lag is sound's place minus the picture's, so its standard error is at least this (the fit's
# own, from confidence weights, was ~0.9 ms against errors of 0.9-2.6 ms: ~3x optimistic). Added in
# quadrature by sync/solve.honest_lag_stderr.
MOTION_PLACEMENT_SIGMA = 0.0025  # seconds

# --- syncam report and syncam split: speed (issues 23 item 4, 21 item 6) ---------------------------
# A correlation curve's z-scores are standardised by the median and MAD of at most this many of its
# lags (a regular sample): over half a million lags of a 10-minute pair, 65536 give the same median
# to a few thousandths of a z and cost a tenth as much (two medians were a quarter of a curve's time).
# The sound event's gain scale (each envelope's 99th percentile) is taken over as many samples.
REPORT_ROBUST_SAMPLES = 1 << 16
# The sound event a report overlays is searched block by block (syncam/report/evidence.py): blocks of
# this many envelope samples (128 ms at 2 kHz) are scored by their maxima first, and only the few
# that could hold the loudest shared onset are scored sample by sample. The same instant as scoring
# every sample; a 10-minute, 3-camera event's search fell from 0.1 s to a few ms.
REPORT_EVENT_BLOCK = 256
# The contact sheet's frames are decoded by one ffmpeg for as many clips as fit in this many pixels of
# decoded frames (width x height x instants): one start of ffmpeg instead of one a clip (0.05 s of
# CPU each; a 3-camera report's ffmpeg CPU fell by a fifth), while a batch holds no more decoders'
# pictures than one 4K clip's twelve instants did when each clip had its own ffmpeg.
REPORT_GRAB_PIXELS = 12 * 3840 * 2160
# The frame on screen at an instant is looked for in this many of the clip's frame intervals before it
# (at most REPORT_FRAME_LOOKBACK): every frame in that stretch is scaled before the last is kept, and
# half a second of frames was a sixth of the contact sheet's ffmpeg CPU. A clip whose frames are
# further apart there (a variable frame rate's gap) has that instant looked for again over
# REPORT_FRAME_LOOKBACK.
REPORT_FRAME_LOOKBACK_FRAMES = 3
# split writes its shots with a few ffmpegs, each decoding a stretch of the release once and encoding
# every camera shot in it (one ffmpeg a shot decoded again from the keyframe before each and started
# 30 times; a fifth of the write stage's CPU). Each shot's encoder lives until its ffmpeg ends, so a
# batch holds at most this many pixels of frame (sixteen 720p shots, seven 1080p, one or two 4K).
SPLIT_BATCH_PIXELS = 16 * 1280 * 720

# --- memory ---------------------------------------------------------------------------------------
# The CLI sets glibc's malloc so (syncam/memory.py): blocks above MMAP_THRESHOLD are mapped on their
# own and unmapped when freed, and all threads share MALLOC_ARENAS arena, so that freed memory is
# reused rather than kept per thread. Measured on align of 3 x 60 min (in-process peak RSS, 2026-12-07,
# a loaded 2-core machine): glibc's defaults 645 MB; a 256 KB threshold 561-576 MB but 0.5-2 s more
# system CPU on 3 x 11 min (every chunk freshly mapped); 4 MB 589-593 MB, +0.5 s; one arena alone
# 611-622 MB; one arena and 16 MB 582-583 MB at the defaults' CPU (3.1-3.3 s on 3 x 11 min).
MMAP_THRESHOLD = 16 * 1024 * 1024  # bytes
MALLOC_ARENAS = 1
# Threads of numpy's OpenBLAS (the CLI sets OPENBLAS_NUM_THREADS unless the user has): its only work in
# align is the solve's small least squares (tens of unknowns), where extra threads only spin; they
# took 2.4 % of the 47-clip event's CPU (perf, 2026-12-07), on cores the decoders need.
BLAS_THREADS = 1
# Threads of ONNX Runtime in RapidOCR's recogniser (syncam/clock/rapid.py): a line of a clock is one
# small inference (~25 ms); its default, a pool as wide as the machine, spins on the cores the decoders
# and the other clips' readers need, and was no faster on a line (2026-12-08, 2 cores).
CLOCK_RAPID_THREADS = 1

# --- burned-in clocks: trusting a reading (issue 20, reading right) -----------------------------------
# The bootstrap believes OCR only where readings of this many different seconds agree on one clock
# (one layout, clock minus clip time within CLOCK_VOTE_TOLERANCE: a still starts just after its
# turnover, so right readings differ by a frame at most, a digit read one off by a whole second).
CLOCK_VOTE_STILLS = 2
CLOCK_VOTE_TOLERANCE = 0.5  # seconds
# Readings kept per still (of its several pictures): enough to outvote a misread, few Tesseract calls.
CLOCK_VOTE_READS = 3
# OCR calls a place may use to be voted a clock (3-4 stills x 2 polarities x 7 pictures, two calls
# at most each, but most stills read within a few); before any of them reads as a date/time, at most
# CLOCK_FIRST_OCR: a place without a clock (a clip without one) costs that, 0.3-1 s.
CLOCK_VOTE_OCR = 80
CLOCK_FIRST_OCR = 24
# A clip's clock is given up (unread, never placed by) when the seconds kept on its line are fewer
# than this share of the seconds read, or fewer than this many times the misreads rejected: a right
# layout reads nearly every second (the bench: >= 80 % kept), a misread one few of them.
CLOCK_KEPT_SHARE = 0.5
CLOCK_KEPT_OVER_REJECTED = 2.0
# The readings a voted clock explains must outnumber any group against it more than this many times.
# The stills of a clip show its static digits alike, so OCR can misread one the same way in every
# still ("2017" as "2018" 6 times, as "20" 3 times): 1.5 let that through on the bench; a clock read
# with a rival half as strong stays unread.
CLOCK_VOTE_MARGIN = 2.0
# The second finder (find.Steady, for a busy ground): a pixel holds still through a second when it
# stays within CLOCK_STEADY_SPREAD grey levels (compression flickers a stroke by 10-30), and turns
# with the seconds digit when its mean moves by more than CLOCK_STEADY_JUMP (text against its ground:
# 100 or more; a faint, compressed 10 px stroke 60).
CLOCK_STEADY_SPREAD = 40
CLOCK_STEADY_JUMP = 50
# Clips that sound or picture placed have their clocks read (to measure each clock's error) only where
# a cheap look finds one: the find step's first seconds, then at most this many places' bands of its
# last frame shown to OCR in at most this many calls each (a clip without a clock pays ~0.3 s).
CLOCK_PRESENT_PLACES = 2
CLOCK_PRESENT_OCR = 6

# --- burned-in clocks: reading more of them (issue 20, reading >= 99 %) --------------------------------
# A second find step compares each frame with the one this long before: an encoder that spends few bits
# on a still scene draws a new digit in over several frames, each changing it by less than
# CLOCK_CHANGE_LEVEL against the frame before (the bench's still clips: over 0.3 s); the first compares
# over 0.07 s (a clip that moves).
CLOCK_SMEAR_LAG = 0.25  # seconds
# Each run of frames showing one second brackets the clock's line (its first frame at or past the
# second, its last before the next). Runs whose brackets no line meets within CLOCK_CONFLICT_FRAMES were
# split at the wrong frames; beside fewer than CLOCK_CONFLICT_KEPT_OVER_REJECTED seconds kept per
# misread (else CLOCK_KEPT_OVER_REJECTED) the clock is not read: a 10 px digit's turnovers split three
# frames late, 4 seconds kept and 2 misread, placed a clip 0.1 s off on the bench. Right clocks there
# contradict by up to 7 frames on a busy ground, but beside at most one misread in six.
CLOCK_CONFLICT_FRAMES = 1.5
CLOCK_CONFLICT_KEPT_OVER_REJECTED = 3.0
