"""Business calendars: exact, fast business-time arithmetic for SLA and legal clocks.

Why: every ticket gets due times at creation and the sweep re-checks them, so
the arithmetic must be cheap, pure (no Flask, no database) and exact across
week-ends, public holidays, a merchant's closures and changes of UTC offset
(Europe/Paris in March and October, Africa/Casablanca around Ramadan).

Conventions (read these before wiring a clock):

- Instants in and out are aware datetimes; every result is in UTC.
- Opening hours are local wall-clock intervals ``[start, end)``; several a
  day are allowed, overlapping or touching ones are merged. An end of
  ``time(0)`` (``"24:00"`` in JSON) means midnight at the end of the day.
- A local wall time is placed at the *first instant at which the local clock
  shows that time or later*. So an ambiguous time (the clock is set back and
  the hour repeats) is its first occurrence, and a nonexistent time (the
  clock jumps forward) is the instant of the jump. A 00:00-06:00 window thus
  lasts 5 real hours on the Paris spring-forward night and 7 on the autumn
  night, and a 24/7 calendar measures plain elapsed time.
- Business time is real elapsed time inside opening segments.
- Which hours a date has: an extra working day has the hours of the first
  open weekday of the week (Monday normally), even on a holiday or inside a
  closure (a single named date is the most specific statement); otherwise a
  public holiday or a closure has none; otherwise its weekday's hours.
- A deadline that ends with a local day ends at the next local midnight: the
  returned instant is *exclusive* (met by anything strictly before it;
  "passed" means ``now >= due_at``).
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

Interval = tuple[time, time]
WeeklyHours = Mapping[int, Sequence[Interval]]
Segment = tuple[datetime, datetime]

DAY = timedelta(days=1)
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_IDLE_DAYS = 3660  # ten years without any opening is a misconfiguration, not a loop
_DAY_CACHE_LIMIT = 4_096  # per calendar: about eleven years of days
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_NAIVE = datetime(1970, 1, 1)
_SECOND = timedelta(seconds=1)


class NoBusinessTimeError(ValueError):
    """Raised rather than looping forever when a calendar never opens again."""


class _Day(NamedTuple):
    """One local date resolved to UTC: cached, so later look-ups cost a dict hit."""

    segments: tuple[Segment, ...]
    total: timedelta


def _offset(t: time) -> timedelta:
    return timedelta(hours=t.hour, minutes=t.minute, seconds=t.second, microseconds=t.microsecond)


def _normalise_day(intervals: Sequence[Interval]) -> tuple[tuple[timedelta, timedelta], ...]:
    """Sort and merge one day's intervals, as offsets from local midnight."""
    spans: list[tuple[timedelta, timedelta]] = []
    for start, end in intervals:
        if start.tzinfo is not None or end.tzinfo is not None:
            raise ValueError("opening hours are local wall-clock times without tzinfo")
        lo, hi = _offset(start), (DAY if end == time(0) else _offset(end))
        if lo >= hi:
            raise ValueError(f"opening interval {start}-{end} is empty or reversed")
        spans.append((lo, hi))
    merged: list[tuple[timedelta, timedelta]] = []
    for lo, hi in sorted(spans):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return tuple(merged)


class WeekHours(Mapping[int, tuple[Interval, ...]]):
    """Immutable, hashable weekly hours: weekday (0 = Monday) -> sorted intervals.

    Only open weekdays are keys; ``spans(weekday)`` gives offsets for the maths.
    """

    __slots__ = ("_spans",)

    def __init__(self, hours: WeeklyHours) -> None:
        spans: list[tuple[tuple[timedelta, timedelta], ...]] = [()] * 7
        for weekday, intervals in hours.items():
            if weekday not in range(7):
                raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), not {weekday!r}")
            spans[weekday] = _normalise_day(intervals)
        self._spans = tuple(spans)

    def spans(self, weekday: int) -> tuple[tuple[timedelta, timedelta], ...]:
        return self._spans[weekday]

    def __getitem__(self, weekday: int) -> tuple[Interval, ...]:
        if weekday not in range(7) or not self._spans[weekday]:
            raise KeyError(weekday)
        return tuple((_as_time(lo), _as_time(hi)) for lo, hi in self._spans[weekday])

    def __iter__(self) -> Iterator[int]:
        return (weekday for weekday in range(7) if self._spans[weekday])

    def __len__(self) -> int:
        return sum(1 for spans in self._spans if spans)

    def __hash__(self) -> int:
        return hash(self._spans)

    def __repr__(self) -> str:
        return f"WeekHours({dict(self)!r})"


