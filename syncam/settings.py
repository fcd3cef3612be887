"""The settings an alignment ran with: one frozen value from align() to the manifest and batch's resume.

Validated on construction, so that a NaN or an infinity never reaches the search or the manifest
(standard JSON has neither); each error names the setting (``UsageError.option``).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any

from syncam import config
from syncam.errors import UsageError


def finite(value: Any, option: str, *, low: float | None = None, high: float | None = None) -> float:
    """``value`` as a float within [low, high]; a UsageError naming ``option`` for anything else
    (text, NaN, an infinity, out of range)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if isinstance(value, bool) or not math.isfinite(number):
        raise UsageError(f"{value!r} is not a finite number; give one like 0.5", option=option)
    if (low is not None and number < low) or (high is not None and number > high):
        bounds = (f"between {low:g} and {high:g}" if low is not None and high is not None
                  else f">= {low:g}" if low is not None else f"<= {high:g}")
        raise UsageError(f"{number:g} is out of range; give a number {bounds}", option=option)
    return number


@dataclass(frozen=True)
class Settings:
    """What decides an alignment's result, as written in the manifest's ``settings``."""

    method: str = config.METHOD
    max_offset: float | None = config.MAX_OFFSET  # seconds; None = no limit
    min_confidence: float = config.MIN_CONFIDENCE
    # which audio stream to align by, counted among a clip's audio streams (0 = its first): one
    # number for every clip, or {clip path: number}; a clip not named is chosen for (the first stream
    # that is not silent, see pipeline.audio_signature_of)
    audio_stream: int | dict[str, int] | None = None
    audio_rate: int = config.AUDIO_RATE
    motion_rate: int = config.MOTION_RATE
    use_metadata: bool = False  # creation times and timecode as priors (align --use-metadata)
    drift: str = config.DRIFT  # "auto": each clip's clock rate is estimated; "off": offsets only

    def __post_init__(self) -> None:
        if self.method not in config.METHODS:
            raise UsageError(f"unknown method {self.method!r}; choose one of "
                             f"{', '.join(config.METHODS)}", option="method")
        if self.drift not in config.DRIFTS:
            raise UsageError(f"unknown drift mode {self.drift!r}; choose one of "
                             f"{', '.join(config.DRIFTS)}", option="drift")
        if self.max_offset is not None:
            object.__setattr__(self, "max_offset", finite(self.max_offset, "max_offset", low=0))
        object.__setattr__(self, "min_confidence",
                           finite(self.min_confidence, "min_confidence", low=0, high=1))
        chosen = self.audio_stream
        numbers = list(chosen.values()) if isinstance(chosen, dict) else [chosen]
        keys = list(chosen) if isinstance(chosen, dict) else []
        if chosen is not None and (not all(isinstance(k, str) for k in keys) or not all(
                isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in numbers)):
            raise UsageError(f"{chosen!r} is not a stream number; give 0 for a clip's first audio "
                             "stream, 1 for its second, ...", option="audio_stream")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        """From a manifest's ``settings``; keys it does not know are ignored, missing ones default."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})
