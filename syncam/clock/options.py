"""The ``--clock`` and ``--clock-format`` options: which clips share a recorder's clock, and the date
order of an ambiguous date. Apart from the reader so that checking them imports no OpenCV."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Sequence

from syncam.clock.parse import ORDER_NAMES
from syncam.errors import UsageError


def groups(paths: Sequence[str], rules: Sequence[tuple[str, str]]) -> list[str]:
    """Each clip's clock group: the NAME of the first ``--clock NAME=GLOB`` rule whose GLOB matches
    its path or file name, else "" (the wall clock). A rule matching no clip is a UsageError."""
    out: list[str] = []
    used = [False] * len(rules)
    for path in paths:
        name = ""
        for k, (group, pattern) in enumerate(rules):
            if (fnmatch.fnmatchcase(path, pattern) or fnmatch.fnmatchcase(path, os.path.abspath(pattern))
                    or fnmatch.fnmatchcase(os.path.basename(path), pattern)):
                name, used[k] = group, True
                break
        out.append(name)
    for (group, pattern), hit in zip(rules, used):
        if not hit:
            raise UsageError(f"--clock {group}={pattern}: matches none of the clips; check the "
                             "pattern (quote it so the shell does not expand it)", option="clock")
    return out


def order_option(text: str | None) -> str | None:
    """--clock-format's value -> a date order (ymd, dmy, mdy); UsageError for anything else."""
    if text is None:
        return None
    order = ORDER_NAMES.get(text.strip().lower())
    if order is None:
        raise UsageError(f"{text!r} is not a date order; give dmy (13/11/2017, day first), mdy "
                         "(11/13/2017, month first) or ymd", option="clock_format")
    return order
