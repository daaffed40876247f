"""Release windows in local time, across midnight and daylight-saving changes."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from fieldtasks.windows import next_window, open_window

PARIS = ZoneInfo("Europe/Paris")


def test_a_morning_window_is_open_inside_and_closed_outside():
    start, end = time(4), time(7)
    inside = datetime(2026, 6, 10, 3, 30, tzinfo=UTC)  # 05:30 in Paris (UTC+2)
    assert open_window(inside, start, end, PARIS) == (
        datetime(2026, 6, 10, 4, tzinfo=PARIS),
        datetime(2026, 6, 10, 7, tzinfo=PARIS),
    )
    assert open_window(datetime(2026, 6, 10, 5, 0, tzinfo=UTC), start, end, PARIS) is None  # 07:00: closed


def test_a_window_past_midnight_is_open_on_both_sides_of_it():
    start, end = time(22), time(2)
    assert open_window(datetime(2026, 1, 10, 22, 30, tzinfo=UTC), start, end, PARIS) is not None  # 23:30
    opened = open_window(datetime(2026, 1, 11, 0, 30, tzinfo=UTC), start, end, PARIS)  # 01:30 the next day
    assert opened == (datetime(2026, 1, 10, 22, tzinfo=PARIS), datetime(2026, 1, 11, 2, tzinfo=PARIS))


def test_the_next_window_after_an_evening_pickup_is_the_next_morning():
    pickup = datetime(2026, 6, 10, 18, 0, tzinfo=UTC)  # 20:00 in Paris
    assert next_window(pickup, time(4), time(7), PARIS) == (
        datetime(2026, 6, 11, 4, tzinfo=PARIS),
        datetime(2026, 6, 11, 7, tzinfo=PARIS),
    )
    during = datetime(2026, 6, 11, 3, 0, tzinfo=UTC)  # 05:00, the window already open: the next one
    assert next_window(during, time(4), time(7), PARIS)[0] == datetime(2026, 6, 12, 4, tzinfo=PARIS)


def test_local_times_hold_across_the_daylight_saving_change():
    # Paris goes from UTC+1 to UTC+2 on 2026-03-29: the window still opens at 04:00 local time.
    opens, closes = next_window(datetime(2026, 3, 28, 20, 0, tzinfo=UTC), time(4), time(7), PARIS)
    assert (opens.astimezone(UTC).hour, closes.astimezone(UTC).hour) == (2, 5)
