"""The report's pure parts: correlation curves, thinning, instants, the shared event, sheet geometry,
and the ffmpeg arguments that grab frames."""

from __future__ import annotations

import os

import numpy as np
import pytest

from syncam import config
from syncam.media import ffmpeg
from syncam.report import evidence, sheet
from syncam.types import Method, Signature


def _sig(values: np.ndarray, start: float = 0.0) -> Signature:
    return Signature(method=Method.AUDIO, rate=100.0, start=start, values=values.astype(np.float32))


def test_curve_peaks_at_the_lag_with_the_sign_of_types_py() -> None:
    rng = np.random.default_rng(1)
    master = rng.standard_normal(6000)
    a = master[1000:4000]  # clip a starts at master 10.00 s
    b = master[1730:5000] + 0.3 * rng.standard_normal(3270)  # clip b at 17.30 s: lag = +7.30 s
    curve = evidence.correlation_curve(_sig(a), _sig(b), min_overlap=5.0, exclusion=0.1)
    assert curve is not None
    assert abs(curve.peak_lag - 7.30) < 0.006
    assert curve.peak_z > 10 * curve.noise
    assert curve.runner_z is not None and curve.runner_z < curve.noise * 1.5
    assert abs(curve.runner_lag - curve.peak_lag) > 0.1
    # lags are only where the clips overlap at least 5 s
    assert abs(curve.lags.min() + (32.7 - 5)) < 0.011 and abs(curve.lags.max() - (30 - 5)) < 0.011
    # a clip start (Signature.start) shifts the lag like an offset does
    moved = evidence.correlation_curve(_sig(a, start=0.5), _sig(b), min_overlap=5.0, exclusion=0.1)
    assert moved is not None and abs(moved.peak_lag - 7.80) < 0.006


def test_a_long_pair_is_averaged_to_the_sample_budget_and_peaks_at_the_same_lag() -> None:
    """Smooth features (an envelope): averaged over blocks of 4 (6270 samples, 2000 allowed: 100 Hz
    becomes 25 Hz), the peak stays at the lag within one averaged sample, the lags step 0.04 s."""
    rng = np.random.default_rng(3)
    master = np.convolve(rng.standard_normal(6000), np.hanning(15), mode="same")
    a, b = master[1000:4000], master[1730:5000] + 0.05 * rng.standard_normal(3270)
    full = evidence.correlation_curve(_sig(a), _sig(b), min_overlap=5.0, exclusion=0.1)
    cut = evidence.correlation_curve(_sig(a), _sig(b), min_overlap=5.0, exclusion=0.1,
                                     max_samples=2000)
    assert full is not None and cut is not None
    assert len(cut.lags) <= 2000 < len(full.lags)
    assert np.allclose(np.diff(cut.lags), 0.04)
    assert abs(cut.peak_lag - 7.30) <= 0.04 and abs(full.peak_lag - 7.30) < 0.006
    assert cut.peak_z > 3 * cut.noise and cut.runner_z is not None and cut.runner_z < cut.noise


def test_curve_of_clips_that_never_overlap_enough_is_none() -> None:
    x = np.random.default_rng(2).standard_normal(300)
    assert evidence.correlation_curve(_sig(x), _sig(x), min_overlap=5.0, exclusion=0.1) is None


def test_thinning_keeps_every_peak() -> None:
    lags = np.arange(100_001) / 100.0
    z = np.random.default_rng(3).standard_normal(lags.size)
    z[54_321] = 40.0
    tl, tz = evidence.thin(lags, z, 2000)
    assert len(tz) <= 2001 and tz.max() == 40.0 and tl[np.argmax(tz)] == lags[54_321]
    small = evidence.thin(lags[:10], z[:10], 2000)
    assert np.array_equal(small[1], z[:10])


def test_instants_are_inside_the_event_and_evenly_spread() -> None:
    t = evidence.instants(-1.5, 14.5, 8)
    assert t == [-0.5, 1.5, 3.5, 5.5, 7.5, 9.5, 11.5, 13.5]
    assert evidence.clip_time(2.0, 0.0, 7.5) == 5.5
    assert abs(evidence.clip_time(2.0, 100.0, 1002.0) - 1000 / 1.0001) < 1e-9


