"""The ``syncam`` command: parse, call one API function, print. Errors become one line and an exit code.

Exit codes: 0 all clips placed, 1 error, 2 usage error, 3 some clip unplaced, 130 interrupted (Ctrl-C).

Each command group lives in its own module and registers itself on ``main`` below.
"""

from __future__ import annotations

import functools
import logging
import sys
import time
from collections.abc import Callable
from typing import Any, TypeVar

import click

from syncam import __version__
from syncam.errors import SyncamError, UsageError
from syncam.types import Progress

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_UNPLACED = 0, 1, 2, 3

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, code: int = EXIT_ERROR) -> None:
    click.echo(click.style(f"syncam: error: {message}", fg="red"), err=True)
    sys.exit(code)


def handle_errors(fn: F) -> F:
    """SyncamError -> one red line and exit 1 (2 for usage); a traceback only with --debug."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = click.get_current_context().find_root().params.get("debug", False)
        try:
            return fn(*args, **kwargs)
        except SyncamError as exc:
            if debug:
                raise
            fail(str(exc), EXIT_USAGE if isinstance(exc, UsageError) else EXIT_ERROR)
        except KeyboardInterrupt:
            fail("interrupted; no output was written under its final name", 130)

    return wrapper  # type: ignore[return-value]


class ProgressBar:
    """Renders Progress events as a bar on stderr, only when stderr is a terminal and only once the
    work has lasted ``delay`` seconds: a quick run prints nothing but its result."""

    def __init__(self, delay: float = 1.0) -> None:
        self.enabled = sys.stderr.isatty()
        self.shown_after = time.monotonic() + delay
        self.bar: Any = None
        self.stage = ""

    def __call__(self, event: Progress) -> None:
        if not self.enabled or time.monotonic() < self.shown_after:
            return
        if event.stage != self.stage or self.bar is None:
            self.close()
            self.stage = event.stage
            self.bar = click.progressbar(length=event.total, label=f"{event.stage:<9}",
                                         file=sys.stderr, show_pos=True)
            self.bar.__enter__()
        self.bar.update(event.done - self.bar.pos, event.item)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="syncam")
@click.option("--debug", is_flag=True, help="Log every ffmpeg command and show tracebacks.")
def main(debug: bool) -> None:
    """Synchronize footage from many cameras on one timeline."""
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


# command modules register themselves on `main` when imported
from syncam.cli import align as _align  # noqa: E402,F401
from syncam.cli import render as _render  # noqa: E402,F401
from syncam.cli import batch as _batch  # noqa: E402,F401
from syncam.cli import report as _report  # noqa: E402,F401
from syncam.cli import export as _export  # noqa: E402,F401
