"""On-screen date/time text -> clock seconds, and the format it is written in. Pure.

Formats: ISO ``2017-11-13 15:14:07`` (also with ``/`` or ``.``), day-first ``13-11-2017`` and
``13.11.2017``, month-first ``11/13/2017``, 12 h ``03:14:07 PM``, a weekday (``Mon``, ``MON``) before or
after, the time before the date, or a time alone. A date such as ``03/04/2017`` reads day-first and
month-first alike: :class:`Stamp` keeps every order the text allows, and :func:`decide` chooses among
them from all of a clip's readings (a day above 12, a weekday), or says it cannot.

Clock seconds are POSIX seconds of the time as shown (taken as UTC: a recorder's clock has no zone);
a clock without a date counts seconds from midnight.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
# date orders: year-month-day, day-month-year, month-day-year
ORDERS = ("ymd", "dmy", "mdy")
ORDER_NAMES = {"ymd": "ymd", "iso": "ymd", "dmy": "dmy", "day-first": "dmy", "mdy": "mdy",
               "month-first": "mdy", "us": "mdy"}

_WD = r"(?P<{}>MON|TUE|WED|THU|FRI|SAT|SUN)[A-Z]*\.?,?"
_DATE = (r"(?P<d1>\d{4}|\d{1,2})\s?(?P<sep>[-/.])\s?(?P<d2>\d{1,2})\s?(?P=sep)\s?"
         r"(?P<d3>\d{4}|\d{2}|\d)")
_TIME = (r"(?P<h>\d{1,2})\s?:\s?(?P<mi>\d{2})\s?:\s?(?P<s>\d{2})"
         r"(?:\s*(?P<ampm>[AP])\.?\s?M\.?)?")
# beside a date, a time's colon that OCR reads as a dot is still a time (a date alone is no time)
_TIME_NEAR_DATE = _TIME.replace(r"\s?:\s?", r"\s?[:.]\s?")
_PATTERNS = (
    ("date", re.compile(rf"(?:{_WD.format('w1')}\s*)?{_DATE}\s*(?:{_WD.format('w2')}\s*)?"
                        rf"{_TIME_NEAR_DATE}"
                        rf"(?:\s*{_WD.format('w3')})?")),
    ("time-date", re.compile(rf"(?:{_WD.format('w1')}\s*)?{_TIME_NEAR_DATE}\s*"
                             rf"(?:{_WD.format('w2')}\s*)?"
                             rf"{_DATE}(?:\s*{_WD.format('w3')})?")),
    ("time", re.compile(rf"(?:{_WD.format('w1')}\s*)?{_TIME}(?:\s*{_WD.format('w3')})?")),
)


@dataclass(frozen=True)
class Stamp:
    """One reading of a clock's text, with every date order it allows."""

    text: str  # the matched text, normalised (upper case, single spaces)
    start: int  # where the match starts and ends in the text given to :func:`parse`
    end: int
    fields: tuple[int, int, int] | None  # the date's numbers in the order written; None: no date
    sep: str  # the date's separator
    year_digits: int  # 4 or 2
    orders: tuple[str, ...]  # date orders the numbers allow (and the weekday, when shown)
    hour: int  # 0-23 (12 h clocks converted)
    minute: int
    second: int
    twelve_hour: bool
    weekday: int | None  # 0 = Monday, when shown
    time_first: bool  # the time is written before the date

    def day(self, order: str) -> date | None:
        """The date in ``order`` (one of :attr:`orders`); None when the stamp has no date."""
        if self.fields is None:
            return None
        return _date(self.fields, order, self.year_digits)

    def seconds(self, order: str | None = None) -> float:
        """Clock seconds: POSIX seconds of the time shown, or seconds from midnight without a date."""
        tod = self.hour * 3600 + self.minute * 60 + self.second
        d = self.day(order or self.orders[0]) if self.fields is not None else None
        if d is None:
            return float(tod)
        return datetime(d.year, d.month, d.day, tzinfo=timezone.utc).timestamp() + tod

    def format(self, order: str | None = None) -> str:
        """The text's layout in strftime terms, e.g. ``%a %d.%m.%Y %H:%M:%S``."""
        time = "%I:%M:%S %p" if self.twelve_hour else "%H:%M:%S"
        parts = [time]
        if self.fields is not None:
            year = "%Y" if self.year_digits == 4 else "%y"
            o = order or self.orders[0]
            names = {"y": year, "m": "%m", "d": "%d"}
            parts.insert(1 if self.time_first else 0, self.sep.join(names[c] for c in o))
        if self.weekday is not None:
            parts.insert(0, "%a")
        return " ".join(parts)


# years a recorder's clock can show: before digital recorders, or beyond next year, is a misread
# ("2017" read "2617" alike in every still of a clip)
FIRST_YEAR = 1980


def _date(fields: tuple[int, int, int], order: str, year_digits: int) -> date | None:
    values = dict(zip(order, fields))
    year = values["y"] + (2000 if year_digits == 2 else 0)
    if not FIRST_YEAR <= year <= date.today().year + 1:
        return None
    try:
        return date(year, values["m"], values["d"])
    except ValueError:
        return None


