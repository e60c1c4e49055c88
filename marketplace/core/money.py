"""VND has no minor unit: amounts are whole dong, shown as '185.000 ₫'."""

CURRENCY = "VND"


def format_vnd(amount: int) -> str:
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(int(amount)):,} ₫".replace(",", ".")
