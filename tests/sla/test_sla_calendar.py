"""Named cases for BusinessCalendar: the situations a merchant will actually meet."""

import json
import time as timer
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from helpdesk.sla.calendar import BusinessCalendar, NoBusinessTimeError, local_to_utc

PARIS, CASA = ZoneInfo("Europe/Paris"), ZoneInfo("Africa/Casablanca")
H = timedelta(hours=1)
ALWAYS = {weekday: [(time(0), time(0))] for weekday in range(7)}
NIGHTS = {weekday: [(time(0), time(6))] for weekday in range(7)}


def paris(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


def casa(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=CASA)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def fr() -> BusinessCalendar:
    return BusinessCalendar("Europe/Paris", country="FR")


@pytest.fixture
def ma() -> BusinessCalendar:
    return BusinessCalendar("Africa/Casablanca", country="MA")


# -- week-ends and hours ------------------------------------------------------


def test_friday_evening_ticket_is_due_on_monday(fr: BusinessCalendar) -> None:
    due = fr.add_business_time(paris(2026, 3, 27, 17), 2 * H)
    assert due == paris(2026, 3, 30, 10) == utc(2026, 3, 30, 8)  # summer time began on Sunday
    assert due.tzinfo is UTC
    assert fr.business_time_between(paris(2026, 3, 27, 17), due) == 2 * H


def test_after_closing_the_clock_starts_at_the_next_opening(fr: BusinessCalendar) -> None:
    assert fr.add_business_time(paris(2026, 3, 27, 20), H) == paris(2026, 3, 30, 10)
    assert fr.next_opening(paris(2026, 3, 28, 11)) == paris(2026, 3, 30, 9)
    assert fr.add_business_time(paris(2026, 3, 28, 11), timedelta(0)) == paris(2026, 3, 30, 9)
    assert not fr.is_open(paris(2026, 3, 28, 11))


def test_due_time_may_be_a_closing_time_and_intervals_are_half_open(fr: BusinessCalendar) -> None:
    assert fr.add_business_time(paris(2026, 6, 1, 9), 9 * H) == paris(2026, 6, 1, 18)
    assert fr.is_open(paris(2026, 6, 1, 9)) and not fr.is_open(paris(2026, 6, 1, 18))
    assert fr.next_opening(paris(2026, 6, 1, 18)) == paris(2026, 6, 2, 9)


def test_several_intervals_a_day() -> None:
    cal = BusinessCalendar("Europe/Paris", hours={0: [(time(14), time(18)), (time(9), time(12))]})
    assert cal.add_business_time(paris(2026, 6, 1, 11), 2 * H) == paris(2026, 6, 1, 15)
    assert cal.business_time_between(paris(2026, 6, 1, 8), paris(2026, 6, 8, 8)) == 7 * H


def test_touching_and_overlapping_intervals_are_merged() -> None:
    cal = BusinessCalendar(
        "UTC", hours={0: [(time(9), time(12)), (time(12), time(14)), (time(13), time(15))]}
    )
    assert cal.hours[0] == ((time(9), time(15)),)
    assert cal == BusinessCalendar("UTC", hours={0: [(time(9), time(15))]})


# -- holidays and closures ----------------------------------------------------


@pytest.mark.parametrize(
    ("start", "due"),
    [
        pytest.param(casa(2026, 7, 29, 18), casa(2026, 7, 31, 10), id="throne-day-30-july"),
        pytest.param(
            casa(2026, 11, 17, 17, 30), casa(2026, 11, 19, 9, 30), id="independence-day-18-november"
        ),
        pytest.param(casa(2027, 1, 8, 18), casa(2027, 1, 12, 10), id="independence-manifesto-11-january"),
    ],
)
def test_moroccan_fixed_date_holidays_are_skipped(
    ma: BusinessCalendar, start: datetime, due: datetime
) -> None:
    assert ma.add_business_time(start, H) == due


@pytest.mark.parametrize("day", [date(2026, 7, 30), date(2026, 11, 18), date(2027, 1, 11), date(2026, 11, 6)])
def test_moroccan_holidays_are_not_working_days(ma: BusinessCalendar, day: date) -> None:
    assert day.weekday() < 5 and not ma.is_working_day(day) and ma.is_closed_date(day)


def test_morocco_includes_the_estimated_islamic_holidays(ma: BusinessCalendar) -> None:
    import holidays

    eid = [d for d, name in holidays.country_holidays("MA", years=2026).items() if "Eid al-Fitr" in name]
    assert eid and all(ma.is_closed_date(d) for d in eid)


def test_french_holidays_are_skipped(fr: BusinessCalendar) -> None:
    assert fr.add_business_time(paris(2026, 4, 3, 17), 2 * H) == paris(2026, 4, 7, 10)  # Easter Monday


def test_merchant_closure_is_skipped() -> None:
    cal = BusinessCalendar(
        "Africa/Casablanca", country="MA", closures=[(date(2026, 8, 3), date(2026, 8, 14))]
    )
    assert cal.add_business_time(casa(2026, 7, 31, 17, 30), H) == casa(2026, 8, 17, 9, 30)
    assert cal.business_time_between(casa(2026, 7, 31, 17, 30), casa(2026, 8, 17, 9, 30)) == H
    assert not cal.is_open(casa(2026, 8, 5, 10))


def test_an_extra_working_day_opens_with_the_first_open_weekday_hours() -> None:
    cal = BusinessCalendar(
        "Africa/Casablanca",
        country="MA",
        closures=[(date(2026, 7, 31), date(2026, 8, 2))],
        extra_working_days=[date(2026, 8, 1)],
    )
    assert cal.add_business_time(casa(2026, 7, 31, 8), H) == casa(2026, 8, 1, 10)
    assert cal.is_working_day(date(2026, 8, 1)) and not cal.is_working_day(date(2026, 8, 2))


# -- changes of UTC offset ------------------------------------------------------


def test_paris_spring_forward_skips_an_hour_of_a_night_calendar() -> None:
    nights = BusinessCalendar("Europe/Paris", hours=NIGHTS)
    assert nights.business_time_between(paris(2026, 3, 29), paris(2026, 3, 29, 6)) == 5 * H
    assert nights.add_business_time(paris(2026, 3, 29), 5 * H) == paris(2026, 3, 29, 6) == utc(2026, 3, 29, 4)
    assert nights.add_business_time(paris(2026, 3, 29), 5 * H + timedelta(minutes=1)) == paris(
        2026, 3, 30, 0, 1
    )


def test_paris_fall_back_repeats_an_hour_of_a_night_calendar() -> None:
    nights = BusinessCalendar("Europe/Paris", hours=NIGHTS)
    assert nights.business_time_between(paris(2026, 10, 25), paris(2026, 10, 25, 6)) == 7 * H
    start = paris(2026, 10, 25)  # 22:00 UTC the day before
    assert nights.add_business_time(start, 2.5 * H) == utc(2026, 10, 25, 0, 30)  # 02:30 summer time
    assert nights.add_business_time(start, 3.5 * H) == utc(2026, 10, 25, 1, 30)  # 02:30 winter time


def test_a_24_7_calendar_measures_elapsed_time_across_paris_changes() -> None:
    always = BusinessCalendar("Europe/Paris", hours=ALWAYS)
    assert always.business_time_between(paris(2026, 3, 28, 12), paris(2026, 3, 29, 12)) == 23 * H
    assert always.business_time_between(paris(2026, 10, 24, 12), paris(2026, 10, 25, 12)) == 25 * H
    assert always.add_business_time(paris(2026, 3, 29), 3 * H) == paris(2026, 3, 29, 4)
    assert always.is_open(utc(2026, 3, 29, 1)) and always.is_open(utc(2026, 10, 25, 1, 30))


def test_an_opening_time_inside_the_skipped_hour_opens_at_the_jump() -> None:
    cal = BusinessCalendar("Europe/Paris", hours={6: [(time(2, 30), time(4))]})
    assert cal.next_opening(paris(2026, 3, 29)) == utc(2026, 3, 29, 1)  # 03:00 summer time
    assert cal.business_time_between(paris(2026, 3, 29), paris(2026, 3, 30)) == H
    assert cal.business_time_between(paris(2026, 10, 25), paris(2026, 10, 26)) == 2.5 * H


def test_local_times_map_to_the_first_instant_showing_them() -> None:
    assert local_to_utc(datetime(2026, 3, 29, 2, 30), PARIS) == utc(2026, 3, 29, 1)  # does not exist
    assert local_to_utc(datetime(2026, 10, 25, 2, 30), PARIS) == utc(2026, 10, 25, 0, 30)  # happens twice
    assert local_to_utc(datetime(2026, 7, 1, 9), PARIS) == utc(2026, 7, 1, 7)


def test_tzdata_models_casablanca_ramadan_offset() -> None:
    assert utc(2026, 1, 20).astimezone(CASA).utcoffset() == H
    assert utc(2026, 3, 1).astimezone(CASA).utcoffset() == timedelta(0)


def test_casablanca_office_hours_follow_the_ramadan_offset() -> None:
    cal = BusinessCalendar("Africa/Casablanca")  # no country: Eid's estimated dates stay out of it
    assert cal.add_business_time(casa(2026, 2, 13, 17), 2 * H) == utc(2026, 2, 16, 10)  # UTC+1 -> UTC+0
    assert cal.add_business_time(casa(2026, 3, 20, 17), 2 * H) == utc(2026, 3, 23, 9)  # UTC+0 -> UTC+1
    assert cal.business_time_between(utc(2026, 2, 9), utc(2026, 2, 23)) == 90 * H


def test_casablanca_ramadan_repeated_and_skipped_hours() -> None:
    nights = BusinessCalendar("Africa/Casablanca", hours=NIGHTS)
    assert nights.business_time_between(casa(2026, 2, 15), casa(2026, 2, 15, 6)) == 7 * H
    assert nights.business_time_between(casa(2026, 3, 22), casa(2026, 3, 22, 6)) == 5 * H
    always = BusinessCalendar("Africa/Casablanca", hours=ALWAYS)
    assert always.business_time_between(utc(2026, 2, 1), utc(2026, 4, 1)) == utc(2026, 4, 1) - utc(2026, 2, 1)


# -- long targets ---------------------------------------------------------------


def test_ten_week_target_crosses_dst_and_a_holiday(fr: BusinessCalendar) -> None:
    start = paris(2026, 9, 7, 9)
    due = fr.add_business_time(start, 50 * 9 * H)  # 50 weekdays, one of them 11 November
    assert due == paris(2026, 11, 16, 18) == utc(2026, 11, 16, 17)
    assert fr.business_time_between(start, due) == 450 * H


def test_a_year_long_target_on_a_fresh_calendar_is_cheap() -> None:
    fresh = BusinessCalendar(
        "Europe/Berlin", country="DE", hours={d: [(time(8), time(16, 30))] for d in range(5)}
    )
    began = timer.perf_counter()
    due = fresh.add_business_time(utc(2031, 1, 6, 12), 8.5 * 250 * H)
    assert timer.perf_counter() - began < 1.0  # about 2 ms in practice; generous for noisy CI
    assert due.year == 2032


# -- working and calendar days ------------------------------------------------------


def test_twenty_working_days_in_france_skip_easter_monday(fr: BusinessCalendar) -> None:
    assert fr.add_business_days(paris(2026, 3, 27, 17), 20) == paris(2026, 4, 28)  # end of 27 April


def test_twenty_working_days_in_morocco_skip_fixed_holidays(ma: BusinessCalendar) -> None:
    due = ma.add_business_days(casa(2026, 11, 2, 10), 20)  # 6 and 18 November skipped
    # Morocco left UTC+1 on 20 September 2026 (IANA 2026 data, read from the tzdata package): midnight is 00:00 UTC.
    assert due == casa(2026, 12, 3) == utc(2026, 12, 3, 0)


def test_working_days_start_after_the_start_date_whatever_the_hour(fr: BusinessCalendar) -> None:
    assert fr.add_business_days(paris(2026, 6, 1, 0, 5), 1) == paris(2026, 6, 3)
    assert fr.add_business_days(paris(2026, 6, 1, 23, 55), 1) == paris(2026, 6, 3)
    assert fr.add_business_days(paris(2026, 6, 1, 12), 0) == paris(2026, 6, 2)


def test_calendar_days_end_at_local_midnight(ma: BusinessCalendar) -> None:
    assert ma.add_calendar_days(casa(2026, 6, 1, 12), 21) == casa(2026, 6, 23)  # "3 weeks"
    assert ma.add_calendar_days(casa(2026, 1, 5, 12), 90) == casa(2026, 4, 6)
    assert ma.end_of_day(date(2026, 2, 14)) == utc(2026, 2, 14, 23)


# -- settings -------------------------------------------------------------------------


def test_settings_round_trip_through_json() -> None:
    cal = BusinessCalendar(
        "Africa/Casablanca",
        hours={0: [(time(9), time(13)), (time(14, 30), time(18))], 5: [(time(22), time(0))]},
        country="ma",
        closures=[(date(2026, 8, 3), date(2026, 8, 14))],
        extra_working_days=[date(2026, 8, 8)],
    )
    data = json.loads(json.dumps(cal.to_dict()))
    assert data["hours"] == {"mon": [["09:00", "13:00"], ["14:30", "18:00"]], "sat": [["22:00", "24:00"]]}
    assert data["country"] == "MA"
    again = BusinessCalendar.from_dict(data)
    assert again == cal and hash(again) == hash(cal)


def test_from_dict_defaults_to_office_hours() -> None:
    cal = BusinessCalendar.from_dict({"timezone": "Europe/Paris", "country": "FR"})
    assert cal == BusinessCalendar("Europe/Paris", country="FR")
    assert BusinessCalendar.from_dict({"hours": {"0": [["08:00", "12:00"]]}}).hours == {
        0: ((time(8), time(12)),)
    }


@pytest.mark.parametrize(
    "kwargs",
    [
        {"timezone": "Mars/Olympus"},
        {"country": "XX"},
        {"country": "FR", "subdivision": "Nowhere"},
        {"hours": {}},
        {"hours": {7: [(time(9), time(10))]}},
        {"hours": {0: [(time(10), time(9))]}},
        {"closures": [(date(2026, 8, 14), date(2026, 8, 3))]},
        {"extra_working_days": [datetime(2026, 8, 1, tzinfo=UTC)]},
    ],
)
def test_bad_settings_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        BusinessCalendar(**kwargs)  # type: ignore[arg-type]


def test_naive_and_negative_inputs_are_refused(fr: BusinessCalendar) -> None:
    with pytest.raises(ValueError, match="naive"):
        fr.add_business_time(datetime(2026, 6, 1, 9), H)
    with pytest.raises(ValueError):
        fr.add_business_time(paris(2026, 6, 1, 9), -H)
    with pytest.raises(ValueError):
        fr.add_business_days(paris(2026, 6, 1, 9), -1)


def test_a_calendar_closed_for_good_raises_instead_of_looping() -> None:
    cal = BusinessCalendar("UTC", closures=[(date(2026, 1, 1), date(2040, 1, 1))])
    with pytest.raises(NoBusinessTimeError):
        cal.add_business_time(utc(2026, 1, 2), H)
    with pytest.raises(NoBusinessTimeError):
        cal.add_business_days(utc(2026, 1, 2), 1)