def test_strongest_shared_event_is_heard_by_two_clips() -> None:
    env = np.zeros(1000)
    a, b, c = env.copy(), env.copy(), env.copy()
    a[100] = 1.0  # loud on one clip only: never "shared"
    a[700], b[500] = 0.5, 0.6  # the same event: a at its 7.00 s, b (starting at +2 s) at its 5.00 s
    c[:] = 0.01
    a[:50] = b[:50] = 0.01
    tracks = [evidence.Track(0.0, 100.0, a), evidence.Track(2.0, 100.0, b),
              evidence.Track(30.0, 100.0, c)]
    assert evidence.strongest_shared_event(tracks) == 7.0
    assert evidence.strongest_shared_event(tracks[:1]) is None


def test_fit_keeps_the_aspect_and_centres() -> None:
    assert sheet.fit((1920, 1080), (240, 135)) == (0, 0, 240, 134)
    assert sheet.fit((120, 160), (240, 135)) == (70, 0, 100, 134)
    x, y, w, h = sheet.fit((4, 3), (240, 135))
    assert abs(w / h - 4 / 3) < 0.02 and x == (240 - w) // 2


def test_compose_marks_no_signal_cells() -> None:
    red = np.zeros((135, 240, 3), np.uint8)
    red[..., 0] = 255
    img = sheet.compose(["a", "b"], [0.0, 1.0], [[red, None], [None, red]], (240, 135))
    for row, col, want in ((0, 0, (255, 0, 0)), (0, 1, sheet.NO_SIGNAL), (1, 1, (255, 0, 0))):
        x, y = sheet.cell_origin(row, col, (240, 135))
        assert tuple(img[y + 3, x + 3]) == want


def test_frames_at_args_one_input_per_instant() -> None:
    args = ffmpeg.frames_at_args("-odd name.mp4", 1, [(0.0, 0.25), (9.5, 0.5)], (10, 0, 220, 134),
                                 (240, 135), ["/t/0.rgb", "/t/1.rgb"], slack=0.001)
    assert args.count("-i") == 2 and args[args.index("-i") + 1] == "-odd name.mp4"
    assert ["-ss", "9.500000"] == args[args.index("9.500000") - 1: args.index("9.500000") + 1]
    graph = args[args.index("-filter_complex") + 1]
    assert "[0:1]trim=end=0.251000" in graph and "[1:1]trim=end=0.501000" in graph
    assert "pad=240:135:10:0" in graph and graph.count("reverse,trim=end_frame=1") == 2
    assert args[-1] == "/t/1.rgb" and args.count("rawvideo") == 2


