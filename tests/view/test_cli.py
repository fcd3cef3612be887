"""`syncam view`'s command line: bad input is one line and an exit code (no media needed)."""

from __future__ import annotations

from typing import Any

from click.testing import CliRunner

from syncam.cli import main


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def test_missing_manifest_is_one_line(tmp_path: Any) -> None:
    done = run("view", str(tmp_path / "nothing.json"), "--no-browser")
    assert done.exit_code == 1
    assert "no such manifest" in done.output and "Traceback" not in done.output


def test_bad_options_are_usage_errors(tmp_path: Any) -> None:
    assert run("view", "m.json", "--proxy-size", "50").exit_code == 2
    assert run("view", "m.json", "--port", "70000").exit_code == 2


def test_listed_in_help() -> None:
    done = run("--help")
    assert "view" in done.output
    assert "--proxy-size" in run("view", "--help").output