def normalise(text: str) -> str:
    """Upper case, runs of white space as one space, and the letters OCR gives for digits inside
    numbers (O -> 0, I/L -> 1) where a digit stands next to them."""
    text = " ".join(text.upper().split())
    return re.sub(r"(?<=\d)[OIL]|[OIL](?=\d)", lambda m: "0" if m.group() == "O" else "1", text)


def parse(text: str) -> Stamp | None:
    """The first date/time in ``text`` (as OCR or a template reader gives it); None when none is."""
    found = _find(normalise(text))
    return None if found is None else found[1]


def _find(text: str) -> tuple[re.Match[str], Stamp] | None:
    dated = False
    for kind, pattern in _PATTERNS:
        if kind == "time" and dated:
            return None  # a date that is no date (month 13) is a misread, not a time alone
        for found in pattern.finditer(text):
            dated = True
            stamp = _stamp(found, kind)
            if stamp is not None:
                return found, stamp
    return None


def word_starts(text: str) -> list[int] | None:
    """Where a space goes in ``text`` (a reading without spaces, normalised), as a clock's format
    puts them: before the date, the time, AM/PM and a weekday that follow another of them; None when
    ``text`` holds no date/time. (An engine that reads a line whole drops or adds spaces from still
    to still; the clock's layout is the same in every still.)"""
    found = _find(text)
    if found is None:
        return None
    match = found[0]
    starts = {match.start(g) for g in ("w1", "d1", "h", "ampm", "w2", "w3")
              if match.groupdict().get(g) is not None}
    return sorted(i for i in starts if i > match.start())


def weekday_against(text: str) -> bool:
    """Whether ``text`` shows a weekday that its date does not fall on (:func:`parse` finds no
    date/time in it, but does without the weekday): a misread of one or the other, so no reading of
    that line that leaves the weekday out (a read of its digits alone) may be believed."""
    text = normalise(text)
    bare = re.sub(r"\b(?:MON|TUE|WED|THU|FRI|SAT|SUN)[A-Z]*\.?,?", " ", text)
    return bare != text and parse(text) is None and parse(bare) is not None


def _stamp(found: re.Match[str], kind: str) -> Stamp | None:
    g = found.groupdict()
    hour, minute, second = int(g["h"]), int(g["mi"]), int(g["s"])
    twelve = g["ampm"] is not None
    if twelve:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if g["ampm"] == "P" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    wd_text = g.get("w1") or g.get("w2") or g.get("w3")
    weekday = WEEKDAYS.index(wd_text) if wd_text else None
    fields: tuple[int, int, int] | None = None
    orders: tuple[str, ...] = ()
    year_digits = 4
    sep = ""
    if kind != "time":
        d1, d2, d3 = g["d1"], g["d2"], g["d3"]
        if len(d3) == 1:
            return None
        fields = (int(d1), int(d2), int(d3))
        sep = g["sep"]
        if len(d1) == 4:
            candidates: tuple[str, ...] = ("ymd",) if len(d3) <= 2 else ()
        elif len(d3) in (2, 4):
            year_digits = len(d3)
            # dots: day-first everywhere they are used; - and /: either, when both numbers allow
            candidates = ("dmy",) if sep == "." else ("dmy", "mdy")
        else:
            candidates = ()
        orders = tuple(o for o in candidates if _date(fields, o, year_digits) is not None)
        if weekday is not None:
            # a weekday that no reading of the date falls on: a misread of one or the other (a
            # year read "20" for "2017"), never a reading
            orders = tuple(o for o in orders
                           if (_date(fields, o, year_digits) or date.min).weekday() == weekday)
        if not orders:
            return None
    return Stamp(text=found.group(0).strip(), start=found.start(), end=found.end(), fields=fields,
                 sep=sep, year_digits=year_digits, orders=orders, hour=hour, minute=minute,
                 second=second, twelve_hour=twelve, weekday=weekday, time_first=kind == "time-date")


@dataclass(frozen=True)
class Decision:
    """Which date order a clip's readings are in, or why that cannot be told."""

    order: str | None  # None: no date, or ambiguous
    ambiguous: tuple[str, ...] = ()  # the orders still possible when it cannot be told
    how: str = ""  # "the readings" | "the weekday" | "--clock-format" | ""


def decide(stamps: Iterable[Stamp], forced: str | None = None) -> Decision:
    """The date order of a clip's readings: the one every reading allows (a day above 12 or a weekday
    rules the other out); ``forced`` (--clock-format) where the readings allow it. Never a guess: two
    orders still possible come back as ``ambiguous``."""
    stamps = [s for s in stamps if s.fields is not None]
    if not stamps:
        return Decision(None)
    possible = [o for o in ORDERS if all(o in s.orders for s in stamps)]
    if forced is not None:
        return Decision(forced if forced in possible else None, () if forced in possible else
                        tuple(possible), "--clock-format")
    if len(possible) == 1:
        weekday = any(s.weekday is not None for s in stamps)
        return Decision(possible[0], (), "the weekday" if weekday else "the readings")
    return Decision(None, tuple(possible))


def iso(seconds: float, dated: bool = True) -> str:
    """Clock seconds as ISO 8601 with milliseconds: ``2017-11-13T15:14:07.250Z``; a clock without a
    date as the time of day alone (``15:14:07.250``)."""
    when = datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(milliseconds=round(seconds * 1000))
    text = when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}"
    return text + "Z" if dated else text[11:]