def test_a_report_imports_neither_scipy_nor_matplotlib() -> None:
    """What a report imports, all of it: the aligner (scipy) only if a signature is not cached."""
    import subprocess
    import sys

    code = ("import sys, syncam.cli.report, syncam.report.build, syncam.report.plots\n"
            "from syncam.report.build import check_extras\n"
            "check_extras()\n"
            "loaded = [m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'scipy')"
            " or m == 'syncam.pipeline']\n"
            "assert not loaded, loaded\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_matplotlib_and_jinja2_are_imported_only_for_a_report() -> None:
    import subprocess
    import sys

    code = ("import sys, syncam, syncam.cli, syncam.batch, syncam.report\n"
            "loaded = [m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'jinja2')]\n"
            "assert not loaded, loaded\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def _every_instant(tracks: list[evidence.Track]) -> float | None:
    """The shared event scored at every instant at once (what the block search must agree with)."""
    rate = tracks[0].rate
    t0 = min(t.start for t in tracks)
    n = int(np.ceil((max(t.start + len(t.values) / rate for t in tracks) - t0) * rate)) + 1
    grid = np.full((len(tracks), n), -np.inf)
    for row, t in zip(grid, tracks):
        step = max(1, len(t.values) // config.REPORT_ROBUST_SAMPLES)
        i0 = int(round((t.start - t0) * rate))
        part = t.values[: n - i0] / (evidence._quantile(t.values[::step], 0.99) or 1.0)
        row[i0: i0 + len(part)] = part
    second = np.partition(grid, -2, axis=0)[-2]
    return float(t0 + int(np.argmax(second)) / rate) if np.isfinite(second).any() else None


def test_block_search_of_the_shared_event_finds_the_instant_every_instant_would() -> None:
    """Random envelopes (bursts, flat stretches with equal scores, clips that barely overlap or not at
    all), several block sizes: the block search returns the very instant scoring every instant does,
    the first of equal scores included."""
    rng = np.random.default_rng(7)
    for trial in range(60):
        tracks = []
        for _ in range(int(rng.integers(2, 6))):
            values = rng.gamma(1.0, 1.0, int(rng.integers(50, 3000)))
            if trial % 3 == 0:
                values = np.round(values)  # many equal scores
            if trial % 5 == 0:
                values[:] = 0.5  # a flat envelope: every instant ties
            tracks.append(evidence.Track(float(rng.integers(0, 40)) * 0.37, 100.0, values))
        want = _every_instant(tracks)
        for block in (1, 7, 256):
            with pytest.MonkeyPatch.context() as mp:
                mp.setattr(config, "REPORT_EVENT_BLOCK", block)
                assert evidence.strongest_shared_event(tracks) == want, (trial, block)
    apart = [evidence.Track(0.0, 100.0, np.ones(100)), evidence.Track(5.0, 100.0, np.ones(100))]
    assert evidence.strongest_shared_event(apart) is None


def test_grabs_args_several_files_in_one_ffmpeg() -> None:
    """Each grab is its own input (its file, its seek), its own chain on its own stream and box, its
    own output, in order."""
    args = ffmpeg.grabs_args([("a.mp4", 0, 1.0, 0.1, (0, 0, 240, 134)),
                              ("-b c.mov", 2, 7.25, 0.04, (70, 0, 100, 134))],
                             (240, 135), ["/t/0.rgb", "/t/1.rgb"], slack=0.001)
    inputs = [args[k + 1] for k, a in enumerate(args) if a == "-i"]
    seeks = [args[k + 1] for k, a in enumerate(args) if a == "-ss"]
    assert inputs == ["a.mp4", "-b c.mov"] and seeks == ["1.000000", "7.250000"]
    graph = args[args.index("-filter_complex") + 1].split(";")
    assert graph[0].startswith("[0:0]trim=end=0.101000,scale=240:134,") and graph[0].endswith("[f0]")
    assert graph[1].startswith("[1:2]trim=end=0.041000,scale=100:134,")
    assert "pad=240:135:70:0" in graph[1]
    assert args[args.index("[f1]") - 1] == "-map" and args[-1] == "/t/1.rgb"


def test_the_page_template_is_kept_compiled_beside_the_signatures(tmp_path) -> None:
    """Compiled once into <cache>/report-templates and loaded from there (the same page); none
    without a cache or where that folder cannot be made."""
    import jinja2

    from syncam.cache import KeepingCache, SignatureCache
    from syncam.report import build

    cache = SignatureCache(str(tmp_path / "cache"))
    pages = []
    for _ in range(2):
        env = jinja2.Environment(loader=jinja2.PackageLoader("syncam.report", "templates"),
                                 autoescape=True,
                                 bytecode_cache=build._compiled_templates(jinja2, cache))
        pages.append(env.get_template("index.html.j2").render(rows=[], version="x", made="now"))
    assert pages[0] == pages[1]
    assert len(os.listdir(tmp_path / "cache" / "report-templates")) == 1
    assert build._compiled_templates(jinja2, KeepingCache(cache)) is not None
    assert build._compiled_templates(jinja2, None) is None
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    (blocked / "report-templates").write_text("a file where the folder would go")
    assert build._compiled_templates(jinja2, SignatureCache(str(blocked))) is None
