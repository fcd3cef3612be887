"""The ``syncam`` command: parse, call one API function, print. Errors become one line and an exit code.

Exit codes: 0 all clips placed, 1 error, 2 usage error, 3 some clip unplaced, 128 + the signal's number
when stopped by one (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP).

Each command group lives in its own module and registers itself on ``main`` below. Command modules import
the heavy parts of syncam (numpy, scipy, ffmpeg-python) inside the command, so ``--help`` stays quick.
"""

from __future__ import annotations

import functools
import logging
import math
import os
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import click

from syncam import config, interrupt, memory
from syncam._version import __version__
from syncam.errors import SyncamError

if TYPE_CHECKING:
    from syncam.types import Progress

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_UNPLACED = 0, 1, 2, 3

# Paths are checked by syncam, not click: a file that cannot be read is an error naming it (exit 1),
# not a usage error (click checks readability by default)
PATH = click.Path(readable=False)
FOLDER = click.Path(file_okay=False, readable=False)

F = TypeVar("F", bound=Callable[..., Any])


def _say(message: str, color: str) -> None:
    """One line on stderr; a terminal that is gone (SIGHUP) must not turn it into a traceback."""
    try:
        click.echo(click.style(message, fg=color), err=True)
    except OSError:
        pass


def fail(message: str, code: int = EXIT_ERROR) -> None:
    _say(f"syncam: error: {message}", "red")
    sys.exit(code)


def warn(message: str) -> None:
    _say(f"syncam: warning: {message}", "yellow")


def flag(option: str) -> str:
    """The command-line flag of a library argument: the running command's option of that name
    (out -> --output), else the name spelled as a flag (max_offset -> --max-offset)."""
    ctx = click.get_current_context(silent=True)
    for param in ctx.command.params if ctx else ():
        if param.name == option and isinstance(param, click.Option):
            return next((o for o in param.opts if o.startswith("--")), param.opts[0])
    return "--" + option.replace("_", "-")


def interrupted(exc: KeyboardInterrupt, what: str) -> None:
    """Exit as a stop by signal does: one line, 128 + the signal's number."""
    name = f" ({exc.args[0]})" if isinstance(exc, interrupt.Interrupted) else ""
    fail(f"interrupted{name}; {what}", interrupt.exit_code(exc))


def handle_errors(fn: F) -> F:
    """SyncamError -> one red line and its exit code; a traceback only with --debug."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = click.get_current_context().find_root().params.get("debug", False)
        try:
            return fn(*args, **kwargs)
        except SyncamError as exc:
            if debug:
                raise
            fail(f"{flag(exc.option)}: {exc.message}" if exc.option else str(exc), exc.exit_code)
        except KeyboardInterrupt as exc:
            interrupted(exc, "no output was written under its final name")
        except click.ClickException:
            raise  # a usage error found in the command: Main words it
        except Exception as exc:  # a bug: still one line, the traceback with --debug
            if debug:
                raise
            fail(f"internal error ({type(exc).__name__}: {exc}); run again with --debug for the "
                 "traceback and report it")

    return wrapper  # type: ignore[return-value]


class Finite(click.ParamType):
    """A finite number, optionally within [low, high]: NaN and infinities are usage errors."""

    name = "NUMBER"

    def __init__(self, low: float | None = None, high: float | None = None) -> None:
        self.low, self.high = low, high

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number", param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        low, high = self.low, self.high
        if (low is not None and number < low) or (high is not None and number > high):
            bounds = (f"between {self.low:g} and {self.high:g}" if self.low is not None and
                      self.high is not None else f">= {self.low:g}" if self.low is not None
                      else f"<= {self.high:g}")
            self.fail(f"{number:g} is not {bounds}", param, ctx)
        return number


class Main(click.Group):
    """The ``syncam`` group: every usage error is one line (not click's usage text), and ``--debug``
    is accepted after the command name too."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        end = argv.index("--") if "--" in argv else len(argv)
        if "--debug" in argv[1:end]:
            argv.remove("--debug")
            argv.insert(0, "--debug")
        if args is None:  # the real program (not a test's CliRunner): signals stop it like Ctrl-C
            interrupt.install()
            memory.return_freed_blocks()  # and its threads share the memory they free
            # numpy not imported yet (commands import it): its BLAS starts no spinning threads
            os.environ.setdefault("OPENBLAS_NUM_THREADS", str(config.BLAS_THREADS))
        try:
            code = super().main(argv, prog_name or "syncam", complete_var, standalone_mode=False,
                                **extra)
        except click.exceptions.NoArgsIsHelpError as exc:
            click.echo(exc.ctx.get_help() if exc.ctx else "", err=True)
            sys.exit(EXIT_USAGE)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx else "syncam"
            fail(f"{exc.format_message()} (see '{where} --help')", EXIT_USAGE)
        except click.ClickException as exc:
            fail(exc.format_message(), exc.exit_code)
        except click.Abort:
            fail("interrupted", 128 + 2)
        except KeyboardInterrupt as exc:  # outside a command (while parsing)
            interrupted(exc, "nothing was written")
        sys.exit(code if isinstance(code, int) else EXIT_OK)


class ProgressBar:
    """Renders Progress events as one line on stderr that names its stage and is redrawn in place,
    only when stderr is a terminal and only once the work has lasted ``delay`` seconds (a quick run
    prints nothing but its result). ``close`` erases it: the screen keeps only the results."""

    WIDTH = 24  # characters of the bar itself

    def __init__(self, delay: float = 1.0) -> None:
        self.enabled = sys.stderr.isatty()
        self.shown_after = time.monotonic() + delay
        self.drawn = 0  # characters on the line now

    def __call__(self, event: Progress) -> None:
        if not self.enabled or time.monotonic() < self.shown_after:
            return
        total = max(event.total, 1)
        filled = self.WIDTH * min(event.done, total) // total
        line = (f"{event.stage:<9} [{'#' * filled}{'-' * (self.WIDTH - filled)}] "
                f"{event.done}/{event.total} {event.item}")
        line = line[: shutil.get_terminal_size().columns - 1]
        self._draw(line.ljust(self.drawn) + "\r")
        self.drawn = len(line)

    def close(self) -> None:
        if self.drawn:
            self._draw(" " * self.drawn + "\r")
            self.drawn = 0

    @staticmethod
    def _draw(text: str) -> None:
        try:
            sys.stderr.write("\r" + text)
            sys.stderr.flush()
        except OSError:  # the terminal is gone (SIGHUP)
            pass


@click.group(cls=Main,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="syncam")
@click.option("--debug", is_flag=True, help="Log every ffmpeg command and show tracebacks.")
def main(debug: bool) -> None:
    """Synchronize footage from many cameras on one timeline."""
    # warnings read like the CLI's own ("syncam: warning: ..."); --debug names the module as well
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s" if debug
                        else "syncam: %(levelname)s: %(message)s")
    for level in (logging.WARNING, logging.ERROR):
        logging.addLevelName(level, logging.getLevelName(level).lower())


# command modules register themselves on `main` when imported
from syncam.cli import align as _align  # noqa: E402,F401
from syncam.cli import batch as _batch  # noqa: E402,F401
from syncam.cli import export as _export  # noqa: E402,F401
from syncam.cli import render as _render  # noqa: E402,F401
from syncam.cli import report as _report  # noqa: E402,F401
from syncam.cli import split as _split  # noqa: E402,F401
from syncam.cli import view as _view  # noqa: E402,F401