def _as_time(offset: timedelta) -> time:
    """Offset from midnight back to a time; 24:00 becomes time(0)."""
    return (datetime.min + offset).time() if offset < DAY else time(0)


DEFAULT_HOURS = WeekHours({weekday: [(time(9), time(18))] for weekday in range(5)})


@functools.lru_cache(maxsize=1024)
def public_holidays(country: str | None, subdivision: str | None, year: int) -> frozenset[date]:
    """Public holidays of one country and year, cached: building them costs about a millisecond.

    Morocco's Islamic holidays are the ``holidays`` library's estimates.
    """
    if country is None:
        return frozenset()
    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year).keys())


@functools.lru_cache(maxsize=1)
def _supported_countries() -> dict[str, list[str]]:
    return holidays.list_supported_countries()


def as_utc(at: datetime) -> datetime:
    """Refuse naive datetimes: a naive time is a bug that silently shifts deadlines."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"naive datetime {at!r}: pass an aware (UTC) datetime")
    return at.astimezone(UTC)


def local_to_utc(naive: datetime, tz: ZoneInfo) -> datetime:
    """First instant at which the clock of ``tz`` shows ``naive`` or later (see module doc).

    Built from ``utcoffset`` and arithmetic only: ``replace(tzinfo=...)`` costs ten times more.
    """
    before = tz.utcoffset(naive)  # fold=0: the offset in force before any transition here
    after = tz.utcoffset(naive.replace(fold=1))
    assert before is not None and after is not None
    if after <= before:  # ordinary, or ambiguous: the first occurrence
        return _EPOCH + (naive - _EPOCH_NAIVE - before)
    return _instant_of_jump(naive, tz, before, after)


def _instant_of_jump(naive: datetime, tz: ZoneInfo, before: timedelta, after: timedelta) -> datetime:
    """In a gap the answer is the transition itself; bisect on whole seconds (tzdata's unit)."""
    lo = (naive - _EPOCH_NAIVE - after) // _SECOND  # still before the jump
    hi = -((_EPOCH_NAIVE - naive + before) // _SECOND)  # already after it
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if (_EPOCH + mid * _SECOND).astimezone(tz).utcoffset() == before:
            lo = mid
        else:
            hi = mid
    return _EPOCH + hi * _SECOND


@functools.lru_cache(maxsize=16_384)  # shared by all calendars: a few MB at most
def _resolve(tz: ZoneInfo, spans: tuple[tuple[timedelta, timedelta], ...], day: date) -> _Day:
    """Place one local date's opening intervals on the UTC time line.

    Cached across calendar instances, so a calendar rebuilt from JSON per request stays fast.
    """
    midnight = datetime.combine(day, time(0))
    segments: list[Segment] = []
    for lo, hi in spans:
        start, end = local_to_utc(midnight + lo, tz), local_to_utc(midnight + hi, tz)
        if start < end:  # an interval entirely inside a skipped hour vanishes
            segments.append((start, end))
    return _Day(tuple(segments), sum((end - start for start, end in segments), timedelta()))


def _check_date(value: object, what: str) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValueError(f"{what} must be a date, not {value!r}")  # noqa: TRY004 - settings errors are ValueError
    return value


@dataclass(frozen=True)
class BusinessCalendar:
    """A merchant's working time: time zone, weekly hours, public holidays, own closures.

    Immutable and hashable; settings round-trip through ``to_dict``/``from_dict``.
    Resolved days are cached on the instance, holidays per country and year.
    """

    timezone: str = "UTC"
    hours: WeeklyHours = DEFAULT_HOURS
    country: str | None = None
    subdivision: str | None = None
    closures: Sequence[tuple[date, date]] = ()  # inclusive local date ranges
    extra_working_days: Collection[date] = frozenset()
    _tz: ZoneInfo = field(init=False, repr=False, compare=False)
    _extra_spans: tuple[tuple[timedelta, timedelta], ...] = field(init=False, repr=False, compare=False)
    _closed: dict[int, frozenset[date]] = field(init=False, repr=False, compare=False, default_factory=dict)
    _days: dict[date, _Day] = field(init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        set_ = functools.partial(object.__setattr__, self)
        try:
            set_("_tz", ZoneInfo(self.timezone))
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {self.timezone!r}") from exc
        week = self.hours if isinstance(self.hours, WeekHours) else WeekHours(self.hours)
        if not week:
            raise ValueError("a calendar needs opening hours on at least one weekday")
        set_("hours", week)
        set_("_extra_spans", week.spans(next(iter(week))))
        self._set_country()
        set_("closures", tuple(sorted(self._checked_closures())))
        days = frozenset(_check_date(d, "an extra working day") for d in self.extra_working_days)
        set_("extra_working_days", days)

    def _set_country(self) -> None:
        if self.country is None:
            if self.subdivision is not None:
                raise ValueError("a subdivision needs a country")
            return
        country = self.country.upper()
        if country not in _supported_countries():
            raise ValueError(f"no public holidays known for country {self.country!r}")
        if self.subdivision is not None and self.subdivision not in _supported_countries()[country]:
            raise ValueError(f"unknown subdivision {self.subdivision!r} of {country}")
        object.__setattr__(self, "country", country)

    def _checked_closures(self) -> Iterator[tuple[date, date]]:
        for first, last in self.closures:
            if _check_date(first, "a closure start") > _check_date(last, "a closure end"):
                raise ValueError(f"closure {first}..{last} ends before it starts")
            yield first, last

    # -- days ---------------------------------------------------------------

    def local_date(self, at: datetime) -> date:
        """The merchant's calendar date at an instant."""
        return as_utc(at).astimezone(self._tz).date()

    def end_of_day(self, day: date) -> datetime:
        """Exclusive end of a local date: the instant the next local date begins."""
        return local_to_utc(datetime.combine(day + DAY, time(0)), self._tz)

    def is_closed_date(self, day: date) -> bool:
        """A public holiday or a merchant closure (whatever the weekday)."""
        return day in self._closed_dates(day.year)

    def is_working_day(self, day: date) -> bool:
        """A date with opening hours: what "working days" count in this calendar."""
        return bool(self._spans_on(day))

    def _closed_dates(self, year: int) -> frozenset[date]:
        closed = self._closed.get(year)
        if closed is None:
            closed = public_holidays(self.country, self.subdivision, year) | self._closure_dates(year)
            self._closed[year] = closed
        return closed

    def _closure_dates(self, year: int) -> frozenset[date]:
        first_of_year, last_of_year = date(year, 1, 1), date(year, 12, 31)
        dates: set[date] = set()
        for first, last in self.closures:
            day, last = max(first, first_of_year), min(last, last_of_year)
            while day <= last:
                dates.add(day)
                day += DAY
        return frozenset(dates)

    def _spans_on(self, day: date) -> tuple[tuple[timedelta, timedelta], ...]:
        if day in self.extra_working_days:
            return self._extra_spans
        if day in self._closed_dates(day.year):
            return ()
        assert isinstance(self.hours, WeekHours)
        return self.hours.spans(day.weekday())

    def _day(self, day: date) -> _Day:
        resolved = self._days.get(day)
        if resolved is None:
            if len(self._days) >= _DAY_CACHE_LIMIT:
                self._days.clear()
            resolved = self._days[day] = _resolve(self._tz, self._spans_on(day), day)
        return resolved

    def _days_from(self, day: date) -> Iterator[_Day]:
        """Resolved days from ``day`` on; refuses to search past a decade with no opening."""
        idle = 0
        while idle < MAX_IDLE_DAYS:
            resolved = self._day(day)
            idle = 0 if resolved.segments else idle + 1
            yield resolved
            day += DAY
        raise NoBusinessTimeError(f"no opening hours in {MAX_IDLE_DAYS} days from {day}")

    # -- business time --------------------------------------------------------

    def is_open(self, at: datetime) -> bool:
        """Whether ``at`` lies inside an opening segment (intervals are half-open)."""
        at = as_utc(at)
        day = self.local_date(at)
        return any(s <= at < e for d in (day, day + DAY) for s, e in self._day(d).segments)

    def next_opening(self, at: datetime) -> datetime:
        """``at`` itself when open, else the start of the next opening segment."""
        at = as_utc(at)
        for day in self._days_from(self.local_date(at)):
            for start, end in day.segments:
                if end > at:
                    return max(start, at)
        raise AssertionError("unreachable: _days_from raises first")  # pragma: no cover

    def add_business_time(self, start: datetime, duration: timedelta) -> datetime:
        """When ``duration`` of business time has elapsed after ``start``.

        Outside hours the clock starts at the next opening. A due time may fall
        exactly at a closing time; a zero duration gives the next opening.
        Whole days are skipped using their cached totals, so weeks cost little.
        """
        if duration < timedelta(0):
            raise ValueError("duration must not be negative")
        start, remaining = as_utc(start), duration
        for day in self._days_from(self.local_date(start)):
            if not day.segments or day.segments[-1][1] <= start:
                continue
            if day.segments[0][0] >= start and remaining > day.total:
                remaining -= day.total  # the whole day is used up: skip it in one step
                continue
            for seg_start, seg_end in day.segments:
                if seg_end <= start:
                    continue
                seg_start = max(seg_start, start)
                if remaining <= seg_end - seg_start:
                    return seg_start + remaining
                remaining -= seg_end - seg_start
        raise AssertionError("unreachable: _days_from raises first")  # pragma: no cover

    def business_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Business time elapsed from ``a`` to ``b``; zero when ``b <= a``.

        Only local dates from ``a``'s to the day after ``b``'s can hold such time.
        """
        a, b = as_utc(a), as_utc(b)
        total = timedelta(0)
        if b <= a:
            return total
        day, last = self.local_date(a), self.local_date(b) + DAY
        while day <= last:
            total += _overlap(self._day(day), a, b)
            day += DAY
        return total

    # -- day-counted deadlines -------------------------------------------------

    def add_business_days(self, start: datetime, n: int) -> datetime:
        """End of the n-th working day after the local date of ``start`` ("20 working days").

        The start's own date never counts (as in legal computation of delays),
        a working day is a date with opening hours in this calendar, and the
        result is the exclusive end of that day: its next local midnight, in
        UTC. ``n == 0`` gives the end of the start's own date.
        """
        if n < 0:
            raise ValueError("n must not be negative")
        day, idle = self.local_date(start), 0
        while n:
            day += DAY
            if self.is_working_day(day):
                n, idle = n - 1, 0
            elif (idle := idle + 1) >= MAX_IDLE_DAYS:
                raise NoBusinessTimeError(f"no working day in {MAX_IDLE_DAYS} days before {day}")
        return self.end_of_day(day)

    def add_calendar_days(self, start: datetime, n: int) -> datetime:
        """End of the n-th calendar day after the local date of ``start`` ("within 90 days")."""
        if n < 0:
            raise ValueError("n must not be negative")
        return self.end_of_day(self.local_date(start) + n * DAY)

    # -- storage ---------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready settings; ``from_dict`` gives back an equal calendar."""
        return {
            "timezone": self.timezone,
            "country": self.country,
            "subdivision": self.subdivision,
            "hours": {
                WEEKDAY_NAMES[wd]: [[_fmt(s, False), _fmt(e, True)] for s, e in ivs]
                for wd, ivs in self.hours.items()
            },
            "closures": [[first.isoformat(), last.isoformat()] for first, last in self.closures],
            "extra_working_days": sorted(d.isoformat() for d in self.extra_working_days),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BusinessCalendar:
        """Build from ``to_dict`` output; missing keys take the defaults, bad ones raise ValueError."""
        hours = data.get("hours")
        return cls(
            timezone=data.get("timezone") or "UTC",
            hours=DEFAULT_HOURS if hours is None else _parse_hours(hours),
            country=data.get("country"),
            subdivision=data.get("subdivision"),
            closures=tuple((_parse_date(a), _parse_date(b)) for a, b in data.get("closures") or ()),
            extra_working_days=frozenset(_parse_date(d) for d in data.get("extra_working_days") or ()),
        )


def _overlap(day: _Day, a: datetime, b: datetime) -> timedelta:
    """Business time of one resolved day inside ``[a, b)``; whole days cost one comparison."""
    segments = day.segments
    if not segments or segments[0][0] >= b or segments[-1][1] <= a:
        return timedelta(0)
    if segments[0][0] >= a and segments[-1][1] <= b:
        return day.total
    return sum((min(e, b) - max(s, a) for s, e in segments if s < b and e > a), timedelta())


def _fmt(t: time, is_end: bool) -> str:
    if is_end and t == time(0):
        return "24:00"
    return t.isoformat(timespec="minutes" if not (t.second or t.microsecond) else "auto")


def _parse_time(text: str, is_end: bool) -> time:
    if is_end and text in ("24:00", "24:00:00"):
        return time(0)
    return time.fromisoformat(text)


def _parse_date(text: str) -> date:
    return date.fromisoformat(text)


def _parse_weekday(key: str | int) -> int:
    if isinstance(key, str) and key.lower()[:3] in WEEKDAY_NAMES:
        return WEEKDAY_NAMES.index(key.lower()[:3])
    return int(key)


def _parse_hours(raw: Mapping[str | int, Sequence[Sequence[str]]]) -> WeekHours:
    return WeekHours(
        {
            _parse_weekday(key): [(_parse_time(s, False), _parse_time(e, True)) for s, e in intervals]
            for key, intervals in raw.items()
        }
    )
