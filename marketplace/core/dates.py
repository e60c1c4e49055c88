import calendar
import datetime


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Same day `months` later, clamped to the month's end (29/2 + 36 months → 28/2)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
