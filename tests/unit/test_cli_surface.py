"""The command's surface: help pages, one-line usage errors, the progress line, a quick start-up."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from syncam.cli import Finite, ProgressBar, main
from syncam.types import Progress

COMMANDS = ["align", "batch", "probe", "render"]


def test_top_help_summaries_are_whole() -> None:
    out = CliRunner().invoke(main, ["--help"]).output
    for name in COMMANDS:
        line = next(line for line in out.splitlines() if line.strip().startswith(name + " "))
        assert not line.rstrip().endswith(("...", "…")), line


@pytest.mark.parametrize("name", COMMANDS)
def test_every_help_page_has_examples_and_exit_codes(name: str) -> None:
    res = CliRunner().invoke(main, [name, "--help"])
    assert res.exit_code == 0
    assert "Example" in res.output and "Exit codes" in res.output, res.output
    assert f"syncam {name} " in res.output  # the examples run this command
    if name != "probe":
        assert "130" in res.output and "143" in res.output  # stopped by Ctrl-C / SIGTERM


def test_every_option_has_help_text() -> None:
    for name in COMMANDS:
        command = main.commands[name]
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                assert param.help, f"syncam {name} {param.opts[0]} has no help text"


def test_help_imports_no_numeric_or_media_library() -> None:
    """`syncam --help` must not load numpy, scipy or ffmpeg-python: they cost a second at start-up."""
    code = ("import sys\nfrom syncam.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('numpy', 'scipy', 'ffmpeg', 'jsonschema') if m in sys.modules))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "infinity", "1e999", "x", ""])
def test_finite_refuses_what_is_not_a_finite_number(value: str) -> None:
    with pytest.raises(click.BadParameter):
        Finite().convert(value, None, None)


def test_finite_range() -> None:
    assert Finite(0, 1).convert("0.5", None, None) == 0.5
    for value in ("-0.1", "1.1"):
        with pytest.raises(click.BadParameter):
            Finite(0, 1).convert(value, None, None)


def test_debug_is_accepted_after_the_command() -> None:
    res = CliRunner().invoke(main, ["probe", "--debug", "--help"])
    assert res.exit_code == 0 and "Describe CLIPS" in res.output


def test_a_usage_error_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main.main(["align", "--max-offset", "nan", "a.mp4", "b.mp4"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and len(err.strip().splitlines()) == 1
    assert err.startswith("syncam: error: ") and "--max-offset" in err


def test_batch_takes_output_like_the_other_commands() -> None:
    opts = {o for p in main.commands["batch"].params for o in getattr(p, "opts", [])}
    assert {"-o", "--output", "--out"} <= opts


def test_progress_is_one_line_that_names_its_stage(capsys: pytest.CaptureFixture[str]) -> None:
    bar = ProgressBar(delay=0)
    bar.enabled = True  # as on a terminal
    for stage, total in (("probe", 3), ("signature", 3), ("match", 3), ("solve", 1)):
        for done in range(1, total + 1):
            bar(Progress(stage, done, total, f"clip {done}"))
    bar.close()
    err = capsys.readouterr().err
    assert "\n" not in err  # redrawn in place, never a new line per stage
    assert "signature [" in err and "match" in err
    assert err.endswith("\r") and err.rsplit("\r", 2)[-2].strip() == ""  # erased at the end
