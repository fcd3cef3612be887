"""The matcher on numpy arrays: lag, sub-sample precision, and what confidence means."""

from __future__ import annotations

import numpy as np
import pytest

from syncam import config
from syncam.signals.audio import audio_signature
from syncam.sync.correlate import match, match_all
from syncam.sync.scan import coarse_peak

RATE = 8000


def bursts(seconds: float, seed: int) -> np.ndarray:
    """Speech-like test sound: noise bursts of random length, pitch-free, at random times."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    env = np.zeros(n)
    t = 0
    while t < n:
        length = int(rng.uniform(0.05, 0.4) * RATE)
        env[t: t + length] = rng.uniform(0.2, 1.0)
        t += length + int(rng.uniform(0.05, 0.6) * RATE)
    return (rng.standard_normal(n) * env).astype(np.float32)


def delayed(x: np.ndarray, samples: float) -> np.ndarray:
    """x delayed by a fractional number of samples (exact, in the frequency domain)."""
    n = len(x)
    f = np.fft.rfftfreq(n)
    return np.fft.irfft(np.fft.rfft(x) * np.exp(-2j * np.pi * f * samples), n).astype(np.float32)


def test_lag_sign_and_subsample_precision() -> None:
    master = bursts(60, seed=1)
    a = master[: 40 * RATE]
    shift = 12.3456789  # b starts this many seconds after a
    whole = int(shift * RATE)
    b = delayed(master, -(shift * RATE - whole))[whole: whole + 40 * RATE]
    m = match(audio_signature(a, RATE), audio_signature(b, RATE))
    assert m is not None
    assert m.lag == pytest.approx(shift, abs=0.02 / RATE)  # 1/50 of a sample
    assert m.confidence > 0.5


def test_start_times_enter_the_lag() -> None:
    x = bursts(30, seed=2)
    sa = audio_signature(x, RATE, start=0.0)
    sb = audio_signature(x, RATE, start=-0.25)  # same sound, decoded sample 0 is 0.25 s before t=0
    m = match(sa, sb)
    assert m is not None and m.lag == pytest.approx(0.25, abs=1e-4)


@pytest.mark.parametrize("seconds", [20, 120, 600])
def test_unrelated_signals_have_no_confidence_at_any_length(seconds: int) -> None:
    a, b = bursts(seconds, seed=3), bursts(seconds, seed=4)
    m = match(audio_signature(a, RATE), audio_signature(b, RATE))
    assert m is not None and m.confidence < 0.15


def test_repetitive_signal_is_not_confident() -> None:
    bar = bursts(2.0, seed=5)  # a 2 s bar repeated: a loop of music
    song = np.tile(bar, 30)
    rng = np.random.default_rng(0)
    a = song[: 40 * RATE] + 0.05 * rng.standard_normal(40 * RATE).astype(np.float32)
    b = song[7 * RATE: 47 * RATE] + 0.05 * rng.standard_normal(40 * RATE).astype(np.float32)
    m = match(audio_signature(a, RATE), audio_signature(b, RATE))
    assert m is not None
    assert m.peak > 10  # the correlation is strong...
    assert m.confidence < 0.1  # ...but every bar fits as well


@pytest.mark.parametrize("crowd_db, placed", [(-6.0, True), (-10.0, True), (-30.0, False)])
def test_live_loop_is_placed_by_what_differs_between_repeats(crowd_db: float, placed: bool) -> None:
    """A looped 2 s riff over a live crowd both cameras hear: the envelope cannot tell the bars apart,
    the whitened waveforms can, as long as the crowd is loud enough to make the repeats differ."""
    bar = bursts(2.0, seed=5)
    song = np.tile(bar, 40)
    crowd = np.random.default_rng(9).standard_normal(len(song)).astype(np.float32)
    live = song + crowd * bar.std() * 10 ** (crowd_db / 20)
    rng = np.random.default_rng(3)
    shift = 17 * RATE + 123
    a = live[: 50 * RATE] + 0.3 * live.std() * rng.standard_normal(50 * RATE).astype(np.float32)
    b = live[shift: shift + 50 * RATE] + 0.3 * live.std() * rng.standard_normal(50 * RATE).astype(
        np.float32)
    found = match_all(audio_signature(a, RATE), audio_signature(b, RATE))
    assert found
    m = found[0]
    if placed:
        assert m.lag == pytest.approx(shift / RATE, abs=1e-5)
        assert m.confidence > config.MIN_CONFIDENCE  # confident enough for the solver to use
        assert m.distinct or len(found) == 1  # what differs between the bars decided it
    else:  # nearly identical repeats: every bar's lag is a candidate, none told apart from the others
        assert len(found) >= 2 and not any(c.distinct for c in found)
        assert {round(c.lag - shift / RATE, 1) % 2.0 for c in found} == {0.0}  # whole bars apart
        assert all(c.explained > 0.5 for c in found)  # each explains the overlap as well


def test_noisy_real_match_is_confident_and_exact() -> None:
    master = bursts(90, seed=6)
    rng = np.random.default_rng(1)
    a = master[: 60 * RATE] + rng.standard_normal(60 * RATE).astype(np.float32) * master.std()
    b = master[45 * RATE:] * 0.1 + rng.standard_normal(45 * RATE).astype(np.float32) * master.std() * 0.1
    m = match(audio_signature(a, RATE), audio_signature(b, RATE))  # 0 dB SNR in both, 15 s shared
    assert m is not None and m.lag == pytest.approx(45.0, abs=1e-4) and m.confidence > 0.3


def test_max_offset_and_min_overlap_bound_the_search() -> None:
    master = bursts(80, seed=7)
    a, b = master[: 40 * RATE], master[30 * RATE: 70 * RATE]
    sa, sb = audio_signature(a, RATE), audio_signature(b, RATE)
    assert coarse_peak(sa.fine, sb.fine, RATE, max_offset=10.0).lag != pytest.approx(30.0, abs=0.1)
    assert coarse_peak(sa.fine, sb.fine, RATE, min_overlap=50.0) is None


def test_a_few_seconds_shared_inside_a_minute_are_found_by_the_windows() -> None:
    """5 s of shared sound, 6 dB under each clip's own unrelated sound, in two 60 s clips: the
    windows find it, and their observations say where."""
    shared = bursts(5, seed=20)
    a, b = bursts(60, seed=21), bursts(60, seed=22)
    a[20 * RATE: 25 * RATE] += shared * 0.5
    b[33 * RATE: 38 * RATE] += shared * 0.5
    m = match(audio_signature(a, RATE), audio_signature(b, RATE))
    assert m is not None and m.lag == pytest.approx(20.0 - 33.0, abs=1e-4)
    assert m.confidence > config.MIN_CONFIDENCE
    strong = [o for o in m.observations if o.score > 8]
    assert strong and all(18 <= o.time <= 27 for o in strong)  # the windows holding the burst


def test_observations_carry_times_and_lags_along_the_overlap() -> None:
    master = bursts(100, seed=23)
    a, b = master[: 80 * RATE], master[10 * RATE: 90 * RATE]
    m = match(audio_signature(a, RATE), audio_signature(b, RATE))
    assert m is not None and len(m.observations) >= 15
    times = [o.time for o in m.observations]
    assert times == sorted(times) and times[0] < 15 and times[-1] > 70
    assert all(abs(o.lag - 10.0) < 1e-4 for o in m.observations)  # b started 10 s after a


def test_a_click_and_a_beep_do_not_beat_four_seconds_of_shared_sound() -> None:
    """Two cameras sharing 4.2 s of quiet sound, with a common click and a loud beep each: on the
    waveform one click can line up with a beep's onset by chance. The shared sound must win, and
    with the evidence rule (no fixed minimum overlap) 4.2 s that match clearly are placed."""
    bed = bursts(14, seed=2)

    def camera(offset: float, seconds: float, beep_at: float, hz: float) -> np.ndarray:
        i0, n = int((offset + 2.0) * RATE), int(seconds * RATE)
        pcm = bed[i0: i0 + n] * 0.1 / np.abs(bed).max()
        click = int((4.0 - offset) * RATE)
        pcm[click: click + 8] = 0.9
        beep = int((beep_at - offset) * RATE)
        pcm[beep: beep + 80] = 0.9 * np.sin(2 * np.pi * hz * np.arange(80) / RATE)
        return pcm.astype(np.float32)

    b, c = camera(2.3, 6.0, 3.1, 2000.0), camera(-1.52, 8.0, 0.4, 3000.0)  # 4.2 s shared
    m = match(audio_signature(b, RATE), audio_signature(c, RATE))
    assert m is not None and m.lag == pytest.approx(-1.52 - 2.3, abs=1e-4)
    assert m.confidence > config.MIN_CONFIDENCE


@pytest.mark.parametrize("n", [5, 6, 32, 33])
def test_fourier_upsample_is_scipys_resample(n: int) -> None:
    """The peak refinement's upsampling is scipy.signal.resample's (odd and even lengths), without its
    import."""
    from scipy.signal import resample

    from syncam.sync.score import band_limited_peak, fourier_upsample

    x = np.random.default_rng(n).standard_normal(n)
    np.testing.assert_allclose(fourier_upsample(x, 32), resample(x, n * 32), atol=1e-12)
    # a sinc peak between samples is found where it is, to ~1/100 sample
    r = np.sinc(np.arange(64) - 30.37)
    assert band_limited_peak(r, 30) == pytest.approx(30.37, abs=0.01)


def test_rows_are_standardised_as_each_row_alone() -> None:
    """The window evidence's batched robust z-scores are each row's own, bit for bit (a flat row
    included: its MAD is 0 and it is only centred)."""
    from syncam.sync.score import robust_standardise, robust_standardise_rows

    rows = np.random.default_rng(2).standard_normal((5, 481)).astype(np.float32)
    rows[2] = 0.25
    rows[3, 100] = 40.0  # a peak does not move the others' scale
    batched = robust_standardise_rows(rows)
    assert batched.dtype == np.float32
    for row, got in zip(rows, batched):
        assert got.tobytes() == robust_standardise(row).tobytes()


@pytest.mark.parametrize("n", [100, 101, 4001])
def test_halving_is_scipys_resample_poly(n: int) -> None:
    """Hours-long pairs are scanned at half rate: the halving is resample_poly(x, 1, 2)'s, to float32
    rounding, odd and even lengths alike (edges included)."""
    from scipy.signal import resample_poly

    from syncam.sync.scan import halve

    x = np.random.default_rng(n).standard_normal(n).astype(np.float32)
    got = halve(x)
    assert got.dtype == np.float32 and len(got) == (n + 1) // 2
    np.testing.assert_allclose(got, resample_poly(x, 1, 2), atol=2e-6)
