"""Properties of business-time arithmetic over random calendars, instants and durations.

Time zones include the awkward ones: Casablanca (Ramadan), Lord Howe (30-minute
shifts), Santiago (changes at midnight) besides Paris and New York.
"""

import json
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from helpdesk.sla.calendar import BusinessCalendar, local_to_utc

relaxed = settings(deadline=None)  # first calls build holiday tables; inherits the loaded profile
TIMEZONES = [
    "Europe/Paris",
    "Africa/Casablanca",
    "UTC",
    "America/New_York",
    "Australia/Lord_Howe",
    "America/Santiago",
]
US = timedelta(microseconds=1)


def _quarter(n: int) -> time:
    return time(0) if n == 96 else time(n // 4, n % 4 * 15)


@st.composite
def day_hours(draw: st.DrawFn) -> list[tuple[time, time]]:
    """0-3 disjoint intervals on a quarter-hour grid, 24:00 included."""
    marks = sorted(draw(st.sets(st.integers(0, 96), max_size=6)))
    marks = marks[: len(marks) // 2 * 2]
    return [(_quarter(a), _quarter(b)) for a, b in zip(marks[::2], marks[1::2], strict=True)]


@st.composite
def calendars(draw: st.DrawFn) -> BusinessCalendar:
    hours = {wd: ivs for wd in range(7) if (ivs := draw(day_hours()))}
    if not hours:
        hours = {0: [(time(9), time(18))]}
    closures = draw(
        st.lists(st.tuples(st.dates(date(2024, 1, 1), date(2031, 12, 31)), st.integers(0, 20)), max_size=3)
    )
    return BusinessCalendar(
        timezone=draw(st.sampled_from(TIMEZONES)),
        hours=hours,
        country=draw(st.sampled_from([None, "FR", "MA"])),
        closures=[(first, first + timedelta(days=length)) for first, length in closures],
        extra_working_days=draw(st.lists(st.dates(date(2024, 1, 1), date(2031, 12, 31)), max_size=3)),
    )


def _transitions(year: int) -> list[datetime]:
    """Every change of UTC offset of TIMEZONES in a year, found hour by hour (a few ms)."""
    hours = [datetime(year, 1, 1, tzinfo=UTC) + timedelta(hours=h) for h in range(24 * 366)]
    found = []
    for name in TIMEZONES:
        offsets = [hour.astimezone(ZoneInfo(name)).utcoffset() for hour in hours]
        found += [hours[i] for i in range(1, len(hours)) if offsets[i] != offsets[i - 1]]
    return found


uniform_instants = st.datetimes(datetime(2024, 1, 1), datetime(2031, 12, 31)).map(
    lambda d: d.replace(tzinfo=UTC)
)
near_transitions = st.builds(
    lambda at, shift: at + shift,
    st.sampled_from(_transitions(2026)),
    st.timedeltas(-timedelta(days=3), timedelta(days=3)),
)
instants = st.one_of(uniform_instants, near_transitions)
durations = st.timedeltas(timedelta(0), timedelta(hours=120))


@relaxed
@given(calendars(), instants, durations)
def test_business_time_between_undoes_add_business_time(
    cal: BusinessCalendar, start: datetime, duration: timedelta
) -> None:
    due = cal.add_business_time(start, duration)
    assert due.tzinfo is UTC and due >= start
    assert cal.business_time_between(start, due) == duration


@relaxed
@given(calendars(), instants, instants, durations, durations)
def test_add_business_time_is_monotonic(
    cal: BusinessCalendar, s1: datetime, s2: datetime, d1: timedelta, d2: timedelta
) -> None:
    s1, s2 = sorted((s1, s2))
    d1, d2 = sorted((d1, d2))
    assert cal.add_business_time(s1, d1) <= cal.add_business_time(s1, d2)
    assert cal.add_business_time(s1, d1) <= cal.add_business_time(s2, d1)


@relaxed
@given(
    calendars(), instants, st.lists(st.timedeltas(timedelta(0), timedelta(days=30)), min_size=2, max_size=2)
)
def test_business_time_between_is_additive(cal: BusinessCalendar, a: datetime, gaps: list[timedelta]) -> None:
    b, c = a + gaps[0], a + gaps[0] + gaps[1]
    assert cal.business_time_between(a, c) == cal.business_time_between(a, b) + cal.business_time_between(
        b, c
    )
    assert cal.business_time_between(c, a) == timedelta(0)


@relaxed
@given(calendars(), instants, durations.filter(bool))
def test_due_time_is_inside_hours_or_at_a_closing_time_never_on_a_closed_day(
    cal: BusinessCalendar, start: datetime, duration: timedelta
) -> None:
    due = cal.add_business_time(start, duration)
    assert cal.is_open(due - US)  # the instant just before the due time is business time
    day = cal.local_date(due - US)
    assert cal.is_working_day(day)
    assert day in cal.extra_working_days or not cal.is_closed_date(day)


@relaxed
@given(calendars(), instants)
def test_next_opening_is_the_first_open_instant(cal: BusinessCalendar, at: datetime) -> None:
    opening = cal.next_opening(at)
    assert opening >= at and cal.is_open(opening)
    assert cal.business_time_between(at, opening) == timedelta(0)
    assert cal.add_business_time(at, timedelta(0)) == opening
    assert cal.is_open(at) == (opening == at)


@relaxed
@given(st.sampled_from(TIMEZONES), instants, st.timedeltas(timedelta(0), timedelta(days=40)))
def test_a_24_7_calendar_counts_elapsed_time(tz: str, a: datetime, span: timedelta) -> None:
    cal = BusinessCalendar(tz, hours={wd: [(time(0), time(0))] for wd in range(7)})
    assert cal.business_time_between(a, a + span) == span
    assert cal.add_business_time(a, span) == a + span


@relaxed
@given(calendars(), instants, st.integers(0, 30))
def test_add_business_days_ends_the_nth_following_working_day(
    cal: BusinessCalendar, start: datetime, n: int
) -> None:
    due = cal.add_business_days(start, n)
    last = cal.local_date(due - US)
    assert due == cal.end_of_day(last)
    assert n == 0 or cal.is_working_day(last)
    first = cal.local_date(start)
    following = (first + timedelta(days=i) for i in range(1, (last - first).days + 1))
    assert sum(cal.is_working_day(day) for day in following) == n


@relaxed
@given(st.sampled_from(TIMEZONES), instants)
def test_a_wall_time_maps_to_the_first_instant_showing_it(tz_name: str, at: datetime) -> None:
    tz = ZoneInfo(tz_name)
    wall = at.astimezone(tz).replace(tzinfo=None)
    first = local_to_utc(wall, tz)
    assert first <= at
    assert first.astimezone(tz).replace(tzinfo=None) >= wall
    assert (first - US).astimezone(tz).replace(tzinfo=None) < wall


@relaxed
@given(calendars())
def test_settings_round_trip(cal: BusinessCalendar) -> None:
    again = BusinessCalendar.from_dict(json.loads(json.dumps(cal.to_dict())))
    assert again == cal and hash(again) == hash(cal)
