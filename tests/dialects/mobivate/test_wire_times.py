"""The receipt's ``created``: ISO 8601 with milliseconds and a four-digit year, whatever the clock reads."""

from datetime import UTC, datetime

from mockgateway.dialects.mobivate.wire import receipt_time


def test_receipt_time_has_milliseconds_and_an_explicit_utc_offset() -> None:
    moment = datetime(2023, 7, 28, 3, 23, 22, 987_654, tzinfo=UTC).timestamp()
    assert receipt_time(moment) == "2023-07-28T03:23:22.987+00:00"


def test_receipt_time_pads_a_virtual_clock_set_before_the_year_1000_to_four_digits() -> None:
    # strftime's %Y leaves such years unpadded on glibc and pads them elsewhere; ISO 8601 wants four digits.
    moment = datetime(860, 1, 2, 3, 4, 5, tzinfo=UTC).timestamp()
    assert receipt_time(moment) == "0860-01-02T03:04:05.000+00:00"
