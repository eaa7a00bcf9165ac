"""DateRef: partial ISO dates whose precision must agree with their value."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from covered.model import DatePrecision, DateRef


@pytest.mark.parametrize(
    ("value", "precision", "earliest", "latest"),
    [
        ("2022-11-24", "day", dt.date(2022, 11, 24), dt.date(2022, 11, 24)),
        ("2022-11", "month", dt.date(2022, 11, 1), dt.date(2022, 11, 30)),
        ("2024-02", "month", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ("2022-12", "month", dt.date(2022, 12, 1), dt.date(2022, 12, 31)),
        ("2021", "year", dt.date(2021, 1, 1), dt.date(2021, 12, 31)),
    ],
)
def test_date_window(value: str, precision: str, earliest: dt.date, latest: dt.date) -> None:
    date = DateRef(value=value, precision=DatePrecision(precision))
    assert (date.earliest, date.latest) == (earliest, latest)
    assert date.display() == f"{value} ({precision})"


@pytest.mark.parametrize(
    ("value", "precision", "message"),
    [
        ("2022-11", "day", "has precision month"),
        ("2022", "month", "has precision year"),
        ("2023-02-30", "day", "day is out of range"),
        ("22-11-2022", "day", "is not YYYY"),
        (None, "year", "without a value"),
    ],
)
def test_bad_dates_rejected(value: str | None, precision: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        DateRef(value=value, precision=DatePrecision(precision))


def test_unknown_dates_sort_last() -> None:
    dates = [
        DateRef(precision=DatePrecision.UNKNOWN),
        DateRef(value="2019", precision=DatePrecision.YEAR),
        DateRef(value="2019-03-04", precision=DatePrecision.DAY),
    ]
    assert [d.value for d in sorted(dates, key=lambda d: d.sort_key)] == ["2019", "2019-03-04", None]
